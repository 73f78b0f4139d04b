"""Deciding about suggestions: accept, reject, accept all, correct.

Reached through ``Store`` (``store.accept``...). A decision keeps the suggestion's row and
records who decided; a correction keeps the rejected suggestion (data about the model) beside
the person's version (gold).
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterable

from annotate.changes import Changes, RowChange
from annotate.errors import ValidationError
from annotate.fragments import resized_attrs
from annotate.model import ACCEPTED, CLAIM, ENTITY, MANUAL, REJECTED, SUGGESTED, Span
from annotate.validate import check_offsets

from .apply import fetch_row
from .rows import dict_rows, new_id, now, span_row
from .spans import UNCHANGED, repoint_rows

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
            decided = list(dict.fromkeys((store.spans.table_of(conn, doc_id, annotation_id), annotation_id)
                                         for annotation_id in ids))
            settled = set(decided)
            for table, annotation_id in decided:
                before = fetch_row(conn, table, (doc_id, annotation_id))
                store._check_fresh(table, (doc_id, annotation_id), before)
                if before["decision"] != SUGGESTED:
                    raise ValidationError(f"{annotation_id!r} is not a suggestion (it is {before['decision']})")
                rows.append(RowChange(table, (doc_id, annotation_id), before,
                                      {**before, "decision": decision, "annotator": store.annotator, "updated_at": at}))
            if decision == REJECTED:
                # Nothing shown may point at a rejected entity: what used it goes with it, as
                # with a deletion (the window asks first, naming how many).
                for table, annotation_id in decided:
                    if table == "spans":
                        rows += store.spans.dependent_rows(conn, doc_id, fetch_row(conn, table, (doc_id, annotation_id)),
                                                           rejecting=True, settled=settled)
                    elif table == "clusters":
                        rows += store.clusters.release_rows(conn, doc_id, annotation_id, at)
            return rows

        return store._act(action, doc_id, plan)

    def accept_all(self, doc_id: str, *, layer: str | None = None, label: str | None = None,
                   min_score: float | None = None) -> Changes:
        """Accept every suggestion left in the document as one undo step: all of them, or those
        of one layer, of one label (an entity's or a relation's), or scored at least ``min_score``."""
        annotator = self.store.annotator

        def plan(conn):
            at = now()
            return [RowChange(table, (doc_id, before["id"]), before,
                              {**before, "decision": ACCEPTED, "annotator": annotator, "updated_at": at})
                    for table, before in self._pending(conn, doc_id, layer, label, min_score)]

        action = "accept all" if label is None and min_score is None else \
            f"accept all{f' {label}' if label else ''}{f' scored {min_score:g} or more' if min_score is not None else ''}"
        return self.store._act(action, doc_id, plan)

    def count_pending(self, doc_id: str, *, layer: str | None = None, label: str | None = None,
                      min_score: float | None = None) -> int:
        """How many suggestions ``accept_all`` with the same filters would accept (its preview)."""
        return len(self._pending(self.store.conn, doc_id, layer, label, min_score))

    @staticmethod
    def _pending(conn, doc_id: str, layer: str | None, label: str | None,
                 min_score: float | None) -> list[tuple[str, dict]]:
        filtered = label is not None or min_score is not None
        span_sql = "SELECT * FROM spans WHERE doc_id = ? AND decision = 'suggested'"
        args: list = [doc_id]
        if layer is not None:
            span_sql += " AND layer = ?"
            args.append(layer)
        if label is not None:
            span_sql += " AND layer = 'entity' AND label = ?"
            args.append(label)
        if min_score is not None:
            span_sql += " AND score >= ?"
            args.append(min_score)
        tables = [("spans", span_sql + " ORDER BY start", args)]
        if layer is None and not filtered:
            tables += [(t, f"SELECT * FROM {t} WHERE doc_id = ? AND decision = 'suggested' ORDER BY id", [doc_id])
                       for t in ("stances", "relations", "clusters")]
        elif layer is None:
            rel_sql = "SELECT * FROM relations WHERE doc_id = ? AND decision = 'suggested'"
            rel_args: list = [doc_id]
            if label is not None:
                rel_sql += " AND label = ?"
                rel_args.append(label)
            if min_score is not None:
                rel_sql += " AND score >= ?"
                rel_args.append(min_score)
            tables.append(("relations", rel_sql + " ORDER BY id", rel_args))
        return [(table, row) for table, sql, sql_args in tables for row in dict_rows(conn, sql, sql_args)]

    def correct(self, doc_id: str, span_id: str, *, start: int | None = None, end: int | None = None,
                label: str | None = None, claimant: Any = UNCHANGED, claimant_text: Any = UNCHANGED,
                claim_type: Any = UNCHANGED, checkworthy: Any = UNCHANGED) -> Changes:
        """Reject a suggestion and record the person's version as a manual span that replaces it.

        Both are kept: the rejection is data about the model, the correction is gold. What
        referred to the suggestion (relations, stances, a claim's claimant) now refers to the
        correction. The claim fields (claimant, claimant_text, claim_type, checkworthy) correct a
        suggested claim; those not given keep the suggestion's values.
        """
        spans = self.store.spans
        if label is not None:
            spans.check_entity_label(label)
        claim_fields = {name: value for name, value in (("claimant", claimant), ("claimant_text", claimant_text),
                                                        ("claim_type", claim_type), ("checkworthy", checkworthy))
                        if value is not UNCHANGED}
        if claim_fields.get("claim_type") is not None:
            spans.check_claim_type(claim_fields["claim_type"])

        def plan(conn):
            before = spans.row(conn, doc_id, span_id)
            return self.correction_rows(conn, doc_id, before, start=start, end=end, label=label, **claim_fields)

        return self.store._act("correct", doc_id, plan)

    def correction_rows(self, conn, doc_id: str, before: dict, *, start: int | None = None, end: int | None = None,
                        label: str | None = None, **claim_fields) -> list[RowChange]:
        """The rows of a correction of the suggestion ``before`` (see ``correct``); ``claim_fields``
        holds only the claim fields given."""
        spans = self.store.spans
        annotator = self.store.annotator
        span_id = before["id"]
        if before["decision"] != SUGGESTED:
            raise ValidationError(f"{span_id!r} is not a suggestion (it is {before['decision']})")
        if claim_fields and before["layer"] != CLAIM:
            raise ValidationError(f"{span_id!r} is an entity; only claims have a claimant, type and check-worthiness")
        new_start = before["start"] if start is None else start
        new_end = before["end"] if end is None else end
        check_offsets(spans.text(conn, doc_id), new_start, new_end, f"correction of {span_id!r}")
        if label is not None and label != before["label"] and before["layer"] == ENTITY:
            # What points at the suggestion points at the correction: a relation whose ends it
            # no longer fits would be kept in a file that import and merge then refuse whole.
            spans.check_relations_still_fit(conn, doc_id, span_id, label)
        if claim_fields.get("claimant"):
            spans.require_entity(conn, doc_id, claim_fields["claimant"], "claimant")
        fields = {"claimant": before["claimant"], "claimant_text": before["claimant_text"],
                  "claim_type": before["claim_type"],
                  "checkworthy": None if before["checkworthy"] is None else bool(before["checkworthy"])}
        fields.update(claim_fields)
        if fields["checkworthy"] is not None:
            fields["checkworthy"] = bool(fields["checkworthy"])
        at = now()
        new = Span(new_id("e" if before["layer"] == ENTITY else "c"), new_start, new_end,
                   label or before["label"], before["layer"], origin=annotator, decision=MANUAL,
                   annotator=annotator, replaces=span_id,
                   attrs=resized_attrs(json.loads(before["attrs"] or "{}"), new_start, new_end),
                   cluster=before.get("cluster"), **fields)
        rows = [RowChange("spans", (doc_id, span_id), before,
                          {**before, "decision": REJECTED, "annotator": annotator, "updated_at": at}),
                RowChange("spans", (doc_id, new.id), None, span_row(doc_id, new, at))]
        rows += repoint_rows(conn, doc_id, span_id, new.id, at)
        return rows
