"""The inspector's Actors and Notes tabs are made when first shown (ui/lazy_tab.py): clicked in
the tab bar, they show what they would have shown had they been there from the start (the
document, the selection, the comments written before), in the same place among the tabs."""
from __future__ import annotations

from PySide6.QtCore import Qt

from annotate.model import Span
from store import comments

from tests.ui.conftest import click_char

TEXT = "Turkey opposes Haftar, Ankara said on Monday."


def click_tab(qtbot, window, title: str):
    bar = window.inspector.tabBar()
    index = next(k for k in range(bar.count()) if bar.tabText(k) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert window.inspector.currentIndex() == index
    return window.inspector.currentWidget()


def test_tabs_keep_their_titles_and_order(make_window):
    window = make_window([("d1", TEXT, [])])
    titles = [window.inspector.tabText(k) for k in range(window.inspector.count())]
    assert titles == ["Entities", "Actors", "Claims", "Stances", "Relations", "Document", "Notes"]
    made = (window.notes, window.actors)  # made on demand: each takes its placeholder's place, nothing moves
    assert all(page.isVisibleTo(window.inspector) is False for page in made)
    assert [window.inspector.tabText(k) for k in range(window.inspector.count())] == titles
    assert window.inspector.indexOf(window.notes) == 6 and window.inspector.indexOf(window.actors) == 1
    assert window.inspector.currentIndex() == 0


def test_notes_tab_clicked_first_shows_the_comments_and_the_selection(qtbot, make_window):
    window = make_window([("d1", TEXT, [Span("h1", 15, 21, "PERSON")]), ("d2", "Another one.", [])])
    window.run(lambda: comments.add(window.store, "d1", "Is he PERSON?", target="h1", needs_discussion=True))
    window.open_document("d2")
    window.open_document("d1")  # the notes were never shown on either document
    click_char(qtbot, window.view, TEXT.index("Haftar") + 1)
    assert window.current == "h1"
    notes = click_tab(qtbot, window, "Notes")
    assert notes is window.notes
    assert notes.list.topLevelItemCount() == 1 and notes.list.topLevelItem(0).text(2) == "Is he PERSON?"
    assert "Haftar" in notes.target_label.text()  # a comment written now goes on the selection
    # From now on it follows the window like any tab.
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert notes.target_label.text() == "New comment on the document"
    window.open_document("d2")
    assert notes.list.topLevelItemCount() == 0


def test_actors_tab_clicked_first_shows_the_document_entities(qtbot, make_window):
    window = make_window([("d1", TEXT, [Span("t1", 0, 6, "GPE"), Span("h1", 15, 21, "PERSON")])])
    actors = click_tab(qtbot, window, "Actors")
    assert actors is window.actors
    assert {"t1", "h1"} <= set(actors.items)
    actors.items["h1"].setSelected(True)
    assert window.current == "h1"
    click_tab(qtbot, window, "Entities")
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)  # deleted while the tab is hidden
    assert click_tab(qtbot, window, "Actors") is actors and "h1" not in actors.items
