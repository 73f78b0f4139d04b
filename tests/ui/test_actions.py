"""The one table of actions: menus, toolbar, F1 sheet and key bindings all come from it."""
from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence

from annotate.model import Span
from ui import actions
from ui.keymap import KeyConflict, KeyMap

TEXT = "Turkey and Russia have continued dialogue to broker a ceasefire in Libya."


def _suggestions():
    return [Span("turkey", 0, 6, "GPE", score=0.9), Span("russia", 11, 17, "GPE", score=0.4)]


def _decision(store, span_id):
    return next(s.decision for s in store.annotations("d1").spans if s.id == span_id)


def test_every_action_of_the_table_is_in_its_menu_with_its_keys_and_on_the_f1_sheet(qtbot, make_window):
    window = make_window([("d1", TEXT, _suggestions())])
    specs = actions.table(window.schema)
    assert len({s.id for s in specs}) == len(specs)
    for spec in specs:
        action = window.actions_by_id[spec.id]
        assert action in window.menus[spec.menu].actions()
        assert [k.toString() for k in action.shortcuts()] == \
            [QKeySequence(k).toString() for k in spec.keys], spec.id
        assert (action in window.toolbar.actions()) == spec.toolbar
    window.show_shortcuts()
    sheet = window.shortcuts_dialog.browser.toPlainText()
    for spec in specs:
        if spec.keys:
            assert spec.plain_text in sheet
    assert "Ctrl+Shift+P" in sheet and "Stance FAVOR" in sheet


def test_a_key_already_bound_is_refused_naming_its_action(qtbot, make_window):
    window = make_window([("d1", TEXT, _suggestions())])
    with pytest.raises(KeyConflict, match="Accept suggestion"):
        window.keymap.bind("review.reject", ["A"])
    with pytest.raises(KeyConflict, match="PERSON"):
        window.keymap.bind("view.statistics", ["shift+p"])
    assert QSettings().value("shortcuts/review.reject") is None  # nothing saved


def test_a_rebound_key_works_in_a_new_window_and_the_old_key_no_longer_does(qtbot, make_window, store):
    window = make_window([("d1", TEXT, _suggestions())])
    window.keymap.bind("review.accept", ["Ctrl+K"])
    window.close()

    from ui.main_window import MainWindow
    again = MainWindow(store)  # a fresh window reads the saved binding, as after a restart
    qtbot.addWidget(again)
    again.show()
    with qtbot.waitActive(again):
        again.activateWindow()
    again.open_document("d1")
    again.view.setFocus()
    again.select_annotation("turkey")
    qtbot.keyClick(again.view, Qt.Key.Key_A)
    assert _decision(store, "turkey") == "suggested"
    qtbot.keyClick(again.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert _decision(store, "turkey") == "accepted"
    assert "Ctrl+K" in again.accept_action.toolTip()


def test_a_schema_hotkey_on_a_window_key_is_not_bound_and_is_reported(qtbot, make_window, store):
    schema = store.schema
    entities = [dataclasses.replace(e, hotkey="j") if e.label == "PERSON" else e for e in schema.entities]
    store.set_schema(dataclasses.replace(schema, entities=tuple(entities)))
    window = make_window([("d1", TEXT, _suggestions())])
    assert window.label_actions["PERSON"].shortcuts() == []
    assert [k.toString() for k in window.actions_by_id["review.next_suggestion"].shortcuts()] == ["J"]
    assert "PERSON" in window.message_label.text()


def test_bindings_are_saved_as_portable_text_and_reset_to_the_defaults(qtbot):
    specs = [actions.ActionSpec("a", "File", "A", ("Ctrl+1",), "", lambda w: None),
             actions.ActionSpec("b", "File", "B", ("Ctrl+2",), "", lambda w: None)]
    keymap = KeyMap(specs)
    keymap.bind("a", ["ctrl+shift+9", "F5"])
    assert QSettings().value("shortcuts/a") == "Ctrl+Shift+9; F5"
    assert KeyMap(specs).keys == {"a": ["Ctrl+Shift+9", "F5"], "b": ["Ctrl+2"]}
    keymap.bind("a", [])
    assert KeyMap(specs).keys["a"] == []
    keymap.bind("b", ["Ctrl+1"])  # the default of a, which a gave up
    with pytest.raises(KeyConflict):
        keymap.reset("a")
    keymap.reset("b")
    keymap.reset("a")
    assert KeyMap(specs).keys == {"a": ["Ctrl+1"], "b": ["Ctrl+2"]}
