"""A large file the window opens is checked for damage while the window shows, not before: the
start-up stays the same for 1,000 or 100,000 documents, and a damaged file is still never
written to, only refused a moment later. (Files under the size limit are checked at open, as
test_database_files.py tests; here the limit is lowered to zero.)"""
from __future__ import annotations

import pytest

import store.database as database
from annotate.errors import StoreError
from store import Store
from tests.test_database_files import _bad_file, real_db, snapshot  # noqa: F401 (real_db is a fixture)


@pytest.fixture
def damaged(tmp_path, real_db, monkeypatch):  # noqa: F811
    monkeypatch.setattr(database, "CHECK_AT_OPEN_BELOW", 0)
    folder = tmp_path / "files"
    folder.mkdir()
    return _bad_file("corrupt", folder, real_db)


def test_the_first_write_waits_for_the_check_and_a_damaged_file_is_refused_unwritten(damaged):
    before = snapshot(damaged)
    store = Store.open(str(damaged), "ana", check_later=True)
    try:
        assert store.pending_check is not None
        with pytest.raises(StoreError, match="the database is damaged") as info:
            store.add_entity("d1", 35, 55, "GPE")
        assert str(damaged) in str(info.value) and "untouched" in str(info.value)
        assert not store.known_sound()
    finally:
        store.close()
    assert snapshot(damaged)[0] == before[0]  # not a byte written


def test_a_sound_file_opens_without_the_check_and_writes_once_it_is_over(tmp_path, real_db, monkeypatch):  # noqa: F811
    monkeypatch.setattr(database, "CHECK_AT_OPEN_BELOW", 0)
    path = tmp_path / "sound.db"
    path.write_bytes(real_db.read_bytes())
    with Store.open(str(path), "ana", check_later=True) as store:
        check = store.pending_check
        assert check is not None
        store.add_entity("d1", 35, 55, "GPE")
        assert check.done and check.problem is None and store.pending_check is None and store.known_sound()


def test_the_window_says_a_damaged_file_is_damaged_and_closes(qtbot, damaged, capsys):
    from ui.session import Session
    before = snapshot(damaged)
    session = Session(given="ana")
    assert session.open(damaged)
    window = session.window
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20_000)
    assert "the database is damaged" in window.damaged and str(damaged) in window.damaged
    assert "the database is damaged" in capsys.readouterr().err  # offscreen: said on stderr
    session.close()
    assert snapshot(damaged)[0] == before[0]


def test_the_window_begins_the_check_once_its_first_paint_is_over(qtbot, tmp_path, real_db, monkeypatch):  # noqa: F811
    """The check reads the whole file: begun before the first paint, it took CPU from the start."""
    from ui.after_paint import first_paint_over
    from ui.session import Session
    monkeypatch.setattr(database, "CHECK_AT_OPEN_BELOW", 0)
    path = tmp_path / "sound.db"
    path.write_bytes(real_db.read_bytes())
    session = Session(given="ana")
    assert session.open(path)
    try:
        check = session.store.pending_check
        assert check is not None and check._thread.ident is None  # shown, not painted yet: not begun
        qtbot.waitUntil(lambda: first_paint_over(session.window), timeout=10_000)
        assert check._thread.ident is not None
        qtbot.waitUntil(lambda: session.store.known_sound(), timeout=20_000)
        assert session.window.isVisible()
    finally:
        session.close()
