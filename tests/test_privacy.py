"""Marginalia opens no network connection, at any time; its database is private to its owner."""
from __future__ import annotations

import os
import stat


import main



def test_a_whole_session_opens_no_connection(no_network, tmp_path, qtbot):
    db = tmp_path / "private.db"
    hostile = tmp_path / "links.txt"
    hostile.write_text('See <img src="http://example.com/x.png"> and file:///etc/passwd '
                       'and <a href="https://tracker.example/">this</a>.\n', encoding="utf-8")
    assert main.main(["import", str(hostile), "--db", str(db)]) == 0
    assert main.main(["export", "--db", str(db), "--out", str(tmp_path / "out.jsonl")]) == 0
    assert main.main(["stats", "--db", str(db)]) == 0
    assert main.main(["audit", "--db", str(db), "--verify"]) == 0
    assert main.main(["screenshot", "--db", str(db), "--out", str(tmp_path / "shot.png")]) == 0
    assert no_network == []


def test_the_database_file_is_readable_by_its_owner_only(tmp_path):
    db = tmp_path / "fresh.db"
    text = tmp_path / "a.txt"
    text.write_text("Turkey and Russia.", encoding="utf-8")
    assert main.main(["import", str(text), "--db", str(db)]) == 0
    mode = stat.S_IMODE(os.stat(db).st_mode)
    assert mode == 0o600, oct(mode)


def test_the_batch_commands_open_no_connection(no_network, tmp_path):
    """preannotate, train, evaluate, merge and agree: local files and local models only."""
    import json
    text = "Turkey is against Haftar, whom the United Arab Emirates back. Kalın met Lavrov in Moscow."
    records = [{"id": f"d{i}", "text": text, "status": "done",
                "entities": [{"id": "e1", "start": 0, "end": 6, "label": "GPE"},
                             {"id": "e2", "start": 18, "end": 24, "label": "PERSON"}]} for i in range(6)]
    source = tmp_path / "gold.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    ana, ben = tmp_path / "ana.db", tmp_path / "ben.db"
    assert main.main(["import", str(source), "--db", str(ana), "--user", "ana"]) == 0
    assert main.main(["import", str(source), "--db", str(ben), "--user", "ben"]) == 0
    assert main.main(["preannotate", "--db", str(ana), "--user", "ana"]) == 0
    model = tmp_path / "model"
    assert main.main(["train", "--db", str(ana), "--user", "ana", "--out", str(model), "--max-steps", "4",
                      "--dev-fraction", "0.34"]) == 0
    assert main.main(["evaluate", "--db", str(ana), "--user", "ana", "--model", str(model)]) == 0
    assert main.main(["evaluate", "--db", str(ana), "--user", "ana", "--model", "builtin"]) == 0
    team = tmp_path / "team.db"
    assert main.main(["merge", str(ana), str(ben), "--into", str(team)]) == 0
    assert main.main(["agree", "--db", str(team)]) == 0
    assert main.main(["agree", "--db", str(ana), "--db", str(ben)]) == 0
    assert no_network == []
