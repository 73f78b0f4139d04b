"""Entity groups through the real adjudication view: two annotators' files merged by the command,
groups listed by their mentions, an agreed one taken with the other agreed annotations, a conflict
(the two groups share mentions) taken both ways into one gold entity, exported as gold."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt

import main
from annotate.model import AnnotatedDocument, Document
from store import Store

TEXT = "Khalifa Haftar met Turkey in Ankara. Haftar left; Turkey stayed. The general said no."


def at(needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(needle, start + 1)
    return start, start + len(needle)


MENTIONS = {"Khalifa Haftar": (at("Khalifa Haftar"), "PERSON"), "Haftar": (at("Haftar", 1), "PERSON"),
            "The general": (at("The general"), "PERSON"), "Turkey": (at("Turkey"), "GPE"),
            "Turkey 2": (at("Turkey", 1), "GPE")}


def annotator_db(path, name: str, groups: list[list[str]]) -> None:
    with Store.open(str(path), name) as store:
        store.import_documents([AnnotatedDocument(Document("d1", TEXT, {"title": "Actors"}))])
        ids = {key: store.add_entity("d1", *span, label).created[0] for key, (span, label) in MENTIONS.items()}
        for group in groups:
            for other in group[1:]:
                store.clusters.merge("d1", ids[group[0]], ids[other])
        store.set_status("d1", "done")


def test_groups_are_adjudicated_by_keyboard_and_exported_as_gold(qtbot, tmp_path):
    from ui.adjudication import AdjudicationView
    annotator_db(tmp_path / "ana.db", "ana", [["Khalifa Haftar", "Haftar"], ["Turkey", "Turkey 2"]])
    annotator_db(tmp_path / "ben.db", "ben", [["Khalifa Haftar", "Haftar", "The general"], ["Turkey", "Turkey 2"]])
    team = tmp_path / "team.db"
    assert main.main(["merge", str(tmp_path / "ana.db"), str(tmp_path / "ben.db"), "--into", str(team),
                      "--user", "reviewer"]) == 0
    store = Store.open(str(team), "gold")
    view = AdjudicationView(store, "d1", "ana", "ben")
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitActive(view):
        view.activateWindow()
    texts = [view.list.topLevelItem(i).text(0) for i in range(len(view.rows))]
    assert "Turkey = Turkey" in texts  # the agreed group, its mentions in reading order
    conflict = next(i for i, r in enumerate(view.rows) if r.left and r.right and not r.agreed)
    assert texts[conflict] == "Khalifa Haftar = Haftar  |  Khalifa Haftar = Haftar = The general"
    assert [view.list.topLevelItem(conflict).text(c) for c in (1, 2)] == ["entity, 2 mentions",
                                                                           "entity, 3 mentions"]
    view.list.setCurrentItem(view.list.topLevelItem(conflict))
    # Every mention of each side's entity is outlined (and the first one selected as well).
    assert (len(view.left_view.extraSelections()), len(view.right_view.extraSelections())) == (2 + 1, 3 + 1)
    view.grab().save(str(tmp_path / "adjudication-groups.png"))

    qtbot.keyClick(view.list, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view.list.setCurrentItem(view.list.topLevelItem(conflict))
    qtbot.keyClick(view.list, Qt.Key.Key_B)  # both: one gold entity with every mention either gave
    assert not view.last_error
    assert all(i.in_gold for r in view.rows for i in r.items if i.kind == "group")
    store.close()

    out = tmp_path / "gold.jsonl"
    assert main.main(["export", "--db", str(team), "--annotator", "gold", "--out", str(out)]) == 0
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_group: dict[str, list[str]] = {}
    for entity in record["entities"]:
        if entity.get("cluster"):
            by_group.setdefault(entity["cluster"], []).append(TEXT[entity["start"]:entity["end"]])
    assert sorted(by_group.values()) == [["Khalifa Haftar", "Haftar", "The general"], ["Turkey", "Turkey"]]
    assert {c["annotator"] for c in record["clusters"]} == {"gold"}
