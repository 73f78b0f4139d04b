"""The real `marginalia gui` process, driven by key events (tests/reliability, tests/stress).

Usage: QT_QPA_PLATFORM=offscreen MARGINALIA_HOME=DIR MARGINALIA_ANNOTATOR=NAME python3 gui_driver.py SEED [TICKS]

Runs main.main(["gui"]) unchanged, on the default database (so the first run seeds the sample
and pre-annotates it, as a new user's does), with one timer in the process that presses the
window's keys as a reviewer would: J / K (next, previous suggestion), A (accept), X (reject),
Ctrl+Shift+A (accept all), Ctrl+Z and Ctrl+Shift+Z (undo, redo), Ctrl+PgDown / Ctrl+PgUp (next,
previous document), a double-click on a word and P, G or O (label it; so there is always
something to do once every suggestion is decided) and Ctrl+Shift+P (pre-annotate the corpus in
the background: the dialog that asks for the model is answered with its first choice, builtin).
The dialog of an action waiting for a command's write is left to end on its own; any other
dialog is cancelled.

Output like window_driver.py: "ready N" once the window shows; a JSON line for each event the
window's annotator wrote, as soon as the key that made it has returned (the window then shows
it saved); a deleted -wal or -shm under the window's connection is printed as {"deleted": [...]}
and the process exits with status 3; "end" after TICKS key presses.
"""
from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QPoint, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QInputDialog  # noqa: E402

import main  # noqa: E402
from tests.helpers.reopen_driver import deleted_companions  # noqa: E402

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier
KEYS = [(Qt.Key.Key_J, NONE, 20), (Qt.Key.Key_K, NONE, 3), (Qt.Key.Key_A, NONE, 20), (Qt.Key.Key_X, NONE, 8),
        (Qt.Key.Key_A, CTRL | SHIFT, 3), (Qt.Key.Key_Z, CTRL, 8), (Qt.Key.Key_Z, CTRL | SHIFT, 4),
        (Qt.Key.Key_PageDown, CTRL, 5), (Qt.Key.Key_PageUp, CTRL, 2), (Qt.Key.Key_P, CTRL | SHIFT, 3),
        ("label a word", NONE, 20)]
#: Label keys of the default schema: PERSON, GPE, ORG.
LABEL_KEYS = [Qt.Key.Key_P, Qt.Key.Key_G, Qt.Key.Key_O]


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Reviewer:
    def __init__(self, app: QApplication, seed: int, ticks: int):
        self.app, self.rng, self.ticks = app, random.Random(seed), ticks
        self.window = None
        self.last_seq = 0
        self.busy = False
        self.timer = QTimer()
        self.timer.timeout.connect(self.tick)
        self.timer.start(40)
        # Qt does not fire a timer again while its own slot runs, so the dialogs a key opens
        # (their exec() runs inside the key's slot) are answered by a second timer.
        self.dialogs = QTimer()
        self.dialogs.timeout.connect(self.answer_dialog)
        self.dialogs.start(50)

    def _find_window(self):
        for widget in self.app.topLevelWidgets():
            if type(widget).__name__ == "MainWindow" and widget.isVisible():
                return widget
        return None

    def answer_dialog(self) -> None:
        modal = self.app.activeModalWidget()
        if modal is None:
            return
        if isinstance(modal, QInputDialog):
            modal.setTextValue("builtin")
            modal.accept()
        elif type(modal).__name__ == "ModelChooser":  # Model → Pre-annotate with…: builtin comes first
            modal.accept()
        elif modal.windowTitle() == "Waiting for another program":
            pass  # an action kept while a command writes (ui/busy_wait.py): wait, as a reviewer would
        else:
            modal.reject()

    def tick(self) -> None:
        if self.busy or self.app.activeModalWidget() is not None:
            return
        if self.window is None:
            self.window = self._find_window()
            if self.window is None:
                return
            self.window.activateWindow()
            conn = self.window.store.conn
            self.last_seq = conn.execute("SELECT coalesce(max(seq), 0) FROM audit").fetchone()[0]
            say(f"ready {self.last_seq}")
            self.real = os.path.realpath(self.window.store.path)
        if self.ticks <= 0:
            self.timer.stop()
            say("end")
            self.window.close()
            return
        self.ticks -= 1
        if self.app.activeWindow() is not self.window:
            self.window.activateWindow()  # a dialog that closed (pre-annotation's progress) took it
        key, modifiers, _ = self.rng.choices(KEYS, weights=[w for *_, w in KEYS])[0]
        self.busy = True
        try:
            if key == "label a word":
                QTest.mouseDClick(self.window.view.viewport(), Qt.MouseButton.LeftButton, NONE, self._a_word())
                QTest.keyClick(self.window.view, self.rng.choice(LABEL_KEYS))
            else:
                QTest.keyClick(self.window.view, key, modifiers)
        finally:
            self.busy = False
        self.report()
        deleted = deleted_companions(self.real)
        if deleted:
            say(json.dumps({"deleted": deleted}))
            os._exit(3)

    def _a_word(self) -> QPoint:
        """Where a word of the visible text is drawn (a double-click there selects it)."""
        view = self.window.view
        viewport = view.viewport()
        first = view.cursorForPosition(QPoint(1, 1)).position()
        last = view.cursorForPosition(QPoint(viewport.width() - 2, viewport.height() - 2)).position()
        cursor = view.textCursor()
        cursor.setPosition(self.rng.randint(first, max(first, last)))
        return view.cursorRect(cursor).center() + QPoint(2, 0)

    def report(self) -> None:
        store = self.window.store
        for seq, action, digest, rows in store.conn.execute(
                "SELECT seq, action, hash, json_array_length(changes, '$.rows') FROM audit "
                "WHERE seq > ? AND actor = ? ORDER BY seq", [self.last_seq, store.annotator]).fetchall():
            say(json.dumps({"seq": seq, "action": action, "hash": digest, "rows": rows, "doc": []}))
            self.last_seq = seq


def run() -> int:
    if os.environ.get("GUI_DRIVER_STALL_DUMP"):
        import faulthandler
        faulthandler.dump_traceback_later(float(os.environ["GUI_DRIVER_STALL_DUMP"]), exit=True)
    seed = int(sys.argv[1])
    ticks = int(sys.argv[2]) if len(sys.argv) > 2 else 10**9
    app = QApplication(sys.argv[:1])
    reviewer = Reviewer(app, seed, ticks)  # noqa: F841 - lives as long as the event loop
    return main.main(["gui"])


if __name__ == "__main__":
    sys.exit(run())
