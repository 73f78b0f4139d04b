"""Read-only queries for the window: the corpus list, one document's changed rows.

They are paged and indexed so that their cost does not grow with the corpus.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from annotate.folding import fold
from annotate.model import Cluster, Relation, Span, Stance

from .database import busy_timeout
from .rows import cluster_from_row, relation_from_row, span_from_row, stance_from_row


@dataclass(frozen=True)
class DocumentRow:
    id: str
    title: str
    status: str
    suggestions: int
    gold: int
    #: The document's place in import order: ``list_documents(after=row.rowid)`` is the next page.
    rowid: int = 0


STATUS_FILTERS = ("all", "new", "in_progress", "done", "skipped", "unreviewed", "discussion")
#: Shorter searches than this cannot use the trigram index (a trigram is three characters).
MIN_INDEXED_SEARCH = 3
#: Rows scanned in import order before a sparse filter switches to its index (see _scan_pages).
SCAN_WINDOW = 2000
# Guarded by json_valid: metadata stored by an older version may hold NaN, which SQLite's JSON
# functions call malformed (an error that would stop every listing); such a title reads as empty.
_TITLE = "coalesce(CASE WHEN json_valid({meta}) THEN json_extract({meta}, '$.title') END, '')"


def list_documents(conn, annotator: str, *, search: str = "", status: str = "all", after: int = 0,
                   limit: int = 200, doc_id: str | None = None) -> list[DocumentRow]:
    """A page of the corpus in import order: the documents after rowid ``after`` (keyset paging,
    so page 500 costs what page 1 costs), filtered by status and by text, title or id (or one
    document).

    Search is a substring match that ignores case and accents ("cavusoglu" finds "Çavuşoğlu"), answered by the trigram index
    (``documents_search``, migration m004) for three characters or more; shorter strings are
    matched in a scan of the documents that stops at the first page of matches.
    """
    if status not in STATUS_FILTERS:
        raise ValueError(f"unknown status filter {status!r}")
    if doc_id is not None:
        rowids = [r[0] for r in conn.execute("SELECT rowid FROM documents WHERE id = ?", [doc_id])]
    elif search and len(fold(search)) >= MIN_INDEXED_SEARCH and _has_search_index(conn):
        rowids = _search_page(conn, annotator, search, status, after, limit)
    elif search:
        pred, args = _status_predicate(status, annotator)
        rowids = [r[0] for r in conn.execute(
            f"SELECT d.rowid FROM documents d WHERE d.rowid > ? AND {pred} AND ({_CONTAINS_ANY}) "
            "ORDER BY d.rowid LIMIT ?", [after, *args, *_contains_args(conn, search), limit])]
    else:
        rowids = _filter_page(conn, annotator, status, after, limit)
    return rows_by_rowid(conn, annotator, rowids)


#: Orders of the corpus besides import order (the ranked ones show their first RANKED_LIMIT rows).
ORDERS = ("import", "uncertain", "disagreement")
RANKED_LIMIT = 1000


def ranked_documents(conn, annotator: str, order: str, *, status: str = "all",
                     limit: int = RANKED_LIMIT) -> list[DocumentRow]:
    """The documents to look at first, as an active-learning queue would give them:

    * ``uncertain``: by how unsure the model was, the sum over a document's undecided
      suggestions of 1 - score (a suggestion with no score counts 0.5);
    * ``disagreement``: by how many entities (offsets and label) some annotators of a document
      marked and others did not, among documents two or more people annotated.

    Ties in import order; documents with nothing to rank are left out.
    """
    if order not in ORDERS[1:]:
        raise ValueError(f"unknown order {order!r}")
    if order == "uncertain":
        sql = ("SELECT d.rowid, sum(1.0 - coalesce(s.score, 0.5)) AS rank FROM spans s "
               "JOIN documents d ON d.id = s.doc_id WHERE s.decision = 'suggested' GROUP BY s.doc_id")
    else:
        sql = ("WITH g AS (SELECT doc_id, start, \"end\", label, count(DISTINCT annotator) AS n FROM spans "
               "WHERE decision IN ('accepted', 'manual') AND layer = 'entity' GROUP BY doc_id, start, \"end\", label), "
               "a AS (SELECT doc_id, count(DISTINCT annotator) AS people FROM spans "
               "WHERE decision IN ('accepted', 'manual') AND layer = 'entity' GROUP BY doc_id) "
               "SELECT d.rowid, sum(g.n < a.people) AS rank FROM g JOIN a ON a.doc_id = g.doc_id "
               "JOIN documents d ON d.id = g.doc_id WHERE a.people >= 2 GROUP BY g.doc_id HAVING rank > 0")
    pred, args = _status_predicate(status, annotator)
    ranked = [r[0] for r in conn.execute(
        f"SELECT r.rowid FROM ({sql}) r JOIN documents d ON d.rowid = r.rowid WHERE {pred} "
        "ORDER BY r.rank DESC, r.rowid LIMIT ?", [*args, limit])]
    rows = {row.rowid: row for row in rows_by_rowid(conn, annotator, ranked)}
    return [rows[rowid] for rowid in ranked if rowid in rows]


def rows_by_rowid(conn, annotator: str, rowids: list[int]) -> list[DocumentRow]:
    """The corpus rows of some documents, in import order; the counts come from the
    spans_by_decision index (a seek per document, never a scan of the corpus's spans)."""
    if not rowids:
        return []
    marks = ", ".join("?" for _ in rowids)
    sql = ("SELECT d.id, CAST(coalesce(CASE WHEN json_valid(d.meta) THEN json_extract(d.meta, '$.title') END, d.id) "
           "AS TEXT), coalesce(s.status, 'new'), "
           "(SELECT count(*) FROM spans x WHERE x.decision = 'suggested' AND x.doc_id = d.id), "
           "(SELECT count(*) FROM spans x WHERE x.decision IN ('accepted', 'manual') AND x.doc_id = d.id), "
           "d.rowid FROM documents d LEFT JOIN doc_status s ON s.doc_id = d.id AND s.annotator = ? "
           f"WHERE d.rowid IN ({marks}) ORDER BY d.rowid")
    return [DocumentRow(*row) for row in conn.execute(sql, [annotator, *rowids])]


# ---- filters ---------------------------------------------------------------------------------

# Matching without the index (short searches; documents changed since the index was brought up
# to date): folded like the index (case and accents: "cavusoglu" finds "Çavuşoğlu"; LIKE folds
# only ASCII case), so through a function of ours.
_CONTAINS_ANY = ("marginalia_contains(d.text, ?) OR marginalia_contains(CASE WHEN json_valid(d.meta) THEN "
                 "json_extract(d.meta, '$.title') END, ?) "
                 "OR marginalia_contains(d.id, ?)")


def _contains(haystack, needle: str) -> bool:
    return haystack is not None and needle in fold(str(haystack))


def _fold_sql(value):
    return None if value is None else fold(str(value))


def _contains_args(conn, search: str) -> list[str]:
    conn.create_function("marginalia_contains", 2, _contains, deterministic=True)
    needle = fold(search)
    return [needle, needle, needle]


def _status_predicate(status: str, annotator: str) -> tuple[str, list]:
    """A condition on ``d`` (a row of documents): an index probe per document."""
    if status == "all":
        return "1", []
    if status == "unreviewed":
        return "EXISTS (SELECT 1 FROM spans x WHERE x.decision = 'suggested' AND x.doc_id = d.id)", []
    if status == "discussion":
        return "EXISTS (SELECT 1 FROM comments c WHERE c.needs_discussion = 1 AND c.doc_id = d.id)", []
    if status == "new":
        return ("NOT EXISTS (SELECT 1 FROM doc_status s WHERE s.doc_id = d.id AND s.annotator = ? "
                "AND s.status != 'new')"), [annotator]
    return "EXISTS (SELECT 1 FROM doc_status s WHERE s.doc_id = d.id AND s.annotator = ? AND s.status = ?)", \
        [annotator, status]


def _filter_page(conn, annotator: str, status: str, after: int, limit: int) -> list[int]:
    if status == "all":
        return [r[0] for r in conn.execute("SELECT rowid FROM documents WHERE rowid > ? ORDER BY rowid LIMIT ?",
                                           [after, limit])]
    if status == "discussion":
        # Driven by the comments_needing_discussion index: the cost follows the flagged comments.
        return [r[0] for r in conn.execute(
            "SELECT d.rowid FROM (SELECT DISTINCT doc_id FROM comments WHERE needs_discussion = 1) x "
            "JOIN documents d ON d.id = x.doc_id WHERE d.rowid > ? ORDER BY d.rowid LIMIT ?", [after, limit])]
    if status in ("in_progress", "done", "skipped"):
        # Driven by the status index: the cost follows the documents with that status, and the
        # join to documents reads only the id index (id -> rowid), never a document row.
        return [r[0] for r in conn.execute(
            "SELECT d.rowid FROM doc_status s JOIN documents d ON d.id = s.doc_id "
            "WHERE s.annotator = ? AND s.status = ? AND d.rowid > ? ORDER BY d.rowid LIMIT ?",
            [annotator, status, after, limit])]
    return _scan_pages(conn, annotator, status, after, limit)


def _scan_pages(conn, annotator: str, status: str, after: int, limit: int) -> list[int]:
    """"new" and "unreviewed": usually most documents match, so walk import order with an index
    probe per document, a growing window at a time (a window is a rowid range, so a page
    costs what its matches and the documents between them cost, never the corpus before it).
    "unreviewed" when suggestions are few switches to the spans_by_decision index, whose cost
    then follows those few suggestions; "new" (the absence of a status row) has no index to
    switch to and keeps walking."""
    pred, args = _status_predicate(status, annotator)
    found: list[int] = []
    low, window = after, SCAN_WINDOW
    last = conn.execute("SELECT max(rowid) FROM documents").fetchone()[0] or 0
    while len(found) < limit and low < last:
        high = low + window
        found += [r[0] for r in conn.execute(
            f"SELECT d.rowid FROM documents d WHERE d.rowid > ? AND d.rowid <= ? AND {pred} "
            "ORDER BY d.rowid LIMIT ?", [low, high, *args, limit - len(found)])]
        low, window = high, window * 4
        if len(found) < limit and low < last and status == "unreviewed" and _few_suggestions(conn):
            found += [r[0] for r in conn.execute(
                "SELECT d.rowid FROM (SELECT DISTINCT doc_id FROM spans WHERE decision = 'suggested') x "
                "JOIN documents d ON d.id = x.doc_id WHERE d.rowid > ? ORDER BY d.rowid LIMIT ?",
                [low, limit - len(found)])]
            break
    return found


def _few_suggestions(conn, bound: int = 20_000) -> bool:
    """Whether fewer than ``bound`` suggestions are left in the corpus (counting at most that)."""
    return conn.execute("SELECT count(*) FROM (SELECT 1 FROM spans WHERE decision = 'suggested' LIMIT ?)",
                        [bound]).fetchone()[0] < bound


# ---- search ----------------------------------------------------------------------------------

def _has_search_index(conn) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents_search_pending'").fetchone() is not None


def _match_phrase(search: str) -> str:
    return '"' + search.replace('"', '""') + '"'


def _search_page(conn, annotator: str, search: str, status: str, after: int, limit: int) -> list[int]:
    """Documents the index finds, plus those changed since it was last brought up to date
    (documents_search_pending, usually empty), matched directly."""
    pred, args = _status_predicate(status, annotator)
    pending = conn.execute("SELECT 1 FROM documents_search_pending LIMIT 1").fetchone() is not None
    exclude = " AND f.rowid NOT IN (SELECT doc_rowid FROM documents_search_pending)" if pending else ""
    found = [r[0] for r in conn.execute(
        "SELECT f.rowid FROM documents_search f JOIN documents d ON d.rowid = f.rowid "
        f"WHERE documents_search MATCH ? AND f.rowid > ?{exclude} AND {pred} ORDER BY f.rowid LIMIT ?",
        [_match_phrase(fold(search)), after, *args, limit])]
    if pending:
        found += [r[0] for r in conn.execute(
            "SELECT d.rowid FROM documents_search_pending p JOIN documents d ON d.rowid = p.doc_rowid "
            f"WHERE p.doc_rowid > ? AND {pred} AND ({_CONTAINS_ANY}) ORDER BY p.doc_rowid LIMIT ?",
            [after, *args, *_contains_args(conn, search), limit])]
        found = sorted(found)[:limit]
    return found


def search_pending(conn) -> int:
    """How many documents changed since the search index was last brought up to date."""
    if not _has_search_index(conn):
        return 0
    return conn.execute("SELECT count(*) FROM documents_search_pending").fetchone()[0]


def sync_search(conn, max_documents: int | None = None, *, busy_ms: int | None = None) -> int | None:
    """Fold documents imported, changed or removed since the last call into the search index,
    at most ``max_documents`` of them (oldest first) so a caller can spread a large import
    over idle moments. Returns how many are still pending, or None when the index cannot be
    written now (a read-only connection, or another writer holds the lock for longer than
    ``busy_ms``, default the connection's busy timeout); searches stay correct meanwhile (see
    _search_page)."""
    if not _has_search_index(conn):
        return None
    if conn.execute("SELECT 1 FROM documents_search_pending LIMIT 1").fetchone() is None:
        return 0
    limit = -1 if max_documents is None else max_documents
    own = not conn.in_transaction
    with busy_timeout(conn, busy_ms):
        try:
            conn.execute("BEGIN IMMEDIATE" if own else "SAVEPOINT sync_search")
            try:
                last = conn.execute("SELECT max(doc_rowid) FROM (SELECT doc_rowid FROM documents_search_pending "
                                    "ORDER BY doc_rowid LIMIT ?)", [limit]).fetchone()[0]
                # The index holds folded values (m008): a row is deleted with the values it was
                # inserted with, folded again the same way.
                conn.create_function("marginalia_fold", 1, _fold_sql, deterministic=True)
                conn.execute(
                    "INSERT INTO documents_search (documents_search, rowid, id, title, text) "
                    f"SELECT 'delete', doc_rowid, marginalia_fold(id), marginalia_fold({_TITLE.format(meta='meta')}), "
                    "marginalia_fold(text) FROM documents_search_pending WHERE text IS NOT NULL AND doc_rowid <= ?", [last])
                conn.execute(
                    "INSERT INTO documents_search (rowid, id, title, text) "
                    f"SELECT d.rowid, marginalia_fold(d.id), marginalia_fold({_TITLE.format(meta='d.meta')}), "
                    "marginalia_fold(d.text) "
                    "FROM documents_search_pending p JOIN documents d ON d.rowid = p.doc_rowid WHERE p.doc_rowid <= ?",
                    [last])
                conn.execute("DELETE FROM documents_search_pending WHERE doc_rowid <= ?", [last])
                left = conn.execute("SELECT count(*) FROM documents_search_pending").fetchone()[0]
            except BaseException:
                conn.execute("ROLLBACK" if own else "ROLLBACK TO sync_search")
                if not own:
                    conn.execute("RELEASE sync_search")
                raise
            conn.execute("COMMIT" if own else "RELEASE sync_search")
            return left
        except sqlite3.OperationalError:  # read-only, or busy: try again later
            return None


def progress(conn, annotator: str) -> tuple[int, int]:
    """(done, total) for one annotator. The total counts the corpus (an index scan): callers on
    a keypress path keep it and ask only ``done_count``."""
    total = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    return done_count(conn, annotator), total


def done_count(conn, annotator: str) -> int:
    """How many documents this annotator has done (a range of the status_by_annotator index)."""
    return conn.execute("SELECT count(*) FROM doc_status WHERE annotator = ? AND status = 'done'",
                        [annotator]).fetchone()[0]


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


def changed_clusters(conn, doc_id: str, ids: set[str]) -> dict[str, Cluster | None]:
    found = {k: cluster_from_row(v) for k, v in _rows(conn, "clusters", doc_id, ids).items()}
    return {i: found.get(i) for i in ids}


def changed_stances(conn, doc_id: str, ids: set[str]) -> dict[str, Stance | None]:
    found = {k: stance_from_row(v) for k, v in _rows(conn, "stances", doc_id, ids).items()}
    return {i: found.get(i) for i in ids}


def changed_relations(conn, doc_id: str, ids: set[str]) -> dict[str, Relation | None]:
    found = {k: relation_from_row(v) for k, v in _rows(conn, "relations", doc_id, ids).items()}
    return {i: found.get(i) for i in ids}
