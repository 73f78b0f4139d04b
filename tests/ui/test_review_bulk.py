"""Issue 17 in the window, driven by keys and the mouse: label every occurrence, accept by label
or score, entities as actors (merge, split, accept a group), J over suggested links and groups,
least certain first, and the Actors tab."""
from __future__ import annotations

from PySide6.QtCore import Qt

from annotate.model import AnnotatedDocument, Annotations, Cluster, Document, Relation, Span, Stance
from tests.ui.conftest import click_char

TEXT = "Libya and Egypt met. Khalifa Haftar said Libya would win. Haftar thanked Egypt and Libya."
CTRL, SHIFT, ALT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier,
                    Qt.KeyboardModifier.AltModifier)


def at(needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(needle, start + 1)
    return start, start + len(needle)


def s(span_id, needle, label, nth=0, **kw):
    return Span(span_id, *at(needle, nth), label, origin="model:test@1", decision="suggested", **kw)


def open_window(qtbot, store, annotations: Annotations):
    from ui.main_window import MainWindow
    store.import_documents([AnnotatedDocument(Document("d", TEXT, {"title": "d"}), annotations)],
                           as_suggestions=True, origin="model:test@1")
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    window.open_document("d")
    window.view.setFocus()
    return window


def spans(store):
    return {x.id: x for x in store.annotations("d").spans}


def test_label_every_occurrence_shows_the_count_then_labels_them_in_one_undo_step(qtbot, store):
    window = open_window(qtbot, store, Annotations([s("l1", "Libya", "GPE", score=0.9),
                                                    s("l2", "Libya", "ORG", 1, score=0.5)]))
    click_char(qtbot, window.view, at("Libya")[0] + 1)
    assert window.selected == "l1"
    qtbot.keyClick(window.view, Qt.Key.Key_L, CTRL)
    assert "2 other occurrence(s) of “Libya”" in window.message_label.text()
    assert all(x.decision == "suggested" for x in spans(store).values()), "the first press only counts"
    qtbot.keyClick(window.view, Qt.Key.Key_L, CTRL)
    gold = sorted((x.start, x.label) for x in spans(store).values() if x.is_gold)
    assert gold == [(at("Libya", k)[0], "GPE") for k in range(3)]
    assert all(x.annotator == "tester" for x in spans(store).values() if x.is_gold)
    assert window.undo_action.text() == "&Undo label every occurrence"
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert {x.id: x.decision for x in spans(store).values()} == {"l1": "suggested", "l2": "suggested"}
    assert store.verify().ok


def test_another_key_between_the_two_presses_cancels(qtbot, store):
    window = open_window(qtbot, store, Annotations([s("l1", "Libya", "GPE")]))
    click_char(qtbot, window.view, at("Libya")[0] + 1)
    qtbot.keyClick(window.view, Qt.Key.Key_L, CTRL)
    qtbot.keyClick(window.view, Qt.Key.Key_BracketRight)  # step to the next annotation
    click_char(qtbot, window.view, at("Libya")[0] + 1)
    qtbot.keyClick(window.view, Qt.Key.Key_L, CTRL)
    assert not any(x.is_gold for x in spans(store).values())


def test_accept_all_of_a_label_and_above_a_score(qtbot, store):
    window = open_window(qtbot, store, Annotations([s("l1", "Libya", "GPE", score=0.9), s("e1", "Egypt", "GPE", score=0.3),
                                                    s("h1", "Khalifa Haftar", "PERSON", score=0.85)]))
    click_char(qtbot, window.view, at("Egypt")[0] + 1)
    qtbot.keyClick(window.view, Qt.Key.Key_A, CTRL | ALT)
    assert "2 GPE suggestion(s) left" in window.message_label.text()
    qtbot.keyClick(window.view, Qt.Key.Key_A, CTRL | ALT)
    assert {k: v.decision for k, v in spans(store).items()} == {"l1": "accepted", "e1": "accepted", "h1": "suggested"}
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(window.view, Qt.Key.Key_S, CTRL | ALT)
    dialog = window.score_dialog
    assert dialog.isVisible() and "2 suggestion(s) scored 0.80" in dialog.labelText()
    dialog.setDoubleValue(0.88)
    assert "1 suggestion(s) scored 0.88" in dialog.labelText()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert {k: v.decision for k, v in spans(store).items()} == {"l1": "accepted", "e1": "suggested", "h1": "suggested"}


def test_merge_split_and_accept_entity_groups_by_key(qtbot, store):
    window = open_window(qtbot, store, Annotations(
        [s("h1", "Khalifa Haftar", "PERSON", cluster="g1"), s("h2", "Haftar", "PERSON", 1, cluster="g1"),
         s("l1", "Libya", "GPE"), s("l2", "Libya", "GPE", 1), s("e1", "Egypt", "GPE", cluster="g1")],
        clusters=[Cluster("g1", "model:test@1", "suggested", score=0.8)]))
    view = window.view
    click_char(qtbot, view, at("Libya")[0] + 1)
    click_char(qtbot, view, at("Libya", 1)[0] + 1, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Equal)
    stored = spans(store)
    assert stored["l1"].cluster is not None and stored["l1"].cluster == stored["l2"].cluster
    click_char(qtbot, view, at("Egypt")[0] + 1)
    assert "entity “Khalifa Haftar”, 3 mentions" in window.message_label.text()
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert spans(store)["e1"].cluster is None
    click_char(qtbot, view, at("Haftar", 1)[0] + 1)
    qtbot.keyClick(view, Qt.Key.Key_G, CTRL)
    assert store.annotations("d").clusters[0].decision == "accepted"
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert all(x.cluster == ("g1" if x.id in ("h1", "h2", "e1") else None) for x in spans(store).values())
    assert store.verify().ok


def test_j_visits_suggested_relations_stances_and_groups_and_a_x_decide_them(qtbot, store):
    window = open_window(qtbot, store, Annotations(
        [s("h1", "Khalifa Haftar", "PERSON", cluster="g1"), s("h2", "Haftar", "PERSON", 1, cluster="g1"),
         s("e1", "Egypt", "GPE")],
        [Stance("st", "h2", "e1", "FAVOR", origin="model:test@1", decision="suggested")],
        [Relation("r1", "h1", "e1", "BACKED_BY", origin="model:test@1", decision="suggested", score=0.6)],
        clusters=[Cluster("g1", "model:test@1", "suggested")]))
    view = window.view
    visited = []
    for _ in range(6):
        qtbot.keyClick(view, Qt.Key.Key_J)
        visited.append(window.current)
    assert {"r1", "st", "g1", "h1", "h2", "e1"} <= set(visited)
    while window.current != "r1":
        qtbot.keyClick(view, Qt.Key.Key_J)
    assert "suggestion: A accept, X reject" in window.message_label.text()
    qtbot.keyClick(view, Qt.Key.Key_A)
    while window.current != "st":
        qtbot.keyClick(view, Qt.Key.Key_J)
    qtbot.keyClick(view, Qt.Key.Key_X)
    while window.current != "g1":
        qtbot.keyClick(view, Qt.Key.Key_J)
    qtbot.keyClick(view, Qt.Key.Key_A)
    ann = store.annotations("d")
    assert (ann.relations[0].decision, ann.stances[0].decision, ann.clusters[0].decision) == \
        ("accepted", "rejected", "accepted")


def test_least_certain_first(qtbot, store):
    window = open_window(qtbot, store, Annotations([s("l1", "Libya", "GPE", score=0.9), s("e1", "Egypt", "GPE", score=0.3),
                                                    s("h1", "Khalifa Haftar", "PERSON", score=0.6)]))
    qtbot.keyClick(window.view, Qt.Key.Key_U, CTRL | SHIFT)
    assert window.uncertain_first_action.isChecked()
    order = []
    for _ in range(3):
        qtbot.keyClick(window.view, Qt.Key.Key_J)
        order.append(window.current)
    assert order == ["e1", "h1", "l1"]
    qtbot.keyClick(window.view, Qt.Key.Key_J)  # round again to the least certain
    assert window.current == "e1"
    qtbot.keyClick(window.view, Qt.Key.Key_X)  # reject it: the next least certain is selected
    assert window.current == "h1"


def test_the_actors_tab_folds_mentions_claims_and_stances_under_each_entity(qtbot, store):
    claim = Span("c1", *at("Libya would win"), "CLAIM", "claim", origin="model:test@1", decision="suggested",
                 claimant="h2", claim_type="prediction")
    window = open_window(qtbot, store, Annotations(
        [s("h1", "Khalifa Haftar", "PERSON", cluster="g1"), s("h2", "Haftar", "PERSON", 1, cluster="g1"),
         s("e1", "Egypt", "GPE"), claim],
        [Stance("st", "h1", "e1", "FAVOR", origin="model:test@1", decision="suggested")],
        clusters=[Cluster("g1", "model:test@1", "suggested")]))
    window.inspector.setCurrentWidget(window.actors)
    tree = window.actors
    top = tree.items["g1"]
    children = [top.child(k).text(0) for k in range(top.childCount())]
    assert top.text(0) == "Khalifa Haftar" and top.text(2) == "2"
    assert any(c.startswith("claims: Libya would win") for c in children)
    assert any(c.startswith("FAVOR Egypt") for c in children)
    tree.items["h2"].setSelected(True)
    assert window.current == "h2"
    qtbot.keyClick(window.view, Qt.Key.Key_Minus)  # the tab follows the change
    assert "g1" not in window.actors.items


def test_the_corpus_ordered_by_uncertainty_or_by_disagreement(qtbot, store, db_path):
    from store import Store
    from ui.main_window import MainWindow
    texts = {"calm": "Libya met Egypt.", "unsure": "Libya met Egypt.", "argued": "Haftar met Egypt."}
    scores = {"calm": 0.9, "unsure": 0.2, "argued": None}
    store.import_documents([AnnotatedDocument(Document(d, t, {"title": d}), Annotations(
        [Span(f"{d}1", 0, 5, "GPE", origin="model:test@1", decision="suggested", score=scores[d])]
        if scores[d] else [])) for d, t in texts.items()], as_suggestions=True, origin="model:test@1")
    store.add_entity("argued", 0, 6, "PERSON")
    with Store.open(str(db_path), "ben") as ben:
        ben.add_entity("argued", 0, 6, "ORG")
        ben.add_entity("argued", 11, 16, "GPE")
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    panel = window.corpus
    assert [row.id for row in panel.model.rows] == ["calm", "unsure", "argued"]
    qtbot.keyClick(panel.order, Qt.Key.Key_Down)
    assert panel.order.currentData() == "uncertain"
    assert [row.id for row in panel.model.rows] == ["unsure", "calm"]
    qtbot.keyClick(panel.order, Qt.Key.Key_Down)
    assert [row.id for row in panel.model.rows] == ["argued"]
    qtbot.keyClick(panel.order, Qt.Key.Key_Home)
    assert [row.id for row in panel.model.rows] == ["calm", "unsure", "argued"]


def test_label_every_occurrence_in_the_corpus_with_shift(qtbot, store):
    other = "Egypt said Libya and Haftar talked. Libyan oil."
    store.import_documents([AnnotatedDocument(Document("other", other, {"title": "other"}), Annotations(
        [Span("o1", other.index("Libya"), other.index("Libya") + 5, "ORG", origin="model:test@1",
              decision="suggested")]))], as_suggestions=True, origin="model:test@1")
    window = open_window(qtbot, store, Annotations([s("l1", "Libya", "GPE")]))
    click_char(qtbot, window.view, at("Libya")[0] + 1)
    qtbot.keyClick(window.view, Qt.Key.Key_L, CTRL | SHIFT)
    assert "3 other occurrence(s) of “Libya” in 2 document(s)" in window.message_label.text()
    assert not any(x.is_gold for x in store.annotations("other").spans), "the first press only counts"
    qtbot.keyClick(window.view, Qt.Key.Key_L, CTRL | SHIFT)
    # The other document: its ORG suggestion corrected to GPE; "Libyan" is not on a token boundary.
    gold = sorted((x.start, x.label, x.annotator) for x in store.annotations("other").spans if x.is_gold)
    assert gold == [(other.index("Libya"), "GPE", "tester")]
    assert sorted(x.start for x in spans(store).values() if x.is_gold) == [at("Libya", k)[0] for k in range(3)]
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert not any(x.is_gold for x in store.annotations("other").spans)
    assert store.verify().ok


def test_an_entity_with_a_description_is_shown_by_its_name(qtbot, store):
    from annotate.model import Annotations as A
    described = Span("dsc", *at("Khalifa Haftar"), "PERSON", origin="model:test@1", decision="suggested",
                     cluster="g1", attrs={"mention": "description"})
    # The description here is the longest mention: "Khalifa Haftar" must still name the entity.
    described.start, described.end = at("Khalifa Haftar said Libya would win")
    window = open_window(qtbot, store, A([s("h1", "Khalifa Haftar", "PERSON", cluster="g1"), described,
                                          s("h2", "Haftar", "PERSON", 1, cluster="g1")],
                                         clusters=[Cluster("g1", "model:test@1", "suggested")]))
    click_char(qtbot, window.view, at("Haftar", 1)[0] + 1)
    assert "entity “Khalifa Haftar”, 3 mentions" in window.message_label.text()
    window.inspector.setCurrentWidget(window.actors)
    assert window.actors.items["g1"].text(0) == "Khalifa Haftar"


def test_reject_a_suggested_group_by_key_frees_its_mentions_and_undo_brings_it_back(qtbot, store):
    window = open_window(qtbot, store, Annotations(
        [s("h1", "Khalifa Haftar", "PERSON", cluster="g1"), s("h2", "Haftar", "PERSON", 1, cluster="g1"),
         s("e1", "Egypt", "GPE", cluster="g1")], clusters=[Cluster("g1", "model:test@1", "suggested")]))
    view = window.view
    click_char(qtbot, view, at("Egypt")[0] + 1)
    assert "entity “Khalifa Haftar”, 3 mentions (suggested group" in window.message_label.text()
    qtbot.keyClick(view, Qt.Key.Key_G, CTRL | SHIFT)
    ann = store.annotations("d")
    assert ann.clusters[0].decision == "rejected" and ann.clusters[0].annotator == "tester"
    assert all(x.cluster is None for x in ann.spans), "its mentions stand alone"
    assert all(x.decision == "suggested" for x in ann.spans), "the mentions themselves are not decided"
    window.inspector.setCurrentWidget(window.actors)
    assert "g1" not in window.actors.items
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    ann = store.annotations("d")
    assert ann.clusters[0].decision == "suggested" and {x.cluster for x in ann.spans} == {"g1"}
    assert "g1" in window.actors.items
    assert store.verify().ok
