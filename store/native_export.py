"""The native JSONL export's lines, each document's built by SQLite in one query over the corpus.

Why in SQLite: the export's floor is a bare ``json.dumps`` loop over records already in memory;
reading the rows into Python alone costs about that much (one tuple and a dozen str objects per
entity). Here Python receives one string per document: SQLite's own JSON functions build every
object inside ``sqlite3_step`` (``json_object`` for the common object without optional keys,
``json_quote`` and ``||`` for the others), and only what SQLite cannot write exactly as Python
does is called back into Python: a score (a float printed as ``repr``, not as ``%!.15g``) and
the brat notes a span's comments add to its attrs.

The lines are byte for byte what the earlier Python serialiser wrote
(``tests/helpers/native_lines_before.py``, compared in ``tests/test_native_export.py``):
compact separators, keys in the domain records' order, meta and attrs as stored, ``ensure_ascii``
off. One statement reads the whole corpus, so the export is one state of the file even without
the caller's read transaction, and rows are fetched a few at a time (constant memory).
"""
from __future__ import annotations

import itertools
import json
import math
import sqlite3
from typing import Iterator

from annotate.errors import InputError

from .comments import BRAT_NOTE, note_line

_calls = itertools.count()

# The end every object shares: origin, decision, annotator (and a score where the table has one).
_TAIL = ("',\"origin\":' || json_quote(ifnull(origin, '')) || ',\"decision\":' || json_quote(decision) || "
         "',\"annotator\":' || json_quote(annotator)")
_SCORED_TAIL = _TAIL + " || CASE WHEN score IS NULL THEN '' ELSE ',\"score\":' || marginalia_score(score) END || '}'"
_PLAIN_TAIL = "'origin', ifnull(origin, ''), 'decision', decision, 'annotator', annotator"
# replaces and attrs are written only when set ("{}" and "" are attrs not set).
_EXTRAS = ("CASE WHEN replaces <> '' THEN ',\"replaces\":' || json_quote(replaces) ELSE '' END || "
           "CASE WHEN attrs <> '' AND attrs <> '{}' THEN ',\"attrs\":' || attrs ELSE '' END")
# A span json_object can write whole: none of the optional keys, no score.
_PLAIN_SPAN = "score IS NULL AND (replaces IS NULL OR replaces = '') AND (attrs = '{}' OR attrs = '')"
# The store's order of spans. "+start": one sort of the document's spans; sorting the index's
# runs of equal starts one by one costs a third more.
_SPAN_ORDER = "+start, \"end\" DESC, id"
_CHECKWORTHY = "CASE WHEN checkworthy IS NULL THEN 'null' WHEN checkworthy THEN 'true' ELSE 'false' END"
# A span's attrs with the comments on it as brat notes (what an import makes comments of again).
_NOTED_ATTRS = ("CASE WHEN EXISTS (SELECT 1 FROM comments c WHERE c.doc_id = sp.doc_id AND c.target = sp.id) "
                "THEN marginalia_notes(sp.attrs, (SELECT json_group_array(body) FROM (SELECT body FROM comments c "
                "WHERE c.doc_id = sp.doc_id AND c.target = sp.id ORDER BY created_at, id))) ELSE sp.attrs END")
_SPAN_COLUMNS = ("doc_id, id, start, \"end\", label, origin, decision, annotator, score, claimant, claimant_text, "
                 "claim_type, checkworthy, replaces, cluster")


def _joined(select: str) -> str:
    """The rows' ``j`` joined by commas ('' for none), in the select's order."""
    return f"ifnull((SELECT group_concat(j, ',') FROM ({select})), '')"


def _spans(layer: str, noted: bool) -> str:
    if noted:
        return (f"(SELECT {_SPAN_COLUMNS}, {_NOTED_ATTRS} AS attrs FROM spans sp WHERE sp.doc_id = d.id "
                f"AND sp.layer = '{layer}')")
    return f"spans WHERE doc_id = d.id AND layer = '{layer}'"


def _entities(noted: bool) -> str:
    return _joined(
        f"SELECT CASE WHEN cluster IS NULL AND {_PLAIN_SPAN} THEN json_object('id', id, 'start', start, "
        f"'end', \"end\", 'label', label, {_PLAIN_TAIL}) ELSE "
        "'{\"id\":' || json_quote(id) || ',\"start\":' || start || ',\"end\":' || \"end\" || ',\"label\":' || "
        "json_quote(label) || CASE WHEN cluster IS NOT NULL THEN ',\"cluster\":' || json_quote(cluster) ELSE '' END "
        f"|| {_EXTRAS} || {_SCORED_TAIL} END AS j FROM {_spans('entity', noted)} ORDER BY {_SPAN_ORDER}")


def _claims(noted: bool) -> str:
    return _joined(
        f"SELECT CASE WHEN claimant_text IS NULL AND {_PLAIN_SPAN} THEN json_object('id', id, 'start', start, "
        f"'end', \"end\", 'claimant', claimant, 'type', claim_type, 'checkworthy', json({_CHECKWORTHY}), "
        f"{_PLAIN_TAIL}) ELSE "
        "'{\"id\":' || json_quote(id) || ',\"start\":' || start || ',\"end\":' || \"end\" || ',\"claimant\":' || "
        f"json_quote(claimant) || ',\"type\":' || json_quote(claim_type) || ',\"checkworthy\":' || {_CHECKWORTHY} "
        "|| CASE WHEN claimant_text IS NULL THEN '' ELSE ',\"claimant_text\":' || json_quote(claimant_text) END "
        f"|| {_EXTRAS} || {_SCORED_TAIL} END AS j FROM {_spans('claim', noted)} ORDER BY {_SPAN_ORDER}")


_STANCES = _joined(
    "SELECT json_object('id', id, 'holder', holder, 'target', target, 'polarity', polarity, 'evidence', evidence, "
    f"{_PLAIN_TAIL}) AS j FROM stances WHERE doc_id = d.id ORDER BY created_at, id")
_RELATIONS = _joined(
    f"SELECT CASE WHEN score IS NULL THEN json_object('id', id, 'head', head, 'tail', tail, 'label', label, "
    f"{_PLAIN_TAIL}) ELSE '{{\"id\":' || json_quote(id) || ',\"head\":' || json_quote(head) || ',\"tail\":' || "
    f"json_quote(tail) || ',\"label\":' || json_quote(label) || {_SCORED_TAIL} END AS j FROM relations "
    "WHERE doc_id = d.id ORDER BY created_at, id")
_LABELS = _joined("SELECT json_quote(label) AS j FROM doc_labels WHERE doc_id = d.id AND annotator = :who "
                  "ORDER BY label")
_CLUSTERS = (f"ifnull((SELECT ',\"clusters\":[' || group_concat(j, ',') || ']' FROM (SELECT CASE WHEN score IS NULL "
             f"THEN json_object('id', id, {_PLAIN_TAIL}) ELSE '{{\"id\":' || json_quote(id) || {_SCORED_TAIL} END "
             "AS j FROM clusters WHERE doc_id = d.id ORDER BY created_at, id)), '')")


def _line(noted: bool) -> str:
    # printf writes the line in one pass; a chain of || would copy the text once per key after it.
    # (Its %s stops at a NUL: none can be here, JSON strings carry NUL escaped.)
    return ("printf('{\"id\":%s,\"text\":%s,\"meta\":%s,\"entities\":[%s],\"claims\":[%s],\"stances\":[%s],"
            "\"relations\":[%s],\"labels\":[%s],\"status\":%s%s%s}', json_quote(d.id), json_quote(d.text), "
            "CASE WHEN d.meta <> '' THEN d.meta ELSE '{}' END, "
            f"{_entities(noted)}, {_claims(noted)}, {_STANCES}, {_RELATIONS}, {_LABELS}, "
            "json_quote(ifnull(s.status, 'new')), "
            "CASE WHEN s.reason <> '' THEN ',\"status_reason\":' || json_quote(s.reason) ELSE '' END, "
            f"{_CLUSTERS})")


def _documents_sql(only_done: bool) -> str:
    """(doc id, line, meta when it may hold a NaN) per document in import order. A document with
    comments on its spans takes the query that looks for them span by span; the others skip it."""
    join, done = ("JOIN", " AND s.status = 'done'") if only_done else ("LEFT JOIN", "")
    return ("SELECT d.id, CASE WHEN EXISTS (SELECT 1 FROM comments WHERE doc_id = d.id AND target IS NOT NULL) "
            f"THEN {_line(True)} ELSE {_line(False)} END, "
            "CASE WHEN instr(d.meta, 'NaN') OR instr(d.meta, 'Infinity') THEN d.meta END "
            f"FROM documents d {join} doc_status s ON s.doc_id = d.id AND s.annotator = :who{done} ORDER BY d.rowid")


def native_lines(store, *, only_done: bool = False, page: int = 200) -> Iterator[tuple[str, str]]:
    """(doc id, native JSONL line) in import order, ``page`` documents fetched at a time.

    The same records as ``native_jsonl.dumps(item)`` for every item of ``store.iter_annotated``
    (compact separators; meta and attrs as stored), without building domain objects.
    """
    from annotate.formats.output import json_record

    failed: list[BaseException] = []  # what a callback refused: raised here, not as SQLite's error

    def score(value) -> str:
        value = float(value)
        if not math.isfinite(value):
            failed.append(InputError(f"a score of {value!r} (stored by an earlier version of Marginalia) cannot "
                                     "be written as JSON; nothing was written"))
            return "null"
        return repr(value)

    def notes(attrs, bodies) -> str:
        try:
            parsed = json.loads(attrs or "{}")
            parsed["notes"] = list(parsed.get("notes") or []) + [[BRAT_NOTE, note_line(b)] for b in json.loads(bodies)]
            return json.dumps(parsed, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        except Exception as exc:  # noqa: BLE001 - raised again below, as the Python serialiser raised it
            failed.append(exc)
            return "{}"

    # Names of this call's own: replacing a function fails while any statement of the connection
    # is running (another export or a cursor not read to its end), and each call has its own
    # ``failed``.
    n = next(_calls)
    score_fn, notes_fn = f"marginalia_score_{n}", f"marginalia_notes_{n}"
    conn = store.conn
    conn.create_function(score_fn, 1, score, deterministic=True)
    conn.create_function(notes_fn, 2, notes, deterministic=True)
    sql = _documents_sql(only_done).replace("marginalia_score(", score_fn + "(").replace("marginalia_notes(", notes_fn + "(")
    rows = None
    try:
        rows = conn.execute(sql, {"who": store.annotator})
        while True:
            chunk = rows.fetchmany(page)
            if failed:
                raise failed[0]
            if not chunk:
                return
            for doc_id, line, meta in chunk:
                if meta is not None:
                    json_record(json.loads(meta), doc_id)  # refuses a NaN an earlier version stored
                yield doc_id, line
    finally:
        try:
            if rows is not None:
                rows.close()
            for name, arity in ((score_fn, 1), (notes_fn, 2)):
                conn.create_function(name, arity, None)
        except sqlite3.Error:  # a statement still running (the function stays, unused), or closed
            pass
