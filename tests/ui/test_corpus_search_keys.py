"""Ctrl+F, a few letters, Enter opens the document found, by the keys alone: Up and Down in
the search box move through the documents it found, Enter opens the one chosen (the first when
none is) and gives the keys back to the article. Before, Enter and the arrows did nothing there
and the list itself takes no keyboard focus, so a document found could only be opened with the
mouse."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

CTRL = Qt.KeyboardModifier.ControlModifier


def find(qtbot, window, typed: str, expected: list[str]):
    qtbot.keyClick(window.view, Qt.Key.Key_F, CTRL)
    search = window.corpus.search
    assert QApplication.focusWidget() is search
    # Ctrl+F selects what was searched before, so what is typed replaces it (it was added to it).
    assert search.selectedText() == search.text()
    qtbot.keyClicks(search, typed)
    qtbot.waitUntil(lambda: [r.id for r in window.corpus.model.rows] == expected, timeout=3000)
    return search


def test_enter_opens_the_document_found_and_the_arrows_choose_among_them(qtbot, make_window, store):
    window = make_window([("intro", "Nothing here about the people below.", []),
                          ("tr", "Mevlüt Çavuşoğlu met İbrahim Kalın in Ankara.", []),
                          ("ly", "Khalifa Haftar spoke in Benghazi.", []),
                          ("ru", "Çavuşoğlu and Lavrov spoke by phone.", [])])
    assert window.state.id == "intro"
    search = find(qtbot, window, "cavusoglu", ["tr", "ru"])
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert window.state.id == "tr"
    assert QApplication.focusWidget() is window.view
    # The arrows move from the open document's row; Enter opens the one they reached.
    search = find(qtbot, window, "spoke", ["ly", "ru"])
    qtbot.keyClick(search, Qt.Key.Key_Down)
    qtbot.keyClick(search, Qt.Key.Key_Down)
    qtbot.keyClick(search, Qt.Key.Key_Down)  # held at the last row
    assert window.state.id == "tr"  # moving through the list opens nothing
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert window.state.id == "ru"
    assert QApplication.focusWidget() is window.view
    search = find(qtbot, window, "spoke", ["ly", "ru"])
    qtbot.keyClick(search, Qt.Key.Key_Up)
    qtbot.keyClick(search, Qt.Key.Key_Enter)
    assert window.state.id == "ly"
    # A search that finds nothing opens nothing.
    search = find(qtbot, window, "zzzz", [])
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert window.state.id == "ly" and window.last_error == ""
