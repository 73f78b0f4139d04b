"""Merging annotators' database files into one, with attribution, all or nothing.

How a merge works:

* Every source is read read-only (its file is never written) in one read transaction, and its
  audit log must verify; a source whose history does not verify is refused.
* Documents are matched by the SHA-256 of their text. A source document whose text is new to
  the target keeps its id, unless the target (or an earlier source of the same merge) has a
  *different* text under that id: then the whole merge is refused, naming the id and both
  files, and nothing is written.
* Every span, stance and relation keeps its annotator, origin, decision and timestamps; its id
  becomes ``<source identity>.<original id>`` (the first ten hex digits of the identity), and
  every reference (claimant, replaces, holder, target, evidence, head, tail) is remapped the
  same way. Document labels and per-annotator status come along under their natural keys.
* A source's **identity** is its lineage in the target's ``merged_audit`` table: a source whose
  audit chain continues (or equals, or precedes) a chain merged before is that same source, so
  merging it again adds nothing twice and brings only what changed; any other source is a new
  lineage, named by the hash of its last audit event at its first merge. Two copies of one
  template database therefore get different identities as soon as either has worked on it, and
  a source keeps its identity when its file is moved or renamed.
* Merging again: a row already merged is replaced by the source's version only when the source
  row is newer (``updated_at``), so a reviewer's later edit in the target is kept; rows deleted
  in a source since an earlier merge are not deleted from the target, except an entity group of
  the source's that its newer rows leave with no mention in the target (its mentions were split
  off or moved to another group): it goes, by the rule of a group with no mention (clusters.py).
* The target records one audit event per merged document (action ``merge``; its detail names the
  source file, its identity and its last audit seq and hash), written through the same
  RowChange/apply_changes/append_event path as every action, so ``audit --verify`` replays them.
  The source's own audit events are copied into ``merged_audit``; :func:`verify_merged_chains`
  re-verifies those chains and that each is anchored by a merge event of the target's chain.
* Labels a source's schema has and the target's lacks are added as a new schema version, in the
  same transaction.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path

from annotate.changes import RowChange
from annotate.errors import InputError, StoreError, ValidationError
from annotate.model import Annotations, Document
from annotate.schema import Schema, schema_from_json
from annotate.validate import validate

from . import audit
from .apply import apply_changes, fetch_row
from .clusters import retire_rows
from .database import open_database
from .files import read_leaving_nothing
from .rows import KEYS, audited_document_row, cluster_from_row, now, relation_from_row, span_from_row, stance_from_row
from .store import Store

ID_DIGITS = 10
#: Columns that hold an annotation id of the same document, per table.
REFERENCES = {"spans": ("id", "claimant", "replaces", "cluster"), "stances": ("id", "holder", "target", "evidence"),
              "relations": ("id", "head", "tail"), "doc_labels": (), "doc_status": (), "comments": ("id", "target"),
              "work_time": (), "assignments": (), "clusters": ("id",)}
TABLES = ("spans", "stances", "relations", "doc_labels", "doc_status", "comments", "work_time", "assignments",
          "clusters")
AUDIT_COLUMNS = ("seq", "at", "actor", "action", "doc_id", "changes", "prev_hash", "hash")


@dataclass
class Source:
    """Everything read from one source file, in one read transaction."""

    path: str
    schema: Schema | None
    events: list[tuple]
    documents: list[dict]
    rows: dict[str, dict[str, list[dict]]]


@dataclass
class SourceResult:
    path: str
    identity: str | None = None
    documents: int = 0
    new_documents: int = 0
    inserted: int = 0
    updated: int = 0
    kept_target: int = 0
    events_copied: int = 0

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class MergeResult:
    sources: list[SourceResult] = field(default_factory=list)
    schema_extended: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(s.inserted + s.updated for s in self.sources)


def read_source(path: str) -> Source:
    """Read a source database in one snapshot, without writing to it or leaving anything beside it
    (see files.read_leaving_nothing); refuse one whose audit log does not verify."""
    def read(conn) -> Source:
        result = audit.verify(conn)
        if not result.ok:
            raise StoreError(f"{path}: its audit log does not verify ({result.problems[0]}); refusing the whole "
                             "merge; nothing was written")
        body = conn.execute("SELECT body FROM schemas ORDER BY version DESC LIMIT 1").fetchone()
        events = conn.execute(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit ORDER BY seq").fetchall()
        documents = _dict_rows(conn, "SELECT * FROM documents ORDER BY rowid")
        rows: dict[str, dict[str, list[dict]]] = {}
        for table in TABLES:
            by_doc: dict[str, list[dict]] = {}
            for row in _dict_rows(conn, f'SELECT * FROM "{table}" ORDER BY doc_id, rowid'):
                by_doc.setdefault(row["doc_id"], []).append(row)
            rows[table] = by_doc
        return Source(path, schema_from_json(body[0]) if body else None, events, documents, rows)

    return read_leaving_nothing(path, read)


def merge_databases(sources: list[str | os.PathLike], into: str | os.PathLike, actor: str,
                    on_busy=None) -> MergeResult:
    """Merge ``sources`` into the database ``into`` (created when missing), all or nothing.

    Raises InputError (nothing written) when a document id has different texts, a source does
    not verify, or a source's annotations do not fit the merged schema. ``on_busy``: see
    ``Store.on_busy`` (a command waits for another program's write to ``into``).
    """
    into = os.fspath(into)
    paths = [os.fspath(p) for p in sources]
    target_real = os.path.realpath(into)
    for path in paths:
        if os.path.exists(into) and os.path.realpath(path) == target_real:
            raise InputError(f"{path}: is the target of the merge itself; nothing was written")
    _refuse_repeated_sources(paths)
    read = [read_source(path) for path in paths]
    if not os.path.exists(into):
        # Rehearse on an empty database in memory: a refused merge must not leave a new file behind.
        rehearsal = Store(open_database(":memory:"), actor)
        try:
            _merge(rehearsal, read, into)
        finally:
            rehearsal.close()
    store = Store(open_database(into), actor, into)
    store.on_busy = on_busy
    try:
        return _merge(store, read, into)
    finally:
        store.close()


def _refuse_repeated_sources(paths: list[str]) -> None:
    """One file named twice (again, through a symlink, a hard link or another spelling) would be
    read twice and its annotators' work counted twice in the summary: refused, naming both names."""
    seen: dict[tuple[int, int], str] = {}
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            continue  # read_source names a missing or unreadable file
        first = seen.get((info.st_dev, info.st_ino))
        seen.setdefault((info.st_dev, info.st_ino), path)
        if first is not None:
            how = "twice" if first == path else f"twice (as {first!r} and {path!r})"
            raise InputError(f"{path}: the same database file is given {how}; give each annotator's file "
                             "once; nothing was written")


def _merge(store: Store, sources: list[Source], target_name: str) -> MergeResult:
    result = MergeResult()
    with store._write() as conn:
        current = conn.execute("SELECT max(version) FROM schemas").fetchone()[0]
        base = store.schema if current is not None else None
        schema = base
        for source in sources:
            schema = _union_schema(schema, source.schema)
        if schema is not None and (base is None or schema.to_json() != base.to_json()):
            names = ", ".join(s.path for s in sources)
            store.schemas.insert(conn, schema, current, reason=f"labels added by merge of {names}"[:500])
            result.schema_extended = base is not None
        lineages = _lineages(conn)
        placed: dict[str, str] = {}  # document id -> the source file that brought it in this merge
        conflicts: list[str] = []
        for source in sources:
            result.sources.append(_merge_source(conn, store.annotator, source, schema, lineages, placed,
                                                target_name, conflicts, result.notes))
        if conflicts:
            more = f" (and {len(conflicts) - 10} more)" if len(conflicts) > 10 else ""
            raise ValidationError("; ".join(conflicts[:10]) + more
                                  + "; refusing the whole merge: nothing was written")
    return result


def _merge_source(conn, actor: str, source: Source, schema: Schema | None, lineages: dict[str, dict[int, str]],
                  placed: dict[str, str], target_name: str, conflicts: list[str], notes: list[str]) -> SourceResult:
    out = SourceResult(source.path)
    if not source.events:
        notes.append(f"{source.path}: has no history (an empty database); nothing to merge")
        return out
    identity, stored_up_to = _lineage(lineages, source.events)
    out.identity = identity
    prefix = identity[:ID_DIGITS] + "."
    last_seq, last_hash = source.events[-1][0], source.events[-1][-1]
    detail_base = {"source": source.path, "source_id": identity, "source_last_seq": last_seq,
                   "source_last_hash": last_hash}
    events_written = 0
    for doc in source.documents:
        target_id = _place_document(conn, source, doc, placed, target_name, conflicts)
        if target_id is None:
            continue
        out.documents += 1
        at = now()
        rows: list[RowChange] = []
        text = None
        if fetch_row(conn, "documents", (target_id,)) is None:
            text = doc["text"]
            rows.append(RowChange("documents", (target_id,), None, audited_document_row(doc)))
            out.new_documents += 1
        wanted = {table: [_remap(table, row, target_id, prefix) for row in source.rows[table].get(doc["id"], [])]
                  for table in TABLES}
        _check_fits(source, doc, target_id, wanted, schema)
        for table in TABLES:
            for row in wanted[table]:
                change = _change_for(conn, table, row, out)
                if change is not None:
                    rows.append(change)
        if not rows:
            continue
        if conflicts:
            continue  # the merge is refused anyway; keep looking for more conflicts only
        apply_changes(conn, rows, documents_text={target_id: text} if text is not None else None)
        emptied = _emptied_groups(conn, target_id, prefix, actor, at)
        apply_changes(conn, emptied)
        rows += emptied
        detail = dict(detail_base, source_doc=doc["id"])
        audit.append_event(conn, at=at, actor=actor, action="merge", doc_id=target_id, changes=rows, detail=detail)
        events_written += 1
    new_events = [e for e in source.events if e[0] > stored_up_to]
    if new_events and not conflicts:
        conn.executemany("INSERT INTO merged_audit (source, seq, at, actor, action, doc_id, changes, prev_hash, hash) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [(identity, *e) for e in new_events])
        lineages.setdefault(identity, {}).update({e[0]: e[-1] for e in new_events})
        out.events_copied = len(new_events)
        if not events_written:
            # No rows changed, but the source's history moved on: anchor the copied chain anyway.
            audit.append_event(conn, at=now(), actor=actor, action="merge", doc_id=None, changes=[],
                               detail=dict(detail_base, documents=0))
    return out


def _place_document(conn, source: Source, doc: dict, placed: dict[str, str], target_name: str,
                    conflicts: list[str]) -> str | None:
    """The target id for a source document: matched by text, else its own id when free."""
    row = conn.execute("SELECT id FROM documents WHERE sha256 = ? ORDER BY id = ? DESC, rowid LIMIT 1",
                       [doc["sha256"], doc["id"]]).fetchone()
    if row is not None:
        return row[0]
    if conn.execute("SELECT 1 FROM documents WHERE id = ?", [doc["id"]]).fetchone() is not None:
        other = placed.get(doc["id"], target_name)
        conflicts.append(f"document {doc['id']!r} has a different text in {source.path} than in {other}")
        return None
    placed[doc["id"]] = source.path
    return doc["id"]


def _remap(table: str, row: dict, doc_id: str, prefix: str) -> dict:
    row = dict(row, doc_id=doc_id)
    for column in REFERENCES[table]:
        if row[column] is not None:
            row[column] = prefix + row[column]
    return row


def _change_for(conn, table: str, row: dict, out: SourceResult) -> RowChange | None:
    key = tuple(row[c] for c in KEYS[table])
    existing = fetch_row(conn, table, key)
    if existing is None:
        out.inserted += 1
        return RowChange(table, key, None, row)
    if existing == row or table == "doc_labels":
        return None
    if (row.get("updated_at") or "") > (existing.get("updated_at") or ""):
        out.updated += 1
        return RowChange(table, key, existing, row)
    out.kept_target += 1
    return None


def _emptied_groups(conn, doc_id: str, prefix: str, actor: str, at: str) -> list[RowChange]:
    """The source's entity groups left with no mention in the target (retired as the store retires
    them), once the source's newer rows moved their mentions."""
    empty = [r[0] for r in conn.execute(
        "SELECT id FROM clusters c WHERE doc_id = ? AND substr(id, 1, ?) = ? AND decision != 'rejected' AND NOT EXISTS "
        "(SELECT 1 FROM spans s WHERE s.doc_id = c.doc_id AND s.cluster = c.id AND s.decision != 'rejected')",
        [doc_id, len(prefix), prefix])]
    return [change for group in empty for change in retire_rows(conn, doc_id, group, actor, at)]


def _check_fits(source: Source, doc: dict, target_id: str, wanted: dict[str, list[dict]], schema: Schema | None) -> None:
    if schema is None:
        return
    ann = Annotations([span_from_row(r) for r in wanted["spans"]], [stance_from_row(r) for r in wanted["stances"]],
                      [relation_from_row(r) for r in wanted["relations"]],
                      sorted({r["label"] for r in wanted["doc_labels"]}),
                      clusters=[cluster_from_row(r) for r in wanted["clusters"]])
    try:
        validate(Document(target_id, doc["text"]), ann, schema)
    except ValidationError as exc:
        raise ValidationError(f"document {doc['id']!r}: {exc.reason}; refusing the whole merge: nothing was written",
                              source=source.path) from None


def _union_schema(base: Schema | None, other: Schema | None) -> Schema | None:
    """``base`` with the labels, types and polarities of ``other`` that it lacks (their hotkeys dropped)."""
    if other is None or base is None:
        return base if other is None else other
    entities = tuple(replace(e, hotkey=None) for e in other.entities if base.entity(e.label) is None)
    relations = tuple(replace(r, hotkey=None) for r in other.relations if base.relation(r.label) is None)
    claim_types = tuple(t for t in other.claim_types if t not in base.claim_types)
    polarities = tuple(p for p in other.polarities if p not in base.polarities)
    document_labels = tuple(d for d in other.document_labels if d not in base.document_labels)
    if not (entities or relations or claim_types or polarities or document_labels):
        return base
    return replace(base, entities=base.entities + entities, relations=base.relations + relations,
                   claim_types=base.claim_types + claim_types, polarities=base.polarities + polarities,
                   document_labels=base.document_labels + document_labels)


# ---- source identity --------------------------------------------------------------------

def _lineages(conn) -> dict[str, dict[int, str]]:
    lineages: dict[str, dict[int, str]] = {}
    for source, seq, digest in conn.execute("SELECT source, seq, hash FROM merged_audit ORDER BY source, seq"):
        lineages.setdefault(source, {})[seq] = digest
    return lineages


def _lineage(lineages: dict[str, dict[int, str]], events: list[tuple]) -> tuple[str, int]:
    """(identity, last seq already stored) for a source's chain; a new identity is its last hash."""
    chain = {e[0]: e[-1] for e in events}
    tip_seq, tip_hash = events[-1][0], events[-1][-1]
    best: tuple[int, str] | None = None
    for identity, stored in lineages.items():
        stored_max = max(stored)
        if chain.get(stored_max) == stored[stored_max]:
            candidate = (stored_max, identity)  # the source continues (or equals) this chain
        elif stored.get(tip_seq) == tip_hash:
            candidate = (tip_seq, identity)  # the source is an older state of this chain
        else:
            continue
        if best is None or candidate[0] > best[0]:
            best = candidate
    if best is not None:
        return best[1], best[0]
    return tip_hash, 0


# ---- verifying the copied histories -----------------------------------------------------

def verify_merged_chains(conn: sqlite3.Connection, *, max_problems: int = 20) -> audit.VerifyResult:
    """Re-verify every source chain kept in ``merged_audit``: each event's hash, the links between
    them, and that each chain's last event is the one a ``merge`` event of this database's own
    (hash-chained) audit log recorded, so a copied history cannot be edited, cut or extended."""
    problems: list[str] = []
    count = 0
    tips: dict[str, tuple[int, str]] = {}
    expected_prev: dict[str, str] = {}
    expected_seq: dict[str, int] = {}
    hashes: dict[str, set[str]] = {}
    for source, seq, at, actor, action, doc_id, body, prev_hash, digest in conn.execute(
            "SELECT source, seq, at, actor, action, doc_id, changes, prev_hash, hash FROM merged_audit "
            "ORDER BY source, seq"):
        count += 1
        name = source[:ID_DIGITS]
        if seq != expected_seq.get(source, 1):
            problems.append(f"merged history {name}: event #{seq} where #{expected_seq.get(source, 1)} was expected; "
                            "events were deleted or inserted")
        if prev_hash != expected_prev.get(source, audit.GENESIS):
            problems.append(f"merged history {name}: event #{seq} does not follow the event before it")
        if audit.event_hash(prev_hash, seq, at, actor, action, doc_id, body) != digest:
            problems.append(f"merged history {name}: event #{seq} ({action} by {actor}) does not match its hash; "
                            "it was altered")
        expected_prev[source], expected_seq[source] = digest, seq + 1
        tips[source] = (seq, digest)
        hashes.setdefault(source, set()).add(digest)
        if len(problems) >= max_problems:
            return audit.VerifyResult(False, count, problems)
    anchored: dict[str, set[tuple[int, str]]] = {}
    for (body,) in conn.execute("SELECT changes FROM audit WHERE action = 'merge' ORDER BY seq"):
        detail = json.loads(body).get("detail", {})
        if "source_id" in detail:
            anchored.setdefault(detail["source_id"], set()).add((detail["source_last_seq"], detail["source_last_hash"]))
    for source, (seq, digest) in tips.items():
        if (seq, digest) not in anchored.get(source, set()):
            problems.append(f"merged history {source[:ID_DIGITS]}: its last event #{seq} is not the one any merge "
                            "recorded; the copied history was cut, extended or replaced")
        if source not in hashes[source]:
            problems.append(f"merged history {source[:ID_DIGITS]}: its identity is none of its events' hashes")
    for source, marks in anchored.items():
        for seq, digest in marks:
            row = conn.execute("SELECT hash FROM merged_audit WHERE source = ? AND seq = ?", [source, seq]).fetchone()
            if row is None or row[0] != digest:
                problems.append(f"merged history {source[:ID_DIGITS]}: event #{seq}, recorded by a merge, is missing "
                                "or different")
    return audit.VerifyResult(not problems, count, problems[:max_problems])


def _dict_rows(conn, sql: str, args=()) -> list[dict]:
    cursor = conn.execute(sql, args)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def describe(result: MergeResult) -> str:
    lines = []
    for s in result.sources:
        name = Path(s.path).name
        if s.identity is None:
            continue
        lines.append(f"{name} (as {s.identity[:ID_DIGITS]}): {s.documents} documents ({s.new_documents} new), "
                     f"{s.inserted} rows added, {s.updated} updated, {s.kept_target} kept as edited in the target; "
                     f"{s.events_copied} history events kept")
    return "\n".join(lines)
