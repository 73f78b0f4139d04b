"""Reading brat: a path as (.txt, .ann) pairs, and a pair as a document whose claims, claimants,
stances and evidence are read back out of brat's entities, relations, attributes and notes."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from ...model import CLAIM, ENTITY, POLARITIES, Annotations, Cluster, Document, Relation, Span, Stance
from ..common import Notes, SourcedDocument, fail, first_line_title
from ..folders import list_files
from ..plaintext import document_id_for
from ..reading import read_decoded, read_text_file
from .fragments import before_the_mark
from .mapping import CHECKWORTHY_ATTR, CLAIM_TYPE, CLAIM_TYPE_ATTR, CLAIMANT, CLAIMANT_NOTE, EVIDENCE_NOTE, NOTE
from .parse import parse


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
    parsed = parse(ann_text, "\ufeff" + text if decoded.bom else text, ann_path)
    spans, relations, extra, lines = parsed
    if decoded.bom:
        spans = [before_the_mark(span, ann_path, lines) for span in spans]
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
