"""The window's columns at set sizes (never the size the screen or the last run gave): the text
column keeps a readable measure in a small window, every inspector tab shows at 1400x860 with the
Actors tab beside Entities, and the status bar names the annotator in text any font can show."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from annotate.seeds import sample_articles

SAMPLE = sample_articles()[0].read_text(encoding="utf-8")


def shown_at(qtbot, window, width: int, height: int):
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() >= min(width, 900) and window.view.width() > 0)
    QApplication.processEvents()
    return window


@pytest.mark.parametrize("size", [(900, 600), (1024, 700), (1400, 860)])
def test_the_text_column_keeps_a_readable_measure(qtbot, make_window, size):
    window = shown_at(qtbot, make_window([("libya", SAMPLE, [])]), *size)
    view = window.view
    assert view.width() >= 320, f"the text column is {view.width()} px in a {size} window"
    # A line holds words, not a letter or two: the first paragraph wraps into few lines.
    block = view.document().firstBlock()
    lines = block.layout().lineCount()
    assert lines <= max(3, len(block.text()) // 25), f"{lines} lines for {len(block.text())} characters"


def test_every_inspector_tab_shows_at_1400_with_actors_beside_entities(qtbot, make_window):
    window = shown_at(qtbot, make_window([("libya", SAMPLE, [])]), 1400, 860)
    inspector = window.inspector
    names = [inspector.tabText(k).replace("&", "") for k in range(inspector.count())]
    assert names[:2] == ["Entities", "Actors"]
    bar = inspector.tabBar()
    hidden = [names[k] for k in range(bar.count()) if bar.tabRect(k).right() > bar.width()]
    assert not hidden, f"tabs behind the scroll arrows: {hidden}"


def test_the_status_bar_names_the_annotator_in_plain_text(qtbot, make_window, store):
    window = make_window([("libya", SAMPLE, [])])
    text = window.annotator_label.text()
    assert store.annotator in text and all(ord(c) < 0x2000 for c in text), repr(text)
