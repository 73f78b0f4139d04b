"""Entity and claim spans: adding, editing and deleting them, and the look-ups other actions share.

Reached through ``Store`` (``store.add_entity``, ``store.delete``...); deciding about
suggestions is in ``decisions.py``.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable

from annotate.changes import Changes, RowChange
from annotate.errors import ValidationError
from annotate.fragments import resized_attrs
from annotate.model import ACCEPTED, CLAIM, ENTITY, MANUAL, REJECTED, SUGGESTED, Span
from annotate.validate import check_offsets, check_relation

from .apply import fetch_row
from .rows import dict_rows, dumps, new_id, now, span_row

if TYPE_CHECKING:
    from .store import Store

CLAIM_LABEL = "CLAIM"
#: "Leave this field as it is" (None is a value: it clears the field).
UNCHANGED: Any = object()


class Spans:
    def __init__(self, store: "Store"):
        self.store = store

    # ---- look-ups shared by every action on annotations ---------------------------------

    def text(self, conn, doc_id: str) -> str:
        row = conn.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise ValidationError(f"no document {doc_id!r} in the database")
        return row[0]

    def row(self, conn, doc_id: str, span_id: str) -> dict:
        """The span's row as it is now; ConflictError if it changed since this store showed it."""
        row = fetch_row(conn, "spans", (doc_id, span_id))
        self.store._check_fresh("spans", (doc_id, span_id), row)
        if row is None:
            raise ValidationError(f"document {doc_id!r} has no entity or claim {span_id!r}")
        return row

    def require_entity(self, conn, doc_id: str, ref: str, role: str) -> dict:
        row = self.row(conn, doc_id, ref)
        if row["layer"] != ENTITY:
            raise ValidationError(f"the {role} must be an entity; {ref!r} is a {row['layer']}")
        return row

    def table_of(self, conn, doc_id: str, annotation_id: str) -> str:
        for table in ("spans", "stances", "relations", "clusters"):
            if conn.execute(f"SELECT 1 FROM {table} WHERE doc_id = ? AND id = ?", [doc_id, annotation_id]).fetchone():
                return table
        for table in ("spans", "stances", "relations"):
            self.store._check_fresh(table, (doc_id, annotation_id), None)
        raise ValidationError(f"document {doc_id!r} has no annotation {annotation_id!r}")

    def check_entity_label(self, label: str) -> None:
        schema = self.store.schema
        if schema.entity(label) is None:
            raise ValidationError(f"unknown entity label {label!r} (the schema has {', '.join(schema.entity_labels)})")

    def check_claim_type(self, claim_type: str) -> None:
        schema = self.store.schema
        if claim_type not in schema.claim_types:
            raise ValidationError(f"unknown claim type {claim_type!r} (the schema has {', '.join(schema.claim_types)})")

    # ---- adding -------------------------------------------------------------------------

    def add_entity(self, doc_id: str, start: int, end: int, label: str) -> Changes:
        self.check_entity_label(label)
        return self._add_span(doc_id, Span(new_id("e"), start, end, label, ENTITY), "add entity")

    def add_claim(self, doc_id: str, start: int, end: int, *, claimant: str | None = None,
                  claimant_text: str | None = None, claim_type: str | None = None,
                  checkworthy: bool | None = None) -> Changes:
        claim_type = claim_type or self.store.schema.default_claim_type
        self.check_claim_type(claim_type)
        span = Span(new_id("c"), start, end, CLAIM_LABEL, CLAIM, claimant=claimant, claimant_text=claimant_text,
                    claim_type=claim_type, checkworthy=checkworthy)
        return self._add_span(doc_id, span, "add claim")

    def _add_span(self, doc_id: str, span: Span, action: str) -> Changes:
        annotator = self.store.annotator
        span.origin, span.decision, span.annotator = annotator, MANUAL, annotator

        accepted: list[str] = []

        def plan(conn):
            check_offsets(self.text(conn, doc_id), span.start, span.end, f"{span.layer} in {doc_id!r}")
            if span.claimant is not None:
                self.require_entity(conn, doc_id, span.claimant, "claimant")
            pending = dict_rows(conn, 'SELECT * FROM spans WHERE doc_id = ? AND layer = ? AND start = ? AND "end" = ? '
                                "AND decision = 'suggested' ORDER BY id", [doc_id, span.layer, span.start, span.end])
            if pending:
                rows = self._settle_rows(conn, doc_id, span, pending)
                if rows[0].after["decision"] == ACCEPTED:
                    accepted.append(rows[0].key[1])
                return rows
            return [RowChange("spans", (doc_id, span.id), None, span_row(doc_id, span, now()))]

        changes = self.store._act(action, doc_id, plan)
        # ``created`` names the annotation that now stands for the person's: the new span, or
        # the suggestion that said the same and was accepted.
        changes.created = accepted + changes.created
        return changes

    def _settle_rows(self, conn, doc_id: str, span: Span, pending: list[dict]) -> list[RowChange]:
        """A person's entity or claim over exactly the text of pending suggestions decides them.

        The suggestion that says the same (label; for a claim, claimant, type and check-worthiness)
        is accepted; if none does, the first is corrected to the person's version (rejected, and
        replaced by it). Any other suggestion on that text is rejected, and what referred to it
        refers to the person's version: nothing is left to be accepted a second time.
        """
        annotator = self.store.annotator
        same = next((row for row in pending if _says_the_same(row, span)), None)
        at = now()
        if same is not None:
            settled = same
            rows = [RowChange("spans", (doc_id, same["id"]), same,
                              {**same, "decision": ACCEPTED, "annotator": annotator, "updated_at": at})]
            kept = same["id"]
        else:
            settled = pending[0]
            claim_fields = {} if span.layer != CLAIM else {
                "claimant": span.claimant, "claimant_text": span.claimant_text, "claim_type": span.claim_type,
                "checkworthy": span.checkworthy}
            rows = self.store.decisions.correction_rows(
                conn, doc_id, settled, label=span.label if span.layer != CLAIM else None, **claim_fields)
            kept = rows[1].key[1]  # the person's version, which replaces the suggestion
        for row in pending:
            if row is settled:
                continue
            rows.append(RowChange("spans", (doc_id, row["id"]), row,
                                  {**row, "decision": REJECTED, "annotator": annotator, "updated_at": at}))
            rows += repoint_rows(conn, doc_id, row["id"], kept, at)
        return rows

    # ---- editing ------------------------------------------------------------------------

    def _update_span(self, action: str, doc_id: str, span_id: str, edit: Callable[[dict, Any], dict]) -> Changes:
        def plan(conn):
            before = self.row(conn, doc_id, span_id)
            after = edit(dict(before), conn)
            if after == before:
                return []
            after["updated_at"] = now()
            return [RowChange("spans", (doc_id, span_id), before, after)]

        return self.store._act(action, doc_id, plan)

    def relabel(self, doc_id: str, span_id: str, label: str) -> Changes:
        """Change an entity's label; on a suggestion this is a correction (see ``Decisions.correct``)."""
        self.check_entity_label(label)
        row = self.row(self.store.conn, doc_id, span_id)
        if row["decision"] == SUGGESTED:
            return self.store.correct(doc_id, span_id, label=label)

        def edit(row, conn):
            if row["layer"] != ENTITY:
                raise ValidationError(f"{span_id!r} is a claim; claims have a type, not a label")
            self.check_relations_still_fit(conn, doc_id, span_id, label)
            row.update(label=label, annotator=self.store.annotator)
            return row

        return self._update_span("relabel", doc_id, span_id, edit)

    def check_relations_still_fit(self, conn, doc_id: str, span_id: str, new_label: str) -> None:
        for rel in dict_rows(conn, "SELECT * FROM relations WHERE doc_id = ? AND (head = ? OR tail = ?)",
                             [doc_id, span_id, span_id]):
            head = new_label if rel["head"] == span_id else self.row(conn, doc_id, rel["head"])["label"]
            tail = new_label if rel["tail"] == span_id else self.row(conn, doc_id, rel["tail"])["label"]
            check_relation(self.store.schema, rel["label"], head, tail, f"relation {rel['id']!r}")

    def resize(self, doc_id: str, span_id: str, start: int, end: int) -> Changes:
        row = self.row(self.store.conn, doc_id, span_id)
        if row["decision"] == SUGGESTED:
            return self.store.correct(doc_id, span_id, start=start, end=end)

        def edit(row, conn):
            check_offsets(self.text(conn, doc_id), start, end, f"{row['layer']} {span_id!r}")
            # A discontinuous span's pieces follow its new extent (brat writes the pieces).
            attrs = resized_attrs(json.loads(row["attrs"] or "{}"), start, end)
            row.update(start=start, end=end, annotator=self.store.annotator, attrs=dumps(attrs))
            return row

        return self._update_span("resize", doc_id, span_id, edit)

    def update_claim(self, doc_id: str, claim_id: str, *, claimant: Any = UNCHANGED, claimant_text: Any = UNCHANGED,
                     claim_type: Any = UNCHANGED, checkworthy: Any = UNCHANGED) -> Changes:
        if claim_type is not UNCHANGED:
            self.check_claim_type(claim_type)
        if self.row(self.store.conn, doc_id, claim_id)["decision"] == SUGGESTED:
            # Editing a suggestion is deciding about it: the model's version is kept, rejected,
            # beside the person's (see ``Decisions.correct``).
            return self.store.correct(doc_id, claim_id, claimant=claimant, claimant_text=claimant_text,
                                      claim_type=claim_type, checkworthy=checkworthy)

        def edit(row, conn):
            if row["layer"] != CLAIM:
                raise ValidationError(f"{claim_id!r} is an entity, not a claim")
            if claimant is not UNCHANGED:
                if claimant is not None:
                    self.require_entity(conn, doc_id, claimant, "claimant")
                row["claimant"] = claimant
            if claimant_text is not UNCHANGED:
                row["claimant_text"] = claimant_text or None
            if claim_type is not UNCHANGED:
                row["claim_type"] = claim_type
            if checkworthy is not UNCHANGED:
                row["checkworthy"] = None if checkworthy is None else int(bool(checkworthy))
            return row

        return self._update_span("edit claim", doc_id, claim_id, edit)

    # ---- deleting -----------------------------------------------------------------------

    def delete(self, doc_id: str, annotation_id: str) -> Changes:
        """Delete an entity, claim, stance or relation, and everything that would dangle without it.

        Stances and relations that refer to a deleted span are deleted with it; a claim whose
        claimant is deleted keeps the claimant's text as a free-text source. Undo restores all.
        """
        def plan(conn):
            table = self.table_of(conn, doc_id, annotation_id)
            if table != "spans":
                return [RowChange(table, (doc_id, annotation_id), fetch_row(conn, table, (doc_id, annotation_id)), None)]
            return self._span_deletion_rows(conn, doc_id, annotation_id)

        return self.store._act("delete", doc_id, plan)

    def dependents(self, doc_id: str, span_id: str) -> list[str]:
        """Ids of stances, relations and claims that refer to a span (for "delete? it is used by...")."""
        return [r[0] for r in self.store.conn.execute(
            "SELECT id FROM stances WHERE doc_id = ? AND ? IN (holder, target, evidence) "
            "UNION ALL SELECT id FROM relations WHERE doc_id = ? AND ? IN (head, tail) "
            "UNION ALL SELECT id FROM spans WHERE doc_id = ? AND (claimant = ? OR replaces = ?)",
            [doc_id, span_id, doc_id, span_id, doc_id, span_id, span_id])]

    def _span_deletion_rows(self, conn, doc_id: str, span_id: str) -> list[RowChange]:
        target = self.row(conn, doc_id, span_id)
        rows = self.dependent_rows(conn, doc_id, target)
        rows.append(RowChange("spans", (doc_id, span_id), target, None))
        return rows

    def dependent_rows(self, conn, doc_id: str, target: dict, *, rejecting: bool = False,
                       settled: set | None = None) -> list[RowChange]:
        """What must change so that nothing shown refers to span ``target`` once it is deleted
        (or rejected): the stances and relations at its ends go, evidence it gave is cleared, a
        claim it is the claimant of keeps its text as a free-text source.

        ``rejecting``: stances and relations that are still suggestions are rejected with it
        rather than deleted (a rejection is data about the model). ``settled``: keys already
        changed by the same action, left alone.
        """
        span_id = target["id"]
        text = self.text(conn, doc_id)
        settled = set() if settled is None else settled
        rows: list[RowChange] = []
        at = now()

        def change(table: str, before: dict, after: dict | None) -> None:
            if (table, before["id"]) not in settled:
                settled.add((table, before["id"]))
                rows.append(RowChange(table, (doc_id, before["id"]), before, after))

        def drop(table: str, before: dict) -> None:
            if rejecting and before["decision"] == SUGGESTED:
                change(table, before, {**before, "decision": REJECTED, "annotator": self.store.annotator,
                                       "updated_at": at})
            else:
                change(table, before, None)

        for stance in dict_rows(conn, "SELECT * FROM stances WHERE doc_id = ? AND (holder = ? OR target = ?)",
                                [doc_id, span_id, span_id]):
            drop("stances", stance)
        for stance in dict_rows(conn, "SELECT * FROM stances WHERE doc_id = ? AND evidence = ? "
                                "AND holder != ? AND target != ?", [doc_id, span_id, span_id, span_id]):
            change("stances", stance, {**stance, "evidence": None, "updated_at": at})
        for rel in dict_rows(conn, "SELECT * FROM relations WHERE doc_id = ? AND (head = ? OR tail = ?)",
                             [doc_id, span_id, span_id]):
            drop("relations", rel)
        for span in dict_rows(conn, "SELECT * FROM spans WHERE doc_id = ? AND (claimant = ? OR replaces = ?) "
                              "AND id != ?", [doc_id, span_id, span_id, span_id]):
            after = dict(span, updated_at=at)
            if span["claimant"] == span_id:
                after["claimant"] = None
                after["claimant_text"] = span["claimant_text"] or text[target["start"]:target["end"]]
            if span["replaces"] == span_id:
                after["replaces"] = None
            change("spans", span, after)
        return rows

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


def _says_the_same(row: dict, span: Span) -> bool:
    if row["label"] != span.label:
        return False
    if span.layer != CLAIM:
        return True
    checkworthy = None if row["checkworthy"] is None else bool(row["checkworthy"])
    return (row["claimant"], row["claimant_text"] or None, row["claim_type"], checkworthy) == \
        (span.claimant, span.claimant_text or None, span.claim_type, span.checkworthy)
