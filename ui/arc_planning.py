"""Which arcs a paragraph has and their plan (``arc_blocks.plan_block``) for the SpacedLayout:
the arcs found by where their ends start, a paragraph's own or, for a paragraph laid out by
window, those of the window's lines; the lines a click opened get every level; with the arcs of
one selection only, the room that selection's arcs need among themselves too. And whether the
screen left a window, so that the paragraph is laid out again around it."""
from __future__ import annotations

from bisect import bisect_left
from math import ceil

from PySide6.QtGui import QFontMetricsF

from .arc_blocks import BlockArcs, arcs_on_lines, plan_block
from .arc_spec import ArcSpec


class ArcIndex:
    """The arcs, and their ends' Qt start positions sorted, to find a block's arcs by bisection."""

    def __init__(self):
        self.arcs: list[ArcSpec] = []
        self._ends: list[tuple[int, int]] = []  # (qt start of an end span, arc index), sorted

    def index(self, arcs: list[ArcSpec], to_qt) -> None:
        self.arcs = arcs
        ends = []
        for index, arc in enumerate(self.arcs):
            ends.append((to_qt(arc.head[0]), index))
            ends.append((to_qt(arc.tail[0]), index))
        ends.sort()
        self._ends = ends

    def in_block(self, block) -> list[ArcSpec]:
        position = block.position()
        low = bisect_left(self._ends, (position, -1))
        high = bisect_left(self._ends, (position + block.length(), -1))
        return [self.arcs[i] for i in sorted({index for _, index in self._ends[low:high]})]

    def between(self, qt_from: int, qt_to: int) -> set[int]:
        """The indexes of the arcs with an end starting in [qt_from, qt_to)."""
        low = bisect_left(self._ends, (qt_from, -1))
        high = bisect_left(self._ends, (qt_to, -1))
        return {index for _, index in self._ends[low:high]}

    def on_lines(self, block, layout, window, to_qt) -> list[ArcSpec]:
        """The arcs of a window of the block's lines (``arc_blocks.arcs_on_lines``)."""
        found = arcs_on_lines(block, layout, window, self.between,
                              lambda i: (self.arcs[i].head, self.arcs[i].tail), to_qt)
        return [self.arcs[i] for i in found]


def plan_arcs(block, layout, arcs: list[ArcSpec], offsets, width, levels: int, opened: set[int], room_of,
              only_for: str | None, window) -> BlockArcs:
    """The plan of ``arcs`` in ``block``: capped at ``levels`` except on the ``opened`` lines (by
    text start); with ``only_for``, also the selection's arcs laid out among themselves, and the
    room they need."""

    def cap_of(line: int) -> int | float:
        return float("inf") if opened and layout.lineAt(line).textStart() in opened else levels

    to_qt, to_qt_end = offsets.to_qt, offsets.to_qt_end
    plan = plan_block(block, layout, arcs, to_qt, to_qt_end, width, cap_of, room_of, window)
    if only_for is not None:
        mine = [a for a in arcs if a.id == only_for or only_for in (a.head_id, a.tail_id)]
        plan.selected = plan_block(block, layout, mine, to_qt, to_qt_end, width, lambda line: float("inf"),
                                   room_of, window)
        for line, room in plan.selected.rooms.items():
            plan.rooms[line] = max(room, plan.rooms.get(line, 0.0))
    return plan


def window_left(view, spaced) -> bool:
    """True when a block laid out by window has lines on screen outside its window."""
    document = view.document()
    top = view.verticalScrollBar().value()
    bottom = top + ceil(view.viewport().height() / max(1.0, QFontMetricsF(view.font()).lineSpacing())) + 1
    block = document.findBlockByLineNumber(top)
    while block.isValid() and block.firstLineNumber() <= bottom:
        plan = spaced.data(block)
        window = plan.window if plan is not None else None
        if window is not None:
            first_line = block.firstLineNumber()
            count = block.lineCount()
            shown = (max(0, top - first_line), min(count, bottom - first_line))
            if not any(first <= shown[0] and shown[1] <= end for first, end in window):
                return True
        block = block.next()
    return False
