"""Schema menu and Preferences, driven through the real widgets: a loaded schema's keys work, a
label added with its key works, a schema dropping a label in use is refused, a rebound key is
refused when taken and works after a restart, and the name is kept per database."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QPushButton

from tests.ui.conftest import drag_select

TEXT = "The Bundeswehr sent a Leopard tank to Kyiv on Monday."
SCHEMA = """
[schema]
name = "defence"
version = 3

[[entity]]
label = "PERSON"
color = "#E69F00"
hotkey = "p"

[[entity]]
label = "GPE"
color = "#009E73"
hotkey = "g"

[[entity]]
label = "WEAPON"
color = "#D55E00"
hotkey = "w"
description = "Weapons and weapon systems"
"""


def _button(dialog, text: str) -> QPushButton:
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == text)


def _entities(store, doc="d1"):
    return sorted((s.start, s.end, s.label) for s in store.annotations(doc).spans if s.decision == "manual")


def _current(window):
    return window.session.window if window.session is not None else window


def test_a_loaded_schema_file_is_shown_and_its_keys_work(qtbot, make_window, store, tmp_path, monkeypatch):
    window = make_window([("d1", TEXT, [])])
    path = tmp_path / "defence.toml"
    path.write_text(SCHEMA, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions_by_id["schema.load"].trigger()
    loaded = _current(window)
    qtbot.addWidget(loaded)
    assert loaded is not window and [e.label for e in loaded.schema.entities] == ["PERSON", "GPE", "WEAPON"]
    assert store.schema_version() == 2 and "version 2" in loaded.message_label.text()
    with qtbot.waitActive(loaded):
        loaded.activateWindow()
    start = TEXT.index("Leopard")
    drag_select(qtbot, loaded.view, start, start + len("Leopard tank"))
    qtbot.keyClick(loaded.view, Qt.Key.Key_W)
    assert _entities(store) == [(start, start + len("Leopard tank"), "WEAPON")]
    dialog = loaded.show_schema()
    shown = dialog.browser.toPlainText()
    assert "WEAPON" in shown and "Weapons and weapon systems" in shown and "version 2" in shown


def test_a_schema_file_that_drops_a_label_in_use_or_is_broken_changes_nothing(qtbot, make_window, store, tmp_path,
                                                                               monkeypatch):
    window = make_window([("d1", TEXT, [])])
    start = TEXT.index("Monday")
    store.add_entity("d1", start, start + 6, "DATE")
    path = tmp_path / "defence.toml"
    path.write_text(SCHEMA, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions_by_id["schema.load"].trigger()  # Schema → Load schema file…
    assert window.report_box.isVisible()
    assert "drops entity label 'DATE'" in window.report_box.text() and "not changed" in window.report_box.text()
    broken = tmp_path / "broken.toml"
    broken.write_text(SCHEMA.replace('color = "#D55E00"', 'color = "red'), encoding="utf-8")
    assert not window.load_schema_file(broken)
    assert str(broken) in window.report_box.text() and "line" in window.report_box.text()
    assert store.schema_version() == 1 and (window.session is None or window.session.window is window)
    assert [e.label for e in window.schema.entities if e.label == "DATE"] == ["DATE"]  # still offered


def test_a_label_added_with_its_colour_and_key_works_and_a_taken_key_is_refused(qtbot, make_window, store):
    window = make_window([("d1", TEXT, [])])
    window.actions_by_id["schema.add_label"].trigger()
    dialog = window.add_label_dialog
    qtbot.waitExposed(dialog)
    assert not dialog.colour_note.isVisible()  # no empty row while there is nothing to say
    hint = dialog.key.placeholderText()
    assert dialog.key.fontMetrics().horizontalAdvance(hint) < dialog.key.contentsRect().width()  # unclipped
    dialog.colour = store.schema.entity("PERSON").color  # as if picked by hand: the note says why not
    dialog._show_colour()
    qtbot.waitUntil(lambda: dialog.colour_note.isVisible())
    note = dialog.colour_note
    assert "Hard to tell from PERSON" in note.text() and note.height() >= note.heightForWidth(note.width())
    qtbot.keyClicks(dialog.label, "WEAPON")
    qtbot.keyClicks(dialog.key, "a")  # Accept suggestion's key
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and "Accept suggestion" in dialog.problem.text()
    dialog.key.clear()
    qtbot.keyClicks(dialog.key, "p")
    assert not ok.isEnabled() and "PERSON" in dialog.problem.text()
    dialog.key.clear()
    qtbot.keyClicks(dialog.key, "v")
    assert ok.isEnabled() and dialog.problem.text() == ""
    ok.click()
    added = _current(window)
    qtbot.addWidget(added)
    assert store.schema.entity("WEAPON").hotkey == "v" and store.schema.entity("WEAPON").color.startswith("#")
    with qtbot.waitActive(added):
        added.activateWindow()
    start = TEXT.index("Leopard")
    drag_select(qtbot, added.view, start, start + 7)
    qtbot.keyClick(added.view, Qt.Key.Key_V)
    assert _entities(store) == [(start, start + 7, "WEAPON")]


def test_a_key_rebound_in_preferences_is_refused_when_taken_and_works_after_a_restart(qtbot, make_window, store,
                                                                                      db_path):
    from annotate.model import Span
    window = make_window([("d1", TEXT, [Span("kyiv", TEXT.index("Kyiv"), TEXT.index("Kyiv") + 4, "GPE")])])
    window.actions_by_id["edit.preferences"].trigger()
    prefs = window.preferences_dialog
    row = prefs.row_of("review.accept")
    prefs.table.selectRow(row)
    qtbot.mouseClick(_button(prefs, "&Change key…"), Qt.MouseButton.LeftButton)
    qtbot.keyClick(prefs.capture.edit, Qt.Key.Key_X)  # Reject suggestion's key
    prefs.capture.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert "Not changed" in prefs.key_message.text() and "Reject suggestion" in prefs.key_message.text()
    assert [k.toString() for k in window.accept_action.shortcuts()] == ["A"]

    qtbot.mouseClick(_button(prefs, "&Change key…"), Qt.MouseButton.LeftButton)
    qtbot.keyClick(prefs.capture.edit, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    prefs.capture.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert prefs.table.item(row, 2).text() == "Ctrl+K"
    prefs.accept()
    window.close()

    # A restart: a new session opens the database and reads the saved bindings.
    from ui.session import Session
    session = Session()
    assert session.open(db_path)
    again = session.window
    qtbot.addWidget(again)
    with qtbot.waitActive(again):
        again.activateWindow()
    again.open_document("d1")
    again.view.setFocus()
    again.select_annotation("kyiv")
    qtbot.keyClick(again.view, Qt.Key.Key_A)
    assert {s.id: s.decision for s in store.annotations("d1").spans}["kyiv"] == "suggested"
    qtbot.keyClick(again.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert {s.id: s.decision for s in store.annotations("d1").spans}["kyiv"] == "accepted"
    session.close()


def test_the_name_is_kept_per_database_theme_and_font_size_apply(qtbot, make_window, store, tmp_path, monkeypatch):
    from store import Store
    from ui import settings
    from ui.session import Session
    window = make_window([("d1", TEXT, [])])
    prefs = window.show_preferences()
    prefs.name.setText("ana")
    prefs.theme.setCurrentText("dark")
    prefs.font_size.setValue(17)
    prefs.accept()
    renamed = _current(window)
    qtbot.addWidget(renamed)
    assert renamed.store.annotator == "ana" and renamed.theme.name == "dark"
    assert renamed.view.font().pointSize() == 17
    assert settings.database_annotator(store.path) == "ana" and settings.look() == ("dark", 17)
    renamed.done_and_next()
    assert store.conn.execute("SELECT annotator FROM doc_status").fetchall() == [("ana",)]

    # Another database is not annotated as "ana" because this one is.
    other = tmp_path / "other.db"
    Store.open(str(other), "setup").close()
    monkeypatch.delenv("MARGINALIA_ANNOTATOR")
    asked = []
    monkeypatch.setattr("ui.session.ask_name", lambda path, existing: asked.append(Path(path)) or "ben")
    monkeypatch.setattr("ui.session.headless", lambda: False)
    session = Session()
    assert session.open(other)
    qtbot.addWidget(session.window)
    assert asked == [other] and session.window.store.annotator == "ben"
    assert settings.database_annotator(other) == "ben" and settings.database_annotator(store.path) == "ana"
    session.close()
