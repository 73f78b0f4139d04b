"""The status bar's time on the document, counted as active time and saved to the database.

Any key, click or scroll anywhere in the application is a sign of activity; gaps longer than
``annotate.worktime.IDLE_AFTER`` between them count nothing. The counted seconds are saved to the
store (``store.work_time``) when another document opens, every minute while work goes on, and
when the window closes, so a crash loses at most a minute of it.
"""
from __future__ import annotations

import sqlite3
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from annotate.errors import MarginaliaError
from annotate.worktime import ActiveTime
from store import work_time

from .after_paint import after_first_paint

# A key bound to an action reaches the application only as a ShortcutOverride (the shortcut
# takes the press itself), so that counts as a sign of activity too.
ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel,
            QEvent.Type.TouchBegin}
SAVE_EVERY_MS = 60_000


class WorkClock(QObject):
    def __init__(self, store, parent=None, *, now=time.monotonic):
        super().__init__(parent)
        self.store = store
        self.now = now  # tests give a clock of their own
        self.active = ActiveTime()
        self.doc_id: str | None = None
        self.saved_before = 0.0  # seconds already in the database for this document and annotator
        self.last_error = ""
        self._saver = QTimer(self, interval=SAVE_EVERY_MS)
        self._saver.timeout.connect(self.save)
        self._saver.start()
        self._stopped = False
        # An application-wide filter in Python sees every event of the start (thousands, before
        # a key can be pressed): it listens once the window's first paint is over.
        if isinstance(parent, QWidget):
            after_first_paint(parent, self.listen)
        else:
            self.listen()

    def listen(self) -> None:
        """Count keys, clicks and scrolls from now on (until ``stop``)."""
        if not self._stopped:
            QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in ACTIVITY:
            self.active.activity(self.now())
        return False

    def switch(self, doc_id: str | None) -> None:
        """Save the time on the document being left, and start counting on ``doc_id``."""
        self.save()
        self.doc_id = doc_id
        self.active.start(self.now())
        self.saved_before = work_time.seconds_on(self.store, doc_id) if doc_id else 0.0

    def seconds(self) -> float:
        """Time on the current document: saved before, plus what this window counted."""
        return self.saved_before + self.active.total

    def save(self) -> None:
        seconds = self.active.take()
        if not self.doc_id or seconds <= 0:
            return
        try:
            work_time.add(self.store, self.doc_id, seconds)
        except (MarginaliaError, sqlite3.Error) as exc:
            # A read-only or busy file, or a store its owner already closed: keep the seconds for
            # the next try rather than lose them, and never fail the window for the clock's sake.
            self.active._pending += seconds
            self.last_error = str(exc)

    def stop(self) -> None:
        self._stopped = True
        self.save()
        self._saver.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
