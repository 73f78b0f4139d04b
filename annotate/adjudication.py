"""Comparing two annotators' versions of a document, for a reviewer who settles the gold.

Annotations are compared by everything they say, not by id:

* a span by its layer, offsets and label, and its pieces when it is discontinuous; a claim also
  by its claimant (the claimant entity's span, or the free-text source), type and
  check-worthiness, so a claim the two annotators placed alike but typed differently is a
  difference the reviewer settles, not an agreement;
* a relation by its label and its ends' spans;
* a stance by its polarity, holder, target and evidence;
* an entity group (kind ``group``) by its decided mentions' spans, so two annotators who grouped
  the same mentions agree whatever their groups are called;
* a document label by its name (kind ``label``; its "id" in each version is ``label:NAME``).

Each difference knows whether the gold version already holds it (a group: when one gold group
holds all its mentions).
"""
from __future__ import annotations

from dataclasses import dataclass

from .fragments import fragments_of
from .model import CLAIM, HUMAN_DECISIONS, Annotations, Span

AGREED, LEFT_ONLY, RIGHT_ONLY = "both", "left only", "right only"
LABEL_PREFIX = "label:"


def key_of(layer: str, start: int, end: int, label: str) -> tuple:
    return ("span", layer, start, end, label)


def span_key(span: Span, spans: dict[str, Span] | None = None) -> tuple:
    """What a span says: its place and label, its pieces, and for a claim its attributes."""
    key = key_of(span.layer, span.start, span.end, span.label)
    fragments = fragments_of(span.attrs or {})
    if fragments:
        key += (("fragments", tuple(map(tuple, fragments))),)
    if span.layer == CLAIM:
        claimant = (spans or {}).get(span.claimant) if span.claimant else None
        who = span_key(claimant) if claimant is not None else ("text", (span.claimant_text or "").strip() or None)
        key += (("claim", span.claim_type, span.checkworthy, who),)
    return key


def _gold(items, annotator: str):
    return [i for i in items if i.annotator == annotator and i.decision in HUMAN_DECISIONS]


@dataclass(frozen=True)
class Item:
    """One annotation in the comparison; ``left``/``right`` are the ids in each version."""

    key: tuple
    kind: str  # "span", "relation", "stance", "group", "label"
    side: str  # AGREED, LEFT_ONLY, RIGHT_ONLY
    left: str | None
    right: str | None
    in_gold: bool
    start: int  # for reading order and scrolling

    @property
    def source(self) -> str:
        return self.left or self.right


def compare(annotations: Annotations, left: str, right: str, gold: str,
            labels: dict[str, set[str]] | None = None) -> list[Item]:
    """The union of two annotators' gold on one document, in reading order (document labels first).

    ``labels``: each annotator's document labels (annotator -> labels), when they are compared.
    """
    spans = {s.id: s for s in annotations.spans}

    def keyed(annotator: str) -> dict[tuple, tuple[str, int]]:
        out: dict[tuple, tuple[str, int]] = {}
        for label in sorted((labels or {}).get(annotator, ())):
            out[("label", label)] = (LABEL_PREFIX + label, 0)
        for span in _gold(annotations.spans, annotator):
            out.setdefault(span_key(span, spans), (span.id, span.start))
        for rel in _gold(annotations.relations, annotator):
            head, tail = spans.get(rel.head), spans.get(rel.tail)
            if head and tail:
                out.setdefault(("relation", rel.label, span_key(head, spans), span_key(tail, spans)),
                               (rel.id, head.start))
        for stance in _gold(annotations.stances, annotator):
            holder, target = spans.get(stance.holder), spans.get(stance.target)
            evidence = spans.get(stance.evidence) if stance.evidence else None
            if holder and target:
                out.setdefault(("stance", stance.polarity, span_key(holder, spans), span_key(target, spans),
                                span_key(evidence, spans) if evidence else None), (stance.id, holder.start))
        return out

    mentions: dict[str, list[Span]] = {}
    for span in annotations.spans:
        if span.cluster is not None and span.decision in HUMAN_DECISIONS:
            mentions.setdefault(span.cluster, []).append(span)

    def grouped(annotator: str) -> dict[tuple, tuple[str, int]]:
        out: dict[tuple, tuple[str, int]] = {}
        for cluster in _gold(annotations.clusters, annotator):
            members = mentions.get(cluster.id, [])
            if len(members) >= 2:
                out.setdefault(("group", tuple(sorted(span_key(m, spans) for m in members))),
                               (cluster.id, min(m.start for m in members)))
        return out

    mine, theirs, settled = keyed(left) | grouped(left), keyed(right) | grouped(right), keyed(gold)
    gold_groups = [set(key[1]) for key in grouped(gold)]

    def in_gold(key: tuple) -> bool:
        if key[0] == "group":
            return any(set(key[1]) <= group for group in gold_groups)
        return key in settled

    items = []
    for key in mine.keys() | theirs.keys():
        l_id, l_start = mine.get(key, (None, None))
        r_id, r_start = theirs.get(key, (None, None))
        side = AGREED if l_id and r_id else LEFT_ONLY if l_id else RIGHT_ONLY
        items.append(Item(key, key[0], side, l_id, r_id, in_gold(key),
                          l_start if l_start is not None else r_start))
    kind_order = {"label": -1, "span": 0, "relation": 1, "stance": 2, "group": 3}
    return sorted(items, key=lambda i: (kind_order[i.kind], i.start, repr(i.key)) if i.kind == "label"
                  else (0, i.start, kind_order[i.kind], repr(i.key)))
