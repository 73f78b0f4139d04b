"""The article view's viewport as pixels, painted with one of ui.line_painter's fast paths on and
then off: each fast path's test compares the two images, which must be equal."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage, QRegion

from annotate.model import Span
from ui import line_painter
from ui.article_view import ArticleView
from ui.theme import LIGHT


def viewport_image(view: ArticleView, region: QRegion | None = None) -> QImage:
    shot = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
    shot.fill(0)
    if region is None:
        view.viewport().render(shot)
    else:  # a paint event for part of the viewport only, as an update of one rectangle sends
        view.viewport().render(shot, QPoint(), region)
    return shot


def shown_view(qtbot, size: tuple[int, int], colors: dict[str, str], text: str, spans: dict[str, Span]) -> ArticleView:
    view = ArticleView()
    qtbot.addWidget(view)
    view.configure(LIGHT, colors)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    view.show_document(text, list(spans.values()))
    view.spans_by_id = spans
    return view


def painted_both_ways(view: ArticleView, monkeypatch, switch: str, watched: str, seen: Callable[[object], None],
                      region: QRegion | None = None) -> tuple[QImage, QImage]:
    """The viewport with ``line_painter.<switch>`` on, then off; ``seen`` is handed every result
    of ``line_painter.<watched>`` in both paints, so a test can show the fast path was taken."""
    real = getattr(line_painter, watched)

    def spied(*args):
        found = real(*args)
        seen(found)
        return found

    monkeypatch.setattr(line_painter, watched, spied)
    monkeypatch.setattr(line_painter, switch, True)
    fast = viewport_image(view, region)
    monkeypatch.setattr(line_painter, switch, False)
    slow = viewport_image(view, region)
    monkeypatch.setattr(line_painter, switch, True)
    return fast, slow
