"""The article view paints highlights at paint time, line by line: the same pixels as Qt's own
paint, only the text on screen formatted, and an edit never lays a long paragraph out again."""
from __future__ import annotations

import random

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from annotate.model import Span
from tests.ui.conftest import drag_select, scroll_to
from ui.article_view import ArticleView
from ui.theme import LIGHT, article_font

WORDS = "the ministry said talks between Turkey and Russia on a ceasefire in Libya would continue".split()


def one_paragraph(size: int, every: int = 9, seed: int = 5) -> tuple[str, list[Span]]:
    """A paragraph of ``size`` characters with no line break; every ``every``-th word an entity."""
    rng = random.Random(seed)
    parts, spans, length = [], [], 0
    while length < size:
        word = rng.choice(WORDS)
        if len(parts) % every == 0:
            spans.append(Span(f"e{len(spans)}", length, length + len(word), "GPE", score=0.8))
        parts.append(word)
        length += len(word) + 1
    return " ".join(parts), spans


@pytest.mark.parametrize("paragraphs", [True, False], ids=["paragraphs", "one-paragraph"])
def test_without_spans_the_view_paints_exactly_what_qt_paints(qtbot, paragraphs):
    text, _ = one_paragraph(30_000)
    if paragraphs:
        text = text.replace(" Libya ", " Libya\n\n")
    text = "Çavuşoğlu said «مرحبا بالعالم» and 👍🏽 — e\u0301 " + text
    plain, view = QPlainTextEdit(), ArticleView()
    plain.setReadOnly(True)
    plain.setFont(article_font())
    plain.document().setDocumentMargin(18)
    plain.setTextInteractionFlags(view.textInteractionFlags())
    view.configure(LIGHT, {})
    for widget in (plain, view):
        qtbot.addWidget(widget)
        widget.resize(700, 500)
        widget.show()
    plain.setPlainText(text)
    view.show_document(text, [])
    for widget in (plain, view):  # a text selection across lines, scrolled a little
        cursor = widget.textCursor()
        cursor.setPosition(30)
        cursor.setPosition(400, QTextCursor.MoveMode.KeepAnchor)
        widget.setTextCursor(cursor)
        widget.verticalScrollBar().setValue(2)
    qtbot.waitExposed(view)
    assert plain.viewport().grab().toImage() == view.viewport().grab().toImage()


def _visible_qt_range(view) -> tuple[int, int]:
    rect = view.viewport().rect()
    return view.cursorForPosition(rect.topLeft()).position(), view.cursorForPosition(rect.bottomRight()).position()


def test_a_long_paragraph_is_highlighted_where_it_is_on_screen_and_nowhere_else(qtbot, make_window):
    text, spans = one_paragraph(200_000)
    window = make_window([("long", text, spans)])
    view = window.view
    for offset in (0, len(text) // 2, len(text) - 10):
        scroll_to(view, offset)
        low, high = _visible_qt_range(view)
        assert view.painted, offset
        # Every highlight drawn is on a visible line, and each is exactly one span.
        by_range = {(s.start, s.end) for s in spans}
        line = 200  # generous: a line is under 100 characters at this width
        assert all(low - line <= start and end <= high + line for start, end, _ in view.painted)
        assert {(start, end) for start, end, _ in view.painted} <= by_range
        shown = [s for s in spans if low <= s.start and s.end <= high]
        assert shown and {(s.start, s.end) for s in shown} <= {(start, end) for start, end, _ in view.painted}
        assert len(view.painted) < 4 * len(shown) + 10


def test_edits_undo_accept_and_arcs_never_lay_the_paragraph_out_again(qtbot, make_window, store):
    text, spans = one_paragraph(200_000)
    window = make_window([("long", text, spans)])
    view = window.view
    middle = text.index(" ministry ", len(text) // 2) + 1
    scroll_to(view, middle)
    layout = view.document().firstBlock().layout()

    def mark_layout():
        # Qt places every line it lays out at the margin: a line moved by a 64th of a pixel
        # stays there only as long as the paragraph is not laid out again.
        line = layout.lineAt(0)
        line.setPosition(QPointF(line.x() + 1 / 64, line.y()))
        return line.x()

    def laid_out_again(marked: float) -> bool:
        view.viewport().repaint()
        return layout.lineAt(0).x() != marked

    marked = mark_layout()
    drag_select(qtbot, view, middle, middle + len("ministry"))
    qtbot.keyClick(view, Qt.Key.Key_O)
    [created] = [s for s in store.annotations("long").spans if s.decision == "manual"]
    view.viewport().repaint()
    assert (created.start, created.end) in {(start, end) for start, end, _ in view.painted}
    assert not laid_out_again(marked)

    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert all(s.decision != "manual" for s in store.annotations("long").spans)
    view.viewport().repaint()
    assert (created.start, created.end) not in {(start, end) for start, end, _ in view.painted}
    assert not laid_out_again(marked)

    qtbot.keyClick(view, Qt.Key.Key_J)
    accepted = window.selected
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert {s.id: s for s in store.annotations("long").spans}[accepted].decision == "accepted"
    assert not laid_out_again(marked)

    window.arcs_action.trigger()  # arcs on: the room above each line opens without a new layout
    assert view.arcs.is_enabled() and view.arcs.line_room() > 0
    assert layout.lineAt(0).y() == view.arcs.line_room() and not laid_out_again(marked)


def test_a_long_paragraph_opened_before_the_view_shows_is_set_when_it_shows(qtbot):
    text, spans = one_paragraph(60_000)
    view = ArticleView()
    qtbot.addWidget(view)
    view.configure(LIGHT, {"GPE": "#009E73"})
    view.resize(700, 500)
    view.show_document(text, spans)  # hidden: Qt would lay it out at a default width, then again
    assert view.toPlainText() == ""
    view.show()
    qtbot.waitExposed(view)
    assert view.toPlainText() == text
    qtbot.waitUntil(lambda: bool(view.painted))  # its first paint, with the highlights on screen
    shown = {(s.start, s.end) for s in spans}
    assert view.painted and {(start, end) for start, end, _ in view.painted} <= shown
    assert view.textCursor().position() == 0


def test_a_long_paragraph_is_found_wherever_it_lies():
    # has_paragraph_of looks at aligned windows only: the same answer as measuring every block.
    from ui.line_painter import has_paragraph_of, longest_paragraph
    for limit in (1, 2, 7, 10, 11):
        for size in range(limit - 2, limit + 3):
            for before in range(0, 12):
                for brk in ("\n", "\u2029"):
                    for text in ("ab\n" * 3 + "x" * before + brk + "y" * size + brk + "z",
                                 "x" * before + brk + "y" * max(0, size),
                                 "y" * max(0, size) + brk + "x" * before,
                                 "é" * before + "y" * max(0, size)):
                        assert has_paragraph_of(text, limit) == (longest_paragraph(text) >= limit), \
                            (limit, size, before, repr(text))
    assert has_paragraph_of("", 0) and not has_paragraph_of("", 1)
