"""A kill at any moment loses no committed action and leaves no half of any other.

tests/helpers/kill_driver.py performs store actions in a loop and prints each one after it
returns; we SIGKILL it at random moments, several times on the same database file, and check
that the file is sound, that every action reported as returned is in it, and that the audit log
still verifies against the tables.
"""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import main
from store import Store

DRIVER = Path(__file__).resolve().parent / "helpers" / "kill_driver.py"
RUNS = 8
TABLE_OF = {"span": "spans", "stance": "stances", "relation": "relations"}


def _wait_for_ready(out_path: Path, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out_path.exists() and out_path.read_bytes().startswith(b"ready"):
            return
        if proc.poll() is not None:
            raise AssertionError(f"the driver exited early ({proc.returncode}): {proc.stderr.read().decode()}")
        time.sleep(0.01)
    raise AssertionError("the driver did not start")


def _returned_actions(out_path: Path) -> list[dict]:
    """The actions the driver printed in full (a line cut by the kill is not a returned action)."""
    data = out_path.read_bytes().decode("utf-8")
    lines = data.split("\n")[:-1]  # what follows the last newline was cut short
    assert lines and lines[0].startswith("ready")
    return [json.loads(line) for line in lines[1:]]


def _check_database(path: Path, actions: list[dict], context: str) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], context
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == [], context
        events = {seq: (action, doc_id, json.loads(body)["rows"]) for seq, action, doc_id, body in
                  conn.execute("SELECT seq, action, doc_id, changes FROM audit")}
        max_seq = max(events)
        for done in actions:
            assert done["seq"] in events, f"{context}: returned action {done} is missing from the database"
            action, doc_id, rows = events[done["seq"]]
            assert action == done["action"], f"{context}: event #{done['seq']} is {action!r}, not {done['action']!r}"
            if len(done["doc"]) == 1:
                assert doc_id == done["doc"][0], context
            written = {(table, tuple(key)) for table, key, _, _ in rows}
            for kind, annotation_id in done["rows"]:
                assert (TABLE_OF[kind], (done["doc"][0], annotation_id)) in written, (
                    f"{context}: event #{done['seq']} does not record {kind} {annotation_id}")
            if action == "import":
                assert conn.execute("SELECT 1 FROM documents WHERE id = ?", done["doc"]).fetchone(), context
        if actions:
            # At most one action can have committed without being reported: the one in flight.
            assert max_seq - actions[-1]["seq"] in (0, 1), f"{context}: {max_seq} vs {actions[-1]['seq']}"
    finally:
        conn.close()


def test_kill_at_random_moments_loses_no_returned_action(tmp_path):
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    db = tmp_path / "killed.db"
    total = 0
    for run in range(RUNS):
        context = f"run {run} (random seed {seed})"
        out_path = tmp_path / f"driver-{run}.out"
        with open(out_path, "wb") as out:
            proc = subprocess.Popen([sys.executable, str(DRIVER), str(db), str(seed + run)], stdout=out,
                                    stderr=subprocess.PIPE)
        try:
            _wait_for_ready(out_path, proc)
            time.sleep(rng.uniform(0.02, 0.7))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL, f"{context}: the driver ended on its own ({proc.returncode})"
        actions = _returned_actions(out_path)
        total += len(actions)
        if run % 2 == 0:
            # Open the killed file (hot WAL and all) through the program first...
            assert main.main(["audit", "--verify", "--db", str(db)]) == 0, context
            _check_database(db, actions, context)
        else:
            # ...or look at it with plain sqlite3 first.
            _check_database(db, actions, context)
            with Store.open(str(db), "checker") as store:
                result = store.verify()
                assert result.ok, f"{context}: {result.problems}"
    assert total >= 50, f"the driver got through only {total} actions in {RUNS} runs (seed {seed})"
    with Store.open(str(db), "checker") as store:
        assert store.verify().ok
        assert store.document_count() >= RUNS
