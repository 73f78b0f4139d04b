"""Lines whose highlights only fill have the fills drawn by ui.line_painter and their text drawn
with the plain runs (ui.line_painter.OWN_FILLS): the viewport's pixels are the same as Qt's
selection drawing of the same ranges, whatever else is on screen."""
from __future__ import annotations

import random

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage, QRegion, QTextCursor

from annotate.model import CLAIM, Relation, Span
from tests.helpers.viewport_pixels import painted_both_ways, shown_view, viewport_image
from ui.article_view import ArticleView
from ui.theme import DARK

COLORS = {"GPE": "#009E73", "PERSON": "#E69F00", "ORG": "#56B4E9"}
WORDS = ("the ministry said talks between the delegations on a ceasefire would continue despite "
         "disagreements over the methodology of Çavuşoğlu's negotiations in İstanbul").split()
NAMES = [("Turkey", "GPE"), ("Russia", "GPE"), ("Libya", "GPE"), ("Khalifa Haftar", "PERSON"), ("NATO", "ORG")]


def article() -> tuple[str, dict[str, Span]]:
    """Paragraphs dense with entities (suggested ones striped), nested and crossing spans, spans
    that take the space after them (so some end in a line's trailing space) or run over a
    paragraph break, a claim, and a right-to-left line (left to Qt)."""
    rng = random.Random(5)
    parts, spans, length = [], [], 0
    for n in range(700):
        if rng.random() < 0.3:
            word, label = rng.choice(NAMES)
            end = length + len(word) + (1 if rng.random() < 0.3 else 0)
            spans.append(Span(f"e{n}", length, end, label, decision=rng.choice(["suggested", "accepted"]),
                              score=0.8))
        else:
            word = rng.choice(WORDS)
        sep = "\n\n" if n % 120 == 119 else " "
        parts.append(word + sep)
        length += len(word) + len(sep)
    text = "".join(parts)
    first = spans[3]
    spans.append(Span("outer", first.start - 12, first.end + 9, "ORG"))  # nests one: underlines
    spans.append(Span("cross", first.end - 2, first.end + 20, "PERSON"))  # crosses it
    at = text.index("\n\n")
    spans.append(Span("over-break", at - 8, at + 10, "GPE"))
    spans.append(Span("claim", spans[20].start, spans[24].end, "CLAIM", layer=CLAIM))
    text += "ثم قال «مرحبا» to Turkey and Russia.\n"
    at = text.index("Turkey", len(text) - 30)
    spans.append(Span("rtl-line", at, at + 6, "GPE"))
    return text, {s.id: s for s in spans}


def both_ways(view: ArticleView, monkeypatch, region: QRegion | None = None) -> tuple[QImage, QImage, int, int]:
    """The viewport with fills drawn here and by Qt; and how many lines took each way here."""
    taken = []
    own, qt = painted_both_ways(view, monkeypatch, "OWN_FILLS", "_fills", lambda found: taken.append(found is not None),
                                region)
    return own, qt, taken.count(True), taken.count(False)


@pytest.fixture
def view(qtbot):
    return shown_view(qtbot, (700, 760), COLORS, *article())


def scroll_to(view: ArticleView, span_id: str) -> None:
    cursor = view.textCursor()
    cursor.setPosition(view.highlighter.qt_range(span_id)[0])
    view.setTextCursor(cursor)
    view.centerCursor()


def test_own_fills_paint_the_pixels_of_qts_selection_drawing(view, monkeypatch):
    own, qt, mine, left = both_ways(view, monkeypatch)
    assert mine > 10, "the fills were not drawn here: the fast path was not taken"
    assert own == qt
    without = QImage(own)
    monkeypatch.setattr(view.highlighter, "ranges_in", lambda start, end: [])
    view.viewport().update()
    assert viewport_image(view) != without, "an empty comparison: no highlight on screen"


def test_lines_qt_must_draw_are_left_to_it(view, monkeypatch):
    # The claim (an underline), a paragraph break inside a span, the right-to-left line.
    for span_id in ("claim", "over-break", "rtl-line"):
        scroll_to(view, span_id)
        own, qt, mine, left = both_ways(view, monkeypatch)
        assert left and mine, span_id
        assert own == qt, span_id


def test_with_selection_marks_tags_arcs_dark_theme_zoom_and_a_partial_update(view, monkeypatch):
    cursor = view.textCursor()
    cursor.setPosition(300)
    cursor.setPosition(900, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    view.set_selected("e10", scroll=False)
    view.set_marked(["e15", "outer"])
    own, qt, mine, left = both_ways(view, monkeypatch)
    assert mine and left and own == qt

    view.set_tags(True)  # room above every line: lines no longer on whole pixels
    own, qt, mine, left = both_ways(view, monkeypatch)
    assert mine and own == qt

    view.arcs.set_enabled(True)
    view.show_arcs_of(view.spans_by_id, {"r1": Relation("r1", "e3", "cross", "MEETS", origin="test")}, {})
    own, qt, mine, left = both_ways(view, monkeypatch)
    assert mine and own == qt

    view.configure(DARK, COLORS)
    view.zoomIn(3)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    own, qt, mine, left = both_ways(view, monkeypatch)
    assert mine and own == qt

    # Only part of the viewport repainted: a clip starting and ending inside lines and words.
    part = QRegion(QRect(97, 57, 401, 213))
    own, qt, mine, left = both_ways(view, monkeypatch, part)
    assert mine and own == qt


def test_an_ascii_article_too(view, monkeypatch):
    # ASCII text is known to read left to right without a search: the same pixels there.
    text, spans = article()
    ascii_text = "".join(c if c.isascii() else "?" for c in text)  # one for one: offsets hold
    view.show_document(ascii_text, list(spans.values()))
    for value in (0, view.verticalScrollBar().maximum()):
        view.verticalScrollBar().setValue(value)
        own, qt, mine, left = both_ways(view, monkeypatch)
        assert mine > 10 and own == qt


def test_a_token_too_long_to_break_and_its_invisible_breaks(view, monkeypatch):
    # The view puts invisible breaks (U+200B, not in the stored text) into a very long token:
    # spans over and across them fill as Qt fills them.
    token = "x" * 2600
    text = f"the ministry said {token} Turkey and Russia met. " * 3
    spans = []
    for n, at in enumerate(i for i in range(len(text)) if text.startswith(token, i)):
        spans += [Span(f"a{n}", at + 995, at + 1010, "GPE"), Span(f"b{n}", at + 1990, at + 2004, "ORG"),
                  Span(f"c{n}", at + 10, at + 700, "PERSON", decision="suggested", score=0.5)]
    view.show_document(text, spans)
    assert view.offsets.break_positions, "no invisible break: the case is not made"
    for value in (0, view.verticalScrollBar().maximum() // 2):
        view.verticalScrollBar().setValue(value)
        own, qt, mine, left = both_ways(view, monkeypatch)
        assert mine and own == qt
