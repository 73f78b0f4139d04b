"""Pre-annotation from the window on a worker thread, and arcs toggled on the article."""
from __future__ import annotations

from PySide6.QtCore import Qt

from annotate.seeds import sample_articles
from tests.ui.conftest import click_char, drag_select

SAMPLE = sample_articles()[0].read_text(encoding="utf-8")


def test_preannotation_runs_in_the_background_and_the_view_refreshes(qtbot, make_window, store):
    window = make_window([("libya", SAMPLE, []), ("other", "Turkey and Russia met in Moscow on Monday.", [])])
    assert window.state.spans == {}
    finished = []
    window.preannotate_corpus("builtin")
    window.preannotation.done.connect(lambda result, message: finished.append((result, message)))
    qtbot.waitUntil(lambda: bool(finished), timeout=60_000)
    result, message = finished[0]
    assert result is not None and not result.cancelled and result.stats.documents == 2
    assert "2 documents" in window.message_label.text()
    suggested = [s for s in store.annotations("libya").spans if s.decision == "suggested"]
    assert len(suggested) > 50
    assert {s.id for s in suggested} <= set(window.state.spans)
    assert window.view.highlighter.spans()  # painted
    row = window.corpus.model.rows[window.corpus.model.row_of("libya")]
    assert row.suggestions == len(suggested)
    assert store.verify().ok
    # Reviewing goes straight on from the keyboard.
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window.view, Qt.Key.Key_J)
    assert window.selected in {s.id for s in suggested}


def test_cancelled_preannotation_keeps_finished_batches_consistent(qtbot, make_window, store):
    docs = [(f"d{i}", SAMPLE, []) for i in range(6)]
    window = make_window(docs)
    finished = []
    window.preannotate_corpus("builtin")
    window.preannotation.done.connect(lambda result, message: finished.append(result))
    window.preannotation.cancel()
    qtbot.waitUntil(lambda: bool(finished), timeout=60_000)
    result = finished[0]
    assert result is not None and result.cancelled
    assert result.stats.documents < 6
    assert store.verify().ok
    integrity = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
    assert integrity == "ok"


def test_arcs_toggle_draws_relations_above_the_text(qtbot, make_window, store):
    window = make_window([("libya", SAMPLE, [])])
    view = window.view
    ids = []
    for needle, key in (("Mevlüt Çavuşoğlu", Qt.Key.Key_P), ("Russian", Qt.Key.Key_N)):
        start = SAMPLE.index(needle)
        drag_select(qtbot, view, start, start + len(needle))
        qtbot.keyClick(view, key)
        ids.append(window.selected)
    click_char(qtbot, view, window.state.spans[ids[0]].start + 1)
    click_char(qtbot, view, window.state.spans[ids[1]].start + 1, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_T)
    assert len(store.annotations("libya").relations) == 1
    qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.arcs_action.isChecked() and view.arcs.is_enabled()
    view.verticalScrollBar().setValue(0)
    click_char(qtbot, view, window.state.spans[ids[0]].start + 1)
    view.viewport().repaint()
    view.arcs.repaint()
    assert view.arcs.last_paint["segments"] >= 1
    assert any(text == "NEGOTIATES_WITH" for text, _ in view.arcs.last_labels)
    # Clicking an entity still selects it with the room opened above the lines.
    assert window.selected == ids[0]
    qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not view.arcs.is_enabled()
