"""Painting the article view a visual line at a time, each line with its own highlights.

QPlainTextEdit's paint hands a block's QTextLayout every selection that touches the block, and
Qt draws each one over every visible line of the block, merging clip paths as it goes: nothing
for ordinary paragraphs, a tenth of a second per paint for a 1 MB paragraph with a few hundred
highlights on screen. This is the same paint (blocks from the first visible one, the text
selection and extra selections over the text, the caret), done line by line with only the
highlights, marks and selection on that line.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QTextCharFormat, QTextFormat, QTextLayout

#: Blocks at least this long keep their shaped text between paints (see _paint_block).
LONG_BLOCK = 10_000
#: The clip handed to Qt for a line stops this far short of its neighbours, so Qt picks that line
#: (and the one above it) to draw: Qt's text positions are multiples of 1/64 px.
_EDGE = 1 / 32
#: Lines with no highlight, mark or selection are drawn a run at a time (False: each alone, the
#: reference the tests compare the runs' pixels with).
PLAIN_RUNS = True
#: Lines whose highlights only fill are filled here and their text drawn with the plain runs
#: (False: by Qt's selection drawing, the reference the tests compare the pixels with).
OWN_FILLS = True
_BACKGROUND = QTextFormat.Property.BackgroundBrush


def paint(view, event, highlights, decorate=None, left_to_right=None) -> list[tuple[int, int, object]]:
    """Paint ``view``'s viewport for ``event``, with ``highlights(qt_start, qt_end)`` giving
    each line's (Qt start, Qt end, format) ranges; returns the ranges drawn. ``decorate(painter,
    layout, line, origin, line top, qt start, qt end, block position)`` then draws over each line
    painted, once all are (a mark may reach into the room between lines). ``left_to_right(qt
    start, qt end)`` says whether a stretch of text is laid out in one direction, a character per
    cluster, as its fills are then drawn here (see _fills); without it Qt draws them all."""
    viewport = view.viewport()
    painter = QPainter(viewport)
    offset = view.contentOffset()
    clip = event.rect()
    document = view.document()
    # Brush origin at the text: stripes and wave underlines stay put as it scrolls.
    painter.setBrushOrigin(offset)
    widest = offset.x() + max(viewport.width(), document.documentLayout().documentSize().width())
    clip.setRight(min(clip.right(), int(widest - document.documentMargin())))
    painter.setClipRect(clip)
    context = view.getPaintContext()
    # The marks (extra selections) and the text selection, drawn over the highlights.
    # The formats are copied: PySide's wrappers of the context's members die with it.
    over = [(s.cursor.selectionStart(), s.cursor.selectionEnd(), QTextCharFormat(s.format)) for s in context.selections
            if s.cursor.hasSelection() and not s.format.boolProperty(QTextFormat.Property.FullWidthSelection)]
    caret = context.cursorPosition if view.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard \
        else -1
    drawn: list[tuple[int, int, object]] = []
    painted_lines: list[tuple] | None = [] if decorate is not None else None
    block = view.firstVisibleBlock()
    while block.isValid():
        rect = view.blockBoundingRect(block).translated(offset)
        if block.isVisible() and rect.bottom() >= clip.top() and rect.top() <= clip.bottom():
            _paint_block(painter, block, offset, clip, highlights, over, drawn, painted_lines, left_to_right)
            position, length = block.position(), block.length()
            if position <= caret < position + length:
                block.layout().drawCursor(painter, offset, caret - position, view.cursorWidth())
        offset.setY(offset.y() + rect.height())
        if offset.y() > viewport.height():
            break
        block = block.next()
    if painted_lines:
        painter.setClipRect(clip)
        for entry in painted_lines:
            decorate(painter, *entry)
    painter.end()
    return drawn


def _paint_block(painter, block, offset, clip, highlights, over, drawn, painted_lines=None,
                 left_to_right=None) -> None:
    layout = block.layout()
    count = layout.lineCount()
    if not count:
        return
    if block.length() >= LONG_BLOCK and not layout.cacheEnabled():
        # Qt drops a layout's shaped text after each draw and itemizes the whole paragraph again
        # at the next one: 30 ms per line drawn in a 1 MB paragraph. Kept, it costs about 30
        # bytes a character, for the long paragraphs only.
        layout.setCacheEnabled(True)
    top = offset.y() + layout.position().y()
    position = block.position()
    # The lines on screen, each with its ranges: (line, its top, Qt start, Qt end, ranges).
    lines = []
    fills = {}  # line index in ``lines``: its fills, drawn here (see _fills)
    left = offset.x() + layout.position().x()
    index = first_line_below(layout, clip.top() - top)
    while index < count:
        line = layout.lineAt(index)
        line_top = top + line.y()
        if line_top > clip.bottom():
            break
        start = position + line.textStart()
        # The last line owns the paragraph separator, as in Qt's own selection drawing.
        end = start + line.textLength() + (1 if index == count - 1 else 0)
        found = highlights(start, end)
        drawn += found
        if over:
            found = found + [(qt_start, qt_end, fmt) for qt_start, qt_end, fmt in over
                             if qt_start < end and start < qt_end]
        own = None
        if found and OWN_FILLS and left_to_right is not None:
            own = _fills(line, line_top, left, clip, found, index == count - 1, left_to_right, position)
        if own is not None:
            fills[len(lines)] = own
            ranges = []
        else:
            ranges = [_format_range(qt_start - position, qt_end - qt_start, fmt) for qt_start, qt_end, fmt in found]
        lines.append((line, line_top, start, end, ranges))
        index += 1
    if not lines:
        return
    cached = layout.cacheEnabled()
    # Shaped once for all of the block's draws: without the cache Qt itemizes the whole block
    # again for each line drawn. Qt frees it after the last draw, as before, once turned off.
    layout.setCacheEnabled(True)
    above = float("inf")  # the bottom of the line drawn before
    for first, last in _draws(lines):
        if last == len(lines) - 1:
            layout.setCacheEnabled(cached)
        run_top, bottom = lines[first][1], lines[last][1] + lines[last][0].height()
        # Qt draws the lines a clip touches and the one above it: the painter's clip keeps
        # that one from being drawn twice (darker), and allows ink into the room above.
        painter.save()
        painter.setClipRect(QRectF(clip.left(), min(run_top, above), clip.width(), bottom - min(run_top, above)),
                            Qt.ClipOperation.IntersectClip)
        for i in range(first, last + 1):
            for rect, brush in fills.get(i, ()):
                painter.fillRect(rect, brush)
        layout.draw(painter, offset, lines[first][4],
                    QRectF(clip.left(), run_top + _EDGE, clip.width(), bottom - run_top - 2 * _EDGE))
        painter.restore()
        above = bottom
    if painted_lines is not None:
        origin = QPointF(offset.x() + layout.position().x(), top)
        for line, line_top, start, end, _ranges in lines:
            painted_lines.append((layout, line, origin, line_top, start, end, position))


def _fills(line, line_top, left, clip, found, last, left_to_right, position):
    """The (rect, brush) fills Qt's selection drawing would make of the (Qt start, Qt end,
    format) ranges ``found`` on ``line``, when each only fills (no text colour, line or outline)
    and the line reads left to right; else None. Qt fills each range's x-extent over the line's
    height, cut to the line's text and to the clip ``_paint_block`` hands it for a line drawn
    alone; the text is then drawn once, with the plain lines, instead of again under each range's
    clip path (50 us a line and 14 us a range)."""
    line_start = position + line.textStart()
    line_end = line_start + line.textLength()
    if not left_to_right(line_start, line_end):
        return None
    natural = line.naturalTextRect()
    text_left = left + natural.x()
    height = line.height()
    # The line's rect cut to the clip of a line drawn alone (QRectF &: the larger top-left, the
    # smaller bottom-right).
    box_left = max(text_left, float(clip.left()))
    box_right = min(text_left + natural.width(), float(clip.left() + clip.width()))
    box_top = line_top + _EDGE
    box_height = height - 2 * _EDGE
    text_end = text_left + line.horizontalAdvance()  # where its trailing white space starts
    x_at = line.cursorToX
    own = []
    for start, end, fmt in found:
        if fmt.propertyCount() != 1 or not fmt.hasProperty(_BACKGROUND):
            return None
        if start < line_start or end > line_end:  # the paragraph separator: Qt adds a mark after it
            return None
        x_start = left + x_at(start - position)[0]
        x_end = left + x_at(end - position)[0]
        if x_end > text_end:  # into the white space a line ends with: Qt leaves it unfilled...
            if last:  # ...but for a mark after the paragraph's text
                return None
            x_end = text_end
        x0, x1 = max(x_start, box_left), min(x_end, box_right)
        if x1 > x0 and box_height > 0:
            # Grown to whole pixels, as Qt does (QRectF.toAlignedRect).
            own.append((QRectF(x0, box_top, x1 - x0, box_height).toAlignedRect(), fmt.background()))
    return own


def _draws(lines) -> list[tuple[int, int]]:
    """The lines drawn by each Qt call, as (first, last) indices: a line with ranges alone (Qt
    draws each range over every line it is handed, merging clip paths), and a run of lines
    without any in one call, as Qt's own paint draws a block."""
    if not PLAIN_RUNS:
        return [(i, i) for i in range(len(lines))]
    draws = []
    first = None
    for i, (_line, _top, _start, _end, ranges) in enumerate(lines):
        if ranges:
            if first is not None:
                draws.append((first, i - 1))
                first = None
            draws.append((i, i))
        elif first is None:
            first = i
    if first is not None:
        draws.append((first, len(lines) - 1))
    return draws


def longest_paragraph(text: str) -> int:
    """The length of the longest block Qt makes of ``text`` (it splits at LF and U+2029)."""
    return max(map(len, text.replace("\u2029", "\n").split("\n")))


def has_paragraph_of(text: str, length: int) -> bool:
    """Whether Qt makes a block of at least ``length`` characters of ``text``. Such a block holds
    a whole aligned window of ``length // 2`` characters with no break: most texts show a break
    in every window within a few hundred characters, found without copying (0.47 ms a megabyte
    for longest_paragraph, 0.02 for this)."""
    window = max(1, length // 2)
    wide = not text.isascii()  # only then can it hold U+2029
    for at in range(0, len(text) - window + 1, window):
        if text.find("\n", at, at + window) < 0 and not (wide and "\u2029" in text[at:at + window]):
            return longest_paragraph(text) >= length
    return length <= 0


def first_line_below(layout, y: float) -> int:
    """The first line of a layout whose bottom is at or below ``y`` (a bisection)."""
    low, high = 0, layout.lineCount()
    while low < high:
        middle = (low + high) // 2
        line = layout.lineAt(middle)
        if line.y() + line.height() < y:
            low = middle + 1
        else:
            high = middle
    return low


def _format_range(start: int, length: int, fmt) -> QTextLayout.FormatRange:
    fmt_range = QTextLayout.FormatRange()
    fmt_range.start, fmt_range.length, fmt_range.format = start, length, fmt
    return fmt_range
