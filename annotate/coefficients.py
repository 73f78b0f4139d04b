"""Chance-corrected agreement coefficients over categorical values: Cohen's kappa, Krippendorff's
alpha (nominal) and Gwet's AC1, each with the observed and chance agreement it is computed from.

They are written here in pure Python: the maintained PyPI ``krippendorff`` package is
GPL-3.0-or-later and this project is MIT; ``irrCAC`` pins scipy==1.12 and pulls pandas;
scikit-learn, statsmodels or NLTK would be a large dependency for ten-line formulas. Each one is
checked in tests/test_agreement.py against published worked examples, and every layer's figures
in tests/test_agreement_layers.py against the ``krippendorff`` package and NLTK's
``AnnotationTask`` (test dependencies only).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence


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


def json_key(value: Hashable) -> str:
    """A category as a JSON object key: True/False/None as true/false/none, tuples joined."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return " ".join(map(str, value))
    return str(value)


def per_label(units: Sequence[Sequence[Hashable | None]], labels: Iterable[Hashable]) -> dict:
    """Each label against all the others (values recoded as label / not label), over the same units."""
    out = {}
    for label in labels:
        binary = [[None if v is None else v == label for v in unit] for unit in units]
        entry = {"count": sum(1 for unit in units for v in unit if v == label),
                 "krippendorff_alpha": krippendorff_alpha(binary).to_json(),
                 "gwet_ac1": gwet_ac1(binary, [True, False]).to_json()}
        if all(len(unit) == 2 for unit in units):
            entry["cohen_kappa"] = cohen_kappa([(a, b) for a, b in binary]).to_json()
        out[json_key(label)] = entry
    return out


def _labels_used(units, categories) -> list:
    used = {v for unit in units for v in unit if v is not None}
    ordered = [c for c in categories or [] if c in used]
    return ordered + sorted(used - set(ordered), key=repr)


def categorical_agreement(pairs: Sequence[tuple[Hashable, Hashable]], only_a: int = 0, only_b: int = 0,
                          categories: Sequence[Hashable] | None = None) -> dict:
    """Two raters' values over paired units: the coefficients overall and per label (one against the rest)."""
    units = [list(p) for p in pairs]
    confusion = Counter(f"{json_key(a)}/{json_key(b)}" for a, b in pairs)
    return {
        "paired": len(pairs), "only_a": only_a, "only_b": only_b,
        "observed": _ratio(sum(1 for a, b in pairs if a == b), len(pairs)),
        "cohen_kappa": cohen_kappa(pairs).to_json(),
        "krippendorff_alpha": krippendorff_alpha(units).to_json(),
        "gwet_ac1": gwet_ac1(units, categories).to_json(),
        "pairs": dict(sorted(confusion.items())),
        "labels": per_label(units, _labels_used(units, categories)),
    }


def multi_rater_agreement(units: Sequence[Sequence[Hashable | None]], categories: Sequence[Hashable] | None = None
                          ) -> dict:
    """Any number of raters at once, None where a rater gave no value: Krippendorff's alpha and
    Gwet's AC1 (both defined for missing values), overall and per label."""
    units = [list(u) for u in units]
    pairable = [u for u in units if sum(v is not None for v in u) >= 2]
    return {
        "units": len(units), "pairable": len(pairable),
        "krippendorff_alpha": krippendorff_alpha(units).to_json(),
        "gwet_ac1": gwet_ac1(units, categories).to_json(),
        "labels": per_label(units, _labels_used(units, categories)),
    }
