"""Storing a model's suggestions (what people then decided about them is read by
:mod:`store.decided`).

:func:`write_suggestions` writes one batch of documents in one ``BEGIN IMMEDIATE`` transaction,
with one audit event per changed document (action ``preannotate``, actor = the model's origin).
It is not a user action, so it does not go on the undo stack. The rules:

* a re-run of the same model replaces only its own undecided suggestions (``decision ==
  'suggested'`` and the same ``origin``) that nothing refers to; an identical suggestion is left
  as it is, so running twice leaves the same state (and writes no event the second time);
* human decisions are never touched: nothing is suggested where a person already rejected the
  same layer, label and offsets, nor where a person already accepted or made that span (a
  suggested claim's claimant then points at the person's entity instead).

:func:`run_preannotation` streams a database's documents through the engine
(:func:`annotate.preannotate.preannotate`) and writes each batch as it comes; an interrupt
leaves every finished batch committed and none half-written.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from annotate.changes import RowChange
from annotate.model import ACCEPTED, ENTITY, MANUAL, REJECTED, SUGGESTED, Span
from annotate.preannotate import Annotator, DocSuggestions, preannotate

from . import audit
from .apply import apply_changes
from .rows import (COLUMNS, Insert, cluster_values, dict_rows, now, relation_values, span_from_row, span_row,
                   span_values, stance_values)
from .store import Store

ACTION = "preannotate"
_VOLATILE = ("created_at", "updated_at")
_TABLES = ("spans", "clusters", "stances", "relations")


def _table_order(change: RowChange) -> int:
    return _TABLES.index(change.table) if change.table in _TABLES else len(_TABLES)


@dataclass
class WriteStats:
    documents: int = 0
    changed_documents: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    kept: int = 0
    skipped_rejected: int = 0
    skipped_existing: int = 0

    def add(self, other: "WriteStats") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class RunResult:
    origin: str
    stats: WriteStats = field(default_factory=WriteStats)
    unmapped: Counter = field(default_factory=Counter)
    tokens: int = 0
    cancelled: bool = False
    #: Documents this model had pre-annotated already (a run that was stopped, run again): skipped.
    resumed: int = 0


def iter_texts(store: Store, *, doc_ids: Iterable[str] | None = None, page: int = 256,
               skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, str]]:
    """``(text, doc_id)`` pairs in import order, a page at a time (the read never spans a write),
    but for the documents in ``skip``."""
    conn = store.conn
    if doc_ids is not None:
        for doc_id in doc_ids:
            row = conn.execute("SELECT text, id FROM documents WHERE id = ?", [doc_id]).fetchone()
            if row is not None:
                yield row[0], row[1]
        return
    last = 0
    while True:
        rows = conn.execute("SELECT rowid, text, id FROM documents WHERE rowid > ? ORDER BY rowid LIMIT ?",
                            [last, page]).fetchall()
        if not rows:
            return
        for _, text, doc_id in rows:
            if doc_id not in skip:
                yield text, doc_id
        last = rows[-1][0]


def _comparable(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in _VOLATILE}


def _plan_document(item: DocSuggestions, origin: str, existing: list[dict], referenced: set[str],
                   at: str, stats: WriteStats, links: dict) -> list[RowChange]:
    doc_id = item.doc_id
    by_id = {row["id"]: row for row in existing}
    own_pending = {row["id"]: row for row in existing if same_model(row["origin"], origin)
                   and row["decision"] == SUGGESTED}
    rejected = {(r["layer"], r["label"], r["start"], r["end"]) for r in existing if r["decision"] == REJECTED}
    human = {(r["layer"], r["label"], r["start"], r["end"]): r["id"] for r in existing
             if r["decision"] in (ACCEPTED, MANUAL)}
    text_len = len(item.text)
    # First the entities, so that claims can point at what their claimant became.
    redirect: dict[str, str | None] = {}
    keep: list[Span] = []
    for span in sorted(item.spans, key=lambda s: s.layer != ENTITY):
        if not 0 <= span.start < span.end <= text_len:
            continue
        key = (span.layer, span.label, span.start, span.end)
        if key in human:
            redirect[span.id] = human[key]
            stats.skipped_existing += 1
            continue
        if key in rejected or (span.id in by_id and span.id not in own_pending):
            redirect[span.id] = None
            stats.skipped_rejected += 1
            continue
        if span.claimant is not None and span.claimant in redirect:
            target = redirect[span.claimant]
            if target is None:
                claimant_span = next((s for s in item.spans if s.id == span.claimant), None)
                span.claimant_text = span.claimant_text or (
                    item.text[claimant_span.start:claimant_span.end] if claimant_span else None)
            span.claimant = target
        keep.append(span)
    produced = {span.id for span in keep}
    link_rows, grouped = _plan_links(item, origin, links, redirect, produced, at, stats)
    rows: list = []
    for span in keep:
        if span.cluster is not None and span.cluster not in grouped:
            span.cluster = None
        before = own_pending.get(span.id)
        if before is None:
            rows.append(Insert("spans", (doc_id, span.id), span_values(doc_id, span, at)))
            stats.added += 1
            continue
        after = span_row(doc_id, span, at)
        if _comparable(before) != _comparable(after):
            after["created_at"] = before["created_at"]
            rows.append(RowChange("spans", (doc_id, span.id), before, after))
            stats.updated += 1
        else:
            stats.kept += 1
    stale = {span_id for span_id in own_pending if span_id not in produced}
    rows += link_rows
    # Only what nothing else refers to may go (a stance, a relation, a person's claim...).
    still_used = {ref for ref in referenced}
    for span_id in sorted(stale):
        if span_id in still_used:
            continue
        rows.append(RowChange("spans", (doc_id, span_id), own_pending[span_id], None))
        stats.removed += 1
    return rows


def same_model(a: str, b: str) -> bool:
    """The same model, any version ("model:builtin@1", "model:builtin@3"): a newer version's run
    replaces an older one's undecided suggestions instead of adding beside them."""
    return a == b or (a.startswith("model:") and b.startswith("model:") and a.rsplit("@", 1)[0] == b.rsplit("@", 1)[0])


def _plan_links(item: DocSuggestions, origin: str, links: dict, redirect: dict, produced: set[str], at: str,
                stats: WriteStats) -> tuple[list[RowChange], set[str]]:
    """Rows for the model's entity groups, stances and relations, by the rules of its spans:
    what a person decided is never suggested again, and a re-run replaces what it proposed
    before. A link whose end was dropped is dropped; one whose end a person already made points
    at the person's span. A group keeps only the model's own new mentions (a person's entity is
    not regrouped by a model). Returns the rows and the groups written."""
    doc_id = item.doc_id
    rows: list[RowChange] = []
    members: dict[str, int] = {}
    for span in item.spans:
        if span.cluster is not None and span.id in produced:
            members[span.cluster] = members.get(span.cluster, 0) + 1

    def end(ref: str) -> str | None:
        return redirect[ref] if ref in redirect else ref

    # Each link as the values of its table's columns (a dict only to compare with a row there).
    wanted: dict[str, list[tuple[str, tuple]]] = {"clusters": [], "stances": [], "relations": []}
    for cluster in item.clusters:
        if members.get(cluster.id, 0) >= 2:
            wanted["clusters"].append((cluster.id, cluster_values(doc_id, cluster, at)))
    for stance in item.stances:
        holder, target = end(stance.holder), end(stance.target)
        if holder and target:
            stance.holder, stance.target = holder, target
            wanted["stances"].append((stance.id, stance_values(doc_id, stance, at)))
    for relation in item.relations:
        head, tail = end(relation.head), end(relation.tail)
        if head and tail:
            relation.head, relation.tail = head, tail
            wanted["relations"].append((relation.id, relation_values(doc_id, relation, at)))
    keep_clusters = set()
    for table, items in wanted.items():
        existing = {row["id"]: row for row in links[table]}
        pending = {i: row for i, row in existing.items() if same_model(row["origin"], origin)
                   and row["decision"] == SUGGESTED}
        made = set()
        for link_id, values in items:
            before = existing.get(link_id)
            if before is not None and link_id not in pending:
                stats.skipped_rejected += 1
                continue  # a person decided about it: never suggested again
            made.add(link_id)
            if before is None:
                rows.append(Insert(table, (doc_id, link_id), values))
                stats.added += 1
                continue
            after = dict(zip(COLUMNS[table], values))
            if _comparable(before) != _comparable(after):
                after["created_at"] = before["created_at"]
                rows.append(RowChange(table, (doc_id, link_id), before, after))
                stats.updated += 1
            else:
                stats.kept += 1
        if table == "clusters":
            keep_clusters = made
        for link_id in sorted(set(pending) - made):
            if table == "clusters" and links["members"].get(link_id):
                continue  # a person's decided mention still belongs to it
            rows.append(RowChange(table, (doc_id, link_id), pending[link_id], None))
            stats.removed += 1
    return rows, keep_clusters


def _references(conn, doc_ids: list[str], origin: str) -> dict[str, set[str]]:
    """Per document, the span ids referred to by anything other than this model's pending
    suggestions (its own stances and relations are replaced with its spans)."""
    marks = ", ".join("?" for _ in doc_ids)
    refs: dict[str, set[str]] = {d: set() for d in doc_ids}
    queries = [
        f"SELECT doc_id, holder, target, evidence, origin, decision FROM stances WHERE doc_id IN ({marks})",
        f"SELECT doc_id, head, tail, NULL, origin, decision FROM relations WHERE doc_id IN ({marks})",
        f"SELECT doc_id, claimant, replaces, NULL, origin, decision FROM spans WHERE doc_id IN ({marks}) "
        "AND (claimant IS NOT NULL OR replaces IS NOT NULL)",
    ]
    for sql in queries:
        for doc_id, a, b, c, row_origin, decision in conn.execute(sql, doc_ids):
            if decision == SUGGESTED and same_model(row_origin, origin):
                continue
            refs[doc_id].update(x for x in (a, b, c) if x)
    return refs


def _links(conn, doc_ids: list[str]) -> dict[str, dict]:
    """Per document, its groups, stances and relations, and which groups a decided mention holds."""
    marks = ", ".join("?" for _ in doc_ids)
    result: dict[str, dict] = {d: {"clusters": [], "stances": [], "relations": [], "members": {}} for d in doc_ids}
    for table in ("clusters", "stances", "relations"):
        for row in dict_rows(conn, f"SELECT * FROM {table} WHERE doc_id IN ({marks})", doc_ids):
            result[row["doc_id"]][table].append(row)
    for doc_id, cluster, count in conn.execute(
            f"SELECT doc_id, cluster, count(*) FROM spans WHERE doc_id IN ({marks}) AND cluster IS NOT NULL "
            "AND decision != 'suggested' GROUP BY doc_id, cluster", doc_ids):
        result[doc_id]["members"][cluster] = count
    return result


def write_suggestions(store: Store, origin: str, items: list[DocSuggestions]) -> WriteStats:
    """Write one batch of documents' suggestions in one transaction (see the module's rules)."""
    stats = WriteStats()
    if not items:
        return stats
    doc_ids = list(dict.fromkeys(item.doc_id for item in items))
    with store._write() as conn:
        marks = ", ".join("?" for _ in doc_ids)
        cursor = conn.execute(f"SELECT * FROM spans WHERE doc_id IN ({marks})", doc_ids)
        names = [d[0] for d in cursor.description]
        existing: dict[str, list[dict]] = {d: [] for d in doc_ids}
        for values in cursor:
            row = dict(zip(names, values))
            existing[row["doc_id"]].append(row)
        known = {r[0] for r in conn.execute(f"SELECT id FROM documents WHERE id IN ({marks})", doc_ids)}
        refs = _references(conn, doc_ids, origin)
        links = _links(conn, doc_ids)
        at = now()
        per_doc: list[tuple[str, list[RowChange], WriteStats]] = []
        for item in items:
            if item.doc_id not in known:
                continue
            doc_stats = WriteStats(documents=1)
            rows = _plan_document(item, origin, existing[item.doc_id], refs[item.doc_id], at, doc_stats,
                                  links[item.doc_id])
            per_doc.append((item.doc_id, rows, doc_stats))
            stats.add(doc_stats)
        # Deletes and updates first, then the batch's inserts, one executemany per table (the
        # foreign keys are checked at commit, so the tables may come in any order).
        edits = [r for _, rows, _ in per_doc for r in rows if r.before is not None]
        inserts = sorted((r for _, rows, _ in per_doc for r in rows if r.before is None), key=_table_order)
        apply_changes(conn, edits + inserts)
        events = []
        for doc_id, rows, doc_stats in per_doc:
            if not rows:
                continue
            stats.changed_documents += 1
            events.append((at, origin, ACTION, doc_id, rows,
                           {"model": origin, "added": doc_stats.added, "updated": doc_stats.updated,
                            "removed": doc_stats.removed, "skipped": doc_stats.skipped_rejected
                            + doc_stats.skipped_existing}))
        if events:
            audit.append_events(conn, events)
    return stats


def run_preannotation(store: Store, annotator: Annotator, *, batch_size: int = 64, n_process: int = 1,
                      cancelled: Callable[[], bool] | None = None,
                      on_progress: Callable[[int, int | None, "RunResult"], None] | None = None,
                      doc_ids: list[str] | None = None, background_writes: bool = True) -> RunResult:
    """Pre-annotate the database's documents (or ``doc_ids``), one transaction per batch.

    With ``background_writes`` (and a database file), batches are written by a thread with its
    own connection while the pipeline works on the next ones: SQLite and the disk's flush run
    outside Python's lock, so the writes mostly hide behind ``nlp.pipe``. At most two batches
    wait; when the run stops (finished, cancelled, interrupted, failed) the writer finishes the
    batches handed to it and nothing else, each in its own transaction.
    """
    result = RunResult(annotator.origin)
    # A run stopped half-way (cancelled, killed) goes on where it stopped: a document this model
    # has pre-annotated already would get the same suggestions again, so it is not run again.
    done = frozenset() if doc_ids is not None else preannotated_by(store, annotator.origin)
    result.resumed = len(done)
    total = len(doc_ids) if doc_ids is not None else store.document_count() - len(done)
    batches = preannotate(annotator, iter_texts(store, doc_ids=doc_ids, skip=done), batch_size=batch_size,
                          cancelled=cancelled, total=total, n_process=n_process)
    writer = _Writer(store, annotator.origin, result) if background_writes and _is_file(store) else None
    try:
        for batch in batches:
            if writer is not None:
                writer.put(batch.items)
            else:
                result.stats.add(write_suggestions(store, annotator.origin, batch.items))
            result.unmapped.update(batch.unmapped)
            result.tokens += batch.tokens
            if on_progress is not None:
                on_progress(batch.progress.done, batch.progress.total, result)
    finally:
        batches.close()
        if writer is not None:
            writer.finish()
    result.cancelled = bool(cancelled and cancelled())
    return result


def preannotated_by(store: Store, origin: str) -> frozenset[str]:
    """The documents (still in the database) that ``origin`` wrote suggestions for under the
    current schema (a new schema version may map the model's labels otherwise: run it again)."""
    return frozenset(r[0] for r in store.conn.execute(
        "SELECT DISTINCT a.doc_id FROM audit a JOIN documents d ON d.id = a.doc_id "
        "WHERE a.action = ? AND a.actor = ? AND a.seq > "
        "(SELECT coalesce(max(seq), 0) FROM audit WHERE action = 'set schema')", [ACTION, origin]))


def _is_file(store: Store) -> bool:
    return bool(store.path) and store.path != ":memory:"


class _Writer:
    """One thread, one connection, writing batches in order."""

    def __init__(self, store: Store, origin: str, result: RunResult):
        import queue
        import threading

        from .database import open_database
        self.store = Store(open_database(store.path), store.annotator, store.path)
        self.store.on_busy = store.on_busy  # told from this thread: see Store.on_busy
        self.origin = origin
        self.result = result
        self.queue: "queue.Queue" = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="preannotate-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            items = self.queue.get()
            if items is None:
                return
            if self.error is not None:
                continue
            try:
                self.result.stats.add(write_suggestions(self.store, self.origin, items))
            except BaseException as exc:  # handed to the caller's thread
                self.error = exc

    def put(self, items) -> None:
        if self.error is not None:
            self.finish()
        self.queue.put(items)

    def finish(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        self.store.close()
        if self.error is not None:
            error, self.error = self.error, None
            raise error


__all__ = ["RunResult", "WriteStats", "iter_texts", "run_preannotation", "span_from_row", "write_suggestions"]
