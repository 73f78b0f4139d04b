"""Every label of the default schema has a key, the label palette (;, a few letters, Enter)
reaches any label, and the claim dialog sets type and check-worthiness with one key each: all
driven through the real window's keys."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotate.model import CLAIM, ENTITY
from annotate.seeds import sample_articles
from tests.ui.conftest import drag_select
from ui.label_palette import rank

SAMPLE = sample_articles()[0].read_text(encoding="utf-8")
CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier


@pytest.fixture
def window(make_window):
    return make_window([("libya", SAMPLE, [])])


def entities(store) -> list[tuple[str, str]]:
    return sorted((SAMPLE[s.start:s.end], s.label) for s in store.annotations("libya").spans
                  if s.layer == ENTITY and s.decision != "rejected")


def open_palette(qtbot, window):
    # Window keys reach the window once it is active again: offscreen, no window manager gives
    # activation back when a dialog closes.
    if QApplication.activeWindow() is not window:
        with qtbot.waitActive(window):
            window.activateWindow()
    qtbot.keyClick(window.view, Qt.Key.Key_Semicolon)
    qtbot.waitUntil(lambda: window.label_palette is not None and window.label_palette.isVisible())
    return window.label_palette


def test_every_default_label_has_a_key_of_its_own_and_the_key_labels(qtbot, window, store):
    keys = {label: window.keymap.keys.get(f"label.{label}", []) for label in window.schema.entity_labels}
    assert all(keys.values()), [label for label, bound in keys.items() if not bound]
    firsts = [bound[0] for bound in keys.values()]
    assert len(set(firsts)) == len(firsts)
    assert not window.keymap.dropped
    # A key for each label that had none before, pressed on selected text.
    for needle, label in (("Ankara", "FAC"), ("two", "CARDINAL"), ("June 20", "TIME")):
        start = SAMPLE.index(needle)
        drag_select(qtbot, window.view, start, start + len(needle))
        key = window.keymap.keys[f"label.{label}"][0]
        qtbot.keyClick(window.view, getattr(Qt.Key, f"Key_{key}"))
        assert (needle, label) in entities(store)
    # The label bar shows each label's key.
    button = window.label_bar.widgetForAction(window.label_actions["CARDINAL"])
    assert button.text().split() == ["CARDINAL", "1"]


def test_the_palette_reaches_any_label_by_a_few_letters(qtbot, window, store):
    start = SAMPLE.index("Sirte")
    drag_select(qtbot, window.view, start, start + len("Sirte"))
    palette = open_palette(qtbot, window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is palette.search)
    assert palette.choices.count() == len(window.schema.entities)
    qtbot.keyClicks(palette.search, "woa")  # the initials of WORK_OF_ART
    assert palette.current_label() == "WORK_OF_ART"
    palette.search.clear()
    qtbot.keyClicks(palette.search, "la")
    assert palette.current_label() == "LAW"
    qtbot.keyClick(palette.search, Qt.Key.Key_Down)  # the next match, by the keys alone
    assert palette.current_label() == "LANGUAGE"
    qtbot.keyClick(palette.search, Qt.Key.Key_Up)
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert not palette.isVisible()
    assert ("Sirte", "LAW") in entities(store)
    # With the entity selected, the palette relabels it; Escape leaves it as it was.
    open_palette(qtbot, window)
    qtbot.keyClicks(window.label_palette.search, "gpe")
    qtbot.keyClick(window.label_palette.search, Qt.Key.Key_Return)
    assert ("Sirte", "GPE") in entities(store)
    open_palette(qtbot, window)
    qtbot.keyClicks(window.label_palette.search, "per")
    qtbot.keyClick(window.label_palette.search, Qt.Key.Key_Escape)
    assert ("Sirte", "GPE") in entities(store) and not window.label_palette.isVisible()


def test_palette_matching_order():
    assert rank("art", "WORK_OF_ART") == 1 and rank("wo", "WORK_OF_ART") == 0
    assert rank("woa", "WORK_OF_ART") == 2 and rank("rk_o", "WORK_OF_ART") == 3
    assert rank("airport", "FAC", "Buildings, airports, highways") == 4
    assert rank("zz", "ORG") is None
    assert rank("é", "ÉVÉNEMENT") == 0  # accents and case are ignored


def test_claim_type_and_check_worthiness_are_one_key_each(qtbot, window, store):
    claim = "a ceasefire in Libya would be possible if everybody went back to their positions in 2015"
    start = SAMPLE.index(claim)
    drag_select(qtbot, window.view, start, start + len(claim))
    qtbot.keyClick(window.view, Qt.Key.Key_C)
    dialog = window.claim_dialog
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.search)
    assert dialog.type_keys["prediction"] == "Alt+P"
    qtbot.keyClick(dialog.search, Qt.Key.Key_P, ALT)
    assert dialog.type.currentText() == "prediction"
    qtbot.keyClick(dialog.search, Qt.Key.Key_C, ALT)
    qtbot.waitUntil(dialog.checkworthy.isChecked)  # a mnemonic clicks the box after a short animation
    qtbot.keyClick(dialog.search, Qt.Key.Key_A, ALT)  # changed mind: an accusation
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    [stored] = [s for s in store.annotations("libya").spans if s.layer == CLAIM]
    assert (stored.claim_type, stored.checkworthy) == ("accusation", True)


def test_the_add_label_dialog_offers_a_colour_that_keeps_the_distance(qtbot, window):
    from annotate import palette
    window.actions_by_id["schema.add_label"].trigger()
    dialog = window.add_label_dialog
    offered = dialog.colour
    assert offered not in {e.color for e in window.schema.entities}
    assert min(palette.distance(offered, e.color) for e in window.schema.entities) >= palette.MIN_DISTANCE
    assert dialog.colour_note.text() == ""
    # A colour chosen by hand close to a label's is named, for whom it is hard to tell apart.
    dialog.colour = "#44AA99"  # what QColorDialog would give
    dialog._show_colour()
    assert "Hard to tell from" in dialog.colour_note.text()
    dialog.reject()
