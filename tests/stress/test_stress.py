"""The long versions of tests/reliability: hundreds of kills, thousands of fuzzed inputs.

Run with `python3 -m pytest tests/stress` (add -s to see the counts as they come). Sizes can be
changed with MARGINALIA_STRESS_RUNS (crash runs, default 200), MARGINALIA_STRESS_ACTIONS (actions
per run, default 1000), MARGINALIA_STRESS_FUZZ (cases per importer, default 5000),
MARGINALIA_STRESS_AFTERMATH_EVERY (every Nth accepted fuzzed import is audited, listed and exported,
default 4) and MARGINALIA_STRESS_LANDING_RUNS (kills of split exports, forced brat exports, default 30;
half as many training runs).
"""
from __future__ import annotations

import os
import random
import shutil
import time

import pytest

from tests.helpers import bulk, crash_check
from tests.reliability.test_fuzz_importers import FORMATS, base_db, run_importer_fuzz, run_schema_fuzz  # noqa: F401

RUNS = int(os.environ.get("MARGINALIA_STRESS_RUNS", "200"))
ACTIONS = int(os.environ.get("MARGINALIA_STRESS_ACTIONS", "1000"))
FUZZ = int(os.environ.get("MARGINALIA_STRESS_FUZZ", "5000"))
#: Every Nth accepted fuzzed import is then audited, listed, exported and imported again (1 in the quick suite).
AFTERMATH_EVERY = int(os.environ.get("MARGINALIA_STRESS_AFTERMATH_EVERY", "4"))
RUNS_PER_FILE = 20


def test_crash_driver_killed_hundreds_of_times(tmp_path, capsys):
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    started = time.monotonic()
    # How long a whole run takes, measured here: kills are spread over that and a tenth more, so
    # most runs are cut somewhere in the middle and a few reach their end.
    whole_run = crash_check.time_run(tmp_path / "timing.db", seed - 1, tmp_path / "timing.out", ACTIONS)
    total = interrupted = 0
    for run in range(RUNS):
        db = tmp_path / f"crash{run // RUNS_PER_FILE}.db"
        out = tmp_path / f"run{run}.out"
        count, killed = crash_check.crash_run(db, seed + run, out, rng.uniform(0.0, 1.1 * whole_run),
                                              max_actions=ACTIONS, check_first_with_sqlite=run % 2 == 1)
        out.unlink()
        total += count
        interrupted += killed
    with capsys.disabled():
        print(f"\ncrash driver: {RUNS} runs of up to {ACTIONS} actions, {interrupted} killed mid-run, {total} "
              f"returned actions checked; a whole run {whole_run:.1f}s; {time.monotonic() - started:.0f}s in all "
              f"(seed {seed})")
    assert interrupted >= RUNS // 2


@pytest.mark.parametrize("run", range(10))
def test_preannotation_killed_and_resumed(run, tmp_path):
    import main
    source = bulk.write_news_jsonl(tmp_path / "news.jsonl", 400, seed=run)
    db = tmp_path / "pre.db"
    assert main.main(["import", str(source), "--db", str(db)]) == 0
    doc_ids = [f"n{i}" for i in range(400)]
    batch = random.choice([4, 16, 64])
    bulk.kill_preannotation(db, tmp_path / "pre.out", random.uniform(0.0, 3.0), batch_size=batch)
    bulk.check_preannotation(db, doc_ids, batch, f"run {run}: preannotate killed")
    assert main.main(["preannotate", "--db", str(db), "--batch-size", str(batch)]) == 0
    assert bulk.check_preannotation(db, doc_ids, batch, f"run {run}: resumed") == len(doc_ids)


def test_big_import_killed_many_times(tmp_path, db_path, capsys):
    count, runs = 6000, 16
    source = bulk.write_big_jsonl(tmp_path / "big.jsonl", count)
    # How long the import writes, measured here: the kills are spread evenly over that time and
    # half as long again, so that both outcomes (absent, and complete) are exercised.
    timing_db = tmp_path / "timing.db"
    shutil.copyfile(db_path, timing_db)
    writing = bulk.time_import(timing_db, source, tmp_path / "timing.out")
    assert bulk.check_import(timing_db, 0, count, "big", "uninterrupted import")
    present = interrupted = 0
    for run in range(runs):
        db = tmp_path / f"import{run}.db"
        shutil.copyfile(db_path, db)
        delay = writing * 1.5 * (run + random.random()) / runs
        interrupted += bulk.kill_import(db, source, tmp_path / f"import{run}.out", delay)
        present += bulk.check_import(db, 0, count, "big", f"run {run}: import killed after {delay:.2f}s")
        db.unlink()
    with capsys.disabled():
        print(f"\nimport of {count} documents ({writing:.1f}s of writing) killed {interrupted} times in {runs} runs: "
              f"{present} complete, {runs - present} absent, none half")
    assert 0 < present < runs and interrupted >= runs // 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_fuzz_importer_long(fmt, base_db, capsys):  # noqa: F811
    outcomes = run_importer_fuzz(fmt, base_db, FUZZ, capsys, aftermath_every=AFTERMATH_EVERY)
    assert outcomes["imported"] + outcomes["refused"] >= FUZZ // 2


def test_fuzz_schema_loader_long(capsys):
    assert sum(run_schema_fuzz(FUZZ, capsys).values()) >= FUZZ // 2


def test_ten_megabyte_lines_in_the_window(qtbot, store, tmp_path, capsys):
    """A 10 MB line of words, and one 10 MB token with no break opportunity at all, both shown
    literally; the token (laid out in quadratic time by Qt without the view's invisible breaks)
    takes no more than 3x the words, measured in the same run."""
    from tests.reliability.test_hostile_content import check_shown_literally
    words = ("<script>x</script> \u202e file:///etc/passwd " * 300_000)[:10_000_000]
    token = ("file:///" + "x" * 10_000_000)[:10_000_000]
    seconds = {}
    for name, text in (("words", words), ("token", token)):
        assert "\n" not in text and len(text) == 10_000_000
        started = time.monotonic()
        window = check_shown_literally(qtbot, store, text)
        window.view.viewport().repaint()
        seconds[name] = time.monotonic() - started
        window.close()
    with capsys.disabled():
        print(f"\n10 MB line of words shown in {seconds['words']:.1f}s, one 10 MB token in {seconds['token']:.1f}s")
    assert seconds["token"] <= 3 * seconds["words"]


LANDING_RUNS = int(os.environ.get("MARGINALIA_STRESS_LANDING_RUNS", "30"))


@pytest.mark.parametrize("which", ["split export", "forced brat export", "train"])
def test_outputs_killed_many_times_land_whole(which, db_path, tmp_path, monkeypatch, capsys):
    """tests/reliability/test_outputs_land_whole.py's random kills, many more of them."""
    from tests.helpers.cli import succeeded
    from tests.reliability import test_outputs_land_whole as landing_tests
    monkeypatch.setattr(landing_tests, "RUNS", LANDING_RUNS if which != "train" else max(1, LANDING_RUNS // 2))
    with capsys.disabled():
        if which == "train":
            landing_tests.test_a_training_run_killed_at_random_moments_leaves_a_model_that_loads(db_path, tmp_path)
            return
        succeeded(["import", landing_tests.gold_jsonl(tmp_path / "gold.jsonl", 400), "--db", db_path])
        if which == "split export":
            landing_tests.test_a_split_export_killed_at_random_moments_leaves_the_old_set_or_the_new_one(db_path,
                                                                                                       tmp_path)
        else:
            older = tmp_path / "older.db"
            succeeded(["import", landing_tests.gold_jsonl(tmp_path / "older.jsonl", 150), "--db", older])
            landing_tests.test_a_forced_brat_export_killed_at_random_moments_never_leaves_the_folder_gone_or_half(
                db_path, older, tmp_path)
            print(f"\nforced brat export killed {LANDING_RUNS} times: the folder was always whole, old or new")
