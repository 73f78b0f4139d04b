"""Ids that collide after a conversion, and annotations about themselves.

doccano and Label Studio write ids as JSON numbers: "01" and "1" (or e01 and e1) must not both
become 1. An import reads ids as text: 1 and "1" in one record are the same id and are refused,
never silently merged. A relation whose head is its tail, or a stance whose holder is its
target, is refused by every import with the same rule as the window.
"""
from __future__ import annotations

import json
import sqlite3

import pytest

from tests.helpers.cli import refused, succeeded

TEXT = "Angela Merkel met Emmanuel Macron in Paris on Monday."


def write_lines(path, *records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def relations_by_text(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT r.doc_id, substr(d.text, h.start + 1, h.\"end\" - h.start), r.label, "
            "substr(d.text, t.start + 1, t.\"end\" - t.start) FROM relations r "
            "JOIN spans h ON h.doc_id = r.doc_id AND h.id = r.head JOIN spans t ON t.doc_id = r.doc_id AND t.id = r.tail "
            "JOIN documents d ON d.id = r.doc_id ORDER BY 1, 2")
        return [tuple(r) for r in rows]
    finally:
        conn.close()


@pytest.mark.parametrize("fmt,suffix", [("doccano", ".jsonl"), ("labelstudio", ".json")])
def test_ids_that_differ_as_text_stay_distinct_through_doccano_and_label_studio(fmt, suffix, db_path, tmp_path):
    docs = [{"id": doc_id, "text": f"{TEXT} ({doc_id})",
             "entities": [{"id": "e01", "start": 0, "end": 13, "label": "PERSON"},
                          {"id": "e1", "start": 18, "end": 33, "label": "PERSON"},
                          {"id": "e001", "start": 37, "end": 42, "label": "GPE"}],
             "relations": [{"id": "r01", "head": "e01", "tail": "e1", "label": "MET"},
                           {"id": "r1", "head": "e1", "tail": "e001", "label": "VISITED"}]}
            for doc_id in ("01", "1", "001", "9" * 30, "²")]
    source = write_lines(tmp_path / "in.jsonl", *docs)
    succeeded(["import", source, "--db", db_path, "--add-labels"])
    out = tmp_path / f"out{suffix}"
    succeeded(["export", "--db", db_path, "--format", fmt, "--out", out])
    fresh = tmp_path / "fresh.db"
    succeeded(["import", out, "--format", fmt, "--db", fresh, "--add-labels"])
    conn = sqlite3.connect(fresh)
    ids = sorted(r[0] for r in conn.execute("SELECT id FROM documents"))
    conn.close()
    assert ids == sorted(d["id"] for d in docs)
    if fmt == "doccano":  # Label Studio's export writes the gold relations of one annotator
        assert relations_by_text(fresh) == relations_by_text(db_path)


def test_doccano_entity_ids_equal_as_text_are_refused_not_merged(db_path, tmp_path):
    record = {"id": 1, "text": TEXT,
              "entities": [{"id": 1, "start_offset": 0, "end_offset": 13, "label": "PERSON"},
                           {"id": "1", "start_offset": 18, "end_offset": 33, "label": "PERSON"}],
              "relations": [{"id": 1, "from_id": 1, "to_id": "1", "type": "MET"}]}
    path = write_lines(tmp_path / "d.jsonl", record)
    message = refused(["import", path, "--db", db_path, "--add-labels"], db_path, path, "line 1")
    assert "twice" in message


def test_label_studio_region_ids_equal_as_text_are_refused_not_merged(db_path, tmp_path):
    def region(rid, start, end):
        return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": start, "end": end, "text": TEXT[start:end], "labels": ["PERSON"]}}
    task = [{"id": 1, "data": {"text": TEXT}, "annotations": [{"result": [
        region(7, 0, 13), region("7", 18, 33), {"from_id": 7, "to_id": "7", "type": "relation"}]}]}]
    path = tmp_path / "t.json"
    path.write_text(json.dumps(task), encoding="utf-8")
    message = refused(["import", path, "--db", db_path, "--add-labels"], db_path, path)
    assert "twice" in message


SELF = {
    "native relation": ("a.jsonl", json.dumps({"id": "d1", "text": TEXT, "entities": [
        {"id": "e1", "start": 0, "end": 13, "label": "PERSON"}],
        "relations": [{"id": "r1", "head": "e1", "tail": "e1", "label": "MET"}]}), "a relation needs two different"),
    "native stance": ("a.jsonl", json.dumps({"id": "d1", "text": TEXT, "entities": [
        {"id": "e1", "start": 0, "end": 13, "label": "PERSON"}],
        "stances": [{"id": "s1", "holder": "e1", "target": "e1", "polarity": "FAVOR"}]}),
        "a stance needs a holder and a different target"),
    "doccano relation": ("d.jsonl", json.dumps({"id": 1, "text": TEXT, "entities": [
        {"id": 1, "start_offset": 0, "end_offset": 13, "label": "PERSON"}],
        "relations": [{"id": 1, "from_id": 1, "to_id": 1, "type": "MET"}]}), "a relation needs two different"),
}


@pytest.mark.parametrize("case", sorted(SELF))
def test_an_annotation_about_itself_is_refused_on_import_as_in_the_window(case, db_path, tmp_path, store):
    name, content, words = SELF[case]
    path = tmp_path / name
    path.write_text(content + "\n", encoding="utf-8")
    refused(["import", path, "--db", db_path, "--add-labels"], db_path, path, "line 1", words)


def test_a_brat_relation_from_an_entity_to_itself_is_refused(db_path, tmp_path):
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "doc.ann").write_text("T1\tPERSON 0 13\tAngela Merkel\nR1\tMET Arg1:T1 Arg2:T1\t\n", encoding="utf-8")
    refused(["import", tmp_path / "doc.ann", "--db", db_path, "--add-labels"], db_path, "doc.ann", "line 2",
            "a relation needs two different")


def test_the_window_refuses_the_same_with_the_same_words(store):
    """The rule's other side: the store's actions that the window calls."""
    from annotate.errors import ValidationError
    from annotate.model import AnnotatedDocument, Annotations, Document, Span
    from annotate.validate import SAME_RELATION_ENDS, SAME_STANCE_ENDS
    store.import_documents([AnnotatedDocument(Document("w", TEXT), Annotations(
        [Span("e1", 0, 13, "PERSON"), Span("e2", 18, 33, "PERSON")]))])
    with pytest.raises(ValidationError, match=SAME_RELATION_ENDS):
        store.add_relation("w", "e1", "e1", store.schema.relations[0].label)
    with pytest.raises(ValidationError, match=SAME_STANCE_ENDS):
        store.add_stance("w", "e1", "e1", "FAVOR")
