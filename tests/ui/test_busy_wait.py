"""A key press while another program holds the database's write lock (issue 19, "database is
locked"): the window says what it waits for, keeps the action and saves it when the lock is
released; Cancel saves nothing. The other program is another SQLite connection to the file
holding BEGIN IMMEDIATE, as a large import from a terminal does while it writes."""
from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from annotate.model import Span
from tests.ui.conftest import click_char

TEXT = "Turkey is against Haftar, whom the United Arab Emirates back."


def _decision(store, span_id: str) -> str:
    return {s.id: s.decision for s in store.annotations("d1").spans}[span_id]


def _while_waiting(qtbot, then):
    """Once the waiting dialog shows, record what it says, then call ``then(dialog)``."""
    seen: list[str] = []
    poll = QTimer()

    def look():
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QProgressDialog) and modal.isVisible():
            poll.stop()
            seen.append(modal.labelText())
            then(modal)

    poll.timeout.connect(look)
    poll.start(20)
    return seen, poll


def _hold_the_write_lock(store) -> sqlite3.Connection:
    other = sqlite3.connect(str(store.path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_an_action_waits_for_another_programs_write_and_is_saved(qtbot, make_window, store):
    window = make_window([("d1", TEXT, [Span("m-turkey", 0, 6, "GPE")])])
    events = store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    other = _hold_the_write_lock(store)
    try:
        def release(dialog):
            # Still waiting: nothing of the action is in the file while the other write runs.
            assert _decision(store, "m-turkey") == "suggested"
            other.execute("COMMIT")

        seen, poll = _while_waiting(qtbot, release)
        click_char(qtbot, window.view, 1)
        qtbot.keyClick(window.view, Qt.Key.Key_A)
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()
    assert seen and "Another program is writing to this database" in seen[0] and "kept" in seen[0], seen
    assert _decision(store, "m-turkey") == "accepted"
    assert store.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == events + 1
    assert window.saved_label.text() == "Saved ✓"
    assert QApplication.activeModalWidget() is None
    poll.stop()


def test_cancelling_the_wait_saves_nothing_and_says_so(qtbot, make_window, store):
    window = make_window([("d1", TEXT, [Span("m-turkey", 0, 6, "GPE")])])
    events = store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    other = _hold_the_write_lock(store)
    try:
        seen, poll = _while_waiting(qtbot, lambda dialog: qtbot.mouseClick(dialog.findChild(QPushButton),
                                                                        Qt.MouseButton.LeftButton))
        click_char(qtbot, window.view, 1)
        qtbot.keyClick(window.view, Qt.Key.Key_A)
        assert seen, "the window did not say it was waiting"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _decision(store, "m-turkey") == "suggested"
    assert store.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == events
    assert "nothing was saved" in window.message_label.text()
    # The file is free again: the same key saves it at once (the window has its keys back).
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert _decision(store, "m-turkey") == "accepted"
    poll.stop()
