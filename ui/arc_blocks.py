"""Where the arcs of one paragraph (QTextBlock) go: their ends on its lines, their levels, the room.

The arcs are laid out a block at a time, when the SpacedLayout spaces the block, so that the room
above each line is what its arcs need (no room on a line that carries none, as many levels as
its arcs take up to a cap) and the overlay draws exactly what the room was made for. An arc
with an end in another block is cut at this block's edge (a "leaving" or "entering" half, as an
arc between two lines is), so each block is laid out alone. Coordinates are the block layout's
own: x along its lines, line numbers within it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from annotate.arcs import Arc, CappedLayout, cap_levels, layout_arcs

#: Line numbers given to an end outside the block (before it, after it).
BEFORE = -1
AFTER = 1 << 30


@dataclass
class BlockArcs:
    """One block's arcs: ``rooms`` (line -> extra pixels, for the SpacedLayout), the laid-out
    segments to draw (``capped``: those over a line's cap folded into a count), the levels each
    line would need uncapped, and the specs by arc id."""

    rooms: dict[int, float] = field(default_factory=dict)
    capped: CappedLayout = field(default_factory=lambda: CappedLayout([], {}, set()))
    needed: dict[int, int] = field(default_factory=dict)
    specs: dict = field(default_factory=dict)
    #: The lines each arc has a segment on (to open every line a folded arc needs at once).
    lines_of: dict[str, set[int]] = field(default_factory=dict)
    #: With arcs of the selection only: the selection's arcs, laid out among themselves.
    selected: BlockArcs | None = None


EMPTY = BlockArcs()


def locate(block, layout, qt_start: int, qt_end: int):
    """(line number, x from, x to) of a Qt range's part on the line where it starts, in layout
    coordinates; BEFORE or AFTER (and no x) when it starts outside the block."""
    position = block.position()
    relative = qt_start - position
    if relative < 0:
        return BEFORE, 0.0, 0.0
    if relative >= block.length():
        return AFTER, 0.0, 0.0
    line = layout.lineForTextPosition(relative)
    if not line.isValid():
        return AFTER, 0.0, 0.0
    line_end = line.textStart() + line.textLength()
    x1 = line.cursorToX(relative)[0]
    x2 = line.cursorToX(max(relative, min(qt_end - position, line_end)))[0]
    low, high = sorted((x1, x2))
    return line.lineNumber(), low, high


def plan_block(block, layout, arcs, to_qt, to_qt_end, label_width, cap_of, room_of) -> BlockArcs:
    """Lay out ``arcs`` (ArcSpecs with an end in this block) over the block's lines.

    ``label_width(arc)`` is the width its label needs; ``cap_of(line number)`` the most levels
    drawn above that line (the rest fold into a count); ``room_of(levels)`` the pixels they take.
    """
    if not arcs:
        return EMPTY
    located: dict[tuple[int, int], tuple[int, float, float]] = {}
    for arc in arcs:
        for span in (arc.head, arc.tail):
            if span not in located:
                located[span] = locate(block, layout, to_qt(span[0]), to_qt_end(span[1]))

    def where(span):
        line, low, high = located[span]
        return line, (low + high) / 2

    # Several arcs at one span: spread their feet across it, ordered by where the other end is,
    # so that the arcs going far leave from the outside and do not cross the near ones.
    ends: dict[tuple[int, int], list[tuple[tuple, str, str]]] = {}
    for arc in arcs:
        ends.setdefault(arc.head, []).append((where(arc.tail), arc.id, "head"))
        ends.setdefault(arc.tail, []).append((where(arc.head), arc.id, "tail"))
    feet: dict[tuple[str, str], float] = {}
    for span, items in ends.items():
        _, low, high = located[span]
        items.sort()
        inner_low, inner_high = (low + 2, high - 2) if high - low > 6 else (low, high)
        for k, (_, arc_id, which) in enumerate(items):
            feet[(arc_id, which)] = inner_low + (k + 0.5) * (inner_high - inner_low) / len(items)

    inputs, specs, touched = [], {}, set()
    for arc in arcs:
        head_line, tail_line = located[arc.head][0], located[arc.tail][0]
        if head_line in (BEFORE, AFTER) and tail_line in (BEFORE, AFTER):
            continue
        inputs.append(Arc(arc.id, feet[(arc.id, "head")], feet[(arc.id, "tail")], arc.label or (arc.polarity or ""),
                          arc.kind, head_line, tail_line, label_width(arc)))
        specs[arc.id] = arc
        touched.update(line for line in (head_line, tail_line) if line not in (BEFORE, AFTER))
    bounds = {}
    for number in touched:
        line = layout.lineAt(number)
        bounds[number] = (line.x(), line.x() + line.width())
    laid = layout_arcs(inputs, line_bounds=bounds, min_width=6.0, pad=3.0)
    # The halves of arcs whose other end is in another block are laid out on BEFORE or AFTER
    # too: not lines of this block. Dropped, so that they neither fold an arc nor reach Qt's lineAt.
    count = layout.lineCount()
    laid.segments = [segment for segment in laid.segments if 0 <= segment.line < count]
    needed = laid.levels_per_line()
    caps = {line: cap_of(line) for line in needed}
    capped = cap_levels(laid, caps)
    shown: dict[int, int] = {}
    for segment in capped.segments:
        shown[segment.line] = max(shown.get(segment.line, 0), segment.level + 1)
    for line in capped.folded:
        shown[line] = max(shown.get(line, 0), 1)  # room for the "+N" badge
    rooms = {line: room_of(levels) for line, levels in shown.items() if 0 <= line < count}
    lines_of: dict[str, set[int]] = {}
    for segment in laid.segments:
        lines_of.setdefault(segment.arc_id, set()).add(segment.line)
    return BlockArcs(rooms, capped, needed, specs, lines_of)
