"""A half-picked pair (Space on one annotation) does not outlive its document or its annotation:
switching documents with Ctrl+PgDown, or undoing the marked entity's creation, then marking
another with Space raised KeyError in the event loop (the pair named an annotation the open
document does not have), and with two picked a polarity key tried a stance across documents."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
A, B = "Erdoğan met Putin in Ankara.", "Haftar met Lavrov in Moscow."


def label_by_keys(qtbot, view, start: int, length: int) -> None:
    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_qt(start))
    view.setTextCursor(cursor)
    for _ in range(length):
        qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_P)


@pytest.mark.parametrize("marked", [1, 2])
def test_a_pair_marked_in_one_document_is_dropped_when_another_opens(qtbot, make_window, store, marked):
    window = make_window([("a", A, []), ("b", B, [])])
    view = window.view
    label_by_keys(qtbot, view, 0, len("Erdoğan"))
    if marked == 2:
        first = window.selected
        label_by_keys(qtbot, view, A.index("Putin"), len("Putin"))
        window.select_annotation(first)
        qtbot.keyClick(view, Qt.Key.Key_Space)
        window.select_annotation(window.state.ordered()[1].id)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert len(window.pair) == marked
    qtbot.keyClick(view, Qt.Key.Key_PageDown, CTRL)
    assert window.state.id == "b" and window.pair == []
    label_by_keys(qtbot, view, 0, len("Haftar"))
    haftar = window.selected
    qtbot.keyClick(view, Qt.Key.Key_Space)  # a new pair, in this document
    assert window.pair == [haftar]
    label_by_keys(qtbot, view, B.index("Lavrov"), len("Lavrov"))
    qtbot.keyClick(view, Qt.Key.Key_Space)
    qtbot.keyClick(view, Qt.Key.Key_F)
    [stance] = store.annotations("b").stances
    assert (stance.holder, stance.polarity) == (haftar, "FAVOR")
    assert store.annotations("a").stances == [] and window.last_error == ""


def test_a_marked_entity_undone_leaves_the_pair(qtbot, make_window, store):
    window = make_window([("a", A, [])])
    view = window.view
    label_by_keys(qtbot, view, 0, len("Erdoğan"))
    label_by_keys(qtbot, view, A.index("Putin"), len("Putin"))
    putin = window.selected
    qtbot.keyClick(view, Qt.Key.Key_Space)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # Putin's creation undone
    assert window.pair == []
    window.select_annotation(window.state.ordered()[0].id)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert window.pair == [window.state.ordered()[0].id] and putin not in window.state.spans
