"""Native JSONL: import then export gives back the same annotations at the same offsets."""
from __future__ import annotations

import json

from tests.conftest import TRAP_TEXT

import main


def _find(text, needle):
    start = text.index(needle)
    return start, start + len(needle)


def _record():
    text = TRAP_TEXT
    e = {}
    for key, needle, label in (("e1", "Erdoğan", "PERSON"), ("e2", "Putin", "PERSON"), ("e3", "İstanbul", "GPE"),
                               ("e4", "Cafe\u0301 owners", "NORP"), ("e5", "Haftar", "PERSON"), ("e6", "UAE", "GPE"),
                               ("e7", "Cafe\u0301", "ORG")):
        start, end = _find(text, needle)
        e[key] = {"id": key, "start": start, "end": end, "label": label}
    c_start, c_end = _find(text, "\u201cthe talks will fail\u201d")
    return {
        "id": "traps", "text": text, "meta": {"title": "Traps", "url": "http://example.org/x"},
        "entities": list(e.values()),
        "claims": [{"id": "c1", "start": c_start, "end": c_end, "claimant": "e4", "type": "prediction",
                    "checkworthy": True}],
        "stances": [{"id": "s1", "holder": "e1", "target": "e2", "polarity": "FAVOR"},
                    {"id": "s2", "holder": "e5", "target": "c1", "polarity": "AGAINST", "evidence": "c1"}],
        "relations": [{"id": "r1", "head": "e5", "tail": "e6", "label": "BACKED_BY"}],
        "labels": ["politics"], "status": "done",
    }


def _essentials(record):
    def strip(items, keys):
        return sorted(({k: item.get(k) for k in keys} for item in items), key=lambda x: x["id"])
    return {
        "id": record["id"], "text": record["text"], "meta": record["meta"],
        "entities": strip(record["entities"], ("id", "start", "end", "label")),
        "claims": strip(record["claims"], ("id", "start", "end", "claimant", "type", "checkworthy")),
        "stances": strip(record["stances"], ("id", "holder", "target", "polarity", "evidence")),
        "relations": strip(record["relations"], ("id", "head", "tail", "label")),
        "labels": record["labels"], "status": record["status"],
    }


def test_round_trip_keeps_every_annotation_and_offset(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(_record(), ensure_ascii=False) + "\n", encoding="utf-8", newline="")
    db = tmp_path / "rt.db"
    assert main.main(["import", str(source), "--db", str(db)]) == 0
    out = tmp_path / "out.jsonl"
    assert main.main(["export", "--db", str(db), "--format", "jsonl", "--out", str(out)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert _essentials(exported) == _essentials(_record())
    assert "\r\n" in exported["text"] and "\u00a0" in exported["text"]
    for entity in exported["entities"]:
        original = next(e for e in _record()["entities"] if e["id"] == entity["id"])
        assert exported["text"][entity["start"]:entity["end"]] == TRAP_TEXT[original["start"]:original["end"]]
    # A second import of the export into a fresh database exports identically again.
    db2 = tmp_path / "rt2.db"
    assert main.main(["import", str(out), "--db", str(db2)]) == 0
    out2 = tmp_path / "out2.jsonl"
    assert main.main(["export", "--db", str(db2), "--out", str(out2)]) == 0
    assert _essentials(json.loads(out2.read_text(encoding="utf-8"))) == _essentials(exported)
