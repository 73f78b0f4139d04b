"""Pre-annotation throughput, writes included, against the raw ``nlp.pipe`` of the same pipeline.

    python3 bench/run_preannotate.py [--docs N] [--batch-size B] [--quick]

Generates N news-sized documents (2-4 kB, quotes, titles, dates, numbers; names with Turkish
and other non-ASCII letters), imports them into a fresh database (not timed), then measures in
the same run:

* floor: ``for doc in nlp.pipe(texts, batch_size=B)`` of the builtin pipeline (the raw speed of
  the rules themselves);
* full path: ``store.suggestions.run_preannotation`` (reading texts from SQLite, ``nlp.pipe``
  with ids, conversion to suggestions, one transaction per batch with its audit events).

The goal is full/floor throughput >= 0.9. Each measure is repeated and the best run kept (the
floor and the full path get the same treatment). Results go to bench/results/preannotate.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotate.model import AnnotatedDocument, Document  # noqa: E402
from annotate.preannotate import load_annotator  # noqa: E402
from store import Store  # noqa: E402
from store.suggestions import run_preannotation  # noqa: E402

GOAL = 0.9
FILLER = ("the talks between the two sides on a ceasefire would continue despite disagreements over the "
          "methodology of the negotiations and the role of foreign powers in the conflict which has displaced "
          "thousands of people since the spring offensive began near the coast").split()
PEOPLE = ["Mevlüt Çavuşoğlu", "Sergei Lavrov", "Ayşe Yılmaz", "Khalifa Haftar", "Fayez al-Sarraj", "Olaf Berg",
          "İbrahim Kalın", "Maria Santos", "Chen Wei", "Amina Diallo"]
TITLES = ["Foreign Minister", "President", "spokesman", "General", "Prime Minister", "Defence Minister"]
PLACES = ["Turkey", "Russia", "Libya", "Tripoli", "Ankara", "Cairo", "İstanbul", "Moscow", "Sirte", "Misrata"]
ORGS = ["NATO", "the United Nations", "the European Union", "the Russian Foreign Ministry", "Reuters", "GNA"]
DATES = ["on June 20", "last year", "over the weekend", "in 2015", "early this month", "on Monday"]
NUMBERS = ["450 kilometers", "$2.5 billion", "12 percent", "three", "1,200"]


def make_texts(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        size = rng.randint(2000, 4000)
        paragraphs, length = [], 0
        while length < size:
            person = rng.choice(PEOPLE)
            kind = rng.random()
            words = " ".join(rng.choice(FILLER) for _ in range(rng.randint(8, 20)))
            if kind < 0.3:
                s = (f"{rng.choice(TITLES)} {person} said {rng.choice(DATES)} that {words} in "
                     f"{rng.choice(PLACES)}.")
            elif kind < 0.55:
                s = f"“{words.capitalize()} with {rng.choice(ORGS)},” {person.split()[-1]} told {rng.choice(ORGS)}."
            elif kind < 0.8:
                s = (f"{rng.choice(PLACES)} and {rng.choice(PLACES)} agreed {rng.choice(DATES)} on "
                     f"{rng.choice(NUMBERS)} of {words}.")
            else:
                s = f"{words.capitalize()}, {rng.choice(ORGS)} reported from {rng.choice(PLACES)}."
            paragraphs.append(s)
            length += len(s) + 2
        texts.append("\n\n".join(paragraphs))
    return texts


def measure_floor(nlp, texts: list[str], batch_size: int) -> float:
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    return time.perf_counter() - start


def measure_full(db_dir: Path, texts: list[str], batch_size: int, run: int) -> tuple[float, dict]:
    path = db_dir / f"bench-{run}.db"
    with Store.open(str(path), "bench") as store:
        store.import_documents([AnnotatedDocument(Document(f"d{i}", t)) for i, t in enumerate(texts)])
        annotator = load_annotator("builtin", store.schema)
        annotator.nlp("warm up")
        start, cpu = time.perf_counter(), time.process_time()
        result = run_preannotation(store, annotator, batch_size=batch_size)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        counts = {"cpu_s": cpu, "suggestions": result.stats.added, "documents": result.stats.documents, "tokens": result.tokens,
                  "audit_events": store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]}
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(str(path) + suffix):
            os.remove(str(path) + suffix)
    return elapsed, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="300 documents, 2 repeats")
    parser.add_argument("--dir", type=Path, default=None, help="folder for the databases (default: a temp folder)")
    args = parser.parse_args()
    if args.quick:
        args.docs, args.repeats = 300, 2
    texts = make_texts(args.docs)
    words = sum(len(t.split()) for t in texts)
    nlp = load_annotator("builtin", __import__("annotate.schema", fromlist=["x"]).default_schema()).nlp
    nlp("warm up")
    floors, fulls, counts = [], [], {}
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for run in range(args.repeats):
            floors.append(measure_floor(nlp, texts, args.batch_size))
            elapsed, counts = measure_full(Path(tmp), texts, args.batch_size, run)
            fulls.append(elapsed)
    floor, full = min(floors), min(fulls)
    ratio = floor / full
    rows = [("nlp.pipe (floor)", floor), ("preannotate + writes", full)]
    print(f"{args.docs} documents, {words} words, batch size {args.batch_size}, best of {args.repeats}\n")
    print(f"{'path':<24} {'seconds':>8} {'docs/s':>9} {'words/s':>10}")
    for name, seconds in rows:
        print(f"{name:<24} {seconds:>8.2f} {args.docs / seconds:>9.1f} {words / seconds:>10.0f}")
    print(f"\nthroughput ratio (full / floor): {ratio:.3f}  (goal >= {GOAL}) "
          f"{'OK' if ratio >= GOAL else 'UNDER GOAL'}")
    print(f"{counts.get('suggestions', 0)} suggestions, {counts.get('audit_events', 0)} audit events written")
    result = {
        "machine": {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                    "platform": platform.platform(), "cpus": os.cpu_count()},
        "documents": args.docs, "words": words, "batch_size": args.batch_size, "repeats": args.repeats,
        "floor_s": floor, "full_s": full, "floor_runs_s": floors, "full_runs_s": fulls,
        "floor_docs_per_s": args.docs / floor, "full_docs_per_s": args.docs / full,
        "floor_words_per_s": words / floor, "full_words_per_s": words / full,
        "ratio": ratio, "goal": GOAL, **counts,
    }
    out = ROOT / "bench" / "results" / "preannotate.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
