"""No output of any command is the database or a file SQLite keeps beside it, whatever name reaches it.

`export --db x.db --out x.db --force` once replaced the live database with JSONL (exit 0). Each
command that writes a file (export and its split files, screenshot, train, evaluate --plot, the
dashboard's PNG) is pointed at the database under every name that reaches it: the same path,
another spelling, a hard link, a symlink, the -wal and -shm files, a folder holding it, standard
output redirected into it; an import is given the database as its input. Each is refused, and the
database is afterwards exactly what it was and still verifies.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import dump, refused, succeeded

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Angela Merkel met Emmanuel Macron in Paris on Monday."


@pytest.fixture
def live(tmp_path):
    """A database with a document, open in WAL mode by another connection (so -wal and -shm exist)."""
    import sqlite3
    folder = tmp_path / "data"
    folder.mkdir()
    source = folder / "in.jsonl"
    source.write_text('{"id": "d1", "text": "%s", "entities": [{"id": "e1", "start": 0, "end": 13, '
                      '"label": "PERSON"}], "status": "done"}\n' % TEXT, encoding="utf-8")
    db = folder / "live.db"
    succeeded(["import", source, "--db", db])
    holder = sqlite3.connect(db)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("SELECT count(*) FROM documents").fetchone()
    assert Path(f"{db}-wal").exists() and Path(f"{db}-shm").exists()
    yield db
    holder.close()


NAMES = ["same", "spelled", "hardlink", "symlink", "wal", "shm", "symlinked-db"]


def name_for(kind: str, db: Path) -> tuple[Path, Path]:
    """(the --db to give, the output path) that reach the database's files another way."""
    folder = db.parent
    if kind == "same":
        return db, db
    if kind == "spelled":
        return db, folder / ".." / folder.name / "." / db.name
    if kind == "hardlink":
        os.link(db, folder / "other-name.db")
        return db, folder / "other-name.db"
    if kind == "symlink":
        (folder / "link.jsonl").symlink_to(db)
        return db, folder / "link.jsonl"
    if kind in ("wal", "shm"):
        return db, Path(f"{db}-{kind}")
    if kind == "symlinked-db":
        (folder / "alias.db").symlink_to(db)
        return folder / "alias.db", db
    raise AssertionError(kind)


COMMANDS = {
    "export": lambda db, out: ["export", "--db", db, "--out", out, "--force"],
    "export prodigy": lambda db, out: ["export", "--db", db, "--out", out, "--format", "prodigy", "--force"],
    "screenshot": lambda db, out: ["screenshot", "--db", db, "--out", out],
    "evaluate --plot": lambda db, out: ["evaluate", "--db", db, "--model", "builtin", "--plot", out],
}


def assert_intact(db: Path, before: list[str]) -> None:
    assert dump(db) == before
    out, _ = succeeded(["audit", "--verify", "--db", db])
    assert "verified" in out


@pytest.mark.parametrize("kind", NAMES)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_output_that_reaches_the_database_is_refused(command, kind, live, qapp):
    db_arg, out = name_for(kind, live)
    before = dump(live)
    refused(COMMANDS[command](db_arg, out), live, "the database")
    assert_intact(live, before)


@pytest.mark.parametrize("kind", ["same", "hardlink", "symlink"])
def test_a_split_file_that_reaches_the_database_is_refused(kind, live):
    """--split derives OUT.NAME.jsonl: a name that lands on the database is refused too."""
    folder = live.parent
    if kind == "same":
        out = folder / "live"  # live + ".db" split = live.db
        argv = ["export", "--db", live, "--out", out, "--split", "train=0.5,db=0.5", "--force"]
    else:
        target = folder / "set.train.jsonl"
        os.link(live, target) if kind == "hardlink" else target.symlink_to(live)
        argv = ["export", "--db", live, "--out", folder / "set.jsonl", "--split", "train=0.5,dev=0.5", "--force"]
    before = dump(live)
    refused(argv, live, "the database")
    assert_intact(live, before)


def test_a_folder_output_holding_the_database_is_refused(live, tmp_path):
    """A forced brat export and a training run replace the whole folder they are given."""
    before = dump(live)
    refused(["export", "--db", live, "--format", "brat", "--out", live.parent, "--force"], live, "holds the database")
    refused(["train", "--db", live, "--out", live.parent], live, "holds the database")
    (tmp_path / "model").symlink_to(live.parent)
    refused(["train", "--db", live, "--out", tmp_path / "model"], live, "holds the database")
    assert_intact(live, before)


@pytest.mark.parametrize("kind", ["same", "hardlink", "symlink", "wal"])
def test_the_database_is_not_read_as_an_import(kind, live):
    db_arg, path = name_for(kind, live)
    before = dump(live)
    refused(["import", path, "--db", db_arg], live, "the database")
    assert_intact(live, before)


def test_standard_output_redirected_into_the_database_is_refused(live):
    """`marginalia export --out - >> live.db`: the shell opened the file, the program must not write."""
    before = dump(live)
    size = live.stat().st_size
    with open(live, "ab") as redirected:
        result = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", "--db", str(live), "--out", "-"],
                                stdout=redirected, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "standard output is the database" in result.stderr
    assert live.stat().st_size == size
    assert_intact(live, before)


def test_the_dashboard_does_not_save_its_png_over_the_database(live, qapp):
    from annotate.errors import InputError
    from store import Store
    from ui.dashboard import Dashboard
    before = dump(live)
    with Store.open(str(live), "tester") as store:
        board = Dashboard(store)
        for path in (live, Path(f"{live}-wal")):
            with pytest.raises(InputError, match="the database"):
                board.save_png(path)
        board.close()
    assert_intact(live, before)
