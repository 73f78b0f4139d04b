"""A 1 MB document as ONE paragraph (a transcript, a PDF extraction), and bulk actions.

    QT_QPA_PLATFORM=offscreen python3 bench/run_paragraph.py [--quick]

In the window, on the 1 MB, 10,000-entity, 500-relation document with no line break: the label
key, Ctrl+Z, J and turning arcs on, each from the key to the repainted view (each edit checked
committed). Accept-all (Ctrl+Shift+A) and its undo from the key to the repainted view, on 2,500
and 5,000 suggestions: the ratio of the two says whether it grows linearly (a quadratic step
would make it 4x). The whole-process open and paint of the same document is measured against a
bare Qt process by bench/run.py (group ``paragraph``), which calls these functions too.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

import run_window as rw  # noqa: E402

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _timed(view, press, into: dict) -> None:
    """Wall and CPU milliseconds from ``press`` to the repainted view. The machine may be shared:
    CPU time is the work done; wall time adds the waits for a CPU (and the disk's sync)."""
    started, cpu = time.perf_counter(), time.process_time()
    press()
    view.viewport().repaint()
    into.setdefault("wall", []).append((time.perf_counter() - started) * 1000)
    into.setdefault("cpu", []).append((time.process_time() - cpu) * 1000)


def _tokenizer_loaded() -> None:
    """The label key snaps to spaCy's tokens: load the tokenizer first, as the window's warm-up
    does after start-up, so the first key is not timed loading spaCy."""
    from annotate.tokens import snap_to_tokens
    snap_to_tokens("Warm up.", 0, 4)


def one_paragraph_latencies(app, repeats: int) -> dict:
    _tokenizer_loaded()
    doc = rw.long_document(paragraphs=False)
    window, store = rw.window_on(app, [doc], doc.document.id)
    view = window.view
    ranges = rw.free_ranges(doc, 20)
    manual = "SELECT count(*) FROM spans WHERE decision = 'manual'"
    key, undo, step, arcs = {}, {}, {}, {}
    for n in range(repeats):
        start, end = ranges[n % len(ranges)]
        view.select_range(start, end)
        view.viewport().repaint()
        before = store.conn.execute(manual).fetchone()[0]
        _timed(view, lambda: QTest.keyClick(view, Qt.Key.Key_G), key)
        assert store.conn.execute(manual).fetchone()[0] == before + 1  # committed
        _timed(view, lambda: QTest.keyClick(view, Qt.Key.Key_Z, CTRL), undo)
        assert store.conn.execute(manual).fetchone()[0] == before
    for _ in range(repeats):
        _timed(view, lambda: QTest.keyClick(view, Qt.Key.Key_J), step)
    assert window.selected is not None
    for _ in range(max(3, repeats // 3)):
        _timed(view, lambda: QTest.keyClick(view, Qt.Key.Key_R, CTRL | SHIFT), arcs)
        assert window.arcs_action.isChecked() and view.arcs.line_room() > 0
        QTest.keyClick(view, Qt.Key.Key_R, CTRL | SHIFT)  # off again, not timed
        app.processEvents()
    out = {"key": key, "undo": undo, "step": step, "arcs_on": arcs}
    window.close()
    store.close()
    return out


def accept_all_latencies(app, suggestions: int, repeats: int) -> dict:
    """Ctrl+Shift+A and Ctrl+Z on a document with about ``suggestions`` suggestions (half of its
    entities), each from the key to the repainted view."""
    entities = suggestions * 2
    doc = rw.long_document(entities * 100, entities, entities // 20)
    window, store = rw.window_on(app, [doc], doc.document.id)
    view = window.view
    count = sum(1 for s in window.state.spans.values() if s.decision == "suggested")
    accept, undo = {}, {}
    for _ in range(repeats):
        _timed(view, lambda: QTest.keyClick(view, Qt.Key.Key_A, CTRL | SHIFT), accept)
        assert not any(s.decision == "suggested" for s in window.state.spans.values())
        _timed(view, lambda: QTest.keyClick(view, Qt.Key.Key_Z, CTRL), undo)
        assert sum(1 for s in window.state.spans.values() if s.decision == "suggested") == count
    window.close()
    store.close()
    return {"suggestions": count, "accept": accept, "undo": undo}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    repeats = 10 if args.quick else 30
    paragraph = one_paragraph_latencies(app, repeats)
    for name, times in paragraph.items():
        print(f"one paragraph, {name}: median {statistics.median(times['cpu']):.1f} ms CPU, "
              f"{statistics.median(times['wall']):.1f} ms wall")
    for suggestions in (2_500, 5_000):
        bulk = accept_all_latencies(app, suggestions, 3 if args.quick else 5)
        for name in ("accept", "undo"):
            print(f"{bulk['suggestions']:,} suggestions, {name}: median {statistics.median(bulk[name]['cpu']):.0f} ms "
                  f"CPU, {statistics.median(bulk[name]['wall']):.0f} ms wall")


if __name__ == "__main__":
    main()
