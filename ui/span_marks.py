"""Marks drawn on each line as it is painted: label tags, and stacked underlines for spans that
nest or cross.

A fill shows one span per character; where entities nest or cross, each of them also gets an
underline in its own label colour, under its whole length, one below the other (the shorter span
nearest the text, as arcs stack: a span's underline is one below those of the shorter spans it
overlaps). So an enclosing span and a crossing one read in their own colours, as long as they are.

With tags on, the view has a row of room above every line (``ArcOverlay.set_base_room``), and
each entity gets a small tag there with its label, at its first character, in its colour: the
label reads without telling colours apart. Tags that would overlap the one before are moved right
of it. Both are found from the highlighter's index for the line being painted, like the fills.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPen

from annotate.model import CLAIM, SUGGESTED

from .label_font import label_font

#: Underlines: thickness, gap between them, and the first one's distance below the baseline.
UNDERLINE = 2.0
UNDERLINE_GAP = 1.0
UNDERLINE_DROP = 3.0


class SpanMarks:
    def __init__(self, highlighter):
        self.highlighter = highlighter
        self.tags = False
        self.font = QFont()
        self.metrics = QFontMetricsF(self.font)
        self._levels: dict[str, int] = {}
        self._widths: dict[str, float] = {}
        #: (span id, label, box) of the tags the last paint drew (viewport coordinates).
        self.drawn_tags: list[tuple[str, str, QRectF]] = []
        #: (span id, level, y, x from, x to) of the underlines the last paint drew.
        self.drawn_underlines: list[tuple[str, int, float, float, float]] = []

    def set_font(self, article_font: QFont) -> None:
        font = label_font(article_font, 0.64)
        self.font, self.metrics = font, QFontMetricsF(font)
        self._widths.clear()

    def tag_room(self) -> float:
        """The room a row of tags takes above a line."""
        return float(round(self.metrics.height() + 3))

    def start_paint(self) -> None:
        self._levels.clear()
        self.drawn_tags, self.drawn_underlines = [], []

    # ---- which spans --------------------------------------------------------------------------

    def _entities_between(self, start: int, end: int):
        return [s for s in self.highlighter._spans_between(start, end) if s.layer != CLAIM]

    def level(self, span) -> int:
        """0 for a span that overlaps no other entity's shorter span, else one more than the
        highest level among the shorter ones it overlaps; -1 for a span that overlaps none."""
        known = self._levels.get(span.id)
        if known is not None:
            return known
        others = [o for o in self._entities_between(span.start, span.end) if o.id != span.id]
        if not others:
            self._levels[span.id] = -1
            return -1
        key = _order(span)
        shorter = [o for o in others if _order(o) < key]
        self._levels[span.id] = level = 1 + max((max(0, self.level(o)) for o in shorter), default=-1)
        return level

    # ---- drawing --------------------------------------------------------------------------------

    def draw_line(self, painter, layout, line, origin, line_top: float, qt_start: int, qt_end: int,
                  block_position: int) -> None:
        """Draw the marks of one visual line (``origin``: where the block's layout is drawn)."""
        offsets, colors, theme = self.highlighter.offsets, self.highlighter.colors, self.highlighter.theme
        start, end = offsets.from_qt(qt_start), offsets.from_qt(qt_end)
        spans = self._entities_between(start, end + 1)
        if not spans:
            return
        baseline = line_top + line.ascent()
        x0 = origin.x()

        def x_at(offset: int) -> float:
            relative = max(qt_start, min(offsets.to_qt(offset), qt_end)) - block_position
            return x0 + line.cursorToX(relative)[0]

        alone = _alone(spans, start, end)
        for span in spans:
            if span.id in alone:
                continue
            level = self.level(span)
            if level < 0:
                continue
            low, high = sorted((x_at(max(span.start, start)), x_at(min(span.end, end))))
            if high - low < 1:
                continue
            y = baseline + UNDERLINE_DROP + level * (UNDERLINE + UNDERLINE_GAP)
            color = QColor(colors.get(span.label, "#888888"))
            pen = QPen(color, UNDERLINE)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            if span.decision == SUGGESTED:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(low, y + UNDERLINE / 2, high, y + UNDERLINE / 2)
            self.drawn_underlines.append((span.id, level, y, low, high))
        if self.tags:
            self._draw_tags(painter, [s for s in spans if start <= s.start < end or (s.start == end == start)],
                            x_at, line_top, theme, x0 + line.width())

    def _draw_tags(self, painter, starting, x_at, line_top: float, theme, right_edge: float) -> None:
        if not starting:
            return
        colors = self.highlighter.colors
        height = self.tag_room() - 3
        top = line_top - height - 1.5
        # The outer span's tag first where two start together; then left to right.
        starting.sort(key=lambda s: (x_at(s.start), -(s.end - s.start)))
        right = float("-inf")
        painter.setFont(self.font)
        for span in starting:
            width = self._width(span.label)
            # A tag wider than the last word of a line ends at the column's edge instead of
            # being cut there ("CARD" for CARDINAL).
            left = min(max(x_at(span.start), right + 2), right_edge - width)
            box = QRectF(left, top, width, height)
            color = QColor(colors.get(span.label, "#888888"))
            fill = QColor(color)
            suggested = span.decision == SUGGESTED
            fill.setAlpha(theme.suggested_alpha + 40 if suggested else 235)
            painter.setPen(QPen(color, 1.0, Qt.PenStyle.DashLine if suggested else Qt.PenStyle.SolidLine))
            painter.setBrush(fill)
            painter.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), 2.5, 2.5)
            painter.setPen(QColor(_text_on(fill, theme)))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, span.label)
            self.drawn_tags.append((span.id, span.label, box))
            right = box.right()
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _width(self, label: str) -> float:
        width = self._widths.get(label)
        if width is None:
            width = self._widths[label] = self.metrics.horizontalAdvance(label) + 6
        return width


def _alone(spans: list, start: int, end: int) -> set[str]:
    """Ids of the ``spans`` (ordered by start, every entity on the stretch ``start``-``end``)
    that lie inside the stretch and overlap none of the others there: then they overlap no
    entity anywhere, and their level is -1 without a search (most spans on most lines)."""
    alone = set()
    reach = -1  # the furthest end of the spans before
    for i, span in enumerate(spans):
        following = spans[i + 1].start if i + 1 < len(spans) else end
        if start <= span.start and span.end <= end and reach <= span.start and span.end <= following:
            alone.add(span.id)
        reach = max(reach, span.end)
    return alone


def _order(span) -> tuple:
    return (span.end - span.start, span.start, span.id)


def _text_on(fill: QColor, theme) -> str:
    """Dark or light text, whichever reads on the fill as it shows over the theme's background."""
    base = QColor(theme.base)
    alpha = fill.alphaF()
    lightness = sum(getattr(fill, c)() * alpha + getattr(base, c)() * (1 - alpha)
                    for c in ("redF", "greenF", "blueF")) / 3
    return "#111111" if lightness > 0.5 else "#F4F4F4"
