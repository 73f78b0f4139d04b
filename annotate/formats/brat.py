"""brat standoff: ``NAME.txt`` with ``NAME.ann`` beside it. Offsets are code points.

- ``T`` lines become entities with the T id as their id. A discontinuous entity
  (``Type 0 5;10 15``) is stored over its outer extent with ``attrs["fragments"] = [[0, 5], [10, 15]]``,
  and written back fragment by fragment. The text column is checked against the ``.txt``
  (fragments joined with one space, as brat writes it). Fragments whose gaps are only line
  breaks are one entity over the break: brat cannot hold a line break inside a fragment, so an
  entity that crosses one is written as fragments split at the break, and read back whole.
- ``R`` lines with ``Arg1``/``Arg2`` between two ``T`` become relations (head = Arg1).
- ``A`` attributes and ``#`` notes on a ``T`` go into the entity's attrs
  (``attributes``: name -> value or true; ``notes``: [[type, text], ...]).
- Claims and stances (README, "Formats and their clients"): a claim is a ``CLAIM`` text-bound
  annotation with the attributes ``ClaimType`` and ``Checkworthy`` (yes / no), its claimant a
  ``CLAIMANT`` relation (Arg1 the claim, Arg2 the entity) or an ``AnnotatorNotes`` note
  ``claimant: TEXT``; a stance is a relation typed by its polarity (``FAVOR``, ``AGAINST``,
  ``NEUTRAL``; Arg1 the holder, Arg2 the target) and its evidence an ``AnnotatorNotes`` note on
  that relation, ``evidence: T7``.
- Everything else (``E`` events, ``N`` normalisations, ``*`` equivalences, ``M``, and ``A``/``#``/``R``
  lines about events) is kept verbatim in the document's meta (``brat.lines``) and written back
  as it was, so nothing is lost; every id those lines mention must exist.
- A malformed line (a type or attribute name with spaces, an id used twice, an unknown id) is
  refused with the file and line.
- Export writes ``annotation.conf`` beside the documents, from the schema and what the
  documents use, so that brat (and its ``verify_annotations.py``) knows every type.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError
from ..model import (CLAIM, ENTITY, POLARITIES, AnnotatedDocument, Annotations, Cluster, Document, Relation, Span,
                     Stance)
from .common import Notes, SourcedDocument, ascii_number, fail, first_line_title, gold_view, safe_file_stem
from .folders import list_files
from .output import FolderWriter, write_beside
from .plaintext import document_id_for
from .reading import read_decoded, read_text_file

_ID = re.compile(r"^(?:[TREAMN#][0-9]+|\*)$")
CLAIM_TYPE = "CLAIM"
CLAIMANT = "CLAIMANT"
CLAIM_TYPE_ATTR, CHECKWORTHY_ATTR = "ClaimType", "Checkworthy"
NOTE = "AnnotatorNotes"
CLAIMANT_NOTE, EVIDENCE_NOTE = "claimant: ", "evidence: "


def is_brat_folder(path: Path) -> bool:
    return path.is_dir() and any(p.suffix == ".ann" for p in list_files(path, (".ann",)).files)


def pairs(path: Path, notes: Notes | None = None) -> list[tuple[Path, Path | None]]:
    """(txt, ann-or-None) for a .txt, an .ann or a folder (whose other files are reported in ``notes``)."""
    if path.is_dir():
        listing = list_files(path, (".txt", ".ann"))
        if notes is not None:
            listing.note_other(notes, path, ".txt or .ann")
        txts = [p for p in listing.files if p.suffix == ".txt"]
        for ann in (p for p in listing.files if p.suffix == ".ann"):
            if not ann.with_suffix(".txt").exists():
                raise fail("has no .txt beside it", ann)
        if not txts:
            raise fail("the folder has no .txt files", path)
        return [(t, t.with_suffix(".ann") if t.with_suffix(".ann").exists() else None) for t in txts]
    if path.suffix == ".ann":
        txt = path.with_suffix(".txt")
        if not txt.exists():
            raise fail(f"has no {txt.name} beside it (brat keeps the text in NAME.txt)", path)
        return [(txt, path)]
    if not path.exists():
        raise fail("no such file or folder", path)
    ann = path.with_suffix(".ann")
    return [(path, ann if ann.exists() else None)]


def read(path: Path, notes: Notes, taken: set[str]) -> Iterator[SourcedDocument]:
    for txt, ann in pairs(path, notes):
        yield read_pair(txt, ann, taken)


def read_pair(txt: Path, ann_path: Path | None, taken: set[str]) -> SourcedDocument:
    decoded = read_decoded(txt)
    text = decoded.text
    doc_id = document_id_for(txt, taken)
    meta: dict[str, Any] = {"title": first_line_title(text), "source": txt.name}
    doc = SourcedDocument(Document(doc_id, text, meta), Annotations(), source=str(ann_path or txt))
    if ann_path is None:
        return doc
    ann_text = read_text_file(ann_path) if ann_path.stat().st_size else ""
    # brat reads the .txt with Python's utf-8 codec, which keeps a byte-order mark as the text's first
    # character: its offsets count it. The stored text has none, so the offsets move back by one.
    parsed = _parse(ann_text, "\ufeff" + text if decoded.bom else text, ann_path)
    spans, relations, extra, lines = parsed
    if decoded.bom:
        spans = [_before_the_mark(span, ann_path, lines) for span in spans]
    stances, relations, extra = _claims_and_stances(spans, relations, extra)
    if extra:
        meta["brat"] = {"lines": extra}
    clusters = [Cluster(group) for group in dict.fromkeys(s.cluster for s in spans if s.cluster)]
    return SourcedDocument(Document(doc_id, text, meta), Annotations(spans, stances, relations, clusters=clusters),
                           source=str(ann_path), lines=lines)


def _claims_and_stances(spans: list[Span], relations: list[Relation], extra: list[str]):
    """Our claims and stances, as the export writes them, out of brat's entities, relations and notes."""
    by_id = {s.id: s for s in spans}
    for span in spans:
        if span.label != CLAIM_TYPE:
            continue
        span.layer = CLAIM
        attributes = span.attrs.pop("attributes", {})
        if isinstance(attributes.get(CLAIM_TYPE_ATTR), str):
            span.claim_type = attributes.pop(CLAIM_TYPE_ATTR)
        if attributes.get(CHECKWORTHY_ATTR) in ("yes", "no"):
            span.checkworthy = attributes.pop(CHECKWORTHY_ATTR) == "yes"
        if attributes:
            span.attrs["attributes"] = attributes
        notes = []
        for note_type, note in span.attrs.pop("notes", []):
            if note_type == NOTE and note.startswith(CLAIMANT_NOTE):
                span.claimant_text = note[len(CLAIMANT_NOTE):]
            else:
                notes.append([note_type, note])
        if notes:
            span.attrs["notes"] = notes
    stances: list[Stance] = []
    kept: list[Relation] = []
    for rel in relations:
        head = by_id[rel.head]
        if rel.label == CLAIMANT and head.layer == CLAIM and by_id[rel.tail].layer == ENTITY and head.claimant is None:
            head.claimant = rel.tail
        elif rel.label in POLARITIES:
            stances.append(Stance(rel.id, rel.head, rel.tail, rel.label))
        else:
            kept.append(rel)
    by_stance = {s.id: s for s in stances}
    rest = []
    for line in extra:
        fields = line.split("\t")
        body = fields[1].split(" ") if len(fields) == 3 else []
        if (fields[0].startswith("#") and len(body) == 2 and body[0] == NOTE and body[1] in by_stance
                and fields[2].startswith(EVIDENCE_NOTE) and fields[2][len(EVIDENCE_NOTE):] in by_id):
            by_stance[body[1]].evidence = fields[2][len(EVIDENCE_NOTE):]
        else:
            rest.append(line)
    return stances, kept, rest


def _before_the_mark(span: Span, path: Path, lines: dict[str, int]) -> Span:
    """A span over text that began with a byte-order mark, moved onto the text without it."""
    fragments = [[max(0, start - 1), end - 1] for start, end in span.attrs.get("fragments") or [[span.start, span.end]]]
    if any(start >= end for start, end in fragments):
        raise fail(f"{span.id}: covers only the byte-order mark at the start of the .txt", path, lines.get(span.id))
    span.start, span.end = min(start for start, _ in fragments), max(end for _, end in fragments)
    if "fragments" in span.attrs:
        span.attrs["fragments"] = fragments
    return span


def _parse(ann_text: str, text: str, path: Path):
    """Parse a whole .ann; every problem is collected and the first (in file order) is raised,
    naming the others too, so one run shows everything that needs fixing."""
    problems: list[InputError] = []
    result = _parse_lines(ann_text, text, path, problems)
    if problems:
        problems.sort(key=lambda e: e.line or 0)
        first = problems[0]
        also = "; ".join(f"line {e.line}: {e.reason}" for e in problems[1:4])
        more = f" (also {also}{'; ...' if len(problems) > 4 else ''})" if also else ""
        raise fail(first.reason + more, path, first.line)
    return result


def _parse_lines(ann_text: str, text: str, path: Path, problems: list[InputError]):
    records: list[tuple[int, str, str, list[str]]] = []
    ids: dict[str, int] = {}
    for number, raw in enumerate(ann_text.split("\n"), 1):
        line = raw.removesuffix("\r")
        if not line.strip():
            continue
        if "\t" not in line:
            problems.append(fail("not a brat annotation line (expected ID<TAB>...)", path, number))
            continue
        fields = line.split("\t")
        ann_id = fields[0]
        if not _ID.match(ann_id):
            problems.append(fail(f"{ann_id!r} is not a brat annotation id (T1, R1, E1, A1, M1, N1, #1 or *)",
                                 path, number))
            continue
        if ann_id != "*":
            if ann_id in ids:
                problems.append(fail(f"the id {ann_id} is used twice (first on line {ids[ann_id]})", path, number))
                continue
            ids[ann_id] = number
        records.append((number, ann_id, line, fields))

    spans: dict[str, Span] = {}
    lines: dict[str, int] = {}
    for number, ann_id, line, fields in records:
        if ann_id[0] != "T":
            continue
        try:
            _entity(ann_id, fields, text, path, number, spans, lines)
        except InputError as exc:
            problems.append(exc)

    relations: list[Relation] = []
    extra: list[str] = []
    attribute_lines: dict[tuple[str, str], int] = {}
    for number, ann_id, line, fields in records:
        if ann_id[0] == "T":
            continue
        try:
            _other(ann_id, line, fields, path, number, ids, spans, relations, extra, lines, attribute_lines)
        except InputError as exc:
            problems.append(exc)
    return list(spans.values()), relations, extra, lines


def _entity(ann_id, fields, text, path, number, spans, lines):
    if len(fields) not in (2, 3):
        raise fail(f"{ann_id}: expected ID<TAB>TYPE START END<TAB>TEXT", path, number)
    head = fields[1].split(" ", 1)
    if len(head) != 2 or not head[0]:
        raise fail(f"{ann_id}: expected TYPE START END after the id", path, number)
    label, offsets = head
    fragments = []
    for part in offsets.split(";"):
        bounds = part.split(" ")
        numbers = [ascii_number(b) for b in bounds]
        if len(bounds) != 2 or None in numbers:
            raise fail(f"{ann_id}: {_short(offsets)!r} is not START END[;START END...] with offsets written in the "
                       "digits 0-9 (and an entity type cannot contain spaces)", path, number)
        start, end = numbers
        if not 0 <= start < end <= len(text):
            raise fail(f"{ann_id}: the fragment [{start}, {end}) is not a non-empty range inside the text "
                       f"(length {len(text)})", path, number)
        fragments.append([start, end])
    if len(fields) == 3:
        expected = " ".join(text[s:e] for s, e in fragments)
        if fields[2] not in (expected, expected.replace("\n", " ")):
            raise fail(f"{ann_id}: the text column {fields[2]!r} is not the text at those offsets ({expected!r})",
                       path, number)
    start, end = min(f[0] for f in fragments), max(f[1] for f in fragments)
    ordered = sorted(fragments)
    whole = all(text[a[1]:b[0]] and not text[a[1]:b[0]].strip("\r\n") for a, b in zip(ordered, ordered[1:]))
    attrs: dict[str, Any] = {"fragments": fragments} if len(fragments) > 1 and not whole else {}
    spans[ann_id] = Span(ann_id, start, end, label, ENTITY, attrs=attrs)
    lines[ann_id] = number


def _other(ann_id, line, fields, path, number, ids, spans, relations, extra, lines, attribute_lines):
    kind = ann_id[0]
    body = fields[1].split(" ") if len(fields) > 1 else []
    body = [b for b in body if b] if kind in "R*E" else body
    if kind in "AM" and (len(body) not in (2, 3) or not all(body)):
        raise fail(f"{ann_id}: expected NAME TARGET [VALUE] (an attribute name cannot contain spaces), "
                   f"not {fields[1]!r}", path, number)
    for ref in _refs(kind, fields):
        if ref not in ids:
            raise fail(f"{ann_id}: refers to {ref}, which is not an id in this file", path, number)
    if kind == "R":
        args = dict(a.split(":", 1) for a in body[1:] if ":" in a)
        if len(body) != 3 or len(args) != 2:
            raise fail(f"{ann_id}: expected TYPE Arg1:ID Arg2:ID", path, number)
        if set(args) == {"Arg1", "Arg2"} and args["Arg1"] in spans and args["Arg2"] in spans \
                and (len(fields) == 2 or not fields[2].strip()):
            relations.append(Relation(ann_id, args["Arg1"], args["Arg2"], body[0]))
            lines[ann_id] = number
            return
    elif kind == "A":
        if len(body) not in (2, 3) or not all(body):
            raise fail(f"{ann_id}: expected NAME TARGET [VALUE] (an attribute name cannot contain spaces)",
                       path, number)
        if body[1] in spans:
            # An entity holds one value per attribute (a dict): a second line of the same name would
            # silently replace the first, so it is refused.
            first = attribute_lines.setdefault((body[1], body[0]), number)
            if first != number:
                raise fail(f"{ann_id}: {body[1]} already has the attribute {body[0]} (line {first}); brat allows "
                           "one value of an attribute per annotation", path, number)
            spans[body[1]].attrs.setdefault("attributes", {})[body[0]] = body[2] if len(body) == 3 else True
            return
    elif kind == "*":
        if body and body[0] == "Equiv" and len(body) >= 3 and all(ref in spans for ref in body[1:]):
            # Coreference: the entities are one actor (an entity group); two lines that share an
            # entity are one group.
            groups = {spans[ref].cluster for ref in body[1:] if spans[ref].cluster}
            group = min(groups) if groups else f"equiv-{body[1]}"
            for span in spans.values():
                if span.cluster in groups or span.id in body[1:]:
                    span.cluster = group
            return
    elif kind == "#":
        if len(body) != 2 or len(fields) != 3:
            raise fail(f"{ann_id}: expected #ID<TAB>TYPE TARGET<TAB>NOTE", path, number)
        if body[1] in spans:
            spans[body[1]].attrs.setdefault("notes", []).append([body[0], fields[2]])
            return
    elif kind == "E":
        for arg in body:
            if ":" not in arg:
                raise fail(f"{ann_id}: expected TYPE:TRIGGER [ROLE:ID ...], not {arg!r}", path, number)
    elif kind in "NM*":
        if len(body) < 2:
            raise fail(f"{ann_id}: too few fields", path, number)
    extra.append(line)


def _refs(kind: str, fields: list[str]) -> list[str]:
    """The annotation ids a line mentions (not its own)."""
    if len(fields) < 2:
        return []
    body = [b for b in fields[1].split(" ") if b]
    if kind in "RE":
        return [a.split(":", 1)[1] for a in body if ":" in a]
    if kind in "AM#":
        return body[1:2]
    if kind == "N":
        return body[1:2]
    if kind == "*":
        return body[1:]
    return []


# ---- writing ------------------------------------------------------------------------------

def to_ann(item: AnnotatedDocument, used_types: "ConfTypes | None" = None) -> str:
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
    for span in sorted(spans, key=lambda s: _id_key(t_ids[s.id])):
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
        members = sorted((t_ids[s.id] for s in spans if s.cluster == group and s.layer == ENTITY), key=_id_key)
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
        if all(ref in present for ref in _refs(fields[0][0], fields)):
            out.append(line)
    return "".join(line + "\n" for line in out)


def line_fragments(text: str, fragments) -> list[list[int]]:
    """Fragments cut at line breaks: brat's .ann is one annotation a line, so a fragment cannot hold
    CR or LF (brat itself writes an entity across lines as fragments)."""
    out: list[list[int]] = []
    for start, end in fragments:
        piece_start = None
        for i in range(start, end):
            if text[i] in "\r\n":
                if piece_start is not None:
                    out.append([piece_start, i])
                    piece_start = None
            elif piece_start is None:
                piece_start = i
        if piece_start is not None:
            out.append([piece_start, end])
    return out or [[start, end] for start, end in fragments]


class ConfTypes:
    """The types an export uses, for annotation.conf: entity types, relation types with their
    argument types, attributes with their values."""

    def __init__(self):
        self.entities: dict[str, None] = {}
        self.relations: dict[str, tuple[dict, dict]] = {}
        self.attributes: dict[str, tuple[dict, dict]] = {}

    def relation(self, label: str, head: Span, tail: Span) -> None:
        heads, tails = self.relations.setdefault(label, ({}, {}))
        heads[CLAIM_TYPE if head.layer == CLAIM else head.label] = None
        tails[CLAIM_TYPE if tail.layer == CLAIM else tail.label] = None

    def attribute(self, name: str, label: str, value) -> None:
        targets, values = self.attributes.setdefault(name, ({}, {}))
        targets[label] = None
        if value is not True:
            values[str(value)] = None


def annotation_conf(schema, types: ConfTypes) -> str:
    """brat's annotation.conf: the schema's entity and relation types (with their argument
    constraints), our claim type and its attributes, the stance and claimant relations, and
    whatever else the exported documents use; any two entities may overlap."""
    entities = dict.fromkeys([*(schema.entity_labels if schema else []), CLAIM_TYPE, *types.entities])
    lines = ["# Written by Marginalia from its schema and the exported documents.", "[entities]", *entities,
             "", "[relations]"]
    declared: set[str] = set()
    for rel in (schema.relations if schema else ()):
        heads = "|".join(rel.head) if rel.head else "<ENTITY>"
        tails = "|".join(rel.tail) if rel.tail else "<ENTITY>"
        lines.append(f"{rel.label}\tArg1:{heads}, Arg2:{tails}")
        declared.add(rel.label)
        used = types.relations.get(rel.label)
        if used and not (set(used[0]) <= set(rel.head or entities) and set(used[1]) <= set(rel.tail or entities)):
            lines[-1] = f"{rel.label}\tArg1:<ENTITY>, Arg2:<ENTITY>"
    for polarity in (schema.polarities if schema else POLARITIES):
        lines.append(f"{polarity}\tArg1:<ENTITY>, Arg2:<ENTITY>")
        declared.add(polarity)
    lines.append(f"{CLAIMANT}\tArg1:{CLAIM_TYPE}, Arg2:<ENTITY>")
    declared.add(CLAIMANT)
    for label in types.relations:
        if label not in declared:
            lines.append(f"{label}\tArg1:<ENTITY>, Arg2:<ENTITY>")
    lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
              "Equiv\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive", "", "[events]", "", "[attributes]"]
    claim_types = list(schema.claim_types) if schema else []
    attributes = {CLAIM_TYPE_ATTR: ({CLAIM_TYPE: None}, dict.fromkeys(claim_types)),
                  CHECKWORTHY_ATTR: ({CLAIM_TYPE: None}, {"yes": None, "no": None})}
    for name, (targets, values) in types.attributes.items():
        known_targets, known_values = attributes.setdefault(name, ({}, {}))
        known_targets.update(targets)
        known_values.update(values)
    for name, (targets, values) in attributes.items():
        line = f"{name}\tArg:{'|'.join(targets)}"
        lines.append(line + (f", Value:{'|'.join(values)}" if values else ""))
    return "\n".join(lines) + "\n"


def _id_key(ann_id: str) -> tuple:
    return (ascii_number(ann_id[1:]) or 0, ann_id)


def _short(text: str) -> str:
    return text if len(text) <= 60 else f"{text[:40]}...({len(text)} characters)"


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
