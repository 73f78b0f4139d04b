"""The active time each annotator spent on each document (see annotate/worktime.py for what
counts as active), added up in ``work_time`` and reported by ``stats``, the dashboard and the
CSV export. Each saving is an audited action, not an undoable one: time spent stays spent.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from annotate.changes import Changes, RowChange
from annotate.errors import ValidationError

from .apply import fetch_row
from .rows import now

if TYPE_CHECKING:
    from .store import Store


def add(store: "Store", doc_id: str, seconds: float) -> Changes:
    """Add ``seconds`` of active time on ``doc_id`` to ``store.annotator``'s total."""
    if not seconds or seconds < 0:
        if seconds and seconds < 0:
            raise ValidationError(f"time spent cannot be negative ({seconds})")
        return Changes("work time")

    def plan(conn):
        if conn.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is None:
            raise ValidationError(f"no document {doc_id!r} in the database")
        key = (doc_id, store.annotator)
        before = fetch_row(conn, "work_time", key)
        total = round((before["seconds"] if before else 0.0) + seconds, 3)
        after = {"doc_id": doc_id, "annotator": store.annotator, "seconds": total, "updated_at": now()}
        return [RowChange("work_time", key, before, after)]

    return store._act("work time", doc_id, plan, undoable=False, touch_status=False)


def seconds_on(store: "Store", doc_id: str, annotator: str | None = None) -> float:
    row = store.conn.execute("SELECT seconds FROM work_time WHERE doc_id = ? AND annotator = ?",
                             [doc_id, annotator or store.annotator]).fetchone()
    return row[0] if row else 0.0


def report(conn) -> dict:
    """Per annotator: total seconds, documents timed, and seconds per document done; and every
    (document, annotator) with its seconds and status."""
    per_annotator = {}
    for annotator, total, timed, done_seconds, done in conn.execute(
            "SELECT w.annotator, sum(w.seconds), count(*), sum(CASE WHEN s.status = 'done' THEN w.seconds END), "
            "sum(s.status = 'done') FROM work_time w LEFT JOIN doc_status s "
            "ON s.doc_id = w.doc_id AND s.annotator = w.annotator GROUP BY w.annotator ORDER BY w.annotator"):
        per_annotator[annotator] = {"seconds": round(total, 3), "documents": timed,
                                    "seconds_per_done_document": round(done_seconds / done, 3) if done else None}
    documents = [{"doc_id": doc_id, "annotator": annotator, "seconds": seconds, "status": status or "new"}
                 for doc_id, annotator, seconds, status in conn.execute(
                     "SELECT w.doc_id, w.annotator, w.seconds, s.status FROM work_time w LEFT JOIN doc_status s "
                     "ON s.doc_id = w.doc_id AND s.annotator = w.annotator ORDER BY w.doc_id, w.annotator")]
    return {"by_annotator": per_annotator, "documents": documents}


def clock(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
