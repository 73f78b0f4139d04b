"""The document's labels are toggled from the keyboard in the inspector's Document tab: Space
there toggles the current label (the window's Space, "mark for stance or relation", must not take
it), and the change is stored."""
from __future__ import annotations

from PySide6.QtCore import Qt


def test_space_in_the_document_tab_toggles_the_current_label_and_stores_it(qtbot, make_window, store):
    window = make_window([("d", "Libya and Egypt met in Cairo.", [])])
    labels = window.inspector.labels
    assert labels.count() >= 2, "the default schema has document labels"
    window.inspector.setCurrentWidget(labels)
    labels.setFocus()
    qtbot.keyClick(labels, Qt.Key.Key_Home)
    qtbot.keyClick(labels, Qt.Key.Key_Down)
    second = labels.item(1).text()
    qtbot.keyClick(labels, Qt.Key.Key_Space)
    assert labels.item(1).checkState() == Qt.CheckState.Checked
    assert store.annotations("d").labels == [second]
    assert window.pair == [], "Space in the list is not the window's mark-for-stance key"
    qtbot.keyClick(labels, Qt.Key.Key_Space)
    assert labels.item(1).checkState() == Qt.CheckState.Unchecked
    assert store.annotations("d").labels == []


def test_space_in_the_text_still_marks_for_a_stance(qtbot, make_window, store):
    from annotate.model import Span
    window = make_window([("d", "Libya and Egypt met.", [Span("l", 0, 5, "GPE", origin="model:test@1",
                                                                   decision="suggested")])])
    window.view.set_selected("l")
    qtbot.keyClick(window.view, Qt.Key.Key_Space)
    assert window.pair == ["l"]
