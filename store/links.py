"""Links between spans: stances (holder -> target) and relations (head -> tail).

Reached through ``Store`` (``store.add_stance``, ``store.add_relation``...).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotate.changes import Changes, RowChange
from annotate.errors import ValidationError
from annotate.model import MANUAL, Relation, Stance
from annotate.validate import SAME_RELATION_ENDS, SAME_STANCE_ENDS, check_relation

from .apply import fetch_row
from .rows import new_id, now, relation_row, stance_row
from .spans import UNCHANGED

if TYPE_CHECKING:
    from .store import Store


class Links:
    def __init__(self, store: "Store"):
        self.store = store

    # ---- stances ------------------------------------------------------------------------

    def check_polarity(self, polarity: str) -> None:
        polarities = self.store.schema.polarities
        if polarity not in polarities:
            raise ValidationError(f"unknown polarity {polarity!r} (the schema has {', '.join(polarities)})")

    def add_stance(self, doc_id: str, holder: str, target: str, polarity: str, *,
                   evidence: str | None = None) -> Changes:
        self.check_polarity(polarity)
        spans = self.store.spans
        annotator = self.store.annotator

        def plan(conn):
            spans.require_entity(conn, doc_id, holder, "stance holder")
            spans.row(conn, doc_id, target)
            if evidence is not None:
                spans.row(conn, doc_id, evidence)
            if holder == target:
                raise ValidationError(SAME_STANCE_ENDS)
            stance = Stance(new_id("s"), holder, target, polarity, evidence, annotator, MANUAL, annotator)
            return [RowChange("stances", (doc_id, stance.id), None, stance_row(doc_id, stance, now()))]

        return self.store._act("add stance", doc_id, plan)

    def update_stance(self, doc_id: str, stance_id: str, *, polarity: Any = UNCHANGED,
                      evidence: Any = UNCHANGED) -> Changes:
        if polarity is not UNCHANGED:
            self.check_polarity(polarity)
        store = self.store

        def plan(conn):
            before = fetch_row(conn, "stances", (doc_id, stance_id))
            store._check_fresh("stances", (doc_id, stance_id), before)
            if before is None:
                raise ValidationError(f"document {doc_id!r} has no stance {stance_id!r}")
            after = dict(before)
            if polarity is not UNCHANGED:
                after["polarity"] = polarity
            if evidence is not UNCHANGED:
                if evidence is not None:
                    store.spans.row(conn, doc_id, evidence)
                after["evidence"] = evidence
            if after == before:
                return []
            after.update(updated_at=now(), annotator=store.annotator)
            return [RowChange("stances", (doc_id, stance_id), before, after)]

        return store._act("edit stance", doc_id, plan)

    # ---- relations ----------------------------------------------------------------------

    def add_relation(self, doc_id: str, head: str, tail: str, label: str) -> Changes:
        store = self.store

        def plan(conn):
            head_row = store.spans.require_entity(conn, doc_id, head, "relation head")
            tail_row = store.spans.require_entity(conn, doc_id, tail, "relation tail")
            if head == tail:
                raise ValidationError(SAME_RELATION_ENDS)
            check_relation(store.schema, label, head_row["label"], tail_row["label"])
            relation = Relation(new_id("r"), head, tail, label, store.annotator, MANUAL, store.annotator)
            return [RowChange("relations", (doc_id, relation.id), None, relation_row(doc_id, relation, now()))]

        return store._act("add relation", doc_id, plan)

    def relabel_relation(self, doc_id: str, relation_id: str, label: str) -> Changes:
        store = self.store

        def plan(conn):
            before = fetch_row(conn, "relations", (doc_id, relation_id))
            store._check_fresh("relations", (doc_id, relation_id), before)
            if before is None:
                raise ValidationError(f"document {doc_id!r} has no relation {relation_id!r}")
            check_relation(store.schema, label, store.spans.row(conn, doc_id, before["head"])["label"],
                           store.spans.row(conn, doc_id, before["tail"])["label"])
            if before["label"] == label:
                return []
            return [RowChange("relations", (doc_id, relation_id), before,
                              {**before, "label": label, "annotator": store.annotator, "updated_at": now()})]

        return store._act("relabel relation", doc_id, plan)
