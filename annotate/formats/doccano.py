"""doccano JSONL: sequence labelling (``label: [[s, e, "L"], ...]``) and relations
(``entities``/``relations``). **Offsets are UTF-16 code units**, as doccano computes them in the
browser: they are converted to code points on import and back on export. A project made with
"Count grapheme clusters as one character" (``grapheme_mode``) counts extended grapheme clusters
instead: ``--doccano-offsets grapheme`` reads and writes those.

Also read: ``labels`` (doccano 1.x), ``annotations`` with ``user`` (1.x multi-user: each user
becomes an annotator ``doccano-user-N``), a text column named ``data`` or ``column_data``
and a label column named ``column_label``, and a file that is one pretty-printed JSON object
(or a JSON array) instead of one record per line. A span given twice (same offsets and label)
is kept once and reported. Labels must be names: numeric label ids (1.x) are refused.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError
from ..model import CLAIM, ENTITY, AnnotatedDocument, Annotations, Cluster, Document, Relation, Span
from .common import (DOCCANO_OFFSETS, Notes, SourcedDocument, as_id, fail, first_line_title, gold_view, json_id, numbered_ids,
                     unique_id)
from .groups import COREF, assign as assign_groups, links as group_links
from .output import LineWriter, json_record
# OWN_KEY: the column with what doccano has no place for; doccano keeps unknown columns as the example's meta
from .own_column import CLAIM_LABEL, CLAIMANT, OWN_KEY, read_own
from .reading import TOO_DEEP, json_lines, loads, read_text_file

TEXT_KEYS = ("text", "data", "column_data")
#: what doccano adds to the records it exports
_DOCCANO_EXPORT_KEYS = ("Comments",)
SPAN_LIST_KEYS = ("label", "labels", "column_label")


def records(path: Path) -> Iterator[tuple[int, Any]]:
    """(line, record) pairs from JSONL, or from one pretty-printed object / array."""
    text = read_text_file(path)
    stripped = text.lstrip()
    if stripped[:1] in "[{" and "\n" in text.strip():
        try:
            whole = loads(text, path)
        except InputError as exc:
            if not exc.reason.startswith(("not valid JSON", TOO_DEEP)):
                raise  # a NaN or a huge number: the same refusal as a line of JSONL would get
            whole = None
        if whole is not None:
            first_line = text[:len(text) - len(stripped)].count("\n") + 1
            if isinstance(whole, dict):
                yield first_line, whole
                return
            if isinstance(whole, list):
                for i, record in enumerate(whole, 1):
                    yield i, record
                return
    yield from json_lines(text, path)


def read(path: Path, notes: Notes, offsets: str = "utf16") -> Iterator[SourcedDocument]:
    seen: set[str] = set()
    count = 0
    for number, record in records(path):
        try:
            doc = parse_record(record, f"{path.stem}-{number}", notes, str(path), number, offsets)
        except InputError as exc:
            raise exc.located(source=str(path), line=number) from None
        if doc.document.id in seen:
            raise fail(f"document id {doc.document.id!r} appears twice in the file", path, number)
        seen.add(doc.document.id)
        count += 1
        yield doc
    if not count:
        raise fail("the file has no records", path)


def _label(value: Any, what: str) -> str:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        raise InputError(f"{what}: the label {value} is a numeric label id (a doccano 1.x export); "
                         "export the project again with label names")
    raise InputError(f"{what}: the label must be a non-empty string, not {value!r}")


def _list(record: dict, key: str) -> list:
    value = record.get(key) or []
    if not isinstance(value, list):
        raise InputError(f"\"{key}\" must be a list")
    return value


def parse_record(record: Any, default_id: str, notes: Notes, source: str, number: int,
                 offsets: str = "utf16") -> SourcedDocument:
    if not isinstance(record, dict):
        raise InputError("each record must be a JSON object")
    text_key = next((k for k in TEXT_KEYS if k in record), None)
    if text_key is None:
        raise InputError("the record has no \"text\" (nor \"data\" or \"column_data\")")
    text = record[text_key]
    if not isinstance(text, str) or not text:
        raise InputError(f"\"{text_key}\" must be a non-empty string")
    doc_id = as_id(record.get("id", default_id), "\"id\"")
    own = record.get(OWN_KEY)
    written = own.get("offsets", "utf16") if isinstance(own, dict) else "utf16"
    if written != offsets and written in DOCCANO_OFFSETS:
        raise InputError(f"the record's offsets count {written} units (our export said so in its \"{OWN_KEY}\" "
                         f"column), not {offsets}: import it with --doccano-offsets {written}")
    u16 = DOCCANO_OFFSETS[offsets](text)
    meta = record.get("meta") or {}
    if not isinstance(meta, dict):
        raise InputError("\"meta\" must be an object")
    meta = dict(meta)
    handled = {text_key, "id", "meta", "entities", "relations", "annotations", OWN_KEY, *SPAN_LIST_KEYS,
               *_DOCCANO_EXPORT_KEYS}
    extra = {k: v for k, v in record.items() if k not in handled}
    if extra:
        meta["doccano"] = extra
    meta.setdefault("title", first_line_title(text))

    spans: list[Span] = []
    taken: set[str] = set()
    by_key: dict[tuple, str] = {}

    def add(raw_id: Any, start: Any, end: Any, label: Any, what: str, annotator: str | None = None) -> str:
        label = _label(label, what)
        for name, value in (("start", start), ("end", end)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(f"{what}: {name} must be an integer, not {value!r}")
        if not 0 <= start < end <= u16.length:
            raise InputError(f"{what}: offsets [{start}, {end}) are not a non-empty range inside the text "
                             f"({u16.length} {'grapheme clusters' if offsets == 'grapheme' else 'UTF-16 units'})")
        s, e = u16.to_cp(start, what), u16.to_cp(end, what)
        span_id = unique_id(f"e{raw_id}" if raw_id is not None else f"e{len(spans) + 1}", taken)
        key = (s, e, label, annotator)
        if key in by_key:
            notes.add(f"{what}: the span [{start}, {end}) {label} is given twice; kept once", source=source,
                      line=number)
            return by_key[key]
        by_key[key] = span_id
        spans.append(Span(span_id, s, e, label, ENTITY, annotator=annotator))
        return span_id

    for key in SPAN_LIST_KEYS:
        if key in record:
            raw_list = record[key]
            if not isinstance(raw_list, list):
                raise InputError(f"\"{key}\" must be a list of [start, end, label]")
            for i, item in enumerate(raw_list):
                if isinstance(item, str):
                    raise InputError(f"\"{key}\" holds document categories ({item!r}), a text classification "
                                     "export; only sequence labelling and relations are read")
                if not isinstance(item, list) or len(item) != 3:
                    raise InputError(f"{key}[{i}] must be [start, end, label], not {item!r}")
                add(None, item[0], item[1], item[2], f"{key}[{i}]")
    ids: dict[str, str] = {}
    for i, ent in enumerate(_list(record, "entities")):
        if not isinstance(ent, dict):
            raise InputError(f"entities[{i}] must be an object")
        raw_id = as_id(ent.get("id", i), f"entities[{i}].id")
        if raw_id in ids:
            raise InputError(f"entities[{i}]: the entity id {raw_id} is given twice in this record (ids are "
                             "compared as text: 1 and \"1\" are the same)")
        ids[raw_id] = add(raw_id, ent.get("start_offset"), ent.get("end_offset"), ent.get("label"),
                               f"entity {raw_id}")
    for i, ent in enumerate(_list(record, "annotations")):
        if not isinstance(ent, dict):
            raise InputError(f"annotations[{i}] must be an object")
        user = ent.get("user")
        add(None, ent.get("start_offset"), ent.get("end_offset"), ent.get("label"), f"annotations[{i}]",
            annotator=None if user is None else f"doccano-user-{user}")
    relations = []
    relation_ids: dict[str, Any] = {}
    for i, rel in enumerate(_list(record, "relations")):
        what = f"relation {rel.get('id', i) if isinstance(rel, dict) else i}"
        if not isinstance(rel, dict):
            raise InputError(f"{what} must be an object")
        ends = []
        for key in ("from_id", "to_id"):
            ref = rel.get(key)
            if ref is None or isinstance(ref, (bool, float, list, dict)) or str(ref) not in ids:
                raise InputError(f"{what}: {key} {ref!r} is not the id of an entity in this record")
            ends.append(ids[str(ref)])
        label = rel.get("type", rel.get("label"))
        if not isinstance(label, str) or not label:
            raise InputError(f"{what} has no type")
        if "id" in rel:
            raw = as_id(rel["id"], what + " id")
            if raw in relation_ids:
                raise InputError(f"{what}: the relation id {rel['id']!r} is used twice in this record "
                                 f"(first as {relation_ids[raw]!r})")
            relation_ids[raw] = rel["id"]
        rel_id = unique_id(f"r{as_id(rel['id'], what + ' id')}" if "id" in rel else f"r{i + 1}", taken)
        relations.append(Relation(rel_id, ends[0], ends[1], label))
    own = read_own(record.get(OWN_KEY), spans, relations, lambda s: (u16.to_u16(s.start), u16.to_u16(s.end)))
    stances, relations, labels, status = own.stances, own.relations, own.labels, own.status
    clusters = assign_groups(spans, own.coref, lambda mentions: Cluster(unique_id(f"g-{mentions[0].id}", taken)))
    doc = SourcedDocument(Document(doc_id, text, meta), Annotations(spans, stances, relations, labels, status,
                                                                    clusters=clusters),
                          source=source, line=number)
    doc.lines = {s.id: number for s in spans} | {r.id: number for r in relations}
    return doc


# ---- writing ------------------------------------------------------------------------------

def to_record(item: AnnotatedDocument, offsets: str = "utf16") -> dict:
    """A relation-extraction record: gold entities and claims (label ``CLAIM``) as spans with
    integer ids (doccano requires them), relations, claimants (``CLAIMANT``, claim -> entity),
    stances (typed by polarity, holder -> target) and entity groups (``COREF``, each mention to
    the next) as relations. What doccano has no place for
    (a claim's type, check-worthiness and free-text claimant, a stance's evidence, document labels
    and status) goes in the ``marginalia`` column, keyed by offsets, which doccano keeps with
    the example and writes back in its exports."""
    doc = item.document
    ann = gold_view(item.annotations)
    u16 = DOCCANO_OFFSETS[offsets](doc.text)
    # doccano's entity and relation ids are integers, unique within a record; ours are text.
    numbers = numbered_ids((s.id for s in ann.spans), "e")
    spans = {s.id: s for s in ann.spans}

    def where(span_id: str) -> list[int]:
        span = spans[span_id]
        return [u16.to_u16(span.start), u16.to_u16(span.end)]

    relation_numbers = numbered_ids((r.id for r in ann.relations), "r")
    relations = [(relation_numbers[r.id], r.head, r.tail, r.label) for r in ann.relations]
    more = [(c.id, c.claimant, CLAIMANT) for c in ann.claims if c.claimant in spans]
    more += [(s.holder, s.target, s.polarity) for s in ann.stances]
    more += [(a, b, COREF) for a, b in group_links(ann, spans)]
    first_free = max(relation_numbers.values(), default=0) + 1
    relations += [(first_free + n, head, tail, label) for n, (head, tail, label) in enumerate(more)]
    own: dict[str, Any] = {"status": ann.status}
    if offsets != "utf16":
        own["offsets"] = offsets  # so that a reader counting the other way refuses rather than misplaces
    claims = [[*where(c.id), c.claim_type, c.checkworthy, c.claimant_text] for c in ann.claims]
    if claims:
        own["claims"] = claims
    evidence = [[*where(s.holder), *where(s.target), s.polarity, *where(s.evidence)]
                for s in ann.stances if s.evidence in spans]
    if evidence:
        own["stance_evidence"] = evidence
    if ann.labels:
        own["labels"] = list(ann.labels)
    meta = {k: v for k, v in doc.meta.items() if k != "doccano"}
    record: dict[str, Any] = {
        "id": json_id(doc.id), "text": doc.text,
        "entities": [{"id": numbers[s.id], "label": CLAIM_LABEL if s.layer == CLAIM else s.label,
                      "start_offset": u16.to_u16(s.start), "end_offset": u16.to_u16(s.end)}
                     for s in sorted(ann.spans, key=lambda s: numbers[s.id])],
        "relations": [{"id": n, "from_id": numbers[head], "to_id": numbers[tail], "type": label}
                      for n, head, tail, label in relations],
        "meta": meta, OWN_KEY: own}
    record.update(doc.meta.get("doccano") or {})
    return record


def writer(target: Path, offsets: str = "utf16") -> LineWriter:
    def line(item: AnnotatedDocument) -> str:
        try:
            return json_record(to_record(item, offsets), item.document.id)
        except InputError as exc:
            raise InputError(f"document {item.document.id!r}: {exc.reason}") from None
    return LineWriter(target, line)
