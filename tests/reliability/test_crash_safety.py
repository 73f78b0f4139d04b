"""SIGKILL at random moments loses no returned action and leaves no half of any other.

- tests/helpers/crash_driver.py performs every kind of annotation action through the Store API
  the window uses and prints each one (with the hash of its audit event) after it returns; it is
  killed at random moments, several times on one file. After each kill: integrity_check ok, no
  dangling foreign key, every returned action present exactly as committed, at most one more
  (the one in flight), and `audit --verify` passes, which replays the history and compares it
  with every table row, so each action is visible whole or not at all.
- `marginalia preannotate` killed while writing leaves whole batches and a verified file.
- `marginalia import` of a big JSONL killed while writing leaves all of it or none of it.

tests/stress runs the same with hundreds of runs.
"""
from __future__ import annotations

import os
import random
import shutil

from tests.helpers import bulk, crash_check

RUNS = 10


def test_random_actions_killed_at_random_moments(tmp_path):
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    db = tmp_path / "crash.db"
    total = interrupted = 0
    for run in range(RUNS):
        count, killed = crash_run_once(db, seed + run, tmp_path / f"run{run}.out", rng.uniform(0.01, 0.45),
                                       run % 2 == 1)
        total += count
        interrupted += killed
    assert interrupted == RUNS, f"the driver ended on its own (seed {seed})"
    assert total >= 30, f"only {total} actions in {RUNS} runs (seed {seed})"


def crash_run_once(db, seed, out, delay, sqlite_first):
    return crash_check.crash_run(db, seed, out, delay, check_first_with_sqlite=sqlite_first)


def test_preannotation_killed_while_writing(tmp_path):
    import main
    source = bulk.write_news_jsonl(tmp_path / "news.jsonl", 160)
    db = tmp_path / "pre.db"
    assert main.main(["import", str(source), "--db", str(db)]) == 0
    doc_ids = [f"n{i}" for i in range(160)]
    rng = random.Random()
    batch = 8
    bulk.kill_preannotation(db, tmp_path / "pre.out", rng.uniform(0.0, 0.4), batch_size=batch)
    bulk.check_preannotation(db, doc_ids, batch, "preannotate killed")


def test_import_killed_while_writing_is_all_or_nothing(tmp_path, db_path):
    import main
    count = 1500
    source = bulk.write_big_jsonl(tmp_path / "big.jsonl", count)
    rng = random.Random()
    outcomes = []
    for run, delay in enumerate([rng.uniform(0.0, 0.6)]):
        db = tmp_path / f"import{run}.db"
        shutil.copyfile(db_path, db)
        bulk.kill_import(db, source, tmp_path / f"import{run}.out", delay)
        outcomes.append(bulk.check_import(db, 0, count, "big", f"import killed after {delay:.2f}s"))
        # The file takes new work afterwards, and the import can be run again.
        if not outcomes[-1]:
            assert main.main(["import", str(source), "--db", str(db)]) == 0
            assert bulk.check_import(db, 0, count, "big", "import re-run")
