"""Relations and stances drawn as labelled arcs over the article text (brat / displaCy style).

An ``ArcOverlay`` is a transparent child of a QPlainTextEdit's viewport. Arcs are laid out a
paragraph at a time (``ui.arc_blocks``: displaCy's levels per visual line, an arc between two
lines cut into a "leaving" and an "entering" half) when the SpacedLayout (``ui.spaced_layout``)
spaces that paragraph, and the room above each line is what its arcs need: none on a line
without arcs, as many levels as its arcs take, up to ``levels`` (6). Arcs beyond that are folded
into a "+N" badge at the line's right end; a click on it (``toggle_line_at``, called by the view)
opens the line to every level its arcs need, and a click on its "−" closes it again, so every arc
on screen is drawn or one click away. Each arc is drawn in the room above its text line: a
flat-topped curve from above the head to above the tail, an arrowhead at the tail, and the label
in a small rounded box at the top; a click on a label (``arc_at``) selects that relation or
stance. ``set_only_for`` draws only one annotation's arcs, laid out among themselves, so none of
them is folded away by arcs not drawn.

API (for ArticleView)
---------------------
``ArcOverlay(view, levels=6)``; ``set_arcs(arcs: list[ArcSpec])`` (ends are code-point ranges;
``specs_from(spans, relations, stances)`` builds them); ``set_offsets(offsets)`` with every
``show_document``; ``set_only_for(annotation_id | None)``; ``set_enabled(bool)``;
``set_theme(dark)``; ``set_levels(n)``; ``set_base_room(px)``: room above every line for the
view's own marks (label tags), below the arcs; ``prepare_room()``.
``last_paint`` (arcs on screen, segments drawn, arcs folded, lines visible), ``last_labels``
(text, box) and ``last_badges`` (line, box, count) say what the last paint did; ``span_x`` and
``visible_line_tops``/``visible_line_rooms`` say where a range and the lines are on screen.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from math import ceil

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from annotate.arcs import ENTERING, LEAVING, RELATION, STANCE

from .arc_blocks import AFTER, BEFORE, EMPTY, BlockArcs, arcs_on_lines, line_window, locate, plan_block
from .line_painter import first_line_below
from .offsets import OffsetMap
from .spaced_layout import NoRoom, SpacedLayout, install_spaced_layout
from .theme import DARK, LIGHT

__all__ = ["AGAINST_COLOR", "FAVOR_COLOR", "ArcOverlay", "ArcSpec", "SpacedLayout", "specs_from"]

FAVOR_COLOR = "#009E73"
AGAINST_COLOR = "#D55E00"


@dataclass(frozen=True)
class ArcSpec:
    """One arc to draw: ``head`` and ``tail`` are ``(start, end)`` code-point ranges.

    ``kind`` is ``"relation"`` or ``"stance"``; a stance's ``polarity`` (FAVOR, AGAINST,
    NEUTRAL) picks its colour and, when ``label`` is empty, its label. ``head_id``/``tail_id``
    are the annotations at the ends (for ``set_only_for`` with a span id).
    """

    id: str
    head: tuple[int, int]
    tail: tuple[int, int]
    label: str
    kind: str = RELATION
    polarity: str | None = None
    head_id: str | None = None
    tail_id: str | None = None


def arc_is_plain(color: QColor) -> bool:
    """Grey (relations, NEUTRAL): the label text takes the theme's text colour."""
    return color.saturationF() < 0.1


def specs_from(spans: dict, relations, stances) -> list[ArcSpec]:
    """ArcSpecs for relations (head -label-> tail) and stances (holder -POLARITY-> target).

    ``spans`` maps ids to ``annotate.model.Span``; relations and stances may be lists or dicts
    of ``Relation``/``Stance``. One whose end is missing (rejected, deleted) is left out.
    """
    out: list[ArcSpec] = []
    for relation in (relations.values() if isinstance(relations, dict) else relations):
        head, tail = spans.get(relation.head), spans.get(relation.tail)
        if head is not None and tail is not None:
            out.append(ArcSpec(relation.id, (head.start, head.end), (tail.start, tail.end), relation.label,
                               RELATION, None, relation.head, relation.tail))
    for stance in (stances.values() if isinstance(stances, dict) else stances):
        holder, target = spans.get(stance.holder), spans.get(stance.target)
        if holder is not None and target is not None:
            out.append(ArcSpec(stance.id, (holder.start, holder.end), (target.start, target.end), stance.polarity,
                               STANCE, stance.polarity, stance.holder, stance.target))
    return out


# ---- the overlay -----------------------------------------------------------------------------

class ArcOverlay(QWidget):
    FOOT = 4.0       # px between the text line box (or the tags above it) and the lowest level's labels
    ARROW = 5.0      # arrowhead length
    #: A block with more lines is laid out by window (a 1 MB paragraph has 10,000 lines; the
    #: sample's longest paragraph about 10).
    WINDOWED_LINES = 400
    #: Lines laid out above and below the screen's, so that scrolling a page lays nothing out.
    WINDOW_MARGIN = 120

    def __init__(self, view: QPlainTextEdit, levels: int = 6):
        super().__init__(view.viewport())
        self._view = view
        self._viewport = view.viewport()
        # Installed on first use: the Python override costs every window that never shows arcs
        # or tags a call per block, and opening a document is measured against Qt alone.
        self._spaced: SpacedLayout | NoRoom = NoRoom()
        #: Called after the view got a new document (when room is first asked for).
        self.on_document_replaced = lambda: None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setGeometry(view.viewport().rect())
        self._arcs: list[ArcSpec] = []
        self._by_id: dict[str, ArcSpec] = {}
        self._ends: list[tuple[int, int]] = []  # (qt start of an end span, arc index), sorted
        self._offsets = OffsetMap("")
        self._only_for: str | None = None
        self._enabled = False
        self._dark = False
        self._levels = max(1, int(levels))
        self._base_room = 0.0
        self._opened: set[tuple[int, int]] = set()  # (block number, line's text start) shown uncapped
        self._label_widths: dict[str, float] = {}
        self._sprites: dict[tuple, QPixmap] = {}
        self._label_font = QFont()
        self._metrics = QFontMetricsF(self._label_font)
        self._step = 12.0
        self.last_paint: dict = {"arcs": 0, "segments": 0, "folded": 0, "lines": 0}
        #: Arcs handed to the layout so far (work, for tests and the bench).
        self.planned_arcs = 0
        #: (text, box) of the labels drawn by the last paint, in viewport coordinates.
        self.last_labels: list[tuple[str, QRectF]] = []
        #: (arc id, box) of the same labels, for clicks.
        self.last_label_ids: list[tuple[str, QRectF]] = []
        #: (block number, line's text start, box, count folded (0: an opened line's "−"), the text
        #: starts of the lines a click opens) of the badges the last paint drew.
        self.last_badges: list[tuple[int, int, QRectF, int, tuple]] = []
        self._update_font()
        view.viewport().installEventFilter(self)
        view.updateRequest.connect(self._on_update_request)
        view.verticalScrollBar().valueChanged.connect(self._on_scroll)
        self.hide()

    # ---- API -----------------------------------------------------------------------------------

    def set_arcs(self, arcs: list[ArcSpec]) -> None:
        arcs = list(arcs)
        if arcs == self._arcs:
            return  # a label key elsewhere: nothing to lay out or space again
        self._arcs = arcs
        self._by_id = {a.id: a for a in self._arcs}
        self._reindex()

    def set_offsets(self, offsets: OffsetMap) -> None:
        self._offsets = offsets
        self._opened.clear()
        self._spaced.invalidate(forget=True)
        self._reindex()

    def set_only_for(self, annotation_id: str | None) -> None:
        if annotation_id != self._only_for:
            self._only_for = annotation_id
            self._invalidate()  # the selection's arcs get all the room they need

    def prepare_room(self) -> None:
        """Install the spaced layout now, on an empty document: the view calls this before it
        sets a text with a very long paragraph, which installing it later would lay out again
        (a second for 1 MB) when room is first asked for."""
        if isinstance(self._spaced, NoRoom):
            self._view.setExtraSelections([])
            self._install(keep_place=False)

    def _install(self, *, keep_place: bool) -> None:
        top = self._view.cursorForPosition(self._view.viewport().rect().topLeft()).position()
        # Extra selections hold cursors into the old document, which the view deletes.
        self._view.setExtraSelections([])
        self._spaced = install_spaced_layout(self._view, self._offsets.shown if keep_place else "")
        self._spaced.extra = self._plan
        self._spaced.room = self._base_room
        self.on_document_replaced()
        if keep_place:
            cursor = self._view.textCursor()
            cursor.setPosition(min(top, self._view.document().characterCount() - 1))
            self._view.setTextCursor(cursor)
            self._view.ensureCursorVisible()

    def set_enabled(self, enabled: bool) -> None:
        if enabled and isinstance(self._spaced, NoRoom):
            self._install(keep_place=True)
        self._enabled = bool(enabled)
        self._invalidate()
        self.setVisible(self._enabled)

    def is_enabled(self) -> bool:
        return self._enabled

    def set_base_room(self, pixels: float) -> None:
        """Room above every line for the view's own marks (the label tags), under the arcs."""
        if pixels and isinstance(self._spaced, NoRoom):
            self._install(keep_place=True)
        self._base_room = float(max(0.0, pixels))
        self._spaced.set_room(self._base_room)
        self._invalidate()

    def base_room(self) -> float:
        return self._base_room

    def set_theme(self, dark: bool) -> None:
        self._dark = bool(dark)
        self.update()

    def set_levels(self, levels: int) -> None:
        """The most arc levels above a line before the rest fold into a "+N" badge."""
        self._levels = max(1, int(levels))
        self._invalidate()

    def room_for(self, levels: int) -> float:
        """The room above a line that ``levels`` arc levels need."""
        self._update_font()
        return self.FOOT + levels * self._step + 2

    def line_room(self) -> float:
        """The largest room above a visible line (tags and arcs)."""
        return max(self.visible_line_rooms(), default=self._base_room)

    def toggle_line_at(self, point) -> bool:
        """A click at ``point`` (viewport coordinates) on a line's "+N" badge opens that line to
        every level its arcs need; on an opened line's "−", closes it. True when it was a badge."""
        for number, text_start, box, count, opens in self.last_badges:
            if box.adjusted(-2, -2, 2, 2).contains(QPointF(point)):
                if count:
                    self._opened.update((number, start) for start in opens)
                else:
                    self._opened.discard((number, text_start))
                self._invalidate()
                return True
        return False

    def arc_at(self, point) -> str | None:
        """The relation or stance whose label is drawn at ``point`` (viewport coordinates)."""
        for arc_id, box in reversed(self.last_label_ids):
            if box.contains(QPointF(point)):
                return arc_id
        return None

    def _invalidate(self) -> None:
        self._spaced.invalidate()
        self._view.viewport().update()
        self.update()

    # ---- wiring ---------------------------------------------------------------------------------

    def changeEvent(self, event) -> None:  # noqa: N802
        # The view's font reaches its children: a zoom changes the labels, and the room follows.
        if event.type() == QEvent.Type.FontChange:
            self._update_font()
            self._invalidate()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Look at the event type before anything else: while the view is being destroyed its
        # viewport still sends events here, and asking the view for anything then crashes.
        if event.type() == QEvent.Type.Resize and watched is self._viewport:
            self.setGeometry(watched.rect())
            if self._enabled and self._window_left():
                self._invalidate()
        return False

    def _on_update_request(self, rect, dy: int) -> None:
        try:
            # QWidget.scroll() moves the viewport's children with the content: put ours back.
            if self.pos().x() or self.pos().y() or self.size() != self._viewport.size():
                self.setGeometry(self._viewport.rect())
        except RuntimeError:
            return  # the view is being destroyed (at exit): nothing to place or paint
        if self._enabled:
            self.update()

    def _on_scroll(self, _value: int) -> None:
        if self._enabled:
            if self._window_left():
                self._invalidate()  # the lines now on screen were not laid out
            self.update()

    def _reindex(self) -> None:
        to_qt = self._offsets.to_qt
        ends = []
        for index, arc in enumerate(self._arcs):
            ends.append((to_qt(arc.head[0]), index))
            ends.append((to_qt(arc.tail[0]), index))
        ends.sort()
        self._ends = ends
        self._invalidate()

    def _update_font(self) -> None:
        base = self._view.font()
        font = QFont(base)
        font.setFamilies(["Noto Sans", "DejaVu Sans"] + base.families())
        size = base.pointSizeF() if base.pointSizeF() > 0 else 12.0
        font.setPointSizeF(max(6.5, size * 0.62))
        font.setWeight(QFont.Weight.DemiBold)
        if font != self._label_font:
            self._label_font = font
            self._metrics = QFontMetricsF(font)
            self._label_widths.clear()
            self._sprites.clear()
        self._step = float(round(self._metrics.height() + 1))

    # ---- laying out, a block at a time -------------------------------------------------------------

    def _arcs_in(self, block) -> list[ArcSpec]:
        position = block.position()
        low = bisect_left(self._ends, (position, -1))
        high = bisect_left(self._ends, (position + block.length(), -1))
        return [self._arcs[i] for i in sorted({index for _, index in self._ends[low:high]})]

    def _arcs_between(self, qt_from: int, qt_to: int) -> set[int]:
        """The indexes of the arcs with an end starting in [qt_from, qt_to)."""
        low = bisect_left(self._ends, (qt_from, -1))
        high = bisect_left(self._ends, (qt_to, -1))
        return {index for _, index in self._ends[low:high]}

    def _plan(self, block, layout) -> BlockArcs:
        """The SpacedLayout's ``extra``: this block's arcs and the room they need (with arcs of the
        selection only, also the room the selection's arcs need among themselves: all of them).
        A block of more than ``WINDOWED_LINES`` lines is laid out over a window of its lines
        around the viewport (``arc_blocks.line_window``), laid out again when the viewport leaves it."""
        if not self._enabled or not self._arcs:
            return EMPTY
        window = None
        if layout.lineCount() > self.WINDOWED_LINES:
            window = line_window(block, layout, self._view.verticalScrollBar().value(), self._viewport.height(),
                                 self.WINDOW_MARGIN)
            found = arcs_on_lines(block, layout, window, self._arcs_between,
                                  lambda i: (self._arcs[i].head, self._arcs[i].tail), self._offsets.to_qt)
            arcs = [self._arcs[i] for i in found]
        else:
            arcs = self._arcs_in(block)
        if not arcs:
            return EMPTY if window is None else BlockArcs(window=window)
        self.planned_arcs += len(arcs)
        number = block.blockNumber()
        opened = {start for n, start in self._opened if n == number}

        def cap_of(line: int) -> int | float:
            return float("inf") if opened and layout.lineAt(line).textStart() in opened else self._levels

        def width(arc) -> float:
            return self._label_width(self._label_text(arc)) + 4

        self._update_font()
        foot, step = self.FOOT, self._step

        def room_of(levels: int) -> float:  # room_for without its font check, once a line
            return foot + levels * step + 2

        to_qt, to_qt_end = self._offsets.to_qt, self._offsets.to_qt_end
        plan = plan_block(block, layout, arcs, to_qt, to_qt_end, width, cap_of, room_of, window)
        only = self._only_for
        if only is not None:
            mine = [a for a in arcs if a.id == only or only in (a.head_id, a.tail_id)]
            plan.selected = plan_block(block, layout, mine, to_qt, to_qt_end, width, lambda line: float("inf"),
                                       room_of, window)
            for line, room in plan.selected.rooms.items():
                plan.rooms[line] = max(room, plan.rooms.get(line, 0.0))
        return plan

    def _window_left(self) -> bool:
        """True when a block laid out by window has lines on screen outside its window."""
        view, document = self._view, self._view.document()
        top = view.verticalScrollBar().value()
        bottom = top + ceil(self._viewport.height() / max(1.0, QFontMetricsF(view.font()).lineSpacing())) + 1
        block = document.findBlockByLineNumber(top)
        while block.isValid() and block.firstLineNumber() <= bottom:
            plan = self._spaced.data(block)
            window = plan.window if plan is not None else None
            if window is not None:
                first_line = block.firstLineNumber()
                count = block.lineCount()
                shown = (max(0, top - first_line), min(count, bottom - first_line))
                if not any(first <= shown[0] and shown[1] <= end for first, end in window):
                    return True
            block = block.next()
        return False

    def _levels_in(self, room: float) -> int:
        return max(0, int((room - self.FOOT - 2 + 0.5) // self._step))

    # ---- painting -------------------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802
        self.last_labels, self.last_label_ids, self.last_badges = [], [], []
        if not self._enabled or not self._arcs:
            self.last_paint = {"arcs": 0, "segments": 0, "folded": 0, "lines": 0}
            return
        self._update_font()
        lines, blocks = self._visible_lines()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        drawn, on_screen, folded_ids = 0, set(), set()
        labels = []
        for block, base, _top, first, end in blocks:
            plan = self._spaced.data(block)
            if plan is None or not plan.specs:
                continue
            layout = block.layout()
            shown = plan if self._only_for is None else (plan.selected or EMPTY)
            capped, lines_of = shown.capped, shown.lines_of
            for segment in capped.segments:
                if first <= segment.line < end:
                    line = lines[base + segment.line - first]
                    labels.append((segment.arc_id, *self._draw_segment(painter, segment, plan.specs[segment.arc_id],
                                                                      line)))
                    drawn += 1
                    on_screen.add(segment.arc_id)
            for number, count in capped.folded.items():
                if first <= number < end:
                    # A click opens every line the arcs folded here need (an arc folds whole).
                    arcs_here = {a for a in capped.folded_ids if number in lines_of.get(a, ())}
                    folded_ids |= arcs_here
                    opens = {line for a in arcs_here for line in lines_of.get(a, ())} | {number}
                    starts = tuple(layout.lineAt(line).textStart() for line in opens if 0 <= line < layout.lineCount())
                    self._draw_badge(painter, block, number, lines[base + number - first], count, starts)
            if self._only_for is None:
                for number in plan.needed:
                    opened = (block.blockNumber(), layout.lineAt(number).textStart()) in self._opened \
                        if 0 <= number < layout.lineCount() else False
                    if opened and first <= number < end and plan.needed[number] > self._levels:
                        self._draw_badge(painter, block, number, lines[base + number - first], 0, ())
        for arc_id, x, y, text, color, left, right in labels:
            box = self._draw_label(painter, x, y, text, color, left, right)
            self.last_labels.append((text, box))
            self.last_label_ids.append((arc_id, box))
        painter.end()
        self.last_paint = {"arcs": len(on_screen | folded_ids), "segments": drawn, "folded": len(folded_ids - on_screen),
                           "lines": len(lines)}

    def _visible_lines(self):
        """[(top y, left x, right x, room above)] of the visible visual lines (viewport
        coordinates), and [(block, index in the lines of its first visible line, top y, first and
        last visible line numbers + 1)] of their blocks. Only lines on screen: a 1 MB paragraph
        has 10,000."""
        view = self._view
        offset = view.contentOffset()
        self._offset_x = offset.x()
        bottom = view.viewport().height() + self.room_for(self._levels) + self._base_room
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
        return lines, blocks

    def span_x(self, start: int, end: int) -> tuple[int, float, float] | None:
        """(visible line index, x from, x to) in viewport coordinates of the part of the
        code-point range on its first line, as the arcs use it; None when off screen."""
        lines, blocks = self._visible_lines()
        qt_start, qt_end = self._offsets.to_qt(start), self._offsets.to_qt_end(end)
        for block, base, _top, first, end_line in blocks:
            line, low, high = locate(block, block.layout(), qt_start, qt_end)
            if line in (BEFORE, AFTER):
                continue
            if not first <= line < end_line:
                return None
            return base + line - first, low + self._offset_x, high + self._offset_x
        return None

    def visible_line_tops(self) -> list[float]:
        """The top of each visible line's box (viewport y), in the order of ``span_x``."""
        return [top for top, _, _, _ in self._visible_lines()[0]]

    def visible_line_rooms(self) -> list[float]:
        """The room above each visible line (tags and arcs), in the order of ``span_x``."""
        return [room for _, _, _, room in self._visible_lines()[0]]

    def _label_text(self, arc: ArcSpec) -> str:
        return arc.label or (arc.polarity or "")

    def _label_width(self, text: str) -> float:
        width = self._label_widths.get(text)
        if width is None:
            width = self._label_widths[text] = self._metrics.horizontalAdvance(text) + 8
        return width

    def _level_y(self, line_top: float, level: int) -> float:
        return line_top - self._base_room - self.FOOT - (level + 0.5) * self._step

    def _color(self, arc: ArcSpec) -> QColor:
        if arc.kind == STANCE:
            if arc.polarity == "FAVOR":
                return QColor(FAVOR_COLOR)
            if arc.polarity == "AGAINST":
                return QColor(AGAINST_COLOR)
            return QColor("#9A9A9A" if self._dark else "#7A7A7A")
        return QColor("#C8C8C8" if self._dark else "#4A4A4A")

    def _draw_segment(self, painter: QPainter, segment, arc: ArcSpec, line) -> tuple:
        top, left_edge, right_edge, _room = line
        color = self._color(arc)
        pen = QPen(color, 1.4)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        foot_y = top - self._base_room - 1.0  # on the tags' row: an arc points at its ends' tags
        y = self._level_y(top, segment.level)
        path = QPainterPath()
        if segment.part == LEAVING:
            x = segment.head_x if segment.head_x is not None else segment.tail_x
            end_x = right_edge
            self._leg_then_top(path, x, foot_y, y, end_x)
            self._chevron(painter, end_x, y, color, pointing_right=True)
            arrow_at = x if segment.tail_x is not None else None
            label_x = (x + end_x) / 2
        elif segment.part == ENTERING:
            x = segment.head_x if segment.head_x is not None else segment.tail_x
            start_x = left_edge
            self._leg_then_top(path, x, foot_y, y, start_x)
            self._chevron(painter, start_x, y, color, pointing_right=False)
            arrow_at = x if segment.tail_x is not None else None
            label_x = (x + start_x) / 2
        else:
            hx, tx = segment.head_x, segment.tail_x
            self._leg_then_top(path, hx, foot_y, y, tx)
            path.lineTo(tx, foot_y - self.ARROW + 1)
            arrow_at = tx
            label_x = (hx + tx) / 2
        painter.drawPath(path)
        if arrow_at is not None:
            self._arrowhead(painter, arrow_at, foot_y, color)
        return (label_x, y, self._label_text(arc), color, left_edge, right_edge)

    def _leg_then_top(self, path: QPainterPath, x: float, foot_y: float, y: float, to_x: float) -> None:
        """From the foot at x up to level y, round the corner, and along the top to to_x; for a
        whole arc, round the far corner too (the caller draws the far leg down)."""
        radius = min(6.0, abs(to_x - x) / 2, (foot_y - y) / 2)
        direction = 1.0 if to_x >= x else -1.0
        path.moveTo(x, foot_y)
        path.lineTo(x, y + radius)
        path.quadTo(x, y, x + direction * radius, y)
        path.lineTo(to_x - direction * radius, y)
        path.quadTo(to_x, y, to_x, y + radius)

    def _arrowhead(self, painter: QPainter, x: float, foot_y: float, color: QColor) -> None:
        half = 3.2
        head = QPainterPath()
        head.moveTo(x, foot_y + 0.5)
        head.lineTo(x - half, foot_y - self.ARROW)
        head.lineTo(x + half, foot_y - self.ARROW)
        head.closeSubpath()
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPath(head)
        painter.restore()

    def _chevron(self, painter: QPainter, x: float, y: float, color: QColor, *, pointing_right: bool) -> None:
        d = 4.0 if pointing_right else -4.0
        painter.save()
        painter.setPen(QPen(color, 1.4))
        painter.drawLine(QPointF(x - d, y - 3.5), QPointF(x, y))
        painter.drawLine(QPointF(x - d, y + 3.5), QPointF(x, y))
        painter.restore()

    def _draw_label(self, painter: QPainter, x: float, y: float, text: str, color: QColor,
                    left_edge: float, right_edge: float) -> QRectF:
        if not text:
            return QRectF()
        sprite = self._sprite("label", text, color)
        width, height = self._label_width(text), self._step - 1
        # Inside the line, clear of the continuation chevrons at its edges; on whole pixels so
        # the cached sprite is copied, not resampled.
        left = round(min(max(x - width / 2, left_edge + 7), max(left_edge + 7, right_edge - 7 - width)))
        top = round(y - height / 2)
        painter.drawPixmap(QPointF(left, top), sprite)
        return QRectF(left, top, width, height)

    def _draw_badge(self, painter: QPainter, block, number: int, line, count: int, opens: tuple) -> None:
        """"+N" at the right end of the top level above a line (N arcs folded there: a click
        shows them), or "−" on a line opened so (a click folds them again)."""
        top, _, right_edge, room = line
        text = f"+{count}" if count else "−"
        sprite = self._sprite("folded", text, QColor("#888888"))
        width, height = self._label_width(text), self._step - 1
        levels = max(1, self._levels_in(room - self._base_room))
        y = self._level_y(top, levels - 1)
        box = QRectF(round(right_edge + 14 - width), round(y - height / 2), width, height)
        painter.drawPixmap(box.topLeft(), sprite)
        self.last_badges.append((block.blockNumber(), block.layout().lineAt(number).textStart(), box, count, opens))

    def _sprite(self, kind: str, text: str, color: QColor) -> QPixmap:
        """A label box with its text, drawn once per look and copied at each paint."""
        ratio = self.devicePixelRatioF() or 1.0
        key = (kind, text, color.rgba(), self._dark, self._step, ratio)
        sprite = self._sprites.get(key)
        if sprite is not None:
            return sprite
        if len(self._sprites) > 1024:
            self._sprites.clear()
        width, height = self._label_width(text), self._step - 1
        sprite = QPixmap(max(1, ceil(width * ratio)), max(1, ceil(height * ratio)))
        sprite.setDevicePixelRatio(ratio)
        sprite.fill(Qt.GlobalColor.transparent)
        theme = DARK if self._dark else LIGHT
        painter = QPainter(sprite)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        box = QRectF(0.5, 0.5, width - 1, height - 1)
        if kind == "folded":
            painter.setPen(QPen(color, 1.0, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(theme.window))
            text_color = QColor(theme.text)
        else:
            background = QColor(theme.base)
            background.setAlpha(240)
            painter.setPen(QPen(color, 1.0))
            painter.setBrush(background)
            if arc_is_plain(color):
                text_color = QColor(theme.text)
            else:
                text_color = color.lighter(115) if self._dark else color.darker(135)
        painter.drawRoundedRect(box, 3.5, 3.5)
        painter.setFont(self._label_font)
        painter.setPen(text_color)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        self._sprites[key] = sprite
        return sprite

