"""Control and zero-width characters in the article are shown as visible marks, one for one.

A NUL or an ESC from a broken feed, a C1 control from text decoded as Latin-1, a zero-width space
inside a name (search and the model then miss the name) draw nothing in Qt: the annotator could not
see that the text holds them. The view shows each as a mark (ui.offsets.CONTROL_MARKS), as it
shows bidi controls; offsets, selection, entities and copy stay on the stored text. ZWJ and ZWNJ,
which Persian and the Indic scripts need, are left to join and part letters.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import drag_select
from ui.offsets import CONTROL_MARKS

PERSIAN = "می\u200cخواهم"  # "I want": the ZWNJ keeps می apart from خواهم without a space
DEVANAGARI = "क्\u200dष"  # a ZWJ asks for the half form of क
STORED = (f"Feed\x00broken \x1b[31mred\x1b[0m Ange\u200bla Merkel\ufeff met\x85him \x7fend\x0b. "
          f"{PERSIAN} {DEVANAGARI} tab\there")
UNSEEN = "\x00\x1b\u200b\ufeff\x85\x7f\x0b"


def test_unseen_characters_are_marks_in_the_view_and_offsets_do_not_move(qtbot, make_window):
    window = make_window([("unseen", STORED, [])])
    view = window.view
    shown = view.toPlainText()
    assert len(shown) == len(STORED) and view.offsets.identity
    for char in UNSEEN:
        at = STORED.index(char)
        assert shown[at] == CONTROL_MARKS[char] and shown[at] != char and shown[at].isprintable()
    assert shown[STORED.index("\x00")] == "\u2400" and shown[STORED.index("\x1b")] == "\u241b"  # ␀ ␛
    assert not set(shown) & set(UNSEEN), "an unseen character reached Qt"
    # Kept: ZWNJ and ZWJ (letters join or part as the script needs), tab.
    assert PERSIAN in shown and DEVANAGARI in shown and "tab\there" in shown
    # Each mark takes room on screen: the caret moves across it.
    nul = STORED.index("\x00")
    before, after = (view.cursorRect(_cursor_at(view, nul + i)).x() for i in (0, 1))
    assert after > before, "the mark for NUL has no width"


def test_selection_entities_and_copy_are_the_stored_characters(qtbot, make_window, store):
    window = make_window([("unseen", STORED, [])])
    view = window.view
    start, end = STORED.index("Ange"), STORED.index(" met")
    drag_select(qtbot, view, start, end)
    assert view.selection_range() == (start, end)
    qtbot.keyClick(view, Qt.Key.Key_P, Qt.KeyboardModifier.ShiftModifier)  # PERSON, over the stored characters
    [span] = store.annotations("unseen").spans
    assert STORED[span.start:span.end] == "Ange\u200bla Merkel\ufeff"
    drag_select(qtbot, view, 0, STORED.index("red"))
    QTest.keySequence(view.viewport(), QKeySequence.StandardKey.Copy)
    assert QApplication.clipboard().text() == "Feed\x00broken \x1b[31m", "copy gave the marks, not the text"


def _cursor_at(view, offset: int):
    from PySide6.QtGui import QTextCursor
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets.to_qt(offset))
    return cursor
