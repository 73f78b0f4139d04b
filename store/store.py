"""The store: every user action as one audited, undoable transaction.

See the persistence contract in ``store/__init__.py``. Each action method computes the rows it
changes inside its own ``BEGIN IMMEDIATE`` transaction (so it sees the current file, not a
stale copy), writes them, appends the audit event, commits, and returns a :class:`Changes`.

``Store`` keeps the connection and that core (transactions, the audit event, undo, the check
that a row has not changed elsewhere since it was shown); what is particular to each kind of
data is in a manager of its own, as ``store.documents``, ``store.spans``, ``store.decisions``,
``store.links``, ``store.schemas`` and ``store.statuses``. Store's methods of the same names
hand over to them, so callers need not know which manager does what.
"""
from __future__ import annotations

import contextlib
import sqlite3
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from annotate.changes import Changes, RowChange, Step, UndoStack, UndoStatus, invert
from annotate.errors import BusyError, ConflictError, StoreError, ValidationError
from annotate.model import IN_PROGRESS, NEW, AnnotatedDocument, Annotations, Document
from annotate.schema import Schema, default_schema

from . import audit
from .apply import apply_changes, fetch_row
from .collector import cycle_collector_paused
from .database import close_database, open_database, read_snapshot
from .clusters import Clusters
from .decisions import Decisions
from .documents import NOT_UNICODE, Documents, ImportResult
from .links import Links
from .occurrences import Occurrences
from .rows import dict_rows, new_id, now
from .schemas import Schemas
from .spans import CLAIM_LABEL, UNCHANGED, Spans
from .statuses import Statuses

if TYPE_CHECKING:
    from .database import Database

__all__ = ["CLAIM_LABEL", "ImportResult", "Store"]
_UNCHANGED = UNCHANGED
#: Tables whose rows a window shows and edits; an edit of a row that changed since this store
#: last read it is a conflict (see ``Store._check_fresh``).
_SEEN_TABLES = ("spans", "stances", "relations")
_SEEN_DOCUMENTS = 64


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
        # doc id -> {(table, key): row} as this store last read or wrote it (the state its window
        # shows), for the documents read most recently.
        self._seen: dict[str, dict[tuple, dict]] = {}
        self._tracking_write = False
        #: When another program holds the write lock past the busy timeout: None raises
        #: BusyError (the window asks the user, ui/busy_wait.py); a callable is told each time the
        #: timeout passes and the store goes on waiting (a command in a terminal, a background
        #: job: nobody to ask); it may raise to stop waiting (nothing is written then).
        self.on_busy: Callable[[str], None] | None = None
        self.documents = Documents(self)
        self.spans = Spans(self)
        self.decisions = Decisions(self)
        self.links = Links(self)
        self.schemas = Schemas(self)
        self.statuses = Statuses(self)
        self.clusters = Clusters(self)
        self.occurrences = Occurrences(self)

    @classmethod
    def open(cls, path: str, annotator: str, *, create: bool = True, schema: Schema | None = None,
             read_only: bool = False, check_later: bool = False) -> "Store":
        """``read_only``: for commands that only read (any write then fails, changing nothing).
        ``check_later``: the window's start-up; a large file is checked for damage while it
        shows (begun by ``pending_check.start()``, or by the first write, which waits for that
        check: ``store.database.BackgroundCheck``)."""
        store = cls(open_database(path, create=create and not read_only, read_only=read_only,
                                  check_later=check_later), annotator, path)
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

    @property
    def pending_check(self):
        """The check of the file for damage still running (opened with ``check_later``), or None."""
        return self.db.pending_check

    def known_sound(self) -> bool:
        """False while the file is still being checked for damage, or when it was found damaged:
        what writes on its own (the search index's upkeep) waits for True."""
        check = self.db.pending_check
        return check is None or (check.done and not check.problem)

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with cycle_collector_paused():
            with self._transaction() as conn:
                yield conn

    def _refuse_begin(self, exc: sqlite3.OperationalError) -> None:
        if "locked" in str(exc) or "busy" in str(exc):
            waited = self.conn.execute("PRAGMA busy_timeout").fetchone()[0] / 1000
            raise BusyError(f"the database is busy: another program is writing to it (an import, a merge or a "
                            f"pre-annotation) and did not finish within {waited:g} s; nothing was changed; try "
                            "again") from None
        raise StoreError(f"the database is busy or cannot be written ({exc}); nothing was changed") from None

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self.db.pending_check is not None:
            self.db.pending_check.wait()  # StoreError when the file is damaged: nothing is written
            self.db.pending_check = None
        conn = self.conn
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if busy and self.on_busy is not None:
                    self.on_busy(f"{self.path or 'the database'}: waiting for another program writing to it "
                                 "(an import, a merge or a pre-annotation) to finish…")
                    continue
                self._refuse_begin(exc)
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
                raise ValidationError(f"refused: {NOT_UNICODE}") from None
            if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
                raise StoreError(f"the disk or database is full ({exc}); nothing was changed") from None
            if isinstance(exc, sqlite3.OperationalError):
                # A write the system refused (an I/O error, a file-size limit): say so, as a
                # StoreError the window shows, instead of a traceback.
                raise StoreError(f"the database could not be written ({exc}); nothing was changed") from None
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

    # ---- events -------------------------------------------------------------------------

    def events(self, doc_id: str | None = None):
        return audit.events(self.conn, doc_id)

    def verify(self) -> audit.VerifyResult:
        return audit.verify(self.conn)

    def snapshot(self):
        """``with store.snapshot():`` every read inside sees one state of the file (see read_snapshot)."""
        return read_snapshot(self.conn)

    # ---- the managers' methods, under the names every caller uses -----------------------
    # One line each; the code and its documentation are in the manager's module.

    def schema_version(self) -> int | None:
        return self.schemas.version()

    @property
    def schema(self) -> Schema:
        return self.schemas.current()

    def set_schema(self, schema: Schema) -> int:
        return self.schemas.set_schema(schema)

    def _insert_schema(self, conn, schema: Schema, current: int | None, reason: str | None = None) -> int:
        return self.schemas.insert(conn, schema, current, reason)

    def import_documents(self, items: Iterable[AnnotatedDocument], *, as_suggestions: bool = False,
                         origin: str | None = None, source: str | None = None,
                         on_progress: Callable[[int], None] | None = None,
                         schema: Schema | None = None) -> ImportResult:
        return self.documents.import_documents(items, as_suggestions=as_suggestions, origin=origin, source=source,
                                               on_progress=on_progress, schema=schema)

    def document(self, doc_id: str) -> Document:
        return self.documents.document(doc_id)

    def document_count(self) -> int:
        return self.documents.document_count()

    def document_ids(self) -> list[str]:
        return self.documents.document_ids()

    def annotations(self, doc_id: str) -> Annotations:
        return self.documents.annotations(doc_id)

    def annotated(self, doc_id: str) -> AnnotatedDocument:
        return self.documents.annotated(doc_id)

    def iter_annotated(self, *, only_done: bool = False, page: int = 500) -> Iterator[AnnotatedDocument]:
        return self.documents.iter_annotated(only_done=only_done, page=page)

    def _annotated_page(self, doc_ids: list[str]) -> Iterator[AnnotatedDocument]:
        return self.documents.annotated_page(doc_ids)

    def status(self, doc_id: str) -> tuple[str, str | None]:
        return self.statuses.status(doc_id)

    def next_unfinished(self, after: str | None = None) -> str | None:
        return self.statuses.next_unfinished(after)

    def set_document_labels(self, doc_id: str, labels: Iterable[str]) -> Changes:
        return self.statuses.set_document_labels(doc_id, labels)

    def set_status(self, doc_id: str, status: str, reason: str | None = None) -> Changes:
        return self.statuses.set_status(doc_id, status, reason)

    def stats(self) -> dict:
        return self.statuses.stats()

    def annotators(self) -> list[str]:
        return self.statuses.annotators()

    def add_entity(self, doc_id: str, start: int, end: int, label: str) -> Changes:
        return self.spans.add_entity(doc_id, start, end, label)

    def add_claim(self, doc_id: str, start: int, end: int, *, claimant: str | None = None,
                  claimant_text: str | None = None, claim_type: str | None = None,
                  checkworthy: bool | None = None) -> Changes:
        return self.spans.add_claim(doc_id, start, end, claimant=claimant, claimant_text=claimant_text,
                                    claim_type=claim_type, checkworthy=checkworthy)

    def relabel(self, doc_id: str, span_id: str, label: str) -> Changes:
        return self.spans.relabel(doc_id, span_id, label)

    def resize(self, doc_id: str, span_id: str, start: int, end: int) -> Changes:
        return self.spans.resize(doc_id, span_id, start, end)

    def update_claim(self, doc_id: str, claim_id: str, *, claimant: Any = _UNCHANGED, claimant_text: Any = _UNCHANGED,
                     claim_type: Any = _UNCHANGED, checkworthy: Any = _UNCHANGED) -> Changes:
        return self.spans.update_claim(doc_id, claim_id, claimant=claimant, claimant_text=claimant_text,
                                       claim_type=claim_type, checkworthy=checkworthy)

    def delete(self, doc_id: str, annotation_id: str) -> Changes:
        return self.spans.delete(doc_id, annotation_id)

    def dependents(self, doc_id: str, span_id: str) -> list[str]:
        return self.spans.dependents(doc_id, span_id)

    def _text(self, conn, doc_id: str) -> str:
        return self.spans.text(conn, doc_id)

    def _span(self, conn, doc_id: str, span_id: str) -> dict:
        return self.spans.row(conn, doc_id, span_id)

    def _require_entity(self, conn, doc_id: str, ref: str, role: str) -> dict:
        return self.spans.require_entity(conn, doc_id, ref, role)

    def _table_of(self, conn, doc_id: str, annotation_id: str) -> str:
        return self.spans.table_of(conn, doc_id, annotation_id)

    def accept(self, doc_id: str, *annotation_ids: str) -> Changes:
        return self.decisions.accept(doc_id, *annotation_ids)

    def reject(self, doc_id: str, *annotation_ids: str) -> Changes:
        return self.decisions.reject(doc_id, *annotation_ids)

    def accept_all(self, doc_id: str, *, layer: str | None = None, label: str | None = None,
                   min_score: float | None = None) -> Changes:
        return self.decisions.accept_all(doc_id, layer=layer, label=label, min_score=min_score)

    def correct(self, doc_id: str, span_id: str, *, start: int | None = None, end: int | None = None,
                label: str | None = None, claimant: Any = _UNCHANGED, claimant_text: Any = _UNCHANGED,
                claim_type: Any = _UNCHANGED, checkworthy: Any = _UNCHANGED) -> Changes:
        return self.decisions.correct(doc_id, span_id, start=start, end=end, label=label, claimant=claimant,
                                      claimant_text=claimant_text, claim_type=claim_type, checkworthy=checkworthy)

    def add_stance(self, doc_id: str, holder: str, target: str, polarity: str, *,
                   evidence: str | None = None) -> Changes:
        return self.links.add_stance(doc_id, holder, target, polarity, evidence=evidence)

    def update_stance(self, doc_id: str, stance_id: str, *, polarity: Any = _UNCHANGED,
                      evidence: Any = _UNCHANGED) -> Changes:
        return self.links.update_stance(doc_id, stance_id, polarity=polarity, evidence=evidence)

    def add_relation(self, doc_id: str, head: str, tail: str, label: str) -> Changes:
        return self.links.add_relation(doc_id, head, tail, label)

    def relabel_relation(self, doc_id: str, relation_id: str, label: str) -> Changes:
        return self.links.relabel_relation(doc_id, relation_id, label)


# Older names, kept for modules that import them from here.
_dict_rows = dict_rows
_new_id = new_id
