"""Imports, exports and training from the window while they run: the progress dialog counts, its
Cancel button lands them whole or not at all, and an export reads one state of the file while the
database goes on changing. The work is held at a chosen step (the gate) so the test acts mid-run."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton

import main
from annotate.model import Span

TEXT = "Turkey and Russia have continued dialogue to broker a ceasefire in Libya."


class Gate:
    """Holds the worker thread when it reports step ``at`` (of ``total``) until ``release``."""

    def __init__(self, monkeypatch, *, at: int, total: int | None = None):
        from ui import background
        self.reached, self.go = threading.Event(), threading.Event()
        original = background._Worker.report

        def report(worker, done: int, total_: int, text: str = "") -> None:
            original(worker, done, total_, text)
            if done == at and (total is None or total_ == total) and not self.reached.is_set():
                worker.progress.emit(done, total_, text)  # past the 10 Hz throttle: the bar shows this step
                self.reached.set()
                deadline = time.monotonic() + 120
                # Released by the test, or let go when the work is cancelled (a window closed after a failure).
                while not self.go.wait(0.05) and not worker.flag.is_set():
                    assert time.monotonic() < deadline, "the test never released the gate"
        monkeypatch.setattr(background._Worker, "report", report)

    def wait(self, qtbot) -> None:
        qtbot.waitUntil(self.reached.is_set, timeout=120_000)

    def release(self) -> None:
        self.go.set()


@pytest.fixture
def gate(monkeypatch):
    """``gate(at=N, total=T)``: held workers are released when the test ends, passed or failed."""
    made: list[Gate] = []
    yield lambda **kw: made.append(Gate(monkeypatch, **kw)) or made[-1]
    for each in made:
        each.release()


def _finish(qtbot, window, timeout: int = 120_000) -> None:
    qtbot.waitUntil(lambda: not window.tasks, timeout=timeout)


def _press_cancel(qtbot, task) -> None:
    qtbot.waitUntil(task.dialog.isVisible, timeout=10_000)
    button = task.dialog.findChild(QPushButton)
    assert button.text() == "Cancel"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _jsonl(path: Path, docs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def _audit_count(store) -> int:
    return store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]


def test_an_import_cancelled_from_its_progress_dialog_midway_imports_nothing(qtbot, make_window, store, tmp_path,
                                                                            gate):
    window = make_window([("d1", TEXT, [])])
    big = _jsonl(tmp_path / "big.jsonl", [{"id": f"n{i}", "text": f"Doc {i} from Cairo."} for i in range(500)])
    before = (store.document_count(), _audit_count(store))
    held = gate(at=300, total=500)
    task = window.run_import([big])
    held.wait(qtbot)
    qtbot.waitUntil(lambda: task.dialog.labelText() == "Importing: 300 / 500 documents", timeout=10_000)
    assert task.dialog.maximum() == 500 and task.dialog.value() == 300
    _press_cancel(qtbot, task)
    held.release()
    _finish(qtbot, window)
    assert "import cancelled: nothing was imported" in window.message_label.text()
    assert (store.document_count(), _audit_count(store)) == before and store.verify().ok
    assert not [d for d in window.findChildren(QProgressDialog) if d.isVisible()]


def test_an_export_cancelled_midway_leaves_the_old_file_and_nothing_beside_it(qtbot, make_window, store, tmp_path,
                                                                              gate):
    window = make_window([(f"d{i}", f"Doc {i}: {TEXT}", []) for i in range(40)])
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "data.jsonl"
    target.write_bytes(b"the previous export\n")
    held = gate(at=20, total=40)
    task = window.run_export({"format": "doccano", "out": str(target), "only_done": False, "annotator": None,
                              "split": None, "seed": 0}, force=True)
    held.wait(qtbot)
    _press_cancel(qtbot, task)
    held.release()
    _finish(qtbot, window)
    assert "export cancelled: no file was written" in window.message_label.text()
    assert target.read_bytes() == b"the previous export\n"
    assert sorted(p.name for p in folder.iterdir()) == ["data.jsonl"]  # no partial file left beside it


def test_an_export_from_the_window_is_one_state_of_the_file_while_the_database_changes(qtbot, make_window, store,
                                                                                      db_path, tmp_path,
                                                                                      gate):
    """600 documents (two pages of the reader): the export is held after its first document while
    the window's connection accepts, adds and marks done in the second page; the file written is
    the state when the export began, byte for byte."""
    docs = [(f"d{i:03}", f"Item {i}: {TEXT}", [Span(f"t{i}", len(f"Item {i}: "), len(f"Item {i}: ") + 6, "GPE")])
            for i in range(600)]
    window = make_window(docs)
    before = tmp_path / "before.jsonl"
    assert main.main(["export", "--db", str(db_path), "--format", "doccano", "--out", str(before)]) == 0
    held = gate(at=1, total=600)
    out = tmp_path / "window.jsonl"
    window.run_export({"format": "doccano", "out": str(out), "only_done": False, "annotator": None,
                       "split": None, "seed": 0})
    held.wait(qtbot)
    for i in (550, 551, 599):  # pages the export has not read yet
        window.store.accept(f"d{i:03}", f"t{i}")
        window.store.add_entity(f"d{i:03}", 0, 4, "ORG")
        window.store.set_status(f"d{i:03}", "done")
    held.release()
    _finish(qtbot, window)
    after = tmp_path / "after.jsonl"
    assert main.main(["export", "--db", str(db_path), "--format", "doccano", "--out", str(after)]) == 0
    assert after.read_bytes() != before.read_bytes()  # the changes are in the file
    assert out.read_bytes() == before.read_bytes()    # and none of them in the export that was running


def test_training_cancelled_from_its_progress_dialog_writes_no_pipeline(qtbot, make_window, store, tmp_path,
                                                                        gate):
    from tests.test_training import _make_gold
    _make_gold(store, 6, done=6)
    window = make_window([("x", "Nothing here.", [])])
    out = tmp_path / "models" / "cancelled"
    held = gate(at=3, total=40)
    task = window.run_training({"out": str(out), "dev_fraction": 0.34, "seed": 0, "max_steps": 40})
    held.wait(qtbot)
    qtbot.waitUntil(lambda: task.dialog.labelText() == "Training: step 3 of 40", timeout=10_000)
    _press_cancel(qtbot, task)
    held.release()
    _finish(qtbot, window, timeout=300_000)
    assert "training cancelled: no pipeline was written" in window.message_label.text()
    assert not out.exists()
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())


def test_closing_the_window_during_an_import_rolls_it_back_and_waits_for_it(qtbot, make_window, store, tmp_path,
                                                                           gate):
    window = make_window([("d1", TEXT, [])])
    big = _jsonl(tmp_path / "big.jsonl", [{"id": f"n{i}", "text": f"Doc {i} from Cairo."} for i in range(300)])
    before = (store.document_count(), _audit_count(store))
    held = gate(at=100, total=300)
    task = window.run_import([big])
    held.wait(qtbot)
    threading.Timer(0.5, held.release).start()  # the close below waits for the worker, held at the gate
    window.close()  # Ctrl+Q, or the window's close button
    assert task.thread.isFinished()  # no thread outlives the window
    assert (store.document_count(), _audit_count(store)) == before and store.verify().ok


def test_the_progress_dialog_ends_on_the_last_step_reported(qtbot, make_window):
    """Steps arrive faster than they are shown; a modal progress dialog's setValue runs the event
    loop and so shows the next step inside the current one: the bar must still end on the last."""
    from ui.background import BackgroundTask
    window = make_window([("d1", TEXT, [])])
    shown, go = threading.Event(), threading.Event()

    def work(task):
        assert shown.wait(60)
        for step in range(1, 201):
            task.progress.emit(step, 200, f"step {step}")  # every step, unthrottled
        assert go.wait(60)
        return "done"

    task = BackgroundTask(window, "Steps", work, show_after_ms=0)
    window._start(task)
    qtbot.waitUntil(task.dialog.isVisible, timeout=10_000)
    qtbot.wait(50)
    shown.set()
    try:
        qtbot.waitUntil(lambda: task.dialog.value() == 200 and task.dialog.labelText() == "step 200", timeout=10_000)
        qtbot.wait(200)  # nothing older comes after it
        assert (task.dialog.value(), task.dialog.labelText()) == (200, "step 200")
    finally:
        go.set()
    _finish(qtbot, window)


# ---- the window is held while a job runs ----------------------------------------------------------

SUGGESTED = [Span("turkey", 0, 6, "GPE", score=0.9), Span("russia", 11, 17, "GPE", score=0.4)]


def _state(store) -> tuple:
    """Everything an action of the window could change: the audit log, the suggestion's decision, the status."""
    turkey = next(s.decision for s in store.annotations("s1").spans if s.id == "turkey")
    return _audit_count(store), turkey, store.document_count()


def _press_like_a_user(window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key through the window system, as a user types it (Qt's modality applies; a key sent
    straight to a widget would pass it)."""
    from PySide6.QtTest import QTest
    QTest.keyClick(window.windowHandle(), key, modifier)


def _try_to_change_data(qtbot, window) -> None:
    _press_like_a_user(window, Qt.Key.Key_A)                                          # accept the suggestion
    _press_like_a_user(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # done, next
    _press_like_a_user(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)      # a second import
    qtbot.wait(50)


def _start_job(job: str, window, store, tmp_path):
    """(task, what it would leave behind if it were left half-done, its gate's step and total)."""
    if job == "import":
        big = _jsonl(tmp_path / "big.jsonl", [{"id": f"n{i}", "text": f"Doc {i} from Cairo."} for i in range(300)])
        return (lambda: window.run_import([big])), (lambda: store.document_count()), (100, 300)
    if job == "export":
        out = tmp_path / "out.jsonl"
        return (lambda: window.run_export({"format": "doccano", "out": str(out), "only_done": False, "annotator": None,
                                           "split": None, "seed": 0})), (lambda: out.exists()), (3, store.document_count())
    out = tmp_path / "models" / "cancelled"
    return (lambda: window.run_training({"out": str(out), "dev_fraction": 0.34, "seed": 0, "max_steps": 40})), \
        (lambda: out.exists()), (3, 40)


@pytest.mark.parametrize("job", ["import", "export", "training"])
def test_while_a_job_runs_the_window_changes_no_data_and_its_cancel_leaves_nothing(qtbot, make_window, store,
                                                                                  tmp_path, gate, job):
    """From the first moment (the dialog shows only after a while) to the end: keys that accept,
    mark done or start another import do nothing; the dialog is window-modal, so another window
    still takes keys; Cancel leaves nothing behind; then the same keys work again."""
    from PySide6.QtWidgets import QLineEdit
    from tests.test_training import _make_gold
    if job == "training":
        _make_gold(store, 6, done=6)
    window = make_window([("s1", TEXT, SUGGESTED)] + [(f"e{i}", f"{i}: {TEXT}", []) for i in range(6)], open_id="s1")
    window.select_annotation("turkey")
    start, left_behind, (at, total) = _start_job(job, window, store, tmp_path)
    before, nothing = _state(store), left_behind()
    held = gate(at=at, total=total)
    task = start()
    assert not task.dialog.isVisible()  # quick jobs never flash a dialog: this moment is the one to hold
    _try_to_change_data(qtbot, window)
    assert _state(store) == before and window.import_dialog is None

    held.wait(qtbot)
    qtbot.waitUntil(task.dialog.isVisible, timeout=10_000)
    assert task.dialog.windowModality() == Qt.WindowModality.WindowModal
    _try_to_change_data(qtbot, window)
    assert _state(store) == before and window.import_dialog is None
    other = QLineEdit()  # not application-modal: a window of another hierarchy is not blocked
    qtbot.addWidget(other)
    other.show()
    qtbot.waitExposed(other)
    other.setFocus()
    _press_like_a_user(other, Qt.Key.Key_O)
    _press_like_a_user(other, Qt.Key.Key_K)
    assert other.text() == "ok"
    other.close()

    _press_cancel(qtbot, task)
    held.release()
    _finish(qtbot, window, timeout=300_000)
    assert "cancelled" in window.message_label.text()
    assert _state(store) == before and left_behind() == nothing and store.verify().ok

    with qtbot.waitActive(window):
        window.activateWindow()
    window.view.setFocus()
    _press_like_a_user(window, Qt.Key.Key_A)  # the window is the user's again
    assert _state(store)[1] == "accepted"


def test_while_a_modal_preannotation_runs_the_window_changes_no_data(qtbot, make_window, store):
    window = make_window([("s1", TEXT, SUGGESTED)] + [(f"p{i}", f"{i}: {TEXT}", []) for i in range(20)],
                         open_id="s1")
    window.select_annotation("turkey")
    window.preannotate_corpus("builtin")
    assert window.preannotation.dialog.windowModality() == Qt.WindowModality.WindowModal
    _press_like_a_user(window, Qt.Key.Key_A)
    assert _state(store)[1] == "suggested"
    qtbot.waitUntil(lambda: "pre-annotation done" in window.message_label.text(), timeout=120_000)
    window.select_annotation("turkey")
    _press_like_a_user(window, Qt.Key.Key_A)
    assert _state(store)[1] == "accepted"
