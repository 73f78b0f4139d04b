"""Deciding about suggestions: accept, reject, accept all, correct.

Reached through ``Store`` (``store.accept``...). A decision keeps the suggestion's row and
records who decided; a correction keeps the rejected suggestion (data about the model) beside
the person's version (gold).
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Iterable

from annotate.changes import Changes, RowChange
from annotate.errors import ValidationError
from annotate.fragments import resized_attrs
from annotate.model import ACCEPTED, ENTITY, MANUAL, REJECTED, SUGGESTED, Span
from annotate.validate import check_offsets

from .apply import fetch_row
from .rows import dict_rows, new_id, now, span_row

if TYPE_CHECKING:
    from .store import Store


class Decisions:
    def __init__(self, store: "Store"):
        self.store = store

    def accept(self, doc_id: str, *annotation_ids: str) -> Changes:
        return self._decide("accept", doc_id, annotation_ids, ACCEPTED)

    def reject(self, doc_id: str, *annotation_ids: str) -> Changes:
        return self._decide("reject", doc_id, annotation_ids, REJECTED)

    def _decide(self, action: str, doc_id: str, ids: Iterable[str], decision: str) -> Changes:
        store = self.store

        def plan(conn):
            rows = []
            at = now()
            for annotation_id in ids:
                table = store.spans.table_of(conn, doc_id, annotation_id)
                before = fetch_row(conn, table, (doc_id, annotation_id))
                store._check_fresh(table, (doc_id, annotation_id), before)
                if before["decision"] != SUGGESTED:
                    raise ValidationError(f"{annotation_id!r} is not a suggestion (it is {before['decision']})")
                rows.append(RowChange(table, (doc_id, annotation_id), before,
                                      {**before, "decision": decision, "annotator": store.annotator, "updated_at": at}))
            return rows

        return store._act(action, doc_id, plan)

    def accept_all(self, doc_id: str, *, layer: str | None = None) -> Changes:
        """Accept every suggestion left in the document (or in one layer) as one undo step."""
        annotator = self.store.annotator

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
                for before in dict_rows(conn, sql, sql_args):
                    rows.append(RowChange(table, (doc_id, before["id"]), before,
                                          {**before, "decision": ACCEPTED, "annotator": annotator, "updated_at": at}))
            return rows

        return self.store._act("accept all", doc_id, plan)

    def correct(self, doc_id: str, span_id: str, *, start: int | None = None, end: int | None = None,
                label: str | None = None) -> Changes:
        """Reject a suggestion and record the person's version as a manual span that replaces it.

        Both are kept: the rejection is data about the model, the correction is gold. What
        referred to the suggestion (relations, stances, a claim's claimant) now refers to the
        correction.
        """
        spans = self.store.spans
        annotator = self.store.annotator
        if label is not None:
            spans.check_entity_label(label)

        def plan(conn):
            before = spans.row(conn, doc_id, span_id)
            if before["decision"] != SUGGESTED:
                raise ValidationError(f"{span_id!r} is not a suggestion (it is {before['decision']})")
            new_start = before["start"] if start is None else start
            new_end = before["end"] if end is None else end
            check_offsets(spans.text(conn, doc_id), new_start, new_end, f"correction of {span_id!r}")
            at = now()
            new = Span(new_id("e" if before["layer"] == ENTITY else "c"), new_start, new_end,
                       label or before["label"], before["layer"], origin=annotator, decision=MANUAL,
                       annotator=annotator, claimant=before["claimant"], claimant_text=before["claimant_text"],
                       claim_type=before["claim_type"],
                       checkworthy=None if before["checkworthy"] is None else bool(before["checkworthy"]),
                       replaces=span_id,
                       attrs=resized_attrs(json.loads(before["attrs"] or "{}"), new_start, new_end))
            rows = [RowChange("spans", (doc_id, span_id), before,
                              {**before, "decision": REJECTED, "annotator": annotator, "updated_at": at}),
                    RowChange("spans", (doc_id, new.id), None, span_row(doc_id, new, at))]
            rows += repoint_rows(conn, doc_id, span_id, new.id, at)
            return rows

        return self.store._act("correct", doc_id, plan)


def repoint_rows(conn, doc_id: str, old: str, new: str, at: str) -> list[RowChange]:
    """What referred to span ``old`` (stances, relations, claims' claimants) refers to ``new``."""
    rows = []
    for table, columns in (("stances", ("holder", "target", "evidence")), ("relations", ("head", "tail")),
                           ("spans", ("claimant",))):
        condition = " OR ".join(f"{c} = ?" for c in columns)
        for before in dict_rows(conn, f"SELECT * FROM {table} WHERE doc_id = ? AND ({condition})",
                                [doc_id, *([old] * len(columns))]):
            after = {**before, "updated_at": at}
            for column in columns:
                if after[column] == old:
                    after[column] = new
            rows.append(RowChange(table, (doc_id, before["id"]), before, after))
    return rows
