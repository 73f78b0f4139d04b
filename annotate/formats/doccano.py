"""doccano JSONL: sequence labelling (``label: [[s, e, "L"], ...]``) and relations
(``entities``/``relations``). **Offsets are UTF-16 code units**, as doccano computes them in the
browser: they are converted to code points on import and back on export.

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
from ..model import ENTITY, AnnotatedDocument, Annotations, Document, Relation, Span
from .common import (Notes, SourcedDocument, Utf16, as_id, fail, first_line_title, gold_view, json_id, numbered_ids,
                     unique_id)
from .output import LineWriter, json_record
from .reading import TOO_DEEP, json_lines, loads, read_text_file

TEXT_KEYS = ("text", "data", "column_data")
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


def read(path: Path, notes: Notes) -> Iterator[SourcedDocument]:
    seen: set[str] = set()
    count = 0
    for number, record in records(path):
        try:
            doc = parse_record(record, f"{path.stem}-{number}", notes, str(path), number)
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


def parse_record(record: Any, default_id: str, notes: Notes, source: str, number: int) -> SourcedDocument:
    if not isinstance(record, dict):
        raise InputError("each record must be a JSON object")
    text_key = next((k for k in TEXT_KEYS if k in record), None)
    if text_key is None:
        raise InputError("the record has no \"text\" (nor \"data\" or \"column_data\")")
    text = record[text_key]
    if not isinstance(text, str) or not text:
        raise InputError(f"\"{text_key}\" must be a non-empty string")
    doc_id = as_id(record.get("id", default_id), "\"id\"")
    u16 = Utf16(text)
    meta = record.get("meta") or {}
    if not isinstance(meta, dict):
        raise InputError("\"meta\" must be an object")
    meta = dict(meta)
    handled = {text_key, "id", "meta", "entities", "relations", "annotations", *SPAN_LIST_KEYS}
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
                             f"({u16.length} UTF-16 units)")
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
        rel_id = unique_id(f"r{as_id(rel['id'], what + ' id')}" if "id" in rel else f"r{i + 1}", taken)
        relations.append(Relation(rel_id, ends[0], ends[1], label))
    doc = SourcedDocument(Document(doc_id, text, meta), Annotations(spans, [], relations), source=source, line=number)
    doc.lines = {s.id: number for s in spans} | {r.id: number for r in relations}
    return doc


# ---- writing ------------------------------------------------------------------------------

def to_record(item: AnnotatedDocument) -> dict:
    doc = item.document
    ann = gold_view(item.annotations)
    u16 = Utf16(doc.text)
    entities = [s for s in ann.spans if s.layer == ENTITY]
    relations = [r for r in ann.relations if r.head in {s.id for s in entities} and r.tail in {s.id for s in entities}]
    # doccano's entity and relation ids are integers, unique within a record; ours are text.
    entity_ids = numbered_ids((s.id for s in entities), "e")
    relation_ids = numbered_ids((r.id for r in relations), "r")
    meta = {k: v for k, v in doc.meta.items() if k != "doccano"}
    record: dict[str, Any] = {"id": json_id(doc.id), "text": doc.text,
                              "entities": [{"id": entity_ids[s.id], "label": s.label,
                                            "start_offset": u16.to_u16(s.start), "end_offset": u16.to_u16(s.end)}
                                           for s in entities],
                              "relations": [{"id": relation_ids[r.id], "from_id": entity_ids[r.head],
                                             "to_id": entity_ids[r.tail], "type": r.label}
                                            for r in relations],
                              "meta": meta}
    record.update(doc.meta.get("doccano") or {})
    return record


def writer(target: Path) -> LineWriter:
    return LineWriter(target, lambda item: json_record(to_record(item), item.document.id))
