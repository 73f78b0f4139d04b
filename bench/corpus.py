"""Benchmark-only corpora: N news-sized documents written with raw ``executemany``, cached.

    python3 bench/corpus.py 100000        # build (or reuse) bench/results/corpus-v1-100000.db

The database is created through ``store.Store.open`` (so ``store.database.open_database``: the
real migrations, schema and PRAGMAs), then the rows go in with plain ``executemany`` in one
transaction: importing 100,000 documents through ``Store.import_documents`` would take minutes
and is measured on its own by ``run_store.py``. Every row is valid for the schema (the same
column values ``store.rows`` builds, real SHA-256 of each text, labels from the schema), but
**no audit events are written**: ``marginalia audit --verify`` would report every row as
"inserted outside Marginalia". That is fine for a benchmark corpus and for nothing else.

What the corpus holds (deterministic, seed 11): 2-4 kB of text per document with non-ASCII
names, about ten entities each; 70% of the documents pre-annotated (entities as suggestions of
``model:bench@1``), the rest imported without; for annotator ``bench``: the first 3% done (their
entities accepted), the next 1% in progress, every 200th skipped.

The file is keyed by size and by ``VERSION`` (bumped when the generator changes) and reused
across runs; bench/results/ is git-ignored.
"""
from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotate.model import Span, text_sha256  # noqa: E402
from store import Store  # noqa: E402
from store.queries import search_pending, sync_search  # noqa: E402
from store.rows import now, span_row  # noqa: E402

VERSION = 1
ANNOTATOR = "bench"
RESULTS = ROOT / "bench" / "results"
WORDS = ("the ministry said on monday that talks between the two sides on a ceasefire would continue "
         "despite disagreements over the methodology of the negotiations and the role of foreign "
         "powers in the conflict which has displaced thousands of people since the spring offensive "
         "officials told reporters after the meeting in the capital").split()
NAMES = [("Turkey", "GPE"), ("Russia", "GPE"), ("Libya", "GPE"), ("Khalifa Haftar", "PERSON"),
         ("Mevlüt Çavuşoğlu", "PERSON"), ("NATO", "ORG"), ("the United Nations", "ORG"), ("Tripoli", "GPE"),
         ("Libyans", "NORP"), ("Sunday", "DATE"), ("Moscow", "GPE"), ("Ibrahim Kalın", "PERSON")]


def _sentences(rng: random.Random, count: int) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """A pool of sentences, each with its entities' offsets (one or two names per sentence)."""
    pool = []
    for _ in range(count):
        words, entities, length = [], [], 0
        slots = sorted(rng.sample(range(4, 30), rng.choice((1, 1, 2))))
        for n in range(rng.randint(24, 36)):
            if n in slots:
                name, label = rng.choice(NAMES)
                entities.append((length, length + len(name), label))
                word = name
            else:
                word = rng.choice(WORDS)
            words.append(word)
            length += len(word) + 1
        text = " ".join(words)
        pool.append((text[0].upper() + text[1:] + ". ", entities))
    return pool


def generate(count: int, seed: int = 11):
    """(doc_id, text, title, entities) for ``count`` documents, 2-4 kB of text each."""
    rng = random.Random(seed)
    pool = _sentences(rng, 4000)
    for n in range(count):
        size = rng.randint(2000, 4000)
        parts, entities, length = [], [], 0
        while length < size:
            text, spans = pool[rng.randrange(len(pool))]
            entities += [(length + s, length + e, label) for s, e, label in spans]
            parts.append(text)
            length += len(text)
            if rng.random() < 0.15:
                parts.append("\n\n")
                length += 2
        text = "".join(parts)
        yield f"news-{n:06d}", text, f"{text[:50].strip()} ({n})", entities


def path_for(count: int) -> Path:
    return RESULTS / f"corpus-v{VERSION}-{count}.db"


def build(path: Path, count: int, *, log=print) -> dict:
    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(str(path) + suffix):
            os.remove(str(path) + suffix)
    with Store.open(str(path), ANNOTATOR) as store:
        conn = store.conn
        at = now()
        span_columns = list(span_row("d", Span("x", 0, 1, "GPE"), at))
        span_sql = (f"INSERT INTO spans ({', '.join(repr(c).replace(chr(39), chr(34)) for c in span_columns)}) "
                    f"VALUES ({', '.join('?' * len(span_columns))})")
        done_until, progress_until = count * 3 // 100, count * 4 // 100
        conn.execute("BEGIN IMMEDIATE")
        documents, spans, status = [], [], []
        rng = random.Random(5)

        def flush():
            conn.executemany("INSERT INTO documents (id, text, sha256, meta, created_at) VALUES (?, ?, ?, ?, ?)",
                             documents)
            conn.executemany(span_sql, spans)
            conn.executemany("INSERT INTO doc_status (doc_id, annotator, status, reason, updated_at) "
                             "VALUES (?, ?, ?, ?, ?)", status)
            documents.clear(), spans.clear(), status.clear()

        n_spans = 0
        for n, (doc_id, text, title, entities) in enumerate(generate(count)):
            documents.append((doc_id, text, text_sha256(text), json.dumps({"title": title, "source": "bench"},
                                                                          ensure_ascii=False), at))
            done = n < done_until
            suggested = not done and rng.random() < 0.7
            if done or suggested:
                for k, (start, end, label) in enumerate(entities):
                    span = Span(f"e{k + 1}", start, end, label, origin="model:bench@1",
                                decision="accepted" if done else "suggested",
                                annotator=ANNOTATOR if done else None, score=round(rng.random(), 3))
                    spans.append(tuple(span_row(doc_id, span, at).values()))
                    n_spans += 1
            if done:
                status.append((doc_id, ANNOTATOR, "done", None, at))
            elif n < progress_until:
                status.append((doc_id, ANNOTATOR, "in_progress", None, at))
            elif n % 200 == 199:
                status.append((doc_id, ANNOTATOR, "skipped", "bench", at))
            if len(documents) >= 5000:
                flush()
                log(f"  corpus {count:,}: {n + 1:,} documents written")
        flush()
        conn.execute("COMMIT")
        rows_s = time.perf_counter() - started
        sync_search(conn)  # the search index, in one go (the triggers queued every document)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("ANALYZE")
    return {"documents": count, "spans": n_spans, "rows_s": round(rows_s, 1),
            "total_s": round(time.perf_counter() - started, 1), "mb": round(path.stat().st_size / 1e6)}


def ensure(count: int, *, log=print) -> Path:
    """The cached corpus of ``count`` documents, built first if it is not there yet."""
    path = path_for(count)
    if path.exists() and not path.with_suffix(".building").exists():
        _index_up_to_date(path, log)
        return path
    RESULTS.mkdir(parents=True, exist_ok=True)
    marker = path.with_suffix(".building")
    marker.touch()
    log(f"building the {count:,}-document corpus (cached in {path.relative_to(ROOT)}) ...")
    info = build(path, count, log=log)
    marker.unlink()
    log(f"  built in {info['total_s']} s ({info['rows_s']} s rows, the rest the search index): "
        f"{info['spans']:,} spans, {info['mb']} MB")
    return path


def _index_up_to_date(path: Path, log) -> None:
    """A corpus built by an older version is migrated on open; a migration that queues documents
    for the search index (m008 folds it) is folded in here, once, rather than measured."""
    with Store.open(str(path), ANNOTATOR) as store:
        if search_pending(store.conn):
            started = time.perf_counter()
            sync_search(store.conn)
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            log(f"  search index of {path.name} brought up to date in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    print(ensure(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
