"""The open document as the window holds it, kept in step with the store through Changes."""
from __future__ import annotations

from dataclasses import dataclass, field

from annotate.changes import Changes
from annotate.model import REJECTED, SUGGESTED, Document, Relation, Span, Stance
from store import queries


@dataclass
class DocumentState:
    document: Document
    spans: dict[str, Span] = field(default_factory=dict)
    stances: dict[str, Stance] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    status: str = "new"

    @classmethod
    def load(cls, store, doc_id: str) -> "DocumentState":
        ann = store.annotations(doc_id)
        return cls(store.document(doc_id), {s.id: s for s in ann.spans}, {s.id: s for s in ann.stances},
                   {r.id: r for r in ann.relations}, list(ann.labels), ann.status)

    @property
    def id(self) -> str:
        return self.document.id

    @property
    def text(self) -> str:
        return self.document.text

    def refresh(self, store, changes: Changes) -> tuple[dict, dict, dict]:
        """Fetch only what an action touched; returns the changed spans, stances, relations."""
        spans = queries.changed_spans(store.conn, self.id, changes.span_ids)
        stances = queries.changed_stances(store.conn, self.id, changes.stance_ids)
        relations = queries.changed_relations(store.conn, self.id, changes.relation_ids)
        for target, changed in ((self.spans, spans), (self.stances, stances), (self.relations, relations)):
            for key, value in changed.items():
                if value is None:
                    target.pop(key, None)
                else:
                    target[key] = value
        self.status = store.status(self.id)[0]
        return spans, stances, relations

    def visible_spans(self) -> list[Span]:
        return [s for s in self.spans.values() if s.decision != REJECTED]

    def ordered(self, *, suggestions_only: bool = False) -> list[Span]:
        spans = [s for s in self.visible_spans() if not suggestions_only or s.decision == SUGGESTED]
        return sorted(spans, key=lambda s: (s.start, -s.end, s.id))

    def step(self, current: str | None, *, forward: bool, suggestions_only: bool = False) -> str | None:
        """The next (or previous) annotation in reading order after ``current``."""
        spans = self.ordered(suggestions_only=suggestions_only)
        if not spans:
            return None
        keys = [(s.start, -s.end, s.id) for s in spans]
        here = self.spans.get(current) if current else None
        if here is None:
            return spans[0 if forward else -1].id
        key = (here.start, -here.end, here.id)
        if forward:
            later = [s for s, k in zip(spans, keys) if k > key]
            return later[0].id if later else spans[0].id
        earlier = [s for s, k in zip(spans, keys) if k < key]
        return earlier[-1].id if earlier else spans[-1].id
