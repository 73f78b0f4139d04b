"""What the chain alone cannot see, and what now shows it (issue 13 §4, issue 19).

- A log cut short (the last events deleted, their rows put back as they were) and a log rewritten
  (an event changed and every later hash recomputed) both leave a whole chain; each is named
  against the anchor kept outside the file: `audit --head`, or the manifest every export writes.
- The schemas table, the marginalia table, the documents' order and the schema objects (an
  injected trigger) are covered by --verify; a database with a foreign trigger is not written.
- A malformed audit row is named by its event, never a traceback.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import main
from annotate.errors import StoreError
from store import Store, audit_body
from store.audit import GENESIS, event_hash
from store.rows import dumps
from tests.test_audit import raw, session, verify_cli  # noqa: F401 - the fixture

pytestmark = pytest.mark.usefixtures("session")


def _head(path: Path, capsys) -> str:
    capsys.readouterr()
    assert main.main(["audit", "--head", "--db", str(path)]) == 0
    return capsys.readouterr().out.strip()


def _verify(path: Path, capsys, *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main.main(["audit", "--verify", "--db", str(path), *extra])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _rows_back(conn: sqlite3.Connection, body: str) -> None:
    """Undo by hand what an event's rows did, so the tables match the shortened log."""
    for change in reversed(audit_body.decode(body)[1]):
        columns = {"documents": ("id",), "spans": ("doc_id", "id"), "stances": ("doc_id", "id"),
                   "relations": ("doc_id", "id"), "doc_labels": ("doc_id", "label", "annotator"),
                   "doc_status": ("doc_id", "annotator")}[change.table]
        where = " AND ".join(f'"{c}" = ?' for c in columns)
        conn.execute(f'DELETE FROM "{change.table}" WHERE {where}', list(change.key))
        if change.before is not None:
            names = list(change.before)
            conn.execute(f'INSERT INTO "{change.table}" ({", ".join(chr(34) + n + chr(34) for n in names)}) '
                         f'VALUES ({", ".join("?" for _ in names)})', [change.before[n] for n in names])


def test_a_log_cut_short_with_its_rows_put_back_is_named_against_the_anchor(session, capsys, tmp_path):
    path = session["path"]
    anchor = _head(path, capsys)
    assert anchor == f"{session['events']}:" + sqlite3.connect(path).execute(
        "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()[0]
    assert main.main(["export", "--db", str(path), "--out", str(tmp_path / "backup.jsonl")]) == 0
    conn = sqlite3.connect(path)
    for _ in range(2):  # the last two events go, and what they did is undone by hand
        seq, body = conn.execute("SELECT seq, changes FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        _rows_back(conn, body)
        conn.execute("DELETE FROM audit WHERE seq = ?", [seq])
    conn.commit()
    conn.close()
    code, out = _verify(path, capsys)
    assert code == 0, "the chain alone cannot see this attack (if it can now, this test should say so)"
    for expect in (anchor, str(tmp_path / "backup.jsonl"), str(tmp_path / "backup.jsonl.manifest.json")):
        code, out = _verify(path, capsys, "--expect", expect)
        assert code == 1 and "cut short" in out and f"says {session['events']}" in out, out


def test_a_rewritten_log_with_every_later_hash_recomputed_is_named_against_the_anchor(session, capsys, tmp_path):
    path = session["path"]
    anchor = _head(path, capsys)
    conn = sqlite3.connect(path)
    events = conn.execute("SELECT seq, at, actor, action, doc_id, changes FROM audit ORDER BY seq").fetchall()
    prev = GENESIS
    for seq, at, actor, action, doc_id, body in events:
        if seq == 5:
            actor = "mallory"  # someone else's decision, claimed as their own
        digest = event_hash(prev, seq, at, actor, action, doc_id, body)
        conn.execute("UPDATE audit SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?", [actor, prev, digest, seq])
        prev = digest
    conn.commit()
    conn.close()
    assert _verify(path, capsys)[0] == 0, "the chain alone cannot see this attack"
    code, out = _verify(path, capsys, "--expect", anchor)
    assert code == 1 and "rewritten" in out and f"event #{session['events']}" in out, out
    # An anchor older than the rewritten event vouches only for the events up to it: it matches.
    assert _verify(path, capsys, "--expect", f"3:{_hash_of(path, 3)}")[0] == 0


def _hash_of(path: Path, seq: int) -> str:
    return sqlite3.connect(path).execute("SELECT hash FROM audit WHERE seq = ?", [seq]).fetchone()[0]


def test_an_anchor_that_matches_says_so_and_a_bad_one_is_refused(session, capsys, tmp_path):
    path = session["path"]
    anchor = _head(path, capsys)
    with Store.open(str(path), "ana") as store:
        store.add_entity("d", 0, 6, "GPE")
    code, out = _verify(path, capsys, "--expect", anchor)
    assert code == 0 and "matched" in out and "1 events since" in out, out
    for bad in ("12", "x:y", str(tmp_path / "nowhere.jsonl")):
        code, out = _verify(path, capsys, "--expect", bad)
        assert code == 1 and "--expect wants COUNT:HASH" in out and "Traceback" not in out, out


@pytest.mark.parametrize("attack, named", [
    ("UPDATE schemas SET body = replace(body, '\"label\": \"PERSON\"', '\"label\": \"PERSONA\"')",
     "its labels differ from what event"),
    ("UPDATE schemas SET name = 'renamed'", "it was renamed outside Marginalia"),
    ("INSERT INTO schemas (version, name, body, created_at) SELECT 99, name, body, created_at FROM schemas",
     "schema version 99 ('news'): written by no event"),
    ("DELETE FROM schemas", "written by event #1 but missing from the database"),
    ("INSERT INTO marginalia (key, value) VALUES ('owner', 'mallory')", "the marginalia table holds"),
    ("CREATE TRIGGER quiet BEFORE INSERT ON spans BEGIN SELECT RAISE(IGNORE); END",
     "trigger 'quiet' is not Marginalia's"),
    ("CREATE VIEW peek AS SELECT * FROM spans", "view 'peek' is not Marginalia's"),
    ("DROP INDEX spans_by_decision", "index 'spans_by_decision' is missing"),
])
def test_schemas_marginalia_table_and_schema_objects_are_covered(session, capsys, attack, named):
    path = session["path"]
    raw(path, attack)
    code, out = verify_cli(path, capsys)
    assert code == 1 and named in out, out


def test_a_dropped_label_still_in_use_is_named(session, capsys):
    path = session["path"]
    raw(path, "UPDATE schemas SET body = replace(body, '\"label\": \"DATE\"', '\"label\": \"WHEN\"')")
    code, out = verify_cli(path, capsys)
    assert code == 1 and "entity label 'DATE' is in use but not in schema version 1" in out, out


def test_documents_put_back_in_another_order_are_named(session, capsys):
    path = session["path"]
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    row = conn.execute("SELECT id, text, sha256, meta, created_at FROM documents WHERE id = 'd'").fetchone()
    conn.execute("DELETE FROM documents WHERE id = 'd'")
    conn.execute("INSERT INTO documents (id, text, sha256, meta, created_at) VALUES (?, ?, ?, ?, ?)", row)
    conn.commit()
    conn.close()
    code, out = verify_cli(path, capsys)
    assert code == 1 and "not in the order they were imported" in out, out


def test_a_database_with_a_foreign_trigger_is_not_written_but_can_be_rescued(session, capsys, tmp_path):
    path = session["path"]
    raw(path, "CREATE TRIGGER quiet BEFORE INSERT ON spans BEGIN SELECT RAISE(IGNORE); END")
    with pytest.raises(StoreError, match="trigger 'quiet' is not Marginalia's.*will not write"):
        Store.open(str(path), "ana")
    assert main.main(["export", "--db", str(path), "--out", str(tmp_path / "rescue.jsonl")]) == 0
    assert (tmp_path / "rescue.jsonl").read_text(encoding="utf-8").count("\n") == 2


@pytest.mark.parametrize("changes", [
    "not json", "[]", '{"rows": 5}', '{"rows": [[1, 2]]}', '{"rows": [["spans", [{"a": 1}], null, null]]}',
    '{"rows": [["nowhere", ["d", "x"], null, {"a": 1}]]}', '{"rows": [["spans", ["d", "x"], null, [1, 2]]]}',
    '{"rows": [["spans", null, null, null]]}', '{"detail": {"version": [1]}, "rows": []}',
    # version 2: a row that does not fit its table's columns, columns missing or not names, a version unknown
    '{"v":2,"columns":{"spans":["doc_id"]},"same":{},"rows":[["spans",["d","x"],null,["d","x"]]]}',
    '{"v":2,"same":{},"rows":[["spans",["d","x"],null,["d","x"]]]}',
    '{"v":2,"columns":5,"same":{},"rows":[["spans",["d","x"],null,[1]]]}',
    '{"v":2,"columns":{"spans":[1,2]},"same":{},"rows":[["spans",["d","x"],null,["d","x"]]]}',
    '{"v":2,"columns":{},"same":{},"rows":[["spans",["d","x"],null,["d","x"]]]}', '{"v":3,"rows":[]}',
    '{"v":2,"columns":{"spans":["doc_id","id"]},"same":{},"rows":[["spans",["d","x"],null,"d"]]}',
    '{"v":2,"columns":{"spans":["doc_id","id"]},"same":{"spans":{"doc_id":"d"}},"rows":[["spans",["d","x"],null,'
    '["d","x"]]]}',
])
def test_a_malformed_audit_row_is_named_never_a_crash(session, capsys, changes):
    path = session["path"]
    raw(path, "UPDATE audit SET changes = ? WHERE seq = 3", [changes])
    code, out = verify_cli(path, capsys)
    assert code == 1 and "event #3" in out and "Traceback" not in out, out


def test_a_malformed_schema_event_is_named(session, capsys):
    path = session["path"]
    raw(path, "UPDATE audit SET changes = ? WHERE seq = 1", [dumps({"detail": {"version": [1]}, "rows": []})])
    code, out = verify_cli(path, capsys)
    assert code == 1 and "event #1" in out and "Traceback" not in out, out
