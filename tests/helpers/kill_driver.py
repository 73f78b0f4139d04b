"""Drive a Store with many user actions until killed (for tests/test_kill.py).

Usage: python3 kill_driver.py DB SEED [MAX_ACTIONS]

After each action RETURNS, one JSON line goes to stdout and is flushed:
    {"seq": <audit event>, "action": "...", "doc": "...", "rows": [[table, key], ...]}
so every printed line is an action the store reported as committed. A line "ready N" is
printed once the store is open (N = events already in the file).
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from annotate.errors import ValidationError  # noqa: E402
from annotate.model import AnnotatedDocument, Annotations, Document, Span  # noqa: E402
from store import Store  # noqa: E402

TEXT = ("Turkey is against Haftar, whom the United Arab Emirates back. Kalın said a truce is possible "
        "if everybody went back to their positions in 2015. Çavuşoğlu met Lavrov in Moscow on Monday.")
WORDS = [(i, i + len(w)) for i, w in ((TEXT.index(w), w) for w in
         ("Turkey", "Haftar", "United Arab Emirates", "Kalın", "2015", "Çavuşoğlu", "Lavrov", "Moscow", "Monday"))]
LABELS = ["PERSON", "GPE", "ORG", "NORP", "DATE", "LOC"]


def emit(changes) -> None:
    if changes.event is None:
        return
    rows = sorted([["span", i] for i in changes.span_ids] + [["stance", i] for i in changes.stance_ids]
                  + [["relation", i] for i in changes.relation_ids])
    line = json.dumps({"seq": changes.event, "action": changes.action, "doc": sorted(changes.doc_ids),
                       "rows": rows, "created": changes.created})
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    db, seed = sys.argv[1], int(sys.argv[2])
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 10**9
    rng = random.Random(seed)
    store = Store.open(db, "driver")
    sys.stdout.write(f"ready {store.conn.execute('SELECT count(*) FROM audit').fetchone()[0]}\n")
    sys.stdout.flush()
    doc_counter = store.document_count()

    def new_document():
        nonlocal doc_counter
        doc_counter += 1
        doc_id = f"run{seed}-doc{doc_counter}"
        suggestions = Annotations([Span(f"s{n}", a, b, rng.choice(LABELS), decision="suggested",
                                        origin="model:kill@1", score=round(rng.random(), 3))
                                   for n, (a, b) in enumerate(rng.sample(WORDS, 4))])
        result = store.import_documents([AnnotatedDocument(Document(doc_id, TEXT, {"title": doc_id}), suggestions)],
                                        as_suggestions=True, source="kill test")
        seq = store.conn.execute("SELECT max(seq) FROM audit").fetchone()[0]
        sys.stdout.write(json.dumps({"seq": seq, "action": "import", "doc": [doc_id], "rows": [],
                                     "created": [f"s{n}" for n in range(4)], "documents": result.documents}) + "\n")
        sys.stdout.flush()
        return doc_id

    doc = new_document()
    for _ in range(limit):
        ann = store.annotations(doc)
        entities = [s.id for s in ann.entities]
        suggested = [s.id for s in ann.spans if s.decision == "suggested"]
        choice = rng.random()
        try:
            if choice < 0.05:
                doc = new_document()
                continue
            elif choice < 0.25:
                a, b = rng.choice(WORDS)
                emit(store.add_entity(doc, a, b, rng.choice(LABELS)))
            elif choice < 0.35 and suggested:
                emit(store.accept(doc, rng.choice(suggested)))
            elif choice < 0.42 and suggested:
                emit(store.reject(doc, rng.choice(suggested)))
            elif choice < 0.52 and entities:
                emit(store.relabel(doc, rng.choice(entities), rng.choice(LABELS)))
            elif choice < 0.62 and len(entities) >= 2:
                head, tail = rng.sample(entities, 2)
                emit(store.add_relation(doc, head, tail, "SAME_AS"))
            elif choice < 0.68 and len(entities) >= 2:
                holder, target = rng.sample(entities, 2)
                emit(store.add_stance(doc, holder, target, rng.choice(["FAVOR", "AGAINST", "NEUTRAL"])))
            elif choice < 0.72 and entities:
                emit(store.add_claim(doc, 62, 110, claimant=rng.choice(entities), checkworthy=True))
            elif choice < 0.80 and (entities or ann.relations or ann.stances):
                pool = entities + [r.id for r in ann.relations] + [s.id for s in ann.stances]
                emit(store.delete(doc, rng.choice(pool)))
            elif choice < 0.88 and store.undo_status().can_undo:
                emit(store.undo())
            elif choice < 0.93 and store.undo_status().can_redo:
                emit(store.redo())
            elif choice < 0.96 and suggested:
                emit(store.accept_all(doc))
            else:
                emit(store.set_status(doc, rng.choice(["in_progress", "done", "skipped"]), "kill test"))
        except ValidationError:
            # A relabel that a relation's constraints forbid, and the like: refused, nothing written.
            continue
    store.close()


if __name__ == "__main__":
    main()
