"""A set of outputs lands as a set, and a trained model replaces the old one in one step, whatever kills them.

Real processes killed with SIGKILL at random moments (spread over a measured run), and killed
on purpose between two renames (tests/helpers/landing_driver.py), where a random kill almost
never lands:

- `export --split` over an older split set: afterwards every split file is there and the set is
  the old one or the new one, never a new train beside the old dev and test; a kill between two
  renames leaves a journal that the next run finishes (here: `landing.sweep`, which every export
  and training run calls first).
- `export --format brat --force` over an older folder: the folder is never gone and never half
  old (renameat2 exchanges the two; where it cannot, the journal brings the new one in).
- `train` over an older model: the folder always loads with spacy.load (old or new); nothing is
  left in the temporary folder (TMPDIR), and what a killed run leaves beside the target is removed
  by the next run.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotate.formats import landing
from tests.helpers.cli import succeeded

ROOT = Path(__file__).resolve().parents[2]
DRIVER = ROOT / "tests" / "helpers" / "landing_driver.py"
RUNS = int(os.environ.get("MARGINALIA_LANDING_RUNS", "4"))
SPLITS = ("train", "dev", "test")
PEOPLE = ["Anna Berg", "Omar Haddad", "Lena Vogt", "Kemal Aydın", "Sara Lind"]
PLACES = ["Paris", "Cairo", "Oslo", "Ankara", "Lima"]


def gold_jsonl(path: Path, count: int) -> Path:
    """Documents marked done, each with a few entities: enough to export and to train on."""
    lines = []
    for i in range(count):
        person, place = PEOPLE[i % 5], PLACES[(i * 3) % 5]
        text = f"{person} met officials in {place} on Monday. {person} said talks in {place} went well ({i})."
        entities = [{"id": "e1", "start": 0, "end": len(person), "label": "PERSON"},
                    {"id": "e2", "start": text.index(place), "end": text.index(place) + len(place), "label": "GPE"}]
        lines.append(json.dumps({"id": f"d{i}", "text": text, "entities": entities, "status": "done"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def gold_db(db_path, tmp_path):
    succeeded(["import", gold_jsonl(tmp_path / "gold.jsonl", 400), "--db", db_path])
    return db_path


def fingerprint(path: Path) -> str | None:
    """A file's or a folder's content as one hash (None when the path is missing)."""
    if not path.exists():
        return None
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        digest.update(str(file.relative_to(path) if path.is_dir() else "").encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".part", landing.JOURNAL_SUFFIX)))


def run_and_kill(argv: list, delay: float, *, env: dict | None = None) -> bool:
    """Start `marginalia ARGV`, SIGKILL it after ``delay`` seconds; True when the kill interrupted it."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *map(str, argv)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    time.sleep(delay)
    running = proc.poll() is None
    if running:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=300)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode != -signal.SIGKILL:
        assert proc.returncode == 0, err[-3000:]
    return proc.returncode == -signal.SIGKILL


def timed(argv: list, env: dict | None = None) -> float:
    start = time.monotonic()
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, argv)], cwd=ROOT,
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return time.monotonic() - start


def driver(mode: str, count: int, argv: list, env: dict | None = None) -> None:
    result = subprocess.run([sys.executable, str(DRIVER), mode, str(count), *map(str, argv)], cwd=ROOT,
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == -signal.SIGKILL, (result.returncode, result.stderr[-3000:])


# ---- split sets ------------------------------------------------------------------------------

def split_set(out: Path) -> dict[str, str | None]:
    return {name: fingerprint(out.with_name(f"{out.stem}.{name}{out.suffix}")) for name in SPLITS}


def split_export(db: Path, out: Path, seed: int) -> list:
    return ["export", "--db", db, "--out", out, "--split", "train=0.8,dev=0.1,test=0.1", "--seed", seed, "--force"]


def test_a_split_export_killed_at_random_moments_leaves_the_old_set_or_the_new_one(gold_db, tmp_path):
    out = tmp_path / "set" / "data.jsonl"
    reference = tmp_path / "reference" / "data.jsonl"
    succeeded(split_export(gold_db, reference, 2)[:-1])
    new = split_set(reference)
    succeeded(split_export(gold_db, out, 1))
    old = split_set(out)
    assert old != new and None not in old.values()
    duration = timed(split_export(gold_db, out, 1))
    rng = random.Random(19)
    outcomes = {"old": 0, "new": 0, "finished by the next run": 0}
    for _ in range(RUNS):
        run_and_kill(split_export(gold_db, out, 2), rng.uniform(0.0, duration * 1.2))
        state = split_set(out)
        assert None not in state.values(), f"a split file is missing: {state}"
        journal = [n for n in leftovers(out.parent) if n.endswith(landing.JOURNAL_SUFFIX)]
        if journal:
            landing.sweep(out.with_name("data.train.jsonl"))
            assert split_set(out) == new
            outcomes["finished by the next run"] += 1
        else:
            assert state in (old, new), "a mixed set: some splits new, some old"
            outcomes["old" if state == old else "new"] += 1
        landing.sweep(out.with_name("data.train.jsonl"))
        assert leftovers(out.parent) == []
        if split_set(out) != old:
            succeeded(split_export(gold_db, out, 1))
    print(f"\nsplit export killed {RUNS} times: {outcomes}")


@pytest.mark.parametrize("moves", [1, 2])
def test_a_split_export_killed_between_two_renames_is_finished_by_the_next_run(moves, gold_db, tmp_path):
    out = tmp_path / "set" / "data.jsonl"
    reference = tmp_path / "reference" / "data.jsonl"
    succeeded(split_export(gold_db, reference, 2)[:-1])
    new = split_set(reference)
    succeeded(split_export(gold_db, out, 1))
    old = split_set(out)
    driver("moves", moves, split_export(gold_db, out, 2))
    mixed = split_set(out)
    assert mixed != old and mixed != new and None not in mixed.values()  # the kill landed between renames
    assert any(n.endswith(landing.JOURNAL_SUFFIX) for n in leftovers(out.parent))
    landing.sweep(out.with_name("data.dev.jsonl"))  # what the next export or training run does first
    assert split_set(out) == new
    assert leftovers(out.parent) == []
    # and the next export itself, after another such kill
    driver("moves", moves, split_export(gold_db, out, 1))
    succeeded(split_export(gold_db, out, 2))
    assert split_set(out) == new and leftovers(out.parent) == []


# ---- a brat folder over an older one ------------------------------------------------------------

def brat_export(db: Path, out: Path) -> list:
    return ["export", "--db", db, "--format", "brat", "--out", out, "--force"]


@pytest.fixture
def older_db(tmp_path):
    """Another database with fewer documents: its export is the 'old' folder."""
    db = tmp_path / "older.db"
    succeeded(["import", gold_jsonl(tmp_path / "older.jsonl", 150), "--db", db])
    return db


def test_a_forced_brat_export_killed_at_random_moments_never_leaves_the_folder_gone_or_half(gold_db, older_db,
                                                                                           tmp_path):
    out = tmp_path / "brat"
    succeeded(brat_export(gold_db, tmp_path / "reference"))
    new = fingerprint(tmp_path / "reference")
    succeeded(brat_export(older_db, out))
    old = fingerprint(out)
    assert old != new
    duration = timed(brat_export(gold_db, tmp_path / "timing"))
    rng = random.Random(7)
    for _ in range(RUNS):
        run_and_kill(brat_export(gold_db, out), rng.uniform(0.0, duration * 1.2))
        assert fingerprint(out) in (old, new), "the brat folder is missing or half old"
        landing.sweep(out)
        assert leftovers(tmp_path) == []
        if fingerprint(out) != old:
            succeeded(brat_export(older_db, out))


def test_without_an_atomic_exchange_a_kill_between_the_renames_is_finished_by_the_next_run(gold_db, older_db,
                                                                                         tmp_path):
    out = tmp_path / "brat"
    succeeded(brat_export(gold_db, tmp_path / "reference"))
    succeeded(brat_export(older_db, out))
    driver("renames", 1, brat_export(gold_db, out))
    assert not out.exists()  # moved aside, the new one not yet in: only the journal knows
    assert any(n.endswith(landing.JOURNAL_SUFFIX) for n in leftovers(tmp_path))
    succeeded(brat_export(gold_db, tmp_path / "elsewhere" / "x"))  # a run into another folder leaves it
    landing.sweep(out)
    assert fingerprint(out) == fingerprint(tmp_path / "reference")
    assert leftovers(tmp_path) == []


# ---- train ---------------------------------------------------------------------------------------

def test_a_training_run_killed_at_random_moments_leaves_a_model_that_loads(db_path, tmp_path):
    succeeded(["import", gold_jsonl(tmp_path / "gold.jsonl", 30), "--db", db_path])
    private_tmp = tmp_path / "tmpdir"
    private_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(private_tmp), "PYTHONPATH": str(ROOT)}
    model = tmp_path / "models" / "news"
    train = ["train", "--db", db_path, "--out", model, "--max-steps", "4"]
    duration = timed(train + ["--seed", "1"], env)
    import spacy
    old = spacy.load(model).meta["marginalia"]["seed"]
    rng = random.Random(3)
    killed = 0
    for run in range(RUNS):
        killed += run_and_kill(train + ["--seed", str(10 + run)], rng.uniform(duration * 0.2, duration * 1.1), env=env)
        seed = spacy.load(model).meta["marginalia"]["seed"]  # loads: old or new, never half
        assert seed in (old, 10 + run)
        old = seed
        assert not any(p.name.startswith("marginalia-train-") for p in private_tmp.iterdir())
    assert killed >= 1
    succeeded(train + ["--seed", "99"])
    assert spacy.load(model).meta["marginalia"]["seed"] == 99
    assert leftovers(model.parent) == [], "what the killed runs left beside the model was not removed"
    print(f"\ntrain killed {killed} of {RUNS} times; the model loaded after every kill")


def test_a_training_run_killed_while_swapping_without_exchange_is_finished_by_the_next_run(db_path, tmp_path):
    succeeded(["import", gold_jsonl(tmp_path / "gold.jsonl", 30), "--db", db_path])
    model = tmp_path / "models" / "news"
    train = ["train", "--db", db_path, "--out", model, "--max-steps", "4"]
    succeeded(train + ["--seed", "1"])
    driver("renames", 1, train + ["--seed", "2"])
    assert not model.exists() and leftovers(model.parent)
    landing.sweep(model)
    import spacy
    assert spacy.load(model).meta["marginalia"]["seed"] == 2
    assert leftovers(model.parent) == []
