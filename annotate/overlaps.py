"""Cutting overlapping and nested spans into segments that each show every span over them.

A text view can give each character one format; to keep nested and overlapping spans all
visible, the text is cut wherever a span starts or ends, and each segment lists the spans that
cover it, innermost first (the view fills the innermost and marks the others differently).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    covering: tuple[Hashable, ...]  # span keys, innermost (shortest) first


def segments(spans: Iterable[tuple[int, int, Hashable]]) -> list[Segment]:
    """Segments of ``[start, end, key]`` spans, in text order; uncovered gaps are left out."""
    spans = [(s, e, k) for s, e, k in spans if s < e]
    if not spans:
        return []
    cuts = sorted({p for s, e, _ in spans for p in (s, e)})
    by_length = sorted(spans, key=lambda x: (x[1] - x[0], x[0]))
    out: list[Segment] = []
    # Spans are few per block, so the simple scan is faster than an interval tree here.
    for left, right in zip(cuts, cuts[1:]):
        covering = tuple(k for s, e, k in by_length if s <= left and right <= e)
        if covering:
            out.append(Segment(left, right, covering))
    return out
