"""Entity annotation and review, driven through the real widgets; the database is checked after."""
from __future__ import annotations

from PySide6.QtCore import Qt

from annotate.model import Span
from tests.ui.conftest import click_char, drag_select

TEXT = "Turkey and Russia have continued dialogue to broker a ceasefire in Libya, said Mevlüt Çavuşoğlu."


def _at(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def _suggestions():
    return [Span("turkey", *_at("Turkey"), "GPE", score=0.9), Span("russia", *_at("Russia"), "PERSON", score=0.4),
            Span("libya", *_at("Libya"), "GPE", score=0.8)]


def _stored(store, doc="d1"):
    return {s.id: s for s in store.annotations(doc).spans}


def test_create_relabel_delete_with_keys_and_mouse_each_undoable(qtbot, make_window, store):
    window = make_window([("d1", TEXT, _suggestions())])
    view = window.view
    start, end = _at("Mevlüt Çavuşoğlu")
    # Select from inside the first word to inside the last: the selection snaps to whole tokens.
    drag_select(qtbot, view, start + 2, end - 3)
    qtbot.keyClick(view, Qt.Key.Key_P)
    created = [s for s in _stored(store).values() if s.decision == "manual"]
    assert [(s.start, s.end, s.label, s.annotator) for s in created] == [(start, end, "PERSON", "tester")]
    span_id = created[0].id
    assert window.selected == span_id

    qtbot.keyClick(view, Qt.Key.Key_O)  # relabel the selected entity
    assert _stored(store)[span_id].label == "ORG"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _stored(store)[span_id].label == "PERSON"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert _stored(store)[span_id].label == "ORG"

    click_char(qtbot, view, start + 1)  # select it with the mouse
    assert window.selected == span_id
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert span_id not in _stored(store)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _stored(store)[span_id].label == "ORG"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert span_id not in _stored(store)
    assert store.verify().ok


def test_shift_keeps_the_exact_characters(qtbot, make_window, store):
    window = make_window([("d1", TEXT, [])])
    start, end = _at("Çavuşoğlu")
    drag_select(qtbot, window.view, start + 1, end - 1)
    qtbot.keyClick(window.view, Qt.Key.Key_P, Qt.KeyboardModifier.ShiftModifier)
    [span] = _stored(store).values()
    assert (span.start, span.end) == (start + 1, end - 1)


def test_review_accept_reject_step_and_undo(qtbot, make_window, store):
    window = make_window([("d1", TEXT, _suggestions())])
    view = window.view
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert window.selected == "turkey"
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert _stored(store)["turkey"].decision == "accepted"
    assert window.selected == "russia"  # accepting moves on to the next suggestion
    qtbot.keyClick(view, Qt.Key.Key_X)
    assert _stored(store)["russia"].decision == "rejected"
    assert window.selected == "libya"
    qtbot.keyClick(view, Qt.Key.Key_K)
    assert window.selected == "libya"  # the only suggestion left, going backwards
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _stored(store)["russia"].decision == "suggested"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _stored(store)["turkey"].decision == "suggested"
    qtbot.keyClick(view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert _stored(store)["turkey"].decision == "accepted"


def test_relabel_of_a_suggestion_is_a_correction(qtbot, make_window, store):
    window = make_window([("d1", TEXT, _suggestions())])
    click_char(qtbot, window.view, _at("Russia")[0] + 2)
    assert window.selected == "russia"
    qtbot.keyClick(window.view, Qt.Key.Key_G)
    spans = _stored(store)
    assert spans["russia"].decision == "rejected"
    [correction] = [s for s in spans.values() if s.replaces == "russia"]
    assert (correction.label, correction.decision, correction.start) == ("GPE", "manual", _at("Russia")[0])
    assert window.selected == correction.id


def test_accept_all_is_one_undo_step(qtbot, make_window, store):
    window = make_window([("d1", TEXT, _suggestions())])
    window.accept_all_action.trigger()
    assert {s.decision for s in _stored(store).values()} == {"accepted"}
    qtbot.keyClick(window.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.last_error == "" or "not a suggestion" not in window.last_error
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert {s.decision for s in _stored(store).values()} == {"suggested"}
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert {s.decision for s in _stored(store).values()} == {"accepted"}


def test_done_and_next_opens_the_next_unfinished_document(qtbot, make_window, store):
    window = make_window([("d1", TEXT, []), ("d2", "Second article about Haftar.", []),
                          ("d3", "Third article.", [])])
    store.set_status("d2", "done")
    window.corpus.reload()
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert store.status("d1")[0] == "done"
    assert window.state.id == "d3"
    assert window.view.toPlainText() == "Third article."
    assert window.corpus.progress.text() == "2 / 3 done"
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.status("d1")[0] != "done"
    assert window.state.id == "d1"


def test_corpus_filter_and_search(qtbot, make_window, store):
    window = make_window([("d1", TEXT, _suggestions()), ("d2", "Nothing to review here.", [])])
    panel = window.corpus
    panel.filter.setCurrentIndex(panel.filter.findData("unreviewed"))
    assert [r.id for r in panel.model.rows] == ["d1"]
    panel.filter.setCurrentIndex(panel.filter.findData("all"))
    qtbot.keyClicks(panel.search, "review here")
    qtbot.waitUntil(lambda: [r.id for r in panel.model.rows] == ["d2"], timeout=2000)
