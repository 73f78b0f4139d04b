"""Relations and stances drawn as labelled arcs over the article text (brat / displaCy style).

An ``ArcOverlay`` is a transparent child of a QPlainTextEdit's viewport. On each paint it takes
the arcs with an end in the *visible* blocks only, finds where their ends are from the blocks'
QTextLayout lines, lays them out with ``annotate.arcs`` (displaCy's levels, per visual line,
multi-line arcs cut into a "leaving" and an "entering" half) and draws each one in the room
above its text line: a flat-topped curve from above the head to above the tail, an arrowhead
at the tail, and the label in a small rounded box at the top. Arcs that need more levels than
the room holds are folded and counted in a "+N" badge, so an arc never covers a text line.

Room above each line
--------------------
QPlainTextEdit's QPlainTextDocumentLayout ignores ``QTextBlockFormat.setLineHeight`` (every
type: proportional, fixed, minimum, line distance) and block margins: its ``layoutBlock``
simply stacks ``QTextLine.height()``. Merging a block format over the document writes into
it and changes nothing on screen (measured in bench/run_arcs.py). So the room is made by a
``SpacedLayout``, a QPlainTextDocumentLayout whose ``blockBoundingRect`` moves each laid-out
line of a block down by ``room`` pixels (lazily, only for blocks Qt asks about, i.e. the
visible ones). Painting, hit-testing, the caret, selections and scrolling all read those line
positions, so they follow. The text and its formats are untouched; changing the room costs
nothing until the next paint.

API (for ArticleView)
---------------------
``ArcOverlay(view, levels=3)``
    Creates the overlay on ``view.viewport()`` and installs the SpacedLayout on ``view``
    (``install_spaced_layout``, on the first ``set_enabled(True)``; installing
    replaces the view's QTextDocument, copying its text, font, margin and text option).
``set_arcs(arcs: list[ArcSpec])``
    The document's arcs; ends are code-point ranges. ``specs_from(spans, relations, stances)``
    builds them from the domain objects.
``set_offsets(offsets: OffsetMap)``
    The code-point to Qt map of the text shown (call with every ``show_document``).
``set_only_for(annotation_id: str | None)``
    Show only the arcs of one annotation (an arc id, or a span id: the arcs at that span);
    ``None`` shows them all.
``set_enabled(enabled: bool)``
    Arcs on (the room above lines opens) or off (room 0: the text is laid out as without arcs).
``set_theme(dark: bool)``
``set_levels(levels: int)``
    How many arc levels fit above a line (default 3); the room follows.
``set_line_room(pixels: float)`` / ``line_room() -> float``
    The extra space above each line, set directly (else ``set_enabled``/``set_levels`` size it
    from the label font, and it follows the view's font on zoom).
``last_paint: dict`` / ``last_labels: list[tuple[str, QRectF]]``
    What the last paint did (arcs considered, segments drawn, arcs folded, lines visible) and
    the label boxes it drew; ``span_x(start, end)`` and ``visible_line_tops()`` say where a
    code-point range and the visible lines are on screen. For tests and the benchmark.

The overlay repaints itself on the view's ``updateRequest`` and the vertical scroll bar's
``valueChanged``, and follows the viewport's size through an event filter.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from math import ceil, floor

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPixmap, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout, QPlainTextEdit, QWidget

from annotate.arcs import ENTERING, LEAVING, RELATION, STANCE, Arc, cap_levels, layout_arcs

from .line_painter import first_line_below
from .offsets import OffsetMap
from .theme import DARK, LIGHT

FAVOR_COLOR = "#009E73"
AGAINST_COLOR = "#D55E00"

#: Lines given to ends that are above or below the visible lines.
_ABOVE = -1
_BELOW = 1 << 30


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


# ---- room above each line --------------------------------------------------------------------

class SpacedLayout(QPlainTextDocumentLayout):
    """A plain-text layout with ``room`` extra pixels above every visual line.

    Qt lays each block out as usual; when asked for a block's bounding rect, the block's lines
    are moved down (the first by ``room``, each next by ``room`` more) unless that was done
    already for the current room. A block Qt lays out again (new formats, width, font) comes
    back with its lines at Qt's positions and is spaced again at its next bounding-rect query.
    """

    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self.room = 0.0
        self.spaced_blocks = 0  # how many block spacings were done (for tests and the bench)

    def blockBoundingRect(self, block):  # noqa: N802 (Qt override)
        rect = super().blockBoundingRect(block)
        layout = block.layout()
        count = layout.lineCount() if layout is not None else 0
        if count and layout.lineAt(0).y() != self.room:
            # Qt stacks the lines from y = 0 at one x, and each spacing moves line i down by
            # (i + 1) rooms: line 0's y is the room the block has now. Four calls a line (a
            # 1 MB paragraph has 10,000 lines), from the lines' own positions.
            first = layout.lineAt(0)
            step, x = self.room - first.y(), first.x()
            for i in range(count):
                line = layout.lineAt(i)
                line.setPosition(QPointF(x, line.y() + (i + 1) * step))
            self.spaced_blocks += 1
            rect = super().blockBoundingRect(block)
        return rect

    def set_room(self, room: float) -> None:
        self.room = float(max(0.0, room))
        # The scroll bar's last page depends on block heights.
        self.documentSizeChanged.emit(self.documentSize())


def install_spaced_layout(view: QPlainTextEdit, shown_text: str) -> SpacedLayout:
    """Give ``view`` a document laid out by a SpacedLayout (once; returns the layout), holding
    ``shown_text``: what the old document was given (toPlainText would turn NBSP into spaces)."""
    layout = view.document().documentLayout()
    if isinstance(layout, SpacedLayout):
        return layout
    old = view.document()
    document = QTextDocument(view)
    spaced = SpacedLayout(document)
    document.setDocumentLayout(spaced)
    document.setDefaultFont(old.defaultFont())
    document.setDocumentMargin(old.documentMargin())
    document.setDefaultTextOption(old.defaultTextOption())
    document.setUndoRedoEnabled(old.isUndoRedoEnabled())
    if shown_text:
        document.setPlainText(shown_text)
        document.setModified(False)
    view.setDocument(document)
    view._spaced_layout = spaced  # keep the Python wrapper (and its override) alive
    return spaced


class _NoRoom:
    """Stands for the SpacedLayout until arcs are first turned on."""

    room = 0.0
    spaced_blocks = 0

    def set_room(self, room: float) -> None:
        if room:
            raise RuntimeError("the spaced layout is installed by set_enabled(True)")


# ---- the overlay -----------------------------------------------------------------------------

class ArcOverlay(QWidget):
    FOOT = 4.0       # px between the text line box and the lowest arc level's label box
    ARROW = 5.0      # arrowhead length

    def __init__(self, view: QPlainTextEdit, levels: int = 3):
        super().__init__(view.viewport())
        self._view = view
        self._viewport = view.viewport()
        # Installed on first use (set_enabled): the Python override costs every window that
        # never shows arcs a call per block, and opening a document is measured against Qt alone.
        self._spaced: SpacedLayout | _NoRoom = _NoRoom()
        #: Called after the view got a new document (when arcs are first turned on).
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
        self._label_widths: dict[str, float] = {}
        self._sprites: dict[tuple, QPixmap] = {}
        self._version = 0
        self._offset_x = 0.0
        self._auto_room = True
        self._cache_key: tuple | None = None
        self._cache_value = None
        #: Reuse the last layout when nothing on screen moved (off: every paint lays out anew).
        self.cache_layout = True
        self._label_font = QFont()
        self._metrics = QFontMetricsF(self._label_font)
        self._step = 12.0
        self.last_paint: dict = {"arcs": 0, "segments": 0, "folded": 0, "lines": 0}
        #: (text, box) of the labels drawn by the last paint, in viewport coordinates.
        self.last_labels: list[tuple[str, QRectF]] = []
        self._update_font()
        view.viewport().installEventFilter(self)
        view.updateRequest.connect(self._on_update_request)
        view.verticalScrollBar().valueChanged.connect(self._on_scroll)
        self.hide()

    # ---- API -----------------------------------------------------------------------------------

    def set_arcs(self, arcs: list[ArcSpec]) -> None:
        self._arcs = list(arcs)
        self._by_id = {a.id: a for a in self._arcs}
        self._reindex()

    def set_offsets(self, offsets: OffsetMap) -> None:
        self._offsets = offsets
        self._reindex()

    def set_only_for(self, annotation_id: str | None) -> None:
        self._only_for = annotation_id
        self._version += 1
        self.update()

    def prepare_room(self) -> None:
        """Install the spaced layout now, on an empty document: the view calls this before it
        sets a text with a very long paragraph, which installing it later would lay out again
        (a second for 1 MB) when arcs are turned on."""
        if isinstance(self._spaced, _NoRoom):
            self._view.setExtraSelections([])
            self._spaced = install_spaced_layout(self._view, "")
            self.on_document_replaced()

    def set_enabled(self, enabled: bool) -> None:
        if enabled and isinstance(self._spaced, _NoRoom):
            top = self._view.cursorForPosition(self._view.viewport().rect().topLeft()).position()
            # Extra selections hold cursors into the old document, which the view deletes.
            self._view.setExtraSelections([])
            self._spaced = install_spaced_layout(self._view, self._offsets.shown)
            self.on_document_replaced()
            cursor = self._view.textCursor()
            cursor.setPosition(min(top, self._view.document().characterCount() - 1))
            self._view.setTextCursor(cursor)
            self._view.ensureCursorVisible()
        self._enabled = bool(enabled)
        self._auto_room = True
        self._set_room(self.room_for(self._levels) if self._enabled else 0.0)
        self.setVisible(self._enabled)
        self.update()

    def is_enabled(self) -> bool:
        return self._enabled

    def set_theme(self, dark: bool) -> None:
        self._dark = bool(dark)
        self.update()

    def set_levels(self, levels: int) -> None:
        self._levels = max(1, int(levels))
        self._auto_room = True
        if self._enabled:
            self._set_room(self.room_for(self._levels))

    def room_for(self, levels: int) -> float:
        """The room above a line that ``levels`` arc levels need."""
        self._update_font()
        return self.FOOT + levels * self._step + 2

    def set_line_room(self, pixels: float) -> None:
        """Set the room directly; it then stays as set across font changes (zoom)."""
        self._auto_room = False
        self._set_room(pixels)

    def _set_room(self, pixels: float) -> None:
        self._spaced.set_room(pixels)
        self._view.viewport().update()
        self.update()

    def line_room(self) -> float:
        return self._spaced.room

    # ---- wiring ---------------------------------------------------------------------------------

    def changeEvent(self, event) -> None:  # noqa: N802
        # The view's font reaches its children: a zoom changes the labels, and the room follows.
        if event.type() == QEvent.Type.FontChange and self._enabled and self._auto_room:
            self._set_room(self.room_for(self._levels))
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Look at the event type before anything else: while the view is being destroyed its
        # viewport still sends events here, and asking the view for anything then crashes.
        if event.type() == QEvent.Type.Resize and watched is self._viewport:
            self.setGeometry(watched.rect())
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
            self.update()

    def _reindex(self) -> None:
        to_qt = self._offsets.to_qt
        ends = []
        for index, arc in enumerate(self._arcs):
            ends.append((to_qt(arc.head[0]), index))
            ends.append((to_qt(arc.tail[0]), index))
        ends.sort()
        self._ends = ends
        self._version += 1
        self.update()

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

    # ---- colours --------------------------------------------------------------------------------

    def _color(self, arc: ArcSpec) -> QColor:
        if arc.kind == STANCE:
            if arc.polarity == "FAVOR":
                return QColor(FAVOR_COLOR)
            if arc.polarity == "AGAINST":
                return QColor(AGAINST_COLOR)
            return QColor("#9A9A9A" if self._dark else "#7A7A7A")
        return QColor("#C8C8C8" if self._dark else "#4A4A4A")

    # ---- painting -------------------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802
        if not self._enabled or not self._arcs:
            self.last_paint = {"arcs": 0, "segments": 0, "folded": 0, "lines": 0}
            self.last_labels = []
            return
        self._update_font()
        lines, blocks = self._visible_lines()
        if not lines:
            self.last_paint = {"arcs": 0, "segments": 0, "folded": 0, "lines": 0}
            self.last_labels = []
            return
        # A repaint with nothing moved (caret blink, hover marks) reuses the last layout. Any
        # relayout of a visible block re-spaces it, which bumps spaced_blocks.
        key = (self._version, self._spaced.spaced_blocks, self._spaced.room, self._step,
               self._label_font.toString(), tuple(lines))
        cached = self.cache_layout and self._spaced.room > 0 and key == self._cache_key
        if cached:
            arcs, specs, capped = self._cache_value
        else:
            arcs = self._candidates(blocks)
            inputs, specs, bounds = self._arc_inputs(arcs, lines, blocks)
            layout = layout_arcs(inputs, line_bounds=bounds, min_width=6.0, pad=3.0)
            capped = cap_levels(layout, self._levels_fitting())
            self._cache_key, self._cache_value = key, (arcs, specs, capped)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        drawn = 0
        labels = []
        for segment in capped.segments:
            if segment.line < 0 or segment.line >= len(lines):
                continue
            labels.append(self._draw_segment(painter, segment, specs[segment.arc_id], lines[segment.line]))
            drawn += 1
        self.last_labels = [(label[2], self._draw_label(painter, *label)) for label in labels]
        for line_index, count in capped.folded.items():
            if 0 <= line_index < len(lines):
                self._draw_folded(painter, lines[line_index], count)
        painter.end()
        self.last_paint = {"arcs": len(arcs), "segments": drawn, "folded": len(capped.folded_ids),
                           "lines": len(lines), "cached": cached}

    def _levels_fitting(self) -> int:
        return max(0, int((self._spaced.room - self.FOOT - 2) // self._step))

    def _visible_lines(self):
        """[(top y, left x, right x)] of the visible visual lines (viewport coordinates), and
        [(block, index in the lines of its first visible line, top y, first and last visible
        line numbers + 1)] of their blocks. Only lines on screen: a 1 MB paragraph has 10,000."""
        view = self._view
        offset = view.contentOffset()
        self._offset_x = offset.x()
        bottom = view.viewport().height() + self._spaced.room
        lines: list[tuple[float, float, float]] = []
        blocks = []
        block = view.firstVisibleBlock()
        while block.isValid():
            geometry = view.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > bottom:
                break
            if block.isVisible():
                layout = block.layout()
                top = geometry.top()
                first = number = first_line_below(layout, -top)
                while number < layout.lineCount():
                    line = layout.lineAt(number)
                    if top + line.y() > bottom:
                        break
                    left = offset.x() + line.x()
                    lines.append((top + line.y(), left, left + line.width()))
                    number += 1
                blocks.append((block, len(lines) - (number - first), top, first, number))
            block = block.next()
        return lines, blocks

    def _candidates(self, blocks) -> list[ArcSpec]:
        first_block, _, _, first_line, _ = blocks[0]
        last_block, _, _, _, end_line = blocks[-1]
        first = first_block.position() + (first_block.layout().lineAt(first_line).textStart()
                                          if first_line < first_block.layout().lineCount() else 0)
        if end_line < last_block.layout().lineCount():
            last = last_block.position() + last_block.layout().lineAt(end_line).textStart()
        else:
            last = last_block.position() + last_block.length()
        low = bisect_left(self._ends, (first, -1))
        high = bisect_right(self._ends, (last, len(self._arcs)))
        indices = sorted({index for _, index in self._ends[low:high]})
        arcs = [self._arcs[i] for i in indices]
        only = self._only_for
        if only is not None:
            if only in self._by_id:
                arcs = [a for a in arcs if a.id == only]
            else:
                arcs = [a for a in arcs if only in (a.head_id, a.tail_id)]
        return arcs

    def _locate(self, span: tuple[int, int], blocks, positions: list[int] | None = None):
        """(line index, x from, x to) of a span's part on its first line; off-screen spans get
        _ABOVE or _BELOW and no x. ``positions`` are the blocks' positions (if known)."""
        start, end = self._offsets.to_qt(span[0]), self._offsets.to_qt_end(span[1])
        if positions is None:
            positions = [b[0].position() for b in blocks]
        i = bisect_right(positions, start) - 1
        if i < 0:
            return _ABOVE, 0.0, 0.0
        block, base, _, first_number, end_number = blocks[i]
        relative = start - block.position()
        if relative >= block.length():
            return _BELOW, 0.0, 0.0
        layout = block.layout()
        line = layout.lineForTextPosition(relative)
        if not line.isValid():
            return _BELOW, 0.0, 0.0
        if line.lineNumber() < first_number:
            return _ABOVE, 0.0, 0.0
        if line.lineNumber() >= end_number:
            return _BELOW, 0.0, 0.0
        line_end = line.textStart() + line.textLength()
        x1 = line.cursorToX(relative)[0]
        x2 = line.cursorToX(max(relative, min(end - block.position(), line_end)))[0]
        offset_x = self._offset_x
        low, high = sorted((x1, x2))
        return base + line.lineNumber() - first_number, low + offset_x, high + offset_x

    def span_x(self, start: int, end: int) -> tuple[int, float, float] | None:
        """(visible line index, x from, x to) in viewport coordinates of the part of the
        code-point range on its first line, as the arcs use it; None when off screen."""
        lines, blocks = self._visible_lines()
        if not blocks:
            return None
        line, low, high = self._locate((start, end), blocks)
        return None if line in (_ABOVE, _BELOW) else (line, low, high)

    def visible_line_tops(self) -> list[float]:
        """The top of each visible line's box (viewport y), in the order of ``span_x``."""
        return [top for top, _, _ in self._visible_lines()[0]]

    def _label_text(self, arc: ArcSpec) -> str:
        return arc.label or (arc.polarity or "")

    def _label_width(self, text: str) -> float:
        width = self._label_widths.get(text)
        if width is None:
            width = self._label_widths[text] = self._metrics.horizontalAdvance(text) + 8
        return width

    def _arc_inputs(self, arcs: list[ArcSpec], lines, blocks):
        located: dict[tuple[int, int], tuple[int, float, float]] = {}
        positions = [b[0].position() for b in blocks]
        for arc in arcs:
            for span in (arc.head, arc.tail):
                if span not in located:
                    located[span] = self._locate(span, blocks, positions)

        def where(span):
            line, low, high = located[span]
            return line, (low + high) / 2

        # Several arcs at one span: spread their feet across it, ordered by where the other end
        # is, so that the arcs going far leave from the outside and do not cross the near ones.
        ends: dict[tuple[int, int], list[tuple[tuple, str, str]]] = {}
        for arc in arcs:
            ends.setdefault(arc.head, []).append((where(arc.tail), arc.id, "head"))
            ends.setdefault(arc.tail, []).append((where(arc.head), arc.id, "tail"))
        feet: dict[tuple[str, str], float] = {}
        for span, items in ends.items():
            line, low, high = located[span]
            items.sort()
            inner_low, inner_high = (low + 2, high - 2) if high - low > 6 else (low, high)
            for k, (_, arc_id, which) in enumerate(items):
                feet[(arc_id, which)] = inner_low + (k + 0.5) * (inner_high - inner_low) / len(items)

        inputs = []
        specs = {}
        for arc in arcs:
            head_line = located[arc.head][0]
            tail_line = located[arc.tail][0]
            if head_line in (_ABOVE, _BELOW) and tail_line in (_ABOVE, _BELOW):
                continue
            text = self._label_text(arc)
            inputs.append(Arc(arc.id, feet[(arc.id, "head")], feet[(arc.id, "tail")], text, arc.kind,
                              head_line, tail_line, self._label_width(text) + 4))
            specs[arc.id] = arc
        bounds = {i: (left, right) for i, (_, left, right) in enumerate(lines)}
        return inputs, specs, bounds

    def _level_y(self, line_top: float, level: int) -> float:
        return line_top - self.FOOT - (level + 0.5) * self._step

    def _draw_segment(self, painter: QPainter, segment, arc: ArcSpec, line) -> tuple:
        top, left_edge, right_edge = line
        color = self._color(arc)
        pen = QPen(color, 1.4)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        foot_y = top - 1.0
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

    def _draw_folded(self, painter: QPainter, line, count: int) -> None:
        top, _, right_edge = line
        text = f"+{count}"
        sprite = self._sprite("folded", text, QColor("#888888"))
        width, height = self._label_width(text), self._step - 1
        y = self._level_y(top, max(0, self._levels_fitting() - 1))
        painter.drawPixmap(QPointF(round(right_edge + 14 - width), round(y - height / 2)), sprite)

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
