"""Export benchmark: 50,000 generated documents to native JSONL.

Floor (measured in the same run): a bare ``json.dumps`` loop writing the very same records to a
file, with the records already in memory. The export must reach >= 0.8x that rate while
streaming from SQLite in constant memory (peak traced allocation and RSS growth are reported,
for a fifth of the corpus and for all of it: they should be about the same).

    python3 bench/run_export.py [--docs 50000]

Prints a table and writes bench/results/export.json.
"""
from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotate.formats import native_jsonl  # noqa: E402
from annotate.model import AnnotatedDocument, Annotations, Document, Relation, Span, Stance  # noqa: E402
from store import Store  # noqa: E402
from store.export import export_documents  # noqa: E402

WORDS = ("the minister said talks in Tripoli would resume after the ceasefire collapsed on Monday while "
         "observers from Ankara and Moscow warned that a deal was unlikely before the summit in Berlin "
         "Erdoğan Putin Haftar UAE Café “quoted” 👍🏽 🇹🇷").split()
LABELS = ("PERSON", "ORG", "GPE", "NORP")


def make_doc(i: int, rng: random.Random) -> AnnotatedDocument:
    words = [rng.choice(WORDS) for _ in range(rng.randint(120, 260))]
    text = " ".join(words)
    spans, offset, starts = [], 0, []
    for w in words:
        starts.append((offset, offset + len(w)))
        offset += len(w) + 1
    picks = sorted(rng.sample(range(len(words)), 8))
    for n, k in enumerate(picks):
        s, e = starts[k]
        spans.append(Span(f"e{n}", s, e, rng.choice(LABELS), decision="manual", origin="bench", annotator="bench"))
    s, e = starts[picks[0]][0], starts[min(picks[0] + 12, len(words) - 1)][1]
    spans.append(Span("c0", s, e, "CLAIM", "claim", claim_type="statement", claimant="e1", origin="bench",
                      annotator="bench"))
    stances = [Stance("s0", "e2", "c0", "AGAINST", origin="bench", annotator="bench")]
    relations = [Relation("r0", "e3", "e4", "BACKED_BY", origin="bench", annotator="bench")]
    return AnnotatedDocument(Document(f"doc{i:06d}", text, {"title": f"Document {i}", "source": "bench"}),
                             Annotations(spans, stances, relations))


def build(db: Path, n: int) -> None:
    rng = random.Random(7)
    with Store.open(str(db), "bench") as store:
        batch = 5000
        for first in range(0, n, batch):
            store.import_documents((make_doc(i, rng) for i in range(first, min(n, first + batch))))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_export(db: Path, out: Path, limit: int | None = None, trace: bool = False) -> tuple[float, int, float, float]:
    """(wall seconds, documents, traced peak MB, CPU seconds) of one export."""
    with Store.open(str(db), "bench", create=False) as store:
        if limit is not None:
            ids = store.document_ids()[:limit]
            items = store._annotated_page  # noqa: SLF001 - same code path, a prefix of the corpus
        if trace:
            tracemalloc.start()
        start, cpu = time.perf_counter(), time.process_time()
        if limit is None:
            count = sum(export_documents(store, "jsonl", out, force=True).values())
        else:
            with open(out, "w", encoding="utf-8") as f:
                count = 0
                for page in range(0, len(ids), 500):
                    for item in items(ids[page:page + 500]):
                        f.write(native_jsonl.dumps(item))
                        f.write("\n")
                        count += 1
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        peak = 0.0
        if trace:
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
    return elapsed, count, peak, cpu


def measure(docs: int, keep: Path | None = None) -> dict:
    """Build (or reuse ``keep``) a database of ``docs`` documents and measure the export against
    the floor; returns the figures (see the module docstring)."""
    tmp = Path(tempfile.mkdtemp(prefix="marginalia-bench-"))
    try:
        return _measure(docs, keep, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _measure(docs: int, keep: Path | None, tmp: Path) -> dict:
    db = keep or tmp / "bench.db"
    t0 = time.perf_counter()
    if not db.exists():
        build(db, docs)
    build_s = time.perf_counter() - t0
    out = tmp / "out.jsonl"

    # 1. memory: traced peak for a fifth of the corpus and for all of it, and RSS growth
    gc.collect()
    rss_before = rss_mb()
    _, _, peak_small, _ = timed_export(db, tmp / "small.jsonl", limit=docs // 5, trace=True)
    _, n_all, peak_all, _ = timed_export(db, tmp / "traced.jsonl", trace=True)
    rss_growth = rss_mb() - rss_before

    # 2. speed: best of 3 for the export and for the floor over the same records (CPU time too:
    # on a shared machine the wall time adds the waits for a CPU)
    export_times, export_cpu = [], []
    for _ in range(3):
        elapsed, _, _, cpu = timed_export(db, out)
        export_times.append(elapsed)
        export_cpu.append(cpu)
    with Store.open(str(db), "bench", create=False) as store:
        records = [native_jsonl.to_record(item) for item in store.iter_annotated()]
    floor_times, floor_cpu = [], []
    for _ in range(3):
        start, cpu = time.perf_counter(), time.process_time()
        with open(tmp / "floor.jsonl", "w", encoding="utf-8", newline="") as f:
            for record in records:
                f.write(json.dumps(record, ensure_ascii=False))
                f.write("\n")
        floor_times.append(time.perf_counter() - start)
        floor_cpu.append(time.process_time() - cpu)
    with open(tmp / "floor.jsonl", encoding="utf-8") as a, open(out, encoding="utf-8") as b:
        for line_a, line_b in zip(a, b, strict=True):
            assert json.loads(line_a) == json.loads(line_b), "the floor must write the same records"
    n = len(records)
    export_rate = n / min(export_times)
    floor_rate = n / min(floor_times)
    ratio = export_rate / floor_rate
    size_mb = out.stat().st_size / 1e6
    result = {
        "documents": n, "output_mb": round(size_mb, 1), "build_seconds": round(build_s, 1),
        "export_seconds": round(min(export_times), 3), "export_docs_per_s": round(export_rate),
        "floor_seconds": round(min(floor_times), 3), "floor_docs_per_s": round(floor_rate),
        "export_cpu_seconds": round(min(export_cpu), 3), "floor_cpu_seconds": round(min(floor_cpu), 3),
        "ratio": round(ratio, 3), "floor_ratio_required": 0.8, "ok": ratio >= 0.8,
        "traced_peak_mb_fifth": round(peak_small, 2), "traced_peak_mb_all": round(peak_all, 2),
        "rss_growth_mb_during_exports": round(rss_growth, 1),
    }
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=50_000)
    parser.add_argument("--keep", type=Path, help="reuse/keep the generated database at this path")
    args = parser.parse_args()
    result = measure(args.docs, args.keep)
    print(f"{'measure':<34}{'value':>14}")
    print("-" * 48)
    for key, value in result.items():
        print(f"{key:<34}{value!s:>14}")
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "export.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
