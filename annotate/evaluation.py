"""Scoring a pipeline against gold, and how often each model's suggestions were accepted.

Pure Python: the caller hands in spans (from the store, a fixture or a pipeline); nothing here
reads a database.

* :func:`span_scores`: exact-match precision, recall and F1 per label and overall (micro),
  the usual NER measure (a span counts only with the same start, end and label).
* :func:`acceptance_rates`: from stored decisions, per model origin and label, how many
  suggestions were accepted, corrected (rejected, with a manual span that ``replaces`` it),
  rejected, or are still pending.
"""
from __future__ import annotations

import re

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

OVERALL = "ALL"


@dataclass
class LabelScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn, "support": self.tp + self.fn}


Key = tuple  # (doc_id, start, end, label)


def span_scores(gold: Iterable[Key], predicted: Iterable[Key]) -> dict[str, LabelScore]:
    """Per-label and overall (``"ALL"``) scores of exact span matches."""
    gold_set, pred_set = set(gold), set(predicted)
    scores: dict[str, LabelScore] = defaultdict(LabelScore)
    for key in pred_set:
        label = key[-1]
        if key in gold_set:
            scores[label].tp += 1
        else:
            scores[label].fp += 1
    for key in gold_set - pred_set:
        scores[key[-1]].fn += 1
    total = LabelScore(sum(s.tp for s in scores.values()), sum(s.fp for s in scores.values()),
                       sum(s.fn for s in scores.values()))
    result = dict(sorted(scores.items()))
    result[OVERALL] = total
    return result


def scores_to_dict(scores: dict[str, LabelScore]) -> dict[str, dict]:
    return {label: score.to_dict() for label, score in scores.items()}


OUTCOMES = ("accepted", "corrected", "rejected", "pending")


def acceptance_rates(rows: Iterable[dict]) -> dict[str, dict[str, dict]]:
    """``rows``: one per model suggestion, with ``origin``, ``label``, ``decision`` and ``corrected``
    (true when a manual span replaces it). Returns ``{origin: {label: counts}}`` where counts has
    each outcome, ``decided`` and ``acceptance`` (accepted / decided, None before any decision).
    A label ``"ALL"`` sums each origin."""
    table: dict[str, dict[str, dict]] = defaultdict(dict)
    for row in rows:
        decision = row["decision"]
        if decision == "suggested":
            outcome = "pending"
        elif decision == "rejected":
            outcome = "corrected" if row.get("corrected") else "rejected"
        else:
            outcome = "accepted"
        for label in (row["label"], OVERALL):
            counts = table[row["origin"]].setdefault(label, {k: 0 for k in OUTCOMES})
            counts[outcome] += 1
    result: dict[str, dict[str, dict]] = {}
    for origin in sorted(table):
        result[origin] = {}
        labels = sorted(l for l in table[origin] if l != OVERALL) + [OVERALL]
        for label in labels:
            counts = dict(table[origin][label])
            decided = counts["accepted"] + counts["corrected"] + counts["rejected"]
            counts["decided"] = decided
            counts["acceptance"] = round(counts["accepted"] / decided, 4) if decided else None
            result[origin][label] = counts
    return result


def format_table(scores: dict[str, dict]) -> str:
    lines = [f"{'label':<12} {'precision':>9} {'recall':>7} {'f1':>7} {'support':>8}"]
    for label, s in scores.items():
        lines.append(f"{label:<12} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>7.3f} {s['support']:>8}")
    return "\n".join(lines)


def evaluate_annotator(annotator, gold, *, batch_size: int = 32) -> dict:
    """Run ``annotator`` (see :mod:`annotate.preannotate`) over gold documents and score it.

    ``gold``: ``(Document, gold spans)`` pairs. Entities are scored per label; claims (the
    ``claim`` layer) as one label, ``CLAIM``. Returns ``{"entities": ..., "claims": ...,
    "documents": n, "unmapped": {...}}`` with :meth:`LabelScore.to_dict` values.
    """
    from collections import Counter

    from .model import CLAIM, ENTITY
    from .preannotate import preannotate

    by_id = {doc.id: spans for doc, spans in gold}
    gold_entities, gold_claims, pred_entities, pred_claims = [], [], [], []
    for doc_id, spans in by_id.items():
        for s in spans:
            (gold_entities if s.layer == ENTITY else gold_claims).append(
                (doc_id, s.start, s.end, s.label if s.layer == ENTITY else "CLAIM"))
    unmapped: Counter = Counter()
    texts = [(doc.text, doc.id) for doc, _ in gold]
    for batch in preannotate(annotator, texts, batch_size=batch_size):
        unmapped.update(batch.unmapped)
        for item in batch.items:
            for s in item.spans:
                if s.layer == ENTITY:
                    pred_entities.append((item.doc_id, s.start, s.end, s.label))
                elif s.layer == CLAIM:
                    pred_claims.append((item.doc_id, s.start, s.end, "CLAIM"))
    return {
        "model": annotator.origin,
        "documents": len(gold),
        "entities": scores_to_dict(span_scores(gold_entities, pred_entities)),
        "claims": scores_to_dict(span_scores(gold_claims, pred_claims)) if gold_claims or pred_claims else {},
        "unmapped": dict(unmapped),
    }


_MARK = re.compile(r"\[([^\[\]|]+)\|([A-Z_]+)\]")


def marked_documents(source: str) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Documents written with their gold inline, "[Harbour Union|ORG] beat ...": the text without
    the marks, and (start, end, label) of each marked span. Lines starting with "#" are comments;
    documents are separated by lines of "=====" (what comes before the first is a preamble)."""
    body = "\n".join(line for line in source.splitlines() if not line.startswith("#"))
    documents = []
    for chunk in body.split("=====")[1:]:
        chunk = chunk.strip("\n")
        text, gold, position = "", [], 0
        for match in _MARK.finditer(chunk):
            text += chunk[position:match.start()]
            gold.append((len(text), len(text) + len(match.group(1)), match.group(2)))
            text += match.group(1)
            position = match.end()
        documents.append((text + chunk[position:], gold))
    return documents
