"""Where the arcs of one paragraph (QTextBlock) go: their ends on its lines, their levels, the room.

The arcs are laid out a block at a time, when the SpacedLayout spaces the block, so that the room
above each line is what its arcs need (no room on a line that carries none, as many levels as
its arcs take up to a cap) and the overlay draws exactly what the room was made for. An arc
with an end in another block is cut at this block's edge (a "leaving" or "entering" half, as an
arc between two lines is), so each block is laid out alone. Coordinates are the block layout's
own: x along its lines, line numbers within it.

A paragraph of thousands of lines (a transcript, a PDF extraction: 10,000 lines for 1 MB) is
laid out only over windows of its lines (``lines``: around the viewport, and the last page, which
QPlainTextEdit measures for its scroll bar): the arcs with an end there, and every arc with an end on the line of their other end, since an arc folds whole when
it is over the cap on either of its lines. A line's levels depend only on the arcs with an end
on it, so the window's lines get exactly what laying out the whole paragraph gives them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil

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
    #: The lines laid out, ((first, end), ...), when only windows of the block's lines were.
    window: tuple[tuple[int, int], ...] | None = None


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


def line_window(block, layout, top_line: int, height: float, margin: int) -> tuple[tuple[int, int], ...]:
    """The block's lines on a screen ``height`` high whose top line is ``top_line`` (a visual line
    of the document: QPlainTextEdit's scroll bar value), ``margin`` lines either side, and for the
    last block its last page (QPlainTextEdit measures its lines for the scroll bar's range)."""
    count = layout.lineCount()
    top = min(max(0, top_line - block.firstLineNumber()), count - 1)
    shown = ceil(height / max(1.0, layout.lineAt(top).height())) + 1
    first, end = max(0, top - margin), min(count, top + shown + margin)
    if block.next().isValid():
        return ((first, end),)
    last_page = max(0, count - shown - 1)
    if last_page <= end:
        return ((first, count),)
    return ((first, end), (last_page, count))


def arcs_on_lines(block, layout, window, between, ends_of, to_qt) -> list[int]:
    """The arcs (indexes, sorted) with an end on the ``window``'s lines, and those with an end on
    the line of one of their other ends (whether an arc folds depends on both its lines).
    ``between(qt_from, qt_to)``: the set of arcs with an end starting there; ``ends_of(index)``:
    its two code-point ranges."""
    position, length = block.position(), block.length()

    def text_range(first_line: int, end_line: int) -> tuple[int, int]:
        last = layout.lineAt(end_line - 1)
        return position + layout.lineAt(first_line).textStart(), position + last.textStart() + last.textLength()

    found: set[int] = set()
    for first, end in window:
        found |= between(*text_range(first, end))
    other_lines = set()
    for index in found:
        for span in ends_of(index):
            relative = to_qt(span[0]) - position
            if 0 <= relative < length:
                line = layout.lineForTextPosition(relative).lineNumber()
                if line >= 0 and not any(first <= line < end for first, end in window):
                    other_lines.add(line)
    for line in other_lines:
        found |= between(*text_range(line, line + 1))
    return sorted(found)


def plan_block(block, layout, arcs, to_qt, to_qt_end, label_width, cap_of, room_of,
               lines: tuple[tuple[int, int], ...] | None = None) -> BlockArcs:
    """Lay out ``arcs`` (ArcSpecs with an end in this block) over the block's lines.

    ``label_width(arc)`` is the width its label needs; ``cap_of(line number)`` the most levels
    drawn above that line (the rest fold into a count); ``room_of(levels)`` the pixels they take.
    ``lines`` ((first, end), ...): keep the segments and rooms of those lines only; ``arcs`` then hold
    every arc with an end on them or on the line of the other end of one of those.
    """
    if not arcs:
        return EMPTY if lines is None else BlockArcs(window=lines)
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
        if head_line not in (BEFORE, AFTER):
            touched.add(head_line)
        if tail_line not in (BEFORE, AFTER):
            touched.add(tail_line)
    bounds = {}
    for number in touched:
        line = layout.lineAt(number)
        bounds[number] = (line.x(), line.x() + line.width())
    laid = layout_arcs(inputs, line_bounds=bounds, min_width=6.0, pad=3.0)
    # The halves of arcs whose other end is in another block are laid out on BEFORE or AFTER
    # too: not lines of this block. Dropped, so that they neither fold an arc nor reach Qt's lineAt.
    count = layout.lineCount()
    laid.segments = [segment for segment in laid.segments if 0 <= segment.line < count]
    caps = {line: cap_of(line) for line in laid.levels_per_line()}
    capped = cap_levels(laid, caps)
    # Every line an arc is on, in the window or not: a click on a "+N" opens all of them.
    lines_of: dict[str, set[int]] = {}
    for segment in laid.segments:
        lines_of.setdefault(segment.arc_id, set()).add(segment.line)
    if lines is not None:
        # Outside the window a line may miss some of its arcs: drop it (it is laid out when the
        # window comes to it). Whether an arc folds was decided on both its lines above.
        def kept(line: int) -> bool:
            return any(first <= line < end for first, end in lines)

        laid.segments = [segment for segment in laid.segments if kept(segment.line)]
        capped = CappedLayout([segment for segment in capped.segments if kept(segment.line)],
                              {line: n for line, n in capped.folded.items() if kept(line)}, capped.folded_ids)
    needed = laid.levels_per_line()
    shown: dict[int, int] = {}
    for segment in capped.segments:
        shown[segment.line] = max(shown.get(segment.line, 0), segment.level + 1)
    for line in capped.folded:
        shown[line] = max(shown.get(line, 0), 1)  # room for the "+N" badge
    rooms = {line: room_of(levels) for line, levels in shown.items() if 0 <= line < count}
    return BlockArcs(rooms, capped, needed, specs, lines_of, window=lines)
