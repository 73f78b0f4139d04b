"""The benchmark suite: every measure against a floor measured in the same run, in one table.

    python3 bench/run.py [--quick] [--only GROUP,...] [--compare bench/results/OLD.json]

Each group runs in a process of its own (so peak RSS is per group, and Qt starts fresh), made
by this same script with ``--group``; the groups reuse the functions of run_window.py,
run_arcs.py, run_preannotate.py, run_export.py and run_store.py. The large corpora come from
corpus.py (built once, cached in bench/results/).

Printed: measure, floor, ours, ratio, goal, pass/miss. Written: bench/results/run-<time>.json
and bench/results/latest.json; ``--compare FILE`` prints each measure's change against an
earlier one. --quick (a few minutes once the corpora are cached) runs fewer repeats and smaller
pre-annotation, export and import sets; the full run is what bench/README.md reports.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import statistics
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

GROUPS = ("startup", "window", "corpus", "rss", "preannotate", "export", "store")
SMALL, LARGE = 1_000, 100_000


def median(values):
    return statistics.median(values) if values else float("nan")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def row(key: str, measure: str, unit: str, floor, ours, goal: str, *, ratio=None, check=None, note: str = "",
        **extra) -> dict:
    """One line of the table. ``goal`` reads ``<= 1.5x`` / ``>= 0.9x`` (against the ratio) or
    ``< 16 ms`` (against ours); ``check`` overrides. Ratio is ours / floor unless given."""
    if ratio is None and floor not in (None, 0) and ours is not None:
        ratio = ours / floor
    ok = None
    if check is not None:
        ok = bool(check)
    elif goal.startswith(("<=", ">=", "<", ">")) and ours is not None:
        op, value = goal.split()[0], float(goal.split()[1].rstrip("x"))
        subject = ratio if goal.split()[1].endswith("x") else ours
        if subject is not None:
            ok = {"<=": subject <= value, ">=": subject >= value, "<": subject < value, ">": subject > value}[op]
    return {"key": key, "measure": measure, "unit": unit, "floor": floor, "ours": ours, "ratio": ratio,
            "goal": goal, "ok": ok, "note": note, **extra}


# ---- start-up: subprocess wall time to the first paint ---------------------------------------

_PAINT_HOOK = r"""
import sys, time, resource
def _hook(window, created_at=None):
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication
    spacy_at_window = "spacy" in sys.modules
    class First(QObject):
        done = False
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and not self.done:
                self.done = True
                QTimer.singleShot(0, report)   # after this paint: the event loop is free again
            return False
    def report():
        print("PAINTED", time.perf_counter(), int(spacy_at_window), int("spacy" in sys.modules),
              resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, flush=True)
        QApplication.instance().quit()
    window._bench_first = First()
    window.installEventFilter(window._bench_first)
"""

FLOOR_CHILD = _PAINT_HOOK + r"""
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
w = QWidget()
w.resize(1400, 860)
_hook(w)
w.show()
app.exec()
"""

OURS_CHILD = _PAINT_HOOK + r"""
sys.path.insert(0, ROOT)
import ui.app as _app
_open = _app.open_window
def _patched(store, **kw):
    window = _open(store, **kw)
    _hook(window)
    return window
_app.open_window = _patched
import main
sys.exit(main.main(["gui", "--db", DB, "--user", "bench"]))
"""


def _first_paint(code: str, env: dict) -> dict:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    line = next((x for x in out.stdout.splitlines() if x.startswith("PAINTED")), None)
    if line is None:
        raise RuntimeError(f"start-up child failed:\n{out.stdout}\n{out.stderr}")
    _, at, spacy_window, spacy_paint, rss = line.split()
    return {"ms": (float(at) - started) * 1000, "spacy_at_window": spacy_window == "1",
            "spacy_at_paint": spacy_paint == "1", "rss_mb": float(rss)}


def group_startup(quick: bool) -> list[dict]:
    from store import Store
    from store.seeding import seed_if_empty

    runs = 3 if quick else 7
    tmp = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    db = tmp / "marginalia.db"
    with Store.open(str(db), "bench") as store:  # the first run's database: the sample, pre-annotated
        seed_if_empty(store)
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               MARGINALIA_HOME=str(tmp), XDG_CONFIG_HOME=str(tmp / "config"))
    large = __import__("corpus").ensure(LARGE)
    ours_code = OURS_CHILD.replace("ROOT", repr(str(ROOT))).replace("DB", repr(str(db)))
    large_code = OURS_CHILD.replace("ROOT", repr(str(ROOT))).replace("DB", repr(str(large)))
    floors, ours, larges = [], [], []
    _first_paint(FLOOR_CHILD, env), _first_paint(ours_code, env)  # warm the disk cache
    for _ in range(runs):  # interleaved, so both see the same moments of a busy machine
        floors.append(_first_paint(FLOOR_CHILD, env))
        ours.append(_first_paint(ours_code, env))
        larges.append(_first_paint(large_code, env))
    floor_ms = median([r["ms"] for r in floors])
    ours_ms = median([r["ms"] for r in ours])
    large_ms = median([r["ms"] for r in larges])
    spacy = any(r["spacy_at_window"] for r in ours + larges)
    spacy_paint = sum(r["spacy_at_paint"] for r in ours)
    return [
        row("startup", "start-up to interactive window (sample db), median of "
            f"{runs} processes; floor: import PySide6.QtWidgets + empty window", "ms", floor_ms, ours_ms, "<= 1.5x",
            runs_ms=[r["ms"] for r in ours], floor_runs_ms=[r["ms"] for r in floors]),
        row("startup_100k", f"start-up to interactive window ({LARGE:,}-document corpus, 1.5 GB)", "ms",
            floor_ms, large_ms, "<= 1.5x", runs_ms=[r["ms"] for r in larges]),
        row("startup_no_spacy", "spaCy not imported when the window is made (sys.modules)", "", None,
            "no" if not spacy else "yes", "not imported", check=not spacy,
            note=f"imported by the first paint in {spacy_paint} of {runs} runs (warm-up thread)"),
        row("rss_empty", "peak RSS: empty Qt window process (the floor of the RSS rows)", "MB", None,
            median([r["rss_mb"] for r in floors]), "report"),
    ]


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
    from PySide6.QtWidgets import QApplication

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
    floors, fulls = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(repeats):
            floors.append(rp.measure_floor(nlp, texts, 64))
            fulls.append(rp.measure_full(Path(tmp), texts, 64, run)[0])
    floor, full = median(floors), median(fulls)
    return [row("preannotate", f"pre-annotation of {docs:,} documents, writes included, docs/s; "
                "floor: raw nlp.pipe", "docs/s", docs / floor, docs / full, ">= 0.9x", ratio=floor / full)]


def group_export(quick: bool) -> list[dict]:
    import run_export
    r = run_export.measure(5_000 if quick else 50_000)
    return [row("export", f"JSONL export of {r['documents']:,} documents, docs/s; floor: bare json.dumps loop",
                "docs/s", r["floor_docs_per_s"], r["export_docs_per_s"], ">= 0.8x", ratio=r["ratio"],
                traced_peak_mb=r["traced_peak_mb_all"])]


def group_store(quick: bool) -> list[dict]:
    import run_store
    n_docs, n_actions, repeats = (1000, 150, 1) if quick else (10_000, 501, 3)
    r = run_store.measure(n_docs, n_actions, repeats, RESULTS)
    imp, act = r["import"], r["action"]
    return [
        row("import", f"import {n_docs:,} documents through the store (validated, audited); floor: raw "
            "sqlite3 executemany", "s", imp["floor_s"], imp["store_s"], "report"),
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
    if args.group == "window":
        return group_window(quick)
    if args.group == "corpus":
        return group_corpus(args.size, quick)
    if args.group == "rss":
        return group_rss_long(args.db)
    return {"preannotate": group_preannotate, "export": group_export, "store": group_store}[args.group](quick)


def run_all(groups: list[str], quick: bool) -> list[dict]:
    import corpus
    rows: list[dict] = []
    for group in groups:
        print(f"[{time.strftime('%H:%M:%S')}] {group} ...", flush=True)
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
    empty = next((r for r in rows if r["key"] == "rss_empty"), None)
    for r in rows:  # the RSS rows' floor: the empty Qt window, when measured in this run
        if r["key"] == "rss_1mb" and empty:
            r["floor"], r["ratio"] = empty["ours"], r["ours"] / empty["ours"]
    return rows


def fmt(value, unit: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if unit == "docs/s":
        return f"{value:,.0f}/s"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


def table(rows: list[dict]) -> str:
    lines = ["| measure | floor | ours | ratio | goal | result |", "| --- | ---: | ---: | ---: | --- | --- |"]
    for r in rows:
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}x"
        result = {True: "pass", False: "**miss**", None: ""}[r["ok"]]
        lines.append(f"| {r['measure']} | {fmt(r['floor'], r['unit'])} | {fmt(r['ours'], r['unit'])} | {ratio} | "
                     f"{r['goal']} | {result} |")
    return "\n".join(lines)


def compare(rows: list[dict], old_path: Path) -> str:
    old = {r["key"]: r for r in json.loads(old_path.read_text())["rows"]}
    lines = [f"compared with {old_path}:", "| measure | ours before | ours now | change | ratio before | ratio now |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        o = old.get(r["key"])
        if o is None or not isinstance(r["ours"], (int, float)) or not isinstance(o["ours"], (int, float)):
            continue
        change = (r["ours"] - o["ours"]) / o["ours"] * 100 if o["ours"] else float("nan")
        ratios = [f"{x:.2f}x" if x is not None else "" for x in (o.get("ratio"), r.get("ratio"))]
        lines.append(f"| {r['key']} | {fmt(o['ours'], r['unit'])} | {fmt(r['ours'], r['unit'])} | {change:+.0f}% | "
                     f"{ratios[0]} | {ratios[1]} |")
    return "\n".join(lines)


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
    started = time.perf_counter()
    rows = run_all(groups, args.quick)
    result = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                 text=True).stdout.strip(),
        "quick": args.quick, "groups": groups, "seconds": round(time.perf_counter() - started),
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
          f"{os.cpu_count()} CPUs)")
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
