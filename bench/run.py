"""The benchmark suite: every measure against a floor measured in the same run, in one table.

    python3 bench/run.py [--quick] [--only GROUP,...] [--compare bench/results/OLD.json]

Each group runs in a process of its own (so peak RSS is per group, and Qt starts fresh), made
by this same script with ``--group``; the groups reuse the functions of run_window.py,
run_paragraph.py, run_arcs.py, run_preannotate.py, run_export.py and run_store.py, and
first_paint.py times whole processes. The large corpora come from corpus.py (built once, cached
in bench/results/).

Printed: measure, floor, ours, ratio, goal, pass/miss, and CPU times where taken (the machine may
be shared: the verdict is on wall time, against a floor of the same moments; CPU time is the
work done, whatever else runs). The load average is printed and kept with the results. Written: bench/results/run-<time>.json
and bench/results/latest.json; ``--compare FILE`` prints each measure's change against an
earlier one. --quick (a few minutes once the corpora are cached) runs fewer repeats and smaller
pre-annotation, export and import sets; the full run is what bench/README.md reports.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from report import compare, median, row, rss_mb, table  # noqa: E402

GROUPS = ("startup", "paragraph", "bulk", "window", "corpus", "rss", "preannotate", "cluster", "export", "store")
SMALL, LARGE = 1_000, 100_000


# ---- start-up: whole processes to the first paint --------------------------------------------

def group_startup(quick: bool) -> list[dict]:
    import corpus
    import first_paint as fp

    from store import Store
    from store.seeding import seed_if_empty
    from ui.offsets import OffsetMap

    runs = 3 if quick else 9
    tmp = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    db = tmp / "marginalia.db"
    text = tmp / "text.txt"
    with Store.open(str(db), "bench") as store:  # what the first run leaves: the sample, pre-annotated
        seed_if_empty(store)
        first = store.next_unfinished() or store.document_ids()[0]  # the document the window opens
        text.write_text(OffsetMap(store.document(first).text).shown, encoding="utf-8")
    small, large = corpus.ensure(SMALL), corpus.ensure(LARGE)
    fp.compiled()
    env = fp.environment(tmp)
    view = fp.first_paint(fp.ours_code(db), env)["view"]  # the floor's text view: the article view's size
    # The floor: a bare Qt program that paints the same text. The empty window (stricter:
    # no text) is kept as a reported row.
    codes = {"floor": fp.floor_code(text, view), "empty": fp.floor_code(), "sample": fp.ours_code(db),
             "small": fp.ours_code(small), "large": fp.ours_code(large)}
    results = {name: fp.medians(runs_) for name, runs_ in fp.interleaved(codes, env, runs).items()}
    floor, empty, sample, small_, large_ = (results[k] for k in ("floor", "empty", "sample", "small", "large"))
    later = fp.first_paint(fp.ours_code(db).replace("QTimer.singleShot(0, self.report)",
                                                    "QTimer.singleShot(4000, self.report)"), env)
    common = dict(cpu_floor=floor["cpu_ms"])
    what = (f"floor: a bare Qt process showing the same text in a QPlainTextEdit of the article view's size "
            f"({view[0]}x{view[1]})")
    return [
        row("startup", f"start-up to interactive window, sample database, median of {runs} processes; {what}", "ms",
            floor["ms"], sample["ms"], "<= 1.5x", cpu_ours=sample["cpu_ms"], runs_ms=sample["runs_ms"],
            floor_runs_ms=floor["runs_ms"], **common),
        row("startup_1k", f"the same on the {SMALL:,}-document corpus", "ms", floor["ms"], small_["ms"], "<= 1.5x",
            cpu_ours=small_["cpu_ms"], runs_ms=small_["runs_ms"], **common),
        row("startup_100k", f"the same on the {LARGE:,}-document corpus (1.5 GB)", "ms", floor["ms"], large_["ms"],
            "<= 1.5x", cpu_ours=large_["cpu_ms"], runs_ms=large_["runs_ms"], **common),
        row("startup_flat", f"start-up on {LARGE:,} documents; floor: the same on {SMALL:,} (flat: no work that "
            "grows with the file)", "ms", small_["ms"], large_["ms"], "<= 1.2x", cpu_floor=small_["cpu_ms"],
            cpu_ours=large_["cpu_ms"]),
        row("startup_empty", "start-up, sample database, against an empty 1400x860 window (import "
            "PySide6.QtWidgets + show; stricter than the issue's floor)", "ms", empty["ms"], sample["ms"], "report",
            cpu_floor=empty["cpu_ms"], cpu_ours=sample["cpu_ms"], floor_runs_ms=empty["runs_ms"]),
        row("startup_no_spacy", "spaCy not imported by the first paint (sys.modules)", "", None,
            "no" if not sample["spacy_runs"] else "yes", "not imported", check=not sample["spacy_runs"]),
        row("rss_empty", "peak RSS: empty Qt window process (the floor of the RSS rows)", "MB", None,
            empty["rss_mb"], "report"),
        row("rss_sample", "peak RSS: the window on the sample, 4 s after start (spaCy's tokenizer loaded by the "
            "warm-up)", "MB", empty["rss_mb"], later["rss_mb"], "<= 200 MB", check=later["rss_mb"] <= 200),
    ]


# ---- one long paragraph: whole process, and latencies in the window -----------------------------

def group_paragraph(quick: bool) -> list[dict]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import first_paint as fp
    import run_paragraph as rp
    import run_window as rw
    from PySide6.QtWidgets import QApplication

    from store import Store
    from ui.offsets import OffsetMap

    tmp = Path(tempfile.mkdtemp(prefix="bench-paragraph-"))
    doc = rw.long_document(paragraphs=False)
    db = tmp / "one.db"
    with Store.open(str(db), "bench") as store:
        store.import_documents([doc])
    text = tmp / "text.txt"
    text.write_text(OffsetMap(doc.document.text).shown, encoding="utf-8")
    fp.compiled()
    env = fp.environment(tmp)
    ours_code = fp.ours_code(db, doc.document.id)
    view = fp.first_paint(ours_code, env)["view"]  # the floor's text view: the article view's size
    runs = 3 if quick else 7
    results = fp.interleaved({"floor": fp.floor_code(text, view), "ours": ours_code}, env, runs)
    floor, ours = fp.medians(results["floor"]), fp.medians(results["ours"])
    rows = [row("paragraph_open", "open + paint of a 1 MB, 10,000-entity document as ONE paragraph, whole process "
                "(marginalia gui --doc); floor: a bare Qt process showing the same text in a QPlainTextEdit of the "
                "article view's size", "ms", floor["ms"], ours["ms"], "<= 1.5x", cpu_floor=floor["cpu_ms"],
                cpu_ours=ours["cpu_ms"], runs_ms=ours["runs_ms"], floor_runs_ms=floor["runs_ms"])]

    app = QApplication.instance() or QApplication([])
    latencies = rp.one_paragraph_latencies(app, 10 if quick else 30)
    names = {"key": "label key -> committed + repainted", "undo": "Ctrl+Z (undo the entity) -> committed + repainted",
             "step": "J (next suggestion) -> selected + repainted", "arcs_on": "arcs on (Ctrl+Shift+R) -> repainted"}
    for key, name in names.items():
        times = latencies[key]
        rows.append(row(f"paragraph_{key}", f"{name}, the same one-paragraph document", "ms", None,
                        median(times["wall"]), "< 50 ms", cpu_ours=median(times["cpu"]), max_ms=max(times["wall"])))
    return rows


# ---- bulk actions: accept-all and its undo ------------------------------------------------------

def group_bulk(quick: bool) -> list[dict]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import run_paragraph as rp
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    repeats = 3 if quick else 5
    half, full = (rp.accept_all_latencies(app, n, repeats) for n in (2_500, 5_000))
    rows = []
    for key, name in (("accept", "accept-all (Ctrl+Shift+A) -> committed + repainted"),
                      ("undo", "its undo (Ctrl+Z) -> committed + repainted")):
        rows.append(row(f"bulk_{key}", f"{name}, {full['suggestions']:,} suggestions in one 1 MB document", "ms",
                        None, median(full[key]["wall"]), "< 500 ms", cpu_ours=median(full[key]["cpu"])))
        rows.append(row(f"bulk_{key}_growth", f"the same on {full['suggestions']:,} suggestions; floor: on "
                        f"{half['suggestions']:,} (linear: about 2x)", "ms", median(half[key]["wall"]),
                        median(full[key]["wall"]), "<= 2.5x", cpu_floor=median(half[key]["cpu"]),
                        cpu_ours=median(full[key]["cpu"])))
    return rows


# ---- the window: open + paint, key latency ----------------------------------------------------

def group_window(quick: bool) -> list[dict]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    import run_arcs
    import run_window as rw
    app = QApplication.instance() or QApplication([])
    repeats = 3 if quick else 7
    rows = []
    for size, entities in ((5_000, 60), (100_000, 1_500), (1_000_000, 10_000)):
        r = rw.bench_open(app, size, entities, repeats)
        label = f"{size // 1000} kB" if size < 1_000_000 else "1 MB"
        rows.append(row(f"open_{label.replace(' ', '')}", f"open + paint {label} with {entities:,} entities; "
                        "floor: QPlainTextEdit, same text", "ms", r["floor_ms"], r["ours_ms"], "<= 1.5x"))
    key = rw.bench_key_to_commit(app, 40 if quick else 150)
    rows.append(row("key_sample", "label key -> committed + repainted, sample article (median)", "ms", None,
                    key["median_ms"], "< 16 ms", p99_ms=key["p99_ms"]))

    doc = rw.long_document()
    window, store = rw.window_on(app, [doc], "long")
    ranges = rw.free_ranges(doc, 20)
    latencies = sorted(rw.key_latencies(app, window, store, ranges, 20 if quick else 60))
    rows.append(row("key_1mb", "label key -> committed + repainted, 1 MB, 10,000 entities, 500 relations",
                    "ms", None, median(latencies), "< 50 ms", p99_ms=latencies[-1]))
    steps = sorted(rw.step_latencies(app, window, 30 if quick else 100))
    rows.append(row("step_1mb", "J (next suggestion) -> selected + repainted, same 1 MB document", "ms", None,
                    median(steps), "< 16 ms", max_ms=steps[-1]))
    window.arcs_action.setChecked(True)
    window.toggle_arcs()
    app.processEvents()
    latencies = sorted(rw.key_latencies(app, window, store, ranges, 10 if quick else 30))
    rows.append(row("key_1mb_arcs", "the same label key with arcs on", "ms", None, median(latencies), "< 50 ms"))
    window.close()
    store.close()

    arcs = run_arcs.bench_repaint(app, 10 if quick else 30)[2]
    rows.append(row("arcs_repaint", "viewport repaint with 500 relations as arcs; floor: same, no arc drawn",
                    "ms", arcs["floor_ms"], arcs["ours_ms"], "< 16.7 ms"))
    return rows


# ---- the corpus: next document, filters, search, paging, 1k against 100k ----------------------

SEARCHES = (("name", "Çavuşoğlu"), ("id", "news-000123"), ("phrase", "the ministry said"))


def group_corpus(size: int, quick: bool) -> dict:
    """Figures of the window over the cached corpus of ``size`` documents. The document
    statuses and audit events it writes are put back as they were at the end."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox

    import corpus
    from store import Store
    from ui.corpus_panel import FILTERS
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    path = corpus.ensure(size)
    repeats = 5 if quick else 15
    store = Store.open(str(path), corpus.ANNOTATOR, create=False)
    conn = store.conn
    statuses = conn.execute("SELECT * FROM doc_status WHERE annotator = ?", [corpus.ANNOTATOR]).fetchall()
    last_event = conn.execute("SELECT coalesce(max(seq), 0) FROM audit").fetchone()[0]
    out: dict = {}
    try:
        started = time.perf_counter()
        window = MainWindow(store)
        window.show()
        window.activateWindow()
        QTest.qWaitForWindowActive(window, 2000)
        window.open_document(store.next_unfinished())
        app.processEvents()
        out["open_ms"] = (time.perf_counter() - started) * 1000
        panel = window.corpus

        current = window.state.id
        times = []
        for _ in range(repeats * 5):
            started = time.perf_counter()
            store.next_unfinished(after=current)
            times.append((time.perf_counter() - started) * 1000)
        out["next_unfinished_ms"] = median(times)

        times = []
        for _ in range(repeats * 2):  # Ctrl+Enter: done (committed), the next unfinished opened and painted
            before = window.state.id
            started = time.perf_counter()
            QTest.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            box = getattr(window, "confirm_box", None)
            if box is not None and box.isVisible():  # suggestions left: "Mark done", as a reviewer would
                box.button(QMessageBox.StandardButton.Yes).click()
            window.view.viewport().repaint()
            panel.table.viewport().repaint()
            times.append((time.perf_counter() - started) * 1000)
            assert window.state.id != before and store.status(before)[0] == "done"
        out["next_document_ms"] = median(times)

        per_filter = {}
        for key, _label in FILTERS[1:] + FILTERS[:1]:
            times = []
            for _ in range(repeats):
                panel.filter.setCurrentIndex(0 if key != "all" else 1)
                started = time.perf_counter()
                panel.filter.setCurrentIndex(panel.filter.findData(key))
                panel.table.viewport().repaint()
                times.append((time.perf_counter() - started) * 1000)
            per_filter[key] = median(times)
        out["filters_ms"] = per_filter
        slowest = max(per_filter, key=per_filter.get)
        out["filter_ms"], out["filter_slowest"] = per_filter[slowest], slowest

        per_search = {}
        for name, text in SEARCHES:
            times = []
            for _ in range(repeats):
                panel.search.setText(text)
                started = time.perf_counter()
                panel._apply_filter()  # what the debounce timer calls
                panel.table.viewport().repaint()
                times.append((time.perf_counter() - started) * 1000)
            assert panel.model.rows, text
            per_search[name] = median(times)
        out["search_ms"] = per_search
        panel.search.setText("")
        panel._apply_filter()

        pages, times = 0, []
        while panel.model.canFetchMore() and pages < 40:  # 40 pages deep, then time the next ones
            panel.model.fetchMore()
            pages += 1
        for _ in range(repeats):
            started = time.perf_counter()
            panel.model.fetchMore()
            panel.table.scrollToBottom()
            panel.table.viewport().repaint()
            times.append((time.perf_counter() - started) * 1000)
        out["fetch_more_ms"] = median(times)
        out["rows_loaded"] = panel.model.rowCount()
        window.close()
    finally:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM doc_status WHERE annotator = ?", [corpus.ANNOTATOR])
        conn.executemany(f"INSERT INTO doc_status VALUES ({', '.join('?' * len(statuses[0]))})", statuses)
        conn.execute("DELETE FROM audit WHERE seq > ?", [last_event])
        conn.execute("COMMIT")
        store.close()
    out["rss_mb"] = rss_mb()
    return out


def corpus_rows(small: dict, large: dict) -> list[dict]:
    floor_note = f"floor: the same on a {SMALL:,}-document corpus"
    rows = [
        row("next_document", f"next document (Ctrl+Enter: done, next opened + painted), {LARGE:,} docs; "
            + floor_note, "ms", small["next_document_ms"], large["next_document_ms"], "< 50 ms"),
        row("next_unfinished", "Store.next_unfinished (the query alone)", "ms", small["next_unfinished_ms"],
            large["next_unfinished_ms"], "< 50 ms"),
        row("filter", f"status filter + repaint, slowest of 6 (here: {large['filter_slowest']})", "ms",
            small["filter_ms"], large["filter_ms"], "< 100 ms", per_filter_ms=large["filters_ms"]),
    ]
    for name, text in SEARCHES:
        rows.append(row(f"search_{name}", f"search {text!r} + repaint", "ms", small["search_ms"][name],
                        large["search_ms"][name], "< 100 ms"))
    rows.append(row("fetch_more", "scroll: the next page after 40 (keyset paging)", "ms", small["fetch_more_ms"],
                    large["fetch_more_ms"], "< 50 ms"))
    rows.append(row("window_open_corpus", "window made + first document shown (store already open)", "ms",
                    small["open_ms"], large["open_ms"], "< 1000 ms"))
    rows.append(row("rss_corpus", f"peak RSS: window over the {LARGE:,}-document corpus, all of the above; "
                    f"floor: {SMALL:,}", "MB", small["rss_mb"], large["rss_mb"], "report"))
    return rows


# ---- peak RSS of the window on the 1 MB document -----------------------------------------------

def group_rss_long(db: str) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from store import Store
    from ui.app import _application, open_window
    app = _application()
    with Store.open(db, "bench", create=False) as store:
        window = open_window(store, doc_id="long")
        window.show()
        app.processEvents()
        for _ in range(50):
            QTest.keyClick(window.view, Qt.Key.Key_J)
        window.view.verticalScrollBar().setValue(window.view.verticalScrollBar().maximum())
        app.processEvents()
        window.close()
    return {"rss_mb": rss_mb()}


# ---- throughput: pre-annotation, export, store ----------------------------------------------------

def group_preannotate(quick: bool) -> list[dict]:
    import run_preannotate as rp
    from annotate.preannotate import load_annotator
    from annotate.schema import default_schema

    docs, repeats = (300, 2) if quick else (3000, 3)
    texts = rp.make_texts(docs)
    nlp = load_annotator("builtin", default_schema()).nlp
    nlp("warm up")
    floors, fulls, floor_cpu, full_cpu = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(repeats):
            cpu = time.process_time()
            floors.append(rp.measure_floor(nlp, texts, 64))
            floor_cpu.append(time.process_time() - cpu)
            elapsed, counts = rp.measure_full(Path(tmp), texts, 64, run)
            fulls.append(elapsed)
            full_cpu.append(counts["cpu_s"])
    floor, full = median(floors), median(fulls)
    return [row("preannotate", f"pre-annotation of {docs:,} documents, writes included, docs/s; "
                "floor: raw nlp.pipe", "docs/s", docs / floor, docs / full, ">= 0.9x", ratio=floor / full,
                cpu_floor=median(floor_cpu) * 1000, cpu_ours=median(full_cpu) * 1000)]


def group_cluster(quick: bool) -> list[dict]:
    """Pre-annotation on a Dask LocalCluster of 2 worker processes against one process, the same
    documents and database layout; the workers have loaded the pipeline (as the local run has)."""
    import run_preannotate as rp
    from annotate.model import AnnotatedDocument, Document
    from store import Store
    from store.cluster import connect, run_on_cluster

    docs = 300 if quick else 1500
    texts = rp.make_texts(docs)
    with tempfile.TemporaryDirectory() as tmp, connect(workers=2) as client:
        warm = Path(tmp) / "warm.db"
        with Store.open(str(warm), "bench") as store:
            store.import_documents([AnnotatedDocument(Document(f"w{i}", t)) for i, t in enumerate(texts[:8])])
            run_on_cluster(store, "builtin", client, batch_size=4)  # both workers load the pipeline
        single, _ = rp.measure_full(Path(tmp), texts, 64, 0)
        path = Path(tmp) / "cluster.db"
        with Store.open(str(path), "bench") as store:
            store.import_documents([AnnotatedDocument(Document(f"d{i}", t)) for i, t in enumerate(texts)])
            started = time.perf_counter()
            result = run_on_cluster(store, "builtin", client, batch_size=64)
            clustered = time.perf_counter() - started
            assert result.stats.documents == docs
    return [row("cluster", f"pre-annotation of {docs:,} documents on a Dask LocalCluster of 2 worker processes "
                "(this process writes), docs/s; floor: one process (run_preannotation)", "docs/s", docs / single,
                docs / clustered, "report", note="2 workers on a 2-CPU machine also share it with the writer")]


def group_export(quick: bool) -> list[dict]:
    import run_export
    r = run_export.measure(5_000 if quick else 50_000)
    return [row("export", f"JSONL export of {r['documents']:,} documents, docs/s; floor: bare json.dumps loop",
                "docs/s", r["floor_docs_per_s"], r["export_docs_per_s"], ">= 0.8x", ratio=r["ratio"],
                traced_peak_mb=r["traced_peak_mb_all"], cpu_floor=r["floor_cpu_seconds"] * 1000,
                cpu_ours=r["export_cpu_seconds"] * 1000)]


def group_store(quick: bool) -> list[dict]:
    import run_store
    n_docs, n_actions, repeats = (1000, 150, 1) if quick else (10_000, 501, 3)
    r = run_store.measure(n_docs, n_actions, repeats, RESULTS)
    imp, act = r["import"], r["action"]
    return [
        row("import", f"import {n_docs:,} documents through the store (validated, audited); floor: raw "
            "sqlite3 executemany", "s", imp["floor_s"], imp["store_s"], "<= 2x",
            cpu_floor=imp["floor_cpu_s"], cpu_ours=imp["store_cpu_s"]),
        row("action", "one committed action (median); floor: raw INSERT + COMMIT", "ms",
            act["floor"]["median_ms"], act["store"]["median_ms"], "< 16 ms"),
    ]


# ---- running the groups, the table, the JSON ---------------------------------------------------

def _child(group: str, quick: bool, extra: list[str] = ()) -> object:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        target = f.name
    cmd = [sys.executable, str(Path(__file__)), "--group", group, "--emit", target, *extra]
    if quick:
        cmd.append("--quick")
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    subprocess.run(cmd, check=True, env=env)
    try:
        return json.loads(Path(target).read_text())
    finally:
        os.unlink(target)


def run_group_in_child(args) -> object:
    quick = args.quick
    if args.group == "startup":
        return group_startup(quick)
    if args.group == "paragraph":
        return group_paragraph(quick)
    if args.group == "bulk":
        return group_bulk(quick)
    if args.group == "window":
        return group_window(quick)
    if args.group == "corpus":
        return group_corpus(args.size, quick)
    if args.group == "rss":
        return group_rss_long(args.db)
    return {"preannotate": group_preannotate, "cluster": group_cluster, "export": group_export,
            "store": group_store}[args.group](quick)


def run_all(groups: list[str], quick: bool) -> list[dict]:
    rows: list[dict] = []
    for group in groups:
        print(f"[{time.strftime('%H:%M:%S')}] {group} ...", flush=True)
        try:
            rows += _run_group(group, quick)
        except subprocess.CalledProcessError:  # its traceback is printed above; the other groups still count
            rows.append(row(group, f"group {group!r} failed (see its traceback)", "", None, None, "runs",
                            check=False))
    empty = next((r for r in rows if r["key"] == "rss_empty"), None)
    for r in rows:  # the RSS rows' floor: the empty Qt window, when measured in this run
        if r["key"] == "rss_1mb" and empty:
            r["floor"], r["ratio"] = empty["ours"], r["ours"] / empty["ours"]
    return rows


def _run_group(group: str, quick: bool) -> list[dict]:
    import corpus
    rows: list[dict] = []
    if group == "corpus":
        corpus.ensure(SMALL), corpus.ensure(LARGE)
        small = _child("corpus", quick, ["--size", str(SMALL)])
        large = _child("corpus", quick, ["--size", str(LARGE)])
        rows += corpus_rows(small, large)
    elif group == "rss":
        import run_window as rw
        from store import Store
        tmp = Path(tempfile.mkdtemp(prefix="bench-rss-")) / "long.db"
        with Store.open(str(tmp), "bench") as store:
            store.import_documents([rw.long_document()])
        long = _child("rss", quick, ["--db", str(tmp)])
        rows.append(row("rss_1mb", "peak RSS: window on the 1 MB document (10,000 entities, 500 relations), "
                        "50 x J, scrolled to the end", "MB", None, long["rss_mb"], "report"))
    else:
        rows += _child(group, quick)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller sets: a few minutes")
    parser.add_argument("--only", default=",".join(GROUPS), help=f"groups to run (default all: {','.join(GROUPS)})")
    parser.add_argument("--compare", type=Path, help="an earlier results JSON: print the changes")
    parser.add_argument("--group", help=argparse.SUPPRESS)
    parser.add_argument("--emit", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.group:  # a child: one group, its figures as JSON
        Path(args.emit).write_text(json.dumps(run_group_in_child(args)))
        return 0

    groups = [g for g in args.only.split(",") if g]
    unknown = set(groups) - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    started, load_before = time.perf_counter(), os.getloadavg()
    rows = run_all(groups, args.quick)
    result = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                 text=True).stdout.strip(),
        "quick": args.quick, "groups": groups, "seconds": round(time.perf_counter() - started),
        "load_average": {"start": load_before, "end": os.getloadavg()},
        "machine": {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                    "platform": platform.platform(), "cpus": os.cpu_count()},
        "rows": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    (RESULTS / f"run-{stamp}.json").write_text(text, encoding="utf-8")
    (RESULTS / "latest.json").write_text(text, encoding="utf-8")
    print()
    print(f"Marginalia benchmarks ({'quick' if args.quick else 'full'} run, {result['seconds']} s; commit "
          f"{result['commit']}; Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"{os.cpu_count()} CPUs; load average {load_before[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at "
          "the end)")
    print()
    print(table(rows))
    for r in rows:
        if r.get("note"):
            print(f"note ({r['key']}): {r['note']}")
    if args.compare:
        print()
        print(compare(rows, args.compare))
    print(f"\nwritten: bench/results/run-{stamp}.json and bench/results/latest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
