"""Offsets are exact on the traps real text brings, in both directions through the view."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotate.model import Span
from tests.conftest import TRAP_TEXT
from tests.ui.conftest import drag_select
from ui.offsets import OffsetMap

TARGETS = [("İstanbul", "GPE"), ("Putin", "PERSON"), ("Cafe\u0301 owners", "NORP"), ("UAE", "GPE"),
           ("Haftar", "PERSON")]


def _highlighted_code_points(view, qt_start_end_pairs):
    """Code-point offsets that the highlighter painted, read back from the block layouts."""
    painted = set()
    block = view.document().begin()
    while block.isValid():
        for fmt_range in block.layout().formats():
            for qt in range(block.position() + fmt_range.start, block.position() + fmt_range.start + fmt_range.length):
                painted.add(view.offsets.from_qt(qt))
        block = block.next()
    return painted


@pytest.mark.parametrize("needle,label", TARGETS)
def test_selecting_in_the_view_stores_code_point_offsets(qtbot, make_window, store, needle, label):
    window = make_window([("trap", TRAP_TEXT, [])])
    start = TRAP_TEXT.index(needle)
    end = start + len(needle)
    drag_select(qtbot, window.view, start, end)
    key = getattr(Qt.Key, f"Key_{window.schema.entity(label).hotkey.upper()}")
    qtbot.keyClick(window.view, key)
    [span] = store.annotations("trap").spans
    assert (span.start, span.end, span.label) == (start, end, label)
    assert TRAP_TEXT[span.start:span.end] == needle


def test_stored_entities_are_highlighted_on_exactly_their_characters(qtbot, make_window, store):
    spans = []
    for i, (needle, label) in enumerate(TARGETS + [("👍🏽", "PRODUCT"), ("🇹🇷", "GPE")]):
        start = TRAP_TEXT.index(needle)
        spans.append(Span(f"s{i}", start, start + len(needle), label, score=0.5))
    window = make_window([("trap", TRAP_TEXT, spans)])
    window.view.viewport().repaint()
    painted = _highlighted_code_points(window.view, None)
    expected = {i for s in spans for i in range(s.start, s.end)}
    assert painted == expected


def test_offset_map_matches_qt_on_the_traps(qtbot, make_window):
    window = make_window([("trap", TRAP_TEXT, [])])
    document = window.view.document()
    offsets = OffsetMap(TRAP_TEXT)
    assert offsets.qt_length == document.characterCount() - 1
    # Every character Qt holds is the character at the mapped code point (CRLF is one separator).
    for index, char in enumerate(TRAP_TEXT):
        if char == "\n" and TRAP_TEXT[index - 1] == "\r":
            continue
        qt = offsets.to_qt(index)
        qt_char = document.characterAt(qt)
        if char in "\r\n":
            assert qt_char == "\u2029"
        elif ord(char) > 0xFFFF:
            assert 0xD800 <= ord(qt_char) <= 0xDBFF
        else:
            assert qt_char == char


def test_markup_in_the_text_is_shown_literally(qtbot, make_window):
    hostile = '<b>bold</b> <img src="file:///etc/passwd"> &amp; <script>alert(1)</script>'
    window = make_window([("html", hostile, [Span("b", 3, 7, "ORG")])])
    assert window.view.toPlainText() == hostile
    assert window.view.document().toPlainText() == hostile
    # The inspector and the corpus panel show it as text too.
    item = window.inspector.entities.items["b"]
    assert item.text(0) == "bold"
    assert window.inspector.entities.items["b"].toolTip(0) == "<qt>bold</qt>"
    hover = window.view.describe(window.view.highlighter.spans()["b"])
    assert "<b>ORG</b>" in hover and "bold" in hover
    window2_text = window.corpus.model.data(window.corpus.model.index(0, 0))
    assert window2_text == "html"
