"""Agreement between annotators: span F1 for entities and claims, chance-corrected coefficients
for stance polarity and relation labels. Pure computation: the store reads the gold, this module
compares it.

Definitions (what the report means):

* Spans are compared per pair of annotators on the documents that both marked done, as
  ``(start, end, label)``. **Exact**: same start, end and label. **Overlap**: the same label and at
  least one character in common, matched one-to-one greedily by largest overlap (ties: the
  pair whose boundaries differ least, then by position), so one long span cannot match two
  short ones. F1 is symmetric (2·matched / (n_a + n_b)); precision and recall take the first
  annotator of the pair as the reference.
* Stances are paired when both annotators have a stance with the same holder span and the
  same target span (offsets and label); relations when both have one with the same head and
  tail spans. Over those pairs, polarity (or relation label) agreement is given as Cohen's
  kappa, Krippendorff's alpha (nominal) and Gwet's AC1, each with its observed and its chance
  agreement; stances or relations only one annotator has are counted beside them.

The coefficients are implemented here in pure Python (the PyPI ``krippendorff`` package is
GPL-3.0 and this project is MIT; ``irrCAC`` pins scipy==1.12 and pulls pandas; scikit-learn
or statsmodels would be a large dependency for a ten-line formula). Each one is checked in
tests/test_agreement.py against published worked examples.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from typing import Hashable, Iterable, Sequence

SpanKey = tuple[int, int, str]  # (start, end, label)


# ---- chance-corrected coefficients ------------------------------------------------------

@dataclass(frozen=True)
class Coefficient:
    """A coefficient with the observed and chance agreement it is computed from.

    ``value`` is None when it is undefined (no units, or chance agreement of 1: every value
    in one category, where any coefficient of this family divides by zero).
    """

    value: float | None
    observed: float | None
    expected: float | None

    def to_json(self) -> dict:
        return {"value": self.value, "observed": self.observed, "expected": self.expected}


def _ratio(num: float, den: float) -> float | None:
    return None if den == 0 else num / den


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> Coefficient:
    """Cohen's kappa for two raters: (p_o - p_e) / (1 - p_e), p_e from each rater's own marginals."""
    n = len(pairs)
    if n == 0:
        return Coefficient(None, None, None)
    observed = sum(1 for a, b in pairs if a == b) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    return Coefficient(_ratio(observed - expected, 1 - expected), observed, expected)


def krippendorff_alpha(units: Iterable[Sequence[Hashable | None]]) -> Coefficient:
    """Krippendorff's alpha, nominal, for any number of coders with missing values (None).

    Follows Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": a coincidence
    matrix o_ck = sum over units of (pairs of values c, k in the unit) / (m_u - 1), over units
    with at least two values; alpha = 1 - D_o / D_e with D_o = sum_{c != k} o_ck / n and
    D_e = sum_{c != k} n_c n_k / (n (n - 1)). ``observed`` is 1 - D_o, ``expected`` 1 - D_e.
    """
    coincidences: Counter = Counter()
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                if pairs:
                    coincidences[c, k] += pairs / (m - 1)
    totals: Counter = Counter()
    for (c, _), o in coincidences.items():
        totals[c] += o
    n = sum(totals.values())
    if n <= 1:
        return Coefficient(None, None, None)
    disagree_observed = sum(o for (c, k), o in coincidences.items() if c != k) / n
    disagree_expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k) / (n * (n - 1))
    alpha = None if disagree_expected == 0 else 1 - disagree_observed / disagree_expected
    return Coefficient(alpha, 1 - disagree_observed, 1 - disagree_expected)


def gwet_ac1(units: Iterable[Sequence[Hashable | None]], categories: Sequence[Hashable] | None = None) -> Coefficient:
    """Gwet's AC1 for any number of raters with missing values (None); Gwet (2008), BJMSP 61:29-48.

    p_a is the mean over units rated by two or more of sum_k r_ik (r_ik - 1) / (r_i (r_i - 1));
    p_e = sum_k pi_k (1 - pi_k) / (q - 1) with pi_k the mean over rated units of r_ik / r_i and q
    the number of categories: those given (the scale, used or not), else those used.
    """
    rated = []
    for unit in units:
        values = [v for v in unit if v is not None]
        if values:
            rated.append(Counter(values))
    if not rated:
        return Coefficient(None, None, None)
    used = {c for counts in rated for c in counts}
    scale = list(categories) if categories is not None else sorted(used, key=repr)
    scale += sorted(used - set(scale), key=repr)
    q = len(scale)
    paired = [counts for counts in rated if sum(counts.values()) >= 2]
    if not paired:
        return Coefficient(None, None, None)
    observed = sum(sum(r * (r - 1) for r in counts.values()) / (sum(counts.values()) * (sum(counts.values()) - 1))
                   for counts in paired) / len(paired)
    pi = {c: sum(counts.get(c, 0) / sum(counts.values()) for counts in rated) / len(rated) for c in scale}
    if q < 2:
        return Coefficient(None, observed, 1.0)
    expected = sum(p * (1 - p) for p in pi.values()) / (q - 1)
    return Coefficient(_ratio(observed - expected, 1 - expected), observed, expected)


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


def overlap_matches(a: Sequence[SpanKey], b: Sequence[SpanKey]) -> list[tuple[SpanKey, SpanKey]]:
    """One-to-one pairs with the same label and some overlap, greedily by largest overlap."""
    candidates = []
    for i, (sa, ea, la) in enumerate(a):
        for j, (sb, eb, lb) in enumerate(b):
            if la != lb:
                continue
            overlap = min(ea, eb) - max(sa, sb)
            if overlap > 0:
                candidates.append((-overlap, abs(sa - sb) + abs(ea - eb), sa, ea, sb, eb, i, j))
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


def categorical_agreement(pairs: Sequence[tuple[Hashable, Hashable]], only_a: int = 0, only_b: int = 0,
                          categories: Sequence[Hashable] | None = None) -> dict:
    units = [list(p) for p in pairs]
    confusion = Counter(f"{a}/{b}" for a, b in pairs)
    return {
        "paired": len(pairs), "only_a": only_a, "only_b": only_b,
        "observed": _ratio(sum(1 for a, b in pairs if a == b), len(pairs)),
        "cohen_kappa": cohen_kappa(pairs).to_json(),
        "krippendorff_alpha": krippendorff_alpha(units).to_json(),
        "gwet_ac1": gwet_ac1(units, categories).to_json(),
        "pairs": dict(sorted(confusion.items())),
    }


# ---- the report -------------------------------------------------------------------------

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


#: document (its text's SHA-256) -> annotator -> that annotator's version
Corpus = dict[str, dict[str, Version]]


def agreement_report(corpus: Corpus, *, polarities: Sequence[str] | None = None,
                     relation_labels: Sequence[str] | None = None) -> dict:
    """Agreement for every pair of annotators, on the documents both marked done."""
    annotators = sorted({name for versions in corpus.values() for name in versions})
    pairs = []
    for a, b in combinations(annotators, 2):
        docs = [(versions[a], versions[b]) for _, versions in sorted(corpus.items())
                if a in versions and b in versions and versions[a].done and versions[b].done]
        stance_pairs, relation_pairs = [], []
        stance_only = [0, 0]
        relation_only = [0, 0]
        for va, vb in docs:
            got, x, y = pair_by_key([((h, t), p) for h, t, p in va.stances], [((h, t), p) for h, t, p in vb.stances])
            stance_pairs += got
            stance_only[0] += x
            stance_only[1] += y
            got, x, y = pair_by_key([((h, t), lab) for h, t, lab in va.relations],
                                    [((h, t), lab) for h, t, lab in vb.relations])
            relation_pairs += got
            relation_only[0] += x
            relation_only[1] += y
        pairs.append({
            "a": a, "b": b, "documents": len(docs),
            "entities": span_agreement([(va.entities, vb.entities) for va, vb in docs]),
            "claims": span_agreement([(va.claims, vb.claims) for va, vb in docs]),
            "stance_polarity": categorical_agreement(stance_pairs, *stance_only, categories=polarities),
            "relation_label": categorical_agreement(relation_pairs, *relation_only, categories=relation_labels),
        })
    done = {name: sum(1 for versions in corpus.values() if name in versions and versions[name].done)
            for name in annotators}
    return {"annotators": annotators, "done": done, "pairs": pairs}


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def format_report(report: dict) -> str:
    """The report as readable text tables."""
    lines = ["documents marked done: " + (", ".join(f"{k} {v}" for k, v in report["done"].items()) or "none")]
    if not report["pairs"]:
        lines.append("fewer than two annotators: nothing to compare")
    for pair in report["pairs"]:
        a, b = pair["a"], pair["b"]
        lines += ["", f"{a} vs {b}: {pair['documents']} documents both marked done"]
        if not pair["documents"]:
            continue
        for layer in ("entities", "claims"):
            exact, overlap = pair[layer]["exact"], pair[layer]["overlap"]
            lines.append(f"  {layer}: span F1 (P and R take {a} as reference)")
            lines.append(f"    {'label':<14} {a:>6} {b:>6}  {'exact':>7} {'P':>6} {'R':>6}  {'overlap':>7} {'P':>6} {'R':>6}")
            rows = [("all", exact["overall"], overlap["overall"])]
            rows += [(label, exact["labels"][label], overlap["labels"][label]) for label in exact["labels"]]
            for label, e, o in rows:
                lines.append(f"    {label:<14} {e['a']:>6} {e['b']:>6}  {_num(e['f1']):>7} {_num(e['precision']):>6} "
                             f"{_num(e['recall']):>6}  {_num(o['f1']):>7} {_num(o['precision']):>6} {_num(o['recall']):>6}")
        for key, title in (("stance_polarity", "stance polarity"), ("relation_label", "relation label")):
            c = pair[key]
            lines.append(f"  {title}: {c['paired']} paired, {c['only_a']} only {a}, {c['only_b']} only {b}; "
                         f"observed agreement {_num(c['observed'])}")
            for name, label in (("cohen_kappa", "Cohen's kappa"), ("krippendorff_alpha", "Krippendorff's alpha"),
                                ("gwet_ac1", "Gwet's AC1")):
                v = c[name]
                lines.append(f"    {label:<22} {_num(v['value']):>7}  (observed {_num(v['observed'])}, "
                             f"chance {_num(v['expected'])})")
    return "\n".join(lines)
