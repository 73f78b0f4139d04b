"""Arc layout for relations and stances drawn over wrapped text, in the manner of displaCy.

displaCy (``spacy/displacy/render.py``, ``DependencyRenderer.get_levels``) gives each arc a
"level" (how high it is drawn): arcs are taken shortest first, and an arc's level is one above
the highest level of every arc already placed that it overlaps. Nested arcs therefore stack
(the outer one above), disjoint arcs share the lowest level, and crossing arcs differ.

Here the text wraps onto visual lines, so the layout works line by line:

* an arc whose two ends are on the same line is one ``WHOLE`` segment on that line;
* an arc whose ends are on different lines is cut into a ``LEAVING`` segment on the earlier
  line (from its end there to the right edge) and an ``ENTERING`` segment on the later line
  (from the left edge to its end there). The lines in between get nothing: the painter marks
  the cut with a chevron at the edge, and ``ArcSegment.skipped`` says how many lines it spans.

Each segment gets its own level on its line. Two segments on the same line whose horizontal
extents overlap never share a level. Levels are found with a segment tree over the line's
compressed coordinates ("max level over a range", "raise a range"), so a line with ``n``
segments costs ``O(n log n)``; the result is deterministic (ties are broken by position and id).

Coordinates are whatever increases left to right along a line: code-point offsets (as in the
tests), or pixel x as the Qt overlay passes them, so that label widths and right-to-left runs
are honoured. Only the caller knows where the text wraps, so each arc carries the visual line
index of each of its ends; an end that is off screen may be given any line before (or after)
the visible ones, e.g. ``-1`` or a large number.

``cap_levels`` applies a "max levels per line" budget: arcs that would need a higher level are
folded (counted per line, not drawn), so arcs never grow into the text line above.

Pure Python; no Qt.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from math import inf
from typing import Iterable, Mapping, Sequence

WHOLE = "whole"
LEAVING = "leaving"
ENTERING = "entering"

RELATION = "relation"
STANCE = "stance"


@dataclass(frozen=True)
class Arc:
    """One arc to lay out: from the head anchor ``start`` to the tail anchor ``end``.

    ``start_line``/``end_line`` are the visual lines of the two anchors. ``label_width`` (in
    the units of the anchors) widens the arc's extent to at least that, centred on the arc, so
    that labels drawn at the top of arcs at the same level never overlap.
    """

    id: str
    start: float
    end: float
    label: str = ""
    kind: str = RELATION
    start_line: int = 0
    end_line: int = 0
    label_width: float = 0.0


@dataclass(frozen=True)
class ArcSegment:
    """The part of an arc drawn on one visual line.

    ``left``/``right`` are the extent used for the layout (widened for the label; ``-inf`` or
    ``+inf`` for a segment reaching the edge of an unbounded line). ``head_x``/``tail_x`` are
    the anchors on this line, or ``None`` when that end is on another line.
    """

    arc_id: str
    line: int
    part: str
    left: float
    right: float
    level: int
    head_x: float | None
    tail_x: float | None
    label: str
    kind: str
    skipped: int = 0  # lines strictly between the two ends (on multi-line arcs)

    @property
    def center(self) -> float:
        """Where the label goes: the middle of the extent (finite edges assumed)."""
        return (self.left + self.right) / 2


@dataclass
class ArcLayout:
    segments: list[ArcSegment] = field(default_factory=list)

    def by_line(self) -> dict[int, list[ArcSegment]]:
        out: dict[int, list[ArcSegment]] = {}
        for segment in self.segments:
            out.setdefault(segment.line, []).append(segment)
        return out

    def levels(self) -> dict[str, int]:
        """Each arc's level: the highest level of its segments."""
        out: dict[str, int] = {}
        for segment in self.segments:
            out[segment.arc_id] = max(out.get(segment.arc_id, 0), segment.level)
        return out

    def levels_per_line(self) -> dict[int, int]:
        """How many levels each line uses (highest level + 1)."""
        out: dict[int, int] = {}
        for segment in self.segments:
            out[segment.line] = max(out.get(segment.line, 0), segment.level + 1)
        return out


@dataclass
class CappedLayout:
    """``cap_levels``' result: the segments to draw and, per line, the arcs folded there."""

    segments: list[ArcSegment]
    folded: dict[int, int]
    folded_ids: set[str]

    def by_line(self) -> dict[int, list[ArcSegment]]:
        return ArcLayout(self.segments).by_line()


# ---- the per-line level assignment --------------------------------------------------------

class _MaxTree:
    """Range "raise to at least v" and range "max" over ``n`` elementary slots (all start -1).

    ``mx[node]`` is the max anywhere under the node, ``tag[node]`` a value that applies to the
    whole node (a raise that covered it). A query takes ``mx`` of fully covered nodes and the
    ``tag`` of the partly covered ones on the way down.
    """

    __slots__ = ("n", "mx", "tag")

    def __init__(self, n: int):
        self.n = max(1, n)
        self.mx = [-1] * (4 * self.n)
        self.tag = [-1] * (4 * self.n)

    def query(self, lo: int, hi: int) -> int:
        return self._query(1, 0, self.n, lo, hi)

    def _query(self, node: int, nlo: int, nhi: int, lo: int, hi: int) -> int:
        if lo <= nlo and nhi <= hi:
            return self.mx[node]
        best = self.tag[node]
        mid = (nlo + nhi) // 2
        if lo < mid:
            best = max(best, self._query(2 * node, nlo, mid, lo, hi))
        if hi > mid:
            best = max(best, self._query(2 * node + 1, mid, nhi, lo, hi))
        return best

    def raise_to(self, lo: int, hi: int, value: int) -> None:
        self._raise(1, 0, self.n, lo, hi, value)

    def _raise(self, node: int, nlo: int, nhi: int, lo: int, hi: int, value: int) -> None:
        if value > self.mx[node]:
            self.mx[node] = value
        if lo <= nlo and nhi <= hi:
            if value > self.tag[node]:
                self.tag[node] = value
            return
        mid = (nlo + nhi) // 2
        if lo < mid:
            self._raise(2 * node, nlo, mid, lo, hi, value)
        if hi > mid:
            self._raise(2 * node + 1, mid, nhi, lo, hi, value)


#: Up to this many extents on a line, a plain scan is faster than the tree in Python.
SMALL_LINE = 40


def assign_levels(extents: Sequence[tuple[float, float]], order_keys: Sequence[tuple] | None = None,
                  *, small: int = SMALL_LINE) -> list[int]:
    """Levels for half-open extents ``[left, right)`` on one line (displaCy's rule).

    Extents are taken by ``order_keys`` (default: width, then left, then index), shortest
    first; each gets one more than the highest level among the already placed extents it
    overlaps (0 when none). Extents that merely touch do not overlap. An empty extent is a
    point ``p``: it overlaps ``[l, r)`` when ``l <= p < r``, and the same point.

    Up to ``small`` extents are placed by a scan of those already placed (faster in Python for
    the few arcs of one line); more go through a segment tree, ``O(n log n)``.
    """
    n = len(extents)
    if n == 0:
        return []
    fixed = []
    for left, right in extents:
        if right < left:
            left, right = right, left
        fixed.append((left, right))
    if order_keys is None:
        order_keys = [(_width(l, r), l, r, i) for i, (l, r) in enumerate(fixed)]
    order = sorted(range(n), key=lambda i: order_keys[i])
    if n <= small:
        return _assign_by_scan(fixed, order)
    coords = sorted({c for extent in fixed for c in extent})
    index = {c: i for i, c in enumerate(coords)}
    tree = _MaxTree(len(coords))
    levels = [0] * n
    for i in order:
        left, right = fixed[i]
        # Slot k is [coords[k], coords[k + 1]) (the last one reaches infinity); a point at
        # coords[k] takes slot k.
        lo, hi = index[left], index[right]
        if hi == lo:
            hi = lo + 1
        level = tree.query(lo, hi) + 1
        levels[i] = level
        tree.raise_to(lo, hi, level)
    return levels


def _assign_by_scan(fixed: list[tuple[float, float]], order: list[int]) -> list[int]:
    """The same rule by scanning the placed extents: O(n^2), for the few extents of one line."""
    levels = [0] * len(fixed)
    placed: list[tuple[float, float, int]] = []
    for i in order:
        left, right = fixed[i]
        level = 0
        for other_left, other_right, other_level in placed:
            if other_level >= level and _overlap(left, right, other_left, other_right):
                level = other_level + 1
        levels[i] = level
        placed.append((left, right, level))
    return levels


def _overlap(left: float, right: float, other_left: float, other_right: float) -> bool:
    if left == right:  # a point p overlaps [l, r) when l <= p < r, and the same point
        return other_left <= left < other_right or other_left == other_right == left
    if other_left == other_right:
        return left <= other_left < right
    return left < other_right and other_left < right


def _width(left: float, right: float) -> float:
    return right - left


# ---- arcs to segments -----------------------------------------------------------------------

def layout_arcs(arcs: Iterable[Arc], *, line_bounds: Mapping[int, tuple[float, float]] | None = None,
                min_width: float = 1.0, pad: float = 0.0) -> ArcLayout:
    """Lay out arcs over wrapped lines; see the module docstring.

    :param arcs: the arcs, anchors in any left-to-right coordinate.
    :param line_bounds: optional ``{line: (left_edge, right_edge)}``; a segment that leaves or
        enters a line reaches that edge (else it reaches infinity, which orders it as the
        longest on its line).
    :param min_width: the narrowest extent an arc takes (so an arc between two ends at the
        same anchor still claims its place).
    :param pad: added to each side of every extent, so arcs at one level keep apart.
    """
    bounds = line_bounds or {}
    pieces: list[dict] = []
    for arc in arcs:
        head_first = (arc.start_line, arc.start) <= (arc.end_line, arc.end)
        if arc.start_line == arc.end_line:
            left, right = sorted((arc.start, arc.end))
            left, right = _widen(left, right, max(min_width, arc.label_width))
            pieces.append(dict(arc=arc, line=arc.start_line, part=WHOLE, left=left - pad, right=right + pad,
                               head_x=arc.start, tail_x=arc.end, skipped=0))
            continue
        first_line, first_x = (arc.start_line, arc.start) if head_first else (arc.end_line, arc.end)
        last_line, last_x = (arc.end_line, arc.end) if head_first else (arc.start_line, arc.start)
        skipped = last_line - first_line - 1
        edge_right = bounds.get(first_line, (-inf, inf))[1]
        edge_left = bounds.get(last_line, (-inf, inf))[0]
        left, right = _widen(first_x, max(first_x, edge_right), max(min_width, arc.label_width), keep_left=True)
        pieces.append(dict(arc=arc, line=first_line, part=LEAVING, left=left - pad, right=right + pad,
                           head_x=arc.start if head_first else None, tail_x=None if head_first else arc.end,
                           skipped=skipped))
        left, right = _widen(min(last_x, edge_left), last_x, max(min_width, arc.label_width), keep_right=True)
        pieces.append(dict(arc=arc, line=last_line, part=ENTERING, left=left - pad, right=right + pad,
                           head_x=None if head_first else arc.start, tail_x=arc.end if head_first else None,
                           skipped=skipped))

    by_line: dict[int, list[dict]] = {}
    for piece in pieces:
        by_line.setdefault(piece["line"], []).append(piece)

    segments: list[ArcSegment] = []
    for line in sorted(by_line):
        items = by_line[line]
        finite = [c for p in items for c in (p["left"], p["right"]) if c not in (inf, -inf)]
        lo_edge = min(finite, default=0.0)
        hi_edge = max(finite, default=0.0)
        keys = []
        for p in items:
            left = p["left"] if p["left"] != -inf else lo_edge - 1
            right = p["right"] if p["right"] != inf else hi_edge + 1
            keys.append((right - left, p["left"], p["right"], p["arc"].id, p["part"]))
        levels = assign_levels([(p["left"], p["right"]) for p in items], keys)
        for p, level in zip(items, levels):
            arc = p["arc"]
            segments.append(ArcSegment(arc.id, line, p["part"], p["left"], p["right"], level,
                                       p["head_x"], p["tail_x"], arc.label, arc.kind, p["skipped"]))
    return ArcLayout(segments)


def _widen(left: float, right: float, width: float, *, keep_left: bool = False,
           keep_right: bool = False) -> tuple[float, float]:
    if right - left >= width or right in (inf, -inf) or left in (inf, -inf):
        return left, right
    if keep_left:
        return left, left + width
    if keep_right:
        return right - width, right
    middle = (left + right) / 2
    return middle - width / 2, middle + width / 2


def cap_levels(layout: ArcLayout, max_levels: int | Mapping[int, int]) -> CappedLayout:
    """Fold the arcs that need more than ``max_levels`` levels on any of their lines.

    ``max_levels`` is one number for every line, or ``{line: levels}`` (a line not in it has
    no cap). A folded arc is dropped from every line it touches (half an arc is not drawn) and
    counted on each of those lines in ``folded``.
    """
    def cap(line: int) -> float:
        if isinstance(max_levels, Mapping):
            return max_levels.get(line, inf)
        return max_levels

    folded_ids = {s.arc_id for s in layout.segments if s.level >= cap(s.line)}
    drawn = [s for s in layout.segments if s.arc_id not in folded_ids]
    folded: dict[int, int] = {}
    for segment in layout.segments:
        if segment.arc_id in folded_ids:
            folded[segment.line] = folded.get(segment.line, 0) + 1
    return CappedLayout(drawn, folded, folded_ids)

