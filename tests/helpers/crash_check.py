"""Running a driver, killing it with SIGKILL, and checking the database it leaves behind.

Shared by tests/reliability (a few runs) and tests/stress (hundreds).
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CRASH_DRIVER = Path(__file__).resolve().parent / "crash_driver.py"


def start(argv: list[str], out_path: Path, *, cwd: Path | None = None) -> subprocess.Popen:
    with open(out_path, "wb") as out:
        return subprocess.Popen([sys.executable, *argv], stdout=out, stderr=subprocess.PIPE, cwd=cwd or ROOT)


def wait_for(predicate, proc: subprocess.Popen, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc.poll() is not None:
            raise AssertionError(f"the process exited before {what} ({proc.returncode}): "
                                 f"{proc.stderr.read().decode(errors='replace')[-2000:]}")
        time.sleep(0.005)
    raise AssertionError(f"timed out waiting for {what}")


def kill(proc: subprocess.Popen) -> bool:
    """SIGKILL the process; True when it was still running (so the kill interrupted it)."""
    running = proc.poll() is None
    if running:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if not running or proc.returncode != -signal.SIGKILL:
        assert proc.returncode == 0, f"the process failed on its own ({proc.returncode}): {err[-3000:]}"
    return running and proc.returncode == -signal.SIGKILL


def returned_lines(out_path: Path) -> tuple[int, list[dict], bool]:
    """(events at start, the actions printed in full, whether the driver reached its end)."""
    data = out_path.read_bytes().decode("utf-8")
    lines = data.split("\n")[:-1]  # what follows the last newline was cut short by the kill
    assert lines and lines[0].startswith("ready"), data[:200]
    start_events = int(lines[0].split()[1])
    ended = lines[-1] == "end"
    return start_events, [json.loads(line) for line in lines[1:] if line.startswith("{")], ended


def check_sound(path: Path, context: str) -> sqlite3.Connection:
    """The file is a sound SQLite database with no dangling reference; returns a connection to it."""
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], context
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == [], context
    return conn


def check_actions(path: Path, start_events: int, actions: list[dict], context: str) -> int:
    """Every returned action is in the file exactly as it was committed; at most one more event."""
    conn = check_sound(path, context)
    try:
        events = {seq: (action, digest, count) for seq, action, digest, count in conn.execute(
            "SELECT seq, action, hash, json_array_length(changes, '$.rows') FROM audit")}
        max_seq = max(events) if events else 0
        for done in actions:
            assert done["seq"] in events, f"{context}: returned action {done} is missing from the database"
            action, digest, count = events[done["seq"]]
            assert (action, digest, count) == (done["action"], done["hash"], done["rows"]), (
                f"{context}: event #{done['seq']} is not what was committed: {(action, digest, count)} vs {done}")
        last = actions[-1]["seq"] if actions else start_events
        # At most one action can have committed without being reported: the one in flight.
        assert max_seq - last in (0, 1), f"{context}: {max_seq} events in the file, {last} reported"
        return max_seq
    finally:
        conn.close()


def verify_with_cli(path: Path, context: str) -> None:
    """`marginalia audit --verify` on the file: the chain holds and every table row is what the history
    says, so each action is in the tables whole (all its rows) or not at all."""
    import main
    code = main.main(["audit", "--verify", "--db", str(path)])
    assert code == 0, f"{context}: audit --verify failed"


def verify_with_store(path: Path, context: str) -> None:
    from store import Store
    with Store.open(str(path), "checker") as store:
        result = store.verify()
        assert result.ok, f"{context}: {result.problems}"


def time_run(db: Path, seed: int, out_path: Path, max_actions: int) -> float:
    """Seconds an uninterrupted run of the driver takes from 'ready' to its end, checked like the rest."""
    proc = start([str(CRASH_DRIVER), str(db), str(seed), str(max_actions)], out_path)
    wait_for(lambda: out_path.exists() and out_path.read_bytes().startswith(b"ready"), proc, "the driver is ready")
    started = time.monotonic()
    proc.wait(timeout=600)
    seconds = time.monotonic() - started
    assert not kill(proc)
    start_events, actions, ended = returned_lines(out_path)
    assert ended and actions, f"seed {seed}: the uninterrupted run did not finish"
    check_actions(db, start_events, actions, f"seed {seed}, uninterrupted")
    return seconds


def crash_run(db: Path, seed: int, out_path: Path, delay: float, *, max_actions: int | None = None,
              check_first_with_sqlite: bool = False) -> tuple[int, bool]:
    """One run of the crash driver on ``db``, killed after ``delay`` seconds of work; then every check.

    Returns (actions returned, whether the kill interrupted it).
    """
    argv = [str(CRASH_DRIVER), str(db), str(seed)] + ([str(max_actions)] if max_actions else [])
    proc = start(argv, out_path)
    try:
        wait_for(lambda: out_path.exists() and out_path.read_bytes().startswith(b"ready"), proc, "the driver is ready")
        time.sleep(delay)
    finally:
        interrupted = kill(proc)
    context = f"seed {seed}, killed after {delay:.3f}s"
    start_events, actions, _ = returned_lines(out_path)
    if check_first_with_sqlite:
        check_actions(db, start_events, actions, context)
        verify_with_store(db, context)
    else:
        # Open the killed file (hot WAL and all) through the program first.
        verify_with_cli(db, context)
        check_actions(db, start_events, actions, context)
    return len(actions), interrupted
