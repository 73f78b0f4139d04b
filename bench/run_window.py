"""Window benchmarks: open-and-paint against Qt's own plain-text layout, and key-to-commit latency.

    QT_QPA_PLATFORM=offscreen python3 bench/run_window.py [--quick]

Each figure is a ratio against a floor measured in the same run on the same machine, so a noisy
shared machine moves both together. Results go to bench/results/window.json.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from annotate.model import AnnotatedDocument, Annotations, Document, Relation, Span  # noqa: E402

WORDS = ("the ministry said talks between Turkey and Russia on a ceasefire in Libya would continue "
         "despite disagreements over the methodology of the negotiations").split()
NAMES = [("Turkey", "GPE"), ("Russia", "GPE"), ("Libya", "GPE"), ("Haftar", "PERSON"), ("NATO", "ORG")]


def make_article(size: int, entities: int, seed: int = 7, *, paragraphs: bool = True) -> tuple[str, list[Span]]:
    """News-like text of ``size`` characters with ``entities`` names; a paragraph break every 90
    words, or none (one paragraph: a transcript, a PDF extraction)."""
    rng = random.Random(seed)
    parts, spans, length, paragraph = [], [], 0, 0
    while length < size:
        if rng.random() < 0.15 and len(spans) < entities:
            name, label = rng.choice(NAMES)
            spans.append(Span(f"e{len(spans)}", length, length + len(name), label,
                              decision=rng.choice(["suggested", "accepted"]), score=0.7, origin="model:bench@1"))
            word = name
        else:
            word = rng.choice(WORDS)
        paragraph += 1
        sep = "\n\n" if paragraphs and paragraph % 90 == 0 else " "
        parts.append(word + sep)
        length += len(word) + len(sep)
    return "".join(parts), spans


def median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def bench_open(app, size: int, entities: int, repeats: int) -> dict:
    from ui.article_view import ArticleView
    from ui.theme import LIGHT
    text, spans = make_article(size, entities)
    colors = {"GPE": "#009E73", "PERSON": "#E69F00", "ORG": "#56B4E9"}

    from ui.theme import article_font
    plain = QPlainTextEdit()
    plain.setReadOnly(True)
    # The same font and margins as the article view: the floor is the same layout work.
    plain.setFont(article_font())
    plain.document().setDocumentMargin(18)
    plain.resize(900, 800)
    plain.show()
    view = ArticleView()
    view.configure(LIGHT, colors)
    view.resize(900, 800)
    view.show()
    app.processEvents()

    def floor():
        plain.setPlainText(text)
        plain.viewport().repaint()
        app.processEvents()

    def ours():
        view.show_document(text, spans)
        view.viewport().repaint()
        app.processEvents()

    floor(), ours()  # warm up fonts and caches
    floor_ms = median_ms(floor, repeats)
    ours_ms = median_ms(ours, repeats)
    plain.close(), view.close()
    return {"measure": f"open+paint {size // 1000} kB, {len(spans)} entities", "floor_ms": floor_ms,
            "ours_ms": ours_ms, "ratio": ours_ms / floor_ms, "goal": "<= 1.5x"}


def window_on(app, items: list[AnnotatedDocument], doc_id: str):
    """A MainWindow over a fresh database holding ``items``, shown and active, on ``doc_id``."""
    from store import Store
    from ui.main_window import MainWindow

    tmp = Path(tempfile.mkdtemp()) / "bench.db"
    store = Store.open(str(tmp), "bench")
    store.import_documents(items)
    window = MainWindow(store)
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowActive(window, 2000)
    window.open_document(doc_id)
    app.processEvents()
    return window, store


def key_latencies(app, window, store, ranges: list[tuple[int, int]], repeats: int) -> list[float]:
    """Select a range, press G (an entity, committed with its audit event), repaint; undo (not
    timed). Milliseconds from the key to the repainted viewport, each one checked committed."""
    view = window.view
    before = store.conn.execute("SELECT count(*) FROM audit WHERE action = 'add entity'").fetchone()[0]
    latencies = []
    for n in range(repeats):
        start, end = ranges[n % len(ranges)]
        view.select_range(start, end)
        view.viewport().repaint()
        started = time.perf_counter()
        QTest.keyClick(view, Qt.Key.Key_G)
        view.viewport().repaint()
        latencies.append((time.perf_counter() - started) * 1000)
        window.undo()
    committed = store.conn.execute("SELECT count(*) FROM audit WHERE action = 'add entity'").fetchone()[0]
    assert committed - before == repeats, (committed, before, repeats)
    return latencies


def step_latencies(app, window, repeats: int) -> list[float]:
    """J (next unreviewed suggestion: select it, scroll to it, repaint), in milliseconds."""
    view = window.view
    latencies = []
    for _ in range(repeats):
        started = time.perf_counter()
        QTest.keyClick(view, Qt.Key.Key_J)
        view.viewport().repaint()
        latencies.append((time.perf_counter() - started) * 1000)
    assert window.selected is not None
    return latencies


def bench_key_to_commit(app, repeats: int) -> dict:
    sample = (ROOT / "seeds" / "libya-truce-talks.txt").read_text(encoding="utf-8")
    window, store = window_on(app, [AnnotatedDocument(Document("sample", sample), Annotations())], "sample")
    ranges = [(i, i + len(w)) for i, w in ((sample.index(w), w) for w in ("Turkey", "Russia", "Libya", "Haftar"))]
    latencies = sorted(key_latencies(app, window, store, ranges, repeats))
    window.close()
    store.close()
    return {"measure": "label key -> committed + repainted (sample)", "median_ms": statistics.median(latencies),
            "p99_ms": latencies[int(len(latencies) * 0.99) - 1], "goal": "median < 16 ms"}


def long_document(size: int = 1_000_000, entities: int = 10_000, relations: int = 500, *,
                  paragraphs: bool = True) -> AnnotatedDocument:
    """``make_article`` with ``relations`` SAME_AS relations between near entities."""
    text, spans = make_article(size, entities, paragraphs=paragraphs)
    rng = random.Random(3)
    made, seen = [], set()
    while len(made) < relations:
        a = rng.randrange(len(spans) - 1)
        b = min(len(spans) - 1, a + rng.randint(1, 4))
        if (a, b) not in seen:
            seen.add((a, b))
            made.append(Relation(f"r{len(made)}", spans[a].id, spans[b].id, "SAME_AS", origin="model:bench@1"))
    doc_id = "long" if paragraphs else "long-one-paragraph"
    return AnnotatedDocument(Document(doc_id, text, {"title": "1 MB"}), Annotations(spans, [], made))


def free_ranges(doc: AnnotatedDocument, count: int) -> list[tuple[int, int]]:
    """``count`` words spread through the text that no entity covers (for the label key)."""
    text = doc.document.text
    taken = sorted((s.start, s.end) for s in doc.annotations.spans)
    ranges, step = [], len(text) // (count + 1)
    for k in range(1, count + 1):
        position = text.index(" ministry ", k * step) + 1
        end = position + len("ministry")
        if not any(s < end and position < e for s, e in taken):
            ranges.append((position, end))
    return ranges


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    repeats = 3 if args.quick else 7
    results = [bench_open(app, size, entities, repeats)
               for size, entities in ((5_000, 60), (100_000, 1_500), (1_000_000, 10_000))]
    results.append(bench_key_to_commit(app, 40 if args.quick else 150))
    print(f"{'measure':48} {'floor ms':>9} {'ours ms':>9} {'ratio':>6}  goal")
    for r in results:
        if "ratio" in r:
            print(f"{r['measure']:48} {r['floor_ms']:9.1f} {r['ours_ms']:9.1f} {r['ratio']:6.2f}  {r['goal']}")
        else:
            print(f"{r['measure']:48} median {r['median_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms  {r['goal']}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "window.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
