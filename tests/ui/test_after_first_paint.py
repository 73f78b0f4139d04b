"""What the window puts off until its first paint is over (ui/after_paint.py) happens then, and
anything that needs it sooner gets the same answer: the corpus count, and the work clock's
listening for keys."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotate.model import AnnotatedDocument, Annotations, Document
from ui.after_paint import first_paint_over
from ui.session import Session


@pytest.fixture
def window(store, db_path):
    """A window opened as the program opens one, on three documents, one of them done; not yet
    shown on screen by any event."""
    store.import_documents([AnnotatedDocument(Document(f"d{i}", f"Article number {i}.", {"title": f"d{i}"}),
                                              Annotations([])) for i in range(3)])
    store.set_status("d0", "done")
    store.close()
    session = Session(given="tester")
    assert session.open(db_path)
    yield session.window
    session.close()


def test_the_corpus_is_counted_once_the_first_paint_is_over(qtbot, window):
    assert window.corpus.progress.text() == ""  # shown, not painted yet: not counted
    qtbot.waitUntil(lambda: first_paint_over(window), timeout=10_000)
    assert window.corpus.progress.text() == "1 / 3 done"
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # done, next
    assert window.corpus.progress.text() == "2 / 3 done"


def test_progress_asked_for_before_the_first_paint_counts_then(qtbot, window):
    window.done_and_next()  # before any event is processed: the count is made when needed
    assert window.corpus.progress.text() == "2 / 3 done"
    qtbot.waitUntil(lambda: first_paint_over(window), timeout=10_000)
    assert window.corpus.progress.text() == "2 / 3 done"


def test_the_work_clock_listens_once_the_first_paint_is_over(qtbot, window):
    now = [100.0]
    window.work_clock.now = lambda: now[0]
    window.work_clock.switch(window.state.id)
    qtbot.waitUntil(lambda: first_paint_over(window), timeout=10_000)
    for _ in range(2):
        now[0] += 10
        qtbot.keyClick(window.view, Qt.Key.Key_J)
    assert window.work_clock.seconds() == 20
