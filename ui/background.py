"""Long work off the UI thread (import, export, training, evaluation), with progress and cancel.

The work function runs on a QThread; it must open its own Store (a connection stays on its
thread) and never touch a widget. It gets ``progress(done, total, text)`` and ``cancelled()``;
to stop it raises ``Cancelled`` (``check``), and whatever it was writing is rolled back or
removed by the code it calls, so a cancelled task leaves nothing behind.
"""
from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget


class Cancelled(Exception):
    """The user pressed Cancel; raised inside the work to unwind it."""


class InputHold(QObject):
    """While a job runs, its window takes no keys, shortcuts, clicks or drops.

    The job's progress dialog is window-modal, but only once shown, and it shows only after a
    moment so that quick runs never flash a dialog: until then an edit, a second import or
    another database opened would race the job. Scrolling and painting pass: the window can be
    read meanwhile. Other top-level windows (the dialog, the dashboard) are not held.
    """

    HELD = frozenset({QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride,
                      QEvent.Type.Shortcut, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
                      QEvent.Type.MouseButtonDblClick, QEvent.Type.ContextMenu, QEvent.Type.DragEnter,
                      QEvent.Type.DragMove, QEvent.Type.Drop, QEvent.Type.InputMethod})

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window
        self.holding = False

    def start(self) -> None:
        if not self.holding:
            self.holding = True
            QApplication.instance().installEventFilter(self)

    def end(self) -> None:
        if self.holding:
            self.holding = False
            QApplication.instance().removeEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() not in self.HELD:
            return False
        owner = obj if isinstance(obj, QWidget) else obj.parent() if event.type() == QEvent.Type.Shortcut else None
        if not isinstance(owner, QWidget) or owner.window() is not self.window:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # taken by the widget: no shortcut fires; the key press after it is held too
        return True


class _Worker(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled_signal = Signal()

    def __init__(self, work: Callable):
        super().__init__()
        self.work = work
        self.flag = threading.Event()
        self._last = 0.0

    def report(self, done: int, total: int, text: str = "") -> None:
        now = time.monotonic()
        if now - self._last >= 0.1 or done >= total:  # about 10 Hz is enough for a bar
            self._last = now
            self.progress.emit(done, total, text)

    def check(self) -> None:
        if self.flag.is_set():
            raise Cancelled()

    def run(self) -> None:
        try:
            self._run()
        finally:
            self.thread().quit()  # from here, so that waiting for the thread never needs the UI's loop

    def _run(self) -> None:
        from annotate.errors import MarginaliaError
        try:
            result = self.work(self)
        except Cancelled:
            self.cancelled_signal.emit()
            return
        except MarginaliaError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # the window must stay up whatever the work ran into
            traceback.print_exc()
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.finished.emit(result)


class BackgroundTask(QObject):
    """One run of ``work(task)``: ``task.report(done, total, text)``, ``task.check()`` between steps.

    ``done(result)``, ``failed(message)`` or ``cancelled()`` is emitted on the UI thread at the end.
    """

    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent, title: str, work: Callable, *, label: str = "", show_after_ms: int = 400):
        super().__init__(parent)
        self.title = title
        self.thread = QThread(self)
        self.worker = _Worker(work)
        self.worker.moveToThread(self.thread)
        self.dialog = QProgressDialog(label or f"{title}…", "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setMinimumDuration(show_after_ms)  # quick runs never flash a dialog
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        self.dialog.canceled.connect(self.cancel)
        self.thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._progress)
        # Bound methods of this object (which lives on the UI thread), so Qt queues the calls to
        # the UI thread; a lambda would run on the worker's thread.
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self.worker.cancelled_signal.connect(self._cancelled)
        self.hold = InputHold(parent.window()) if isinstance(parent, QWidget) else None
        self.running = False
        self._latest: tuple[int, int, str] | None = None
        self._showing = False

    def start(self) -> "BackgroundTask":
        self.running = True
        if self.hold is not None:
            self.hold.start()
        self.dialog.setValue(0)
        self.thread.start()
        return self

    def cancel(self) -> None:
        self.worker.flag.set()

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, text: str) -> None:
        if not self.running:
            return
        self._latest = (done, total, text)
        if self._showing:
            return  # called from inside setValue below: the call outside shows the latest step
        # A modal QProgressDialog's setValue runs the event loop, which delivers the next queued
        # step inside this call; shown in the order they return, the bar ended on an older step.
        self._showing = True
        try:
            shown = None
            while shown != self._latest:
                shown = done, total, text = self._latest
                if text:
                    self.dialog.setLabelText(text)
                self.dialog.setMaximum(max(total, 0))
                self.dialog.setValue(min(done, total) if total else 0)
        finally:
            self._showing = False

    @Slot(object)
    def _finished(self, result) -> None:
        self._end(self.done, result)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._end(self.failed, message)

    @Slot()
    def _cancelled(self) -> None:
        self._end(self.cancelled)

    def end(self) -> None:
        """The owner is closing: cancel, wait for the thread, and report nothing afterwards."""
        self.cancel()
        self.thread.wait()
        if self.running:
            self.running = False
            self._release()
            self.dialog.hide()

    def _end(self, signal, *args) -> None:
        if not self.running:
            return  # ended by its owner: the result must not reach a closed window
        self.running = False
        self.thread.quit()
        self.thread.wait()
        self._release()
        self.dialog.hide()
        self.dialog.deleteLater()
        signal.emit(*args)

    def _release(self) -> None:
        if self.hold is not None:
            self.hold.end()

    def wait(self, timeout_ms: int = 600_000) -> bool:
        """For tests and shutdown: block until the thread has ended."""
        return self.thread.wait(timeout_ms)
