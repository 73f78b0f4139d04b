"""Comments, brat attributes, the guidelines panel and the saved time on a document, through the
real window: keys, clicks and typing, as an annotator does it."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QToolButton

from annotate.model import Span
from store import comments, work_time

from tests.ui.conftest import click_char

TEXT = "Turkey opposes Haftar, Ankara said on Monday. <b>not bold</b>"
SHOTS = Path(os.environ.get("MARGINALIA_SHOTS", "/tmp"))


def entity(window, needle: str, label: str) -> str:
    start = TEXT.index(needle)
    return window.run(lambda: window.store.add_entity("d1", start, start + len(needle), label)).created[0]


def test_guidelines_panel_on_f2_and_descriptions_on_the_label_bar(qtbot, make_window):
    window = make_window([("d1", TEXT, [])])
    assert not window.guidelines.isVisible()
    qtbot.keyClick(window.view, Qt.Key.Key_F2)
    assert window.guidelines.isVisible() and window.guidelines_action.isChecked()
    text = window.guidelines.body.toPlainText()
    assert "PERSON [P] — People, including fictional ones" in text
    assert "RELATIONS" in text and "BACKED_BY" in text
    button = window.label_bar.widgetForAction(window.label_actions["ORG"])
    assert isinstance(button, QToolButton)
    assert "Companies, agencies, institutions" in button.toolTip()
    window.grab().save(str(SHOTS / "guidelines_panel.png"))
    qtbot.keyClick(window.view, Qt.Key.Key_F2)
    assert not window.guidelines.isVisible() and not window.guidelines_action.isChecked()


def test_the_schema_guidelines_file_is_shown_as_plain_text(qtbot, tmp_path):
    from annotate.schema import default_schema_path, load_schema
    from store import Store
    from ui.main_window import MainWindow

    schema_file = tmp_path / "schema.toml"
    schema_file.write_text(default_schema_path().read_text(encoding="utf-8").replace(
        'version = 1', 'version = 1\nguidelines = "guide.md"', 1), encoding="utf-8")
    (tmp_path / "guide.md").write_text("# Claims\nMark a <b>claim</b> only when a source is named.\n",
                                       encoding="utf-8")
    schema = load_schema(schema_file)
    with Store.open(str(tmp_path / "g.db"), "ana", schema=schema) as store:
        window = MainWindow(store)
        qtbot.addWidget(window)
        window.show()
        window.toggle_guidelines()
        body = window.guidelines.body.toPlainText()
        assert "Mark a <b>claim</b> only when a source is named." in body  # literally, not as markup
        window.close()


def test_comments_written_flagged_undone_and_filtered_in_the_window(qtbot, make_window):
    window = make_window([("d1", TEXT, []), ("d2", "Another article.", [])])
    haftar = entity(window, "Haftar", "PERSON")
    click_char(qtbot, window.view, TEXT.index("Haftar") + 2)
    assert window.current == haftar
    qtbot.keyClick(window.view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert window.inspector.currentWidget() is window.notes
    assert window.notes.editor.hasFocus()
    assert "Haftar" in window.notes.target_label.text()
    # Editing keys stay in the box (Backspace is also "delete annotation" in the window), and
    # Escape leaves it without dropping the selection the comment is for.
    qtbot.keyClicks(window.notes.editor, "xy")
    qtbot.keyClick(window.notes.editor, Qt.Key.Key_Backspace)
    qtbot.keyClick(window.notes.editor, Qt.Key.Key_Backspace)
    qtbot.keyClick(window.notes.editor, Qt.Key.Key_Escape)
    assert window.current == haftar and window.view.hasFocus()
    assert window.store.annotations("d1").span(haftar) is not None
    window.write_comment()
    qtbot.keyClicks(window.notes.editor, "PERSON or ORG? He leads the <LNA>.")
    qtbot.mouseClick(window.notes.discuss, Qt.MouseButton.LeftButton)
    qtbot.keyClick(window.notes.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    (stored,) = comments.of_document(window.store, "d1")
    assert (stored.target, stored.body, stored.needs_discussion) == (haftar, "PERSON or ORG? He leads the <LNA>.", True)
    assert window.notes.list.topLevelItemCount() == 1
    row = window.notes.list.topLevelItem(0)
    assert row.text(0) == "“Haftar”" and row.text(2) == stored.body and row.text(3) == "⚑"

    # A comment on the document: nothing selected.
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    window.write_comment()
    qtbot.keyClicks(window.notes.editor, "Date of the statement unclear")
    qtbot.mouseClick(window.notes.add_button, Qt.MouseButton.LeftButton)
    assert [c.target for c in comments.of_document(window.store, "d1")] == [haftar, None]
    assert window.notes.list.topLevelItem(1).text(0) == "document"

    # Undo and redo, as for any action.
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(comments.of_document(window.store, "d1")) == 1 and window.notes.list.topLevelItemCount() == 1
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.notes.list.topLevelItemCount() == 2

    # The filter: only what needs discussion, here and across the corpus.
    window.notes.scope.setCurrentIndex(1)
    assert window.notes.list.topLevelItemCount() == 1
    window.grab().save(str(SHOTS / "comments_panel.png"))
    window.notes.scope.setCurrentIndex(2)
    window.open_document("d2")
    assert window.notes.list.topLevelItemCount() == 1 and window.notes.list.topLevelItem(0).text(0) == "d1"
    window.notes.list.setCurrentItem(window.notes.list.topLevelItem(0))
    qtbot.mouseClick(window.notes.flag_button, Qt.MouseButton.LeftButton)  # settled
    assert comments.documents_needing_discussion(window.store) == set()
    assert window.notes.list.topLevelItemCount() == 0
    assert "comment: edit" in [e.action for e in window.store.events("d1")]
    assert window.store.verify().ok


def test_brat_attributes_edited_in_the_inspector(qtbot, make_window):
    window = make_window([("d1", TEXT, [])])
    turkey = entity(window, "Turkey", "GPE")
    click_char(qtbot, window.view, 2)
    window.inspector.setCurrentWidget(window.notes)
    assert window.notes.attributes.isVisible() and window.notes.attributes.topLevelItemCount() == 0
    qtbot.mouseClick(window.notes.add_attribute, Qt.MouseButton.LeftButton)
    assert window.store.annotations("d1").span(turkey).attrs["attributes"] == {"Negated": True}
    # The new row's name is being edited: Escape cancels that edit only; then double-click the value.
    tree = window.notes.attributes
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert tree.isVisible() and window.current == turkey
    rect = tree.visualItemRect(tree.topLevelItem(0))
    cell = rect.center()
    cell.setX(tree.header().sectionPosition(1) + 10)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    editor = QApplication.focusWidget()
    assert editor.parent() is tree.viewport()
    editor.selectAll()
    qtbot.keyClicks(editor, "Speculated")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next turn of the event loop
    qtbot.waitUntil(lambda: window.store.annotations("d1").span(turkey).attrs["attributes"] == {"Negated": "Speculated"})
    window.grab().save(str(SHOTS / "attributes_panel.png"))
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.store.annotations("d1").span(turkey).attrs["attributes"] == {"Negated": True}


def test_active_time_is_saved_per_document_with_idle_gaps_left_out(qtbot, make_window):
    window = make_window([("d1", TEXT, [Span("m1", 0, 6, "GPE")]), ("d2", "Another article.", [])])
    now = [1000.0]
    window.work_clock.now = lambda: now[0]
    window.work_clock.switch("d1")
    for step in (10, 30, 400, 5):  # 10 + 30 active, 400 s away (idle), then 5 more
        now[0] += step
        qtbot.keyClick(window.view, Qt.Key.Key_J)
    window._tick()
    assert window.timer_label.text() == "0:45"
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)  # next document
    assert window.state.id == "d2"
    assert work_time.seconds_on(window.store, "d1") == 45
    assert window.timer_label.text() == "0:00"
    now[0] += 20
    qtbot.keyClick(window.view, Qt.Key.Key_J)
    window.open_document("d1")
    assert work_time.seconds_on(window.store, "d2") == 20
    assert window.timer_label.text() == "0:45"  # what was saved before counts on
    now[0] += 15
    qtbot.keyClick(window.view, Qt.Key.Key_J)
    window.close()  # closing saves what was counted
    assert work_time.seconds_on(window.store, "d1") == 60


def test_the_clock_never_fails_the_window_on_a_read_only_or_closed_file(qtbot, make_window):
    window = make_window([("d1", TEXT, [])])
    now = [0.0]
    window.work_clock.now = lambda: now[0]
    window.work_clock.switch("d1")
    now[0] += 30
    qtbot.keyClick(window.view, Qt.Key.Key_J)
    window.store.close()  # the owner closed the store first
    window.work_clock.save()
    assert window.work_clock.last_error and window.work_clock.active.take() == 30  # kept, not lost


def test_the_corpus_panel_filters_documents_with_comments_needing_discussion(qtbot, make_window):
    window = make_window([("d1", TEXT, []), ("d2", "Another article.", []), ("d3", "A third one.", [])])
    window.open_document("d2")
    window.write_comment()
    qtbot.keyClicks(window.notes.editor, "Is this article a duplicate?")
    qtbot.mouseClick(window.notes.discuss, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.notes.add_button, Qt.MouseButton.LeftButton)
    combo = window.corpus.filter
    combo.setCurrentIndex(combo.findData("discussion"))
    qtbot.waitUntil(lambda: [r.id for r in window.corpus.model.rows] == ["d2"])
    window.grab().save(str(SHOTS / "corpus_discussion_filter.png"))


def test_assign_documents_from_the_window(qtbot, make_window, tmp_path):
    from PySide6.QtWidgets import QDialogButtonBox

    from store import Store
    window = make_window([(f"d{i}", f"Article number {i}.", []) for i in range(10)])
    window.actions_by_id["file.assign"].trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "AssignDialog" and w.isVisible())
    qtbot.keyClicks(dialog.annotators, "ana, ben")
    dialog.overlap.setValue(30)
    qtbot.keyClicks(dialog.folder, str(tmp_path / "team"))
    dialog.grab().save(str(SHOTS / "assign_dialog.png"))
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    # 30% of 10 shared (3), the 7 others split 4 and 3.
    assert not dialog.isVisible() and "ana: 7 documents" in window.message_label.text()
    with Store.open(str(tmp_path / "team" / "ben.db"), "ben") as ben:
        assert len(ben.document_ids()) == 6
    assigned = window.store.conn.execute("SELECT annotator, count(*) FROM assignments GROUP BY annotator").fetchall()
    assert dict(assigned) == {"ana": 7, "ben": 6}
    # A second time into the same folder is refused, saying why, and writes nothing.
    window.actions_by_id["file.assign"].trigger()
    again = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "AssignDialog" and w.isVisible())
    qtbot.keyClicks(again.annotators, "ana, ben")
    qtbot.keyClicks(again.folder, str(tmp_path / "team"))
    qtbot.mouseClick(again.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    assert again.isVisible() and "already exists" in again.message.text()
    again.reject()
