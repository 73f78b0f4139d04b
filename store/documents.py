"""Documents: importing them with their annotations, and reading them back.

Reached through ``Store`` (``store.import_documents``, ``store.annotations``...), which keeps the
connection and the transaction core; this module holds what is particular to documents.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from annotate.errors import ValidationError
from annotate.model import NEW, SUGGESTED, AnnotatedDocument, Annotations, Cluster, Document, Relation, Span, Stance
from annotate.schema import Schema

from .collector import cycle_collector_paused
from .rows import (Insert, cluster_from_row, cluster_values, dict_rows, dumps, relation_from_row, relation_values,
                   span_from_row, span_values, stance_from_row, stance_values)

if TYPE_CHECKING:
    from .store import Store

NOT_UNICODE = ("it holds a lone surrogate (such as a \\ud800 escape without its pair), which is not a "
               "character and cannot be stored; fix the text")


@dataclass
class ImportResult:
    documents: int = 0
    #: already in the database (same id and text): left as they are
    skipped: int = 0
    #: of those, the ones for which the file brought annotations (not imported)
    skipped_with_annotations: int = 0
    spans: int = 0
    stances: int = 0
    relations: int = 0


class Documents:
    def __init__(self, store: "Store"):
        self.store = store

    # ---- importing ----------------------------------------------------------------------

    def import_documents(self, items: Iterable[AnnotatedDocument], *, as_suggestions: bool = False,
                         origin: str | None = None, source: str | None = None,
                         on_progress: Callable[[int], None] | None = None,
                         schema: Schema | None = None) -> ImportResult:
        """Add documents and their annotations, all or nothing.

        Every item is validated against its text and the schema before anything is written;
        the first problem raises ValidationError (the caller adds file and line) and the
        transaction leaves the database as it was.

        The one rule for a document already in the database, whatever the format: matched by id
        and text hash, it is left as it is and counted as already present (with what the file
        brings for it counted too, for the caller to report); the same id with another text is
        refused. So importing a folder twice, or a client's export of our own export, never
        doubles the corpus and never overwrites what was decided.
        ``schema``, when given, becomes the new schema version in the same transaction (an
        import that adds its labels), so a refused import leaves the schema as it was too.
        """
        from . import import_batch
        store = self.store
        result = ImportResult()
        # Converted, validated and serialised outside the write lock; written in one transaction.
        with cycle_collector_paused():
            plan = import_batch.prepare(store, items, schema if schema is not None else store.schema,
                                        as_suggestions=as_suggestions, origin=origin, source=source,
                                        on_progress=on_progress, not_unicode=NOT_UNICODE)
        import_batch.commit(store, plan, result, schema, source)
        return result

    def document_rows(self, doc: Document, ann: Annotations, at: str, annotator: str) -> list[Insert]:
        """The rows an import adds for a document (``Insert``: no dict per row, see store.rows)."""
        doc_id = doc.id
        rows = [Insert("documents", (doc_id,), (doc_id, doc.sha256, dumps(doc.meta or {}), at))]
        rows += [Insert("spans", (doc_id, span.id), span_values(doc_id, span, at)) for span in ann.spans]
        rows += [Insert("clusters", (doc_id, c.id), cluster_values(doc_id, c, at)) for c in ann.clusters]
        rows += [Insert("stances", (doc_id, s.id), stance_values(doc_id, s, at)) for s in ann.stances]
        rows += [Insert("relations", (doc_id, r.id), relation_values(doc_id, r, at)) for r in ann.relations]
        rows += [Insert("doc_labels", (doc_id, label, annotator), (doc_id, label, annotator, at))
                 for label in ann.labels]
        if ann.status != NEW:
            rows.append(Insert("doc_status", (doc_id, annotator),
                               (doc_id, annotator, ann.status, ann.status_reason, at)))
        return rows

    # ---- reading ------------------------------------------------------------------------

    def document(self, doc_id: str) -> Document:
        row = self.store.conn.execute("SELECT id, text, meta FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise ValidationError(f"no document {doc_id!r} in the database")
        return Document(row[0], row[1], json.loads(row[2]))

    def document_count(self) -> int:
        return self.store.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def document_ids(self) -> list[str]:
        return [r[0] for r in self.store.conn.execute("SELECT id FROM documents ORDER BY rowid")]

    def annotations(self, doc_id: str) -> Annotations:
        store = self.store
        conn = store.conn
        span_rows = dict_rows(conn, "SELECT * FROM spans WHERE doc_id = ? ORDER BY start, \"end\" DESC, id", [doc_id])
        stance_rows = dict_rows(conn, "SELECT * FROM stances WHERE doc_id = ? ORDER BY created_at, id", [doc_id])
        relation_rows = dict_rows(conn, "SELECT * FROM relations WHERE doc_id = ? ORDER BY created_at, id", [doc_id])
        store._remember_document(doc_id, {"spans": span_rows, "stances": stance_rows, "relations": relation_rows})
        spans = [span_from_row(r) for r in span_rows]
        stances = [stance_from_row(r) for r in stance_rows]
        relations = [relation_from_row(r) for r in relation_rows]
        labels = [r[0] for r in conn.execute("SELECT label FROM doc_labels WHERE doc_id = ? AND annotator = ? "
                                             "ORDER BY label", [doc_id, store.annotator])]
        status, reason = store.status(doc_id)
        clusters = [cluster_from_row(r) for r in dict_rows(conn, "SELECT * FROM clusters WHERE doc_id = ? "
                                                                 "ORDER BY created_at, id", [doc_id])]
        return Annotations(spans, stances, relations, labels, status, reason, clusters)

    def annotated(self, doc_id: str) -> AnnotatedDocument:
        return AnnotatedDocument(self.document(doc_id), self.annotations(doc_id))

    def iter_annotated(self, *, only_done: bool = False, page: int = 500) -> Iterator[AnnotatedDocument]:
        """Every document with its annotations, in import order, a page at a time (constant memory)."""
        last = 0
        while True:
            sql = "SELECT d.rowid, d.id FROM documents d"
            args: list = []
            if only_done:
                sql += " JOIN doc_status s ON s.doc_id = d.id AND s.annotator = ? AND s.status = 'done'"
                args.append(self.store.annotator)
            rows = self.store.conn.execute(sql + " WHERE d.rowid > ? ORDER BY d.rowid LIMIT ?",
                                           [*args, last, page]).fetchall()
            if not rows:
                return
            yield from self.annotated_page([doc_id for _, doc_id in rows])
            last = rows[-1][0]

    def annotated_page(self, doc_ids: list[str]) -> Iterator[AnnotatedDocument]:
        """The same as ``annotated`` for each id, with one query per table for the whole page."""
        conn = self.store.conn
        annotator = self.store.annotator
        marks = ", ".join("?" for _ in doc_ids)
        docs = {r[0]: Document(r[0], r[1], json.loads(r[2])) for r in
                conn.execute(f"SELECT id, text, meta FROM documents WHERE id IN ({marks})", doc_ids)}
        spans: dict[str, list[Span]] = {}
        for r in dict_rows(conn, f"SELECT * FROM spans WHERE doc_id IN ({marks}) "
                                 "ORDER BY doc_id, start, \"end\" DESC, id", doc_ids):
            spans.setdefault(r["doc_id"], []).append(span_from_row(r))
        stances: dict[str, list[Stance]] = {}
        for r in dict_rows(conn, f"SELECT * FROM stances WHERE doc_id IN ({marks}) "
                                 "ORDER BY doc_id, created_at, id", doc_ids):
            stances.setdefault(r["doc_id"], []).append(stance_from_row(r))
        relations: dict[str, list[Relation]] = {}
        for r in dict_rows(conn, f"SELECT * FROM relations WHERE doc_id IN ({marks}) "
                                 "ORDER BY doc_id, created_at, id", doc_ids):
            relations.setdefault(r["doc_id"], []).append(relation_from_row(r))
        labels: dict[str, list[str]] = {}
        for doc_id, label in conn.execute(f"SELECT doc_id, label FROM doc_labels WHERE doc_id IN ({marks}) "
                                          "AND annotator = ? ORDER BY doc_id, label", [*doc_ids, annotator]):
            labels.setdefault(doc_id, []).append(label)
        clusters: dict[str, list[Cluster]] = {}
        for r in dict_rows(conn, f"SELECT * FROM clusters WHERE doc_id IN ({marks}) "
                                 "ORDER BY doc_id, created_at, id", doc_ids):
            clusters.setdefault(r["doc_id"], []).append(cluster_from_row(r))
        status = {r[0]: (r[1], r[2]) for r in conn.execute(
            f"SELECT doc_id, status, reason FROM doc_status WHERE doc_id IN ({marks}) AND annotator = ?",
            [*doc_ids, annotator])}
        for doc_id in doc_ids:
            st, reason = status.get(doc_id, (NEW, None))
            yield AnnotatedDocument(docs[doc_id], Annotations(spans.get(doc_id, []), stances.get(doc_id, []),
                                                              relations.get(doc_id, []), labels.get(doc_id, []),
                                                              st, reason, clusters.get(doc_id, [])))


def _as_suggestions(ann: Annotations, origin: str) -> Annotations:
    def suggest(item):
        if item.decision == SUGGESTED and item.annotator is None and item.origin:
            return item  # already a suggestion with its origin: no copy needed
        return replace(item, decision=SUGGESTED, annotator=None, origin=item.origin or origin)
    return Annotations([suggest(s) for s in ann.spans], [suggest(s) for s in ann.stances],
                       [suggest(r) for r in ann.relations], [], NEW, None, [suggest(c) for c in ann.clusters])


def _as_gold(ann: Annotations, annotator: str, origin: str | None) -> Annotations:
    def gold(item):
        decided_by = item.annotator or (None if item.decision == SUGGESTED else annotator)
        proposed_by = item.origin or origin or annotator
        if decided_by == item.annotator and proposed_by == item.origin:
            return item  # nothing to fill in: no copy needed (bulk imports are mostly this case)
        return replace(item, origin=proposed_by, annotator=decided_by)
    return Annotations([gold(s) for s in ann.spans], [gold(s) for s in ann.stances],
                       [gold(r) for r in ann.relations], list(ann.labels), ann.status, ann.status_reason,
                       [gold(c) for c in ann.clusters])
