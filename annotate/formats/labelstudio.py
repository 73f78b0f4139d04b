"""Label Studio JSON: a list of tasks (or one task) with ``data``, ``annotations`` and ``predictions``.

Offsets are code points (``value.start``/``value.end`` over the text). Each region's
``value.text`` must be the text at its offsets; if it is not, the import is refused with a
message naming the file, the task and the region id (a copied or off-by-one region means the
file is not what it claims, and guessing would store wrong gold). A region whose text only
matches when its offsets are read as UTF-16 code units (a browser's count) is converted.

- ``annotations`` (and the legacy ``completions``) become gold; ``completed_by`` names the
  annotator when it is given. An annotation that was ``was_cancelled`` is skipped and reported.
- ``predictions`` become suggestions with origin ``model:MODEL_VERSION`` and the region's
  ``score`` (or the prediction's).
- ``relation`` results (``from_id``/``to_id``) become relations; ``direction: left`` swaps
  the ends; a relation without labels is labelled ``RELATED``.
- The text is ``data.text``; when there is no ``text`` key, the one string field of ``data``
  that is not a URL (e.g. ``$ner``). The other ``data`` fields are kept in the meta.
- Region types other than ``labels`` (``paragraphlabels``, ``choices``, ...) are refused with a message.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError
from ..model import ENTITY, SUGGESTED, AnnotatedDocument, Annotations, Document, Relation, Span
from .common import Notes, SourcedDocument, Utf16, as_id, fail, first_line_title, json_id, unique_id
from .output import TextFileWriter, json_record
from .reading import loads, read_text_file

NO_LABEL = "RELATED"


def looks_like_label_studio(data: Any) -> bool:
    tasks = data if isinstance(data, list) else [data]
    return bool(tasks) and all(isinstance(t, dict) and isinstance(t.get("data"), dict) for t in tasks[:20])


def read(path: Path, notes: Notes) -> Iterator[SourcedDocument]:
    data = loads(read_text_file(path), path)
    tasks = data if isinstance(data, list) else [data]
    if not tasks:
        raise fail("the file has no tasks", path)
    seen: set[str] = set()
    for index, task in enumerate(tasks, 1):
        where = f"task {index}"
        if isinstance(task, dict) and "id" in task:
            where += f" (id {task['id']})"
        try:
            doc = parse_task(task, index, path, notes, where)
        except InputError as exc:
            raise InputError(f"{where}: {exc.reason}", source=str(path)) from None
        if doc.document.id in seen:
            raise fail(f"{where}: document id {doc.document.id!r} appears twice in the file", path)
        seen.add(doc.document.id)
        yield doc


def _text_key(data: dict) -> str:
    if isinstance(data.get("text"), str):
        return "text"
    candidates = [k for k, v in data.items() if isinstance(v, str) and not v.startswith(("http://", "https://"))]
    if len(candidates) == 1:
        return candidates[0]
    kinds = ", ".join(f"{k!r} ({'a URL' if isinstance(v, str) else type(v).__name__})" for k, v in data.items())
    raise InputError(f"cannot tell which data field is the text (fields: {kinds}); only text tasks are read")


def parse_task(task: Any, index: int, path: Path, notes: Notes, where: str) -> SourcedDocument:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise InputError("a task must be an object with a \"data\" object")
    data = task["data"]
    key = _text_key(data)
    text = data[key]
    if not text:
        raise InputError(f"data.{key} is empty")
    doc_id = as_id(task.get("id", f"{path.stem}-{index}"), "the task's \"id\"")
    meta: dict[str, Any] = {"title": first_line_title(text)}
    others = {k: v for k, v in data.items() if k != key}
    ls_meta: dict[str, Any] = {}
    if key != "text":
        ls_meta["text_key"] = key
    if others:
        ls_meta["data"] = others
    if ls_meta:
        meta["label_studio"] = ls_meta
    u16 = Utf16(text)
    spans: list[Span] = []
    relations: list[Relation] = []
    taken: set[str] = set()
    groups = []
    for key_name in ("annotations", "completions"):
        for a_index, annotation in enumerate(_list(task.get(key_name), key_name)):
            if not isinstance(annotation, dict):
                raise InputError(f"{key_name}[{a_index}] must be an object")
            if annotation.get("was_cancelled"):
                notes.add(f"{where}: skipped a cancelled annotation", source=str(path))
                continue
            who = annotation.get("completed_by")
            if isinstance(who, dict):  # an expanded user: {"id": 1, "email": ...}
                who = who.get("email") or who.get("id")
            who = None if who is None else as_id(who, f"{key_name}[{a_index}].completed_by")
            groups.append((_list(annotation.get("result"), f"{key_name}[{a_index}].result"), "", who, None))
    for p_index, prediction in enumerate(_list(task.get("predictions"), "predictions")):
        if not isinstance(prediction, dict):
            raise InputError(f"predictions[{p_index}] must be an object")
        version = prediction.get("model_version") or "unknown"
        groups.append((_list(prediction.get("result"), f"predictions[{p_index}].result"), f"model:{version}", None,
                       prediction.get("score")))
    for results, origin, annotator, group_score in groups:
        ids: dict[str, str] = {}
        suggested = origin.startswith("model:")
        for result in results:
            if not isinstance(result, dict):
                raise InputError("a result must be an object")
            kind = result.get("type")
            if kind == "relation":
                continue
            rid = result.get("id")
            what = f"region {rid!r}"
            rid = None if rid is None else as_id(rid, f"{what}: its \"id\"")
            if kind != "labels":
                raise InputError(f"{what}: region type {kind!r} is not read (only \"labels\" over text and "
                                 "\"relation\")")
            value = result.get("value") or {}
            if not isinstance(value, dict):
                raise InputError(f"{what}: value must be an object")
            start, end = value.get("start"), value.get("end")
            for name, v in (("start", start), ("end", end)):
                if isinstance(v, bool) or not isinstance(v, int):
                    raise InputError(f"{what}: value.{name} must be an integer, not {v!r}")
            labels = value.get("labels") or []
            if not isinstance(labels, list) or len(labels) != 1 or not isinstance(labels[0], str):
                raise InputError(f"{what}: expected exactly one label, got {labels!r}")
            stated = value.get("text")
            if not 0 <= start < end <= len(text) or (stated is not None and text[start:end] != stated):
                s16, e16 = _utf16_reading(u16, start, end, stated)
                if s16 is None:
                    actual = text[start:end] if 0 <= start < end <= len(text) else None
                    raise InputError(f"{what}: value.text {stated!r} does not match the text at [{start}, {end})"
                                     + (f" ({actual!r})" if actual is not None else " (outside the text)")
                                     + "; fix the offsets or the text in the file")
                start, end = s16, e16
            score = value.get("score", group_score if suggested else None)
            span_id = unique_id(str(rid) if rid is not None else f"e{len(spans) + 1}", taken)
            if rid is not None:
                if rid in ids:
                    raise InputError(f"{what}: the region id is given twice in one annotation (ids are compared "
                                     "as text: 1 and \"1\" are the same)")
                ids[rid] = span_id
            spans.append(Span(span_id, start, end, labels[0], ENTITY, origin=origin,
                              decision=SUGGESTED if suggested else "manual", annotator=annotator,
                              score=score if isinstance(score, (int, float)) and not isinstance(score, bool) else None))
        for result in results:
            if result.get("type") != "relation":
                continue
            what = f"relation {result.get('from_id')!r} -> {result.get('to_id')!r}"
            ends = []
            for k in ("from_id", "to_id"):
                ref = result.get(k)
                if ref is None or isinstance(ref, (bool, float, list, dict)) or str(ref) not in ids:
                    raise InputError(f"{what}: {k} {ref!r} is not a region of the same annotation")
                ends.append(ids[str(ref)])
            direction = result.get("direction", "right")
            if direction == "left":
                ends.reverse()
            elif direction != "right":
                raise InputError(f"{what}: direction {direction!r} is not read (right or left)")
            labels = result.get("labels") or [NO_LABEL]
            if not isinstance(labels, list) or len(labels) != 1 or not isinstance(labels[0], str):
                raise InputError(f"{what}: expected one label, got {labels!r}")
            relations.append(Relation(unique_id(f"r{len(relations) + 1}", taken), ends[0], ends[1], labels[0],
                                      origin=origin, decision=SUGGESTED if suggested else "manual",
                                      annotator=annotator))
    return SourcedDocument(Document(doc_id, text, meta), Annotations(spans, [], relations),
                           source=f"{path}, {where}")


def _list(value: Any, what: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{what} must be a list")
    return value


def _utf16_reading(u16: Utf16, start: int, end: int, stated: Any):
    if not u16.astral or stated is None:
        return None, None
    try:
        s, e = u16.to_cp(start, ""), u16.to_cp(end, "")
    except InputError:
        return None, None
    return (s, e) if s < e and u16.text[s:e] == stated else (None, None)


# ---- writing ------------------------------------------------------------------------------

def to_task(item: AnnotatedDocument) -> dict:
    doc, ann = item.document, item.annotations
    ls_meta = doc.meta.get("label_studio") or {}
    data = {ls_meta.get("text_key", "text"): doc.text, **(ls_meta.get("data") or {})}
    text_name = "text"

    def region(span: Span) -> dict:
        value: dict[str, Any] = {"start": span.start, "end": span.end, "text": doc.text[span.start:span.end],
                                 "labels": [span.label]}
        if span.score is not None:
            value["score"] = span.score
        return {"id": span.id, "from_name": "label", "to_name": text_name, "type": "labels", "value": value}

    def relations_for(ids: set[str], rels) -> list[dict]:
        return [{"from_id": r.head, "to_id": r.tail, "type": "relation", "direction": "right",
                 **({"labels": [r.label]} if r.label != NO_LABEL else {})}
                for r in rels if r.head in ids and r.tail in ids]

    entities = [s for s in ann.spans if s.layer == ENTITY]
    gold = [s for s in entities if s.is_gold]
    gold_rels = [r for r in ann.relations if r.decision in ("accepted", "manual")]
    annotations = []
    by_annotator: dict[str | None, list[Span]] = {}
    for span in gold:
        by_annotator.setdefault(span.annotator, []).append(span)
    for who, spans in by_annotator.items():
        ids = {s.id for s in spans}
        result = [region(s) for s in spans] + relations_for(ids, gold_rels)
        annotation: dict[str, Any] = {"result": result}
        if who is not None:
            annotation["completed_by"] = who
        annotations.append(annotation)
    predictions = []
    by_origin: dict[str, list[Span]] = {}
    for span in entities:
        if span.decision == SUGGESTED:
            by_origin.setdefault(span.origin, []).append(span)
    for origin, spans in by_origin.items():
        ids = {s.id for s in spans}
        rels = [r for r in ann.relations if r.decision == SUGGESTED]
        predictions.append({"model_version": origin[len("model:"):] if origin.startswith("model:") else origin,
                            "result": [region(s) for s in spans] + relations_for(ids, rels)})
    task: dict[str, Any] = {"id": json_id(doc.id), "data": data,
                            "annotations": annotations, "predictions": predictions}
    return task


class Writer(TextFileWriter):
    """A JSON array of tasks, written one task at a time."""

    def begin(self) -> None:
        self.out.write("[")

    def add(self, item: AnnotatedDocument) -> None:
        self.out.write(",\n" if self.count else "\n")
        self.out.write(json_record(to_task(item), item.document.id))
        self.count += 1

    def end(self) -> None:
        self.out.write("\n]\n")
