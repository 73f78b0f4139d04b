"""Label Studio JSON: a list of tasks (or one task) with ``data``, ``annotations`` and ``predictions``.

Offsets are code points (``value.start``/``value.end`` over the text). Each region's
``value.text`` must be the text at its offsets; if it is not, the import is refused with a
message naming the file, the task and the region id (a copied or off-by-one region means the
file is not what it claims, and guessing would store wrong gold). A region whose text only
matches when its offsets are read as UTF-16 code units (a browser's count) is converted.

The mapping (README, "Formats and their clients"):

- ``labels`` regions are entities; a region labelled ``CLAIM`` is a claim, whose type,
  check-worthiness and free-text claimant are per-region ``choices`` (``claim_type``,
  ``checkworthy``) and ``textarea`` (``claimant_text``) results with the claim's region id.
- ``relation`` results (``from_id``/``to_id``, ``direction: left`` swaps the ends): labelled
  ``FAVOR``/``AGAINST``/``NEUTRAL`` they are stances (holder -> target), ``CLAIMANT`` names a
  claim's claimant (claim -> entity), ``COREF`` links entities into an entity group (see
  ``groups.py``; the group's id and who decided it are kept in the task's
  ``meta.marginalia.clusters``), any other label is a relation (no label: ``RELATED``).
- Document-level ``choices`` are document labels.
- ``annotations`` (and the legacy ``completions``) become gold; the annotator is the name kept
  in the task's ``meta.marginalia.annotators`` (our exports), else ``completed_by``'s email or
  id. An annotation that was ``was_cancelled`` is skipped and reported.
- ``predictions`` become suggestions with origin ``model:MODEL_VERSION`` and the region's
  ``score`` (or the prediction's). Label Studio's default export lists predictions as ids only;
  those are counted and reported, and the annotations are imported.
- The document id is ``data.marginalia_id`` (our exports carry it), else the task id. The text
  is ``data.text``; when there is no ``text`` key, the one string field of ``data`` that is not
  a URL (e.g. ``$ner``). The other ``data`` fields are kept in the meta.
- Other region types (``paragraphlabels``, ``rectanglelabels``, ...) are refused with a message.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError
from ..model import (CLAIM, DECISIONS, ENTITY, NEW, HUMAN_DECISIONS, POLARITIES, STATUSES, SUGGESTED,
                     AnnotatedDocument, Annotations, Cluster, Document, Relation, Span, Stance)
from .common import Notes, SourcedDocument, Utf16, as_id, fail, first_line_title, unique_id
from .groups import COREF, chains
from .groups import assign as assign_groups
from .output import TextFileWriter, json_record, write_beside
from .reading import loads, read_text_file

NO_LABEL = "RELATED"
TEXT_KEY = "text"
#: our document id in ``data`` (Label Studio's task id replaces any id we give the task)
ID_KEY = "marginalia_id"
ENTITY_TAG, CLAIM_TAG = "label", "claim"
CLAIM_LABEL = "CLAIM"
CLAIM_TYPE, CHECKWORTHY, CLAIMANT_TEXT, DOC_LABELS = "claim_type", "checkworthy", "claimant_text", "doc_labels"
CHECKWORTHY_YES, CHECKWORTHY_NO = "checkworthy", "not checkworthy"
CLAIMANT = "CLAIMANT"
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
    reader = _TaskReader(text)
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


class _TaskReader:
    """The regions, relations and stances of one task's annotations and predictions."""

    def __init__(self, text: str):
        self.text = text
        self.u16 = Utf16(text)
        self.spans: list[Span] = []
        self.relations: list[Relation] = []
        self.stances: list[Stance] = []
        self.labels: list[str] = []
        self.taken: set[str] = set()
        #: (region id in the file, annotation group) -> our span id
        self.by_region: dict[tuple[str, int], str] = {}
        self.groups = 0
        #: COREF links between our span ids (entity groups)
        self.coref: list[tuple[str, str]] = []

    def group(self, results: list, origin: str, annotator: str | None, group_score: Any) -> None:
        self.groups += 1
        group = self.groups
        ids: dict[str, str] = {}
        suggested = origin.startswith("model:")
        decision = SUGGESTED if suggested else "manual"
        per_region: list[tuple[str, dict, str]] = []
        for result in results:
            if not isinstance(result, dict):
                raise InputError("a result must be an object")
            kind = result.get("type")
            if kind == "relation":
                continue
            rid = result.get("id")
            what = f"region {rid!r}"
            rid = None if rid is None else as_id(rid, f"{what}: its \"id\"")
            value = result.get("value") or {}
            if not isinstance(value, dict):
                raise InputError(f"{what}: value must be an object")
            if kind in ("choices", "textarea"):
                if "start" not in value and kind == "choices":
                    choices = value.get("choices") or []
                    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
                        raise InputError(f"{what}: choices must be a list of strings")
                    self.labels += [c for c in choices if c not in self.labels]
                    continue
                per_region.append((str(rid), value, str(result.get("from_name"))))
                continue
            if kind != "labels":
                raise InputError(f"{what}: region type {kind!r} is not read (only \"labels\" over text, per-region "
                                 "\"choices\" and \"textarea\" on claims, document \"choices\" and \"relation\")")
            start, end = self._offsets(value, what)
            labels = value.get("labels") or []
            if not isinstance(labels, list) or len(labels) != 1 or not isinstance(labels[0], str):
                raise InputError(f"{what}: expected exactly one label, got {labels!r}")
            score = result.get("score", value.get("score", group_score if suggested else None))
            span_id = unique_id(rid if rid is not None else f"e{len(self.spans) + 1}", self.taken)
            if rid is not None:
                if rid in ids:
                    raise InputError(f"{what}: the region id is given twice in one annotation (ids are compared "
                                     "as text: 1 and \"1\" are the same)")
                ids[rid] = span_id
            layer = CLAIM if labels[0] == CLAIM_LABEL else ENTITY
            self.spans.append(Span(span_id, start, end, labels[0], layer, origin=origin, decision=decision,
                                   annotator=annotator,
                                   score=score if isinstance(score, (int, float)) and not isinstance(score, bool)
                                   else None))
        spans = {s.id: s for s in self.spans}
        for rid, value, tag in per_region:
            span = spans.get(ids.get(rid, ""))
            what = f"region {rid!r} ({tag})"
            if span is None or span.layer != CLAIM:
                raise InputError(f"{what}: a per-region result must belong to a claim region of the same annotation")
            self._claim_detail(span, tag, value, what)
        for result in results:
            if result.get("type") != "relation":
                continue
            self._relation(result, ids, spans, origin, decision, annotator)
        for rid, span_id in ids.items():
            self.by_region[(rid, group)] = span_id

    def _offsets(self, value: dict, what: str) -> tuple[int, int]:
        start, end = value.get("start"), value.get("end")
        for name, v in (("start", start), ("end", end)):
            if isinstance(v, bool) or not isinstance(v, int):
                raise InputError(f"{what}: value.{name} must be an integer, not {v!r}")
        stated = value.get("text")
        text = self.text
        if not 0 <= start < end <= len(text) or (stated is not None and text[start:end] != stated):
            s16, e16 = _utf16_reading(self.u16, start, end, stated)
            if s16 is None:
                actual = text[start:end] if 0 <= start < end <= len(text) else None
                raise InputError(f"{what}: value.text {stated!r} does not match the text at [{start}, {end})"
                                 + (f" ({actual!r})" if actual is not None else " (outside the text)")
                                 + "; fix the offsets or the text in the file")
            start, end = s16, e16
        return start, end

    @staticmethod
    def _claim_detail(span: Span, tag: str, value: dict, what: str) -> None:
        if tag == CLAIMANT_TEXT:
            texts = value.get("text")
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                raise InputError(f"{what}: value.text must be a list of strings")
            span.claimant_text = "\n".join(texts) or None
            return
        choices = value.get("choices")
        if not isinstance(choices, list) or len(choices) != 1 or not isinstance(choices[0], str):
            raise InputError(f"{what}: expected one choice, got {choices!r}")
        if tag == CLAIM_TYPE:
            span.claim_type = choices[0]
        elif tag == CHECKWORTHY and choices[0] in (CHECKWORTHY_YES, CHECKWORTHY_NO):
            span.checkworthy = choices[0] == CHECKWORTHY_YES
        else:
            raise InputError(f"{what}: a claim's per-region result is {CLAIM_TYPE}, {CHECKWORTHY} "
                             f"({CHECKWORTHY_YES!r} or {CHECKWORTHY_NO!r}) or {CLAIMANT_TEXT}")

    def _relation(self, result: dict, ids: dict, spans: dict, origin: str, decision: str, annotator) -> None:
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
        elif direction not in ("right", "bi"):
            raise InputError(f"{what}: direction {direction!r} is not read (right, left or bi)")
        labels = result.get("labels") or [NO_LABEL]
        if not isinstance(labels, list) or len(labels) != 1 or not isinstance(labels[0], str):
            raise InputError(f"{what}: expected one label, got {labels!r}")
        label = labels[0]
        if label in POLARITIES:
            self.stances.append(Stance(unique_id(f"s{len(self.stances) + 1}", self.taken), ends[0], ends[1], label,
                                       origin=origin, decision=decision, annotator=annotator))
        elif label == CLAIMANT and spans[ends[0]].layer == CLAIM:
            spans[ends[0]].claimant = ends[1]
        elif label == COREF and spans[ends[0]].layer == ENTITY and spans[ends[1]].layer == ENTITY:
            self.coref.append((ends[0], ends[1]))
        else:
            self.relations.append(Relation(unique_id(f"r{len(self.relations) + 1}", self.taken), ends[0], ends[1],
                                           label, origin=origin, decision=decision, annotator=annotator))

    def make_groups(self, kept: Any) -> list[Cluster]:
        """Entity groups from the COREF links. A group whose mentions are exactly those of a group
        our export kept in the task meta gets that group's id and who proposed and decided it back;
        any other group (drawn in Label Studio) is one of the annotation's or prediction's own."""
        region_of = {span_id: rid for (rid, _), span_id in self.by_region.items()}
        known: dict[frozenset, dict] = {}
        for entry in kept if isinstance(kept, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("mentions"), list) \
                    and all(isinstance(m, str) for m in entry["mentions"]):
                known.setdefault(frozenset(entry["mentions"]), entry)

        def make(mentions: list[Span]) -> Cluster:
            first = mentions[0]
            entry = known.pop(frozenset(region_of.get(m.id) for m in mentions), None) or {}
            decision = entry.get("decision")
            if decision not in DECISIONS or (decision == SUGGESTED) != (first.decision == SUGGESTED):
                return Cluster(unique_id(f"g-{first.id}", self.taken), first.origin, first.decision, first.annotator)
            entry_id = entry.get("id")
            score = entry.get("score")
            return Cluster(unique_id(entry_id if isinstance(entry_id, str) and entry_id else f"g-{first.id}",
                                     self.taken),
                           entry["origin"] if isinstance(entry.get("origin"), str) else first.origin, decision,
                           entry["annotator"] if isinstance(entry.get("annotator"), str) else first.annotator,
                           score if isinstance(score, (int, float)) and not isinstance(score, bool) else None)

        return assign_groups(self.spans, self.coref, make)

    def attach_evidence(self, evidence: Any) -> None:
        """Stance evidence, kept in the task meta as [holder, target, polarity, evidence] region ids."""
        if not isinstance(evidence, list):
            return
        wanted = {tuple(e[:3]): e[3] for e in evidence
                  if isinstance(e, list) and len(e) == 4 and all(isinstance(x, str) for x in e)}
        known = {s.id for s in self.spans}
        for stance in self.stances:
            found = wanted.get((stance.holder, stance.target, stance.polarity))
            if found in known:
                stance.evidence = found


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


def labeling_config(schema) -> str:
    """The Label Studio labeling config (XML) for a schema: what a project needs to show and
    accept the export (entity labels, the claim label with its per-region type, check-worthiness
    and free-text claimant, relation labels including stance polarities, CLAIMANT and COREF (entity
    groups), and document labels)."""
    from xml.sax.saxutils import quoteattr as q
    lines = ["<View>", f'  <Labels name="{ENTITY_TAG}" toName="{TEXT_KEY}">']
    lines += [f"    <Label value={q(e.label)} background={q(e.color or '#DDDDDD')}/>" for e in schema.entities]
    lines += ["  </Labels>", f'  <Labels name="{CLAIM_TAG}" toName="{TEXT_KEY}">',
              f'    <Label value="{CLAIM_LABEL}" background="#BBBBBB"/>', "  </Labels>",
              f'  <Text name="{TEXT_KEY}" value="${TEXT_KEY}"/>', "  <Relations>"]
    relation_labels = [r.label for r in schema.relations] + list(schema.polarities) + [CLAIMANT, COREF]
    lines += [f"    <Relation value={q(label)}/>" for label in dict.fromkeys(relation_labels)]
    lines += ["  </Relations>",
              f'  <Choices name="{CLAIM_TYPE}" toName="{TEXT_KEY}" perRegion="true" choice="single" '
              f'visibleWhen="region-selected" whenTagName="{CLAIM_TAG}">']
    lines += [f"    <Choice value={q(t)}/>" for t in schema.claim_types]
    lines += ["  </Choices>",
              f'  <Choices name="{CHECKWORTHY}" toName="{TEXT_KEY}" perRegion="true" choice="single" '
              f'visibleWhen="region-selected" whenTagName="{CLAIM_TAG}">',
              f'    <Choice value="{CHECKWORTHY_YES}"/>', f'    <Choice value="{CHECKWORTHY_NO}"/>', "  </Choices>",
              f'  <TextArea name="{CLAIMANT_TEXT}" toName="{TEXT_KEY}" perRegion="true" '
              f'visibleWhen="region-selected" whenTagName="{CLAIM_TAG}" maxSubmissions="1"/>']
    if schema.document_labels:
        lines.append(f'  <Choices name="{DOC_LABELS}" toName="{TEXT_KEY}" choice="multiple">')
        lines += [f"    <Choice value={q(label)}/>" for label in schema.document_labels]
        lines.append("  </Choices>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


def config_path(target: Path) -> Path:
    """Where the labeling config goes beside an export: out.json -> out.label_config.xml."""
    return target.with_name(f"{target.stem}.label_config.xml")


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
