"""Work put off until a window's first paint is over.

What the first screen does not show (the damage check of a large file, the work clock's
application-wide event filter) competed with the start for the CPU, or saw every one of its
events from Python; measured in bench/README.md ("Start-up"). The hook watches the window's own
events only, and is gone after the first paint.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window
        self.calls: list[Callable[[], None]] = []
        self.painted = False
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.window and event.type() == QEvent.Type.Paint:
            self.window.removeEventFilter(self)
            # After the paint, with the event loop free: what the paint event started finishes first.
            QTimer.singleShot(0, self, self.run)
        return False

    def run(self) -> None:
        if not self.window.isVisible():  # closed (or hidden) since that paint: wait for the next one
            self.window.installEventFilter(self)
            return
        self.painted = True
        calls, self.calls = self.calls, []
        for call in calls:
            call()


def after_first_paint(window: QWidget, call: Callable[[], None]) -> None:
    """Call ``call`` once the window's first paint is over (at once, if it is over already). A
    window deleted or closed first calls nothing."""
    hook = getattr(window, "_first_paint_hook", None)
    if hook is None:
        hook = window._first_paint_hook = _FirstPaint(window)
    if hook.painted:
        call()
    else:
        hook.calls.append(call)


def first_paint_over(window: QWidget) -> bool:
    """Whether the window's first paint is over and what waited for it has run."""
    hook = getattr(window, "_first_paint_hook", None)
    return hook is not None and hook.painted
