"""Bulk inputs and kills of the batch commands (preannotate, import), for tests/reliability and tests/stress."""
from __future__ import annotations

import json
import random
import sqlite3
import time
from pathlib import Path

from . import crash_check

TEXT = ("Turkey is against Haftar, whom the United Arab Emirates back. Kalın said a truce is possible "
        "if everybody went back to their positions in 2015. Çavuşoğlu met Lavrov in Moscow on Monday.")
WORDS = ("Turkey Russia Haftar Erdoğan Putin Moscow Ankara Tripoli said the talks on Monday in 2015 with "
         "UAE Libya Egypt Cairo minister").split()


def write_big_jsonl(path: Path, count: int, *, prefix: str = "big", repeat: int = 10,
                    status: str | None = None) -> Path:
    """``count`` documents, each with three entities and a relation (and ``status``, when given)."""
    entities = [{"id": "e1", "start": 0, "end": 6, "label": "GPE"},
                {"id": "e2", "start": 18, "end": 24, "label": "PERSON"},
                {"id": "e3", "start": 35, "end": 55, "label": "GPE"}]
    relations = [{"id": "r1", "head": "e1", "tail": "e2", "label": "OPPOSES"}]
    with open(path, "w", encoding="utf-8") as out:
        for i in range(count):
            record = {"id": f"{prefix}{i}", "text": TEXT * repeat + f" ({i})", "meta": {"title": f"{prefix} {i}"},
                      "entities": entities, "relations": relations}
            if status:
                record["status"] = status
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def write_news_jsonl(path: Path, count: int, seed: int = 1, words: int = 120) -> Path:
    """``count`` plain documents of news-like words (no annotations), for pre-annotation."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(count):
            text = " ".join(rng.choice(WORDS) for _ in range(words)) + "."
            out.write(json.dumps({"id": f"n{i}", "text": text, "meta": {"title": f"n{i}"}}) + "\n")
    return path


def count(path: Path, sql: str) -> int:
    """One number read from the file by another connection, read-only; 0 while it doesn't exist yet."""
    if not path.exists():
        return 0
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def kill_preannotation(db: Path, out_path: Path, delay: float, *, batch_size: int) -> bool:
    """Start `marginalia preannotate --db DB`, let it write for ``delay`` seconds after its first
    batch is committed, SIGKILL it. Returns whether the kill interrupted it."""
    proc = crash_check.start([str(crash_check.ROOT / "main.py"), "preannotate", "--db", str(db),
                              "--batch-size", str(batch_size)], out_path)
    try:
        crash_check.wait_for(lambda: count(db, "SELECT count(*) FROM audit WHERE action = 'preannotate'") > 0,
                             proc, "the first pre-annotated batch")
        time.sleep(delay)
    finally:
        interrupted = crash_check.kill(proc)
    return interrupted


def check_preannotation(db: Path, doc_ids: list[str], batch_size: int, context: str) -> int:
    """Sound, verified, and pre-annotated in whole batches: the documents with the model's suggestions
    are the first k*batch_size in import order (every document of these texts gets some)."""
    crash_check.verify_with_cli(db, context)
    conn = crash_check.check_sound(db, context)
    try:
        with_suggestions = {r[0] for r in conn.execute(
            "SELECT DISTINCT doc_id FROM spans WHERE origin LIKE 'model:builtin%'")}
        with_events = {r[0] for r in conn.execute("SELECT doc_id FROM audit WHERE action = 'preannotate'")}
    finally:
        conn.close()
    assert with_suggestions == with_events, context
    k = len(with_suggestions)
    assert with_suggestions == set(doc_ids[:k]), f"{context}: not a prefix of the documents"
    assert k % batch_size == 0 or k == len(doc_ids), f"{context}: {k} documents, half a batch of {batch_size}"
    return k


def kill_import(db: Path, source: Path, out_path: Path, delay: float) -> bool:
    """Start `marginalia import SOURCE --db DB`; once its transaction is writing (the WAL grows),
    wait ``delay`` seconds and SIGKILL it."""
    wal = Path(str(db) + "-wal")
    proc = crash_check.start([str(crash_check.ROOT / "main.py"), "import", str(source), "--db", str(db)], out_path)
    try:
        crash_check.wait_for(lambda: wal.exists() and wal.stat().st_size > 0, proc, "the import writes")
        time.sleep(delay)
    finally:
        interrupted = crash_check.kill(proc)
    return interrupted


def time_import(db: Path, source: Path, out_path: Path) -> float:
    """Seconds an uninterrupted `marginalia import` spends from its first write to its exit."""
    wal = Path(str(db) + "-wal")
    proc = crash_check.start([str(crash_check.ROOT / "main.py"), "import", str(source), "--db", str(db)], out_path)
    crash_check.wait_for(lambda: wal.exists() and wal.stat().st_size > 0, proc, "the import writes")
    started = time.monotonic()
    proc.wait(timeout=600)
    writing = time.monotonic() - started
    assert not crash_check.kill(proc)  # already exited, with status 0
    return writing


def check_import(db: Path, before: int, count: int, prefix: str, context: str) -> bool:
    """Sound, verified, and the import entirely present or entirely absent; True when present."""
    crash_check.verify_with_cli(db, context)
    conn = crash_check.check_sound(db, context)
    try:
        total = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        imported = conn.execute("SELECT count(*) FROM documents WHERE id LIKE ?", [prefix + "%"]).fetchone()[0]
        spans = conn.execute("SELECT count(*) FROM spans WHERE doc_id LIKE ?", [prefix + "%"]).fetchone()[0]
        relations = conn.execute("SELECT count(*) FROM relations WHERE doc_id LIKE ?", [prefix + "%"]).fetchone()[0]
        events = conn.execute("SELECT count(*) FROM audit WHERE action = 'import' AND doc_id LIKE ?",
                              [prefix + "%"]).fetchone()[0]
    finally:
        conn.close()
    assert (imported, spans, relations, events) in ((0, 0, 0, 0), (count, 3 * count, count, count)), (
        f"{context}: half an import: {imported} documents, {spans} spans, {relations} relations, {events} events")
    assert total == before + imported, context
    return imported == count
