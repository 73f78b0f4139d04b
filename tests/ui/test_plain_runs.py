"""Lines with nothing on them but text are drawn a run at a time (ui.line_painter.PLAIN_RUNS):
the viewport's pixels are the same as drawing every line alone, whatever else is on screen."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage, QRegion, QTextCursor

from annotate.model import CLAIM, Relation, Span
from tests.helpers.viewport_pixels import painted_both_ways, shown_view, viewport_image
from ui.article_view import ArticleView
from ui.theme import DARK

COLORS = {"GPE": "#009E73", "PERSON": "#E69F00", "ORG": "#56B4E9"}
PLAIN = ("the ministry said talks on a ceasefire would continue despite disagreements over the "
         "methodology of the negotiations and Çavuşoğlu «مرحبا» 👍🏽 e\u0301 Ǻngström ")


def article() -> tuple[str, dict[str, Span]]:
    """Paragraphs of plain lines around a few annotated ones, with control characters."""
    parts = [PLAIN * 3, "\n\n", PLAIN * 2, "Turkey and Russia met in Libya with Haftar. ",
             PLAIN * 2, "\n\nbroken\x00feed \x1b[31m zero\u200bwidth\n\n", PLAIN * 4,
             "NATO said. ", PLAIN * 3]
    text = "".join(parts)
    at = text.index("Turkey")
    spans = {s.id: s for s in [
        Span("t", at, at + 6, "GPE", decision="suggested", score=0.9),
        Span("r", at + 11, at + 17, "GPE", decision="accepted", annotator="ann"),
        Span("tr", at, at + 17, "ORG", decision="suggested", score=0.7),  # nests both: underlines
        Span("l", text.index("Libya"), text.index("Libya") + 5, "GPE"),
        Span("h", text.index("Haftar"), text.index("Haftar") + 6, "PERSON", decision="accepted", annotator="ann"),
        Span("c", at, text.index("Haftar") + 7, "CLAIM", layer=CLAIM),
        Span("n", text.index("NATO"), text.index("NATO") + 4, "ORG"),
    ]}
    return text, spans


def both_ways(view: ArticleView, monkeypatch, region: QRegion | None = None) -> tuple[QImage, QImage, list]:
    """The viewport with runs of plain lines drawn at once, and with every line drawn alone; and
    the runs drawn."""
    runs: list[tuple[int, int]] = []
    fast, alone = painted_both_ways(view, monkeypatch, "PLAIN_RUNS", "_draws",
                                    lambda found: runs.extend(d for d in found if d[1] > d[0]), region)
    return fast, alone, runs


@pytest.fixture
def view(qtbot):
    return shown_view(qtbot, (640, 720), COLORS, *article())


def test_runs_of_plain_lines_paint_the_pixels_of_lines_drawn_alone(view, monkeypatch):
    fast, alone, runs = both_ways(view, monkeypatch)
    assert runs, "no run of plain lines was drawn: the fast path was not taken"
    assert fast == alone
    # The highlights are there: not an empty comparison of blank viewports.
    assert fast != image_without_spans(view)


def image_without_spans(view: ArticleView) -> QImage:
    spans = list(view.spans_by_id.values())
    view.highlighter.set_spans(view.offsets, [])
    shot = viewport_image(view)
    view.highlighter.set_spans(view.offsets, spans)
    return shot


def test_with_selection_marks_tags_arcs_dark_theme_scrolled_and_a_partial_update(view, monkeypatch):
    # A text selection over plain lines, the selected span and marked spans (extra selections).
    cursor = view.textCursor()
    cursor.setPosition(40)
    cursor.setPosition(260, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    view.set_selected("h", scroll=False)
    view.set_marked(["t", "n"])
    fast, alone, runs = both_ways(view, monkeypatch)
    assert runs and fast == alone

    view.set_tags(True)  # room above every line, tags drawn in it
    fast, alone, runs = both_ways(view, monkeypatch)
    assert runs and fast == alone

    spans = view.spans_by_id
    view.arcs.set_enabled(True)
    view.show_arcs_of(spans, {"r1": Relation("r1", "t", "h", "MEETS", origin="test")}, {})
    fast, alone, runs = both_ways(view, monkeypatch)
    assert runs and fast == alone

    view.configure(DARK, COLORS)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 3)
    fast, alone, runs = both_ways(view, monkeypatch)
    assert runs and fast == alone

    # Only part of the viewport repainted: a clip starting and ending inside lines.
    part = QRegion(QRect(30, 57, 400, 213))
    fast, alone, runs = both_ways(view, monkeypatch, part)
    assert runs and fast == alone
