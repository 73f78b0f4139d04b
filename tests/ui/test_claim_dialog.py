"""The claim dialog, driven by keys on the sample article: it shows the claim's real claimant
(any mention of a name), proposes the nearest cue's speaker, writes only what the person
changed, and a claim is stored on OK as one action (Cancel leaves nothing)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotate.model import CLAIM, Span
from annotate.seeds import sample_articles
from tests.ui.conftest import drag_select

SAMPLE = sample_articles()[0].read_text(encoding="utf-8")
CTRL = Qt.KeyboardModifier.ControlModifier
BEST_WAY = "the best way to end the conflict in Libya is a political solution but without General Khalifa Haftar’s presence"
POSITION = ("This is the position of the GNA, and we support it because right now the Haftar forces are using "
            "these strategic locations as their launching pad")


def at(needle: str, context: str | None = None) -> tuple[int, int]:
    start = SAMPLE.index(needle, SAMPLE.index(context) if context else 0)
    return start, start + len(needle)


@pytest.fixture
def window(make_window):
    return make_window([("libya", SAMPLE, [])])


def entity(qtbot, window, needle, context, key=Qt.Key.Key_P) -> str:
    drag_select(qtbot, window.view, *at(needle, context))
    qtbot.keyClick(window.view, key)
    return window.selected


def claims(store) -> list[Span]:
    return [s for s in store.annotations("libya").spans if s.layer == CLAIM]


def press_c_on(qtbot, window, needle):
    drag_select(qtbot, window.view, *at(needle))
    qtbot.keyClick(window.view, Qt.Key.Key_C)
    dialog = window.claim_dialog
    assert dialog.isVisible()
    return dialog


def test_a_claimant_that_is_a_later_mention_is_shown_and_kept_when_only_the_type_changes(qtbot, window, store):
    entity(qtbot, window, "Haftar", "Haftar’s forces")  # the first PERSON in the text: row 0
    entity(qtbot, window, "Çavuşoğlu", "Çavuşoğlu earlier told")
    later = entity(qtbot, window, "Çavuşoğlu", "Çavuşoğlu reiterated")

    dialog = press_c_on(qtbot, window, BEST_WAY)
    assert dialog.claimant_id() == later  # "Çavuşoğlu reiterated that ...": this very mention
    assert dialog.choices.currentItem().text().startswith("Çavuşoğlu")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    [claim] = claims(store)
    assert claim.claimant == later

    window.select_annotation(claim.id)
    qtbot.keyClick(window.view, Qt.Key.Key_E, CTRL)
    dialog = window.claim_dialog
    assert dialog.isVisible() and dialog.claimant_id() == later
    dialog.type.setFocus()
    qtbot.keyClicks(dialog.type, "prediction")
    qtbot.keyClick(dialog.type, Qt.Key.Key_Return)
    [edited] = claims(store)
    assert (edited.claim_type, edited.claimant, edited.claimant_text, edited.checkworthy) == \
        ("prediction", later, None, claim.checkworthy)
    assert list(store.events("libya"))[-1].action == "edit claim"


def test_ok_without_changes_writes_nothing(qtbot, window, store):
    kalin = entity(qtbot, window, "Kalın", "Kalın said a ceasefire")
    dialog = press_c_on(qtbot, window, "a ceasefire in Libya would be possible")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    [claim] = claims(store)
    events = len(list(store.events("libya")))
    window.select_annotation(claim.id)
    qtbot.keyClick(window.view, Qt.Key.Key_E, CTRL)
    qtbot.keyClick(window.claim_dialog.search, Qt.Key.Key_Return)
    assert claims(store) == [claim] and claim.claimant == kalin and claim.checkworthy is None
    assert len(list(store.events("libya"))) == events


def test_he_said_after_a_quotation_proposes_the_last_speaker_not_a_name_in_the_quotation(qtbot, window, store):
    entity(qtbot, window, "Haftar", "Haftar’s forces")
    kalin = entity(qtbot, window, "Kalın", "Kalın said a ceasefire")
    entity(qtbot, window, "Haftar", "That would mean Haftar")
    entity(qtbot, window, "Haftar", "the Haftar forces")  # inside the quotation, just before "he said"
    dialog = press_c_on(qtbot, window, POSITION)
    assert dialog.claimant_id() == kalin
    assert "Kalın" in dialog.proposal_note.text()
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert [c.claimant for c in claims(store)] == [kalin]


def test_without_a_cue_nothing_is_proposed_and_ok_sets_no_claimant(qtbot, window, store):
    entity(qtbot, window, "Haftar", "Haftar’s forces")
    dialog = press_c_on(qtbot, window, "Turkey sees no role for Haftar in Libya's future")
    assert dialog.choices.currentItem().text() == "No claimant"
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    [claim] = claims(store)
    assert claim.claimant is None and claim.claimant_text is None


def test_search_ignores_accents_and_case(qtbot, window, store):
    entity(qtbot, window, "Haftar", "Haftar’s forces")
    kalin = entity(qtbot, window, "İbrahim Kalın", None)
    cavusoglu = entity(qtbot, window, "Mevlüt Çavuşoğlu", None)
    dialog = press_c_on(qtbot, window, "Sirte and Al-Jufra should be evacuated by Haftar’s LNA forces")
    qtbot.keyClicks(dialog.search, "kalin")  # as typed on any keyboard
    assert dialog.choices.currentItem().text().startswith("İbrahim Kalın")
    assert dialog.claimant_id() == kalin
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "CAVUSOGLU")
    assert dialog.claimant_id() == cavusoglu
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "ibrahim")  # a dotted capital İ folds to i
    assert dialog.claimant_id() == kalin
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert [c.claimant for c in claims(store)] == [kalin]


@pytest.mark.parametrize("how", ["escape", "cancel"])
def test_c_stores_nothing_until_ok_and_the_claim_is_one_undo_step(qtbot, window, store, how):
    kalin = entity(qtbot, window, "Kalın", "Kalın said a ceasefire")
    events = len(list(store.events("libya")))
    undo_label = store.undo_status().undo_label
    dialog = press_c_on(qtbot, window, "a ceasefire in Libya would be possible")
    assert claims(store) == []  # nothing yet: the dialog comes first
    if how == "escape":
        qtbot.keyClick(dialog.search, Qt.Key.Key_Escape)
    else:
        from PySide6.QtWidgets import QDialogButtonBox
        cancel = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert claims(store) == [] and len(list(store.events("libya"))) == events
    assert store.undo_status().undo_label == undo_label

    dialog = press_c_on(qtbot, window, "a ceasefire in Libya would be possible")
    qtbot.keyClick(dialog.checkworthy, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    [claim] = claims(store)
    assert (claim.claimant, claim.checkworthy) == (kalin, True)
    assert len(list(store.events("libya"))) == events + 1  # claim, claimant and check-worthiness: one action
    assert window.selected == claim.id
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert claims(store) == []
    assert kalin in {s.id for s in store.annotations("libya").spans}


def test_ctrl_e_on_a_suggested_claim_records_a_correction(qtbot, make_window, store):
    start, end = at("a ceasefire in Libya would be possible if everybody went back to their positions in 2015")
    kalin_at = at("Kalın", "Kalın said a ceasefire")
    window = make_window([("libya", SAMPLE, [
        Span("m-kalin", *kalin_at, "PERSON"),
        Span("m-claim", start, end, "CLAIM", CLAIM, claimant="m-kalin", claim_type="statement")])])
    window.select_annotation("m-claim")
    qtbot.keyClick(window.view, Qt.Key.Key_E, CTRL)
    dialog = window.claim_dialog
    assert dialog.claimant_id() == "m-kalin"
    dialog.type.setFocus()
    qtbot.keyClicks(dialog.type, "prediction")
    qtbot.keyClick(dialog.type, Qt.Key.Key_Return)
    spans = {s.id: s for s in store.annotations("libya").spans}
    assert spans["m-claim"].decision == "rejected"  # the model's version, kept as data about the model
    [mine] = [s for s in spans.values() if s.replaces == "m-claim"]
    assert (mine.decision, mine.claim_type, mine.claimant, mine.start, mine.end) == \
        ("manual", "prediction", "m-kalin", start, end)
    assert window.selected == mine.id
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    spans = {s.id: s for s in store.annotations("libya").spans}
    assert spans["m-claim"].decision == "suggested" and mine.id not in spans


def test_a_claim_made_over_a_suggested_claim_settles_it(qtbot, make_window, store):
    start, end = at("a ceasefire in Libya would be possible if everybody went back to their positions in 2015")
    window = make_window([("libya", SAMPLE, [
        Span("m-kalin", *at("Kalın", "Kalın said a ceasefire"), "PERSON"),
        Span("m-claim", start, end, "CLAIM", CLAIM, claimant="m-kalin", claim_type="statement")])])
    dialog = press_c_on(qtbot, window, "a ceasefire in Libya would be possible if everybody went back to their "
                                       "positions in 2015")
    assert dialog.claimant_id() == "m-kalin"  # what the model said, to confirm or change
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    spans = {s.id: s for s in store.annotations("libya").spans}
    assert spans["m-claim"].decision == "accepted"
    assert [s.id for s in spans.values() if s.layer == CLAIM] == ["m-claim"]
    qtbot.keyClick(window.view, Qt.Key.Key_A, CTRL | Qt.KeyboardModifier.ShiftModifier)  # accept all
    gold = [s for s in store.annotations("libya").spans if s.layer == CLAIM and s.decision != "rejected"]
    assert len(gold) == 1


def test_a_claimant_no_longer_shown_is_kept_when_only_the_type_changes(qtbot, make_window, store):
    """A file from before rejecting cleared claimants: the claim's claimant is a rejected entity."""
    from annotate.model import AnnotatedDocument, Annotations, Document
    start, end = at("a ceasefire in Libya would be possible")
    store.import_documents([AnnotatedDocument(Document("libya", SAMPLE), Annotations([
        Span("e-haftar", *at("Haftar", "Haftar’s forces"), "PERSON", decision="manual"),
        Span("e-kalin", *at("Kalın", "Kalın said a ceasefire"), "PERSON", decision="rejected"),
        Span("c1", start, end, "CLAIM", CLAIM, decision="manual", claimant="e-kalin", claim_type="statement")]))])
    window = make_window([("other", "Nothing here.", [])], open_id="other")
    window.open_document("libya")
    window.select_annotation("c1")
    qtbot.keyClick(window.view, Qt.Key.Key_E, CTRL)
    dialog = window.claim_dialog
    assert dialog.claimant_id() == "e-kalin"
    dialog.type.setFocus()
    qtbot.keyClicks(dialog.type, "prediction")
    qtbot.keyClick(dialog.type, Qt.Key.Key_Return)
    [claim] = claims(store)
    assert (claim.claimant, claim.claim_type) == ("e-kalin", "prediction")


def test_up_and_down_in_the_search_box_move_through_the_claimants_and_stop_at_the_ends(qtbot, window, store):
    first = entity(qtbot, window, "Haftar", "Haftar’s forces")
    second = entity(qtbot, window, "Çavuşoğlu", "Çavuşoğlu earlier told")
    dialog = press_c_on(qtbot, window, POSITION)
    names = [dialog.choices.item(row).text() for row in range(dialog.choices.count())]
    dialog.choices.setCurrentRow(0)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Up)  # held at the top
    assert dialog.choices.currentRow() == 0 and dialog.search.text() == ""
    for row in range(1, len(names)):
        qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
        assert dialog.choices.currentRow() == row
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)  # held at the bottom
    assert dialog.choices.currentRow() == len(names) - 1
    dialog.choices.setCurrentRow(0)
    assert names[0].startswith("Haftar") and names[1].startswith("Çavuşoğlu")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)  # the keys alone pick the claimant
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    [claim] = claims(store)
    assert claim.claimant == second != first
