"""Telling the person when the database file the window opened turns out to be damaged.

A large file is checked page by page while the window shows (store.database.BackgroundCheck),
begun once the window's first paint is over (or a second after it was shown, for a window that
does not paint, minimised); nothing is written to it until the check is over. Found damaged, the window says so (naming
the damage, as the commands do) and closes, leaving the file as it was.
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from .after_paint import after_first_paint
from .startup import headless

POLL_MS = 100
#: A window that has not painted by then (shown minimised) has its file checked all the same.
START_AT_LATEST_MS = 1000


def watch(window, store) -> None:
    check = store.pending_check
    if check is None:
        return
    after_first_paint(window, check.start)
    QTimer.singleShot(START_AT_LATEST_MS, window, lambda: window.isVisible() and check.start())
    timer = QTimer(window, interval=POLL_MS)

    def look() -> None:
        if not check.done:
            return
        timer.stop()
        if check.problem:
            window.damaged = check.problem
            if headless():
                print(f"marginalia: error: {check.problem}", file=sys.stderr, flush=True)
            else:
                QMessageBox.critical(window, "Damaged database", check.problem)
            window.close()

    timer.timeout.connect(look)
    timer.start()
    window.file_check_timer = timer
