"""Comments on a document or on one of its annotations: stored, audited and undoable like every
action, carried through ``merge`` and to brat as ``#`` notes.

A comment belongs to the annotator who wrote it; ``needs_discussion`` marks the ones a team
should talk over (the corpus panel and ``comments --needs-discussion`` filter on it).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotate.changes import Changes, RowChange
from annotate.errors import ValidationError

from .apply import fetch_row
from .rows import dict_rows, new_id, now

if TYPE_CHECKING:
    from .store import Store

ANNOTATION_TABLES = ("spans", "stances", "relations")
MAX_LENGTH = 10_000


@dataclass(frozen=True)
class Comment:
    doc_id: str
    id: str
    target: str | None  # an annotation id, or None: the document
    annotator: str
    body: str
    needs_discussion: bool
    created_at: str
    updated_at: str

    @classmethod
    def from_row(cls, row: dict) -> "Comment":
        return cls(row["doc_id"], row["id"], row["target"], row["annotator"], row["body"],
                   bool(row["needs_discussion"]), row["created_at"], row["updated_at"])


def _clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError("a comment needs some text")
    if len(body) > MAX_LENGTH:
        raise ValidationError(f"a comment holds at most {MAX_LENGTH} characters (this one has {len(body)})")
    return body


def _check_target(conn, doc_id: str, target: str | None) -> None:
    if conn.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is None:
        raise ValidationError(f"no document {doc_id!r} in the database")
    if target is not None and not any(fetch_row(conn, t, (doc_id, target)) for t in ANNOTATION_TABLES):
        raise ValidationError(f"document {doc_id!r} has no annotation {target!r} to comment on")


def add(store: "Store", doc_id: str, body: str, *, target: str | None = None,
        needs_discussion: bool = False) -> Changes:
    """Comment on the document (``target`` None) or on one of its annotations."""
    body = _clean(body)

    def plan(conn):
        _check_target(conn, doc_id, target)
        at = now()
        comment_id = new_id("n")
        row = {"doc_id": doc_id, "id": comment_id, "target": target, "annotator": store.annotator, "body": body,
               "needs_discussion": int(bool(needs_discussion)), "created_at": at, "updated_at": at}
        return [RowChange("comments", (doc_id, comment_id), None, row)]

    return store._act("comment", doc_id, plan, touch_status=False)


def edit(store: "Store", doc_id: str, comment_id: str, *, body: str | None = None,
         needs_discussion: bool | None = None) -> Changes:
    """Change a comment's text or its needs-discussion mark (anyone may mark; only its author rewrites)."""
    new_body = None if body is None else _clean(body)

    def plan(conn):
        before = fetch_row(conn, "comments", (doc_id, comment_id))
        if before is None:
            raise ValidationError(f"document {doc_id!r} has no comment {comment_id!r}")
        if new_body is not None and new_body != before["body"] and before["annotator"] != store.annotator:
            raise ValidationError(f"comment {comment_id!r} is {before['annotator']}'s: only they can rewrite it")
        after = dict(before)
        if new_body is not None:
            after["body"] = new_body
        if needs_discussion is not None:
            after["needs_discussion"] = int(bool(needs_discussion))
        if after == before:
            return []
        after["updated_at"] = now()
        return [RowChange("comments", (doc_id, comment_id), before, after)]

    return store._act("comment: edit", doc_id, plan, touch_status=False)


def delete(store: "Store", doc_id: str, comment_id: str) -> Changes:
    def plan(conn):
        before = fetch_row(conn, "comments", (doc_id, comment_id))
        if before is None:
            raise ValidationError(f"document {doc_id!r} has no comment {comment_id!r}")
        if before["annotator"] != store.annotator:
            raise ValidationError(f"comment {comment_id!r} is {before['annotator']}'s: only they can delete it")
        return [RowChange("comments", (doc_id, comment_id), before, None)]

    return store._act("comment: delete", doc_id, plan, touch_status=False)


def of_document(store: "Store", doc_id: str) -> list[Comment]:
    """Every comment on the document and its annotations, oldest first."""
    return [Comment.from_row(r) for r in dict_rows(
        store.conn, "SELECT * FROM comments WHERE doc_id = ? ORDER BY created_at, id", [doc_id])]


def needing_discussion(store: "Store") -> list[Comment]:
    return [Comment.from_row(r) for r in dict_rows(
        store.conn, "SELECT * FROM comments WHERE needs_discussion = 1 ORDER BY doc_id, created_at, id")]


def documents_needing_discussion(store: "Store") -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT DISTINCT doc_id FROM comments WHERE needs_discussion = 1")}


# ---- brat notes ----------------------------------------------------------------------------

#: brat's own note type (what its UI writes); other note types stay in the span's attrs verbatim
BRAT_NOTE = "AnnotatorNotes"


def notes_to_comment_rows(doc_id: str, ann, annotator: str, at: str):
    """An import's brat ``#`` notes on entities as comments: (annotations without those notes, rows)."""
    from dataclasses import replace

    from annotate.changes import RowChange as Row

    rows = []
    spans = []
    for span in ann.spans:
        notes = span.attrs.get("notes") if span.attrs else None
        if not notes:
            spans.append(span)
            continue
        kept = [n for n in notes if n[0] != BRAT_NOTE]
        for _kind, body in (n for n in notes if n[0] == BRAT_NOTE):
            if not body.strip():
                continue  # kept as written otherwise: an export writes the same note back
            comment_id = new_id("n")
            rows.append(Row("comments", (doc_id, comment_id), None, {
                "doc_id": doc_id, "id": comment_id, "target": span.id, "annotator": span.annotator or annotator,
                "body": body[:MAX_LENGTH], "needs_discussion": 0, "created_at": at, "updated_at": at}))
        attrs = {k: v for k, v in span.attrs.items() if k != "notes"}
        if kept:
            attrs["notes"] = kept
        spans.append(replace(span, attrs=attrs))
    return (replace(ann, spans=spans) if rows else ann), rows


def note_line(body: str) -> str:
    """A brat note is one line of one field: line breaks and tabs become spaces."""
    return body.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")


def with_comments_as_notes(conn, item):
    """``item`` with the comments on its entities added to their attrs as brat notes (for export)."""
    from dataclasses import replace

    by_target: dict[str, list[str]] = {}
    for target, body in conn.execute("SELECT target, body FROM comments WHERE doc_id = ? AND target IS NOT NULL "
                                     "ORDER BY created_at, id", [item.document.id]):
        by_target.setdefault(target, []).append(body)
    if not by_target:
        return item
    spans = []
    for span in item.annotations.spans:
        bodies = by_target.get(span.id)
        if bodies:
            notes = list(span.attrs.get("notes") or []) + [[BRAT_NOTE, note_line(b)] for b in bodies]
            span = replace(span, attrs={**span.attrs, "notes": notes})
        spans.append(span)
    return replace(item, annotations=replace(item.annotations, spans=spans))
