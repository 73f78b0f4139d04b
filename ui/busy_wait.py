"""A user action that meets another program's write (issue 19, "database is locked").

Another process (a large import or merge from a terminal, a pre-annotation batch) may hold
the file's write lock longer than SQLite's busy timeout. The window then must neither freeze
for the whole timeout nor drop the action with "try again": it tries briefly, then shows what
it is waiting for and tries again until the action is saved, or the user cancels (nothing
saved). The dialog is modal, so the actions a user takes keep their order.

An action that met a busy file changed nothing (its transaction never began: BEGIN IMMEDIATE
is what waits), so trying it again is trying it for the first time.
"""
from __future__ import annotations

import sqlite3
import time
from typing import Callable, TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotate.errors import BusyError, MarginaliaError
from store.database import busy_timeout

T = TypeVar("T")

#: How long a key press may wait for the lock before the window says why nothing happens yet.
FIRST_WAIT_MS = 1500
#: Each later try waits this long for the lock; the dialog stays responsive in between.
RETRY_WAIT_MS = 200
RETRY_EVERY_MS = 300

WAITING = ("Another program is writing to this database (an import, a merge or a pre-annotation, "
           "from a terminal or another window).\n\nYour action is kept: it is saved as soon as that "
           "write ends. Cancel drops it (nothing is saved).")


class WaitCancelled(MarginaliaError):
    """The user cancelled an action that was waiting for another program's write."""


class WaitForWrite:
    """The dialog of one waiting action, trying it again every RETRY_EVERY_MS."""

    def __init__(self, parent: QWidget, conn: sqlite3.Connection, action: Callable[[], T]):
        self.conn, self.action = conn, action
        self.result = None
        self.error: BaseException | None = None
        self.saved = False
        self.tries = 0
        self.started = time.monotonic()
        self.dialog = QProgressDialog(WAITING, "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle("Waiting for another program")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        self.timer = QTimer(self.dialog)
        self.timer.setInterval(RETRY_EVERY_MS)
        self.timer.timeout.connect(self.attempt)

    def attempt(self) -> None:
        self.tries += 1
        try:
            with busy_timeout(self.conn, RETRY_WAIT_MS):
                self.result = self.action()
        except BusyError:
            return
        except BaseException as exc:  # the action's own refusal is the window's to report
            self.error = exc
        else:
            self.saved = True
        self.timer.stop()
        self.dialog.accept()

    def exec(self) -> T:
        self.timer.start()
        self.dialog.exec()
        self.timer.stop()
        self.dialog.hide()
        self.dialog.deleteLater()
        # The keys go back to the window at once (a platform without a window manager, such as
        # offscreen, would leave the closed dialog active until it is deleted).
        self.dialog.parentWidget().activateWindow()
        if self.error is not None:
            raise self.error
        if not self.saved:
            raise WaitCancelled("cancelled while another program was writing to the database: nothing was saved")
        return self.result


def run_keeping_the_action(parent: QWidget, conn: sqlite3.Connection, action: Callable[[], T]) -> T:
    """``action()``; when another program holds the write lock, wait with a dialog saying so.
    WaitCancelled when the user cancelled the wait (nothing was written)."""
    try:
        with busy_timeout(conn, FIRST_WAIT_MS):
            return action()
    except BusyError:
        pass
    return WaitForWrite(parent, conn, action).exec()
