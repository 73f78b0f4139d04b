"""A nudge key that cannot move an edge says why in the status line: it did nothing and said
nothing, which reads as a key that never arrived (Alt+→ on a one-word "Putin")."""
from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.test_selection_after_undo import ALT, SHIFT, label_by_keys

TEXT = "Erdoğan met Putin in Ankara"


def test_nudges_that_cannot_move_say_why_and_change_nothing(qtbot, make_window, store):
    window = make_window([("d", TEXT, [])])
    view = window.view
    label_by_keys(qtbot, view, TEXT.index("Putin"), len("Putin"), Qt.Key.Key_P)
    before = store.annotations("d").spans
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT)  # the start right: "Putin" would be empty
    assert window.message_label.text() == "PERSON is one token: it cannot shrink"
    qtbot.keyClick(view, Qt.Key.Key_Left, ALT | SHIFT)  # the end left: the same
    assert window.message_label.text() == "PERSON is one token: it cannot shrink"
    assert store.annotations("d").spans == before
    label_by_keys(qtbot, view, TEXT.index("Ankara"), len("Ankara"), Qt.Key.Key_G)
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT | SHIFT)  # the end right: the text ends there
    assert window.message_label.text() == "GPE has no token after it to take in"
    qtbot.keyClick(view, Qt.Key.Key_Left, ALT)  # the start left does move: "in Ankara"
    ankara = {s.label: s for s in store.annotations("d").spans}["GPE"]
    assert TEXT[ankara.start:ankara.end] == "in Ankara"
