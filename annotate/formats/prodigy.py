"""Prodigy-style JSONL: ``text``, ``tokens``, ``spans``, ``relations``, ``answer``. Offsets are code points.

Reading:
- ``answer: accept`` -> the spans are gold (accepted); a span's own ``answer: reject`` (ner.teach)
  makes that span rejected; ``answer: reject`` -> every span of the task is rejected (kept as data
  about the model, never gold); ``answer: ignore`` -> the task is skipped and reported;
  no ``answer`` (raw input, pre-annotations) -> the spans are suggestions.
- A span with ``source`` (a model name) gets ``model:SOURCE`` as its origin, with its ``score``.
- ``relations`` (rel.manual): ``head``/``child`` are token indices; the ends are found through
  ``head_span``/``child_span`` (character offsets) or else through the tokens.
- Other task keys (``_input_hash``, ``_view_id``, ``options``, ``accept``, review ``versions``...)
  are kept in the document's meta under ``"prodigy"`` and written back on export.
  ``tokens`` are not kept: export writes fresh ones that agree with every span.
- Claims and stances (README, "Formats and their clients"): a span labelled ``CLAIM`` is a claim;
  a relation labelled ``CLAIMANT`` (claim -> entity) names its claimant, one labelled ``FAVOR``,
  ``AGAINST`` or ``NEUTRAL`` is a stance (holder -> target), one labelled ``COREF`` between two
  entities links them into an entity group, as ``coref.manual`` draws it; the task's ``marginalia`` key holds
  what Prodigy has no place for (claim type, check-worthiness, free-text claimant, stance evidence,
  document labels), by offsets.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, TextIO

from ..errors import InputError
from ..model import (CLAIM, DONE, ENTITY, HUMAN_DECISIONS, NEW, REJECTED, SUGGESTED, AnnotatedDocument,
                     Annotations, Cluster, Document, Relation, Span)
from .common import (Notes, SourcedDocument, as_id, check_span, decision_from_answer, fail, first_line_title, span_boundaries,
                     unique_id)
from .groups import COREF, assign as assign_groups, links as group_links
from .output import json_record
from .own_column import CLAIM_LABEL, CLAIMANT, OWN_KEY, read_own
from .reading import json_lines, read_text_file

_OWN_KEYS = {"id", "text", "meta", "spans", "tokens", "relations", "answer", OWN_KEY}
_SPAN_KEYS = {"start", "end", "label", "text", "token_start", "token_end", "answer", "score", "source", "id"}


def iter_json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    yield from json_lines(read_text_file(path), path)


def read(path: Path, notes: Notes) -> Iterator[SourcedDocument]:
    seen: set[str] = set()
    any_record = False
    for number, record in iter_json_lines(path):
        any_record = True
        try:
            doc = parse_record(record, f"{path.stem}-{number}", notes, str(path), number)
        except InputError as exc:
            raise exc.located(source=str(path), line=number) from None
        if doc is None:
            continue
        if doc.document.id in seen:
            raise fail(f"document id {doc.document.id!r} appears twice in the file", path, number)
        seen.add(doc.document.id)
        yield doc
    if not any_record:
        raise fail("the file has no records", path)


def parse_record(record: Any, default_id: str, notes: Notes, source: str, number: int) -> SourcedDocument | None:
    if not isinstance(record, dict):
        raise InputError("each line must be a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError("the task has no \"text\" string")
    answer = record.get("answer")
    decision = decision_from_answer(answer, "the task")
    if decision is None:
        notes.add("skipped: the task was answered 'ignore'", source=source, line=number)
        return None
    doc_id = as_id(record.get("id", default_id), "\"id\"")
    meta = record.get("meta") or {}
    if not isinstance(meta, dict):
        raise InputError("\"meta\" must be an object")
    meta = dict(meta)
    extra = {k: v for k, v in record.items() if k not in _OWN_KEYS}
    if extra:
        meta["prodigy"] = extra
    meta.setdefault("title", first_line_title(text))

    tokens = _tokens(record.get("tokens"), text)
    spans: list[Span] = []
    taken: set[str] = set()
    raw_spans = record.get("spans") or []
    if not isinstance(raw_spans, list):
        raise InputError("\"spans\" must be a list")
    for i, raw in enumerate(raw_spans):
        spans.append(_span(raw, i, text, decision, taken))
    relations = []
    raw_relations = record.get("relations") or []
    if not isinstance(raw_relations, list):
        raise InputError("\"relations\" must be a list")
    for i, raw in enumerate(raw_relations):
        relations.append(_relation(raw, i, text, tokens, spans, decision, taken))
    status = NEW if answer is None else DONE
    own = read_own(record.get(OWN_KEY), spans, relations)
    stances, relations, labels = own.stances, own.relations, own.labels
    clusters = assign_groups(spans, own.coref, lambda mentions: Cluster(unique_id(f"g-{mentions[0].id}", taken),
                                                                    decision=decision))
    doc = SourcedDocument(Document(doc_id, text, meta), Annotations(spans, stances, relations, labels, status,
                                                                    clusters=clusters),
                          source=source, line=number)
    doc.lines = {s.id: number for s in spans} | {r.id: number for r in relations}
    return doc


def _tokens(raw: Any, text: str) -> list[tuple[int, int]] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise InputError("\"tokens\" must be a list")
    out = []
    for i, tok in enumerate(raw):
        if not isinstance(tok, dict):
            raise InputError(f"token {i} must be an object")
        start, end = tok.get("start"), tok.get("end")
        check_span(text, start, end, f"token {i}")
        if "text" in tok and tok["text"] != text[start:end]:
            raise InputError(f"token {i}: its text {tok['text']!r} is not the text at [{start}, {end}) "
                             f"({text[start:end]!r})")
        out.append((start, end))
    return out


def _span(raw: Any, i: int, text: str, decision: str, taken: set[str]) -> Span:
    if not isinstance(raw, dict):
        raise InputError(f"span {i} must be an object")
    start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
    what = f"span {i}"
    check_span(text, start, end, what)
    if not isinstance(label, str) or not label:
        raise InputError(f"{what} has no label")
    if "text" in raw and raw["text"] != text[start:end]:
        raise InputError(f"{what}: its text {raw['text']!r} is not the text at [{start}, {end}) ({text[start:end]!r})")
    span_decision = decision
    if decision != REJECTED and raw.get("answer") is not None:
        span_decision = decision_from_answer(raw["answer"], what)
        if span_decision is None:  # an ignored span inside an answered task: not decided either way
            span_decision = SUGGESTED
    score = raw.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float))):
        raise InputError(f"{what}: score must be a number")
    source = raw.get("source")
    attrs = {k: v for k, v in raw.items() if k not in _SPAN_KEYS}
    span_id = unique_id(as_id(raw["id"], f"{what}: its \"id\"") if raw.get("id") is not None else f"e{i + 1}", taken)
    return Span(span_id, start, end, label, ENTITY, origin=f"model:{source}" if isinstance(source, str) and source else "",
                decision=span_decision, score=score, attrs={"prodigy": attrs} if attrs else {})


def _relation(raw: Any, i: int, text: str, tokens, spans: list[Span], decision: str, taken: set[str]) -> Relation:
    what = f"relation {i}"
    if not isinstance(raw, dict):
        raise InputError(f"{what} must be an object")
    label = raw.get("label")
    if not isinstance(label, str) or not label:
        raise InputError(f"{what} has no label")
    ends = []
    for key in ("head", "child"):
        span_info = raw.get(f"{key}_span")
        if isinstance(span_info, dict):
            start, end = span_info.get("start"), span_info.get("end")
            check_span(text, start, end, f"{what} {key}_span")
            match = [s for s in spans if s.start == start and s.end == end
                     and (span_info.get("label") is None or s.label == span_info.get("label"))]
            if not match:
                s_label = span_info.get("label")
                if not isinstance(s_label, str):
                    raise InputError(f"{what}: {key}_span [{start}, {end}) is not one of the task's spans and has no label")
                new = Span(unique_id(f"e{len(spans) + 1}", taken), start, end, s_label, ENTITY, decision=decision)
                spans.append(new)
                match = [new]
            ends.append(match[0].id)
            continue
        index = raw.get(key)
        if isinstance(index, bool) or not isinstance(index, int) or tokens is None or not 0 <= index < len(tokens):
            raise InputError(f"{what}: {key} must be a token index of the task (with \"tokens\"), "
                             f"or give {key}_span")
        t_start, t_end = tokens[index]
        match = [s for s in spans if s.start <= t_start and t_end <= s.end]
        if not match:
            raise InputError(f"{what}: {key} token {index} is not inside any span of the task")
        ends.append(match[0].id)
    return Relation(unique_id(f"r{i + 1}", taken), ends[0], ends[1], label, decision=decision)


# ---- writing ------------------------------------------------------------------------------

def to_record(item: AnnotatedDocument) -> dict:
    """A task as Prodigy's ``spans.manual`` and ``rel.manual`` write them: ``tokens`` from spaCy's
    tokenizer, whitespace tokens included with ``ws``, so ``Doc(words, spaces)`` rebuilds the text
    exactly and ``doc.char_span`` finds every span; entities and claims (label ``CLAIM``) in
    ``spans`` with ``token_start``/``token_end``; relations, claimants (``CLAIMANT``, claim ->
    entity) and stances (typed by polarity, holder -> target) in ``relations``, each end with its
    token index and a ``head_span``/``child_span`` that has its tokens too. A claim's type,
    check-worthiness and free-text claimant and a stance's evidence go in ``marginalia``, by offsets."""
    from .docbin import make_doc
    doc, ann = item.document, item.annotations
    decided = [s for s in ann.spans if s.decision != SUGGESTED]
    shown = decided if decided else list(ann.spans)
    tokens = [(t.idx, t.idx + len(t.text), bool(t.whitespace_)) for t in make_doc(doc.text, span_boundaries(shown))]
    by_start = {start: i for i, (start, _, _) in enumerate(tokens)}
    by_end = {end: i for i, (_, end, _) in enumerate(tokens)}

    def label_of(span: Span) -> str:
        return CLAIM_LABEL if span.layer == CLAIM else span.label

    def with_tokens(span: Span, rec: dict) -> dict:
        if span.start in by_start and span.end in by_end:
            rec.update(token_start=by_start[span.start], token_end=by_end[span.end])
        return rec

    out_spans = []
    for span in sorted(shown, key=lambda s: (s.start, s.end, s.id)):
        rec: dict[str, Any] = with_tokens(span, {"start": span.start, "end": span.end,
                                                 "text": doc.text[span.start:span.end]})
        rec["label"] = label_of(span)
        if span.origin.startswith("model:"):
            rec["source"] = span.origin[len("model:"):]
        if span.score is not None:
            rec["score"] = span.score
        if span.decision == REJECTED:
            rec["answer"] = "reject"
        rec.update(span.attrs.get("prodigy") or {})
        out_spans.append(rec)
    spans_by_id = {s.id: s for s in shown}
    links = [(r.head, r.tail, r.label) for r in ann.relations
             if r.head in spans_by_id and r.tail in spans_by_id and not (decided and r.decision == SUGGESTED)]
    links += [(c.id, c.claimant, CLAIMANT) for c in shown if c.layer == CLAIM and c.claimant in spans_by_id]
    links += [(st.holder, st.target, st.polarity) for st in ann.stances
              if st.holder in spans_by_id and st.target in spans_by_id and not (decided and st.decision == SUGGESTED)]
    groups = [c for c in ann.clusters if c.decision in HUMAN_DECISIONS or (not decided and c.decision == SUGGESTED)]
    links += [(a, b, COREF) for a, b in group_links(ann, spans_by_id, groups)]
    relations = []
    for head, tail, label in links:
        rec = {}
        for key, ref in (("head", head), ("child", tail)):
            span = spans_by_id[ref]
            rec[key] = by_end.get(span.end)
            rec[f"{key}_span"] = with_tokens(span, {"start": span.start, "end": span.end, "label": label_of(span)})
        rec["label"] = label
        relations.append(rec)
    meta = {k: v for k, v in doc.meta.items() if k != "prodigy"}
    record: dict[str, Any] = {"id": doc.id, "text": doc.text, "meta": meta,
                              "tokens": [{"text": doc.text[s:e], "start": s, "end": e, "id": i, "ws": ws}
                                         for i, (s, e, ws) in enumerate(tokens)],
                              "spans": out_spans}
    if relations:
        record["relations"] = relations
    own = _own(doc.text, shown, ann, spans_by_id)
    if own:
        record[OWN_KEY] = own
    record.update(doc.meta.get("prodigy") or {})
    gold_spans = [s for s in decided if s.decision != REJECTED]
    if decided or ann.status == DONE:
        record["answer"] = "reject" if decided and not gold_spans else "accept"
    return record


def _own(text: str, shown: list[Span], ann, spans_by_id: dict) -> dict:
    own: dict[str, Any] = {}
    claims = [[c.start, c.end, c.claim_type, c.checkworthy, c.claimant_text] for c in shown if c.layer == CLAIM]
    if claims:
        own["claims"] = claims
    evidence = []
    for st in ann.stances:
        ends = [spans_by_id.get(ref) for ref in (st.holder, st.target, st.evidence)]
        if all(ends):
            evidence.append([ends[0].start, ends[0].end, ends[1].start, ends[1].end, st.polarity,
                             ends[2].start, ends[2].end])
    if evidence:
        own["stance_evidence"] = evidence
    if ann.labels:
        own["labels"] = list(ann.labels)
    return own


def write(items, out: TextIO) -> int:
    count = 0
    for item in items:
        out.write(json_record(to_record(item), item.document.id))
        out.write("\n")
        count += 1
    return count
