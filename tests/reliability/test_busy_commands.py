"""A command that writes waits for another program's long write instead of failing "database is
locked" (issue 19: a second import during a 100,000-document import failed after 10 s).

Another connection holds the write lock (BEGIN IMMEDIATE, as an import does while it writes)
past the busy timeout; `import` and `merge --into` from a terminal say they are waiting, then
land whole once it is released. (The window asks instead: tests/ui/test_busy_wait.py.)
"""
from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from tests.helpers import bulk, crash_check

MAIN = str(crash_check.ROOT / "main.py")


def _command_beside_a_writer(db, argv) -> tuple[str, str]:
    """Run ``argv`` while another connection holds the write lock; release it once the command
    says it waits. Returns (what it said while waiting, the rest of its stderr)."""
    writer = sqlite3.connect(str(db), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    proc = subprocess.Popen([sys.executable, MAIN, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # The command prints this only after SQLite's busy timeout; a command that gives up
        # instead ends, and readline returns its error (or nothing) rather than blocking.
        first = proc.stderr.readline()
    finally:
        writer.execute("COMMIT")
        writer.close()
    _, rest = proc.communicate(timeout=600)
    assert proc.returncode == 0, first + rest
    return first, rest


@pytest.mark.parametrize("command", ["import", "merge"])
def test_a_command_waits_for_another_programs_write_and_lands(command, tmp_path):
    db = tmp_path / "team.db"
    assert subprocess.run([sys.executable, MAIN, "import", str(bulk.write_big_jsonl(tmp_path / "seed.jsonl", 2,
                          prefix="seed", repeat=1)), "--db", str(db)], capture_output=True).returncode == 0
    source = bulk.write_big_jsonl(tmp_path / "more.jsonl", 5, prefix="more", repeat=2)
    if command == "import":
        argv = ["import", str(source), "--db", str(db)]
    else:
        other = tmp_path / "other.db"
        assert subprocess.run([sys.executable, MAIN, "import", str(source), "--db", str(other)],
                              capture_output=True).returncode == 0
        argv = ["merge", str(other), "--into", str(db)]
    said, _ = _command_beside_a_writer(db, argv)
    assert "waiting for another program writing to it" in said and str(db) in said, said
    conn = crash_check.check_sound(db, command)
    try:
        assert conn.execute("SELECT count(*) FROM documents WHERE id LIKE 'more%'").fetchone()[0] == 5
    finally:
        conn.close()
    crash_check.verify_with_cli(db, command)


@pytest.mark.parametrize("cancel", [False, True])
def test_the_windows_preannotation_worker_waits_for_another_programs_write(cancel, tmp_path, monkeypatch):
    """The window's pre-annotation worker (its own Store, on a thread of its own) meets a long
    write: it says what it waits for (the progress dialog shows it) and goes on once the write
    ends, or stops when cancelled meanwhile, writing nothing (it failed busy before)."""
    import store.database
    from PySide6.QtCore import Qt
    from ui.preannotation import PreannotationWorker
    db = tmp_path / "pre.db"
    assert subprocess.run([sys.executable, MAIN, "import", str(bulk.write_news_jsonl(tmp_path / "news.jsonl", 6)),
                           "--db", str(db)], capture_output=True).returncode == 0
    monkeypatch.setattr(store.database, "BUSY_TIMEOUT_MS", 100)  # the worker's wait, made short
    # Released from the thread that writes the batches (the worker's on_busy is called there).
    writer = sqlite3.connect(str(db), isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    job = PreannotationWorker(str(db), "ana", "builtin")
    said, failures, results = [], [], []

    def waiting(text):
        said.append(text)
        if len(said) == 3:  # it has waited three busy timeouts: the other write ends, or the user cancels
            if cancel:
                job.cancel_flag.set()
            else:
                writer.execute("COMMIT")

    # Direct: the signal comes from the batch writer's thread, and there is no event loop here.
    job.waiting.connect(waiting, Qt.ConnectionType.DirectConnection)
    job.failed.connect(failures.append)
    job.finished.connect(results.append)
    try:
        job.run()
    finally:
        if writer.in_transaction:
            writer.execute("ROLLBACK")
        writer.close()
    assert said and "waiting for another program writing to it" in said[0], (said, failures)
    conn = crash_check.check_sound(db, "pre-annotation beside a writer")
    try:
        suggested = conn.execute("SELECT count(*) FROM spans WHERE origin LIKE 'model:%'").fetchone()[0]
    finally:
        conn.close()
    if cancel:
        assert not results and failures and "cancelled while another program was writing" in failures[0], failures
        assert suggested == 0
    else:
        assert not failures, failures
        assert results[0].stats.documents == 6 and suggested > 0, (results, suggested)
