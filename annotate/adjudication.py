"""Comparing two annotators' versions of a document, for a reviewer who settles the gold.

Annotations are compared by what they say, not by id: a span by (layer, start, end, label); a
relation by its label and its ends' spans; a stance by its polarity, holder and target. Each
difference knows whether the gold version already holds it.
"""
from __future__ import annotations

from dataclasses import dataclass

from .model import HUMAN_DECISIONS, Annotations, Span

AGREED, LEFT_ONLY, RIGHT_ONLY = "both", "left only", "right only"


def key_of(layer: str, start: int, end: int, label: str) -> tuple:
    return ("span", layer, start, end, label)


def span_key(span: Span) -> tuple:
    return key_of(span.layer, span.start, span.end, span.label)


def _gold(items, annotator: str):
    return [i for i in items if i.annotator == annotator and i.decision in HUMAN_DECISIONS]


@dataclass(frozen=True)
class Item:
    """One annotation in the comparison; ``left``/``right`` are the ids in each version."""

    key: tuple
    kind: str  # "span", "relation", "stance"
    side: str  # AGREED, LEFT_ONLY, RIGHT_ONLY
    left: str | None
    right: str | None
    in_gold: bool
    start: int  # for reading order and scrolling

    @property
    def source(self) -> str:
        return self.left or self.right


def compare(annotations: Annotations, left: str, right: str, gold: str) -> list[Item]:
    """The union of two annotators' gold on one document, in reading order."""
    spans = {s.id: s for s in annotations.spans}

    def keyed(annotator: str) -> dict[tuple, tuple[str, int]]:
        out: dict[tuple, tuple[str, int]] = {}
        for span in _gold(annotations.spans, annotator):
            out.setdefault(span_key(span), (span.id, span.start))
        for rel in _gold(annotations.relations, annotator):
            head, tail = spans.get(rel.head), spans.get(rel.tail)
            if head and tail:
                out.setdefault(("relation", rel.label, span_key(head), span_key(tail)), (rel.id, head.start))
        for stance in _gold(annotations.stances, annotator):
            holder, target = spans.get(stance.holder), spans.get(stance.target)
            if holder and target:
                out.setdefault(("stance", stance.polarity, span_key(holder), span_key(target)),
                               (stance.id, holder.start))
        return out

    mine, theirs, settled = keyed(left), keyed(right), keyed(gold)
    items = []
    for key in mine.keys() | theirs.keys():
        l_id, l_start = mine.get(key, (None, None))
        r_id, r_start = theirs.get(key, (None, None))
        side = AGREED if l_id and r_id else LEFT_ONLY if l_id else RIGHT_ONLY
        items.append(Item(key, key[0], side, l_id, r_id, key in settled,
                          l_start if l_start is not None else r_start))
    kind_order = {"span": 0, "relation": 1, "stance": 2}
    return sorted(items, key=lambda i: (i.start, kind_order[i.kind], repr(i.key)))
