"""Store benchmarks: bulk import and one committed user action, against raw sqlite3 floors.

    python3 bench/run_store.py [--quick] [--dir DIR]

(a) Importing N generated news-sized documents (2-4 kB, ~10 entities each) through
    Store.import_documents (validation, one audit event per document, one transaction), against
    a floor: plain sqlite3 ``executemany`` of the same document and span rows into the same
    table layout in a fresh file with the same PRAGMAs (WAL, synchronous=FULL).
(b) The latency of one committed user action (Store.add_entity / accept / relabel: each a
    BEGIN IMMEDIATE transaction with its audit event, committed before it returns), against a
    floor: a raw single-row INSERT + COMMIT with the same PRAGMAs.

Each figure is reported with its floor, measured in the same run on the same disk, and the
ratio. Results go to bench/results/store.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotate.model import AnnotatedDocument, Annotations, Document, Span  # noqa: E402
from store import Store  # noqa: E402
from store.migrations import create_schema  # noqa: E402
from store.rows import dumps, now, span_row  # noqa: E402

WORDS = ("the ministry said on monday that talks between the two sides on a ceasefire would continue "
         "despite disagreements over the methodology of the negotiations and the role of foreign "
         "powers in the conflict which has displaced thousands of people since the spring offensive "
         "officials told reporters after the meeting in the capital").split()
NAMES = [("Turkey", "GPE"), ("Russia", "GPE"), ("Libya", "GPE"), ("Khalifa Haftar", "PERSON"),
         ("Mevlüt Çavuşoğlu", "PERSON"), ("NATO", "ORG"), ("the United Nations", "ORG"), ("Tripoli", "GPE"),
         ("Libyans", "NORP"), ("Sunday", "DATE"), ("Moscow", "GPE"), ("Ibrahim Kalın", "PERSON")]


def make_documents(count: int, seed: int = 11) -> list[AnnotatedDocument]:
    """News-sized documents: 2-4 kB of text, about ten entities each, with non-ASCII names."""
    rng = random.Random(seed)
    docs = []
    for n in range(count):
        size = rng.randint(2000, 4000)
        parts, spans, length = [], [], 0
        every = size // 11
        next_entity = rng.randint(20, every)
        while length < size:
            if length >= next_entity:
                name, label = rng.choice(NAMES)
                spans.append(Span(f"e{len(spans) + 1}", length, length + len(name), label, origin="model:bench@1",
                                  decision="accepted", annotator="bench", score=round(rng.random(), 3)))
                word = name
                next_entity = length + rng.randint(every // 2, every * 3 // 2)
            else:
                word = rng.choice(WORDS)
            sep = ".\n\n" if rng.random() < 0.02 else " "
            parts.append(word + sep)
            length += len(word) + len(sep)
        text = "".join(parts)
        docs.append(AnnotatedDocument(Document(f"news-{n:06d}", text, {"title": text[:60], "source": "bench"}),
                                      Annotations(spans)))
    return docs


# ---- the floors: raw sqlite3, same layout, same PRAGMAs ------------------------------------

def floor_connection(path: Path) -> sqlite3.Connection:
    """The store's own tables, indexes and triggers (its migrations' SQL), its PRAGMAs, and
    nothing of the store above them."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    create_schema(conn)
    return conn


def floor_rows(docs: list[AnnotatedDocument]) -> tuple[list, list]:
    at = now()
    doc_rows = [(d.document.id, d.document.text, d.document.sha256, dumps(d.document.meta), at) for d in docs]
    span_rows = [tuple(span_row(d.document.id, s, at).values()) for d in docs for s in d.annotations.spans]
    return doc_rows, span_rows


def floor_import(path: Path, doc_rows: list, span_rows: list, cpu: list | None = None) -> float:
    """Seconds of wall time; the CPU seconds are appended to ``cpu`` when given."""
    conn = floor_connection(path)
    columns = ", ".join(f'"{c}"' for c in span_row("d", Span("x", 0, 1, "GPE"), "t"))
    started, cpu_started = time.perf_counter(), time.process_time()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO documents (id, text, sha256, meta, created_at) VALUES (?, ?, ?, ?, ?)", doc_rows)
    conn.executemany(f"INSERT INTO spans ({columns}) VALUES ({', '.join('?' * len(span_rows[0]))})", span_rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    if cpu is not None:
        cpu.append(time.process_time() - cpu_started)
    conn.close()
    return elapsed


def store_import(path: Path, docs: list[AnnotatedDocument], cpu: list | None = None) -> tuple[float, int]:
    """Seconds of wall time and the spans written; the CPU seconds are appended to ``cpu`` when given."""
    with Store.open(str(path), "bench") as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        started, cpu_started = time.perf_counter(), time.process_time()
        result = store.import_documents(docs, source="bench")
        elapsed = time.perf_counter() - started
        if cpu is not None:
            cpu.append(time.process_time() - cpu_started)
        assert result.documents == len(docs)
    return elapsed, result.spans


class FloorActions:
    """A raw single-row INSERT + COMMIT, the cheapest durable write with the same PRAGMAs."""

    def __init__(self, path: Path):
        self.conn = floor_connection(path)
        self.at = now()
        self.conn.execute("INSERT INTO documents (id, text, sha256, meta, created_at) VALUES ('d', 'x', 'h', '{}', ?)",
                          [self.at])
        names = list(span_row("d", Span("x", 0, 1, "GPE"), "t"))
        columns = ", ".join(f'"{c}"' for c in names)
        self.sql = f"INSERT INTO spans ({columns}) VALUES ({', '.join('?' * len(names))})"
        self.n = 0

    def __call__(self) -> float:
        self.n += 1
        row = tuple(span_row("d", Span(f"e{self.n}", 0, 6, "GPE", annotator="bench", origin="bench"), self.at).values())
        started = time.perf_counter()
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute(self.sql, row)
        self.conn.execute("COMMIT")
        return time.perf_counter() - started

    def close(self) -> None:
        self.conn.close()


def actions(store_path: Path, floor_path: Path, docs: list[AnnotatedDocument], count: int):
    """add entity, accept, relabel in turn on documents that have suggestions to review; each store
    action is followed by one floor write, so that both see the same moments of a busy machine."""
    times: dict[str, list[float]] = {"add entity": [], "accept": [], "relabel": []}
    floor_times: list[float] = []
    floor = FloorActions(floor_path)
    with Store.open(str(store_path), "bench") as store:
        store.import_documents(docs, as_suggestions=True, origin="model:bench@1")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        queue = [(d.document.id, s) for d in docs for s in d.annotations.spans]
        position = 0
        added: list[tuple[str, str]] = []
        labels = ["PERSON", "ORG", "GPE", "NORP"]
        for n in range(count):
            kind = ("add entity", "accept", "relabel")[n % 3]
            if kind == "add entity":
                # A person's entity over a suggestion settles it: the next action takes the next one.
                doc_id, span = queue[position % len(queue)]
                position += 1
                started = time.perf_counter()
                changes = store.add_entity(doc_id, span.start, span.end, "ORG")
                elapsed = time.perf_counter() - started
                added.append((doc_id, changes.created[0]))
            elif kind == "accept":
                doc_id, span = queue[position]
                position += 1
                started = time.perf_counter()
                store.accept(doc_id, span.id)
                elapsed = time.perf_counter() - started
            else:
                doc_id, span_id = added[-1]
                started = time.perf_counter()
                store.relabel(doc_id, span_id, labels[n % len(labels)])
                elapsed = time.perf_counter() - started
            times[kind].append(elapsed)
            floor_times.append(floor())
        assert store.verify().ok
    floor.close()
    return times, floor_times


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"median_ms": statistics.median(ordered) * 1000, "p99_ms": p99 * 1000, "n": len(ordered)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 documents and 150 actions, one repeat")
    parser.add_argument("--dir", type=Path, default=None,
                        help="where to put the scratch databases (default: a temporary folder on the disk of bench/)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "store.json")
    args = parser.parse_args()
    n_docs, n_actions, repeats = (1000, 150, 1) if args.quick else (10_000, 501, 3)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    results = measure(n_docs, n_actions, repeats, args.dir or args.out.parent)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    report(results, args.out)


def measure(n_docs: int, n_actions: int, repeats: int, scratch_parent: Path) -> dict:
    """(a) and (b) above; the scratch databases go to a temporary folder in ``scratch_parent``."""
    Path(scratch_parent).mkdir(parents=True, exist_ok=True)  # a fresh checkout has no bench/results yet
    scratch = Path(tempfile.mkdtemp(prefix="store-bench-", dir=scratch_parent))
    try:
        docs = make_documents(n_docs)
        text_bytes = sum(len(d.document.text.encode()) for d in docs)
        n_spans = sum(len(d.annotations.spans) for d in docs)
        doc_rows, span_rows = floor_rows(docs)

        store_times, floor_times, store_cpu, floor_cpu = [], [], [], []
        for r in range(repeats):
            floor_times.append(floor_import(scratch / f"floor-import-{r}.db", doc_rows, span_rows, floor_cpu))
            store_times.append(store_import(scratch / f"store-import-{r}.db", docs, store_cpu)[0])
            for leftover in scratch.glob("*import*"):
                leftover.unlink()
        store_s, floor_s = statistics.median(store_times), statistics.median(floor_times)

        action_docs = make_documents(max(60, n_actions // 6), seed=23)
        store_lat, floor_lat = actions(scratch / "store-actions.db", scratch / "floor-actions.db", action_docs,
                                       n_actions)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    all_actions = [t for values in store_lat.values() for t in values]
    action = summary(all_actions)
    floor = summary(floor_lat)
    results = {
        "machine": {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                    "platform": platform.platform(), "cpus": os.cpu_count()},
        "import": {"documents": n_docs, "spans": n_spans, "text_mb": round(text_bytes / 1e6, 2),
                   "repeats": repeats, "store_s": store_s, "floor_s": floor_s, "ratio": store_s / floor_s,
                   "store_best_s": min(store_times), "floor_best_s": min(floor_times),
                   "ratio_best": min(store_times) / min(floor_times),
                   "store_runs_s": store_times, "floor_runs_s": floor_times,
                   "store_cpu_s": statistics.median(store_cpu), "floor_cpu_s": statistics.median(floor_cpu),
                   "store_docs_per_s": n_docs / store_s},
        "action": {"store": action, "by_kind": {k: summary(v) for k, v in store_lat.items()}, "floor": floor,
                   "ratio_median": action["median_ms"] / floor["median_ms"],
                   "ratio_p99": action["p99_ms"] / floor["p99_ms"]},
    }
    return results


def report(results: dict, out: Path) -> None:
    imp, act = results["import"], results["action"]
    n_docs, n_spans, repeats = imp["documents"], imp["spans"], imp["repeats"]
    store_times, floor_times = imp["store_runs_s"], imp["floor_runs_s"]
    print(f"store benchmarks  (Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"WAL + synchronous=FULL)")
    print()
    print(f"{'measure':<44}{'store':>12}{'floor':>12}{'ratio':>8}")
    print("-" * 76)
    print(f"{f'import {n_docs:,} docs ({n_spans:,} entities), median s':<44}{imp['store_s']:>12.2f}{imp['floor_s']:>12.2f}"
          f"{imp['ratio']:>7.2f}x")
    if repeats > 1:
        print(f"{f'  best of {repeats} runs, s':<44}{imp['store_best_s']:>12.2f}{imp['floor_best_s']:>12.2f}"
              f"{imp['ratio_best']:>7.2f}x")
    print(f"{'one committed action, median ms':<44}{act['store']['median_ms']:>12.2f}{act['floor']['median_ms']:>12.2f}"
          f"{act['ratio_median']:>7.2f}x")
    print(f"{'one committed action, p99 ms':<44}{act['store']['p99_ms']:>12.2f}{act['floor']['p99_ms']:>12.2f}"
          f"{act['ratio_p99']:>7.2f}x")
    for kind, figures in act["by_kind"].items():
        print(f"{f'  {kind}, median / p99 ms':<44}{figures['median_ms']:>7.2f} / {figures['p99_ms']:<6.2f}")
    print()
    print(f"import runs (s): store {', '.join(f'{t:.2f}' for t in store_times)}; "
          f"floor {', '.join(f'{t:.2f}' for t in floor_times)}; {imp['store_docs_per_s']:,.0f} docs/s")
    print(f"results written to {out}")


if __name__ == "__main__":
    main()
