"""The store: every user action as one audited, undoable transaction.

See the persistence contract in ``store/__init__.py``. Each action method computes the rows it
changes inside its own ``BEGIN IMMEDIATE`` transaction (so it sees the current file, not a
stale copy), writes them, appends the audit event, commits, and returns a :class:`Changes`.
"""
from __future__ import annotations

import contextlib
import json
import secrets
import sqlite3
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, Iterator

from sqlite_utils import Database

from annotate.changes import Changes, RowChange, Step, UndoStack, UndoStatus, invert
from annotate.errors import ConflictError, StoreError, ValidationError
from annotate.model import (ACCEPTED, CLAIM, ENTITY, IN_PROGRESS, MANUAL, NEW, REJECTED, STATUSES,
                            SUGGESTED, AnnotatedDocument, Annotations, Document, Relation, Span, Stance)
from annotate.schema import Schema, default_schema, schema_from_json
from annotate.validate import check_offsets, check_relation, validate

from . import audit
from .apply import apply_changes, fetch_row
from .database import close_database, open_database
from .rows import (dumps, now, relation_from_row, relation_row, span_from_row, span_row,
                   stance_from_row, stance_row)

CLAIM_LABEL = "CLAIM"
_UNCHANGED: Any = object()
#: Tables whose rows a window shows and edits; an edit of a row that changed since this store
#: last read it is a conflict (see ``Store._check_fresh``).
_SEEN_TABLES = ("spans", "stances", "relations")
_SEEN_DOCUMENTS = 64
_NOT_UNICODE = ("it holds a lone surrogate (such as a \\ud800 escape without its pair), which is not a "
                "character and cannot be stored; fix the text")


@dataclass
class ImportResult:
    documents: int = 0
    skipped: int = 0
    spans: int = 0
    stances: int = 0
    relations: int = 0


class Store:
    """One annotator's handle on a database file.

    Not thread-safe: a connection stays on the thread that made it; a worker thread opens a
    Store of its own on the same file (WAL lets them work side by side).
    """

    def __init__(self, db: Database, annotator: str, path: str | None = None):
        if not annotator or not annotator.strip():
            raise ValueError("an annotator name is required")
        self.db = db
        self.conn: sqlite3.Connection = db.conn
        self.annotator = annotator.strip()
        self.path = path
        self.undo_stack = UndoStack()
        self._schema: Schema | None = None
        # doc id -> {(table, key): row} as this store last read or wrote it (the state its window
        # shows), for the documents read most recently.
        self._seen: dict[str, dict[tuple, dict]] = {}
        self._tracking_write = False

    @classmethod
    def open(cls, path: str, annotator: str, *, create: bool = True, schema: Schema | None = None,
             read_only: bool = False) -> "Store":
        """``read_only``: for commands that only read (any write then fails, changing nothing)."""
        store = cls(open_database(path, create=create and not read_only, read_only=read_only), annotator, path)
        if store.schema_version() is None and not read_only:
            store.set_schema(schema or default_schema())
        return store

    def close(self) -> None:
        close_database(self.db)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"the database is busy or cannot be written ({exc}); nothing was changed") from None
        try:
            # References inside one action may be written in any order (a claim before its
            # claimant); they are checked when the action commits.
            conn.execute("PRAGMA defer_foreign_keys = ON")
            yield conn
            conn.execute("COMMIT")
            if not self._tracking_write:
                # Written by something other than a user action (an import, pre-annotation, a
                # merge): what this store had read may be stale now; forget it rather than
                # report a conflict with ourselves.
                self._seen.clear()
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.IntegrityError):
                raise ValidationError(f"refused: {exc}") from None
            if isinstance(exc, UnicodeEncodeError):
                raise ValidationError(f"refused: {_NOT_UNICODE}") from None
            if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
                raise StoreError(f"the disk or database is full ({exc}); nothing was changed") from None
            raise

    def _act(self, action: str, doc_id: str | None, plan: Callable[[sqlite3.Connection], list[RowChange]], *,
             detail: dict | None = None, undoable: bool = True, touch_status: bool = True) -> Changes:
        with self._tracked_write() as conn:
            rows = plan(conn)
            if not rows:
                return Changes(action)
            self._check_seen(rows)
            if touch_status and doc_id is not None:
                rows += self._start_work_rows(conn, doc_id)
            apply_changes(conn, rows)
            seq = audit.append_event(conn, at=now(), actor=self.annotator, action=action, doc_id=doc_id,
                                     changes=rows, detail=detail)
        self._remember(rows)
        if undoable:
            self.undo_stack.push(Step(action, tuple(rows)))
        return Changes.from_rows(action, rows, seq)

    @contextlib.contextmanager
    def _tracked_write(self) -> Iterator[sqlite3.Connection]:
        self._tracking_write = True
        try:
            with self._write() as conn:
                yield conn
        finally:
            self._tracking_write = False

    def _check_seen(self, rows: list[RowChange]) -> None:
        """Refuse an edit of a row that another window or process changed since this store read it.

        Two windows showing the same span, both editing it: the second edit is computed from the
        row as it is in the file now, so without this check it would silently overwrite the
        first. The rows this store last read (``annotations``) or wrote are what its window
        shows; an edit of a row that differs from that is refused as a ConflictError.
        """
        for change in rows:
            if change.before is not None:
                self._check_fresh(change.table, change.key, change.before)

    def _check_fresh(self, table: str, key: tuple, current: dict | None) -> None:
        """ConflictError when the row as it is now (None: gone) is not the row this store last saw."""
        if table not in _SEEN_TABLES:
            return
        seen = self._seen.get(key[0], {}).get((table, tuple(key)))
        if seen is not None and seen != current:
            raise ConflictError(
                f"{table} {'/'.join(map(str, key))} was {'deleted' if current is None else 'changed'} elsewhere "
                "(another window or process) since it was loaded here; nothing was changed; reload to see the "
                "current state")

    def _remember(self, rows: list[RowChange]) -> None:
        for change in rows:
            if change.table not in _SEEN_TABLES:
                continue
            seen = self._seen.get(change.key[0])
            if seen is None:
                continue
            if change.after is None:
                seen.pop((change.table, tuple(change.key)), None)
            else:
                seen[(change.table, tuple(change.key))] = dict(change.after)

    def _remember_document(self, doc_id: str, tables: dict[str, list[dict]]) -> None:
        self._seen.pop(doc_id, None)
        while len(self._seen) >= _SEEN_DOCUMENTS:
            del self._seen[next(iter(self._seen))]
        self._seen[doc_id] = {(table, (doc_id, row["id"])): row for table, rows in tables.items() for row in rows}

    def _start_work_rows(self, conn, doc_id: str) -> list[RowChange]:
        """Opening work on a new document moves it to in_progress, within the same action."""
        key = (doc_id, self.annotator)
        before = fetch_row(conn, "doc_status", key)
        if before is not None and before["status"] != NEW:
            return []
        after = {"doc_id": doc_id, "annotator": self.annotator, "status": IN_PROGRESS, "reason": None,
                 "updated_at": now()}
        return [RowChange("doc_status", key, before, after)]

    # ---- undo ---------------------------------------------------------------------------

    def undo_status(self) -> UndoStatus:
        return self.undo_stack.status()

    def undo(self) -> Changes:
        step = self.undo_stack.peek_undo()
        if step is None:
            return Changes("undo")
        rows = invert(list(step.rows))
        changes = self._replay(f"undo {step.action}", rows)
        self.undo_stack.mark_undone()
        return changes

    def redo(self) -> Changes:
        step = self.undo_stack.peek_redo()
        if step is None:
            return Changes("redo")
        changes = self._replay(f"redo {step.action}", list(step.rows))
        self.undo_stack.mark_redone()
        return changes

    def _replay(self, action: str, rows: list[RowChange]) -> Changes:
        doc_ids = sorted({r.key[0] for r in rows})
        with self._tracked_write() as conn:
            apply_changes(conn, rows)
            seq = audit.append_event(conn, at=now(), actor=self.annotator, action=action,
                                     doc_id=doc_ids[0] if len(doc_ids) == 1 else None, changes=rows)
        self._remember(rows)
        return Changes.from_rows(action, rows, seq)

    # ---- schema -------------------------------------------------------------------------

    def schema_version(self) -> int | None:
        row = self.conn.execute("SELECT max(version) FROM schemas").fetchone()
        return row[0]

    @property
    def schema(self) -> Schema:
        if self._schema is None:
            row = self.conn.execute("SELECT body FROM schemas ORDER BY version DESC LIMIT 1").fetchone()
            if row is None:
                raise StoreError("the database has no schema")
            self._schema = schema_from_json(row[0])
        return self._schema

    def set_schema(self, schema: Schema) -> int:
        """Store a new version of the schema; refuses to drop a label that annotations still use."""
        with self._write() as conn:
            current = conn.execute("SELECT max(version) FROM schemas").fetchone()[0]
            if current is not None:
                in_use = {r[0] for r in conn.execute("SELECT DISTINCT label FROM spans WHERE layer = 'entity'")}
                missing = sorted(in_use - set(schema.entity_labels))
                if missing:
                    raise ValidationError(f"the new schema drops entity label {missing[0]!r}, which annotations "
                                          "still use; relabel or delete them first")
                in_use = {r[0] for r in conn.execute("SELECT DISTINCT label FROM relations")}
                missing = sorted(in_use - {r.label for r in schema.relations})
                if missing:
                    raise ValidationError(f"the new schema drops relation label {missing[0]!r}, which "
                                          "annotations still use")
            version = self._insert_schema(conn, schema, current)
        self._schema = None
        return version

    def _insert_schema(self, conn, schema: Schema, current: int | None, reason: str | None = None) -> int:
        version = (current or 0) + 1
        conn.execute("INSERT INTO schemas (version, name, body, created_at) VALUES (?, ?, ?, ?)",
                     [version, schema.name, schema.to_json(), now()])
        detail = {"version": version, "name": schema.name}
        if reason:
            detail["reason"] = reason
        audit.append_event(conn, at=now(), actor=self.annotator, action="set schema", doc_id=None, changes=[],
                           detail=detail)
        return version

    # ---- documents ----------------------------------------------------------------------

    def import_documents(self, items: Iterable[AnnotatedDocument], *, as_suggestions: bool = False,
                         origin: str | None = None, source: str | None = None,
                         on_progress: Callable[[int], None] | None = None,
                         schema: Schema | None = None) -> ImportResult:
        """Add documents and their annotations, all or nothing.

        Every item is validated against its text and the schema before anything is written;
        the first problem raises ValidationError (the caller adds file and line) and the
        transaction leaves the database as it was. A document whose id exists with the same
        text and which brings no annotations is skipped, so importing a folder twice is safe.
        ``schema``, when given, becomes the new schema version in the same transaction (an
        import that adds its labels), so a refused import leaves the schema as it was too.
        """
        result = ImportResult()
        at = now()
        with self._write() as conn:
            if schema is not None:
                current = conn.execute("SELECT max(version) FROM schemas").fetchone()[0]
                self._insert_schema(conn, schema, current, reason=f"labels added by import{f' of {source}' if source else ''}"[:500])
                self._schema = None
            else:
                schema = self.schema
            for index, item in enumerate(items):
                doc = item.document
                ann = item.annotations
                if as_suggestions:
                    ann = _as_suggestions(ann, origin or "import")
                else:
                    ann = _as_gold(ann, self.annotator, origin)
                try:
                    validate(doc, ann, schema)
                except ValidationError as exc:
                    raise exc.located(line=getattr(item, "line", None)) from None
                existing = conn.execute("SELECT sha256 FROM documents WHERE id = ?", [doc.id]).fetchone()
                has_annotations = bool(ann.spans or ann.stances or ann.relations or ann.labels)
                if existing is not None:
                    if existing[0] == doc.sha256 and not has_annotations and item.annotations.status == NEW:
                        result.skipped += 1
                        continue
                    raise ValidationError(f"document {doc.id!r} is already in the database"
                                          + ("" if existing[0] == doc.sha256 else " with a different text"),
                                          line=getattr(item, "line", None))
                rows = self._document_rows(doc, ann, at)
                detail = {"source": source} if source else None
                try:
                    apply_changes(conn, rows, documents_text={doc.id: doc.text})
                    audit.append_event(conn, at=at, actor=self.annotator, action="import", doc_id=doc.id,
                                       changes=rows, detail=detail)
                except UnicodeEncodeError:
                    raise ValidationError(f"document {doc.id!r}: {_NOT_UNICODE}",
                                          line=getattr(item, "line", None)) from None
                result.documents += 1
                result.spans += len(ann.spans)
                result.stances += len(ann.stances)
                result.relations += len(ann.relations)
                if on_progress:
                    on_progress(index + 1)
        return result

    def _document_rows(self, doc: Document, ann: Annotations, at: str) -> list[RowChange]:
        doc_row = {"id": doc.id, "sha256": doc.sha256, "meta": dumps(doc.meta or {}), "created_at": at}
        rows = [RowChange("documents", (doc.id,), None, doc_row)]
        for span in ann.spans:
            rows.append(RowChange("spans", (doc.id, span.id), None, span_row(doc.id, span, at)))
        for stance in ann.stances:
            rows.append(RowChange("stances", (doc.id, stance.id), None, stance_row(doc.id, stance, at)))
        for relation in ann.relations:
            rows.append(RowChange("relations", (doc.id, relation.id), None, relation_row(doc.id, relation, at)))
        for label in ann.labels:
            rows.append(RowChange("doc_labels", (doc.id, label, self.annotator), None,
                                  {"doc_id": doc.id, "label": label, "annotator": self.annotator,
                                   "created_at": at}))
        if ann.status != NEW:
            rows.append(RowChange("doc_status", (doc.id, self.annotator), None,
                                  {"doc_id": doc.id, "annotator": self.annotator, "status": ann.status,
                                   "reason": ann.status_reason, "updated_at": at}))
        return rows

    def document(self, doc_id: str) -> Document:
        row = self.conn.execute("SELECT id, text, meta FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise ValidationError(f"no document {doc_id!r} in the database")
        return Document(row[0], row[1], json.loads(row[2]))

    def document_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def document_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY rowid")]

    def status(self, doc_id: str) -> tuple[str, str | None]:
        row = self.conn.execute("SELECT status, reason FROM doc_status WHERE doc_id = ? AND annotator = ?",
                                [doc_id, self.annotator]).fetchone()
        return (row[0], row[1]) if row else (NEW, None)

    def next_unfinished(self, after: str | None = None) -> str | None:
        """The next document (in import order) this annotator has not marked done or skipped."""
        after_rowid = 0
        if after is not None:
            row = self.conn.execute("SELECT rowid FROM documents WHERE id = ?", [after]).fetchone()
            after_rowid = row[0] if row else 0
        sql = ("SELECT d.id FROM documents d LEFT JOIN doc_status s ON s.doc_id = d.id AND s.annotator = ? "
               "WHERE d.rowid > ? AND coalesce(s.status, 'new') NOT IN ('done', 'skipped') "
               "ORDER BY d.rowid LIMIT 1")
        row = self.conn.execute(sql, [self.annotator, after_rowid]).fetchone()
        if row is None and after_rowid:
            row = self.conn.execute(sql, [self.annotator, 0]).fetchone()
        return row[0] if row else None

    def annotations(self, doc_id: str) -> Annotations:
        conn = self.conn
        span_rows = _dict_rows(conn, "SELECT * FROM spans WHERE doc_id = ? ORDER BY start, \"end\" DESC, id", [doc_id])
        stance_rows = _dict_rows(conn, "SELECT * FROM stances WHERE doc_id = ? ORDER BY created_at, id", [doc_id])
        relation_rows = _dict_rows(conn, "SELECT * FROM relations WHERE doc_id = ? ORDER BY created_at, id", [doc_id])
        self._remember_document(doc_id, {"spans": span_rows, "stances": stance_rows, "relations": relation_rows})
        spans = [span_from_row(r) for r in span_rows]
        stances = [stance_from_row(r) for r in stance_rows]
        relations = [relation_from_row(r) for r in relation_rows]
        labels = [r[0] for r in conn.execute("SELECT label FROM doc_labels WHERE doc_id = ? AND annotator = ? "
                                             "ORDER BY label", [doc_id, self.annotator])]
        status, reason = self.status(doc_id)
        return Annotations(spans, stances, relations, labels, status, reason)

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
                args.append(self.annotator)
            rows = self.conn.execute(sql + " WHERE d.rowid > ? ORDER BY d.rowid LIMIT ?", [*args, last, page]).fetchall()
            if not rows:
                return
            yield from self._annotated_page([doc_id for _, doc_id in rows])
            last = rows[-1][0]

    def _annotated_page(self, doc_ids: list[str]) -> Iterator[AnnotatedDocument]:
        """The same as ``annotated`` for each id, with one query per table for the whole page."""
        conn = self.conn
        marks = ", ".join("?" for _ in doc_ids)
        docs = {r[0]: Document(r[0], r[1], json.loads(r[2])) for r in
                conn.execute(f"SELECT id, text, meta FROM documents WHERE id IN ({marks})", doc_ids)}
        spans: dict[str, list[Span]] = {}
        for r in _dict_rows(conn, f"SELECT * FROM spans WHERE doc_id IN ({marks}) "
                                  "ORDER BY doc_id, start, \"end\" DESC, id", doc_ids):
            spans.setdefault(r["doc_id"], []).append(span_from_row(r))
        stances: dict[str, list[Stance]] = {}
        for r in _dict_rows(conn, f"SELECT * FROM stances WHERE doc_id IN ({marks}) "
                                  "ORDER BY doc_id, created_at, id", doc_ids):
            stances.setdefault(r["doc_id"], []).append(stance_from_row(r))
        relations: dict[str, list[Relation]] = {}
        for r in _dict_rows(conn, f"SELECT * FROM relations WHERE doc_id IN ({marks}) "
                                  "ORDER BY doc_id, created_at, id", doc_ids):
            relations.setdefault(r["doc_id"], []).append(relation_from_row(r))
        labels: dict[str, list[str]] = {}
        for doc_id, label in conn.execute(f"SELECT doc_id, label FROM doc_labels WHERE doc_id IN ({marks}) "
                                          "AND annotator = ? ORDER BY doc_id, label", [*doc_ids, self.annotator]):
            labels.setdefault(doc_id, []).append(label)
        status = {r[0]: (r[1], r[2]) for r in conn.execute(
            f"SELECT doc_id, status, reason FROM doc_status WHERE doc_id IN ({marks}) AND annotator = ?",
            [*doc_ids, self.annotator])}
        for doc_id in doc_ids:
            st, reason = status.get(doc_id, (NEW, None))
            yield AnnotatedDocument(docs[doc_id], Annotations(spans.get(doc_id, []), stances.get(doc_id, []),
                                                              relations.get(doc_id, []), labels.get(doc_id, []),
                                                              st, reason))

    # ---- entity and claim spans ----------------------------------------------------------

    def _text(self, conn, doc_id: str) -> str:
        row = conn.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise ValidationError(f"no document {doc_id!r} in the database")
        return row[0]

    def _span(self, conn, doc_id: str, span_id: str) -> dict:
        row = fetch_row(conn, "spans", (doc_id, span_id))
        self._check_fresh("spans", (doc_id, span_id), row)
        if row is None:
            raise ValidationError(f"document {doc_id!r} has no entity or claim {span_id!r}")
        return row

    def _check_entity_label(self, label: str) -> None:
        if self.schema.entity(label) is None:
            raise ValidationError(f"unknown entity label {label!r} (the schema has {', '.join(self.schema.entity_labels)})")

    def add_entity(self, doc_id: str, start: int, end: int, label: str) -> Changes:
        self._check_entity_label(label)
        return self._add_span(doc_id, Span(_new_id("e"), start, end, label, ENTITY), "add entity")

    def add_claim(self, doc_id: str, start: int, end: int, *, claimant: str | None = None,
                  claimant_text: str | None = None, claim_type: str | None = None,
                  checkworthy: bool | None = None) -> Changes:
        claim_type = claim_type or self.schema.default_claim_type
        self._check_claim_type(claim_type)
        span = Span(_new_id("c"), start, end, CLAIM_LABEL, CLAIM, claimant=claimant, claimant_text=claimant_text,
                    claim_type=claim_type, checkworthy=checkworthy)
        return self._add_span(doc_id, span, "add claim")

    def _check_claim_type(self, claim_type: str) -> None:
        if claim_type not in self.schema.claim_types:
            raise ValidationError(f"unknown claim type {claim_type!r} (the schema has {', '.join(self.schema.claim_types)})")

    def _add_span(self, doc_id: str, span: Span, action: str) -> Changes:
        span.origin, span.decision, span.annotator = self.annotator, MANUAL, self.annotator

        def plan(conn):
            check_offsets(self._text(conn, doc_id), span.start, span.end, f"{span.layer} in {doc_id!r}")
            if span.claimant is not None:
                self._require_entity(conn, doc_id, span.claimant, "claimant")
            return [RowChange("spans", (doc_id, span.id), None, span_row(doc_id, span, now()))]

        return self._act(action, doc_id, plan)

    def _require_entity(self, conn, doc_id: str, ref: str, role: str) -> dict:
        row = self._span(conn, doc_id, ref)
        if row["layer"] != ENTITY:
            raise ValidationError(f"the {role} must be an entity; {ref!r} is a {row['layer']}")
        return row

    def _update_span(self, action: str, doc_id: str, span_id: str, edit: Callable[[dict, Any], dict]) -> Changes:
        def plan(conn):
            before = self._span(conn, doc_id, span_id)
            after = edit(dict(before), conn)
            if after == before:
                return []
            after["updated_at"] = now()
            return [RowChange("spans", (doc_id, span_id), before, after)]

        return self._act(action, doc_id, plan)

    def relabel(self, doc_id: str, span_id: str, label: str) -> Changes:
        """Change an entity's label; on a suggestion this is a correction (see :meth:`correct`)."""
        self._check_entity_label(label)
        row = self._span(self.conn, doc_id, span_id)
        if row["decision"] == SUGGESTED:
            return self.correct(doc_id, span_id, label=label)

        def edit(row, conn):
            if row["layer"] != ENTITY:
                raise ValidationError(f"{span_id!r} is a claim; claims have a type, not a label")
            self._check_relations_still_fit(conn, doc_id, span_id, label)
            row.update(label=label, annotator=self.annotator)
            return row

        return self._update_span("relabel", doc_id, span_id, edit)

    def _check_relations_still_fit(self, conn, doc_id: str, span_id: str, new_label: str) -> None:
        for rel in _dict_rows(conn, "SELECT * FROM relations WHERE doc_id = ? AND (head = ? OR tail = ?)",
                              [doc_id, span_id, span_id]):
            head = new_label if rel["head"] == span_id else self._span(conn, doc_id, rel["head"])["label"]
            tail = new_label if rel["tail"] == span_id else self._span(conn, doc_id, rel["tail"])["label"]
            check_relation(self.schema, rel["label"], head, tail, f"relation {rel['id']!r}")

    def resize(self, doc_id: str, span_id: str, start: int, end: int) -> Changes:
        row = self._span(self.conn, doc_id, span_id)
        if row["decision"] == SUGGESTED:
            return self.correct(doc_id, span_id, start=start, end=end)

        def edit(row, conn):
            check_offsets(self._text(conn, doc_id), start, end, f"{row['layer']} {span_id!r}")
            row.update(start=start, end=end, annotator=self.annotator)
            return row

        return self._update_span("resize", doc_id, span_id, edit)

    def update_claim(self, doc_id: str, claim_id: str, *, claimant: Any = _UNCHANGED, claimant_text: Any = _UNCHANGED,
                     claim_type: Any = _UNCHANGED, checkworthy: Any = _UNCHANGED) -> Changes:
        if claim_type is not _UNCHANGED:
            self._check_claim_type(claim_type)

        def edit(row, conn):
            if row["layer"] != CLAIM:
                raise ValidationError(f"{claim_id!r} is an entity, not a claim")
            if claimant is not _UNCHANGED:
                if claimant is not None:
                    self._require_entity(conn, doc_id, claimant, "claimant")
                row["claimant"] = claimant
            if claimant_text is not _UNCHANGED:
                row["claimant_text"] = claimant_text or None
            if claim_type is not _UNCHANGED:
                row["claim_type"] = claim_type
            if checkworthy is not _UNCHANGED:
                row["checkworthy"] = None if checkworthy is None else int(bool(checkworthy))
            return row

        return self._update_span("edit claim", doc_id, claim_id, edit)

    def delete(self, doc_id: str, annotation_id: str) -> Changes:
        """Delete an entity, claim, stance or relation, and everything that would dangle without it.

        Stances and relations that refer to a deleted span are deleted with it; a claim whose
        claimant is deleted keeps the claimant's text as a free-text source. Undo restores all.
        """
        def plan(conn):
            table = self._table_of(conn, doc_id, annotation_id)
            if table != "spans":
                return [RowChange(table, (doc_id, annotation_id), fetch_row(conn, table, (doc_id, annotation_id)), None)]
            return self._span_deletion_rows(conn, doc_id, annotation_id)

        return self._act("delete", doc_id, plan)

    def dependents(self, doc_id: str, span_id: str) -> list[str]:
        """Ids of stances, relations and claims that refer to a span (for "delete? it is used by...")."""
        conn = self.conn
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM stances WHERE doc_id = ? AND ? IN (holder, target, evidence) "
            "UNION ALL SELECT id FROM relations WHERE doc_id = ? AND ? IN (head, tail) "
            "UNION ALL SELECT id FROM spans WHERE doc_id = ? AND (claimant = ? OR replaces = ?)",
            [doc_id, span_id, doc_id, span_id, doc_id, span_id, span_id])]
        return ids

    def _span_deletion_rows(self, conn, doc_id: str, span_id: str) -> list[RowChange]:
        target = self._span(conn, doc_id, span_id)
        text = self._text(conn, doc_id)
        rows: list[RowChange] = []
        at = now()
        for stance in _dict_rows(conn, "SELECT * FROM stances WHERE doc_id = ? AND (holder = ? OR target = ?)",
                                 [doc_id, span_id, span_id]):
            rows.append(RowChange("stances", (doc_id, stance["id"]), stance, None))
        for stance in _dict_rows(conn, "SELECT * FROM stances WHERE doc_id = ? AND evidence = ? "
                                 "AND holder != ? AND target != ?", [doc_id, span_id, span_id, span_id]):
            rows.append(RowChange("stances", (doc_id, stance["id"]), stance,
                                  {**stance, "evidence": None, "updated_at": at}))
        for rel in _dict_rows(conn, "SELECT * FROM relations WHERE doc_id = ? AND (head = ? OR tail = ?)",
                              [doc_id, span_id, span_id]):
            rows.append(RowChange("relations", (doc_id, rel["id"]), rel, None))
        for span in _dict_rows(conn, "SELECT * FROM spans WHERE doc_id = ? AND (claimant = ? OR replaces = ?) "
                               "AND id != ?", [doc_id, span_id, span_id, span_id]):
            after = dict(span, updated_at=at)
            if span["claimant"] == span_id:
                after["claimant"] = None
                after["claimant_text"] = span["claimant_text"] or text[target["start"]:target["end"]]
            if span["replaces"] == span_id:
                after["replaces"] = None
            rows.append(RowChange("spans", (doc_id, span["id"]), span, after))
        rows.append(RowChange("spans", (doc_id, span_id), target, None))
        return rows

    def _table_of(self, conn, doc_id: str, annotation_id: str) -> str:
        for table in ("spans", "stances", "relations"):
            if conn.execute(f"SELECT 1 FROM {table} WHERE doc_id = ? AND id = ?", [doc_id, annotation_id]).fetchone():
                return table
        for table in ("spans", "stances", "relations"):
            self._check_fresh(table, (doc_id, annotation_id), None)
        raise ValidationError(f"document {doc_id!r} has no annotation {annotation_id!r}")

    # ---- reviewing suggestions -----------------------------------------------------------

    def accept(self, doc_id: str, *annotation_ids: str) -> Changes:
        return self._decide("accept", doc_id, annotation_ids, ACCEPTED)

    def reject(self, doc_id: str, *annotation_ids: str) -> Changes:
        return self._decide("reject", doc_id, annotation_ids, REJECTED)

    def _decide(self, action: str, doc_id: str, ids: Iterable[str], decision: str) -> Changes:
        def plan(conn):
            rows = []
            at = now()
            for annotation_id in ids:
                table = self._table_of(conn, doc_id, annotation_id)
                before = fetch_row(conn, table, (doc_id, annotation_id))
                self._check_fresh(table, (doc_id, annotation_id), before)
                if before["decision"] != SUGGESTED:
                    raise ValidationError(f"{annotation_id!r} is not a suggestion (it is {before['decision']})")
                rows.append(RowChange(table, (doc_id, annotation_id), before,
                                      {**before, "decision": decision, "annotator": self.annotator, "updated_at": at}))
            return rows

        return self._act(action, doc_id, plan)

    def accept_all(self, doc_id: str, *, layer: str | None = None) -> Changes:
        """Accept every suggestion left in the document (or in one layer) as one undo step."""
        def plan(conn):
            at = now()
            rows = []
            span_sql = "SELECT * FROM spans WHERE doc_id = ? AND decision = 'suggested'"
            args = [doc_id]
            if layer is not None:
                span_sql += " AND layer = ?"
                args.append(layer)
            tables = [("spans", span_sql + " ORDER BY start", args)]
            if layer is None:
                tables += [(t, f"SELECT * FROM {t} WHERE doc_id = ? AND decision = 'suggested' ORDER BY id", [doc_id])
                           for t in ("stances", "relations")]
            for table, sql, sql_args in tables:
                for before in _dict_rows(conn, sql, sql_args):
                    rows.append(RowChange(table, (doc_id, before["id"]), before,
                                          {**before, "decision": ACCEPTED, "annotator": self.annotator,
                                           "updated_at": at}))
            return rows

        return self._act("accept all", doc_id, plan)

    def correct(self, doc_id: str, span_id: str, *, start: int | None = None, end: int | None = None,
                label: str | None = None) -> Changes:
        """Reject a suggestion and record the person's version as a manual span that replaces it.

        Both are kept: the rejection is data about the model, the correction is gold. What
        referred to the suggestion (relations, stances, a claim's claimant) now refers to the
        correction.
        """
        if label is not None:
            self._check_entity_label(label)

        def plan(conn):
            before = self._span(conn, doc_id, span_id)
            if before["decision"] != SUGGESTED:
                raise ValidationError(f"{span_id!r} is not a suggestion (it is {before['decision']})")
            new_start = before["start"] if start is None else start
            new_end = before["end"] if end is None else end
            check_offsets(self._text(conn, doc_id), new_start, new_end, f"correction of {span_id!r}")
            at = now()
            new = Span(_new_id("e" if before["layer"] == ENTITY else "c"), new_start, new_end,
                       label or before["label"], before["layer"], origin=self.annotator, decision=MANUAL,
                       annotator=self.annotator, claimant=before["claimant"], claimant_text=before["claimant_text"],
                       claim_type=before["claim_type"],
                       checkworthy=None if before["checkworthy"] is None else bool(before["checkworthy"]),
                       replaces=span_id)
            rows = [RowChange("spans", (doc_id, span_id), before,
                              {**before, "decision": REJECTED, "annotator": self.annotator, "updated_at": at}),
                    RowChange("spans", (doc_id, new.id), None, span_row(doc_id, new, at))]
            rows += self._repoint_rows(conn, doc_id, span_id, new.id, at)
            return rows

        return self._act("correct", doc_id, plan)

    def _repoint_rows(self, conn, doc_id: str, old: str, new: str, at: str) -> list[RowChange]:
        rows = []
        for table, columns in (("stances", ("holder", "target", "evidence")), ("relations", ("head", "tail")),
                               ("spans", ("claimant",))):
            condition = " OR ".join(f"{c} = ?" for c in columns)
            for before in _dict_rows(conn, f"SELECT * FROM {table} WHERE doc_id = ? AND ({condition})",
                                     [doc_id, *([old] * len(columns))]):
                after = {**before, "updated_at": at}
                for column in columns:
                    if after[column] == old:
                        after[column] = new
                rows.append(RowChange(table, (doc_id, before["id"]), before, after))
        return rows

    # ---- stances and relations ----------------------------------------------------------

    def add_stance(self, doc_id: str, holder: str, target: str, polarity: str, *,
                   evidence: str | None = None) -> Changes:
        self._check_polarity(polarity)

        def plan(conn):
            self._require_entity(conn, doc_id, holder, "stance holder")
            self._span(conn, doc_id, target)
            if evidence is not None:
                self._span(conn, doc_id, evidence)
            if holder == target:
                raise ValidationError("a stance needs a holder and a different target")
            stance = Stance(_new_id("s"), holder, target, polarity, evidence, self.annotator, MANUAL, self.annotator)
            return [RowChange("stances", (doc_id, stance.id), None, stance_row(doc_id, stance, now()))]

        return self._act("add stance", doc_id, plan)

    def _check_polarity(self, polarity: str) -> None:
        if polarity not in self.schema.polarities:
            raise ValidationError(f"unknown polarity {polarity!r} (the schema has {', '.join(self.schema.polarities)})")

    def update_stance(self, doc_id: str, stance_id: str, *, polarity: Any = _UNCHANGED,
                      evidence: Any = _UNCHANGED) -> Changes:
        if polarity is not _UNCHANGED:
            self._check_polarity(polarity)

        def plan(conn):
            before = fetch_row(conn, "stances", (doc_id, stance_id))
            self._check_fresh("stances", (doc_id, stance_id), before)
            if before is None:
                raise ValidationError(f"document {doc_id!r} has no stance {stance_id!r}")
            after = dict(before)
            if polarity is not _UNCHANGED:
                after["polarity"] = polarity
            if evidence is not _UNCHANGED:
                if evidence is not None:
                    self._span(conn, doc_id, evidence)
                after["evidence"] = evidence
            if after == before:
                return []
            after.update(updated_at=now(), annotator=self.annotator)
            return [RowChange("stances", (doc_id, stance_id), before, after)]

        return self._act("edit stance", doc_id, plan)

    def add_relation(self, doc_id: str, head: str, tail: str, label: str) -> Changes:
        def plan(conn):
            head_row = self._require_entity(conn, doc_id, head, "relation head")
            tail_row = self._require_entity(conn, doc_id, tail, "relation tail")
            if head == tail:
                raise ValidationError("a relation needs two different entities")
            check_relation(self.schema, label, head_row["label"], tail_row["label"])
            relation = Relation(_new_id("r"), head, tail, label, self.annotator, MANUAL, self.annotator)
            return [RowChange("relations", (doc_id, relation.id), None, relation_row(doc_id, relation, now()))]

        return self._act("add relation", doc_id, plan)

    def relabel_relation(self, doc_id: str, relation_id: str, label: str) -> Changes:
        def plan(conn):
            before = fetch_row(conn, "relations", (doc_id, relation_id))
            self._check_fresh("relations", (doc_id, relation_id), before)
            if before is None:
                raise ValidationError(f"document {doc_id!r} has no relation {relation_id!r}")
            check_relation(self.schema, label, self._span(conn, doc_id, before["head"])["label"],
                           self._span(conn, doc_id, before["tail"])["label"])
            if before["label"] == label:
                return []
            return [RowChange("relations", (doc_id, relation_id), before,
                              {**before, "label": label, "annotator": self.annotator, "updated_at": now()})]

        return self._act("relabel relation", doc_id, plan)

    # ---- document labels and status -----------------------------------------------------

    def set_document_labels(self, doc_id: str, labels: Iterable[str]) -> Changes:
        wanted = sorted(set(labels))
        for label in wanted:
            if label not in self.schema.document_labels:
                raise ValidationError(f"unknown document label {label!r} (the schema has "
                                      f"{', '.join(self.schema.document_labels)})")

        def plan(conn):
            self._text(conn, doc_id)
            current = {r["label"]: r for r in _dict_rows(
                conn, "SELECT * FROM doc_labels WHERE doc_id = ? AND annotator = ?", [doc_id, self.annotator])}
            at = now()
            rows = [RowChange("doc_labels", (doc_id, label, self.annotator), row, None)
                    for label, row in sorted(current.items()) if label not in wanted]
            rows += [RowChange("doc_labels", (doc_id, label, self.annotator), None,
                               {"doc_id": doc_id, "label": label, "annotator": self.annotator, "created_at": at})
                     for label in wanted if label not in current]
            return rows

        return self._act("set document labels", doc_id, plan)

    def set_status(self, doc_id: str, status: str, reason: str | None = None) -> Changes:
        if status not in STATUSES:
            raise ValidationError(f"unknown status {status!r} (one of {', '.join(STATUSES)})")

        def plan(conn):
            self._text(conn, doc_id)
            key = (doc_id, self.annotator)
            before = fetch_row(conn, "doc_status", key)
            after = {"doc_id": doc_id, "annotator": self.annotator, "status": status,
                     "reason": reason if status == "skipped" else None, "updated_at": now()}
            if before and before["status"] == after["status"] and before["reason"] == after["reason"]:
                return []
            return [RowChange("doc_status", key, before, after)]

        return self._act(f"mark {status}", doc_id, plan, touch_status=False)

    # ---- reading the history and the counts ---------------------------------------------

    def events(self, doc_id: str | None = None):
        return audit.events(self.conn, doc_id)

    def verify(self) -> audit.VerifyResult:
        return audit.verify(self.conn)

    def stats(self) -> dict:
        conn = self.conn
        total = self.document_count()
        by_status = dict(conn.execute("SELECT status, count(*) FROM doc_status WHERE annotator = ? GROUP BY status",
                                      [self.annotator]).fetchall())
        by_status["new"] = total - sum(v for k, v in by_status.items() if k != "new")
        group = lambda sql: {k if k is not None else "": v for k, v in conn.execute(sql).fetchall()}  # noqa: E731
        return {
            "documents": total,
            "status": {s: by_status.get(s, 0) for s in STATUSES},
            "entities_by_label": group("SELECT label, count(*) FROM spans WHERE layer = 'entity' "
                                       "AND decision IN ('accepted', 'manual') GROUP BY label ORDER BY label"),
            "claims_by_type": group("SELECT claim_type, count(*) FROM spans WHERE layer = 'claim' "
                                    "AND decision IN ('accepted', 'manual') GROUP BY claim_type ORDER BY claim_type"),
            "by_decision": group("SELECT decision, count(*) FROM spans GROUP BY decision ORDER BY decision"),
            "by_origin": group("SELECT origin, count(*) FROM spans GROUP BY origin ORDER BY origin"),
            "by_annotator": group("SELECT annotator, count(*) FROM spans WHERE annotator IS NOT NULL "
                                  "GROUP BY annotator ORDER BY annotator"),
            "stances_by_polarity": group("SELECT polarity, count(*) FROM stances "
                                         "WHERE decision IN ('accepted', 'manual') GROUP BY polarity ORDER BY polarity"),
            "relations_by_label": group("SELECT label, count(*) FROM relations "
                                        "WHERE decision IN ('accepted', 'manual') GROUP BY label ORDER BY label"),
            "audit_events": conn.execute("SELECT count(*) FROM audit").fetchone()[0],
        }


def _dict_rows(conn, sql: str, args: list) -> list[dict]:
    cursor = conn.execute(sql, args)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def _new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(5)


def _as_suggestions(ann: Annotations, origin: str) -> Annotations:
    def suggest(item):
        if item.decision == SUGGESTED and item.annotator is None and item.origin:
            return item  # already a suggestion with its origin: no copy needed
        return replace(item, decision=SUGGESTED, annotator=None, origin=item.origin or origin)
    return Annotations([suggest(s) for s in ann.spans], [suggest(s) for s in ann.stances],
                       [suggest(r) for r in ann.relations], [], NEW, None)


def _as_gold(ann: Annotations, annotator: str, origin: str | None) -> Annotations:
    def gold(item):
        decided_by = item.annotator or (None if item.decision == SUGGESTED else annotator)
        proposed_by = item.origin or origin or annotator
        if decided_by == item.annotator and proposed_by == item.origin:
            return item  # nothing to fill in: no copy needed (bulk imports are mostly this case)
        return replace(item, origin=proposed_by, annotator=decided_by)
    return Annotations([gold(s) for s in ann.spans], [gold(s) for s in ann.stances],
                       [gold(r) for r in ann.relations], list(ann.labels), ann.status, ann.status_reason)
