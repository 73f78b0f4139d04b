"""Review actions that used to leave half-done data, driven by keys and the mouse: rejecting a
used entity, a person's entity over a suggestion, document labels after undo, done with
suggestions left."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QStyle, QStyleOptionViewItem

from annotate.model import Span
from tests.ui.conftest import click_char, drag_select

TEXT = ("Turkey is against Haftar, whom the United Arab Emirates back.\n"
        "Kalın said a truce is possible.\n"
        "Egypt watched the talks in Cairo.")
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _at(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def _suggestions():
    return [Span("m-turkey", *_at("Turkey"), "GPE"), Span("m-haftar", *_at("Haftar"), "PERSON"),
            Span("m-uae", *_at("United Arab Emirates"), "GPE"), Span("m-egypt", *_at("Egypt"), "GPE"),
            Span("m-cairo", *_at("Cairo"), "GPE")]


def _spans(store):
    return {s.id: s for s in store.annotations("d1").spans}


def _click_button(qtbot, box, which):
    assert box.isVisible()
    qtbot.mouseClick(box.button(which), Qt.MouseButton.LeftButton)


def test_rejecting_an_entity_a_stance_uses_asks_and_takes_the_stance_with_it(qtbot, make_window, store):
    window = make_window([("d1", TEXT, _suggestions())])
    view = window.view
    click_char(qtbot, view, _at("Turkey")[0] + 1)
    click_char(qtbot, view, _at("Haftar")[0] + 1, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_A)  # Turkey AGAINST Haftar
    [stance] = store.annotations("d1").stances
    assert (stance.holder, stance.target) == ("m-turkey", "m-haftar")

    click_char(qtbot, view, _at("Haftar")[0] + 1)
    qtbot.keyClick(view, Qt.Key.Key_X)
    box = window.confirm_box
    assert "1 stance(s), relation(s) or claim(s)" in box.text()
    _click_button(qtbot, box, QMessageBox.StandardButton.No)  # "Keep": nothing changes
    assert _spans(store)["m-haftar"].decision == "suggested" and store.annotations("d1").stances == [stance]

    qtbot.keyClick(view, Qt.Key.Key_X)
    _click_button(qtbot, window.confirm_box, QMessageBox.StandardButton.Yes)
    assert _spans(store)["m-haftar"].decision == "rejected"
    assert store.annotations("d1").stances == []  # no stance points at a rejected entity
    assert stance.id not in window.state.stances

    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # one step brings both back
    assert _spans(store)["m-haftar"].decision == "suggested"
    assert [s.id for s in store.annotations("d1").stances] == [stance.id]
    assert store.verify().ok


def test_rejecting_an_unused_suggestion_asks_nothing(qtbot, make_window, store):
    window = make_window([("d1", TEXT, _suggestions())])
    click_char(qtbot, window.view, _at("Egypt")[0] + 1)
    qtbot.keyClick(window.view, Qt.Key.Key_X)
    assert window.confirm_box is None
    assert _spans(store)["m-egypt"].decision == "rejected"


def test_a_persons_entity_over_a_suggestion_settles_it(qtbot, make_window, store):
    window = make_window([("d1", TEXT, _suggestions())])
    view = window.view
    drag_select(qtbot, view, *_at("Haftar"))
    qtbot.keyClick(view, Qt.Key.Key_P)  # what the model said: accepted, not doubled
    spans = _spans(store)
    assert spans["m-haftar"].decision == "accepted" and spans["m-haftar"].annotator == "tester"
    assert window.selected == "m-haftar"
    drag_select(qtbot, view, *_at("Cairo"))
    qtbot.keyClick(view, Qt.Key.Key_L)  # another label: a correction of the suggestion
    spans = _spans(store)
    assert spans["m-cairo"].decision == "rejected"
    [cairo] = [s for s in spans.values() if s.replaces == "m-cairo"]
    assert (cairo.label, cairo.decision, window.selected) == ("LOC", "manual", cairo.id)

    qtbot.keyClick(view, Qt.Key.Key_A, CTRL | SHIFT)  # accept all: nothing is accepted a second time
    gold = [(s.start, s.end) for s in store.annotations("d1").spans if s.decision in ("accepted", "manual")]
    assert len(gold) == len(set(gold)) == 5


def test_after_undoing_a_document_label_the_boxes_show_the_saved_labels(qtbot, make_window, store):
    window = make_window([("d1", TEXT, [])])
    labels = window.inspector.labels
    window.inspector.setCurrentWidget(labels)
    names = [labels.item(i).text() for i in range(labels.count())]
    first, second = names[0], names[1]

    def toggle(row: int) -> None:  # a click on the item's check box
        option = QStyleOptionViewItem()
        option.initFrom(labels.viewport())
        option.rect = labels.visualItemRect(labels.item(row))
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        box = labels.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, labels)
        qtbot.mouseClick(labels.viewport(), Qt.MouseButton.LeftButton, pos=box.center())

    toggle(0)
    assert store.annotations("d1").labels == [first]
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert store.annotations("d1").labels == []
    assert labels.item(0).checkState() == Qt.CheckState.Unchecked  # the box follows the undo
    toggle(1)
    assert store.annotations("d1").labels == [second]  # the undone label does not come back
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL | SHIFT)  # and redo checks it again
    assert [labels.item(i).checkState() for i in (0, 1)] == [Qt.CheckState.Unchecked, Qt.CheckState.Checked]


def test_done_with_undecided_suggestions_asks_and_says_how_many_and_where(qtbot, make_window, store):
    window = make_window([("d1", TEXT, _suggestions()), ("d2", "Nothing to see here.", [])])
    view = window.view
    click_char(qtbot, view, _at("Turkey")[0] + 1)
    qtbot.keyClick(view, Qt.Key.Key_A)
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)
    box = window.confirm_box
    assert "4 suggestion(s)" in box.text() and "“Haftar” on line 1" in box.text()
    _click_button(qtbot, box, QMessageBox.StandardButton.No)  # "Review them"
    assert store.status("d1")[0] != "done" and window.selected == "m-haftar"
    assert window.state.id == "d1"

    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)
    qtbot.keyClick(window.confirm_box, Qt.Key.Key_Escape)  # Escape is "Review them" too
    assert store.status("d1")[0] != "done"
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)
    _click_button(qtbot, window.confirm_box, QMessageBox.StandardButton.Yes)  # "Mark done"
    assert store.status("d1")[0] == "done" and window.state.id == "d2"

    window.confirm_box = None
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)  # nothing undecided: no question
    assert window.confirm_box is None and store.status("d2")[0] == "done"


def test_each_answer_of_a_question_is_its_first_letter(qtbot, make_window, store):
    # No is the default (Enter, Escape): the other answer was reached only by Tab.
    window = make_window([("d1", TEXT, _suggestions()), ("d2", "Nothing to see here.", [])])
    view = window.view
    click_char(qtbot, view, _at("Turkey")[0] + 1)
    click_char(qtbot, view, _at("Haftar")[0] + 1, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_A)  # Turkey AGAINST Haftar
    click_char(qtbot, view, _at("Haftar")[0] + 1)
    qtbot.keyClick(view, Qt.Key.Key_X)
    qtbot.keyClick(window.confirm_box, Qt.Key.Key_K)  # Keep
    qtbot.waitUntil(lambda: not window.confirm_box.isVisible())
    assert _spans(store)["m-haftar"].decision == "suggested" and len(store.annotations("d1").stances) == 1
    qtbot.keyClick(view, Qt.Key.Key_X)
    qtbot.keyClick(window.confirm_box, Qt.Key.Key_R)  # Reject
    qtbot.waitUntil(lambda: _spans(store)["m-haftar"].decision == "rejected")
    assert store.annotations("d1").stances == []
    # The offscreen platform gives the focus back to no window when a box closes (a desktop's
    # window manager gives it to the window): the window's shortcuts need it back.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)
    assert "suggestion(s)" in window.confirm_box.text()
    qtbot.keyClick(window.confirm_box, Qt.Key.Key_R)  # Review them
    qtbot.waitUntil(lambda: not window.confirm_box.isVisible())
    assert store.status("d1")[0] != "done" and window.state.id == "d1"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)
    assert window.confirm_box.isVisible()
    qtbot.keyClick(window.confirm_box, Qt.Key.Key_M)  # Mark done
    qtbot.waitUntil(lambda: store.status("d1")[0] == "done")
    assert window.state.id == "d2"
