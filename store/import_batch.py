"""An import in two steps, so that a large one holds the write lock only as long as SQLite writes.

SQLite lets one writer at a time: while an import's transaction is open, the window's next
action waits (for ``BUSY_TIMEOUT_MS``, then fails). The import used to validate, convert and
serialise every document inside its transaction (29 s for 20,000 documents). Now:

1. ``prepare``, outside any write lock: every document is converted, validated against its text
   and the schema, checked against the documents already in the file (one snapshot), and its
   rows and audit event body are built. A problem raises ValidationError (the caller adds file
   and line) with nothing written. ``on_progress`` is called here, and may raise to cancel.
2. ``commit``, in one ``BEGIN IMMEDIATE`` transaction: what changed meanwhile (a document another
   process imported since) is checked again, then the rows go in with one ``executemany`` per
   table and chunk, and each document's audit event is chained. So the import still lands
   whole or not at all, and the lock is held for the writing alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Callable, Iterable

from annotate.changes import RowChange
from annotate.errors import ValidationError
from annotate.model import NEW, AnnotatedDocument
from annotate.people import import_owner
from annotate.schema import Schema
from annotate.validate import validate

from . import audit, comments
from .apply import apply_changes
from .rows import now

if TYPE_CHECKING:
    from .documents import ImportResult
    from .store import Store

#: Documents written per executemany run (their rows sorted by table), and checked per query.
CHUNK = 500


@dataclass
class Prepared:
    doc_id: str
    sha256: str
    text: str
    rows: list  # Insert, and RowChange for comments
    body: str
    line: int | None
    counts: tuple[int, int, int]  # spans, stances, relations
    brought_annotations: bool


@dataclass
class Plan:
    at: str
    documents: list[Prepared] = field(default_factory=list)
    skipped: int = 0
    skipped_with_annotations: int = 0


def prepare(store: "Store", items: Iterable[AnnotatedDocument], schema: Schema, *, as_suggestions: bool,
            origin: str | None, source: str | None, on_progress: Callable[[int], None] | None,
            not_unicode: str) -> Plan:
    plan = Plan(now())
    detail = {"source": source} if source else None
    present = _Present(store.conn)
    for index, item in enumerate(items):
        try:
            _prepare_one(store, item, schema, plan, present, detail, as_suggestions=as_suggestions, origin=origin)
        except UnicodeEncodeError:
            # A lone surrogate in an id, a label or the text: SQLite cannot store it.
            raise ValidationError(f"document {item.document.id!r}: {not_unicode}",
                                  line=getattr(item, "line", None)) from None
        if on_progress:
            on_progress(index + 1)
    return plan


def _file_origin(item: AnnotatedDocument) -> str | None:
    source = getattr(item, "source", None)
    return f"import:{PurePath(source).name}" if source else None


def _prepare_one(store: "Store", item: AnnotatedDocument, schema: Schema, plan: Plan, present: "_Present",
                 detail: dict | None, *, as_suggestions: bool, origin: str | None) -> None:
    from .documents import _as_gold, _as_suggestions
    doc, ann = item.document, item.annotations
    line = getattr(item, "line", None)
    doc.id.encode("utf-8")  # before it is looked up: a lone surrogate is refused, not a crash
    # The status and labels belong to the annotator the file's decisions name, if one.
    owner = store.annotator if as_suggestions else import_owner(ann) or store.annotator
    # Several files in one import: each file's annotations that name no origin of their own keep
    # the file's name, as one file's do, so who proposed what stays traceable per file.
    origin = origin or _file_origin(item)
    ann = _as_suggestions(ann, origin or "import") if as_suggestions else _as_gold(ann, store.annotator, origin)
    try:
        validate(doc, ann, schema)
    except ValidationError as exc:
        raise exc.located(line=line) from None
    brought = bool(ann.spans or ann.stances or ann.relations or ann.labels or ann.clusters
                   or item.annotations.status != NEW)
    existing = present.sha256(doc.id)
    if existing is not None:
        if existing != doc.sha256:
            raise ValidationError(f"document {doc.id!r} is already in the database with a different text", line=line)
        plan.skipped += 1
        plan.skipped_with_annotations += brought
        return
    ann, comment_rows = comments.notes_to_comment_rows(doc.id, ann, store.annotator, plan.at)
    rows = store.documents.document_rows(doc, ann, plan.at, owner) + comment_rows
    body = audit.event_body(rows, detail)
    body.encode("utf-8")
    doc.text.encode("utf-8")
    plan.documents.append(Prepared(doc.id, doc.sha256, doc.text, rows, body, line,
                                   (len(ann.spans), len(ann.stances), len(ann.relations)), brought))
    present.add(doc.id, doc.sha256)


class _Present:
    """The documents already in the file, and those this import adds (the file is checked again
    when the import commits: another process may add one meanwhile)."""

    def __init__(self, conn):
        self.conn = conn
        self.added: dict[str, str] = {}
        # A file with no documents yet (the first import of a project): nothing to look up for
        # each document (10,000 queries); what another process adds meanwhile is found at commit.
        self.empty = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM documents)").fetchone()[0]

    def sha256(self, doc_id: str) -> str | None:
        if doc_id in self.added:
            return self.added[doc_id]
        if self.empty:
            return None
        row = self.conn.execute("SELECT sha256 FROM documents WHERE id = ?", [doc_id]).fetchone()
        return row[0] if row else None

    def add(self, doc_id: str, sha: str) -> None:
        self.added[doc_id] = sha


def commit(store: "Store", plan: Plan, result: "ImportResult", schema: Schema | None, source: str | None) -> None:
    """Write ``plan`` in one transaction (see the module's doc)."""
    result.skipped += plan.skipped
    result.skipped_with_annotations += plan.skipped_with_annotations
    with store._write() as conn:
        if schema is not None:
            current = conn.execute("SELECT max(version) FROM schemas").fetchone()[0]
            store.schemas.insert(conn, schema, current,
                                 reason=f"labels added by import{f' of {source}' if source else ''}"[:500])
        documents = _still_new(conn, plan, result)
        for at in range(0, len(documents), CHUNK):
            chunk = documents[at:at + CHUNK]
            rows = sorted((row for prepared in chunk for row in prepared.rows), key=lambda r: r.table)
            apply_changes(conn, rows, documents_text={p.doc_id: p.text for p in chunk})
            audit.append_events(conn, [(plan.at, store.annotator, "import", p.doc_id, p.body, None) for p in chunk])
        for prepared in documents:
            result.documents += 1
            spans, stances, relations = prepared.counts
            result.spans += spans
            result.stances += stances
            result.relations += relations


def _still_new(conn, plan: Plan, result: "ImportResult") -> list[Prepared]:
    """The prepared documents, less those another process imported meanwhile (same text: left as
    they are, as any document already present; another text: the import is refused)."""
    keep = []
    for at in range(0, len(plan.documents), CHUNK):
        chunk = plan.documents[at:at + CHUNK]
        marks = ", ".join("?" for _ in chunk)
        there = dict(conn.execute(f"SELECT id, sha256 FROM documents WHERE id IN ({marks})",
                                  [p.doc_id for p in chunk]).fetchall())
        for prepared in chunk:
            if prepared.doc_id not in there:
                keep.append(prepared)
            elif there[prepared.doc_id] != prepared.sha256:
                raise ValidationError(f"document {prepared.doc_id!r} is already in the database with a different "
                                      "text (imported by another process while this import was read)",
                                      line=prepared.line)
            else:
                result.skipped += 1
                result.skipped_with_annotations += prepared.brought_annotations
    return keep
