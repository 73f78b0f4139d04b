"""The open document as the window holds it, kept in step with the store through Changes."""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
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
    # Reading-order keys (start, -end, id) of the visible spans and of the suggestions, built
    # on the first step and then kept in step span by span: J/K bisect, never sort.
    _order: list[tuple] | None = field(default=None, init=False, repr=False, compare=False)
    _suggested: list[tuple] | None = field(default=None, init=False, repr=False, compare=False)

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
        if len(spans) > 64:  # accept-all, its undo: sort once at the next step instead
            self._order = self._suggested = None
        if self._order is not None:
            for key, value in spans.items():
                self._unindex(self.spans.get(key))
                self._index(value)
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
        self._build_index()
        keys = self._suggested if suggestions_only else self._order
        return [self.spans[k[2]] for k in keys]

    def step(self, current: str | None, *, forward: bool, suggestions_only: bool = False) -> str | None:
        """The next (or previous) annotation in reading order after ``current`` (a bisection)."""
        self._build_index()
        keys = self._suggested if suggestions_only else self._order
        if not keys:
            return None
        here = self.spans.get(current) if current else None
        if here is None:
            return keys[0 if forward else -1][2]
        key = _key(here)
        if forward:
            index = bisect_right(keys, key)
            return keys[index][2] if index < len(keys) else keys[0][2]
        index = bisect_left(keys, key)
        return keys[index - 1][2] if index > 0 else keys[-1][2]

    def _build_index(self) -> None:
        if self._order is None:
            visible = [s for s in self.spans.values() if s.decision != REJECTED]
            self._order = sorted(map(_key, visible))
            self._suggested = sorted(_key(s) for s in visible if s.decision == SUGGESTED)

    def _index(self, span: Span | None) -> None:
        if span is not None and span.decision != REJECTED:
            insort(self._order, _key(span))
            if span.decision == SUGGESTED:
                insort(self._suggested, _key(span))

    def _unindex(self, span: Span | None) -> None:
        if span is None or span.decision == REJECTED:
            return
        for keys in (self._order, self._suggested) if span.decision == SUGGESTED else (self._order,):
            index = bisect_left(keys, _key(span))
            if index < len(keys) and keys[index] == _key(span):
                del keys[index]


def _key(span: Span) -> tuple:
    return (span.start, -span.end, span.id)
