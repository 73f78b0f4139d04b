"""A bidi control in the article cannot make the view show another text than the one stored.

"\\u202egniht lufmrah" is stored (and exported, and read by the inspector) in that order, but a
right-to-left override makes Qt draw it as "harmful thing". The view shows each bidi control as
a visible mark of one character instead, so the characters appear left to right in stored order;
offsets, selection, entities and copy stay exact. Real right-to-left script is still right to left.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from tests.ui.conftest import drag_select
from ui.offsets import BIDI_MARKS

STORED = "The file is called \u202egniht lufmrah\u202c here, and \u2067shalom\u2069 stays."
OVERRIDDEN = "gniht lufmrah"


def x_of(view, qt_position: int) -> int:
    cursor = QTextCursor(view.document())
    cursor.setPosition(qt_position)
    return view.cursorRect(cursor).x()


def test_an_override_does_not_reorder_what_the_annotator_reads(qtbot, make_window):
    window = make_window([("bidi", STORED, [])])
    view = window.view
    start = STORED.index(OVERRIDDEN)
    xs = [x_of(view, view.offsets.to_qt(i)) for i in range(start, start + len(OVERRIDDEN) + 1)]
    assert xs == sorted(xs) and len(set(xs)) == len(xs), "the overridden characters are drawn out of stored order"
    shown = view.toPlainText()
    assert not set(shown) & set(BIDI_MARKS), "a bidi control reached Qt"
    assert shown[start - 1] == BIDI_MARKS["\u202e"] and len(shown) == len(STORED)


def test_offsets_selection_and_copy_stay_exact_around_the_marks(qtbot, make_window, store):
    window = make_window([("bidi", STORED, [])])
    view = window.view
    start = STORED.index("lufmrah")
    end = start + len("lufmrah")
    drag_select(qtbot, view, start, end)
    assert view.selection_range() == (start, end)
    qtbot.keyClick(view, Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier)  # ORG, exactly these characters
    [span] = store.annotations("bidi").spans
    assert STORED[span.start:span.end] == "lufmrah"
    drag_select(qtbot, view, STORED.index("\u202e"), STORED.index(" here"))
    assert view.createMimeDataFromSelection().text() == "\u202egniht lufmrah\u202c"  # the stored characters


@pytest.mark.parametrize("word", ["shalom", "שלום"])
def test_right_to_left_script_is_still_laid_out_right_to_left(qtbot, make_window, word):
    text = f"Before {word} after."
    window = make_window([("rtl", text, [])])
    view = window.view
    start = text.index(word)
    xs = [x_of(view, view.offsets.to_qt(i)) for i in range(start + 1, start + len(word))]  # inside the word
    if word.isascii():
        assert xs == sorted(xs)
    else:
        assert xs == sorted(xs, reverse=True), "Hebrew is drawn right to left"
