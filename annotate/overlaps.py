"""Cutting overlapping and nested spans into segments that each show every span over them.

A text view can give each character one format; to keep nested and overlapping spans all
visible, the text is cut wherever a span starts or ends, and each segment lists the spans that
cover it, innermost first (the view fills the innermost and marks the others differently).
"""
from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import dataclass
from typing import Hashable, Iterable


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    covering: tuple[Hashable, ...]  # span keys, innermost (shortest) first


def segments(spans: Iterable[tuple[int, int, Hashable]]) -> list[Segment]:
    """Segments of ``[start, end, key]`` spans, in text order; uncovered gaps are left out.

    A sweep over the cuts: spans join the covering set where they start and leave it where
    they end, so the work is n log n plus the size of the answer. (Testing every span against
    every cut was quadratic: 4,000 entities in one long paragraph took seconds.) Spans of the
    same length are ordered by start, then by their order in ``spans``.
    """
    spans = [(s, e, k) for s, e, k in spans if s < e]
    if not spans:
        return []
    by_start = sorted(range(len(spans)), key=lambda i: spans[i][0])
    by_end = sorted(range(len(spans)), key=lambda i: spans[i][1])
    cuts = sorted({p for s, e, _ in spans for p in (s, e)})
    covering: list[tuple[int, int, int]] = []  # (length, start, index), innermost first
    started = ended = 0
    out: list[Segment] = []
    count = len(spans)
    for left, right in zip(cuts, cuts[1:]):
        while ended < count and spans[by_end[ended]][1] == left:
            s, e, _ = spans[by_end[ended]]
            del covering[bisect_left(covering, (e - s, s, by_end[ended]))]
            ended += 1
        while started < count and spans[by_start[started]][0] == left:
            s, e, _ = spans[by_start[started]]
            insort(covering, (e - s, s, by_start[started]))
            started += 1
        if covering:
            out.append(Segment(left, right, tuple(spans[i][2] for _, _, i in covering)))
    return out
