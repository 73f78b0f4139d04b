"""The visual lines of a QPlainTextEdit that are on screen, with the room above each (the
SpacedLayout's), found without walking a long paragraph's lines off screen."""
from __future__ import annotations

from .line_painter import first_line_below


def visible_lines(view, bottom: float):
    """[(top y, left x, right x, room above)] of the visible visual lines down to ``bottom``
    (viewport coordinates), [(block, index in the lines of its first visible line, top y, first
    and last visible line numbers + 1)] of their blocks, and the content's x offset. Only lines
    on screen: a 1 MB paragraph has 10,000."""
    offset = view.contentOffset()
    lines: list[tuple[float, float, float, float]] = []
    blocks = []
    block = view.firstVisibleBlock()
    while block.isValid():
        geometry = view.blockBoundingGeometry(block).translated(offset)  # spaces it if need be
        if geometry.top() > bottom:
            break
        if block.isVisible():
            layout = block.layout()
            top = geometry.top()
            first = number = first_line_below(layout, -top)
            above = layout.lineAt(number - 1) if number > 0 else None
            previous_bottom = above.y() + above.height() if above is not None else 0.0
            while number < layout.lineCount():
                line = layout.lineAt(number)
                if top + line.y() > bottom:
                    break
                left = offset.x() + line.x()
                lines.append((top + line.y(), left, left + line.width(), line.y() - previous_bottom))
                previous_bottom = line.y() + line.height()
                number += 1
            blocks.append((block, len(lines) - (number - first), top, first, number))
        block = block.next()
    return lines, blocks, offset.x()
