"""The native JSONL export as it was built in Python from the rows, before store/native_export.py
built each document's line inside SQLite (kept as the reference its lines must equal byte for
byte: tests/test_native_export.py)."""
from __future__ import annotations

import json
import math
from typing import Iterator

from annotate.errors import InputError
from store.comments import BRAT_NOTE, note_line


def native_lines(store, *, only_done: bool = False, page: int = 500) -> Iterator[tuple[str, str]]:
    """(doc id, native JSONL line) in import order, a page of documents at a time.

    The same records as ``native_jsonl.dumps(item)`` for every item of ``store.iter_annotated``
    (compact separators; meta and attrs as stored), serialised straight from the table rows with
    the json module's C string encoder, without building domain objects: one query per table
    per page, so the export of a large corpus is bound by writing, not by Python.
    """
    from json.encoder import encode_basestring as q

    from annotate.formats.output import json_record

    def qn(value) -> str:
        return "null" if value is None else q(value)

    tails: dict[tuple, str] = {}

    def tail(origin, decision, annotator, sc) -> str:
        """The repeated end of every object: origin, decision, annotator, score (memoised)."""
        key = (origin, decision, annotator, sc)
        out = tails.get(key)
        if out is None:
            if sc is not None and not math.isfinite(sc):
                raise InputError(f"a score of {sc!r} (stored by an earlier version of Marginalia) cannot be written "
                                 "as JSON; nothing was written")
            out = (f',"origin":{q(origin or "")},"decision":{q(decision)},"annotator":{qn(annotator)}'
                   + ("" if sc is None else f',"score":{float(sc)!r}') + "}")
            if len(tails) < 10000:
                tails[key] = out
        return out

    labels_q: dict[str, str] = {}

    def ql(label) -> str:
        out = labels_q.get(label)
        if out is None:
            out = labels_q[label] = q(label)
        return out

    def extras(replaces, attrs) -> str:
        out = f',"replaces":{q(replaces)}' if replaces else ""
        return out + (f',"attrs":{attrs}' if attrs and attrs != "{}" else "")

    def grouped(rows, build) -> dict[str, list[str]]:
        """Rows ordered by doc_id -> {doc_id: [json, ...]} without a lookup per row."""
        out: dict[str, list[str]] = {}
        current, items = None, None
        for row in rows:
            if row[0] != current:
                current = row[0]
                items = out[current] = []
            items.append(build(row))
        return out

    def grouped_spans(rows, build) -> dict[str, list[str]]:
        """Span rows ordered by (doc_id, start), as the index gives them; equal starts are put in
        the store's order (start, end descending, id) here, cheaper than a sort in SQL."""
        out: dict[str, list[str]] = {}
        current, items, last_start, tied = None, None, None, []
        for row in rows:
            if row[0] != current:
                current, last_start = row[0], None
                items = out[current] = []
            if row[2] == last_start:
                tied.append(current)
            last_start = row[2]
            items.append((row[2], -row[3], row[1], build(row)))
        for doc_id in set(tied):
            out[doc_id].sort(key=lambda t: t[:3])
        return {doc_id: [t[3] for t in entries] for doc_id, entries in out.items()}

    notes: dict[tuple[str, str], list[str]] = {}

    def with_notes(doc_id, sid, attrs):
        """Comments on the span ride in its attrs as brat notes (what an import makes comments of)."""
        bodies = notes.get((doc_id, sid))
        if not bodies:
            return attrs
        parsed = json.loads(attrs or "{}")
        parsed["notes"] = list(parsed.get("notes") or []) + [[BRAT_NOTE, note_line(b)] for b in bodies]
        return json.dumps(parsed, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def entity(row) -> str:
        doc_id, sid, start, end, label, replaces, attrs, origin, decision, annotator, sc, cluster = row
        attrs = with_notes(doc_id, sid, attrs) if notes else attrs
        more = extras(replaces, attrs) if replaces or attrs != "{}" else ""
        if cluster is not None:
            more = f',"cluster":{q(cluster)}' + more
        return f'{{"id":{q(sid)},"start":{start},"end":{end},"label":{ql(label)}{more}{tail(origin, decision, annotator, sc)}'

    def claim(row) -> str:
        (doc_id, sid, start, end, replaces, attrs, origin, decision, annotator, sc, claimant, claim_type, checkworthy,
         claimant_text) = row
        attrs = with_notes(doc_id, sid, attrs) if notes else attrs
        cw = "null" if checkworthy is None else ("true" if checkworthy else "false")
        ct = "" if claimant_text is None else f',"claimant_text":{q(claimant_text)}'
        return (f'{{"id":{q(sid)},"start":{start},"end":{end},"claimant":{qn(claimant)},"type":{qn(claim_type)},'
                f'"checkworthy":{cw}{ct}{extras(replaces, attrs)}{tail(origin, decision, annotator, sc)}')

    def stance(row) -> str:
        _, sid, holder, target, polarity, evidence, origin, decision, annotator = row
        return (f'{{"id":{q(sid)},"holder":{q(holder)},"target":{q(target)},"polarity":{ql(polarity)},'
                f'"evidence":{qn(evidence)}{tail(origin, decision, annotator, None)}')

    def relation(row) -> str:
        _, rid, head, tail_, label, origin, decision, annotator, sc = row
        return (f'{{"id":{q(rid)},"head":{q(head)},"tail":{q(tail_)},"label":{ql(label)}'
                f'{tail(origin, decision, annotator, sc)}')

    conn = store.conn
    who = store.annotator
    join = "JOIN" if only_done else "LEFT JOIN"
    done = " AND s.status = 'done'" if only_done else ""
    doc_sql = (f"SELECT d.rowid, d.id, d.text, d.meta, s.status, s.reason FROM documents d {join} doc_status s "
               f"ON s.doc_id = d.id AND s.annotator = ?{done} WHERE d.rowid > ? ORDER BY d.rowid LIMIT ?")
    last = 0
    while True:
        docs = conn.execute(doc_sql, [who, last, page]).fetchall()
        if not docs:
            return
        ids = [d[1] for d in docs]
        marks = ", ".join("?" for _ in ids)
        notes.clear()
        for doc_id, target, body in conn.execute(
                f"SELECT doc_id, target, body FROM comments WHERE doc_id IN ({marks}) AND target IS NOT NULL "
                "ORDER BY doc_id, created_at, id", ids):
            notes.setdefault((doc_id, target), []).append(body)
        entities = grouped_spans(conn.execute(
            "SELECT doc_id, id, start, \"end\", label, replaces, attrs, origin, decision, annotator, score, cluster "
            f"FROM spans WHERE doc_id IN ({marks}) AND layer = 'entity' ORDER BY doc_id, start", ids), entity)
        claims = grouped_spans(conn.execute(
            "SELECT doc_id, id, start, \"end\", replaces, attrs, origin, decision, annotator, score, claimant, "
            f"claim_type, checkworthy, claimant_text FROM spans WHERE doc_id IN ({marks}) AND layer = 'claim' "
            "ORDER BY doc_id, start", ids), claim)
        stances = grouped(conn.execute(
            "SELECT doc_id, id, holder, target, polarity, evidence, origin, decision, annotator FROM stances "
            f"WHERE doc_id IN ({marks}) ORDER BY doc_id, created_at, id", ids), stance)
        relations = grouped(conn.execute(
            "SELECT doc_id, id, head, tail, label, origin, decision, annotator, score FROM relations "
            f"WHERE doc_id IN ({marks}) ORDER BY doc_id, created_at, id", ids), relation)
        clusters = grouped(conn.execute(
            "SELECT doc_id, id, origin, decision, annotator, score FROM clusters "
            f"WHERE doc_id IN ({marks}) ORDER BY doc_id, created_at, id", ids),
            lambda row: f'{{"id":{q(row[1])}{tail(row[2], row[3], row[4], row[5])}')
        labels: dict[str, list[str]] = {}
        for doc_id, label in conn.execute(f"SELECT doc_id, label FROM doc_labels WHERE doc_id IN ({marks}) "
                                          "AND annotator = ? ORDER BY doc_id, label", [*ids, who]):
            labels.setdefault(doc_id, []).append(q(label))
        for _, doc_id, text, meta, status, reason in docs:
            if meta and ("NaN" in meta or "Infinity" in meta):
                json_record(json.loads(meta), doc_id)  # refuses a NaN an earlier version stored
            reason_part = f',"status_reason":{q(reason)}' if reason else ""
            if doc_id in clusters:
                reason_part += f',"clusters":[{",".join(clusters[doc_id])}]'
            yield doc_id, (f'{{"id":{q(doc_id)},"text":{q(text)},"meta":{meta or "{}"},'
                           f'"entities":[{",".join(entities.get(doc_id, ()))}],'
                           f'"claims":[{",".join(claims.get(doc_id, ()))}],'
                           f'"stances":[{",".join(stances.get(doc_id, ()))}],'
                           f'"relations":[{",".join(relations.get(doc_id, ()))}],'
                           f'"labels":[{",".join(labels.get(doc_id, ()))}],'
                           f'"status":{q(status or "new")}{reason_part}}}')
        last = docs[-1][0]
