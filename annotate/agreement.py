"""Agreement between annotators on every layer. Pure computation: the store reads the gold, this
module compares it.

Definitions (what the report means):

* A version counts when its annotator marked the document done, or with ``include_unfinished``
  when they have worked on it at all (anything but skipped): a lead checks agreement mid-way.
* **Span F1** per pair, as ``(start, end, label)``. **Exact**: same start, end and label.
  **Overlap**: the same label and at least one character in common, matched one-to-one greedily
  by largest overlap (ties: the pair whose boundaries differ least, then by position), so one long
  span cannot match two short ones. F1 is symmetric (2·matched / (n_a + n_b)); precision and
  recall take the first annotator of the pair as the reference.
* **Matched spans**: the same greedy one-to-one overlap matching with labels ignored
  (``align_spans``); over more than two annotators, each one's spans are matched in turn to the
  units formed so far. Over matched entities the *entity label* is compared; over matched claims
  the *claim type*, *check-worthiness* and *claimant* (the claimant entity's span, or the
  free-text source).
* Stances are paired by holder and target spans, relations by head and tail spans; over those,
  the polarity and the relation label are compared.
* **Document labels**: each label of the schema (and any other used) is a yes/no decision per
  document, on the documents someone gave a label to.
* Each comparison gives Cohen's kappa, Krippendorff's alpha (nominal) and Gwet's AC1 with their
  observed and chance agreement, overall and per label (that label against all others), and how
  many items only one annotator has. ``all`` gives Krippendorff's alpha and Gwet's AC1 over every
  annotator at once (a missing value where an annotator has no counterpart or did not do the
  document).
* **Alpha-U** (``annotate.unitizing``) judges where spans are as well as what they are: per pair
  on the documents both did, and over all annotators on the documents all of them did.

The coefficients are in ``annotate.coefficients``.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from typing import Callable, Hashable, Iterable, Sequence, TypeVar

from .agreement_text import format_report
from .coefficients import (Coefficient, _ratio, categorical_agreement, cohen_kappa, gwet_ac1,  # noqa: F401
                           krippendorff_alpha, multi_rater_agreement)
from .unitizing import unitizing_alpha

SpanKey = tuple[int, int, str]  # (start, end, label)
T = TypeVar("T")

__all__ = ["Claim", "Coefficient", "Corpus", "Version", "agreement_report", "align_spans", "categorical_agreement",
           "cohen_kappa", "exact_matches", "format_report", "gwet_ac1", "krippendorff_alpha", "overlap_matches",
           "span_agreement"]


# ---- span agreement ---------------------------------------------------------------------

@dataclass
class SpanCounts:
    """Counts for span F1; ``a`` is the reference for precision and recall."""

    a: int = 0
    b: int = 0
    matched: int = 0

    def add(self, other: "SpanCounts") -> None:
        self.a += other.a
        self.b += other.b
        self.matched += other.matched

    def to_json(self) -> dict:
        return {"a": self.a, "b": self.b, "matched": self.matched,
                "precision": _ratio(self.matched, self.b), "recall": _ratio(self.matched, self.a),
                "f1": _ratio(2 * self.matched, self.a + self.b)}


def exact_matches(a: Sequence[SpanKey], b: Sequence[SpanKey]) -> list[tuple[SpanKey, SpanKey]]:
    """Pairs with the same start, end and label (as multisets: a span twice matches twice at most)."""
    left = Counter(a)
    pairs = []
    for span in b:
        if left[span] > 0:
            left[span] -= 1
            pairs.append((span, span))
    return pairs


def overlapping(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]],
                same: Callable[[int, int], bool] | None = None) -> list[tuple]:
    """Every overlapping pair (i of ``a``, j of ``b``) as a greedy matching's sort key:
    (-overlap, boundary difference, a's start, a's end, b's start, b's end, i, j).

    ``b`` is searched by start (bisect) within the longest span's reach, so a document of
    thousands of spans costs about its overlaps, not every pair.
    """
    order = sorted(range(len(b)), key=lambda j: b[j][0])
    starts = [b[j][0] for j in order]
    reach = max((e - s for s, e in b), default=0)
    out = []
    for i, (sa, ea) in enumerate(a):
        for k in range(bisect_left(starts, sa - reach), bisect_left(starts, ea)):
            j = order[k]
            sb, eb = b[j]
            overlap = min(ea, eb) - max(sa, sb)
            if overlap > 0 and (same is None or same(i, j)):
                out.append((-overlap, abs(sa - sb) + abs(ea - eb), sa, ea, sb, eb, i, j))
    return out


def overlap_matches(a: Sequence[SpanKey], b: Sequence[SpanKey]) -> list[tuple[SpanKey, SpanKey]]:
    """One-to-one pairs with the same label and some overlap, greedily by largest overlap."""
    candidates = overlapping([x[:2] for x in a], [x[:2] for x in b], lambda i, j: a[i][2] == b[j][2])
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for *_, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((a[i], b[j]))
    return pairs


def span_agreement(docs: Iterable[tuple[Sequence[SpanKey], Sequence[SpanKey]]]) -> dict:
    """Exact and overlap F1, overall (micro) and per label, over (a's spans, b's spans) per document."""
    docs = list(docs)
    result: dict = {}
    for mode, match in (("exact", exact_matches), ("overlap", overlap_matches)):
        overall = SpanCounts()
        labels: dict[str, SpanCounts] = {}
        for a, b in docs:
            doc_counts: dict[str, SpanCounts] = {}
            for _, _, label in a:
                doc_counts.setdefault(label, SpanCounts()).a += 1
            for _, _, label in b:
                doc_counts.setdefault(label, SpanCounts()).b += 1
            for span, _ in match(a, b):
                doc_counts[span[2]].matched += 1
            for label, counts in doc_counts.items():
                labels.setdefault(label, SpanCounts()).add(counts)
                overall.add(counts)
        result[mode] = {"overall": overall.to_json(),
                        "labels": {label: labels[label].to_json() for label in sorted(labels)}}
    return result


# ---- categorical agreement over paired annotations ----------------------------------------

def pair_by_key(a: Sequence[tuple[Hashable, Hashable]], b: Sequence[tuple[Hashable, Hashable]]):
    """Pair (key, value) items of two annotators by key; returns (pairs of values, only a, only b).

    A key that one annotator used twice pairs in order with the other's uses of it.
    """
    by_key_b: dict[Hashable, list] = {}
    for key, value in b:
        by_key_b.setdefault(key, []).append(value)
    pairs = []
    only_a = 0
    for key, value in a:
        values = by_key_b.get(key)
        if values:
            pairs.append((value, values.pop(0)))
        else:
            only_a += 1
    only_b = sum(len(v) for v in by_key_b.values())
    return pairs, only_a, only_b


# ---- matched spans across annotators ------------------------------------------------------

def align_spans(spans_by_rater: dict[str, Sequence[T]], span_of: Callable[[T], tuple[int, int]] = lambda s: s[:2]
                ) -> list[dict[str, T]]:
    """Units of matched spans, at most one span of each rater per unit, labels ignored.

    Raters are taken in order; each one's spans are matched one-to-one to the units so far (a
    unit's position is its first span's) greedily by largest overlap, as ``overlap_matches``
    does; a span left over starts a unit of its own. With two raters this is ``overlap_matches``.
    """
    units: list[tuple[tuple[int, int], dict[str, T]]] = []
    for rater, items in spans_by_rater.items():
        candidates = overlapping([place for place, _ in units], [tuple(span_of(item)) for item in items])
        candidates.sort()
        used_units: set[int] = set()
        used_items: set[int] = set()
        for *_, i, j in candidates:
            if i not in used_units and j not in used_items:
                used_units.add(i)
                used_items.add(j)
                units[i][1][rater] = items[j]
        for j, item in enumerate(items):
            if j not in used_items:
                units.append((tuple(span_of(item)), {rater: item}))
    return [members for _, members in units]


# ---- the report -------------------------------------------------------------------------

@dataclass(frozen=True)
class Claim:
    span: SpanKey
    claim_type: str | None = None
    checkworthy: bool | None = None
    #: ("entity", start, end, label) for a claimant entity, ("text", source) for a free-text one
    claimant: tuple | None = None


@dataclass
class Version:
    """One annotator's gold on one document."""

    entities: list[SpanKey] = field(default_factory=list)
    claims: list[SpanKey] = field(default_factory=list)
    #: ((holder span), (target span), polarity)
    stances: list[tuple[SpanKey, SpanKey, str]] = field(default_factory=list)
    #: ((head span), (tail span), label)
    relations: list[tuple[SpanKey, SpanKey, str]] = field(default_factory=list)
    done: bool = False
    #: the claims' attributes (claims without it are compared by their span only)
    claim_details: list[Claim] = field(default_factory=list)
    labels: frozenset[str] = frozenset()
    skipped: bool = False
    #: the document's length in code points, the continuum of alpha-U (0: the spans' extent)
    length: int = 0

    def details(self) -> list[Claim]:
        return self.claim_details or [Claim(span) for span in self.claims]


#: document (its text's SHA-256) -> annotator -> that annotator's version
Corpus = dict[str, dict[str, Version]]

#: (layer name in the report, value of a matched claim)
CLAIM_ATTRIBUTES: tuple[tuple[str, Callable[[Claim], Hashable]], ...] = (
    ("claim_type", lambda c: c.claim_type), ("checkworthy", lambda c: c.checkworthy),
    ("claimant", lambda c: c.claimant))


def _claim_span(claim: Claim) -> tuple[int, int]:
    return claim.span[:2]


def _keyed_units(versions: dict[str, list[tuple[Hashable, Hashable]]]) -> list[dict[str, Hashable]]:
    """Items keyed by what they link (a stance's holder and target): one unit per key and use."""
    units: dict[tuple, dict[str, Hashable]] = {}
    for rater, items in versions.items():
        seen: Counter = Counter()
        for key, value in items:
            seen[key] += 1
            units.setdefault((key, seen[key]), {})[rater] = value
    return list(units.values())


def _document_units(versions: dict[str, Version], doc_labels: Sequence[str]) -> dict[str, list[dict[str, Hashable]]]:
    """Every comparable item of one document, as units: rater -> value."""
    out: dict[str, list[dict[str, Hashable]]] = {}
    out["entity_label"] = [{r: span[2] for r, span in unit.items()}
                           for unit in align_spans({r: v.entities for r, v in versions.items()})]
    claims = align_spans({r: v.details() for r, v in versions.items()}, _claim_span)
    for name, value in CLAIM_ATTRIBUTES:
        out[name] = [{r: value(claim) for r, claim in unit.items()} for unit in claims]
    out["stance_polarity"] = _keyed_units({r: [((h, t), p) for h, t, p in v.stances] for r, v in versions.items()})
    out["relation_label"] = _keyed_units({r: [((h, t), lab) for h, t, lab in v.relations]
                                          for r, v in versions.items()})
    used = sorted({label for v in versions.values() for label in v.labels} - set(doc_labels))
    # A document nobody gave any label was not labelled (the layer may not be in use at all):
    # its "no" to every label is no agreement.
    labelled = any(v.labels for v in versions.values())
    out["document_labels"] = [{r: (label, label in v.labels) for r, v in versions.items()}
                              for label in [*doc_labels, *used]] if labelled else []
    return out


LAYERS = ("entity_label", "claim_type", "checkworthy", "claimant", "stance_polarity", "relation_label",
          "document_labels")


def _layer_categories(layer: str, categories: dict[str, Sequence | None]) -> Sequence | None:
    if layer == "checkworthy":
        return [True, False]
    return categories.get(layer)


def _pair_layers(docs: list[dict[str, list[dict]]], a: str, b: str, categories: dict) -> dict:
    out = {}
    for layer in LAYERS:
        units = [unit for doc in docs for unit in doc[layer]]
        if layer == "document_labels":
            out[layer] = _document_label_agreement([[u.get(a), u.get(b)] for u in units])
            continue
        pairs = [(u[a], u[b]) for u in units if a in u and b in u]
        only_a = sum(1 for u in units if a in u and b not in u)
        only_b = sum(1 for u in units if b in u and a not in u)
        out[layer] = categorical_agreement(pairs, only_a, only_b, categories=_layer_categories(layer, categories))
    return out


def _document_label_agreement(units: list[list]) -> dict:
    """Yes/no per (document, label): pooled over the labels, and per label."""
    pairs = [(a[1], b[1]) for a, b in units]
    result = categorical_agreement(pairs, categories=[True, False])
    by_label: dict[str, list[tuple[bool, bool]]] = {}
    for a, b in units:
        by_label.setdefault(a[0], []).append((a[1], b[1]))
    result["labels"] = {}
    for label, label_pairs in by_label.items():
        units_of_label = [list(p) for p in label_pairs]
        result["labels"][label] = {
            "count": sum(x + y for x, y in label_pairs), "observed": sum(x == y for x, y in label_pairs) / len(label_pairs),
            "cohen_kappa": cohen_kappa(label_pairs).to_json(),
            "krippendorff_alpha": krippendorff_alpha(units_of_label).to_json(),
            "gwet_ac1": gwet_ac1(units_of_label, [True, False]).to_json()}
    return result


def _all_layers(docs: list[dict[str, list[dict]]], raters: list[str], categories: dict) -> dict:
    out = {}
    for layer in LAYERS:
        units = [[unit.get(r) for r in raters] for doc in docs for unit in doc[layer]]
        if layer == "document_labels":
            values = [[None if v is None else v[1] for v in unit] for unit in units]
            result = multi_rater_agreement(values, [True, False])
            by_label: dict[str, list] = {}
            for unit, row in zip(units, values):
                label = next(v[0] for v in unit if v is not None)
                by_label.setdefault(label, []).append(row)
            result["labels"] = {label: {"count": sum(v is True for row in rows for v in row),
                                        "krippendorff_alpha": krippendorff_alpha(rows).to_json(),
                                        "gwet_ac1": gwet_ac1(rows, [True, False]).to_json()}
                                for label, rows in by_label.items()}
            out[layer] = result
        else:
            out[layer] = multi_rater_agreement(units, _layer_categories(layer, categories))
    return out


def _continuum(versions: list[dict[str, Version]], raters: Sequence[str]) -> dict:
    """Alpha-U of entities and of claims over documents laid end to end."""
    result = {}
    for layer in ("entities", "claims"):
        units: dict[str, list] = {r: [] for r in raters}
        offset = 0
        for doc in versions:
            length = max([v.length for v in doc.values()] +
                         [span[1] for r in raters for span in getattr(doc[r], layer)] + [0])
            for r in raters:
                units[r] += [(offset + s, offset + e, label) for s, e, label in getattr(doc[r], layer)]
            offset += length
        alpha = unitizing_alpha(units, 0, offset)
        result[layer] = dict(alpha.to_json(), documents=len(versions))
    return result


def agreement_report(corpus: Corpus, *, polarities: Sequence[str] | None = None,
                     relation_labels: Sequence[str] | None = None, entity_labels: Sequence[str] | None = None,
                     claim_types: Sequence[str] | None = None, document_labels: Sequence[str] = (),
                     include_unfinished: bool = False) -> dict:
    """Agreement for every pair of annotators and for all at once, on the documents they did."""
    def counts(version: Version) -> bool:
        return version.done or (include_unfinished and not version.skipped)

    categories = {"entity_label": entity_labels, "claim_type": claim_types, "stance_polarity": polarities,
                  "relation_label": relation_labels}
    annotators = sorted({name for versions in corpus.values() for name in versions})
    included = [(sha, {r: v for r, v in versions.items() if counts(v)}) for sha, versions in sorted(corpus.items())]
    units = {sha: _document_units(versions, list(document_labels)) for sha, versions in included if len(versions) > 1}
    pairs = []
    for a, b in combinations(annotators, 2):
        shared = [(sha, versions) for sha, versions in included if a in versions and b in versions]
        docs = [(versions[a], versions[b]) for _, versions in shared]
        pair_units = [_document_units({a: versions[a], b: versions[b]}, list(document_labels))
                      for _, versions in shared]
        pairs.append({
            "a": a, "b": b, "documents": len(docs),
            "entities": span_agreement([(va.entities, vb.entities) for va, vb in docs]),
            "claims": span_agreement([(va.claims, vb.claims) for va, vb in docs]),
            **_pair_layers(pair_units, a, b, categories),
            "alpha_u": _continuum([{a: va, b: vb} for va, vb in docs], [a, b]),
        })
    multi = [sha for sha, versions in included if len(versions) > 1]
    everyone = [versions for _, versions in included if len(versions) == len(annotators)]
    all_raters = {"annotators": annotators, "documents": len(multi),
                  **_all_layers([units[sha] for sha in multi], annotators, categories),
                  "alpha_u": _continuum(everyone, annotators) if len(annotators) > 1 else {}}
    done = {name: sum(1 for versions in corpus.values() if name in versions and versions[name].done)
            for name in annotators}
    return {"annotators": annotators, "done": done, "include_unfinished": include_unfinished,
            "pairs": pairs, "all": all_raters}
