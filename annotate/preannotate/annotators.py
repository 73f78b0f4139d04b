"""Pre-annotators: a spaCy pipeline plus the conversion of its output into suggestions.

Chosen by versioned name from :data:`REGISTRY` (``"builtin.v3"``), or loaded from any installed
spaCy package or pipeline folder with ``spacy.load``. Either way the result is an
:class:`Annotator`, whose :meth:`Annotator.suggestions` turns a processed ``Doc`` into
:class:`annotate.model.Span` suggestions:

* ``doc.ents`` become entities, their labels mapped through the schema's ``[model_labels]``;
  labels with no place in the schema are counted in ``unmapped`` (reported, never silently
  dropped);
* the span groups ``claims`` and the key of any ``spancat`` component become claims; their
  scores come from the group's ``attrs["scores"]`` where the pipeline gives them;
* each claim's claimant is found with :func:`annotate.preannotate.claims.attribute_all`.

Suggestion ids are derived from origin, layer, label and offsets, so the same model proposes
the same id for the same span on every run (re-running is idempotent).
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import InputError
from ..values import MAX_PERSON_LENGTH, name_border_problem
from ..model import CLAIM, ENTITY, SUGGESTED, Cluster, Relation, Span, Stance
from ..schema import Schema
from . import claims as claim_rules
from .names import SCORES_KEY

CLAIM_LABEL = "CLAIM"


@dataclass
class DocSuggestions:
    """One document's suggestions from one model: spans, and the entity groups, stances and
    relations among them (these refer to the spans by id)."""

    doc_id: str
    text: str
    spans: list[Span]
    unmapped: Counter = field(default_factory=Counter)
    tokens: int = 0
    clusters: list[Cluster] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


def suggestion_id(origin: str, layer: str, label: str, start: int, end: int) -> str:
    digest = hashlib.blake2b(f"{origin}\x1f{layer}\x1f{label}\x1f{start}\x1f{end}".encode(), digest_size=6)
    return "m" + digest.hexdigest()


def link_id(origin: str, kind: str, label: str, head: str, tail: str) -> str:
    """The id of a suggested group, stance or relation: the same on every run, like a span's."""
    digest = hashlib.blake2b(f"{origin}\x1f{kind}\x1f{label}\x1f{head}\x1f{tail}".encode(), digest_size=6)
    return {"cluster": "g", "stance": "s", "relation": "r"}[kind] + digest.hexdigest()


class Annotator:
    """A spaCy pipeline that proposes suggestions under one origin ``model:NAME@VERSION``."""

    def __init__(self, nlp, name: str, version: str, schema: Schema, *, claim_keys: tuple[str, ...] = (),
                 link_rules: bool = False):
        """``link_rules``: also propose entity groups, stances and relations with the rules of
        ``coref`` and ``links`` (the builtin pre-annotator does; another pipeline's origin is
        not given to rules it does not hold)."""
        self.nlp = nlp
        self.link_rules = link_rules
        self.name = name
        self.version = str(version)
        self.schema = schema
        keys = {claim_rules.CLAIMS_KEY, *claim_keys}
        for _, component in getattr(nlp, "pipeline", []):
            key = getattr(component, "key", None)  # spancat's spans_key
            if isinstance(key, str) and type(component).__name__ in ("SpanCategorizer", "_MarginaliaSpanCat"):
                keys.add(key)
        self.claim_keys = tuple(sorted(keys))
        self._labels: dict[str, str | None] = {}

    @property
    def origin(self) -> str:
        return f"model:{self.name}@{self.version}"

    def suggestions(self, doc, doc_id: str, text: str | None = None) -> DocSuggestions:
        """``text``: the text ``doc`` was made from, when the caller has it (Doc.text joins every
        token's text again); a text whose length is not the Doc's is not taken."""
        if text is None or not _spans_text(doc, text):
            text = doc.text
        origin = self.origin
        schema = self.schema
        spans: list[Span] = []
        unmapped: Counter = Counter()
        scores = _ent_scores(doc)
        by_offsets: dict[tuple[int, int], str] = {}
        seen: set[str] = set()
        labels = self._labels
        for ent in doc.ents:
            raw = ent.label_
            if raw not in labels:
                labels[raw] = schema.map_model_label(raw)
            label = labels[raw]
            if label is None:
                unmapped[raw] += 1
                continue
            start, end = ent.start_char, ent.end_char
            span_id = suggestion_id(origin, ENTITY, label, start, end)
            if span_id in seen:
                continue
            seen.add(span_id)
            by_offsets[(start, end)] = span_id
            spans.append(Span(span_id, start, end, label, ENTITY, origin=origin, decision=SUGGESTED,
                              score=scores.get((start, end, ent.label_))))
        claim_spans: list = []
        claim_scores: list = []
        claim_labels: list[str] = []
        given: list = []  # (claimant offsets, verb) where the pipeline already attributed its claims
        for key in self.claim_keys:
            if key not in doc.spans:
                continue
            group = doc.spans[key]
            attrs = group.attrs
            group_scores = attrs.get("scores")
            claimants, verbs = attrs.get("claimants"), attrs.get("verbs")
            for k, span in enumerate(group):
                claim_spans.append(span)
                claim_labels.append(span.label_)
                score = None
                if group_scores is not None and k < len(group_scores):
                    score = float(group_scores[k])
                claim_scores.append(score)
                if claimants is not None and verbs is not None and k < len(claimants):
                    given.append((claimants[k], verbs[k]))
                else:
                    given.append(False)
        order = sorted(range(len(claim_spans)), key=lambda k: (claim_spans[k].start, claim_spans[k].end))
        ordered = [claim_spans[k] for k in order]
        if all(given[k] is not False for k in order):
            attributions = [given[k] for k in order]
        else:
            attributions = [((a.claimant.start_char, a.claimant.end_char) if a.claimant is not None else None, a.verb)
                            for a in claim_rules.attribute_all(doc, ordered)]
        verbs: list = []  # (claim, claimant id, reporting verb), for the claimant's stance
        for span, (claimant_at, verb), k in zip(ordered, attributions, order):
            start, end = span.start_char, span.end_char
            span_id = suggestion_id(origin, CLAIM, CLAIM_LABEL, start, end)
            if span_id in seen or start >= end:
                continue
            seen.add(span_id)
            claimant = claimant_text = None
            if claimant_at is not None:
                claimant = by_offsets.get((claimant_at[0], claimant_at[1]))
                if claimant is None:
                    claimant_text = text[claimant_at[0]:claimant_at[1]]
            label = claim_labels[k].lower()
            claim_type = label if label in schema.claim_types else claim_rules_type(verb, schema, span)
            spans.append(Span(span_id, start, end, CLAIM_LABEL, CLAIM, origin=origin, decision=SUGGESTED,
                              score=claim_scores[k], claimant=claimant, claimant_text=claimant_text,
                              claim_type=claim_type))
            verbs.append((spans[-1], claimant, verb))
        result = DocSuggestions(doc_id, text, spans, unmapped, len(doc))
        if self.link_rules:
            self._links(doc, result, verbs)
        return result

    def _links(self, doc, result: DocSuggestions, claims: list) -> None:
        """Entity groups, stances and relations among this document's suggestions."""
        from ..validate import check_relation
        from ..errors import ValidationError
        from .coref import group_mentions
        from .links import find_links
        origin = self.origin
        names = list(result.spans)
        self._describe(result)
        for group in group_mentions(result.text, result.spans):
            cluster_id = link_id(origin, "cluster", "", group.members[0].id, group.members[-1].id)
            result.clusters.append(Cluster(cluster_id, origin, SUGGESTED, None, group.score))
            for member in group.members:
                member.cluster = cluster_id
        by_id = {s.id: s for s in result.spans}
        for found in find_links(doc, names, claims):
            if found.kind == "stance":
                if found.label in self.schema.polarities:
                    result.stances.append(Stance(link_id(origin, "stance", found.label, found.head, found.tail),
                                                 found.head, found.tail, found.label, None, origin, SUGGESTED))
                continue
            try:
                check_relation(self.schema, found.label, by_id[found.head].label, by_id[found.tail].label)
            except ValidationError:
                continue
            result.relations.append(Relation(link_id(origin, "relation", found.label, found.head, found.tail),
                                             found.head, found.tail, found.label, origin, SUGGESTED, None,
                                             found.score))


    def _describe(self, result: DocSuggestions) -> None:
        """A description in apposition to a suggested name ("İbrahim Kalın, the Turkish
        presidential spokesman,") as a suggested mention of the name's label, for ``coref`` to
        group with it; unsure (0.5) beside the names, so least-certain-first shows it early."""
        from ..actors import DESCRIPTION
        from .descriptions import find_descriptions
        taken = {(s.start, s.end, s.label) for s in result.spans}
        for found in find_descriptions(result.text, [s for s in result.spans if s.layer == ENTITY]):
            label = found.name.label
            if (found.start, found.end, label) in taken:
                continue
            taken.add((found.start, found.end, label))
            result.spans.append(Span(suggestion_id(self.origin, ENTITY, label, found.start, found.end), found.start,
                                     found.end, label, ENTITY, origin=self.origin, decision=SUGGESTED, score=0.5,
                                     attrs={"mention": DESCRIPTION}))


def _spans_text(doc, text: str) -> bool:
    """Whether ``doc``'s tokens end where ``text`` ends (spaCy keeps every character: a Doc made
    from a text is that text, unless a custom tokenizer changed it)."""
    if not len(doc):
        return not text
    last = doc[-1]
    return last.idx + len(last.text_with_ws) == len(text)


def claim_rules_type(verb: str | None, schema: Schema, claim=None) -> str:
    """The claim's type from its reporting verb ("accused": accusation), else from its words:
    accusatory words make an accusation, "we will" a commitment, a modal or an evaluation in
    the main clause ("should", "must", "the best way") an opinion, "will" a prediction."""
    from .lexicon import CLAIM_TYPE_BY_VERB
    wanted = CLAIM_TYPE_BY_VERB.get(verb or "")
    if wanted is None and claim is not None:
        wanted = content_type(claim)
    wanted = wanted or schema.default_claim_type
    return wanted if wanted in schema.claim_types else schema.default_claim_type


def content_type(claim) -> str | None:
    from . import lexicon as lx
    words = [t.lower_ for t in claim]
    if any(w in lx.ACCUSATION_CUES for w in words):
        return "accusation"
    for k, word in enumerate(words):
        if word in lx.FUTURE and k > 0 and words[k - 1] in lx.FIRST_PERSON:
            return "commitment"
    # The main clause: up to an embedded "that" clause ("supports the position that ... should").
    main = words[:words.index("that")] if "that" in words else words
    if any(w in lx.OPINION_CUES for w in main):
        return "opinion"
    if any(w in lx.FUTURE for w in words):
        return "prediction"
    return None


def _ent_scores(doc) -> dict[tuple[int, int, str], float]:
    if SCORES_KEY not in doc.spans:
        return {}
    group = doc.spans[SCORES_KEY]
    values = group.attrs.get("scores") or []
    offsets = group.attrs.get("offsets")
    if offsets is not None and len(offsets) == len(values):
        return {(s, e, label): float(v) for (s, e, label), v in zip(offsets, values)}
    return {(s.start_char, s.end_char, s.label_): float(v) for s, v in zip(group, values)}


# ---- the registry ----------------------------------------------------------------------------

#: Versioned name -> factory(schema) -> Annotator.
REGISTRY: dict[str, Callable[[Schema], Annotator]] = {}


def register(name: str):
    def decorate(factory):
        REGISTRY[name] = factory
        return factory
    return decorate


@register("builtin.v3")
def _builtin_v2(schema: Schema) -> Annotator:
    from . import builtin
    return Annotator(builtin.build_nlp(), builtin.NAME, str(builtin.VERSION), schema, link_rules=True)


def latest(family: str) -> str | None:
    """The newest registered version of a family (``"builtin"`` -> ``"builtin.v3"``)."""
    versions = [n for n in REGISTRY if n.rsplit(".v", 1)[0] == family and n.rsplit(".v", 1)[-1].isdigit()]
    return max(versions, key=lambda n: int(n.rsplit(".v", 1)[1]), default=None)


def available() -> list[str]:
    return sorted(REGISTRY)


def installed_pipelines() -> list[str]:
    """spaCy pipeline packages installed in this Python (en_core_web_sm...), by name."""
    from spacy.util import get_installed_models
    return sorted(get_installed_models())


def load_annotator(model: str, schema: Schema) -> Annotator:
    """A registered name (``builtin``, ``builtin.v3``), a pipeline folder, or an installed package."""
    name = latest(model) or model
    if name in REGISTRY:
        return REGISTRY[name](schema)
    import spacy
    path = Path(model).expanduser()
    try:
        nlp = spacy.load(path if path.exists() else model)
    except Exception as exc:  # noqa: BLE001 - any folder may be given: its meta.json, config or weights can hold anything
        known = ", ".join(["builtin", *available(), *installed_pipelines()])
        named = not path.exists() and "/" not in model and "\\" not in model
        what_to_do = (f"install it with `python -m spacy download {model}` (this needs the network once), "
                      "or give a pipeline folder" if named else "give a pipeline folder or an installed package name")
        first_line = (str(exc).strip().splitlines() or [""])[0][:300]
        raise InputError(f"cannot load the spaCy pipeline ({exc.__class__.__name__}: {first_line}); "
                         f"{what_to_do}; or one of: {known}", source=model) from None
    meta = nlp.meta if isinstance(nlp.meta, dict) else {}
    name = _meta_name(meta.get("name"), model) or path.name or "pipeline"
    lang = _meta_name(meta.get("lang"), model)
    if lang and not name.startswith(f"{lang}_") and not path.exists():
        name = f"{lang}_{name}"
    return Annotator(nlp, name, _meta_name(meta.get("version"), model) or "0", schema)


def _meta_name(value, model: str) -> str | None:
    """A name or version from a pipeline's meta.json, which becomes part of its suggestions' origin."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InputError(f"meta.json: the pipeline's name, lang and version must be text, not {value!r}"[:200],
                         source=model)
    problem = name_border_problem(str(value), longest=MAX_PERSON_LENGTH)
    if problem:
        raise InputError(f"meta.json: {str(value)[:60]!r} {problem}", source=model)
    return str(value)
