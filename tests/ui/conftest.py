"""Fixtures for driving the real window headless."""
from __future__ import annotations

import pytest

from annotate.model import AnnotatedDocument, Annotations, Document, Span


@pytest.fixture(autouse=True)
def _deleted_after_each_test(qapp):
    """Widgets a test's teardown handed to deleteLater (a closed window, its progress dialog) are
    deleted before the next test. Left for the next test's first event loop, an offscreen dialog
    that was the active window takes the activation with it when it goes, from whichever window
    that test has just activated (random order found it: a window closed during an import, then
    the adjudication view never active)."""
    yield
    from PySide6.QtCore import QCoreApplication, QEvent
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


@pytest.fixture
def make_window(qtbot, store):
    """Open the window on documents (text, suggestions) added to the test database."""
    from ui.after_paint import first_paint_over
    from ui.main_window import MainWindow

    def make(docs: list[tuple[str, str, list[Span]]], open_id: str | None = None) -> MainWindow:
        items = [AnnotatedDocument(Document(doc_id, text, {"title": doc_id}), Annotations(list(spans)))
                 for doc_id, text, spans in docs]
        store.import_documents(items, as_suggestions=True, origin="model:test@1")
        window = MainWindow(store)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        # Window shortcuts only fire in the active window.
        with qtbot.waitActive(window):
            window.activateWindow()
        # As a person sees it: painted, and what waits for the first paint (the work clock) begun.
        qtbot.waitUntil(lambda: first_paint_over(window))
        window.open_document(open_id or docs[0][0])
        window.view.setFocus()
        return window

    return make


def scroll_to(view, offset: int) -> None:
    from PySide6.QtGui import QTextCursor
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets.to_qt(offset))
    view.setTextCursor(cursor)
    view.ensureCursorVisible()
    view.viewport().repaint()


def click_char(qtbot, view, offset: int, modifier=None):
    """Click in the middle of the character at a code-point offset."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QTextCursor
    scroll_to(view, offset)
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets.to_qt(offset))
    left = view.cursorRect(cursor)
    cursor.setPosition(view.offsets.to_qt(offset + 1))
    right = view.cursorRect(cursor)
    x = (left.x() + right.x()) // 2 if right.y() == left.y() else left.x() + 2
    point = QPoint(x, left.center().y())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier or Qt.KeyboardModifier.NoModifier, point)


def drag_select(qtbot, view, start: int, end: int):
    """Select text with the mouse from the caret before ``start`` to the caret before ``end``."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QTextCursor
    scroll_to(view, end)
    scroll_to(view, start)
    points = []
    for offset in (start, end):
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.offsets.to_qt(offset))
        rect = view.cursorRect(cursor)
        points.append(QPoint(rect.x() + 1, rect.center().y()))
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=points[0])
    qtbot.mouseMove(view.viewport(), points[1])
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=points[1])
