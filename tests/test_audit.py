"""The audit log: a normal session verifies; any edit behind the program's back is found and named."""
from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

import pytest

import main
from annotate.changes import RowChange
from annotate.model import AnnotatedDocument, Annotations, Document, Span
from store import Store, audit_body
from store.audit import event_hash

TEXT = "Turkey is against Haftar, whom the United Arab Emirates back. Kalın said a truce is possible."


def run(argv: list[str]) -> int:
    try:
        return main.main(argv)
    except SystemExit as exc:
        return exc.code


@pytest.fixture(params=["v1", "v2"])
def session(tmp_path, request, monkeypatch) -> dict:
    """A realistic session through the store; returns the path and the events of interest.
    Run with both event body versions: a file written before version 2 must verify, and be
    caught when tampered with, as one written now."""
    if request.param == "v1":
        monkeypatch.setattr(audit_body, "encode", audit_body.encode_v1)
    path = tmp_path / "audited.db"
    with Store.open(str(path), "ana") as store:
        store.import_documents([AnnotatedDocument(Document("d", TEXT, {"title": "Truce"}),
                                                  Annotations([Span("s1", 0, 6, "GPE", decision="suggested",
                                                                    origin="model:test@1", score=0.9),
                                                               Span("s2", 18, 24, "PERSON", decision="suggested",
                                                                    origin="model:test@1")]))],
                               as_suggestions=True)
        store.import_documents([AnnotatedDocument(Document("other", "Ankara and Tripoli talked."))])
        kalin = store.add_entity("d", 62, 67, "PERSON").created[0]
        store.accept("d", "s1")
        uae = store.add_entity("d", 35, 55, "ORG").created[0]
        relabel_event = store.relabel("d", uae, "GPE").event
        claim = store.add_claim("d", 73, 92, claimant=kalin, claim_type="prediction").created[0]
        store.add_stance("d", "s1", "s2", "AGAINST")
        store.add_relation("d", "s2", uae, "BACKED_BY")
        store.undo()
        store.redo()
        store.reject("d", "s2")
        store.set_document_labels("d", ["politics"])
        store.set_status("d", "done")
        last_event = store.add_entity("d", 68, 72, "DATE").event
        events = store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    monkeypatch.undo()
    return {"path": path, "uae": uae, "uae_event": relabel_event, "kalin": kalin, "claim": claim,
            "events": events, "last": last_event, "version": request.param}


def test_the_session_wrote_the_body_version_it_was_asked_for(session):
    conn = sqlite3.connect(session["path"])
    bodies = [json.loads(body) for (body,) in conn.execute("SELECT changes FROM audit")]
    conn.close()
    assert bodies and all(("v" in body) == (session["version"] == "v2") for body in bodies)
    rows = [row for body in bodies for row in body["rows"]]
    states = [state for row in rows for state in row[2:] if state is not None]
    assert all(isinstance(state, list if session["version"] == "v2" else dict) for state in states)


def encode_like(original: str, rows, detail=None) -> str:
    """A body with ``rows`` written in the version of ``original`` (a forger's or an editor's)."""
    if "v" in json.loads(original):
        return audit_body.encode(rows, detail)
    return audit_body.encode_v1(rows, detail)


def raw(path: Path, sql: str, args=()) -> None:
    conn = sqlite3.connect(path)
    conn.execute(sql, args)
    conn.commit()
    conn.close()


def verify_cli(path: Path, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = run(["audit", "--verify", "--db", str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_normal_session_verifies(session, capsys):
    code, out = verify_cli(session["path"], capsys)
    assert code == 0, out
    assert f"{session['events']} events" in out and "chain intact" in out
    with Store.open(str(session["path"]), "ana") as store:
        result = store.verify()
        assert result.ok and result.problems == [] and result.events == session["events"]
    # --json says the same to a machine.
    capsys.readouterr()
    assert run(["audit", "--verify", "--json", "--db", str(session["path"])]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "events": session["events"], "problems": []}


def test_an_edited_span_is_named_with_the_event_that_last_wrote_it(session, capsys):
    path = session["path"]
    raw(path, "UPDATE spans SET label = 'ORG' WHERE doc_id = 'd' AND id = ?", [session["uae"]])
    code, out = verify_cli(path, capsys)
    assert code == 1
    assert f"spans d/{session['uae']}" in out
    assert f"event #{session['uae_event']}" in out
    assert "changed outside Marginalia" in out
    with Store.open(str(path), "ana") as store:
        result = store.verify()
    assert not result.ok and len(result.problems) == 1


def test_an_edited_span_offset_is_found(session, capsys):
    path = session["path"]
    raw(path, 'UPDATE spans SET "end" = "end" + 1 WHERE doc_id = \'d\' AND id = ?', [session["kalin"]])
    code, out = verify_cli(path, capsys)
    assert code == 1 and f"spans d/{session['kalin']}" in out


def _audit_row(path: Path, seq: int) -> tuple:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT seq, at, actor, action, doc_id, changes, prev_hash, hash FROM audit WHERE seq = ?",
                            [seq]).fetchone()
    finally:
        conn.close()


def test_a_deleted_audit_row_is_found(session, capsys):
    path = session["path"]
    raw(path, "DELETE FROM audit WHERE seq = 5")
    code, out = verify_cli(path, capsys)
    assert code == 1
    assert "event #6" in out and ("deleted" in out or "chain is broken" in out)


def test_deleting_the_last_audit_row_is_found(session, capsys):
    # The last event has no successor whose chain would break; the table replay finds it.
    path = session["path"]
    raw(path, "DELETE FROM audit WHERE seq = ?", [session["last"]])
    code, out = verify_cli(path, capsys)
    assert code == 1 and "written by no event" in out


def test_edited_audit_changes_are_found(session, capsys):
    path = session["path"]
    seq = session["uae_event"]
    original = _audit_row(path, seq)[5]
    payload, rows = audit_body.decode(original)
    rows[0].after["label"] = "LOC"
    edited = encode_like(original, rows, payload.get("detail"))
    assert edited != original and audit_body.decode(edited)[1][0].after["label"] == "LOC"
    raw(path, "UPDATE audit SET changes = ? WHERE seq = ?", [edited, seq])
    code, out = verify_cli(path, capsys)
    assert code == 1
    assert f"event #{seq}" in out and "altered" in out


def test_an_edited_actor_is_found(session, capsys):
    path = session["path"]
    raw(path, "UPDATE audit SET actor = 'mallory' WHERE seq = 3")
    code, out = verify_cli(path, capsys)
    assert code == 1 and "event #3" in out and "altered" in out


def test_a_forged_event_with_a_made_up_hash_is_found(session, capsys):
    path = session["path"]
    last = _audit_row(path, session["events"])
    raw(path, "INSERT INTO audit (seq, at, actor, action, doc_id, changes, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [session["events"] + 1, last[1], "ana", "accept", "d", '{"rows":[]}', last[7], "f" * 64])
    code, out = verify_cli(path, capsys)
    assert code == 1 and f"event #{session['events'] + 1}" in out and "altered" in out


def test_a_forged_event_inserted_in_the_middle_is_found(session, capsys):
    path = session["path"]
    # Make room by moving the last event up one, then forge one in its old place.
    n = session["events"]
    raw(path, "UPDATE audit SET seq = ? WHERE seq = ?", [n + 1, n])
    prev = _audit_row(path, n - 1)
    body = '{"rows":[]}'
    forged_hash = event_hash(prev[7], n, prev[1], "ana", "accept", "d", body)
    raw(path, "INSERT INTO audit (seq, at, actor, action, doc_id, changes, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [n, prev[1], "ana", "accept", "d", body, prev[7], forged_hash])
    code, out = verify_cli(path, capsys)
    assert code == 1 and f"event #{n + 1}" in out


def test_a_forged_event_that_claims_rows_it_did_not_write_is_found(session, capsys):
    # Even a forger who computes the chain correctly is caught when the rows the event claims
    # to have written are not the rows in the tables.
    path = session["path"]
    n = session["events"]
    last = _audit_row(path, n)
    conn = sqlite3.connect(path)
    cursor = conn.execute("SELECT * FROM spans WHERE doc_id = 'd' AND id = ?", [session["kalin"]])
    row = dict(zip([d[0] for d in cursor.description], cursor.fetchone()))
    conn.close()
    after = {**row, "label": "ORG", "annotator": "mallory"}
    body = encode_like(last[5], [RowChange("spans", ("d", session["kalin"]), row, after)])
    digest = event_hash(last[7], n + 1, last[1], "mallory", "relabel", "d", body)
    raw(path, "INSERT INTO audit (seq, at, actor, action, doc_id, changes, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [n + 1, last[1], "mallory", "relabel", "d", body, last[7], digest])
    code, out = verify_cli(path, capsys)
    assert code == 1 and f"spans d/{session['kalin']}" in out and f"event #{n + 1}" in out


def test_a_deleted_span_row_is_found(session, capsys):
    path = session["path"]
    raw(path, "PRAGMA foreign_keys = OFF")
    raw(path, "DELETE FROM spans WHERE doc_id = 'd' AND id = ?", [session["claim"]])
    code, out = verify_cli(path, capsys)
    assert code == 1
    assert f"spans d/{session['claim']}" in out and "deleted outside Marginalia" in out and "event #" in out


def test_an_inserted_span_row_is_found(session, capsys):
    path = session["path"]
    raw(path, 'INSERT INTO spans (doc_id, id, layer, start, "end", label, origin, decision, annotator, attrs, '
              "created_at, updated_at) VALUES ('d', 'forged', 'entity', 0, 6, 'ORG', 'ana', 'manual', 'ana', '{}', "
              "'2025-01-01', '2025-01-01')")
    code, out = verify_cli(path, capsys)
    assert code == 1 and "spans d/forged" in out and "written by no event" in out


def test_altered_document_text_is_found(session, capsys):
    path = session["path"]
    raw(path, "UPDATE documents SET text = replace(text, 'Turkey', 'Greece') WHERE id = 'd'")
    code, out = verify_cli(path, capsys)
    assert code == 1 and "document 'd'" in out and "text was altered" in out


def test_altered_document_text_with_a_matching_hash_is_found(session, capsys):
    path = session["path"]
    new_text = TEXT.replace("Turkey", "Greece")
    raw(path, "UPDATE documents SET text = ?, sha256 = ? WHERE id = 'd'", [new_text, Document("d", new_text).sha256])
    conn = sqlite3.connect(path)
    imported = conn.execute("SELECT seq FROM audit WHERE action = 'import' AND doc_id = 'd'").fetchone()[0]
    conn.close()
    code, out = verify_cli(path, capsys)
    assert code == 1 and "documents d" in out and f"event #{imported}" in out


def test_edited_status_and_labels_are_found(session, capsys):
    path = session["path"]
    raw(path, "UPDATE doc_status SET status = 'skipped' WHERE doc_id = 'd'")
    raw(path, "DELETE FROM doc_labels WHERE doc_id = 'd'")
    code, out = verify_cli(path, capsys)
    assert code == 1 and "doc_status d/ana" in out and "doc_labels d/politics/ana" in out


def test_a_version_2_body_reads_back_every_row_exactly():
    # What a document's rows share is written once; numbers equal in Python but not the same
    # value (1, 1.0 and True; 0.0 and -0.0) are never taken for one.
    rows = [RowChange("spans", ("d", f"e{k}"), None,
                      {"doc_id": "d", "id": f"e{k}", "score": score, "n": n, "flag": flag, "note": None, "at": "t"})
            for k, (score, n, flag) in enumerate([(0.0, 1, True), (-0.0, 1.0, 1), (0.5, 1, True)])]
    rows.append(RowChange("spans", ("d", "e0"), rows[0].after, {**rows[0].after, "note": "x"}))
    rows.append(RowChange("spans", ("d", "odd"), None, {"id": "odd", "doc_id": "d"}))  # other columns: an object
    rows.append(RowChange("doc_status", ("d", "ana"), None, {"doc_id": "d", "annotator": "ana", "status": "done"}))
    body = audit_body.encode(rows, {"source": "file.jsonl"})
    payload, back = audit_body.decode(body)
    assert payload["detail"] == {"source": "file.jsonl"} and back == rows
    for original, read in zip(rows, back):
        for state, state_back in ((original.before, read.before), (original.after, read.after)):
            assert state is None or (list(state.items()) == list(state_back.items())
                                     and [type(v) for v in state.values()] == [type(v) for v in state_back.values()])
    assert [math.copysign(1, r.after["score"]) for r in back[:2]] == [1, -1]
    assert json.loads(body)["same"]["spans"] == {"doc_id": "d", "at": "t"}
    assert len(body) < len(audit_body.encode_v1(rows, {"source": "file.jsonl"}))


@pytest.mark.parametrize("same", ['{"spans":{"nowhere":1}}', '{"spans":[1]}', '[]'])
def test_a_version_2_body_whose_shared_values_do_not_fit_is_refused(same):
    body = ('{"v":2,"columns":{"spans":["doc_id","id"]},"same":' + same
            + ',"rows":[["spans",["d","x"],null,["x"]]]}')
    with pytest.raises((ValueError, KeyError, TypeError, AttributeError)):
        audit_body.decode(body)
