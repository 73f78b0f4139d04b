"""Segmenting spans: the same answer as the definition, in n log n comparisons."""
from __future__ import annotations

import math
import random

from hypothesis import given
from hypothesis import strategies as st

from annotate.overlaps import Segment, segments


def by_definition(spans):
    """Every span against every cut: what ``segments`` must return, written plainly."""
    spans = [(s, e, k) for s, e, k in spans if s < e]
    cuts = sorted({p for s, e, _ in spans for p in (s, e)})
    order = sorted(range(len(spans)), key=lambda i: (spans[i][1] - spans[i][0], spans[i][0], i))
    out = []
    for left, right in zip(cuts, cuts[1:]):
        covering = tuple(spans[i][2] for i in order if spans[i][0] <= left and right <= spans[i][1])
        if covering:
            out.append(Segment(left, right, covering))
    return out


span_lists = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=40).map(
    lambda pairs: [(s, e, f"k{n}") for n, (s, e) in enumerate(pairs)])


@given(span_lists)
def test_segments_match_the_definition(spans):
    assert segments(spans) == by_definition(spans)


def test_nested_and_overlapping_spans_list_the_innermost_first():
    spans = [(0, 20, "outer"), (5, 10, "inner"), (8, 15, "cross")]
    assert segments(spans) == [
        Segment(0, 5, ("outer",)), Segment(5, 8, ("inner", "outer")), Segment(8, 10, ("inner", "cross", "outer")),
        Segment(10, 15, ("cross", "outer")), Segment(15, 20, ("outer",))]


def _counting(op: str):
    def compare(self, other):
        Counted.comparisons += 1
        return getattr(int, op)(self, other)
    return compare


class Counted(int):
    """An offset that counts every comparison made with it (and with offsets made from it)."""

    comparisons = 0
    __lt__, __le__, __gt__, __ge__, __eq__, __ne__ = map(_counting, (
        "__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"))
    __hash__ = int.__hash__

    def __sub__(self, other):
        return Counted(int(self) - int(other))


def one_paragraph(count: int, seed: int = 11) -> list[tuple[int, int, str]]:
    """``count`` entities in one paragraph as a news text has them: mostly apart, some nested
    (a name inside an organisation's), a few overlapping."""
    rng = random.Random(seed)
    spans, at = [], 0
    for n in range(count):
        at += rng.randint(3, 60)
        length = rng.randint(2, 25)
        spans.append((Counted(at), Counted(at + length), f"e{n}"))
        if n % 7 == 0:  # an enclosing span
            spans.append((Counted(at - 2), Counted(at + length + 5), f"o{n}"))
    rng.shuffle(spans)
    return spans


def comparisons(count: int) -> int:
    spans = one_paragraph(count)
    Counted.comparisons = 0
    segments(spans)
    return Counted.comparisons


def test_segmenting_4000_spans_in_one_paragraph_is_n_log_n():
    small, large = comparisons(2_000), comparisons(4_000)
    n = len(one_paragraph(4_000))
    # A sort of n items takes about n log2 n comparisons; the sweep a small multiple of that.
    assert large <= 12 * n * math.log2(n), (large, n)
    # Doubling the spans: n log n grows by 2.2x, a quadratic scan by 4x.
    assert large / small < 2.6, (small, large)
