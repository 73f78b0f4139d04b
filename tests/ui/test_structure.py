"""Claims, stances and relations on the sample article, made through the real widgets."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

import main
from annotate.seeds import sample_articles
from tests.ui.conftest import click_char, drag_select

SAMPLE = sample_articles()[0].read_text(encoding="utf-8")
CTRL = Qt.KeyboardModifier.ControlModifier


def at(needle: str, context: str | None = None) -> tuple[int, int]:
    """Offsets of ``needle``, found inside the first occurrence of ``context`` when given."""
    base = SAMPLE.index(context) if context else 0
    start = SAMPLE.index(needle, base)
    return start, start + len(needle)


@pytest.fixture
def window(make_window):
    return make_window([("libya", SAMPLE, [])])


def entity(qtbot, window, needle, context, key):
    start, end = at(needle, context)
    drag_select(qtbot, window.view, start, end)
    qtbot.keyClick(window.view, key)
    return window.selected


def pair(qtbot, window, first, second):
    click_char(qtbot, window.view, window.state.spans[first].start + 1)
    click_char(qtbot, window.view, window.state.spans[second].start + 1, CTRL)
    assert window.pair == [first, second]


def test_the_worked_example_facts_then_export(qtbot, window, store, tmp_path, db_path):
    view = window.view
    # Kalın (PERSON) claims "a ceasefire in Libya would be possible ... in 2015" (prediction, check-worthy).
    kalin = entity(qtbot, window, "Kalın", "Kalın said a ceasefire", Qt.Key.Key_P)
    claim_text = "a ceasefire in Libya would be possible if everybody went back to their positions in 2015"
    drag_select(qtbot, view, *at(claim_text))
    qtbot.keyClick(view, Qt.Key.Key_C)
    dialog = window.claim_dialog
    assert dialog.isVisible() and dialog.claimant_id() == kalin  # the speaker before "said" is proposed
    dialog.type.setFocus()
    qtbot.keyClicks(dialog.type, "prediction")
    qtbot.keyClick(dialog.type, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.checkworthy, Qt.Key.Key_Space)
    assert dialog.checkworthy.isChecked()
    dialog.search.setFocus()
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert not dialog.isVisible()

    # Turkey is AGAINST Haftar: click, Ctrl-click, one key.
    turkey = entity(qtbot, window, "Turkey", "Turkey sees no role for Haftar", Qt.Key.Key_G)
    haftar = entity(qtbot, window, "Haftar", "Turkey sees no role for Haftar", Qt.Key.Key_P)
    pair(qtbot, window, turkey, haftar)
    qtbot.keyClick(view, Qt.Key.Key_A)

    # The Russian Foreign Ministry is FAVOR toward its own claim about coordinated steps.
    ministry = entity(qtbot, window, "Russian Foreign Ministry", None, Qt.Key.Key_O)
    steps = "The importance of the coordinated steps of Russia and Turkey for the political settlement of the " \
            "Libyan crisis is noted"
    drag_select(qtbot, view, *at(steps))
    qtbot.keyClick(view, Qt.Key.Key_C)
    dialog = window.claim_dialog
    qtbot.keyClicks(dialog.search, "Russian")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    steps_claim = window.selected
    # From the keyboard: select, mark, select, mark, polarity key.
    window.select_annotation(ministry)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    window.select_annotation(steps_claim)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert window.pair == [ministry, steps_claim]
    qtbot.keyClick(view, Qt.Key.Key_F)

    # Haftar -BACKED_BY-> United Arab Emirates, marked by stepping with ] from Haftar.
    haftar2 = entity(qtbot, window, "Haftar", "Haftar, a former Kadhafi", Qt.Key.Key_P)
    uae = entity(qtbot, window, "United Arab Emirates", "Haftar, a former Kadhafi", Qt.Key.Key_G)
    window.select_annotation(haftar2)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    while window.selected != uae:
        qtbot.keyClick(view, Qt.Key.Key_BracketRight)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    qtbot.keyClick(view, Qt.Key.Key_B)

    # Çavuşoğlu -ROLE_IN-> Turkey.
    cavusoglu = entity(qtbot, window, "Mevlüt Çavuşoğlu", None, Qt.Key.Key_P)
    turkey2 = entity(qtbot, window, "Turkey", "Turkey underlines", Qt.Key.Key_G)
    pair(qtbot, window, cavusoglu, turkey2)
    qtbot.keyClick(view, Qt.Key.Key_R)

    # Gaddafi -SAME_AS-> Moamer Kadhafi, chosen from the searchable list.
    gaddafi = entity(qtbot, window, "Gaddafi", "The hometown of Gaddafi", Qt.Key.Key_P)
    kadhafi = entity(qtbot, window, "Moamer Kadhafi", None, Qt.Key.Key_P)
    pair(qtbot, window, gaddafi, kadhafi)
    qtbot.keyClick(view, Qt.Key.Key_Slash)
    picker = window.relation_picker
    combo = picker.findChild(type(window.corpus.filter))
    combo.setCurrentText("SAME_AS")
    qtbot.keyClick(combo, Qt.Key.Key_Return)

    assert window.last_error == ""
    out = tmp_path / "facts.jsonl"
    store.conn.execute("PRAGMA wal_checkpoint")
    assert main.main(["export", "--db", str(db_path), "--out", str(out)]) == 0
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    text = record["text"]
    entities = {e["id"]: e for e in record["entities"]}
    surface = {i: text[e["start"]:e["end"]] for i, e in entities.items()}
    assert (surface[kalin], entities[kalin]["label"]) == ("Kalın", "PERSON")

    claims = {c["id"]: c for c in record["claims"]}
    kalin_claim = next(c for c in claims.values() if text[c["start"]:c["end"]] == claim_text)
    assert (kalin_claim["claimant"], kalin_claim["type"], kalin_claim["checkworthy"]) == (kalin, "prediction", True)
    assert text[claims[steps_claim]["start"]:claims[steps_claim]["end"]] == steps
    assert claims[steps_claim]["claimant"] == ministry

    stances = {(s["holder"], s["target"]): s["polarity"] for s in record["stances"]}
    assert stances == {(turkey, haftar): "AGAINST", (ministry, steps_claim): "FAVOR"}
    assert surface[turkey] == "Turkey" and surface[haftar] == "Haftar"
    assert surface[ministry] == "Russian Foreign Ministry"

    relations = {(surface[r["head"]], r["label"], surface[r["tail"]]) for r in record["relations"]}
    assert relations == {("Haftar", "BACKED_BY", "United Arab Emirates"), ("Mevlüt Çavuşoğlu", "ROLE_IN", "Turkey"),
                         ("Gaddafi", "SAME_AS", "Moamer Kadhafi")}
    assert all(e["start"] == SAMPLE.index(surface[i], e["start"]) for i, e in entities.items())
    assert store.verify().ok


def test_deleting_a_referenced_entity_asks_and_undo_restores_everything(qtbot, window, store):
    view = window.view
    turkey = entity(qtbot, window, "Turkey", "Turkey sees no role for Haftar", Qt.Key.Key_G)
    haftar = entity(qtbot, window, "Haftar", "Turkey sees no role for Haftar", Qt.Key.Key_P)
    pair(qtbot, window, turkey, haftar)
    qtbot.keyClick(view, Qt.Key.Key_A)
    uae = entity(qtbot, window, "UAE", "Kalın accused the UAE", Qt.Key.Key_G)
    pair(qtbot, window, haftar, uae)
    qtbot.keyClick(view, Qt.Key.Key_B)

    window.select_annotation(haftar)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    box = window.confirm_box
    assert box.isVisible()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
    assert haftar in {s.id for s in store.annotations("libya").spans}

    qtbot.keyClick(view, Qt.Key.Key_Delete)
    qtbot.mouseClick(window.confirm_box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    ann = store.annotations("libya")
    assert haftar not in {s.id for s in ann.spans}
    assert ann.stances == [] and ann.relations == []  # nothing left dangling

    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    ann = store.annotations("libya")
    assert haftar in {s.id for s in ann.spans}
    assert len(ann.stances) == 1 and len(ann.relations) == 1
    assert window.inspector.relations.count() == 1


def test_relation_constraints_are_enforced_with_a_clear_message(qtbot, window, store):
    view = window.view
    date = entity(qtbot, window, "June 20", None, Qt.Key.Key_D)
    ministry = entity(qtbot, window, "Russian Foreign Ministry", None, Qt.Key.Key_O)
    pair(qtbot, window, date, ministry)
    qtbot.keyClick(view, Qt.Key.Key_R)  # ROLE_IN goes from a PERSON
    assert "ROLE_IN goes from PERSON" in window.last_error and "not from DATE to ORG" in window.last_error
    assert store.annotations("libya").relations == []


def test_inspector_rows_select_annotations_and_edit_them(qtbot, window, store):
    view = window.view
    turkey = entity(qtbot, window, "Turkey", "Turkey sees no role for Haftar", Qt.Key.Key_G)
    haftar = entity(qtbot, window, "Haftar", "Turkey sees no role for Haftar", Qt.Key.Key_P)
    pair(qtbot, window, turkey, haftar)
    qtbot.keyClick(view, Qt.Key.Key_U)  # NEUTRAL
    [stance] = store.annotations("libya").stances
    stances = window.inspector.stances
    assert stances.text(stance.id, 1) == "NEUTRAL" and stances.text(stance.id, 0).startswith("Turkey → Haftar")
    window.inspector.setCurrentWidget(stances)
    qtbot.mouseClick(stances.viewport(), Qt.MouseButton.LeftButton,
                     pos=stances.visualRect(stances.index_of(stance.id)).center())
    assert window.current == stance.id and view.selected is None
    qtbot.keyClick(view, Qt.Key.Key_E, CTRL)
    dialog = window.stance_dialog
    combo = dialog.findChildren(type(window.corpus.filter))[0]
    combo.setCurrentText("AGAINST")
    dialog.accept()
    assert store.annotations("libya").stances[0].polarity == "AGAINST"
    assert stances.text(stance.id, 1) == "AGAINST"
    # and back from the text: selecting an entity selects its row
    window.select_annotation(turkey)
    assert window.inspector.entities.selected_id() == turkey
