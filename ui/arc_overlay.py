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

The overlay holds the state and the wiring; the arcs it is given are ``ui.arc_spec``'s, found
and planned a block at a time by ``ui.arc_planning``, drawn by ``ui.arc_painter`` in the look of
``ui.arc_look`` (colours, label font, sprites) over the lines ``ui.screen_lines`` finds on screen.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from .arc_blocks import AFTER, BEFORE, EMPTY, BlockArcs, line_window, locate
from .arc_look import AGAINST_COLOR, FAVOR_COLOR, FOOT, ArcLook
from .arc_painter import ARROW, ArcPainter
from .arc_planning import ArcIndex, plan_arcs, window_left
from .arc_spec import ArcSpec, label_text, specs_from
from .offsets import OffsetMap
from .screen_lines import visible_lines
from .spaced_layout import NoRoom, SpacedLayout, install_spaced_layout

__all__ = ["AGAINST_COLOR", "FAVOR_COLOR", "ArcOverlay", "ArcSpec", "SpacedLayout", "specs_from"]


class ArcOverlay(QWidget):
    #: The room's geometry, kept in ``arc_look`` and ``arc_painter``; named here as before.
    FOOT = FOOT
    ARROW = ARROW
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
        self._index = ArcIndex()
        self._by_id: dict[str, ArcSpec] = {}
        self._offsets = OffsetMap("")
        self._only_for: str | None = None
        self._enabled = False
        self._dark = False
        self._levels = max(1, int(levels))
        self._base_room = 0.0
        self._opened: set[tuple[int, int]] = set()  # (block number, line's text start) shown uncapped
        self._look = ArcLook()
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
        if arcs == self._index.arcs:
            return  # a label key elsewhere: nothing to lay out or space again
        self._index.arcs = arcs
        self._by_id = {a.id: a for a in arcs}
        self._reindex()

    def set_offsets(self, offsets: OffsetMap) -> None:
        self._offsets = offsets
        self._opened.clear()
        self._index.index(self._index.arcs, self._offsets.to_qt)
        # Once: each invalidation has Qt measure the document, so a 1 MB paragraph is spaced
        # again (13 ms) at each.
        self._spaced.invalidate(forget=True)
        self._view.viewport().update()
        self.update()

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
        return self._look.room_for(levels)

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
        self._index.index(self._index.arcs, self._offsets.to_qt)
        self._invalidate()

    def _update_font(self) -> None:
        self._look.follow(self._view.font())

    # ---- laying out, a block at a time -------------------------------------------------------------

    def _plan(self, block, layout) -> BlockArcs:
        """The SpacedLayout's ``extra``: this block's arcs and the room they need (with arcs of the
        selection only, also the room the selection's arcs need among themselves: all of them).
        A block of more than ``WINDOWED_LINES`` lines is laid out over a window of its lines
        around the viewport (``arc_blocks.line_window``), laid out again when the viewport leaves it."""
        if not self._enabled or not self._index.arcs:
            return EMPTY
        window = None
        if layout.lineCount() > self.WINDOWED_LINES:
            window = line_window(block, layout, self._view.verticalScrollBar().value(), self._viewport.height(),
                                 self.WINDOW_MARGIN)
            arcs = self._index.on_lines(block, layout, window, self._offsets.to_qt)
        else:
            arcs = self._index.in_block(block)
        if not arcs:
            return EMPTY if window is None else BlockArcs(window=window)
        self.planned_arcs += len(arcs)
        number = block.blockNumber()
        opened = {start for n, start in self._opened if n == number}
        look = self._look

        def width(arc) -> float:
            return look.width(label_text(arc)) + 4

        self._update_font()
        foot, step = FOOT, look.step

        def room_of(levels: int) -> float:  # room_for without its font check, once a line
            return foot + levels * step + 2

        return plan_arcs(block, layout, arcs, self._offsets, width, self._levels, opened, room_of, self._only_for,
                         window)

    def _window_left(self) -> bool:
        return window_left(self._view, self._spaced)

    # ---- painting -------------------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802
        self.last_labels, self.last_label_ids, self.last_badges = [], [], []
        if not self._enabled or not self._index.arcs:
            self.last_paint = {"arcs": 0, "segments": 0, "folded": 0, "lines": 0}
            return
        self._update_font()
        lines, blocks = self._visible_lines()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        drawing = ArcPainter(painter, self._look, self._base_room, self._dark, self.devicePixelRatioF() or 1.0)
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
                    labels.append((segment.arc_id, *drawing.segment(segment, plan.specs[segment.arc_id], line)))
                    drawn += 1
                    on_screen.add(segment.arc_id)
            for number, count in capped.folded.items():
                if first <= number < end:
                    # A click opens every line the arcs folded here need (an arc folds whole).
                    arcs_here = {a for a in capped.folded_ids if number in lines_of.get(a, ())}
                    folded_ids |= arcs_here
                    opens = {line for a in arcs_here for line in lines_of.get(a, ())} | {number}
                    starts = tuple(layout.lineAt(line).textStart() for line in opens if 0 <= line < layout.lineCount())
                    self._draw_badge(drawing, block, number, lines[base + number - first], count, starts)
            if self._only_for is None:
                for number in plan.needed:
                    opened = (block.blockNumber(), layout.lineAt(number).textStart()) in self._opened \
                        if 0 <= number < layout.lineCount() else False
                    if opened and first <= number < end and plan.needed[number] > self._levels:
                        self._draw_badge(drawing, block, number, lines[base + number - first], 0, ())
        for arc_id, x, y, text, color, left, right in labels:
            box = drawing.label(x, y, text, color, left, right)
            self.last_labels.append((text, box))
            self.last_label_ids.append((arc_id, box))
        painter.end()
        self.last_paint = {"arcs": len(on_screen | folded_ids), "segments": drawn, "folded": len(folded_ids - on_screen),
                           "lines": len(lines)}

    def _draw_badge(self, drawing: ArcPainter, block, number: int, line, count: int, opens: tuple) -> None:
        box = drawing.badge(line, count)
        self.last_badges.append((block.blockNumber(), block.layout().lineAt(number).textStart(), box, count, opens))

    def _visible_lines(self):
        """The visible lines and their blocks (``screen_lines.visible_lines``), down to the lowest
        line whose arcs can reach onto the screen."""
        bottom = self._view.viewport().height() + self.room_for(self._levels) + self._base_room
        lines, blocks, self._offset_x = visible_lines(self._view, bottom)
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
