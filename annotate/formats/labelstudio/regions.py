"""One task's regions, relations and stances, read into spans, relations, stances and groups."""
from __future__ import annotations

from typing import Any

from ...errors import InputError
from ...model import CLAIM, DECISIONS, ENTITY, POLARITIES, SUGGESTED, Cluster, Relation, Span, Stance
from ..common import Utf16, as_id, unique_id
from ..groups import COREF
from ..groups import assign as assign_groups
from .mapping import CHECKWORTHY, CHECKWORTHY_NO, CHECKWORTHY_YES, CLAIM_LABEL, CLAIM_TYPE, CLAIMANT, \
    CLAIMANT_TEXT, NO_LABEL


class TaskReader:
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
            if s16 is None and stated is None:
                # No value.text to check against: the offsets alone are wrong.
                raise InputError(f"{what}: value.start {start} and value.end {end} are not a span of the "
                                 f"text, which has {len(text)} characters; fix the offsets in the file")
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


def _utf16_reading(u16: Utf16, start: int, end: int, stated: Any):
    if not u16.astral or stated is None:
        return None, None
    try:
        s, e = u16.to_cp(start, ""), u16.to_cp(end, "")
    except InputError:
        return None, None
    return (s, e) if s < e and u16.text[s:e] == stated else (None, None)
