"""The inspector's lists describe only the rows they show, and follow changes row by row."""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from annotate.model import Span
from ui.inspector import Inspector

WORD = "Libya "


def _inspector(qtbot, count: int):
    text = WORD * count
    spans = {f"e{i}": Span(f"e{i}", i * len(WORD), i * len(WORD) + 5, "GPE", score=0.5) for i in range(count)}
    inspector = Inspector()
    qtbot.addWidget(inspector)
    described = []
    model = inspector.entities.model_
    describe = model.describe
    model.describe = lambda span_id: described.append(span_id) or describe(span_id)
    inspector.resize(400, 500)
    inspector.show()
    qtbot.waitExposed(inspector)
    inspector.show_document(text, spans, {}, {}, [], ())
    return inspector, spans, described


def test_ten_thousand_entities_open_with_only_the_visible_rows_described(qtbot):
    inspector, spans, described = _inspector(qtbot, 10_000)
    entities = inspector.entities
    qtbot.waitUntil(lambda: bool(described))  # the view lays its rows out, then paints them
    qtbot.wait(50)
    assert entities.count() == 10_000
    assert len(set(described)) < 100
    entities.scrollToBottom()
    qtbot.waitUntil(lambda: "e9999" in described)
    assert "e9999" in described and len(set(described)) < 200
    assert entities.text("e9999", 0) == "Libya" and entities.text("e9999", 2) == "manual"


def test_changes_move_add_and_remove_rows_in_reading_order(qtbot):
    inspector, spans, _ = _inspector(qtbot, 50)
    entities = inspector.entities
    inspector.update_spans({"e3": replace(spans["e3"], decision="accepted"),
                            "e7": None,
                            "late": Span("late", 0, 2, "ORG", decision="manual"),
                            "e10": replace(spans["e10"], start=spans["e40"].start + 1, end=spans["e40"].start + 4)})
    assert entities.text("e3", 2) == "accepted"
    assert entities.index_of("e7").isValid() is False and entities.count() == 50
    order = [entities.model_.id_at(row) for row in range(entities.count())]
    assert order[:2] == ["e0", "late"] and order.index("e10") == order.index("e40") + 1
    # Selecting from outside does not echo back as a pick; a click does.
    picked = []
    inspector.annotationSelected.connect(picked.append)
    inspector.select("e3")
    assert entities.selected_id() == "e3" and picked == []
    qtbot.mouseClick(entities.viewport(), Qt.MouseButton.LeftButton,
                     pos=entities.visualRect(entities.index_of("e5")).center())
    assert picked == ["e5"] and entities.selected_id() == "e5"
    inspector.select(None)
    qtbot.mouseClick(entities.viewport(), Qt.MouseButton.LeftButton,
                     pos=entities.visualRect(entities.index_of("e5")).center())
    assert picked == ["e5", "e5"]
