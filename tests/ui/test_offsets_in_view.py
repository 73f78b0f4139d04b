"""Offsets are exact on the traps real text brings, in both directions through the view."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotate.model import Span
from tests.conftest import TRAP_TEXT
from tests.ui.conftest import drag_select
from ui.offsets import INVISIBLE_BREAK, LONG_RUN, OffsetMap

TARGETS = [("İstanbul", "GPE"), ("Putin", "PERSON"), ("Cafe\u0301 owners", "NORP"), ("UAE", "GPE"),
           ("Haftar", "PERSON")]


def _highlighted_code_points(view):
    """Code-point offsets that the view highlights, read back from the ranges it draws, page by
    page from the top to the bottom (only the text on screen is highlighted)."""
    painted = set()
    bar = view.verticalScrollBar()
    bar.setValue(0)
    while True:
        view.viewport().repaint()
        for qt_start, qt_end, _format in view.painted:
            painted.update(view.offsets.from_qt(qt) for qt in range(qt_start, qt_end))
        if bar.value() >= bar.maximum():
            return painted
        bar.setValue(bar.value() + max(1, bar.pageStep()))


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
    painted = _highlighted_code_points(window.view)
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
    assert window.inspector.entities.text("b", 0) == "bold"
    assert window.inspector.entities.tooltip("b", 0) == "<qt>bold</qt>"
    hover = window.view.describe(window.view.highlighter.spans()["b"])
    assert "<b>ORG</b>" in hover and "bold" in hover
    window2_text = window.corpus.model.data(window.corpus.model.index(0, 0))
    assert window2_text == "html"


# ---- very long runs without white space: the view adds invisible breaks ------------------------

def _long_run_text(rng) -> str:
    """Prose with long unbroken runs built from the traps (astral characters, joiners, combining
    marks, flags, CRLF inside the prose)."""
    atoms = ["a", "é", "e\u0301", "👍🏽", "👨\u200d👩\u200d👧", "🇹🇷", "x\ufe0f", "İ"]
    pieces = []
    for _ in range(rng.randint(2, 5)):
        if rng.random() < 0.6:
            pieces.append("".join(rng.choice(atoms) for _ in range(rng.randint(LONG_RUN // 2, LONG_RUN * 3))))
        else:
            pieces.append(" " + rng.choice(["some words\r\nhere", "and\n\nmore", "x y z"]) + " ")
    return "".join(pieces)


def _qt_position_by_walking(text: str, shown: str) -> list[int]:
    """Reference: the Qt position of each code-point boundary, by walking both texts."""
    positions, qt, j = [], 0, 0
    for index, char in enumerate(text):
        while shown[j] != char:  # an invisible break the view added
            assert shown[j] == INVISIBLE_BREAK
            j, qt = j + 1, qt + 1
        positions.append(qt)
        crlf_tail = char == "\n" and index and text[index - 1] == "\r"
        qt += 0 if crlf_tail else (2 if ord(char) > 0xFFFF else 1)
        j += 1
    positions.append(qt + (len(shown) - j))
    return positions


def test_offset_map_with_invisible_breaks_matches_a_reference_walk():
    import random
    rng = random.Random(7)
    for _ in range(40):
        text = _long_run_text(rng)
        offsets = OffsetMap(text)
        assert offsets.shown.replace(INVISIBLE_BREAK, "") == text
        assert max(len(run) for run in offsets.shown.replace(INVISIBLE_BREAK, " ").split()) <= LONG_RUN
        reference = _qt_position_by_walking(text, offsets.shown)
        for offset in range(len(text) + 1):
            assert offsets.to_qt(offset) == reference[offset]
            if not (text[offset - 1:offset + 1] == "\r\n"):
                assert offsets.from_qt(reference[offset]) == offset
        for position in offsets.break_positions:
            # Either side of a break is the same code-point boundary.
            assert offsets.from_qt(position) == offsets.from_qt(position + 1)
        # Breaks never split a character from its combining mark or a joined sequence.
        for position in offsets.break_positions:
            after = offsets.from_qt(position + 1)
            assert text[after] not in "\u0301\u200d\ufe0f\U0001F3FD" and text[after - 1] != "\u200d"


def test_ordinary_text_is_handed_to_qt_unchanged():
    text = TRAP_TEXT + " " + "word " * 100_000
    offsets = OffsetMap(text)
    assert offsets.shown is text and not offsets.break_positions


def test_spans_across_and_beside_invisible_breaks_are_exact_in_the_view(qtbot, make_window, store):
    text = "Turkey " + "x" * (LONG_RUN * 2) + " Haftar"
    offsets = OffsetMap(text)
    first_break = offsets.from_qt(min(offsets.break_positions))
    spans = [Span("across", first_break - 3, first_break + 3, "ORG", score=0.5),
             Span("ends-at", first_break - 5, first_break, "GPE", score=0.5),
             Span("starts-at", first_break, first_break + 4, "NORP", score=0.5),
             Span("tail", len(text) - 6, len(text), "PERSON", score=0.5)]
    window = make_window([("long", text, spans)])
    window.view.viewport().repaint()
    assert _highlighted_code_points(window.view) == {i for s in spans for i in range(s.start, s.end)}
    # Selecting across a break in the view and labelling stores code points over the stored text.
    drag_select(qtbot, window.view, first_break - 2, first_break + 2)
    assert window.view.selection_range() == (first_break - 2, first_break + 2)


def test_long_runs_are_found_exactly_as_a_regular_expression_would():
    """The linear-time scan agrees with the obvious (but quadratic) \\S{LONG_RUN,}."""
    import random
    import re
    from ui.offsets import _long_runs
    rng = random.Random(11)
    obvious = re.compile(r"\S{%d,}" % LONG_RUN)
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(1, 8)):
            length = rng.choice([rng.randint(0, 50), rng.randint(900, 2100), rng.randint(LONG_RUN - 10, LONG_RUN + 10),
                                 rng.randint(LONG_RUN, 3 * LONG_RUN)])
            parts.append("x" * length)
            parts.append(rng.choice([" ", "\n", "\u3000", "  ", "\t", "\r\n"]))
        text = "".join(parts)
        text = text.strip() if rng.random() < 0.5 else text
        assert list(_long_runs(text)) == [(m.start(), m.end()) for m in obvious.finditer(text)]


def test_every_mark_is_shown_in_ascii_text_as_in_any_other():
    # An ASCII text is checked for marks by another way than the rest (ui.offsets): the same marks.
    from ui.offsets import SHOWN_MARKS
    for char, mark in SHOWN_MARKS.items():
        for tail in ("", " é"):  # ASCII, and not
            text = f"ab{char}cd{tail}"
            assert OffsetMap(text).shown == f"ab{mark}cd{tail}", (hex(ord(char)), tail)
    plain = "".join(map(chr, range(0x20, 0x7f))) + "\t\r\n"
    assert OffsetMap(plain).shown == plain
