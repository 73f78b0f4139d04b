"""The open document as the window holds it, kept in step with the store through Changes."""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field

from annotate.changes import Changes
from annotate.model import REJECTED, SUGGESTED, Cluster, Document, Relation, Span, Stance
from store import queries


@dataclass
class DocumentState:
    document: Document
    spans: dict[str, Span] = field(default_factory=dict)
    stances: dict[str, Stance] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    status: str = "new"
    clusters: dict[str, Cluster] = field(default_factory=dict)
    # Reading-order keys (start, -end, id) of the visible spans and of the suggestions, built
    # on the first step and then kept in step span by span: J/K bisect, never sort.
    _order: list[tuple] | None = field(default=None, init=False, repr=False, compare=False)
    _suggested: list[tuple] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, store, doc_id: str) -> "DocumentState":
        ann = store.annotations(doc_id)
        return cls(store.document(doc_id), {s.id: s for s in ann.spans}, {s.id: s for s in ann.stances},
                   {r.id: r for r in ann.relations}, list(ann.labels), ann.status, {c.id: c for c in ann.clusters})

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
        clusters = queries.changed_clusters(store.conn, self.id, getattr(changes, "cluster_ids", set()))
        if len(spans) > 64:  # accept-all, its undo: sort once at the next step instead
            self._order = self._suggested = None
        if self._order is not None:
            for key, value in spans.items():
                self._unindex(self.spans.get(key))
                self._index(value)
        for target, changed in ((self.spans, spans), (self.stances, stances), (self.relations, relations),
                                (self.clusters, clusters)):
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

    def members(self, cluster_id: str) -> list[Span]:
        return sorted((s for s in self.spans.values() if s.cluster == cluster_id and s.decision != REJECTED),
                      key=lambda s: (s.start, s.end))

    def pending_links(self) -> list[tuple]:
        """Suggested stances, relations and entity groups, as reading-order keys placed just after
        the spans at their first end (a group: its first mention)."""
        keys = []
        for table in (self.stances, self.relations):
            for link in table.values():
                if link.decision != SUGGESTED:
                    continue
                ends = [self.spans.get(e) for e in ((link.holder, link.target) if isinstance(link, Stance)
                                                   else (link.head, link.tail))]
                if all(ends):
                    keys.append((min(e.start for e in ends), 1, link.id))
        pending = {c.id for c in self.clusters.values() if c.decision == SUGGESTED}
        if pending:
            first: dict[str, int] = {}
            for span in self.spans.values():  # one pass, whatever the number of groups
                if span.cluster in pending and span.decision != REJECTED:
                    first[span.cluster] = min(first.get(span.cluster, span.start), span.start)
            keys += [(start, 2, cluster_id) for cluster_id, start in first.items()]
        return sorted(keys)

    def score_of(self, annotation_id: str) -> float | None:
        for table in (self.spans, self.relations, self.clusters):
            if annotation_id in table:
                return getattr(table[annotation_id], "score", None)
        return None

    def step(self, current: str | None, *, forward: bool, suggestions_only: bool = False,
             uncertain_first: bool = False) -> str | None:
        """The next (or previous) annotation after ``current``: in reading order (a bisection),
        or with ``uncertain_first`` the suggestions from the least certain (lowest score) up.

        Stepping through suggestions visits suggested stances, relations and entity groups too."""
        self._build_index()
        if suggestions_only and (uncertain_first or self._has_pending_links()):
            return self._step_all(current, forward, uncertain_first)
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

    def _has_pending_links(self) -> bool:
        return any(x.decision == SUGGESTED for table in (self.stances, self.relations, self.clusters)
                   for x in table.values())

    def _step_all(self, current: str | None, forward: bool, uncertain_first: bool) -> str | None:
        keys = list(self._suggested) + self.pending_links()
        if uncertain_first:
            def certainty(key):
                score = self.score_of(key[2])
                return (1.0 if score is None else score, key)
            keys.sort(key=certainty)
        else:
            keys.sort()
        if not keys:
            return None
        ids = [k[2] for k in keys]
        if current not in ids:
            if not uncertain_first and current in self.spans:
                # From a decided annotation: the next suggestion after it in reading order.
                here = _key(self.spans[current])
                after = [k for k in keys if (k[0], k[1]) > (here[0], here[1])] if forward else \
                    [k for k in keys if (k[0], k[1]) < (here[0], here[1])]
                if after:
                    return after[0 if forward else -1][2]
            return ids[0 if forward else -1]
        index = ids.index(current) + (1 if forward else -1)
        return ids[index % len(ids)]

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
