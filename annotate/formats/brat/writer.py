"""Writing brat: a document's .ann (gold entities, claims, relations, stances, entity groups,
attributes and notes, then the kept foreign lines) and the folder of .txt/.ann pairs."""
from __future__ import annotations

import re
from pathlib import Path

from ...model import CLAIM, ENTITY, AnnotatedDocument
from ..common import ascii_number, gold_view, safe_file_stem
from ..output import FolderWriter, write_beside
from .conf import ConfTypes, annotation_conf
from .fragments import line_fragments
from .mapping import CHECKWORTHY_ATTR, CLAIM_TYPE, CLAIM_TYPE_ATTR, CLAIMANT, CLAIMANT_NOTE, EVIDENCE_NOTE, NOTE, refs


def to_ann(item: AnnotatedDocument, used_types: ConfTypes | None = None) -> str:
    """The .ann of a document: gold entities, claims, relations and stances, then the kept foreign lines."""
    doc = item.document
    ann = gold_view(item.annotations)
    extra: list[str] = list((doc.meta.get("brat") or {}).get("lines") or [])
    extra_ids = {line.split("\t", 1)[0] for line in extra}
    used = set(extra_ids)
    out: list[str] = []
    t_ids: dict[str, str] = {}
    spans = list(ann.spans)
    counters = {"T": 0, "R": 0, "A": 0, "#": 0}
    types = used_types if used_types is not None else ConfTypes()

    def fresh(prefix: str) -> str:
        while True:
            counters[prefix] += 1
            candidate = f"{prefix}{counters[prefix]}"
            if candidate not in used:
                used.add(candidate)
                return candidate

    for span in spans:
        if re.fullmatch(r"T[0-9]+", span.id) and span.id not in used:
            t_ids[span.id] = span.id
            used.add(span.id)
    for span in spans:
        if span.id not in t_ids:
            t_ids[span.id] = fresh("T")
    text = doc.text
    for span in sorted(spans, key=lambda s: id_key(t_ids[s.id])):
        fragments = line_fragments(text, span.attrs.get("fragments") or [[span.start, span.end]])
        label = CLAIM_TYPE if span.layer == CLAIM else span.label.replace(" ", "_")
        types.entities.setdefault(label, None)
        out.append(f"{t_ids[span.id]}\t{label} {';'.join(f'{s} {e}' for s, e in fragments)}\t"
                   + " ".join(text[s:e] for s, e in fragments))

    def relation(rel_id: str, label: str, head: str, tail: str) -> str:
        rid = rel_id if re.fullmatch(r"R[0-9]+", rel_id) and rel_id not in used else fresh("R")
        used.add(rid)
        types.relation(label, spans_by_id[head], spans_by_id[tail])
        out.append(f"{rid}\t{label} Arg1:{t_ids[head]} Arg2:{t_ids[tail]}\t")
        return rid

    spans_by_id = {s.id: s for s in spans}
    for rel in ann.relations:
        if rel.head in t_ids and rel.tail in t_ids:
            relation(rel.id, rel.label, rel.head, rel.tail)
    for claim in spans:
        if claim.layer == CLAIM and claim.claimant in t_ids:
            relation("", CLAIMANT, claim.id, claim.claimant)
    notes: list[tuple[str, str]] = []
    for stance in ann.stances:
        if stance.holder in t_ids and stance.target in t_ids:
            rid = relation(stance.id, stance.polarity, stance.holder, stance.target)
            if stance.evidence in t_ids:
                notes.append((rid, EVIDENCE_NOTE + t_ids[stance.evidence]))
    for group in dict.fromkeys(c.id for c in ann.clusters):
        # Coreference, as brat writes it: one Equiv line per entity group.
        members = sorted((t_ids[s.id] for s in spans if s.cluster == group and s.layer == ENTITY), key=id_key)
        if len(members) >= 2:
            out.append("*\tEquiv " + " ".join(members))
    for span in spans:
        attributes = dict(span.attrs.get("attributes") or {})
        if span.layer == CLAIM:
            if span.claim_type:
                attributes[CLAIM_TYPE_ATTR] = span.claim_type
            if span.checkworthy is not None:
                attributes[CHECKWORTHY_ATTR] = "yes" if span.checkworthy else "no"
        label = CLAIM_TYPE if span.layer == CLAIM else span.label.replace(" ", "_")
        for name, value in attributes.items():
            types.attribute(name, label, value)
            out.append(f"{fresh('A')}\t{name} {t_ids[span.id]}" + ("" if value is True else f" {value}"))
        for note_type, note in span.attrs.get("notes") or []:
            out.append(f"{fresh('#')}\t{note_type} {t_ids[span.id]}\t{note}")
        if span.layer == CLAIM and span.claimant_text:
            notes.append((t_ids[span.id], CLAIMANT_NOTE + " ".join(span.claimant_text.split())))
    for target, note in notes:
        out.append(f"{fresh('#')}\t{NOTE} {target}\t{note}")
    present = set(t_ids.values()) | used
    for line in extra:
        fields = line.split("\t")
        if all(ref in present for ref in refs(fields[0][0], fields)):
            out.append(line)
    return "".join(line + "\n" for line in out)


def id_key(ann_id: str) -> tuple:
    return (ascii_number(ann_id[1:]) or 0, ann_id)


class Writer(FolderWriter):
    """A folder with DOC.txt and DOC.ann for every document (file names from the document ids),
    and annotation.conf."""

    def __init__(self, target: Path, schema=None):
        super().__init__(target)
        self.stems: set[str] = set()
        self.schema = schema
        self.types = ConfTypes()

    def close(self) -> int:
        write_beside(self.tmp / "annotation.conf", annotation_conf(self.schema, self.types))
        return super().close()

    def add(self, item: AnnotatedDocument) -> None:
        stem = safe_file_stem(item.document.id, self.stems)
        with open(self.tmp / f"{stem}.txt", "w", encoding="utf-8", newline="") as out:
            out.write(item.document.text)
        with open(self.tmp / f"{stem}.ann", "w", encoding="utf-8", newline="") as out:
            out.write(to_ann(item, self.types))
        self.count += 1
