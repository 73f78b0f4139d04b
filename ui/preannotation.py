"""Pre-annotating the corpus from the window, on a worker thread with progress and cancel.

The worker opens its own Store on the same file (a connection stays on its thread; WAL lets
the window keep reading and writing meanwhile) and never touches a widget: it only emits
signals, which Qt queues to the UI thread. Cancellation is a flag checked between documents;
every finished batch is already committed.
"""
from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog

from .background import InputHold


class PreannotationWorker(QObject):
    progress = Signal(int, int)
    waiting = Signal(str)  # another program holds the write lock (a long import): what it waits for
    finished = Signal(object)  # RunResult
    failed = Signal(str)

    def __init__(self, db_path: str, annotator: str, model: str):
        super().__init__()
        self.db_path, self.annotator, self.model = db_path, annotator, model
        self.cancel_flag = threading.Event()

    def run(self) -> None:
        from annotate.errors import MarginaliaError
        from annotate.preannotate import load_annotator
        from store import Store
        from store.suggestions import run_preannotation

        last_emit = [0.0]

        def on_progress(done, total, _result):
            now = time.monotonic()
            if now - last_emit[0] >= 0.1 or done == total:  # about 10 Hz is enough for a bar
                last_emit[0] = now
                self.progress.emit(done, total or 0)

        try:
            with Store.open(self.db_path, self.annotator, create=False) as store:
                # A batch that meets another program's long write waits for it (nobody to ask on
                # this thread); Cancel stops the wait, with every finished batch kept.
                store.on_busy = self._wait_for_writer
                annotator = load_annotator(self.model, store.schema)
                result = run_preannotation(store, annotator, batch_size=32, cancelled=self.cancel_flag.is_set,
                                           on_progress=on_progress)
        except MarginaliaError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # a pipeline can fail in many ways; the window must stay up
            self.failed.emit(f"pre-annotation failed: {type(exc).__name__}: {exc}")
            return
        self.finished.emit(result)

    def _wait_for_writer(self, text: str) -> None:
        from annotate.errors import MarginaliaError
        if self.cancel_flag.is_set():
            raise MarginaliaError("pre-annotation cancelled while another program was writing to the database; "
                                  "every finished batch is kept")
        self.waiting.emit(text)


class PreannotationRun(QObject):
    """One run: the thread, the worker and the progress dialog (shown only if it takes a while)."""

    done = Signal(object, str)  # RunResult or None, message

    def __init__(self, parent, *, db_path: str, annotator: str, model: str, total: int, modal: bool = True):
        super().__init__(parent)
        self.thread = QThread(self)
        self.worker = PreannotationWorker(db_path, annotator, model)
        self.worker.moveToThread(self.thread)
        self.dialog = QProgressDialog(f"Pre-annotating with {model}…", "Cancel", 0, max(total, 1), parent)
        self.dialog.setWindowTitle("Pre-annotation")
        self.dialog.setMinimumDuration(600)  # quick runs never flash a dialog
        # Modeless for the first run's sample: the window is there to be read and used meanwhile.
        # Its edits do not race the run: each batch reads the documents' annotations and writes its
        # suggestions in one transaction, around the window's own (the multi-process suite's window
        # reviews while another process pre-annotates).
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal if modal else Qt.WindowModality.NonModal)
        self.hold = InputHold(parent.window()) if modal else None
        self.dialog.canceled.connect(self.cancel)
        self.thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._progress)
        self.worker.waiting.connect(lambda text: None if self._ended else self.dialog.setLabelText(text))
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self._ended = False

    def start(self) -> None:
        if self.hold is not None:
            self.hold.start()
        self.dialog.setValue(0)
        self.thread.start()

    def cancel(self) -> None:
        self.worker.cancel_flag.set()

    def end(self) -> None:
        """The window is closing: cancel, wait for the thread, and report nothing afterwards.

        The worker's last signals may already be queued for the UI thread: the flag keeps them
        from reaching a window whose store is about to be closed."""
        self._ended = True
        self.cancel()
        self._stop_thread()

    def _progress(self, done: int, total: int) -> None:
        if self._ended:
            return
        if total:
            self.dialog.setMaximum(total)
        self.dialog.setValue(done)
        self.dialog.setLabelText(f"Pre-annotating with {self.worker.model}: {done} / {total} documents")

    def _stop_thread(self) -> None:
        self.thread.quit()
        self.thread.wait()
        if self.hold is not None:
            self.hold.end()
        self.dialog.reset()
        self.dialog.hide()

    def _finished(self, result) -> None:
        if self._ended:
            return
        self._stop_thread()
        s = result.stats
        verb = "cancelled after" if result.cancelled else "done:"
        self.done.emit(result, f"pre-annotation {verb} {s.documents} documents, {s.added} suggestions added, "
                               f"{s.removed} removed")

    def _failed(self, message: str) -> None:
        if self._ended:
            return
        self._stop_thread()
        self.done.emit(None, message)
