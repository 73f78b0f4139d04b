"""Entity groups (coreference) out and back in: native JSONL (everything), brat (``*`` Equiv
lines), spaCy (the mentions' ``kb_id``), Label Studio, doccano and Prodigy (chains of ``COREF``
relations), through the real command line."""
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


@pytest.mark.parametrize("fmt,suffix", [("jsonl", ".jsonl"), ("brat", ""), ("spacy", ".spacy"),
                                        ("labelstudio", ".json"), ("doccano", ".jsonl"), ("prodigy", ".jsonl")])
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


def _import_file(tmp_path, name: str, content: str, fmt: str):
    from store import Store
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    db = tmp_path / f"{name}.db"
    assert main.main(["import", str(path), "--db", str(db), "--format", fmt]) == 0
    store = Store.open(str(db), "tester", create=False, read_only=True)
    (doc_id,) = store.document_ids()
    ann = store.annotations(doc_id)
    store.close()
    return ann


def test_label_studio_keeps_each_groups_id_and_who_proposed_and_decided_it(tmp_path):
    """A model's group a person accepted (in the annotation) and a model's undecided group over its
    own suggestions (in the prediction) come back with their ids, origins, decisions and scores."""
    rec = record()
    model = dict(origin="model:builtin@3")
    for entity in rec["entities"]:
        entity.update(model, decision="accepted", annotator="ana")
    start, end = _at("Egypt")
    rec["entities"][4].update(decision="suggested", annotator=None, score=0.5, cluster="g3")
    later = TEXT.index("stayed")
    rec["entities"].append({"id": "e6", "start": later, "end": later + 6, "label": "EVENT", "cluster": "g3",
                            **model, "decision": "suggested", "annotator": None, "score": 0.4})
    rec["clusters"] = [{"id": "g1", **model, "decision": "accepted", "annotator": "ana", "score": 0.9},
                       {"id": "g2", "origin": "ana", "decision": "manual", "annotator": "ana"},
                       {"id": "g3", **model, "decision": "suggested", "annotator": None, "score": 0.7}]
    del rec["relations"]
    source = _import_file(tmp_path, "in.jsonl", json.dumps(rec, ensure_ascii=False) + "\n", "jsonl")
    db = tmp_path / "in.jsonl.db"
    out = tmp_path / "tasks.json"
    assert main.main(["export", "--db", str(db), "--format", "labelstudio", "--out", str(out)]) == 0
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    links = [(r["from_id"], r["to_id"], r["direction"]) for r in task["annotations"][0]["result"]
             if r.get("labels") == ["COREF"]]
    assert sorted(links) == [("e1", "e2", "bi"), ("e3", "e4", "bi")]  # each mention to the next
    (prediction,) = task["predictions"]
    assert [(r["from_id"], r["to_id"]) for r in prediction["result"] if r.get("labels") == ["COREF"]] == \
        [("e5", "e6")]
    assert '<Relation value="COREF"/>' in (tmp_path / "tasks.label_config.xml").read_text(encoding="utf-8")
    back = _import_file(tmp_path, "tasks.json", out.read_text(encoding="utf-8"), "labelstudio")

    def described(ann):
        return sorted((c.id, c.origin, c.decision, c.annotator, c.score, tuple(m.id for m in ann.members(c.id)))
                      for c in ann.clusters)
    assert described(back) == described(source)
    assert {g[0]: g[5] for g in described(back)} == {"g1": ("e1", "e2"), "g2": ("e3", "e4"), "g3": ("e5", "e6")}


def test_groups_drawn_in_the_clients_are_read_from_however_the_links_go(tmp_path):
    """A person in Label Studio or doccano links mentions as they like (a star, links drawn
    backwards): mentions linked directly or through others are one group, in reading order."""
    (a, b), (c, d), (e, f) = _at("Khalifa Haftar"), _at("Haftar", 1), _at("Libya")
    regions = [{"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": s, "end": t, "text": TEXT[s:t], "labels": [label]}}
               for rid, s, t, label in (("x", a, b, "PERSON"), ("y", c, d, "PERSON"), ("z", e, f, "GPE"),
                                        ("w", *_at("Libya", 1), "GPE"))]
    star = [{"from_id": "y", "to_id": "x", "type": "relation", "direction": "left", "labels": ["COREF"]},
            {"from_id": "x", "to_id": "z", "type": "relation", "direction": "right", "labels": ["COREF"]}]
    task = {"data": {"text": TEXT}, "annotations": [{"completed_by": {"email": "ana@example.com"},
                                                     "result": regions + star}]}
    ann = _import_file(tmp_path, "ls.json", json.dumps([task]), "labelstudio")
    (group,) = ann.clusters
    assert [m.id for m in ann.members(group.id)] == ["x", "z", "y"]
    assert (group.decision, group.annotator) == ("manual", "ana@example.com")
    assert ann.span("w").cluster is None

    u16 = lambda s: len(TEXT[:s].encode("utf-16-le")) // 2  # noqa: E731
    entities = [{"id": n, "start_offset": u16(s), "end_offset": u16(t), "label": label}
                for n, s, t, label in ((1, a, b, "PERSON"), (2, c, d, "PERSON"), (3, e, f, "GPE"),
                                       (4, *_at("Libya", 1), "GPE"))]
    backwards = [{"id": 1, "from_id": 2, "to_id": 1, "type": "COREF"}, {"id": 2, "from_id": 4, "to_id": 3,
                                                                         "type": "COREF"}]
    doccano = {"text": TEXT, "entities": entities, "relations": backwards}
    ann = _import_file(tmp_path, "doccano.jsonl", json.dumps(doccano) + "\n", "doccano")
    assert sorted(tuple(ann.span(m.id).start for m in ann.members(g.id)) for g in ann.clusters) == \
        [(a, c), (e, _at("Libya", 1)[0])]
    assert not ann.relations
