"""The article: read-only plain text with span highlights, selection and hover.

The text goes in through ``setPlainText`` only: it is never parsed as HTML or rich text.
"""
from __future__ import annotations

import html
import re

from PySide6.QtCore import QEvent, QMimeData, Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit, QToolTip

from annotate.model import CLAIM, SUGGESTED, Span

from .arc_overlay import ArcOverlay, specs_from
from .highlighter import SpanHighlighter
from .line_painter import LONG_BLOCK, has_paragraph_of
from .line_painter import paint as paint_lines
from .offsets import OffsetMap
from .span_marks import SpanMarks
from .theme import LIGHT, Theme, article_font


#: Characters with which a line may not read left to right a character per cluster: combining
#: marks, the soft hyphen (a hyphen drawn where it breaks a line), the right-to-left scripts and
#: everything from U+0590 on but Latin Extended Additional, Greek Extended and general
#: punctuation (its bidi controls excepted). Lines holding none have their fills drawn by
#: ui.line_painter from cursor positions.
_NOT_SIMPLE = re.compile("[\u00ad\u0300-\u036f\u0483-\u0489\u0590-\u1dff\u200e\u200f\u202a-\u202e"
                         "\u2066-\u2069\u2070-\U0010ffff]")


class ArticleView(QPlainTextEdit):
    #: An annotation was clicked: its id and the keyboard modifiers held (for picking pairs).
    annotationClicked = Signal(str, object)
    #: A click on plain text, away from any annotation.
    backgroundClicked = Signal()
    #: A click on the label of a relation or stance drawn as an arc: its id.
    arcClicked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setUndoRedoEnabled(False)
        self.setFont(article_font())
        self.setMouseTracking(True)
        self.document().setDocumentMargin(18)
        # Before any text: the overlay gives the view a layout that can open room above lines.
        self.arcs = ArcOverlay(self)
        self.arcs.on_document_replaced = self._document_replaced
        self.highlighter = SpanHighlighter(self)
        #: Label tags and the underlines of nested and crossing spans, drawn line by line.
        self.marks = SpanMarks(self.highlighter)
        self.marks.set_font(self.font())
        #: (Qt start, Qt end, format) of the highlights the last paint drew (tests, benchmarks).
        self.painted: list[tuple[int, int, object]] = []
        self.offsets = OffsetMap("")
        self.text = ""
        self._unshown: str | None = None  # a long paragraph's text, set when the view first shows
        self.theme: Theme = LIGHT
        self.colors: dict[str, str] = {}
        self._selected: str | None = None
        self._marked: list[str] = []
        self._press_pos = None
        #: Called with the text of a key the view does not use; True when it was handled.
        self.key_handler = lambda text: False

    # ---- content -------------------------------------------------------------------------

    def configure(self, theme: Theme, colors: dict[str, str]) -> None:
        self.theme, self.colors = theme, colors
        self.highlighter.configure(theme, colors)
        self.arcs.set_theme(theme.name == "dark")
        self._refresh_marks()

    def show_document(self, text: str, spans: list[Span]) -> None:
        self.text = text
        self.offsets = OffsetMap(text)
        self._selected, self._marked = None, []
        self._unshown = None
        if has_paragraph_of(self.offsets.shown, LONG_BLOCK):
            self.arcs.prepare_room()
            if not self.isVisible():
                # Qt lays a paragraph out as soon as it is set, at the width the view has then: a
                # hidden view's is a default (a hundred pixels), and a 1 MB paragraph would be laid
                # out a second time at the real width when the window shows. It waits for showEvent.
                self._unshown = self.offsets.shown
        self.setPlainText("" if self._unshown is not None else self.offsets.shown)
        self.arcs.set_offsets(self.offsets)
        self.arcs.set_arcs([])
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self.highlighter.set_spans(self.offsets, spans)
        self._refresh_marks()

    def set_tags(self, on: bool) -> None:
        """Label tags above every entity's first character (a row of room opens above each line)."""
        self.marks.tags = bool(on)
        self.arcs.set_base_room(self.marks.tag_room() if on else 0.0)
        self.viewport().update()

    def tags_shown(self) -> bool:
        return self.marks.tags

    def _document_replaced(self) -> None:
        # Same text, new QTextDocument: the marks' cursors pointed into the old one.
        self._refresh_marks()

    def show_arcs_of(self, spans: dict, relations: dict, stances: dict) -> None:
        """The relations and stances to draw (when arcs are on), from the open document."""
        self.arcs.set_arcs(specs_from(spans, relations, stances))

    def update_spans(self, changed: dict[str, Span | None]) -> None:
        self.highlighter.update_spans(changed)
        if self._selected in changed and changed[self._selected] is None:
            self._selected = None
        self._marked = [m for m in self._marked if not (m in changed and changed[m] is None)]
        self._refresh_marks()

    # ---- selection of text -----------------------------------------------------------------

    def selection_range(self) -> tuple[int, int] | None:
        """The selected text as code-point offsets, or None when nothing is selected."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self.offsets.from_qt(cursor.selectionStart())
        end = self.offsets.from_qt(cursor.selectionEnd())
        # A selection ending inside a surrogate pair still includes that whole character.
        if self.offsets.to_qt(end) < cursor.selectionEnd():
            end += 1
        return (start, end) if start < end else None

    def select_range(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self.offsets.to_qt(start))
        cursor.setPosition(self.offsets.to_qt_end(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802
        # Copy gives the stored characters: CRLF as it was, no invisible breaks, NBSP kept.
        _hand_clipboard_to_qt_when_it_changes()
        mime = _StoredTextMime()
        selected = self.selection_range()
        mime.setText(self.text[selected[0]:selected[1]] if selected else "")
        return mime

    def clear_text_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    # ---- the selected annotation and marks (transient: ExtraSelections) --------------------

    @property
    def selected(self) -> str | None:
        return self._selected

    def set_selected(self, span_id: str | None, *, scroll: bool = True) -> None:
        self._selected = span_id
        self._refresh_marks()
        if span_id and scroll:
            qt_range = self.highlighter.qt_range(span_id)
            if qt_range:
                cursor = QTextCursor(self.document())
                cursor.setPosition(qt_range[0])
                self.setTextCursor(cursor)
                self.ensureCursorVisible()

    def set_marked(self, span_ids: list[str]) -> None:
        self._marked = list(span_ids)
        self._refresh_marks()

    def _refresh_marks(self) -> None:
        selections = []
        for span_id in self._marked:
            selections += self._mark(span_id, QColor("#3D7DCA"), outline_only=True)
        if self._selected:
            selections += self._mark(self._selected, QColor(self.colors.get(
                self.highlighter.spans().get(self._selected, Span("", 0, 1, "")).label, "#888888")))
        self.setExtraSelections(selections)

    def _mark(self, span_id: str, color: QColor, outline_only: bool = False) -> list:
        qt_range = self.highlighter.qt_range(span_id)
        if not qt_range:
            return []
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(qt_range[0])
        cursor.setPosition(qt_range[1], QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        fmt = QTextCharFormat()
        if outline_only:
            fmt.setFontUnderline(True)
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(color)
        else:
            strong = QColor(color)
            strong.setAlpha(230)
            fmt.setBackground(strong)
            fmt.setForeground(QColor("#000000") if strong.lightnessF() > 0.5 else QColor("#FFFFFF"))
            fmt.setProperty(QTextFormat.Property.FontWeight, 700)
        selection.format = fmt
        return [selection]

    # ---- finding annotations under the mouse ------------------------------------------------

    def spans_at(self, offset: int) -> list[Span]:
        """Spans covering a code-point offset, innermost first, entities before claims."""
        hits = self.highlighter.spans_covering(offset)
        return sorted(hits, key=lambda s: (s.layer == CLAIM, s.end - s.start))

    def offset_at(self, point) -> int:
        return self.offsets.from_qt(self.cursorForPosition(point).position())

    def _span_under(self, point) -> Span | None:
        cursor = self.cursorForPosition(point)
        rect = self.cursorRect(cursor)
        if not rect.top() - 2 <= point.y() <= rect.bottom() + 2:
            return None  # in the room above a line, where arcs are drawn
        # cursorForPosition gives the nearest gap; the character is the one the pointer is over.
        position = cursor.position() if point.x() >= rect.x() else max(0, cursor.position() - 1)
        hits = self.spans_at(self.offsets.from_qt(position))
        return hits[0] if hits else None

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.text() and event.text().isprintable() and self.key_handler(event.text()):
            event.accept()
            return
        super().keyPressEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802
        if self._unshown is not None:  # a long paragraph, set now that the view has its width
            text, self._unshown = self._unshown, None
            self.setPlainText(text)
            self.moveCursor(QTextCursor.MoveOperation.Start)
            self._refresh_marks()
        super().showEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802
        # Qt's own paint, a line at a time, each line with the highlights found for it now; then
        # the tags and underlines of the lines painted.
        self.marks.start_paint()
        self.painted = paint_lines(self, event, self.highlighter.ranges_in, self.marks.draw_line, self._left_to_right)

    def _left_to_right(self, qt_start: int, qt_end: int) -> bool:
        if self.text.isascii():  # a flag Python keeps on the string
            return True
        offsets = self.offsets
        return _NOT_SIMPLE.search(self.text, offsets.from_qt(qt_start), offsets.from_qt(qt_end)) is None

    def changeEvent(self, event) -> None:  # noqa: N802
        marks = getattr(self, "marks", None)  # a font is set before the marks exist
        if event.type() == QEvent.Type.FontChange and marks is not None:  # a zoom: tags and their room follow
            self.marks.set_font(self.font())
            if self.marks.tags:
                self.arcs.set_base_room(self.marks.tag_room())
        super().changeEvent(event)

    def _click_above_text(self, point, modifiers) -> bool:
        """A click in the room above a line: on a "+N" badge, an arc's label or a tag."""
        if self.arcs.is_enabled():
            if self.arcs.toggle_line_at(point):
                return True
            arc_id = self.arcs.arc_at(point)
            if arc_id is not None:
                self.arcClicked.emit(arc_id)
                return True
        for span_id, _label, box in reversed(self.marks.drawn_tags):
            if box.contains(point.toPointF()):
                self.annotationClicked.emit(span_id, modifiers)
                return True
        return False

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        point = event.position().toPoint()
        if self._press_pos is not None and (point - self._press_pos).manhattanLength() < 4 \
                and not self.textCursor().hasSelection():
            if self._click_above_text(point, event.modifiers()):
                self._press_pos = None
                return
            span = self._span_under(point)
            if span is not None:
                self.annotationClicked.emit(span.id, event.modifiers())
            else:
                self.backgroundClicked.emit()
        self._press_pos = None

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            span = self._span_under(event.pos())
            if span is None:
                QToolTip.hideText()
                return True
            QToolTip.showText(event.globalPos(), self.describe(span), self)
            return True
        return super().event(event)

    def describe(self, span: Span) -> str:
        """Hover text; escaped and marked as rich text so nothing in it is ever interpreted."""
        kind = "claim" if span.layer == CLAIM else span.label
        lines = [f"<b>{html.escape(kind)}</b>: {html.escape(self.text[span.start:span.end][:120])}"]
        if span.decision == SUGGESTED:
            score = f", score {span.score:.2f}" if span.score is not None else ""
            lines.append(f"suggestion by {html.escape(span.origin)}{score} — A accept, X reject")
        else:
            lines.append(f"{html.escape(span.decision)} by {html.escape(span.annotator or span.origin)}")
        if span.layer == CLAIM and span.claim_type:
            lines.append(f"type {html.escape(span.claim_type)}"
                         + (", check-worthy" if span.checkworthy else ""))
        return "<qt>" + "<br>".join(lines) + "</qt>"


class _StoredTextMime(QMimeData):
    """Made in Python, so its destructor calls into Python: it must not outlive the interpreter."""


_clipboard_watched = False


def _hand_clipboard_to_qt_when_it_changes() -> None:
    """The clipboard keeps the last copy until Qt's own exit handlers run, after Python has gone;
    a Python-made QMimeData destroyed then crashes the process (SIGSEGV at exit). As soon as one
    lands on the clipboard, it is swapped for the same text held by a QMimeData that Qt made."""
    global _clipboard_watched
    if _clipboard_watched:
        return
    clipboard = QApplication.clipboard()

    def swap(mode) -> None:
        mime = clipboard.mimeData(mode)
        if isinstance(mime, _StoredTextMime):
            clipboard.setText(mime.text(), mode)

    clipboard.changed.connect(swap)
    _clipboard_watched = True
