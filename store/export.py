"""Writing output files safely: never half a file, never over an existing one unless asked."""
from __future__ import annotations

import json
import re
from argparse import ArgumentTypeError
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator, TextIO

from annotate.arguments import decimal
from annotate.errors import InputError

from .comments import BRAT_NOTE, note_line, with_comments_as_notes


def write_atomically(target: Path, write: Callable[[TextIO], int], *, force: bool = False) -> int:
    """Run ``write`` into a temporary file beside ``target`` and move it into place at the end.

    A crash or an error leaves any existing file as it was, and no partial output.
    """
    if str(target) == "-":
        return write(sys.stdout)
    target = Path(target)
    if target.exists() and not force:
        raise InputError("already exists; pass --force to overwrite it", source=str(target))
    if target.is_dir():
        raise InputError("is a folder; give a file name", source=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            count = write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


# ---- exporting the store in any format -------------------------------------------------------

def parse_split(spec: str) -> list[tuple[str, float]]:
    """'train=0.8,dev=0.1,test=0.1' -> [('train', 0.8), ...]; the parts must add up to 1."""
    parts: list[tuple[str, float]] = []
    for piece in spec.split(","):
        name, sep, value = piece.partition("=")
        name = name.strip()
        try:
            fraction = decimal(value.strip())  # the digits 0-9: float() reads "１" and "nan" too
        except ArgumentTypeError:
            fraction = -1.0
        # The name goes into a file name (out.NAME.jsonl): ASCII letters, digits, - and _.
        if not sep or not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", name) or not 0 < fraction <= 1:
            raise InputError(f"--split: {piece.strip()!r} is not NAME=FRACTION (e.g. train=0.8,dev=0.1,test=0.1)")
        if name in {n for n, _ in parts}:
            raise InputError(f"--split: {name!r} is given twice")
        parts.append((name, fraction))
    total = sum(f for _, f in parts)
    if abs(total - 1.0) > 1e-6:
        raise InputError(f"--split: the fractions add up to {total:g}, not 1")
    return parts


def assign_splits(doc_ids: list[str], parts: list[tuple[str, float]], seed: int) -> dict[str, str]:
    """A deterministic shuffle with the seed, cut at the cumulative fractions (exact sizes)."""
    import random
    order = sorted(doc_ids)
    random.Random(seed).shuffle(order)
    out: dict[str, str] = {}
    start, cumulative = 0, 0.0
    for index, (name, fraction) in enumerate(parts):
        cumulative += fraction
        end = len(order) if index == len(parts) - 1 else round(cumulative * len(order))
        for doc_id in order[start:end]:
            out[doc_id] = name
        start = end
    return out


def only_annotator(item, name: str):
    """One annotator's version of a document: what that person decided, nothing else."""
    from dataclasses import replace as _replace

    from annotate.model import AnnotatedDocument, Annotations
    ann = item.annotations
    spans = [s for s in ann.spans if s.annotator == name]
    ids = {s.id for s in spans}
    text = item.document.text
    clusters = [c for c in ann.clusters if c.annotator == name]
    groups = {c.id for c in clusters}
    fixed = []
    for span in spans:
        if span.cluster is not None and span.cluster not in groups:
            span = _replace(span, cluster=None)
        if span.claimant is not None and span.claimant not in ids:
            claimant = next((s for s in ann.spans if s.id == span.claimant), None)
            span = _replace(span, claimant=None,
                            claimant_text=span.claimant_text or (text[claimant.start:claimant.end] if claimant else None))
        if span.replaces is not None and span.replaces not in ids:
            span = _replace(span, replaces=None)
        fixed.append(span)
    stances = [s for s in ann.stances if s.annotator == name and s.holder in ids and s.target in ids
               and (s.evidence is None or s.evidence in ids)]
    relations = [r for r in ann.relations if r.annotator == name and r.head in ids and r.tail in ids]
    return AnnotatedDocument(item.document, Annotations(fixed, stances, relations, list(ann.labels), ann.status,
                                                        ann.status_reason, clusters))


def _doc_ids(store, only_done: bool) -> list[str]:
    if only_done:
        sql = ("SELECT d.id FROM documents d JOIN doc_status s ON s.doc_id = d.id AND s.annotator = ? "
               "AND s.status = 'done' ORDER BY d.rowid")
        return [r[0] for r in store.conn.execute(sql, [store.annotator])]
    return store.document_ids()


def check_not_empty(store, *, only_done: bool, annotator: str | None) -> None:
    """An export never lies by being empty: when the selection (``--only-done`` is the annotator's
    own status; ``--annotator`` their annotations) matches nothing but other annotators have what
    it asks for, say who, and write nothing."""
    conn = store.conn

    def listing(rows) -> str:
        return ", ".join(f"{who!r} ({count} document{'s' if count != 1 else ''})" for who, count in rows)

    if only_done:
        who = store.annotator
        mine = conn.execute("SELECT count(*) FROM doc_status WHERE annotator = ? AND status = 'done'", [who]).fetchone()[0]
        if not mine:
            others = conn.execute("SELECT annotator, count(*) FROM doc_status WHERE status = 'done' AND annotator != ? "
                                  "GROUP BY annotator ORDER BY count(*) DESC, annotator", [who]).fetchall()
            if others:
                raise InputError(f"nothing to export: no document is marked done by {who!r} (--only-done counts the "
                                 f"annotator's own status); done by {listing(others)}: give --annotator "
                                 f"{others[0][0]} to export theirs")
    if annotator is not None:
        mine = conn.execute("SELECT (SELECT count(*) FROM spans WHERE annotator = ?) + (SELECT count(*) FROM stances "
                            "WHERE annotator = ?) + (SELECT count(*) FROM relations WHERE annotator = ?)",
                            [annotator] * 3).fetchone()[0]
        if not mine:
            others = conn.execute("SELECT annotator, count(DISTINCT doc_id) FROM spans WHERE annotator IS NOT NULL "
                                  "AND annotator != ? GROUP BY annotator ORDER BY 2 DESC, annotator",
                                  [annotator]).fetchall()
            if others:
                raise InputError(f"nothing to export: {annotator!r} has no annotations in this database; annotations "
                                 f"by {listing(others)}")


def export_documents(store, fmt: str, out: Path, *, only_done: bool = False, annotator: str | None = None,
                     split: str | None = None, seed: int = 0, force: bool = False, doccano_offsets: str = "utf16",
                     on_progress: Callable[[], None] | None = None) -> dict[str, int]:
    """Stream the store into one file (or folder) per split; returns {target: documents written}.

    Documents are read a page at a time and written as they come, so memory does not grow with
    the corpus. Every target is written beside itself and moved into place only when all are
    complete: an error leaves no partial output and no existing file changed.
    """
    from annotate.formats import registry
    from annotate.formats.landing import Landing
    from annotate.formats.output import check_target

    out = Path(out)
    parts = parse_split(split) if split else None
    if parts and str(out) == "-":
        raise InputError("--split writes one file per split; give a file name, not '-'")
    targets = {name: registry.split_target(out, name) for name, _ in parts} if parts else {"": out}
    for target in targets.values():
        check_target(target, force=force, folder=registry.writes_folder(fmt, target))
    check_not_empty(store, only_done=only_done, annotator=annotator)
    assignment = assign_splits(_doc_ids(store, only_done), parts, seed) if parts else None
    writers: dict[str, Any] = {}
    landing = Landing()  # the split files (and a config beside) land as one set
    try:
        for name, target in targets.items():
            writers[name] = registry.writer(fmt, target, store.schema, doccano_offsets=doccano_offsets)
            writers[name].landing = landing
            if fmt == "csv":
                # One row per annotator's active time on each document, beside its annotations.
                writers[name].time_of = lambda doc_id: [
                    (who, seconds) for who, seconds in store.conn.execute(
                        "SELECT annotator, seconds FROM work_time WHERE doc_id = ? ORDER BY annotator", [doc_id])
                    if annotator is None or who == annotator]
        if fmt == "jsonl" and annotator is None:
            for doc_id, line in native_lines(store, only_done=only_done):
                name = assignment.get(doc_id) if assignment is not None else ""
                if name is None:
                    continue
                writers[name].add_line(line)
                if on_progress:
                    on_progress()
        for item in (() if fmt == "jsonl" and annotator is None else store.iter_annotated(only_done=only_done)):
            if annotator is not None:
                item = only_annotator(item, annotator)
            if fmt in ("brat", "jsonl"):
                item = with_comments_as_notes(store.conn, item)  # comments on annotations as notes
            name = assignment.get(item.document.id) if assignment is not None else ""
            if name is None:
                continue
            writers[name].add(item)
            if on_progress:
                on_progress()
        written = {str(targets[name]): w.close() for name, w in writers.items()}
        if fmt == "spacy":
            _write_spacy_config(out, targets, writers, landing)
    except BaseException:
        for w in writers.values():
            w.abort()
        landing.abort()
        raise
    landing.commit()
    return written


def _write_spacy_config(out: Path, targets: dict[str, Path], writers: dict, landing=None) -> None:
    """config.cfg beside a DocBin export, its train and dev paths on the export's splits."""
    from annotate.formats import docbin
    from annotate.formats.output import write_beside
    train = targets.get("train", next(iter(targets.values())))
    dev = targets.get("dev", train)
    claims = any(getattr(w, "claims", 0) for w in writers.values())
    write_beside(docbin.config_path(out), docbin.training_config(train, dev, claims=claims), landing)


# ---- native JSONL straight from the rows (the fast path of the lossless export) --------------

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
