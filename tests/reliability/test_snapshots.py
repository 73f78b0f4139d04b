"""Every reader of a whole database reads ONE state of it (issue 19, "Torn exports").

A writer process (churn_driver.py) deletes and undoes claimants as fast as it can: each delete
takes stances and relations with it and frees the claim's claimant, each undo puts them back.
Meanwhile exports, stats, agree, audit --verify and merge (reading the file as a source) run in
processes of their own. Each export must import again into a new database (a claim whose
claimant is missing from its own document is refused there), each stats must count a state that
existed (as many of Kalın's relations and stances as there are Kalıns), --verify must pass and the
merged copy must verify. Before the fix, most exports were torn.
"""
from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import crash_check

TEXT = ("Turkey is against Haftar, whom the United Arab Emirates back. Kalın said a truce is possible "
        "if everybody went back to their positions in 2015. Çavuşoğlu met Lavrov in Moscow on Monday.")
DOCUMENTS = 300
ROUNDS = 2
CHURN = crash_check.ROOT / "tests" / "helpers" / "churn_driver.py"
MAIN = str(crash_check.ROOT / "main.py")


def _source(path) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for i in range(DOCUMENTS):
            out.write(json.dumps({
                "id": f"d{i}", "text": TEXT,
                "entities": [{"id": "e1", "start": 0, "end": 6, "label": "GPE"},
                             {"id": "e2", "start": 18, "end": 24, "label": "PERSON"},
                             {"id": "e3", "start": 62, "end": 67, "label": "PERSON"}],
                "claims": [{"id": "c1", "start": 68, "end": 143, "claimant": "e3", "type": "statement"}],
                "stances": [{"id": "s1", "holder": "e3", "target": "e2", "polarity": "AGAINST"}],
                "relations": [{"id": "r1", "head": "e3", "tail": "e1", "label": "OPPOSES"}],
            }, ensure_ascii=False) + "\n")


def _run(*argv: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, MAIN, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=crash_check.ROOT)


def _done(proc: subprocess.Popen) -> str:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    return out.decode()


def test_readers_see_one_state_while_a_writer_deletes_and_undoes(tmp_path):
    db = tmp_path / "busy.db"
    _source(tmp_path / "source.jsonl")
    _done(_run("import", str(tmp_path / "source.jsonl"), "--db", str(db)))
    churn = subprocess.Popen([sys.executable, str(CHURN), str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             cwd=crash_check.ROOT)
    try:
        assert churn.stdout.readline().strip() == b"ready", churn.stderr.read().decode(errors="replace")
        for n in range(ROUNDS):
            readers = {
                "export": _run("export", "--db", str(db), "--out", str(tmp_path / f"x{n}.jsonl")),
                "stats": _run("stats", "--json", "--db", str(db)),
                "agree": _run("agree", "--db", str(db)),
                "verify": _run("audit", "--verify", "--db", str(db)),
                "merge": _run("merge", str(db), "--into", str(tmp_path / f"team{n}.db")),
            }
            outputs = {name: _done(proc) for name, proc in readers.items()}
            stats = json.loads(outputs["stats"])
            # Deleting Kalın takes his stance and relation with him, and undo brings all three back:
            # in any one state, there are as many of each as there are Kalıns.
            kalins = stats["entities_by_label"]["PERSON"] - DOCUMENTS
            assert stats["relations_by_label"].get("OPPOSES", 0) == kalins, stats
            assert stats["stances_by_polarity"].get("AGAINST", 0) == kalins, stats
            _done(_run("import", str(tmp_path / f"x{n}.jsonl"), "--db", str(tmp_path / f"again{n}.db")))
            crash_check.verify_with_cli(tmp_path / f"team{n}.db", f"round {n}: the merged copy")
        assert churn.poll() is None, churn.stderr.read().decode(errors="replace")
    finally:
        churn.kill()
        churn.wait()
    crash_check.verify_with_cli(db, "after the churn")
