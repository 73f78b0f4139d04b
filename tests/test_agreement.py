"""The agreement coefficients against published worked examples, and span matching by hand."""
from __future__ import annotations

import pytest

from annotate.agreement import (Version, agreement_report, cohen_kappa, exact_matches, format_report, gwet_ac1,
                                krippendorff_alpha, overlap_matches, span_agreement)

N = None
# Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability", University of
# Pennsylvania (repository.upenn.edu/asc_papers/43), section C: 4 observers, 12 units, values
# 1-5, missing values; nominal alpha = 0.743. The same data is Gwet's `cac.raw4raters` in the
# irrCAC package (Gwet, K. L., Handbook of Inter-Rater Reliability, 4th ed., 2014), whose
# README gives krippen.alpha.raw = 0.74342 and gwet.ac1.raw: pa = 0.8181818, pe = 0.1903212,
# AC1 = 0.77544 (categories 1-5).
RELIABILITY_DATA = [  # one row per unit, one column per observer
    [1, 1, N, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
    [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [N, 5, 5, 5], [N, N, 1, 1], [N, N, 3, N],
]

# irrCAC README, `cont3x3abstractors` (Gwet 2014): two abstractors, 100 cases, 3 categories;
# rows rater A, columns rater B. kappa2.table = 0.7964094, krippen2.table = 0.7972585,
# gwet.ac1.table = 0.8493305, pa2.table = 0.89.
ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]


def table_pairs(table: list[list[int]], categories: list[str]) -> list[tuple[str, str]]:
    return [(categories[i], categories[j]) for i, row in enumerate(table) for j, n in enumerate(row) for _ in range(n)]


def test_krippendorff_alpha_published_example():
    assert krippendorff_alpha(RELIABILITY_DATA).value == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha(RELIABILITY_DATA).value == pytest.approx(0.74342, abs=5e-6)
    # By hand from Krippendorff's coincidence matrix: n = 40 pairable values, n_c = 9, 13, 10,
    # 5, 3 (values 1..5); sum_c o_cc = 32, so 8 disagreeing (observed agreement 32/40);
    # sum_{c != k} n_c n_k = 1600 - (81 + 169 + 100 + 25 + 9) = 1216;
    # alpha = 1 - (n - 1) * 8 / 1216 = 1 - 312 / 1216 = 0.74342...
    alpha = krippendorff_alpha(RELIABILITY_DATA)
    assert alpha.observed == pytest.approx(32 / 40)
    assert alpha.value == pytest.approx(1 - 39 * 8 / 1216)


def test_gwet_ac1_published_example():
    ac1 = gwet_ac1(RELIABILITY_DATA, categories=[1, 2, 3, 4, 5])
    assert ac1.observed == pytest.approx(0.8181818, abs=1e-7)
    assert ac1.expected == pytest.approx(0.1903212, abs=1e-7)
    assert ac1.value == pytest.approx(0.77544, abs=5e-6)


def test_two_rater_coefficients_on_a_published_table():
    pairs = table_pairs(ABSTRACTORS, ["Ectopic", "AIU", "NIU"])
    units = [list(p) for p in pairs]
    assert cohen_kappa(pairs).value == pytest.approx(0.7964094, abs=1e-7)
    assert cohen_kappa(pairs).observed == pytest.approx(0.89)
    assert krippendorff_alpha(units).value == pytest.approx(0.7972585, abs=1e-7)
    assert gwet_ac1(units).value == pytest.approx(0.8493305, abs=1e-7)


def test_cohen_kappa_textbook_example():
    # Wikipedia, "Cohen's kappa", simple example: 50 proposals, both Yes 20, A Yes B No 5,
    # A No B Yes 10, both No 15: p_o = 0.7, p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5, kappa = 0.4.
    pairs = table_pairs([[20, 5], [10, 15]], ["Yes", "No"])
    kappa = cohen_kappa(pairs)
    assert (kappa.value, kappa.observed, kappa.expected) == (pytest.approx(0.4), pytest.approx(0.7), pytest.approx(0.5))


def test_krippendorff_two_coder_binary_example():
    # Krippendorff (2011), section A: two observers, ten units, binary data:
    # observer A 0 1 0 0 0 0 0 0 1 0, observer B 1 1 1 0 0 1 0 0 0 0; alpha = 0.095.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert krippendorff_alpha(list(zip(a, b))).value == pytest.approx(0.095, abs=5e-4)


def test_undefined_coefficients_are_none():
    # Everyone in one category: chance agreement is 1 and the coefficients divide by zero.
    same = [("FAVOR", "FAVOR")] * 4
    assert cohen_kappa(same).value is None and cohen_kappa(same).observed == 1
    assert krippendorff_alpha([list(p) for p in same]).value is None
    assert cohen_kappa([]).value is None and krippendorff_alpha([]).value is None and gwet_ac1([]).value is None
    # With the scale given, AC1 is defined even then: p_e = (1 * 0 + 0 + 0) / 2 = 0, AC1 = 1.
    assert gwet_ac1([list(p) for p in same], categories=["FAVOR", "AGAINST", "NEUTRAL"]).value == 1


def test_overlap_matching_is_one_to_one_by_largest_overlap():
    a = [(0, 10, "X")]
    b = [(0, 4, "X"), (2, 10, "X")]
    assert overlap_matches(a, b) == [((0, 10, "X"), (2, 10, "X"))]
    # Two reference spans compete for one: the larger overlap wins, the other stays unmatched.
    assert overlap_matches([(0, 5, "X"), (5, 12, "X")], [(3, 12, "X")]) == [((5, 12, "X"), (3, 12, "X"))]
    # Labels must agree; touching spans do not overlap.
    assert overlap_matches([(0, 5, "X")], [(0, 5, "Y"), (5, 9, "X")]) == []
    assert exact_matches([(0, 5, "X"), (0, 5, "X")], [(0, 5, "X")]) == [((0, 5, "X"), (0, 5, "X"))]


def test_span_agreement_by_hand():
    # a: [0,5) X, [10,20) Y; b: [0,5) X, [12,20) Y, [30,35) X.
    # exact: 1 matched of 2 + 3: F1 = 2/5; overlap: 2 matched: F1 = 4/5.
    report = span_agreement([([(0, 5, "X"), (10, 20, "Y")], [(0, 5, "X"), (12, 20, "Y"), (30, 35, "X")])])
    assert report["exact"]["overall"]["f1"] == pytest.approx(2 / 5)
    assert report["overlap"]["overall"]["f1"] == pytest.approx(4 / 5)
    assert report["exact"]["labels"]["X"] == {"a": 1, "b": 2, "matched": 1, "precision": 0.5, "recall": 1.0,
                                              "f1": pytest.approx(2 / 3)}


def test_report_uses_only_documents_both_marked_done():
    ana = Version(entities=[(0, 5, "X")], done=True)
    ben = Version(entities=[(0, 5, "X")], done=True)
    ben_unfinished = Version(entities=[(7, 9, "X")], done=False)
    report = agreement_report({"doc1": {"ana": ana, "ben": ben}, "doc2": {"ana": ana, "ben": ben_unfinished}})
    (pair,) = report["pairs"]
    assert pair["documents"] == 1
    assert pair["entities"]["exact"]["overall"]["f1"] == 1
    assert "ana vs ben: 1 documents both marked done" in format_report(report)
