"""Writing Label Studio tasks: gold as annotations, suggestions as predictions, the config beside."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ...model import CLAIM, HUMAN_DECISIONS, SUGGESTED, AnnotatedDocument, Annotations, Cluster, Span
from ..groups import COREF, chains
from ..output import TextFileWriter, json_record, write_beside
from .config import config_path, labeling_config
from .mapping import CHECKWORTHY, CHECKWORTHY_NO, CHECKWORTHY_YES, CLAIM_LABEL, CLAIM_TAG, CLAIM_TYPE, CLAIMANT, \
    CLAIMANT_TEXT, DOC_LABELS, ENTITY_TAG, ID_KEY, TEXT_KEY


def to_task(item: AnnotatedDocument) -> dict:
    """One task: gold as one annotation per annotator, suggestions as one prediction per model.

    ``completed_by`` is left out (Label Studio accepts only an existing user's id or email there
    and refuses the whole file otherwise); the annotators' names go to the task's ``meta``, in the
    order of ``annotations``. Our document id travels in ``data`` (Label Studio replaces the task
    id with its own) and comes back from its exports.
    """
    doc, ann = item.document, item.annotations
    ls_meta = doc.meta.get("label_studio") or {}
    data: dict[str, Any] = {**(ls_meta.get("data") or {}), TEXT_KEY: doc.text, ID_KEY: doc.id}
    spans = {s.id: s for s in ann.spans}
    annotations: list[dict] = []
    annotators: list[str | None] = []
    by_annotator: dict[str | None, list[Span]] = {}
    for span in ann.spans:
        if span.is_gold:
            by_annotator.setdefault(span.annotator, []).append(span)
    for who in {r.annotator for r in ann.relations if r.decision in HUMAN_DECISIONS} | \
            {s.annotator for s in ann.stances if s.decision in HUMAN_DECISIONS}:
        by_annotator.setdefault(who, [])
    evidence: list[list] = []
    groups: list[dict] = []
    gold_clusters = [c for c in ann.clusters if c.decision in HUMAN_DECISIONS]
    for who, group in by_annotator.items():
        ids = {s.id for s in group}
        stances = [s for s in ann.stances if s.decision in HUMAN_DECISIONS and s.holder in ids and s.target in ids]
        rels = [r for r in ann.relations if r.decision in HUMAN_DECISIONS and r.head in ids and r.tail in ids]
        result = _results(doc.text, group, rels, stances, spans) + _group_links(ann, ids, gold_clusters, groups)
        if not result:
            continue
        annotations.append({"result": result})
        annotators.append(who)
        evidence += [[s.holder, s.target, s.polarity, s.evidence] for s in stances if s.evidence in ids]
    suggested_clusters = [c for c in ann.clusters if c.decision == SUGGESTED]
    predictions = []
    by_origin: dict[str, list[Span]] = {}
    for span in ann.spans:
        if span.decision == SUGGESTED:
            by_origin.setdefault(span.origin, []).append(span)
    for origin, group in by_origin.items():
        ids = {s.id for s in group}
        rels = [r for r in ann.relations if r.decision == SUGGESTED and r.head in ids and r.tail in ids]
        stances = [s for s in ann.stances if s.decision == SUGGESTED and s.holder in ids and s.target in ids]
        version = origin[len("model:"):] if origin.startswith("model:") else origin
        predictions.append({"model_version": version or "unknown",
                            "result": _results(doc.text, group, rels, stances, spans)
                            + _group_links(ann, ids, suggested_clusters, groups)})
    if ann.labels:
        # The document's labels are the exporting annotator's: they join the first annotation.
        if not annotations:
            annotations.append({"result": []})
            annotators.append(None)
        annotations[0]["result"].append({"id": "doc-labels", "from_name": DOC_LABELS, "to_name": TEXT_KEY,
                                         "type": "choices", "value": {"choices": list(ann.labels)}})
    own: dict[str, Any] = {"id": doc.id, "text_sha256": doc.sha256,
                           "meta": {k: v for k, v in doc.meta.items() if k != "label_studio"},
                           "annotators": annotators, "status": ann.status}
    if evidence:
        own["stance_evidence"] = evidence
    if groups:
        own["clusters"] = groups
    return {"data": data, "meta": {"marginalia": own}, "annotations": annotations, "predictions": predictions}


def _results(text: str, group: list[Span], rels, stances, spans: dict[str, Span]) -> list[dict]:
    out: list[dict] = []
    ids = {s.id for s in group}
    for span in sorted(group, key=lambda s: (s.start, s.end, s.id)):
        value: dict[str, Any] = {"start": span.start, "end": span.end, "text": text[span.start:span.end]}
        if span.layer == CLAIM:
            out.append(_region(span.id, CLAIM_TAG, "labels", {**value, "labels": [CLAIM_LABEL]}, span.score))
            if span.claim_type:
                out.append(_region(span.id, CLAIM_TYPE, "choices", {**value, "choices": [span.claim_type]}))
            if span.checkworthy is not None:
                out.append(_region(span.id, CHECKWORTHY, "choices",
                                   {**value, "choices": [CHECKWORTHY_YES if span.checkworthy else CHECKWORTHY_NO]}))
            if span.claimant_text:
                out.append(_region(span.id, CLAIMANT_TEXT, "textarea", {**value, "text": [span.claimant_text]}))
            if span.claimant in ids:
                out.append(_relation(span.id, span.claimant, CLAIMANT))
        else:
            out.append(_region(span.id, ENTITY_TAG, "labels", {**value, "labels": [span.label]}, span.score))
    out += [_relation(r.head, r.tail, r.label) for r in rels]
    out += [_relation(s.holder, s.target, s.polarity) for s in stances]
    return out


def _group_links(ann: Annotations, ids: set[str], clusters: list[Cluster], kept: list[dict]) -> list[dict]:
    """The entity groups among one annotation's (or prediction's) regions as COREF relations,
    each mention to the next (both ways: coreference has no direction); each group's id and who
    proposed and decided it go to ``kept`` (the task meta)."""
    out = []
    for cluster, mentions in chains(ann, ids, clusters):
        kept.append({"id": cluster.id, "mentions": [m.id for m in mentions], "origin": cluster.origin,
                     "decision": cluster.decision, "annotator": cluster.annotator, "score": cluster.score})
        out += [dict(_relation(a.id, b.id, COREF), direction="bi") for a, b in zip(mentions, mentions[1:])]
    return out


def _region(region_id: str, tag: str, kind: str, value: dict, score: float | None = None) -> dict:
    out = {"id": region_id, "from_name": tag, "to_name": TEXT_KEY, "type": kind, "value": value}
    if score is not None:
        out["score"] = score
    return out


def _relation(head: str, tail: str, label: str) -> dict:
    return {"from_id": head, "to_id": tail, "type": "relation", "direction": "right", "labels": [label]}


class Writer(TextFileWriter):
    """A JSON array of tasks, written one task at a time; the labeling config beside it."""

    def __init__(self, target: Path, schema=None):
        self.schema = schema
        super().__init__(target)

    def begin(self) -> None:
        self.out.write("[")

    def add(self, item: AnnotatedDocument) -> None:
        self.out.write(",\n" if self.count else "\n")
        self.out.write(json_record(to_task(item), item.document.id))
        self.count += 1

    def end(self) -> None:
        self.out.write("\n]\n")

    def close(self) -> int:
        count = super().close()
        if self.schema is not None and not self._stdout:
            write_beside(config_path(self.target), labeling_config(self.schema), self.landing)
        return count
