"""CSV of entities, claims, stances and relations as rows (export only), for spreadsheets and pandas.

One row per entity, claim, stance or relation (column ``kind``), with the text of every span it
refers to so that a row reads on its own, and one row of kind ``time`` per annotator who spent
time on the document (column ``seconds``: active time, idle left out). Offsets are code points.
``start`` and ``end`` are filled on every row, so they load as integers: a span's own offsets, the
stretch of text a stance or relation joins (from the first of its ends to the last), the whole
document for a time row. The ids of a relation's ends are ``head_id``/``tail_id`` (``head`` and
``tail`` are DataFrame methods). Every decision is written (column ``decision``); filter on
``accepted``/``manual`` for gold. Fields with newlines are quoted (RFC 4180).
"""
from __future__ import annotations

import csv
from pathlib import Path

from ..model import CLAIM, AnnotatedDocument
from .output import TextFileWriter

COLUMNS = ["doc_id", "kind", "id", "start", "end", "text", "label", "claim_type", "checkworthy",
           "claimant", "claimant_text", "holder", "holder_text", "target", "target_text", "polarity",
           "evidence", "evidence_text", "head_id", "head_text", "tail_id", "tail_text", "origin", "decision", "annotator",
           "score", "seconds"]


def rows(item: AnnotatedDocument):
    doc, ann = item.document, item.annotations
    spans = {s.id: s for s in ann.spans}

    def text_of(ref):
        span = spans.get(ref)
        return doc.text[span.start:span.end] if span else None

    def stretch(*refs) -> dict:
        ends = [spans[r] for r in refs if r in spans]
        if not ends:
            return {"start": 0, "end": len(doc.text)}
        return {"start": min(s.start for s in ends), "end": max(s.end for s in ends)}

    for span in ann.spans:
        if span.layer != CLAIM:
            yield {"doc_id": doc.id, "kind": "entity", "id": span.id, "start": span.start, "end": span.end,
                   "text": doc.text[span.start:span.end], "label": span.label, "origin": span.origin,
                   "decision": span.decision, "annotator": span.annotator, "score": span.score}
            continue
        yield {"doc_id": doc.id, "kind": "claim", "id": span.id, "start": span.start, "end": span.end,
               "text": doc.text[span.start:span.end], "label": span.label, "claim_type": span.claim_type,
               "checkworthy": span.checkworthy, "claimant": span.claimant,
               "claimant_text": text_of(span.claimant) if span.claimant else span.claimant_text,
               "origin": span.origin, "decision": span.decision, "annotator": span.annotator, "score": span.score}
    for st in ann.stances:
        yield {"doc_id": doc.id, "kind": "stance", "id": st.id, **stretch(st.holder, st.target, st.evidence),
               "holder": st.holder, "holder_text": text_of(st.holder),
               "target": st.target, "target_text": text_of(st.target), "polarity": st.polarity,
               "evidence": st.evidence, "evidence_text": text_of(st.evidence) if st.evidence else None,
               "origin": st.origin, "decision": st.decision, "annotator": st.annotator}
    for rel in ann.relations:
        yield {"doc_id": doc.id, "kind": "relation", "id": rel.id, **stretch(rel.head, rel.tail), "label": rel.label,
               "head_id": rel.head, "head_text": text_of(rel.head), "tail_id": rel.tail, "tail_text": text_of(rel.tail),
               "origin": rel.origin, "decision": rel.decision, "annotator": rel.annotator, "score": rel.score}


class Writer(TextFileWriter):
    #: doc id -> [(annotator, seconds)]: set by the store's export, which has the times
    time_of = None

    def begin(self) -> None:
        self.csv = csv.DictWriter(self.out, fieldnames=COLUMNS, lineterminator="\r\n")
        self.csv.writeheader()

    def add(self, item: AnnotatedDocument) -> None:
        for row in rows(item):
            self.csv.writerow({k: ("" if v is None else v) for k, v in row.items()})
        for annotator, seconds in self.time_of(item.document.id) if self.time_of else ():
            self.csv.writerow({"doc_id": item.document.id, "kind": "time", "start": 0, "end": len(item.document.text),
                               "annotator": annotator, "seconds": seconds})
        self.count += 1


def writer(target: Path) -> Writer:
    return Writer(target)
