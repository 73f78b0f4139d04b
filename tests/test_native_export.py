"""The native JSONL lines SQLite builds (store/native_export.py) are byte for byte the lines the
Python serialiser wrote before (tests/helpers/native_lines_before.py), on documents using every
optional field, and they are one state of the file however long the export takes."""
from __future__ import annotations

import json

import pytest

import main
from store import Store, comments
from store.export import export_documents
from store.native_export import native_lines
from tests.helpers import native_lines_before

TEXT = ("Ahmed met Putin in Ankara. 🇹🇷 He said: “we will win” \"quoted\" back\\slash\ttab\r\n"
        "Café Erdoğan line\u2028sep 👍🏽 end.")
# Scores that need 15, 16 and 17 digits, an exponent either way, an integer-valued one and the
# smallest subnormal: Python's repr, not SQLite's %!.15g, must write them.
SCORES = [0.1 + 0.2, 1e-7, 0.8734567165374756, 1e16, 123456789012345680.0, 1.0, 5e-324, 0.5]


def _record(i: int) -> dict:
    a, p, k = TEXT.index("Ahmed"), TEXT.index("Putin"), TEXT.index("Ankara")
    c = TEXT.index("“")
    score = SCORES[i % len(SCORES)]
    return {
        "id": f"d{i}-é", "text": TEXT, "meta": {"title": f"Başlık {i}", "n": [1, 2.5, None, True], "ü": {"x": "\""}},
        "entities": [
            {"id": "e1", "start": a, "end": a + 5, "label": "PERSON", "attrs": {"k": [1, "é"], "a": None},
             "replaces": "e0" if i % 2 else None},
            {"id": "e2", "start": p, "end": p + 5, "label": "PERSON", "score": score, "decision": "suggested",
             "origin": "model:x@1", "cluster": "g1"},
            # Three spans starting at one offset: the store's order is end descending, then id.
            {"id": "e4", "start": k, "end": k + 3, "label": "GPE"},
            {"id": "e3", "start": k, "end": k + 6, "label": "GPE", "score": 1 - score, "decision": "rejected",
             "origin": "model:x@1", "cluster": "g1"},
            {"id": "e0", "start": k, "end": k + 3, "label": "ORG", "annotator": None},
        ],
        "claims": [
            {"id": "c1", "start": c, "end": c + 14, "claimant": "e1", "type": "prediction",
             "checkworthy": [True, False, None][i % 3], "attrs": {"note": None, "n": [1, 2]}},
            {"id": "c2", "start": 0, "end": 5, "claimant": None, "claimant_text": "a “source”", "type": None,
             "score": score, "decision": "suggested", "origin": "model:x@1", "replaces": "c1"},
        ],
        "stances": [{"id": "s1", "holder": "e2", "target": "c1", "polarity": "AGAINST", "evidence": "c1"},
                    {"id": "s0", "holder": "e1", "target": "c2", "polarity": "FAVOR", "evidence": None}],
        "relations": [{"id": "r1", "head": "e1", "tail": "e2", "label": "BACKED_BY"},
                      {"id": "r2", "head": "e2", "tail": "e1", "label": "OPPOSES", "score": score,
                       "decision": "suggested", "origin": "model:x@1"}],
        "clusters": [{"id": "g1", "score": score, "decision": "suggested", "origin": "model:x@1"}],
        "status": ["done", "new", "skipped", "in_progress"][i % 4],
    }


@pytest.fixture
def database(tmp_path):
    source = tmp_path / "in.jsonl"
    records = [_record(i) for i in range(12)]
    records.append({"id": "empty", "text": "Nothing marked here.", "entities": [], "claims": []})
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "x.db"
    assert main.main(["import", str(source), "--db", str(db), "--annotator", "tester"]) == 0
    with Store.open(str(db), "tester", create=False) as store:
        store.set_status("d1-é", "skipped", "a “duplicate”\nof d0")
        store.set_status("d2-é", "skipped", "")
        comments.add(store, "d3-é", "is this\tright?\r\nsecond line", target="e2")
        comments.add(store, "d3-é", "and this", target="e2")
        comments.add(store, "d3-é", "the claim", target="c1")
        comments.add(store, "d3-é", "the whole document")
        conn = store.conn
        # What no import writes but a database may hold: control characters, an empty meta,
        # attrs stored not compact, a score stored as an integer, scores on a plain entity.
        conn.execute("UPDATE documents SET text = text || ' \x01\x1f\x7f\b\f', meta = '' WHERE id = 'd4-é'")
        # Each of Unicode's other line breaks alone in a document.
        conn.execute("UPDATE documents SET text = replace(text, char(8232), char(8233)) WHERE id = 'd9-é'")
        conn.execute("UPDATE documents SET text = replace(text, char(8232), char(133)) WHERE id = 'd10-é'")
        conn.execute("UPDATE spans SET attrs = '{ \"spaced\" : [1, 2] }' WHERE doc_id = 'd5-é' AND id = 'e1'")
        conn.execute("UPDATE spans SET score = 1 WHERE doc_id = 'd6-é' AND id = 'e4'")
        conn.execute("UPDATE spans SET score = 0.25, attrs = '' WHERE doc_id = 'd7-é' AND id = 'e0'")
        conn.execute("UPDATE spans SET replaces = '' WHERE doc_id = 'd8-é' AND id = 'e1'")
        # Document labels the schema no longer lists, the annotator's and someone else's.
        for doc_id, label, who in [("d1-é", "Ö", "tester"), ("d1-é", "URGENT", "tester"), ("d0-é", "THEIRS", "other"),
                                   ("d3-é", "Z", "tester")]:
            conn.execute("INSERT INTO doc_labels (doc_id, label, annotator, created_at) VALUES (?, ?, ?, 't')",
                         [doc_id, label, who])
    return db


def test_the_lines_are_byte_for_byte_those_of_the_python_serialiser(database):
    with Store.open(str(database), "tester", create=False) as store:
        for only_done in (False, True):
            before = list(native_lines_before.native_lines(store, only_done=only_done, page=5))
            assert list(native_lines(store, only_done=only_done)) == before
            assert list(native_lines(store, only_done=only_done, page=1)) == before
        lines = [line for _, line in native_lines(store)]
    assert len(lines) == 13
    first = json.loads(lines[0])
    assert [e["id"] for e in first["entities"]] == ["e1", "e2", "e3", "e0", "e4"]
    noted = json.loads(lines[3])
    assert noted["entities"][1]["attrs"]["notes"] == [["AnnotatorNotes", "is this right? second line"],
                                                      ["AnnotatorNotes", "and this"]]
    assert [json.loads(line)["entities"][1]["score"] for line in lines[:8]] == SCORES
    assert '"score":1e+16' in lines[3] and '"score":5e-324' in lines[6]


def test_what_json_cannot_carry_is_refused_naming_it(database):
    with Store.open(str(database), "tester", create=False) as store:
        store.conn.execute("UPDATE spans SET score = 9e999 WHERE doc_id = 'd5-é' AND id = 'e3'")
        with pytest.raises(Exception, match="a score of inf .*cannot be written as JSON"):
            list(native_lines(store))
        store.conn.execute("UPDATE spans SET score = NULL WHERE doc_id = 'd5-é' AND id = 'e3'")
        store.conn.execute("UPDATE documents SET meta = '{\"x\": NaN}' WHERE id = 'd9-é'")
        with pytest.raises(Exception, match="'d9-é' holds a number JSON cannot carry"):
            list(native_lines(store))


def test_the_lines_are_one_state_while_another_connection_writes(database):
    """No read transaction around it: the export's one statement is the snapshot. Another
    connection deletes a document and a claim's claimant between two lines read."""
    with Store.open(str(database), "tester", create=False) as store, \
            Store.open(str(database), "writer", create=False) as writer:
        whole = list(native_lines(store))
        lines = native_lines(store, page=1)
        read = [next(lines)]
        with writer.conn:
            writer.conn.execute("BEGIN IMMEDIATE")
            for table in ("stances", "relations", "spans", "clusters", "doc_labels", "doc_status", "comments"):
                writer.conn.execute(f"DELETE FROM {table} WHERE doc_id = 'd11-é'")
            writer.conn.execute("DELETE FROM documents WHERE id = 'd11-é'")
            writer.conn.execute("UPDATE spans SET label = 'CHANGED' WHERE doc_id = 'd5-é'")
        read += list(lines)
        assert read == whole
        assert len(list(native_lines(store))) == len(whole) - 1


def test_two_exports_read_at_once_on_one_connection_each_get_every_line(database):
    with Store.open(str(database), "tester", create=False) as store:
        whole = list(native_lines(store))
        first = native_lines(store, page=1)
        read = [next(first)]
        assert list(native_lines(store, page=2)) == whole
        assert read + list(first) == whole


def test_the_written_file_has_one_line_per_document_for_every_reader(database, tmp_path):
    """Unicode's line breaks inside strings are escaped in the file (str.splitlines splits on them)."""
    with Store.open(str(database), "tester", create=False) as store:
        expected = [json.loads(line) for _, line in native_lines(store)]
        export_documents(store, "jsonl", tmp_path / "out.jsonl")
    written = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert "\\u2028" in written and "\\u2029" in written and "\\u0085" in written
    assert [json.loads(line) for line in written.splitlines()] == expected
