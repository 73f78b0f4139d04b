"""No code path opens a live database file (or its -wal / -shm) outside SQLite (issue 13 §1).

Closing ANY descriptor of a file drops every POSIX lock the process holds on it; another process
then believes it is the last user, checkpoints and deletes the -wal our connection still writes
to, and what we write next is lost.

- The issue's smallest reproduction, in a process of its own with `marginalia stats` as its
  child: both entities survive the sudden exit, the -wal was never deleted under it, and
  `audit --verify` passes.
- Every command, run in the process of a window that holds the file, with Python's audit hook
  watching every file the process opens from Python: none opens the database, its -wal or its
  -shm (SQLite's own opens do not go through Python and are safe: its VFS keeps a descriptor open
  while another connection of the process holds a lock).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import main
from annotate.model import AnnotatedDocument, Annotations, Document, Span
from store import Store
from tests.helpers import bulk, crash_check
from tests.helpers.reopen_driver import deleted_companions

REOPEN_DRIVER = Path(__file__).resolve().parent.parent / "helpers" / "reopen_driver.py"
TEXT = ("Turkey is against Haftar, whom the United Arab Emirates back. Kalın said a truce is possible "
        "if everybody went back to their positions in 2015. Çavuşoğlu met Lavrov in Moscow on Monday.")


def test_the_issue_reproduction_keeps_both_entities(tmp_path):
    db = tmp_path / "repro.db"
    done = subprocess.run([sys.executable, str(REOPEN_DRIVER), str(db)], capture_output=True, timeout=300,
                          cwd=crash_check.ROOT)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    returned = [line["entity"] for line in lines if "entity" in line]
    assert len(returned) == 2
    assert lines[-1] == {"deleted": []}, "the -wal was deleted while the process still wrote to it"
    conn = crash_check.check_sound(db, "reproduction")
    try:
        stored = {r[0] for r in conn.execute("SELECT id FROM spans WHERE doc_id = 'd1'")}
    finally:
        conn.close()
    assert stored == set(returned), f"{len(stored & set(returned))} of 2 entities in the file"
    crash_check.verify_with_cli(db, "reproduction")


class _FileOpens:
    """Every file the process opens from Python (builtins.open, io.open, os.open, pathlib...)."""

    def __init__(self):
        self.watching: tuple[str, ...] = ()
        self.seen: list[tuple[str, str]] = []
        sys.addaudithook(self._hook)

    def _hook(self, event, args):
        if event == "open" and self.watching and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.fsdecode(args[0])
            if os.path.realpath(path).startswith(self.watching):
                self.seen.append((path, str(args[1:])))


_OPENS = None


@pytest.fixture
def file_opens():
    global _OPENS
    if _OPENS is None:  # an audit hook cannot be removed: one for the whole session, switched on and off
        _OPENS = _FileOpens()
    _OPENS.seen.clear()
    yield _OPENS
    _OPENS.watching = ()


def _documents(prefix: str, n: int) -> list[AnnotatedDocument]:
    return [AnnotatedDocument(Document(f"{prefix}{i}", TEXT, {"title": f"{prefix} {i}"}),
                              Annotations([Span("e1", 0, 6, "GPE"), Span("e2", 18, 24, "PERSON")]))
            for i in range(n)]


def test_no_command_opens_a_live_database_outside_sqlite(tmp_path, file_opens, capsys):
    db = tmp_path / "live.db"
    other = tmp_path / "other.db"
    with Store.open(str(other), "ben") as store:
        store.import_documents(_documents("o", 3))
    window = Store.open(str(db), "ana")
    try:
        window.import_documents(_documents("w", 8))
        for i in range(8):
            window.set_status(f"w{i}", "done")
        jsonl = bulk.write_big_jsonl(tmp_path / "more.jsonl", 3, prefix="more", repeat=1)
        out = tmp_path / "out"
        out.mkdir()
        commands = [
            ["stats", "--db", str(db)],
            ["stats", "--json", "--db", str(db)],
            ["audit", "--verify", "--db", str(db)],
            ["audit", "--doc", "w1", "--db", str(db)],
            *[["export", "--db", str(db), "--format", fmt, "--out", str(out / f"x.{fmt}")]
              for fmt in ("jsonl", "prodigy", "spacy", "conll", "doccano", "labelstudio", "csv")],
            ["export", "--db", str(db), "--format", "brat", "--out", str(out / "brat")],
            ["export", "--db", str(db), "--out", str(out / "split.jsonl"), "--split", "train=0.5,test=0.5"],
            ["import", str(jsonl), "--db", str(db)],
            ["merge", str(other), "--into", str(db)],
            ["merge", str(db), "--into", str(tmp_path / "team.db")],
            ["agree", "--db", str(db)],
            ["agree", "--db", str(db), "--db", str(other)],
            ["preannotate", "--db", str(db)],
            ["train", "--db", str(db), "--annotator", "ana", "--out", str(tmp_path / "model"), "--max-steps", "4"],
            ["evaluate", "--db", str(db), "--annotator", "ana", "--model", "builtin"],
        ]
        watched = str(db.resolve())
        for argv in commands:
            file_opens.watching = (watched,)
            code = main.main(argv)
            file_opens.watching = ()
            capsys.readouterr()
            assert code == 0, argv
            assert file_opens.seen == [], f"{argv[0]} opened the live database outside SQLite: {file_opens.seen}"
            assert deleted_companions(watched) == [], f"{argv[0]}: the window's -wal was deleted under it"
            # The window's next action lands in the file, as another process sees it.
            changes = window.add_entity("w0", 35, 55, "GPE")
            window.undo()
            assert changes.event is not None
        file_opens.watching = (watched,)
        Store.open(str(db), "worker", create=False).close()  # the window's worker and adjudication
        Store.open(str(db), "reader", read_only=True).close()
        file_opens.watching = ()
        assert file_opens.seen == []
        assert deleted_companions(watched) == []
    finally:
        window.close()
    crash_check.verify_with_cli(db, "after every command")
