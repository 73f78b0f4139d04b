"""Marginalia's native JSONL: one document per line, lossless (see PRODUCT.md).

Offsets are Python code points over the text exactly as stored (JSON's ``\\uXXXX`` escapes of
surrogate pairs decode to one code point each, as Python's json module does).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, TextIO

from ..errors import InputError
from ..model import (CLAIM, DECISIONS, ENTITY, MANUAL, NEW, STATUSES, AnnotatedDocument, Annotations, Cluster,
                     Document, Relation, Span, Stance)
from .common import as_id
from .output import json_record
from .reading import json_lines, read_text_file

CLAIM_LABEL = "CLAIM"


@dataclass
class LineDocument(AnnotatedDocument):
    line: int | None = None


_DOC_KEYS = {"id", "text", "meta", "entities", "claims", "stances", "relations", "labels", "status",
             "status_reason", "clusters"}


def read(path: Path) -> Iterator[LineDocument]:
    """Parse every line; raise InputError naming the file and line of the first bad one."""
    text = read_text_file(path)
    seen: set[str] = set()
    any_line = False
    for number, record in json_lines(text, path):
        any_line = True
        try:
            doc = parse_record(record)
        except InputError as exc:
            raise exc.located(source=str(path), line=number) from None
        if doc.document.id in seen:
            raise InputError(f"document id {doc.document.id!r} appears twice in the file", source=str(path),
                             line=number)
        seen.add(doc.document.id)
        doc.line = number
        yield doc
    if not any_line:
        raise InputError("the file has no documents", source=str(path))


def _get(record: dict, key: str, kind: type | tuple, what: str, default: Any = None) -> Any:
    value = record.get(key, default)
    if value is not None and not isinstance(value, kind):
        raise InputError(f"{what}: {key!r} has the wrong type ({type(value).__name__})")
    return value


def _ref(value: Any, what: str, key: str) -> str | None:
    return None if value is None else as_id(value, f"{what}: {key!r}")


def parse_record(record: Any) -> LineDocument:
    if not isinstance(record, dict):
        raise InputError("each line must be a JSON object")
    unknown = sorted(set(record) - _DOC_KEYS)
    if unknown:
        raise InputError(f"unknown key {unknown[0]!r} (a native JSONL document has {', '.join(sorted(_DOC_KEYS))})")
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError("the document has no \"text\" string")
    if "id" not in record:
        raise InputError("the document has no \"id\"")
    doc_id = as_id(record["id"], "the document's \"id\"")
    meta = _get(record, "meta", dict, f"document {doc_id!r}", {}) or {}
    spans: list[Span] = []
    for layer, key in ((ENTITY, "entities"), (CLAIM, "claims")):
        for raw in _get(record, key, list, f"document {doc_id!r}", []) or []:
            spans.append(_span(raw, layer))
    stances = [_stance(raw) for raw in _get(record, "stances", list, f"document {doc_id!r}", []) or []]
    relations = [_relation(raw) for raw in _get(record, "relations", list, f"document {doc_id!r}", []) or []]
    labels = _get(record, "labels", list, f"document {doc_id!r}", []) or []
    if not all(isinstance(l, str) for l in labels):
        raise InputError(f"document {doc_id!r}: labels must be strings")
    status = _get(record, "status", str, f"document {doc_id!r}", NEW)
    if status not in STATUSES:
        raise InputError(f"document {doc_id!r}: unknown status {status!r}")
    clusters = [Cluster(score=raw.get("score"), **_common(raw, "an entity group"))
                for raw in _get(record, "clusters", list, f"document {doc_id!r}", []) or []]
    annotations = Annotations(spans, stances, relations, list(labels), status,
                              _get(record, "status_reason", str, f"document {doc_id!r}"), clusters)
    return LineDocument(Document(doc_id, text, meta), annotations)


def _common(raw: Any, what: str) -> dict:
    if not isinstance(raw, dict):
        raise InputError(f"{what} must be a JSON object")
    if "id" not in raw:
        raise InputError(f"{what} has no \"id\"")
    decision = raw.get("decision", MANUAL)
    if decision not in DECISIONS:
        raise InputError(f"{what} {raw['id']!r}: unknown decision {decision!r}")
    score = raw.get("score")
    if score is not None and (not isinstance(score, (int, float)) or isinstance(score, bool)):
        raise InputError(f"{what} {raw['id']!r}: score must be a number")
    origin = raw.get("origin")
    return {"id": as_id(raw["id"], f"{what}'s \"id\""), "origin": "" if origin is None else origin,
            "decision": decision, "annotator": raw.get("annotator")}


def _span(raw: Any, layer: str) -> Span:
    what = "an entity" if layer == ENTITY else "a claim"
    common = _common(raw, what)
    start, end = raw.get("start"), raw.get("end")
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise InputError(f"{layer} {common['id']!r}: {name} must be an integer, not {value!r}")
    label = raw.get("label", CLAIM_LABEL if layer == CLAIM else None)
    if not isinstance(label, str):
        raise InputError(f"{layer} {common['id']!r} has no label")
    checkworthy = raw.get("checkworthy")
    if checkworthy is not None and not isinstance(checkworthy, bool):
        raise InputError(f"claim {common['id']!r}: checkworthy must be true or false")
    attrs = raw.get("attrs") or {}
    if not isinstance(attrs, dict):
        raise InputError(f"{layer} {common['id']!r}: attrs must be an object")
    claimant = raw.get("claimant")
    claimant_text = raw.get("claimant_text")
    return Span(start=start, end=end, label=label, layer=layer, score=raw.get("score"),
                claimant=_ref(claimant, f"claim {common['id']!r}", "claimant"),
                claimant_text=claimant_text if isinstance(claimant_text, str) else None,
                claim_type=raw.get("type"), checkworthy=checkworthy,
                replaces=_ref(raw.get("replaces"), f"{layer} {common['id']!r}", "replaces"), attrs=attrs,
                cluster=_ref(raw.get("cluster"), f"{layer} {common['id']!r}", "cluster"), **common)


def _stance(raw: Any) -> Stance:
    common = _common(raw, "a stance")
    what = f"stance {common['id']!r}"
    return Stance(holder=_ref(raw.get("holder"), what, "holder") or "", target=_ref(raw.get("target"), what, "target") or "",
                  polarity=raw.get("polarity"), evidence=_ref(raw.get("evidence"), what, "evidence"), **common)


def _relation(raw: Any) -> Relation:
    common = _common(raw, "a relation")
    what = f"relation {common['id']!r}"
    return Relation(head=_ref(raw.get("head"), what, "head") or "", tail=_ref(raw.get("tail"), what, "tail") or "",
                    label=raw.get("label"), score=raw.get("score"), **common)


def to_record(item: AnnotatedDocument) -> dict:
    doc, ann = item.document, item.annotations

    def decided(obj) -> dict:
        out = {"origin": obj.origin, "decision": obj.decision, "annotator": obj.annotator}
        if getattr(obj, "score", None) is not None:
            out["score"] = obj.score
        return out

    entities, claims = [], []
    for span in ann.spans:
        out = {"id": span.id, "start": span.start, "end": span.end}
        if span.layer == ENTITY:
            out["label"] = span.label
            if span.cluster is not None:
                out["cluster"] = span.cluster
        else:
            out.update(claimant=span.claimant, type=span.claim_type, checkworthy=span.checkworthy)
            if span.claimant_text is not None:
                out["claimant_text"] = span.claimant_text
        if span.replaces:
            out["replaces"] = span.replaces
        if span.attrs:
            out["attrs"] = span.attrs
        out.update(decided(span))
        (entities if span.layer == ENTITY else claims).append(out)
    record = {
        "id": doc.id, "text": doc.text, "meta": doc.meta, "entities": entities, "claims": claims,
        "stances": [{"id": s.id, "holder": s.holder, "target": s.target, "polarity": s.polarity,
                     "evidence": s.evidence, **decided(s)} for s in ann.stances],
        "relations": [{"id": r.id, "head": r.head, "tail": r.tail, "label": r.label, **decided(r)}
                      for r in ann.relations],
        "labels": list(ann.labels), "status": ann.status,
    }
    if ann.status_reason:
        record["status_reason"] = ann.status_reason
    if ann.clusters:
        record["clusters"] = [{"id": c.id, **decided(c)} for c in ann.clusters]
    return record


def dumps(item: AnnotatedDocument) -> str:
    return json_record(to_record(item), item.document.id)


def write(items: Iterable[AnnotatedDocument], out: TextIO) -> int:
    count = 0
    for item in items:
        out.write(dumps(item))
        out.write("\n")
        count += 1
    return count
