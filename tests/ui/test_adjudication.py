"""Two annotators, merged, adjudicated through the real widgets, exported as gold."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

import main
from annotate.model import AnnotatedDocument, Document
from store import Store

TEXT = "Turkey backed the GNA while Haftar, supported by the UAE, attacked Tripoli on Monday."


def at(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def annotator_db(path, name: str, entities: list[tuple[str, str]], relation: tuple[str, str, str] | None):
    with Store.open(str(path), name) as store:
        store.import_documents([AnnotatedDocument(Document("d1", TEXT, {"title": "Truce"}))])
        ids = {}
        for needle, label in entities:
            ids[needle] = store.add_entity("d1", *at(needle), label).created[0]
        if relation:
            head, label, tail = relation
            store.add_relation("d1", ids[head], ids[tail], label)
        store.set_status("d1", "done")


@pytest.fixture
def merged(tmp_path):
    # Known differences: both mark Turkey GPE and Haftar PERSON (agreed) and Haftar BACKED_BY UAE;
    # ana labels GNA ORG, ben does not mark it; ana says Tripoli GPE, ben LOC (conflict);
    # ben alone marks "Monday" DATE.
    annotator_db(tmp_path / "ana.db", "ana", [("Turkey", "GPE"), ("Haftar", "PERSON"), ("GNA", "ORG"),
                                             ("UAE", "GPE"), ("Tripoli", "GPE")], ("Haftar", "BACKED_BY", "UAE"))
    annotator_db(tmp_path / "ben.db", "ben", [("Turkey", "GPE"), ("Haftar", "PERSON"), ("UAE", "GPE"),
                                             ("Tripoli", "LOC"), ("Monday", "DATE")], ("Haftar", "BACKED_BY", "UAE"))
    target = tmp_path / "team.db"
    assert main.main(["merge", str(tmp_path / "ana.db"), str(tmp_path / "ben.db"), "--into", str(target),
                      "--user", "reviewer"]) == 0
    return target


def test_adjudication_by_keyboard_ends_in_exactly_the_chosen_gold(qtbot, merged, tmp_path):
    from ui.adjudication import AdjudicationView, annotators_of
    store = Store.open(str(merged), "gold")
    assert annotators_of(store, "d1") == ["ana", "ben"]
    view = AdjudicationView(store, "d1", "ana", "ben")
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitActive(view):
        view.activateWindow()
    rows = {view.list.topLevelItem(i).text(0): view.rows[i] for i in range(len(view.rows))}
    assert "GNA" in rows and rows["GNA"].right is None
    conflict = next(r for r in view.rows if r.left and r.right and not r.agreed)
    assert view.spans[conflict.left.left].label == "GPE" and view.spans[conflict.right.right].label == "LOC"

    def go_to(text_start: str):
        index = next(i for i in range(len(view.rows)) if view.list.topLevelItem(i).text(0).startswith(text_start))
        view.list.setCurrentItem(view.list.topLevelItem(index))

    qtbot.keyClick(view.list, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    go_to("Tripoli")
    qtbot.keyClick(view.list, Qt.Key.Key_2)          # ben's LOC for Tripoli
    go_to("GNA")
    qtbot.keyClick(view.list, Qt.Key.Key_1)          # ana's GNA
    go_to("Monday")
    qtbot.keyClick(view.list, Qt.Key.Key_1)          # nothing on the left: refused, says why
    assert "nothing on the left" in view.last_error
    qtbot.keyClick(view.list, Qt.Key.Key_2)          # ben's Monday ...
    qtbot.keyClick(view.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # ... undone
    qtbot.keyClick(view.list, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert store.status("d1")[0] == "done"
    store.close()

    out = tmp_path / "gold.jsonl"
    assert main.main(["export", "--db", str(merged), "--annotator", "gold", "--only-done", "--out", str(out)]) == 0
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    entities = {(TEXT[e["start"]:e["end"]], e["label"]) for e in record["entities"]}
    assert entities == {("Turkey", "GPE"), ("Haftar", "PERSON"), ("UAE", "GPE"), ("Tripoli", "LOC"), ("GNA", "ORG")}
    assert all(e["annotator"] == "gold" for e in record["entities"])
    by_id = {e["id"]: TEXT[e["start"]:e["end"]] for e in record["entities"]}
    assert [(by_id[r["head"]], r["label"], by_id[r["tail"]]) for r in record["relations"]] == \
        [("Haftar", "BACKED_BY", "UAE")]
    assert main.main(["audit", "--db", str(merged), "--verify"]) == 0
    events = [e.action for e in Store.open(str(merged), "gold").events("d1")]
    # Ctrl+Shift+A is one action (one undo step); each key after it one more.
    assert events.count("adjudicate: take all agreed") == 1 and events.count("adjudicate: take") == 3
    assert "undo adjudicate: take" in events


def test_dashboard_charts_progress_labels_acceptance_and_agreement(qtbot, merged, tmp_path):
    from ui.dashboard import Dashboard
    with Store.open(str(merged), "reviewer") as store:
        dashboard = Dashboard(store)
        qtbot.addWidget(dashboard)
        data = dashboard.data
        assert data["documents"] == 1
        assert data["annotators"]["ana"]["done"] == 1 and data["annotators"]["ben"]["done"] == 1
        assert data["labels"]["GPE"] == 5 and data["labels"]["PERSON"] == 2
        [pair] = data["agreement"]["pairs"]
        # Hand count: ana 5 entities, ben 5, exact matches Turkey, Haftar, UAE -> F1 = 2*3/(5+5)
        assert pair["entities"]["exact"]["overall"]["f1"] == pytest.approx(0.6)
        out = dashboard.save_png(tmp_path / "stats.png")
        from PySide6.QtGui import QImage
        image = QImage(str(out))
        assert image.width() == dashboard.width()
        colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        assert "#009e73" in colours  # the done bars are drawn


def test_the_window_opens_adjudication_as_gold(qtbot, merged):
    from ui.main_window import MainWindow
    with Store.open(str(merged), "reviewer") as store:
        window = MainWindow(store)
        qtbot.addWidget(window)
        window.open_document("d1")
        view = window.adjudicate("ana", "ben")
        qtbot.addWidget(view)
        assert view.store.annotator == "gold" and len(view.rows) == 7


def test_take_all_agreed_is_one_undo_step(qtbot, merged):
    from ui.adjudication import AdjudicationView
    store = Store.open(str(merged), "gold")
    view = AdjudicationView(store, "d1", "ana", "ben")
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitActive(view):
        view.activateWindow()

    def gold():
        annotations = store.annotations("d1")
        return [s for s in annotations.spans if s.annotator == "gold"], \
            [r for r in annotations.relations if r.annotator == "gold"]

    agreed = sum(1 for row in view.rows if row.agreed)
    qtbot.keyClick(view.list, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    spans, relations = gold()
    assert agreed == 4 and len(spans) == 3 and len(relations) == 1  # Turkey, Haftar, UAE; Haftar BACKED_BY UAE
    assert all(row.left.in_gold for row in view.rows if row.agreed)
    qtbot.keyClick(view.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one step takes all back
    assert gold() == ([], [])
    assert not any(row.left.in_gold for row in view.rows if row.agreed)
    qtbot.keyClick(view.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [len(part) for part in gold()] == [3, 1]
    assert store.verify().ok
    store.close()
