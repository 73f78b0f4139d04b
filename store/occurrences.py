"""Label every occurrence: one decision about a span carried to every other place its text appears.

Reached through ``Store`` (``store.occurrences.label_all``). An occurrence is the same text on
token boundaries (never inside a longer word: "Libya" is not in "Libyan"). At each one:

* a person's entity is left as it is (whatever its label: they decided there);
* a place where any other entity overlaps is left alone (the occurrence is part of a longer name,
  or someone marked something else there);
* a suggestion with the same offsets and label is accepted; with another label it is corrected
  (rejected, and a person's entity made in its place, as ``store.correct`` does);
* elsewhere a new entity is made.

Everything is one action (one audit event, one undo step), and every entity it makes or decides
is recorded as this annotator's. In the same document, new entities join the source's entity
group, since the same name in one article is the same actor.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotate.changes import Changes, RowChange
from annotate.errors import ValidationError
from annotate.model import ACCEPTED, ENTITY, MANUAL, REJECTED, SUGGESTED, Span
from annotate.tokens import TokenBoundaries

from .decisions import repoint_rows
from .rows import dict_rows, new_id, now, span_row

if TYPE_CHECKING:
    from .store import Store


@dataclass
class Preview:
    """What ``label_all`` would do: occurrences per document, and how many are new or decided."""

    surface: str
    label: str
    documents: dict[str, int] = field(default_factory=dict)
    added: int = 0
    accepted: int = 0
    corrected: int = 0

    @property
    def total(self) -> int:
        return self.added + self.accepted + self.corrected


class Occurrences:
    def __init__(self, store: "Store"):
        self.store = store

    def preview(self, doc_id: str, span_id: str, *, corpus: bool = False) -> Preview:
        conn = self.store.conn
        source = self._source(conn, doc_id, span_id)
        preview = Preview(self._surface(conn, doc_id, source), source["label"])
        for other_doc in self._documents(conn, preview.surface, doc_id, corpus):
            for kind, _start, _end, _row in self._plan_document(conn, other_doc, source, preview.surface,
                                                                doc_id, span_id):
                setattr(preview, kind, getattr(preview, kind) + 1)
                preview.documents[other_doc] = preview.documents.get(other_doc, 0) + 1
        return preview

    def label_all(self, doc_id: str, span_id: str, *, corpus: bool = False) -> Changes:
        store = self.store
        annotator = store.annotator

        def plan(conn):
            source = self._source(conn, doc_id, span_id)
            surface = self._surface(conn, doc_id, source)
            at = now()
            rows: list[RowChange] = []
            if source["decision"] == SUGGESTED:
                rows.append(RowChange("spans", (doc_id, span_id), source,
                                      {**source, "decision": ACCEPTED, "annotator": annotator, "updated_at": at}))
            for other_doc in self._documents(conn, surface, doc_id, corpus):
                group = source["cluster"] if other_doc == doc_id else None
                for kind, start, end, row in self._plan_document(conn, other_doc, source, surface, doc_id, span_id):
                    if kind == "accepted":
                        rows.append(RowChange("spans", (other_doc, row["id"]), row,
                                              {**row, "decision": ACCEPTED, "annotator": annotator,
                                               "updated_at": at, "cluster": row["cluster"] or group}))
                        continue
                    new = Span(new_id("e"), start, end, source["label"], ENTITY, origin=annotator, decision=MANUAL,
                               annotator=annotator, cluster=group if kind == "added" else (row["cluster"] or group))
                    if kind == "corrected":
                        new.replaces = row["id"]
                        rows.append(RowChange("spans", (other_doc, row["id"]), row,
                                              {**row, "decision": REJECTED, "annotator": annotator, "updated_at": at}))
                    rows.append(RowChange("spans", (other_doc, new.id), None, span_row(other_doc, new, at)))
                    if kind == "corrected":
                        rows += repoint_rows(conn, other_doc, row["id"], new.id, at)
            return rows

        return store._act("label every occurrence" + (" in the corpus" if corpus else ""),
                          None if corpus else doc_id, plan, touch_status=not corpus)

    # ---- finding them ---------------------------------------------------------------------------

    def _source(self, conn, doc_id: str, span_id: str) -> dict:
        row = self.store.spans.row(conn, doc_id, span_id)
        if row["layer"] != ENTITY or row["decision"] == REJECTED:
            raise ValidationError("select an entity (a label or a suggestion to accept) to label its other occurrences")
        return row

    def _surface(self, conn, doc_id: str, source: dict) -> str:
        return self.store.spans.text(conn, doc_id)[source["start"]:source["end"]]

    @staticmethod
    def _documents(conn, surface: str, doc_id: str, corpus: bool) -> list[str]:
        if not corpus:
            return [doc_id]
        # instr() scans in C; only documents that hold the text at all are tokenized.
        return [r[0] for r in conn.execute("SELECT id FROM documents WHERE instr(text, ?) > 0 ORDER BY rowid",
                                           [surface])]

    def _plan_document(self, conn, doc_id: str, source: dict, surface: str, source_doc: str,
                       source_id: str) -> list[tuple[str, int, int, dict | None]]:
        text = self.store.spans.text(conn, doc_id)
        positions = []
        at = text.find(surface)
        while at >= 0:
            positions.append(at)
            at = text.find(surface, at + 1)
        if not positions:
            return []
        tokens = TokenBoundaries(text)
        starts, ends = set(tokens.starts), set(tokens.ends)
        entities = dict_rows(conn, "SELECT * FROM spans WHERE doc_id = ? AND layer = 'entity' "
                                   "AND decision != 'rejected' ORDER BY start", [doc_id])
        plan = []
        for start in positions:
            end = start + len(surface)
            if start not in starts or end not in ends:
                continue
            if doc_id == source_doc and (start, end) == (source["start"], source["end"]):
                continue
            here = [e for e in entities if e["start"] < end and start < e["end"] and e["id"] != source_id]
            exact = [e for e in here if (e["start"], e["end"]) == (start, end)]
            if any(e["decision"] != SUGGESTED for e in here) or len(here) != len(exact):
                continue
            same = next((e for e in exact if e["label"] == source["label"]), None)
            if same is not None:
                plan.append(("accepted", start, end, same))
            elif exact:
                plan.append(("corrected", start, end, exact[0]))
            else:
                plan.append(("added", start, end, None))
        return plan
