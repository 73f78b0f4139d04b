"""Where each annotator is with each document: its status (new, in progress, done, skipped), its
document labels, and the counts ``marginalia stats`` prints.

Reached through ``Store`` (``store.set_status``, ``store.stats``...).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from annotate.changes import Changes, RowChange
from annotate.errors import ValidationError
from annotate.model import NEW, STATUSES

from .apply import fetch_row
from .rows import dict_rows, now

if TYPE_CHECKING:
    from .store import Store


class Statuses:
    def __init__(self, store: "Store"):
        self.store = store

    def status(self, doc_id: str) -> tuple[str, str | None]:
        row = self.store.conn.execute("SELECT status, reason FROM doc_status WHERE doc_id = ? AND annotator = ?",
                                      [doc_id, self.store.annotator]).fetchone()
        return (row[0], row[1]) if row else (NEW, None)

    def next_unfinished(self, after: str | None = None) -> str | None:
        """The next document (in import order) this annotator has not marked done or skipped."""
        conn = self.store.conn
        after_rowid = 0
        if after is not None:
            row = conn.execute("SELECT rowid FROM documents WHERE id = ?", [after]).fetchone()
            after_rowid = row[0] if row else 0
        sql = ("SELECT d.id FROM documents d LEFT JOIN doc_status s ON s.doc_id = d.id AND s.annotator = ? "
               "WHERE d.rowid > ? AND coalesce(s.status, 'new') NOT IN ('done', 'skipped') "
               "ORDER BY d.rowid LIMIT 1")
        row = conn.execute(sql, [self.store.annotator, after_rowid]).fetchone()
        if row is None and after_rowid:
            row = conn.execute(sql, [self.store.annotator, 0]).fetchone()
        return row[0] if row else None

    def set_document_labels(self, doc_id: str, labels: Iterable[str]) -> Changes:
        store = self.store
        wanted = sorted(set(labels))
        document_labels = store.schema.document_labels
        for label in wanted:
            if label not in document_labels:
                raise ValidationError(f"unknown document label {label!r} (the schema has "
                                      f"{', '.join(document_labels)})")
        annotator = store.annotator

        def plan(conn):
            store.spans.text(conn, doc_id)
            current = {r["label"]: r for r in dict_rows(
                conn, "SELECT * FROM doc_labels WHERE doc_id = ? AND annotator = ?", [doc_id, annotator])}
            at = now()
            rows = [RowChange("doc_labels", (doc_id, label, annotator), row, None)
                    for label, row in sorted(current.items()) if label not in wanted]
            rows += [RowChange("doc_labels", (doc_id, label, annotator), None,
                               {"doc_id": doc_id, "label": label, "annotator": annotator, "created_at": at})
                     for label in wanted if label not in current]
            return rows

        return store._act("set document labels", doc_id, plan)

    def set_status(self, doc_id: str, status: str, reason: str | None = None) -> Changes:
        if status not in STATUSES:
            raise ValidationError(f"unknown status {status!r} (one of {', '.join(STATUSES)})")
        store = self.store

        def plan(conn):
            store.spans.text(conn, doc_id)
            key = (doc_id, store.annotator)
            before = fetch_row(conn, "doc_status", key)
            after = {"doc_id": doc_id, "annotator": store.annotator, "status": status,
                     "reason": reason if status == "skipped" else None, "updated_at": now()}
            if before and before["status"] == after["status"] and before["reason"] == after["reason"]:
                return []
            return [RowChange("doc_status", key, before, after)]

        return store._act(f"mark {status}", doc_id, plan, touch_status=False)

    def annotators(self) -> list[str]:
        """Everyone with a status or a document label here, or who made or decided an annotation,
        or to whom ``assign`` handed this file (its assignment recorded by that person: in the
        lead's database the lead records it). A file just handed out holds no decision yet, and
        acting as the login name there would record the work under a name the lead did not assign."""
        conn = self.store.conn
        decided = "annotator IS NOT NULL AND decision IN ('accepted', 'manual')"
        return [r[0] for r in conn.execute(
            "SELECT annotator FROM doc_status UNION SELECT annotator FROM doc_labels "
            f"UNION SELECT annotator FROM spans WHERE {decided} UNION SELECT annotator FROM stances WHERE {decided} "
            f"UNION SELECT annotator FROM relations WHERE {decided} "
            "UNION SELECT actor FROM audit WHERE action = 'assign to ' || actor ORDER BY 1")]

    def status_by_annotator(self) -> dict[str, dict[str, int]]:
        """{annotator: {status: documents}} for everyone who has marked a document."""
        total = self.store.document_count()
        result: dict[str, dict[str, int]] = {}
        for name, status, count in self.store.conn.execute(
                "SELECT annotator, status, count(*) FROM doc_status GROUP BY annotator, status ORDER BY annotator"):
            result.setdefault(name, {s: 0 for s in STATUSES})[status] = count
        for counts in result.values():
            counts["new"] = total - sum(v for k, v in counts.items() if k != "new")
        return result

    def stats(self) -> dict:
        with self.store.snapshot():
            return self._stats()

    def _stats(self) -> dict:
        conn = self.store.conn
        total = self.store.document_count()
        by_status = dict(conn.execute("SELECT status, count(*) FROM doc_status WHERE annotator = ? GROUP BY status",
                                      [self.store.annotator]).fetchall())
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
            "annotator": self.store.annotator,
            "status_by_annotator": self.status_by_annotator(),
            "audit_events": conn.execute("SELECT count(*) FROM audit").fetchone()[0],
        }
