"""Reading Label Studio tasks: the file, each task's data, annotations and predictions."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from ...errors import InputError
from ...model import NEW, STATUSES, Annotations, Document
from ..common import Notes, SourcedDocument, as_id, fail, first_line_title
from ..reading import loads, read_text_file
from .mapping import ID_KEY, TEXT_KEY
from .regions import TaskReader

FULL_PREDICTIONS_HINT = ("Label Studio's default JSON export lists predictions by id only; to bring them in, "
                         "export a snapshot with full predictions (POST /api/projects/ID/exports with "
                         "{\"serialization_options\": {\"predictions\": {\"only_id\": false}}}, then download it "
                         "as JSON)")


def looks_like_label_studio(data: Any) -> bool:
    tasks = data if isinstance(data, list) else [data]
    return bool(tasks) and all(isinstance(t, dict) and isinstance(t.get("data"), dict) for t in tasks[:20])


def read(path: Path, notes: Notes) -> Iterator[SourcedDocument]:
    data = loads(read_text_file(path), path)
    tasks = data if isinstance(data, list) else [data]
    if not tasks:
        raise fail("the file has no tasks", path)
    seen: set[str] = set()
    id_only = [0]
    for index, task in enumerate(tasks, 1):
        where = f"task {index}"
        if isinstance(task, dict) and "id" in task:
            where += f" (id {task['id']})"
        try:
            doc = parse_task(task, index, path, notes, where, id_only)
        except InputError as exc:
            raise InputError(f"{where}: {exc.reason}", source=str(path)) from None
        if doc.document.id in seen:
            raise fail(f"{where}: document id {doc.document.id!r} appears twice in the file", path)
        seen.add(doc.document.id)
        yield doc
    if id_only[0]:
        notes.add(f"{id_only[0]} predictions were given as ids only and were not imported. {FULL_PREDICTIONS_HINT}",
                  source=str(path))


def _text_key(data: dict) -> str:
    if isinstance(data.get(TEXT_KEY), str):
        return TEXT_KEY
    candidates = [k for k, v in data.items() if isinstance(v, str) and k != ID_KEY
                  and not v.startswith(("http://", "https://"))]
    if len(candidates) == 1:
        return candidates[0]
    kinds = ", ".join(f"{k!r} ({'a URL' if isinstance(v, str) else type(v).__name__})" for k, v in data.items())
    raise InputError(f"cannot tell which data field is the text (fields: {kinds}); only text tasks are read")


def _own_meta(task: dict) -> dict:
    meta = task.get("meta")
    own = meta.get("marginalia") if isinstance(meta, dict) else None
    return own if isinstance(own, dict) else {}


def parse_task(task: Any, index: int, path: Path, notes: Notes, where: str, id_only: list | None = None
               ) -> SourcedDocument:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise InputError("a task must be an object with a \"data\" object")
    data = task["data"]
    key = _text_key(data)
    text = data[key]
    if not text:
        raise InputError(f"data.{key} is empty")
    own = _own_meta(task)
    if ID_KEY in data:
        doc_id = as_id(data[ID_KEY], f"data.{ID_KEY}")
    else:
        doc_id = as_id(task.get("id", f"{path.stem}-{index}"), "the task's \"id\"")
    meta: dict[str, Any] = dict(own["meta"]) if isinstance(own.get("meta"), dict) else {}
    meta.setdefault("title", first_line_title(text))
    others = {k: v for k, v in data.items() if k not in (key, ID_KEY)}
    ls_meta: dict[str, Any] = {}
    if key != TEXT_KEY:
        ls_meta["text_key"] = key
    if others:
        ls_meta["data"] = others
    if ls_meta:
        meta["label_studio"] = ls_meta
    names = own.get("annotators") if isinstance(own.get("annotators"), list) else None
    reader = TaskReader(text)
    groups = []
    a_number = 0
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
            if names is not None and a_number < len(names) and (names[a_number] is None or
                                                                  isinstance(names[a_number], str)):
                who = names[a_number]
            a_number += 1
            groups.append((_list(annotation.get("result"), f"{key_name}[{a_index}].result"), "", who, None))
    for p_index, prediction in enumerate(_list(task.get("predictions"), "predictions")):
        if isinstance(prediction, int) and not isinstance(prediction, bool) and id_only is not None:
            id_only[0] += 1
            continue
        if not isinstance(prediction, dict):
            raise InputError(f"predictions[{p_index}] must be an object (or a prediction id, as Label Studio's "
                             "default export writes)")
        version = prediction.get("model_version") or "unknown"
        groups.append((_list(prediction.get("result"), f"predictions[{p_index}].result"), f"model:{version}", None,
                       prediction.get("score")))
    for results, origin, annotator, group_score in groups:
        reader.group(results, origin, annotator, group_score)
    reader.attach_evidence(own.get("stance_evidence"))
    clusters = reader.make_groups(own.get("clusters"))
    status = own.get("status") if own.get("status") in STATUSES else NEW
    return SourcedDocument(Document(doc_id, text, meta),
                           Annotations(reader.spans, reader.stances, reader.relations, reader.labels, status,
                                       clusters=clusters),
                           source=f"{path}, {where}")


def _list(value: Any, what: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{what} must be a list")
    return value
