"""Read-only queries for the window: the corpus list, one document's changed rows.

They are paged and indexed so that their cost does not grow with the corpus.
"""
from __future__ import annotations

from dataclasses import dataclass

from annotate.model import Relation, Span, Stance

from .rows import relation_from_row, span_from_row, stance_from_row


@dataclass(frozen=True)
class DocumentRow:
    id: str
    title: str
    status: str
    suggestions: int
    gold: int


STATUS_FILTERS = ("all", "new", "in_progress", "done", "skipped", "unreviewed")


def list_documents(conn, annotator: str, *, search: str = "", status: str = "all", offset: int = 0,
                   limit: int = 200, doc_id: str | None = None) -> list[DocumentRow]:
    """A page of the corpus, in import order, filtered by status and text or title (or one document)."""
    where, args = [], [annotator]
    if doc_id is not None:
        where.append("d.id = ?")
        args.append(doc_id)
    if status == "unreviewed":
        where.append("EXISTS (SELECT 1 FROM spans x WHERE x.doc_id = d.id AND x.decision = 'suggested')")
    elif status != "all":
        where.append("coalesce(s.status, 'new') = ?")
        args.append(status)
    if search:
        where.append("(instr(d.text, ?) > 0 OR instr(coalesce(json_extract(d.meta, '$.title'), ''), ?) > 0 "
                     "OR instr(d.id, ?) > 0)")
        args += [search, search, search]
    sql = ("SELECT d.id, coalesce(json_extract(d.meta, '$.title'), d.id), coalesce(s.status, 'new'), "
           "(SELECT count(*) FROM spans x WHERE x.doc_id = d.id AND x.decision = 'suggested'), "
           "(SELECT count(*) FROM spans x WHERE x.doc_id = d.id AND x.decision IN ('accepted', 'manual')) "
           "FROM documents d LEFT JOIN doc_status s ON s.doc_id = d.id AND s.annotator = ?")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY d.rowid LIMIT ? OFFSET ?"
    return [DocumentRow(*row) for row in conn.execute(sql, [*args, limit, offset])]


def progress(conn, annotator: str) -> tuple[int, int]:
    """(done, total) for one annotator."""
    total = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    done = conn.execute("SELECT count(*) FROM doc_status WHERE annotator = ? AND status = 'done'",
                        [annotator]).fetchone()[0]
    return done, total


def _rows(conn, table: str, doc_id: str, ids: set[str]):
    if not ids:
        return {}
    placeholders = ", ".join("?" for _ in ids)
    cursor = conn.execute(f"SELECT * FROM {table} WHERE doc_id = ? AND id IN ({placeholders})", [doc_id, *ids])
    names = [d[0] for d in cursor.description]
    return {row[1]: dict(zip(names, row)) for row in cursor.fetchall()}


def changed_spans(conn, doc_id: str, ids: set[str]) -> dict[str, Span | None]:
    """The current state of some spans: a Span, or None for those no longer there."""
    found = {k: span_from_row(v) for k, v in _rows(conn, "spans", doc_id, ids).items()}
    return {i: found.get(i) for i in ids}


def changed_stances(conn, doc_id: str, ids: set[str]) -> dict[str, Stance | None]:
    found = {k: stance_from_row(v) for k, v in _rows(conn, "stances", doc_id, ids).items()}
    return {i: found.get(i) for i in ids}


def changed_relations(conn, doc_id: str, ids: set[str]) -> dict[str, Relation | None]:
    found = {k: relation_from_row(v) for k, v in _rows(conn, "relations", doc_id, ids).items()}
    return {i: found.get(i) for i in ids}
