"""Undoing a resize keeps the selection where it was: the inspector's row of the resized entity
moves (its reading-order key changes), and Qt moved the list's selection to a neighbour as it
did, which the window took for a pick. The next key then went to an entity the person never
chose: Alt+Shift+→ on "Putin", Ctrl+Z, O relabelled "Erdoğan"."""
from __future__ import annotations

from PySide6.QtCore import Qt

TEXT = "Erdoğan met Putin in Ankara on Monday."
CTRL, SHIFT, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.AltModifier


def label_by_keys(qtbot, view, start: int, length: int, key) -> None:
    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_qt(start))
    view.setTextCursor(cursor)
    for _ in range(length):
        qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)
    qtbot.keyClick(view, key)


def test_undoing_a_resize_leaves_the_resized_entity_selected(qtbot, make_window, store):
    window = make_window([("d", TEXT, [])])
    view = window.view
    label_by_keys(qtbot, view, 0, len("Erdoğan"), Qt.Key.Key_P)
    erdogan = window.selected
    label_by_keys(qtbot, view, TEXT.index("Putin"), len("Putin"), Qt.Key.Key_P)
    putin = window.selected
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT | SHIFT)  # "Putin in"
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT)          # "in"
    assert window.selected == putin
    for expected in ("Putin in", "Putin"):
        qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
        spans = {s.id: s for s in store.annotations("d").spans}
        assert TEXT[spans[putin].start:spans[putin].end] == expected
        assert (window.selected, window.current) == (putin, putin)
        assert window.inspector.entities.selected_id() in (None, putin)
    qtbot.keyClick(view, Qt.Key.Key_O)
    labels = {s.id: s.label for s in store.annotations("d").spans}
    assert labels == {erdogan: "PERSON", putin: "ORG"}
