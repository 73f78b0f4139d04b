"""Entity groups (coreference) out and back in: native JSONL (everything), brat (``*`` Equiv
lines), spaCy (the mentions' ``kb_id``), through the real command line."""
from __future__ import annotations

import json

import pytest

import main

TEXT = "Khalifa Haftar spoke in Libya. Haftar left Libya; Egypt stayed."


def _at(needle, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(needle, start + 1)
    return start, start + len(needle)


def record():
    entities = []
    for key, needle, nth, label, group in (("e1", "Khalifa Haftar", 0, "PERSON", "g1"), ("e2", "Haftar", 1, "PERSON", "g1"),
                                           ("e3", "Libya", 0, "GPE", "g2"), ("e4", "Libya", 1, "GPE", "g2"),
                                           ("e5", "Egypt", 0, "GPE", None)):
        start, end = _at(needle, nth)
        entity = {"id": key, "start": start, "end": end, "label": label}
        if group:
            entity["cluster"] = group
        entities.append(entity)
    return {"id": "d", "text": TEXT, "entities": entities, "clusters": [{"id": "g1"}, {"id": "g2"}],
            "relations": [{"id": "r1", "head": "e2", "tail": "e5", "label": "BACKED_BY"}], "status": "done"}


def groups(db) -> set[frozenset]:
    from store import Store
    with Store.open(str(db), "tester", create=False, read_only=True) as store:
        ann = store.annotations("d")
        return {frozenset(TEXT[s.start:s.end] + f"@{s.start}" for s in ann.members(c.id)) for c in ann.clusters}


@pytest.fixture
def source_db(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(record(), ensure_ascii=False) + "\n", encoding="utf-8")
    db = tmp_path / "first.db"
    assert main.main(["import", str(path), "--db", str(db)]) == 0
    return db


EXPECTED = {frozenset({"Khalifa Haftar@0", f"Haftar@{_at('Haftar', 1)[0]}"}),
            frozenset({f"Libya@{_at('Libya')[0]}", f"Libya@{_at('Libya', 1)[0]}"})}


@pytest.mark.parametrize("fmt,suffix", [("jsonl", ".jsonl"), ("brat", ""), ("spacy", ".spacy")])
def test_groups_round_trip(fmt, suffix, source_db, tmp_path):
    assert groups(source_db) == EXPECTED
    out = tmp_path / f"out{suffix}"
    assert main.main(["export", "--db", str(source_db), "--format", fmt, "--out", str(out)]) == 0
    second = tmp_path / "second.db"
    assert main.main(["import", str(out), "--db", str(second), "--format", fmt]) == 0
    assert groups(second) == EXPECTED


def test_brat_writes_equiv_lines_and_reads_chained_ones(source_db, tmp_path):
    out = tmp_path / "brat"
    assert main.main(["export", "--db", str(source_db), "--format", "brat", "--out", str(out)]) == 0
    ann = next(out.glob("*.ann")).read_text(encoding="utf-8")
    equiv = [line for line in ann.splitlines() if line.startswith("*\tEquiv ")]
    assert len(equiv) == 2 and all(len(line.split()) == 4 for line in equiv)
    # Two Equiv lines sharing a mention are one group, as brat reads them.
    folder = tmp_path / "chained"
    folder.mkdir()
    (folder / "d.txt").write_text(TEXT, encoding="utf-8")
    spans = [_at("Khalifa Haftar"), _at("Haftar", 1), _at("Libya")]
    lines = [f"T{k + 1}\tPERSON {s} {e}\t{TEXT[s:e]}" for k, (s, e) in enumerate(spans)]
    lines += ["*\tEquiv T1 T2", "*\tEquiv T2 T3"]
    (folder / "d.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "chained.db"
    assert main.main(["import", str(folder), "--db", str(db), "--format", "brat"]) == 0
    from store import Store
    with Store.open(str(db), "tester", create=False, read_only=True) as store:
        (doc_id,) = store.document_ids()
        ann = store.annotations(doc_id)
    assert len(ann.clusters) == 1 and len(ann.members(ann.clusters[0].id)) == 3


def test_spacy_carries_groups_as_kb_ids(source_db, tmp_path):
    from spacy.tokens import DocBin
    import spacy
    out = tmp_path / "out.spacy"
    assert main.main(["export", "--db", str(source_db), "--format", "spacy", "--out", str(out)]) == 0
    (doc,) = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    kb = {ent.text: ent.kb_id_ for ent in doc.ents}
    assert kb["Khalifa Haftar"] and kb["Khalifa Haftar"] == kb["Haftar"]
    assert kb["Egypt"] == ""


def test_a_native_export_with_groups_is_detected_as_native(source_db, tmp_path):
    out = tmp_path / "out.jsonl"
    assert main.main(["export", "--db", str(source_db), "--out", str(out)]) == 0
    second = tmp_path / "second.db"
    assert main.main(["import", str(out), "--db", str(second)]) == 0  # no --format: detected
    assert groups(second) == EXPECTED
