"""Drive a Store through every kind of user action until killed (tests/reliability, tests/stress).

Usage: python3 crash_driver.py DB SEED [MAX_ACTIONS]

The actions are the ones the window performs, through the same Store API: add / relabel /
resize / delete entities, accept / reject / correct / accept-all suggestions, claims (add and
edit), stances (add and edit), relations (add and relabel), document labels, status, undo and
redo, and now and then the import of a new document with suggestions.

A line "ready N" is printed once the store is open (N = events already in the file). After each
action RETURNS with an audit event, one JSON line goes to stdout and is flushed:

    {"seq": 12, "action": "relabel", "hash": "<the event's hash>", "rows": 2, "doc": "..."}

so every complete line is an action the store reported as committed, with the hash of its audit
event (which covers every row it wrote). "end" is printed when MAX_ACTIONS are done.
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
         ("Turkey", "Haftar", "United Arab Emirates", "Kalın", "2015", "Çavuşoğlu", "Lavrov", "Moscow", "Monday",
          "truce", "positions"))]
CLAIMS = [(62, 92), (62, 143), (144, 185)]
LABELS = ["PERSON", "GPE", "ORG", "NORP", "DATE", "LOC"]
RELATIONS = ["BACKED_BY", "OPPOSES", "ALLIED_WITH", "SAME_AS", "MEMBER_OF"]
POLARITIES = ["FAVOR", "AGAINST", "NEUTRAL"]
DOC_LABELS = ["politics", "diplomacy", "conflict", "economy"]
CLAIM_TYPES = ["statement", "opinion", "prediction"]


def emit(store: Store, changes) -> None:
    if changes.event is None:
        return
    seq = changes.event
    digest, count_rows = store.conn.execute(
        "SELECT hash, json_array_length(changes, '$.rows') FROM audit WHERE seq = ?", [seq]).fetchone()
    line = json.dumps({"seq": seq, "action": changes.action, "hash": digest, "rows": count_rows,
                       "doc": sorted(changes.doc_ids)})
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    db, seed = sys.argv[1], int(sys.argv[2])
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 10**9
    rng = random.Random(seed)
    store = Store.open(db, f"driver{seed % 3}")
    sys.stdout.write(f"ready {store.conn.execute('SELECT count(*) FROM audit').fetchone()[0]}\n")
    sys.stdout.flush()
    counter = store.document_count()

    def new_document() -> str:
        nonlocal counter
        counter += 1
        doc_id = f"seed{seed}-doc{counter}"
        chosen = rng.sample(WORDS, 5)
        spans = [Span(f"s{n}", a, b, rng.choice(LABELS), decision="suggested", origin="model:crash@1",
                      score=round(rng.random(), 3)) for n, (a, b) in enumerate(chosen)]
        start, end = rng.choice(CLAIMS)
        spans.append(Span("c0", start, end, "CLAIM", "claim", decision="suggested", origin="model:crash@1",
                          claimant="s0", claim_type="statement"))
        result = store.import_documents([AnnotatedDocument(Document(doc_id, TEXT, {"title": doc_id}),
                                                           Annotations(spans))],
                                        as_suggestions=True, source="crash test")
        assert result.documents == 1
        seq, digest, count_rows = store.conn.execute(
            "SELECT seq, hash, json_array_length(changes, '$.rows') FROM audit WHERE action = 'import' AND doc_id = ?",
            [doc_id]).fetchone()
        sys.stdout.write(json.dumps({"seq": seq, "action": "import", "hash": digest, "rows": count_rows,
                                     "doc": [doc_id]}) + "\n")
        sys.stdout.flush()
        return doc_id

    docs = [new_document()]
    done = 0
    while done < limit:
        done += 1
        changes = random_action(store, rng, docs, new_document)
        if changes is not None:
            emit(store, changes)
    sys.stdout.write("end\n")
    sys.stdout.flush()
    store.close()


def random_action(store: Store, rng: random.Random, docs: list[str], new_document):
    """One random user action on one of the last documents of ``docs`` (``new_document()`` imports
    and reports a new one, and appends nothing: the caller's list is extended here). Returns the
    action's Changes, or None when it was refused (nothing written) or reported already."""
    doc = rng.choice(docs[-3:])
    ann = store.annotations(doc)
    entities = [s for s in ann.spans if s.layer == "entity"]
    decided = [s for s in entities if s.decision != "suggested" and s.decision != "rejected"]
    suggested = [s for s in ann.spans if s.decision == "suggested"]
    claims = [s for s in ann.spans if s.layer == "claim" and s.decision != "rejected"]
    live = [s for s in ann.spans if s.decision != "rejected"]
    choice = rng.random()
    try:
        if choice < 0.03:
            docs.append(new_document())
            return None
        if choice < 0.12:
            a, b = rng.choice(WORDS)
            return store.add_entity(doc, a, b, rng.choice(LABELS))
        if choice < 0.18 and suggested:
            return store.accept(doc, rng.choice(suggested).id)
        if choice < 0.22 and suggested:
            return store.reject(doc, rng.choice(suggested).id)
        if choice < 0.27 and [s for s in suggested if s.layer == "entity"]:
            span = rng.choice([s for s in suggested if s.layer == "entity"])
            if rng.random() < 0.5:
                return store.correct(doc, span.id, label=rng.choice(LABELS))
            a, b = rng.choice(WORDS)
            return store.correct(doc, span.id, start=a, end=b)
        if choice < 0.30 and suggested:
            return store.accept_all(doc, layer=rng.choice([None, "entity", "claim"]))
        if choice < 0.36 and entities:
            return store.relabel(doc, rng.choice(entities).id, rng.choice(LABELS))
        if choice < 0.42 and live:
            span = rng.choice(live)
            a, b = rng.choice(CLAIMS if span.layer == "claim" else WORDS)
            return store.resize(doc, span.id, a, b)
        if choice < 0.47:
            a, b = rng.choice(CLAIMS)
            claimant = rng.choice(decided).id if decided and rng.random() < 0.7 else None
            return store.add_claim(doc, a, b, claimant=claimant, claim_type=rng.choice(CLAIM_TYPES),
                                   checkworthy=rng.choice([True, False, None]))
        if choice < 0.51 and claims:
            return store.update_claim(doc, rng.choice(claims).id, claim_type=rng.choice(CLAIM_TYPES),
                                      checkworthy=rng.choice([True, False]),
                                      claimant=rng.choice([None, *[e.id for e in decided]]))
        if choice < 0.57 and len(decided) >= 2:
            head, tail = rng.sample(decided, 2)
            return store.add_relation(doc, head.id, tail.id, rng.choice(RELATIONS))
        if choice < 0.60 and ann.relations:
            return store.relabel_relation(doc, rng.choice(ann.relations).id, rng.choice(RELATIONS))
        if choice < 0.65 and decided and live:
            holder = rng.choice(decided)
            target = rng.choice([s for s in live if s.id != holder.id] or [holder])
            evidence = rng.choice(claims).id if claims and rng.random() < 0.3 else None
            return store.add_stance(doc, holder.id, target.id, rng.choice(POLARITIES), evidence=evidence)
        if choice < 0.68 and ann.stances:
            return store.update_stance(doc, rng.choice(ann.stances).id, polarity=rng.choice(POLARITIES))
        if choice < 0.75 and (live or ann.relations or ann.stances):
            pool = [s.id for s in live] + [r.id for r in ann.relations] + [s.id for s in ann.stances]
            return store.delete(doc, rng.choice(pool))
        if choice < 0.78:
            return store.set_document_labels(doc, rng.sample(DOC_LABELS, rng.randint(0, 3)))
        if choice < 0.81:
            return store.set_status(doc, rng.choice(["in_progress", "done", "skipped"]), "crash test")
        if choice < 0.93 and store.undo_status().can_undo:
            return store.undo()
        if store.undo_status().can_redo:
            return store.redo()
        return None
    except ValidationError:
        # Refused (a relation the schema forbids, a claimant that is a claim...): nothing written.
        return None


if __name__ == "__main__":
    main()
