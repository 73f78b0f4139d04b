"""Arc benchmarks: laying out and painting relation arcs for one repaint, against one frame.

    QT_QPA_PLATFORM=offscreen python3 bench/run_arcs.py [--quick]

A paragraph-dense article (entities every few words, 500 relations and some stances between
near entities) is shown in the article view with the arc overlay on. Measured, as medians:

* arcs only: ``overlay.render`` into a QImage (find the visible arcs, lay them out, paint);
* the whole viewport repainted with arcs, and the same with no arc drawn (same line room):
  the floor, so the arcs' share shows as a ratio;
* a scroll by half a page and its repaint (new blocks are spaced and laid out);
* the room above lines on a 1 MB document: what ``mergeBlockFormat(setLineHeight(...))``
  costs and that QPlainTextEdit ignores it, and what the SpacedLayout costs instead.

Each is compared with one frame at 60 Hz (16.7 ms). Results go to bench/results/arcs.json.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtGui import QImage, QTextBlockFormat, QTextCursor  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from annotate.model import Relation, Span, Stance  # noqa: E402

FRAME_MS = 1000 / 60
WORDS = ("the ministry said talks between both sides on a ceasefire would continue despite "
         "disagreements over the methodology of the negotiations and the future of the region").split()
NAMES = [("Turkey", "GPE"), ("Russia", "GPE"), ("Libya", "GPE"), ("Haftar", "PERSON"), ("NATO", "ORG"),
         ("Erdoğan", "PERSON"), ("Egypt", "GPE"), ("Moscow", "GPE"), ("al-Sarraj", "PERSON")]
LABELS = ["BACKED_BY", "OPPOSES", "ALLIED_WITH", "NEGOTIATES_WITH", "LEADS", "ROLE_IN", "MEMBER_OF",
          "LOCATED_IN"]


def dense_article(relations: int, seed: int = 5):
    """Paragraphs of about 700 characters with an entity every ~4 words and 500 relations
    between entities at most six apart (so most relations are on one or two lines)."""
    rng = random.Random(seed)
    parts, spans, length = [], [], 0
    words_in_paragraph = 0
    while len(spans) < relations // 2 + 40:
        if rng.random() < 0.25:
            name, label = rng.choice(NAMES)
            spans.append(Span(f"e{len(spans)}", length, length + len(name), label, decision="accepted"))
            word = name
        else:
            word = rng.choice(WORDS)
        words_in_paragraph += 1
        sep = "\n" if words_in_paragraph % 110 == 0 else " "
        parts.append(word + sep)
        length += len(word) + len(sep)
    text = "".join(parts)
    made, seen = [], set()
    while len(made) < relations:
        a = rng.randrange(len(spans))
        b = min(len(spans) - 1, max(0, a + rng.choice([-6, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6])))
        if a == b or (a, b) in seen:
            continue
        seen.add((a, b))
        made.append(Relation(f"r{len(made)}", spans[a].id, spans[b].id, rng.choice(LABELS)))
    stances = [Stance(f"s{i}", spans[i * 7].id, spans[i * 7 + 2].id, rng.choice(["FAVOR", "AGAINST", "NEUTRAL"]))
               for i in range(40)]
    return text, spans, made, stances


def median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def bench_repaint(app, repeats: int) -> list[dict]:
    from ui.arc_overlay import ArcOverlay, specs_from
    from ui.article_view import ArticleView
    from ui.theme import LIGHT

    text, spans, relations, stances = dense_article(500)
    view = ArticleView()
    overlay = ArcOverlay(view)  # before the text: it installs the spaced layout
    view.configure(LIGHT, {"GPE": "#009E73", "PERSON": "#E69F00", "ORG": "#56B4E9"})
    view.resize(900, 800)
    view.show()
    view.show_document(text, spans)
    overlay.set_offsets(view.offsets)
    specs = specs_from({s.id: s for s in spans}, relations, stances)
    overlay.set_arcs(specs)
    overlay.set_enabled(True)
    app.processEvents()
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 3)
    app.processEvents()
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)

    def arcs_only():
        image.fill(0)
        overlay.render(image, QPoint())

    def viewport():
        view.viewport().grab()

    arcs_only(), viewport()  # warm up fonts and caches

    def relaid():  # every visible block's arcs found, located and laid out anew, then painted
        overlay._invalidate()
        view.viewport().grab()
        arcs_only()

    arcs_ms = median_ms(relaid, repeats)
    stats = dict(overlay.last_paint)
    with_arcs_ms = median_ms(viewport, repeats)
    cached_ms = median_ms(arcs_only, repeats)  # nothing moved: the blocks keep their layout
    overlay.set_only_for("-")  # the same room above lines, no arc drawn
    viewport()
    floor_ms = median_ms(viewport, repeats)
    overlay.set_only_for(None)

    positions = [bar.maximum() * k // 12 for k in range(12)]

    def scrolls() -> list[float]:
        times = []
        for _ in range(max(1, repeats // 10)):
            for value in positions:
                started = time.perf_counter()
                bar.setValue(value)
                view.viewport().repaint()
                app.processEvents()
                times.append((time.perf_counter() - started) * 1000)
        return times

    scroll_times = scrolls()
    overlay.set_only_for("-")  # floor: the same room and scrolling, no arc drawn
    scroll_floor = scrolls()
    overlay.set_only_for(None)
    view.close()
    return [
        {"measure": f"visible blocks' arcs laid out anew + viewport and arcs painted ({len(specs)} in doc, "
                    f"{stats['arcs']} on screen, {stats['segments']} segments drawn, {stats['folded']} folded)",
         "median_ms": arcs_ms, "frame_ms": FRAME_MS, "share_of_frame": arcs_ms / FRAME_MS, "goal": "< 16.7 ms"},
        {"measure": "arcs only, nothing moved since the last paint (each block keeps its layout)",
         "median_ms": cached_ms, "frame_ms": FRAME_MS, "share_of_frame": cached_ms / FRAME_MS, "goal": "< 16.7 ms"},
        {"measure": "viewport repaint with arcs vs without (same line room)", "floor_ms": floor_ms,
         "ours_ms": with_arcs_ms, "ratio": with_arcs_ms / floor_ms, "frame_ms": FRAME_MS, "goal": "< 16.7 ms"},
        {"measure": "scroll to a new place + repaint, with arcs vs without", "floor_ms": statistics.median(scroll_floor),
         "ours_ms": statistics.median(scroll_times), "ratio": statistics.median(scroll_times) / statistics.median(scroll_floor),
         "max_ms": max(scroll_times), "frame_ms": FRAME_MS, "goal": "< 16.7 ms"},
    ]


def one_mb_text() -> str:
    rng = random.Random(2)
    parts, length, count = [], 0, 0
    while length < 1_000_000:
        word = rng.choice(WORDS)
        count += 1
        sep = "\n" if count % 90 == 0 else " "
        parts.append(word + sep)
        length += len(word) + len(sep)
    return "".join(parts)


def bench_line_room(app) -> list[dict]:
    from ui.arc_overlay import ArcOverlay
    from ui.theme import article_font

    text = one_mb_text()

    def make(spaced: bool):
        view = QPlainTextEdit()
        view.setReadOnly(True)
        view.setUndoRedoEnabled(False)
        overlay = ArcOverlay(view) if spaced else None
        view.setFont(article_font())
        view.document().setDocumentMargin(18)
        view.resize(900, 800)
        view.show()
        return view, overlay

    def first_line_tops(view):
        block = view.firstVisibleBlock()
        layout = block.layout()
        return [round(layout.lineAt(i).y(), 1) for i in range(min(3, layout.lineCount()))]

    # 1. The brief's first idea: a proportional line height merged over the whole document.
    plain, _ = make(False)
    plain.setPlainText(text)
    plain.viewport().repaint()
    app.processEvents()
    before = first_line_tops(plain)
    started = time.perf_counter()
    cursor = QTextCursor(plain.document())
    cursor.select(QTextCursor.SelectionType.Document)
    fmt = QTextBlockFormat()
    fmt.setLineHeight(200.0, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
    cursor.mergeBlockFormat(fmt)
    plain.viewport().repaint()
    app.processEvents()
    merge_ms = (time.perf_counter() - started) * 1000
    after = first_line_tops(plain)
    modified = plain.document().isModified()
    plain.close()

    # 2. Open + paint 1 MB: plain QPlainTextEdit vs one with the SpacedLayout and room on.
    def open_paint(view):
        view.setPlainText(text)
        view.viewport().repaint()
        app.processEvents()

    plain, _ = make(False)
    spaced, overlay = make(True)
    overlay.set_enabled(True)
    open_paint(plain), open_paint(spaced)
    floor_ms = median_ms(lambda: open_paint(plain), 5)
    ours_ms = median_ms(lambda: open_paint(spaced), 5)

    # 3. Turning the room on and off on the open 1 MB document (repaint included).
    def toggle():
        overlay.set_enabled(not overlay.is_enabled())
        spaced.viewport().repaint()
        app.processEvents()

    toggle_ms = median_ms(toggle, 10)
    plain.close(), spaced.close()
    return [
        {"measure": "1 MB: mergeBlockFormat(lineHeight 200% proportional) over the document",
         "ms": merge_ms, "line_tops_before": before, "line_tops_after": after,
         "has_effect": before != after, "document_modified": modified,
         "note": "QPlainTextDocumentLayout ignores lineHeight: no effect on screen"},
        {"measure": "1 MB: open + paint, SpacedLayout (room on) vs plain QPlainTextEdit",
         "floor_ms": floor_ms, "ours_ms": ours_ms, "ratio": ours_ms / floor_ms, "goal": "<= 1.5x"},
        {"measure": "1 MB: arcs on/off (room opens/closes) + repaint", "median_ms": toggle_ms,
         "frame_ms": FRAME_MS, "goal": "< 16.7 ms"},
    ]


def sample_with_relations(db: str, count: int = 60) -> str:
    """The sample article with the builtin suggestions and ``count`` relations, each between an
    entity and one of the next three (an article dense with relations, as issue 17 measured)."""
    from annotate.preannotate import load_annotator
    from store import Store
    from store.seeding import seed_if_empty
    from store.suggestions import run_preannotation
    with Store.open(db, "bench") as store:
        seed_if_empty(store)
        doc = store.document_ids()[0]
        if not any(s.decision == "suggested" for s in store.annotations(doc).spans):
            run_preannotation(store, load_annotator("builtin", store.schema))
        made = len(store.annotations(doc).relations)
        entities = sorted((s for s in store.annotations(doc).spans if s.layer == "entity" and s.decision != "rejected"),
                          key=lambda s: s.start)
        rng = random.Random(17)
        pairs = set()
        while made < count:
            a = rng.randrange(len(entities) - 3)
            b = a + rng.choice([1, 2, 3])
            if (a, b) in pairs:
                continue
            pairs.add((a, b))
            head, tail = entities[a], entities[b]
            fitting = [r.label for r in store.schema.relations if r.head and r.allows(head.label, tail.label)]
            store.add_relation(doc, head.id, tail.id, rng.choice(fitting or ["SAME_AS"]))
            made += 1
        return doc


def sample_arc_figures(app, db: str, doc: str) -> dict:
    """Page through the sample in the window with arcs on: over every screen, the arcs with an end
    on it, those drawn, those folded (into a badge)."""
    from store import Store
    from ui.main_window import MainWindow
    store = Store.open(db, "bench")
    window = MainWindow(store)
    window.resize(1400, 860)
    window.show()
    window.open_document(doc)
    window.arcs_action.setChecked(True)
    window.toggle_arcs()
    app.processEvents()
    view, arcs = window.view, window.view.arcs
    bar = view.verticalScrollBar()
    screens, seen = [], set()
    value = 0
    while True:
        bar.setValue(value)
        view.viewport().repaint()
        arcs.repaint()
        paint = dict(arcs.last_paint)
        screens.append((paint["arcs"], paint["arcs"] - paint["folded"], paint["folded"]))
        if value >= bar.maximum():
            break
        value = min(bar.maximum(), value + max(1, bar.pageStep()))
    first = screens[0]
    window.close()
    store.close()
    return {"screens": len(screens), "first_screen": {"on_screen": first[0], "drawn": first[1], "folded": first[2]},
            "most_folded_screen": max(screens, key=lambda s: s[2]),
            "all_screens": {"on_screen": sum(s[0] for s in screens), "drawn": sum(s[1] for s in screens),
                            "folded": sum(s[2] for s in screens)}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sample", action="store_true", help="only the arcs on the sample with 60 relations")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    if args.sample:
        import tempfile
        db = str(Path(tempfile.mkdtemp()) / "sample.db")
        print(json.dumps(sample_arc_figures(app, db, sample_with_relations(db)), indent=1))
        return
    results = bench_repaint(app, 10 if args.quick else 30)
    results += bench_line_room(app)
    print(f"{'measure':100} {'result':>28}  goal")
    for r in results:
        if "ratio" in r:
            value = f"{r['ours_ms']:.2f} vs {r['floor_ms']:.2f} ms ({r['ratio']:.2f}x)"
        elif "median_ms" in r:
            value = f"median {r['median_ms']:.2f} ms"
            if "share_of_frame" in r:
                value += f" ({r['share_of_frame']:.0%} frame)"
        else:
            value = f"{r['ms']:.1f} ms, effect: {r['has_effect']}"
        print(f"{r['measure']:100} {value:>28}  {r.get('goal', '')}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "arcs.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
