"""Krippendorff's unitizing alpha (alpha-U): agreement on where spans are as well as what they are.

Each coder divides one continuum (here: the characters of the documents, laid end to end) into
units of a category and the gaps between them. For each category c, with m coders over a
continuum of length L (Krippendorff 1995, "On the reliability of unitizing continuous data",
Sociological Methodology 25:47-76; Krippendorff 2004, *Content Analysis*, 2nd ed., pp. 251-256):

* The distance between two coders' overlapping segments g (start b_g, length l_g) and h:
  both units of c: (b_g - b_h)^2 + (e_g - e_h)^2; a unit inside the other coder's gap: l^2 of
  the unit; otherwise 0.
* Observed disagreement: D_o = sum over ordered pairs of coders of those distances / (m (m-1) L^2).
* Expected disagreement, over all the ways the same units and gaps could have been placed:
  D_e = (2/L) sum_g [ (N_c - 1)(2 l_g^3 - 3 l_g^2 + l_g) / 3 + l_g^2 sum_{gaps h, l_h >= l_g} (l_h - l_g + 1) ]
        / (m L (m L - 1) - sum_g l_g (l_g - 1)),
  g over every coder's units of c (N_c of them), h over every coder's gaps.
* alpha_c = 1 - D_o / D_e; over all categories alpha = 1 - sum_c D_o / sum_c D_e.

No maintained Python library computes it (DKPro Statistics, Java, does; the PyPI
``krippendorff-unitized-alpha`` 0.1.0 is a one-release project implementing the 2016 variant),
so it is written here and tested against the worked examples of both publications.

A coder's units of one category must not overlap (the model is a partition of the continuum);
overlapping or nested units of one category by one coder are merged into their union, and the
caller is told how many were merged.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from itertools import permutations
from typing import Hashable, Mapping, Sequence

#: (start, end, category) on the continuum, end exclusive
Unit = tuple[int, int, Hashable]


@dataclass(frozen=True)
class UnitizingResult:
    value: float | None
    observed: float | None  # D_o, summed over categories
    expected: float | None  # D_e, summed over categories
    categories: dict  # category -> {"value", "observed", "expected"}
    merged: int  # overlapping units of one category by one coder, merged into their union

    def to_json(self) -> dict:
        return {"value": self.value, "observed_disagreement": self.observed,
                "expected_disagreement": self.expected, "labels": self.categories, "merged": self.merged}


def _merged_units(units: Sequence[tuple[int, int]]) -> tuple[list[tuple[int, int]], int]:
    out: list[list[int]] = []
    merged = 0
    for start, end in sorted(units):
        if out and start < out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
            merged += 1
        else:
            out.append([start, end])
    return [(s, e) for s, e in out], merged


def _segments(units: list[tuple[int, int]], begin: int, end: int) -> list[tuple[int, int, bool]]:
    """The coder's partition of [begin, end): (start, end, is_unit), gaps between the units."""
    segments = []
    pos = begin
    for s, e in units:
        if s > pos:
            segments.append((pos, s, False))
        segments.append((s, e, True))
        pos = e
    if pos < end:
        segments.append((pos, end, False))
    return segments


def _distance(g: tuple[int, int, bool], h: tuple[int, int, bool]) -> int:
    (bg, eg, unit_g), (bh, eh, unit_h) = g, h
    if unit_g and unit_h:
        return (bg - bh) ** 2 + (eg - eh) ** 2
    if unit_g and not unit_h and bh <= bg and eg <= eh:
        return (eg - bg) ** 2
    if unit_h and not unit_g and bg <= bh and eh <= eg:
        return (eh - bh) ** 2
    return 0


def _observed_sum(a: list[tuple[int, int, bool]], b: list[tuple[int, int, bool]]) -> int:
    """Sum of distances over the pairs of overlapping segments of two coders' partitions."""
    total = 0
    i = j = 0
    while i < len(a) and j < len(b):
        total += _distance(a[i], b[j])
        a_end, b_end = a[i][1], b[j][1]
        i += a_end <= b_end
        j += b_end <= a_end
    return total


def _category(partitions: list[list[tuple[int, int, bool]]], length: int) -> dict:
    m = len(partitions)
    observed_sum = sum(_observed_sum(partitions[i], partitions[j]) for i, j in permutations(range(m), 2))
    observed = observed_sum / (m * (m - 1) * length * length)
    unit_lengths = [e - s for part in partitions for s, e, unit in part if unit]
    gap_lengths = sorted(e - s for part in partitions for s, e, unit in part if not unit)
    # suffix sums of the sorted gap lengths: sum_{l_h >= l} (l_h - l + 1) in O(log n) per unit
    suffix = [0] * (len(gap_lengths) + 1)
    for k in range(len(gap_lengths) - 1, -1, -1):
        suffix[k] = suffix[k + 1] + gap_lengths[k]
    n_c = len(unit_lengths)
    numerator = 0
    for l in unit_lengths:
        k = bisect_left(gap_lengths, l)
        fits = len(gap_lengths) - k
        numerator += (n_c - 1) * (2 * l ** 3 - 3 * l ** 2 + l) / 3 + l * l * (suffix[k] - (l - 1) * fits)
    denominator = m * length * (m * length - 1) - sum(l * (l - 1) for l in unit_lengths)
    expected = (2 / length) * numerator / denominator if denominator else 0.0
    value = None if expected == 0 else 1 - observed / expected
    return {"value": value, "observed": observed, "expected": expected}


def unitizing_alpha(units_by_coder: Mapping[Hashable, Sequence[Unit]], begin: int, end: int) -> UnitizingResult:
    """Alpha-U of two or more coders who each unitized the whole continuum [begin, end)."""
    coders = list(units_by_coder)
    length = end - begin
    if len(coders) < 2 or length <= 0:
        return UnitizingResult(None, None, None, {}, 0)
    categories = sorted({u[2] for units in units_by_coder.values() for u in units}, key=repr)
    merged_total = 0
    results = {}
    for category in categories:
        partitions = []
        for coder in coders:
            spans = [(max(s, begin), min(e, end)) for s, e, c in units_by_coder[coder] if c == category]
            spans, merged = _merged_units([(s, e) for s, e in spans if s < e])
            merged_total += merged
            partitions.append(_segments(spans, begin, end))
        results[category] = _category(partitions, length)
    observed = sum(r["observed"] for r in results.values())
    expected = sum(r["expected"] for r in results.values())
    value = None if not results or expected == 0 else 1 - observed / expected
    return UnitizingResult(value, observed if results else None, expected if results else None, results,
                           merged_total)
