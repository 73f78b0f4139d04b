"""Shared fixtures. Every test runs headless; none touches the user's data folder."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Text with the traps real articles bring: a flag and a skin-toned emoji (non-BMP, multi-code-
# point), CRLF line endings, NBSP, a combining mark, and the dotted capital I whose lower case
# is longer than itself.
TRAP_TEXT = ("Erdoğan\u00a0met 👍🏽 Putin in İstanbul 🇹🇷.\r\n"
             "Cafe\u0301 owners said: \u201cthe talks will fail\u201d.\r\n"
             "Haftar, backed by the UAE, refused.")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MARGINALIA_HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("MARGINALIA_ANNOTATOR", "tester")


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory):
    """QSettings of each test in a folder of its own, never the user's: Qt reads XDG_CONFIG_HOME
    once per process, so the environment alone would share one file between tests."""
    from PySide6.QtCore import QCoreApplication, QSettings
    folder = tmp_path_factory.mktemp("settings")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, str(folder / "system"))
    QCoreApplication.setOrganizationName("Marginalia")
    QCoreApplication.setApplicationName("Marginalia")
    yield folder


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory):
    """One migrated, schema-loaded database; each test gets a copy (as Anki's getEmptyCol)."""
    from store import Store
    path = tmp_path_factory.mktemp("template") / "template.db"
    with Store.open(str(path), "tester") as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def db_path(tmp_path, _template_db):
    path = tmp_path / "test.db"
    shutil.copyfile(_template_db, path)
    os.chmod(path, 0o600)
    return path


@pytest.fixture
def store(db_path):
    from store import Store
    s = Store.open(str(db_path), "tester")
    yield s
    s.close()


@pytest.fixture
def trap_doc(store):
    from annotate.model import AnnotatedDocument, Document
    store.import_documents([AnnotatedDocument(Document("trap", TRAP_TEXT, {"title": "Traps"}))])
    return "trap"


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to reach the network fails loudly and is recorded."""
    import socket
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted")

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts
