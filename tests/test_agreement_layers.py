"""Agreement on every layer, each figure against a reference implementation (the ``krippendorff``
package and NLTK's ``AnnotationTask``, test dependencies only), and alpha-U against the worked
examples Krippendorff published."""
from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.metrics.agreement import AnnotationTask

from annotate.agreement import Claim, Version, agreement_report, align_spans, format_report
from annotate.coefficients import cohen_kappa, json_key, krippendorff_alpha
from annotate.unitizing import unitizing_alpha

N = None


# ---- the references -----------------------------------------------------------------------

def reference_alpha(units: list[list]) -> float | None:
    """The krippendorff package's nominal alpha over units (rows) of raters' values (None: missing)."""
    codes: dict = {}
    matrix = [[math.nan if v is None else codes.setdefault(v, len(codes)) for v in unit] for unit in units]
    if len(codes) < 2:
        return None
    return krippendorff.alpha(reliability_data=np.array(matrix, dtype=float).T, level_of_measurement="nominal")


def reference_kappa(pairs: list[tuple]) -> float:
    task = AnnotationTask(data=[(rater, i, repr(v)) for i, pair in enumerate(pairs) for rater, v in enumerate(pair)])
    return task.kappa()


def nltk_alpha(units: list[list]) -> float:
    task = AnnotationTask(data=[(rater, i, repr(v)) for i, unit in enumerate(units)
                                for rater, v in enumerate(unit) if v is not None])
    return task.alpha()


values = st.sampled_from(["FAVOR", "AGAINST", "NEUTRAL", "statement", None])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the package divides 0 by 0 where alpha is undefined
@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(values, min_size=3, max_size=3), min_size=2, max_size=30))
def test_alpha_matches_the_krippendorff_package_on_any_data(units):
    ours = krippendorff_alpha(units).value
    theirs = None
    if len({v for u in units for v in u if v is not None}) > 1 and any(sum(v is not None for v in u) > 1 for u in units):
        theirs = reference_alpha(units)
    if ours is None or theirs is None or math.isnan(theirs):
        # Undefined on both sides: one value only, or nothing pairable.
        assert ours is None or theirs is None or math.isnan(theirs)
        return
    assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(values.filter(lambda v: v), values.filter(lambda v: v)), min_size=1, max_size=30))
def test_kappa_matches_nltk_on_any_pairs(pairs):
    ours = cohen_kappa(pairs)
    if ours.expected == 1:  # both raters used one category: kappa divides by zero
        assert ours.value is None
        return
    assert ours.value == pytest.approx(reference_kappa(pairs), abs=1e-9)


# ---- alpha-U: the published worked examples ---------------------------------------------------

def test_alpha_u_krippendorff_2004_worked_example():
    # Krippendorff, K. (2004). Content Analysis, 2nd ed., Sage, pp. 251-256: a continuum from 150
    # to 450, two coders, categories c and k (begin, length). Published: c: D_o = .0144, D_e =
    # .0532, alpha = .7286; k: D_o = 0, D_e = .0490, alpha = 1; all: alpha = .859 (DKPro
    # Statistics' Krippendorff2004Test reproduces the same figures).
    def units(*items):
        return [(b, b + length, c) for b, length, c in items]
    first = units((225, 70, "c"), (370, 30, "c"), (180, 60, "k"), (300, 50, "k"))
    second = units((220, 80, "c"), (355, 20, "c"), (400, 20, "c"), (180, 60, "k"), (300, 50, "k"))
    result = unitizing_alpha({"i": first, "j": second}, 150, 450)
    c, k = result.categories["c"], result.categories["k"]
    assert (c["observed"], c["expected"], c["value"]) == (pytest.approx(0.0144, abs=5e-5),
                                                          pytest.approx(0.0532, abs=5e-5),
                                                          pytest.approx(0.7286, abs=5e-5))
    assert (k["observed"], k["expected"], k["value"]) == (0, pytest.approx(0.0490, abs=5e-5), 1)
    assert result.value == pytest.approx(0.859, abs=5e-4)
    # The book's non-zero distances: [225,295) vs [220,300): 5^2 + 5^2 = 50; [370,400) vs
    # [355,375): 15^2 + 25^2 = 850; [400,420) inside the other coder's gap: 20^2 = 400; both
    # orders of the two coders, over m (m - 1) L^2.
    assert c["observed"] == pytest.approx((50 + 850 + 400) * 2 / (2 * 1 * 300 ** 2))


KRIPPENDORFF_1995 = {  # Krippendorff (1995), Sociological Methodology 25:47-76, p. 57: (begin, length, coder)
    "A": [(2, 8, 0), (14, 6, 0), (4, 4, 1), (15, 2, 1)],
    "B": [(0, 18, 0), (0, 2, 1), (2, 1, 1), (3, 1, 1), (4, 1, 1), (5, 1, 1), (6, 3, 1), (9, 1, 1)],
    "C": [(2, 6, 0), (10, 2, 0), (14, 4, 0), (20, 2, 0), (0, 2, 1), (4, 4, 1), (10, 4, 1), (16, 2, 1), (20, 2, 1)],
    "D": [(0, 2, 0), (2, 8, 0), (10, 4, 0), (14, 6, 0), (20, 4, 0), (0, 4, 1), (4, 4, 1), (8, 7, 1), (15, 2, 1),
          (17, 7, 1)],
}


def test_alpha_u_krippendorff_1995_worked_examples():
    # Four pairs of coders on a continuum of 24; the paper's figures are for a continuous
    # continuum, reached here by stretching it (x 50,000). Published: D_o A .03125, B 2.26736,
    # C .02777, D .38715; D_e A .0699, B 1.1773, C .0864, D .4145; alpha A .553, B -.926, C .679,
    # D .066 (with the approximation the paper makes in D_e, hence the tolerance, as in DKPro's
    # Krippendorff1995Test).
    def study(stretch: int):
        data = {0: [], 1: []}
        for category, items in KRIPPENDORFF_1995.items():
            for b, length, coder in items:
                data[coder].append((b * stretch, (b + length) * stretch, category))
        return unitizing_alpha(data, 0, 24 * stretch).categories

    exact = study(1)
    for category, observed in (("A", 0.03125), ("B", 2.26736), ("C", 0.02777), ("D", 0.38715)):
        assert exact[category]["observed"] == pytest.approx(observed, abs=1e-5)
    continuous = study(50_000)
    for category, expected, alpha in (("A", 0.0699, 0.553), ("B", 1.1773, -0.926), ("C", 0.0864, 0.679),
                                      ("D", 0.4145, 0.066)):
        assert continuous[category]["expected"] == pytest.approx(expected, abs=5e-3)
        assert continuous[category]["value"] == pytest.approx(alpha, abs=2e-2)


def test_alpha_u_perfect_and_overlapping_units():
    same = [(3, 9, "X"), (12, 20, "Y")]
    assert unitizing_alpha({"a": same, "b": list(same)}, 0, 30).value == 1
    # One coder's overlapping units of one category are merged into their union, and counted.
    merged = unitizing_alpha({"a": [(3, 9, "X"), (5, 12, "X")], "b": [(3, 12, "X")]}, 0, 30)
    assert merged.value == 1 and merged.merged == 1
    assert unitizing_alpha({"a": same}, 0, 30).value is None


# ---- every layer of the report ------------------------------------------------------------------

def corpus(*, cem_d2_done: bool = False) -> dict:
    person, org, gpe = (10, 16, "PERSON"), (10, 16, "ORG"), (0, 6, "GPE")
    ana = Version(entities=[gpe, person, (20, 30, "ORG"), (40, 45, "DATE")],
                  claims=[(60, 90, "CLAIM"), (92, 99, "CLAIM")],
                  claim_details=[Claim((60, 90, "CLAIM"), "statement", True, ("entity", *person)),
                                 Claim((92, 99, "CLAIM"), "opinion", False, ("text", "officials"))],
                  stances=[(gpe, (60, 90, "CLAIM"), "FAVOR"), ((40, 45, "DATE"), gpe, "NEUTRAL")],
                  relations=[(person, gpe, "ROLE_IN"), ((20, 30, "ORG"), gpe, "LOCATED_IN")],
                  labels=frozenset({"politics", "conflict"}), done=True, length=100)
    ben = Version(entities=[gpe, org, (21, 30, "ORG"), (50, 55, "GPE")],
                  claims=[(60, 88, "CLAIM"), (92, 99, "CLAIM")],
                  claim_details=[Claim((60, 88, "CLAIM"), "statement", True, ("entity", *org)),
                                 Claim((92, 99, "CLAIM"), "prediction", False, ("text", "officials"))],
                  stances=[(gpe, (60, 90, "CLAIM"), "AGAINST")],
                  relations=[((21, 30, "ORG"), gpe, "LOCATED_IN")],
                  labels=frozenset({"politics"}), done=True, length=100)
    cem = Version(entities=[(0, 6, "NORP"), person, (40, 45, "DATE")],
                  claims=[(61, 90, "CLAIM")],
                  claim_details=[Claim((61, 90, "CLAIM"), "opinion", True, ("entity", *person))],
                  stances=[((40, 45, "DATE"), gpe, "NEUTRAL")], relations=[(person, gpe, "LEADS")],
                  labels=frozenset({"politics", "economy"}), done=True, length=100)
    d2 = {"ana": Version(entities=[(0, 5, "PERSON")], labels=frozenset({"economy"}), done=True, length=50),
          "ben": Version(entities=[(0, 5, "PERSON")], labels=frozenset({"economy"}), done=True, length=50),
          "cem": Version(entities=[(0, 5, "GPE")], done=cem_d2_done, length=50)}
    return {"d1": {"ana": ana, "ben": ben, "cem": cem}, "d2": d2}


LABELS = ["politics", "economy", "conflict"]
P, O, G = ("entity", 10, 16, "PERSON"), ("entity", 10, 16, "ORG"), ("text", "officials")
#: the reliability data of each layer, worked out by hand from corpus(): one row per unit, ana ben cem
EXPECTED_UNITS = {
    "entity_label": [["GPE", "GPE", "NORP"], ["PERSON", "ORG", "PERSON"], ["ORG", "ORG", N], ["DATE", N, "DATE"],
                     [N, "GPE", N], ["PERSON", "PERSON", N]],
    "claim_type": [["statement", "statement", "opinion"], ["opinion", "prediction", N]],
    "checkworthy": [[True, True, True], [False, False, N]],
    "claimant": [[P, O, P], [G, G, N]],
    "stance_polarity": [["FAVOR", "AGAINST", N], ["NEUTRAL", N, "NEUTRAL"]],
    "relation_label": [["ROLE_IN", N, "LEADS"], ["LOCATED_IN", N, N], [N, "LOCATED_IN", N]],
    # politics, economy, conflict on d1, then on d2 (which cem has not done)
    "document_labels": [[True, True, True], [False, False, True], [True, False, False],
                        [False, False, N], [True, True, N], [False, False, N]],
}


@pytest.fixture(scope="module")
def report():
    return agreement_report(corpus(), document_labels=LABELS, entity_labels=["PERSON", "ORG", "GPE", "NORP", "DATE"])


@pytest.mark.parametrize("layer", list(EXPECTED_UNITS))
def test_every_layer_all_annotators_at_once_against_the_krippendorff_package(report, layer):
    units = EXPECTED_UNITS[layer]
    everyone = report["all"][layer]
    assert everyone["units"] == len(units)
    assert everyone["krippendorff_alpha"]["value"] == pytest.approx(reference_alpha(units), abs=1e-12)
    assert everyone["krippendorff_alpha"]["value"] == pytest.approx(nltk_alpha(units), abs=1e-12)


@pytest.mark.parametrize("layer", list(EXPECTED_UNITS))
@pytest.mark.parametrize("a,b", [(0, 1), (0, 2), (1, 2)])
def test_every_layer_per_pair_against_nltk_and_the_krippendorff_package(report, layer, a, b):
    names = ["ana", "ben", "cem"]
    pair = next(p for p in report["pairs"] if (p["a"], p["b"]) == (names[a], names[b]))[layer]
    units = EXPECTED_UNITS[layer]
    if 2 in (a, b):  # cem did not do d2: its units are not compared with him
        units = units[:3] if layer == "document_labels" else units[:5] if layer == "entity_label" else units
    if layer == "document_labels":
        pairs = [(u[a], u[b]) for u in units]
    else:
        pairs = [(u[a], u[b]) for u in units if u[a] is not None and u[b] is not None]
        assert pair["only_a"] == sum(1 for u in units if u[a] is not None and u[b] is None)
        assert pair["only_b"] == sum(1 for u in units if u[b] is not None and u[a] is None)
    assert pair["paired"] == len(pairs)
    if not pairs:
        assert pair["cohen_kappa"]["value"] is None
        return
    kappa = pair["cohen_kappa"]
    if kappa["expected"] == 1:
        assert kappa["value"] is None
    else:
        assert kappa["value"] == pytest.approx(reference_kappa(pairs), abs=1e-12)
    alpha = reference_alpha([list(p) for p in pairs])
    assert pair["krippendorff_alpha"]["value"] == (None if alpha is None else pytest.approx(alpha, abs=1e-12))


def test_per_label_coefficients_against_the_krippendorff_package(report):
    # Each label against the rest, over the same matched entities (all three annotators).
    units = EXPECTED_UNITS["entity_label"]
    for label in ("PERSON", "GPE"):
        binary = [[None if v is None else v == label for v in unit] for unit in units]
        got = report["all"]["entity_label"]["labels"][label]["krippendorff_alpha"]["value"]
        assert got == pytest.approx(reference_alpha(binary), abs=1e-12)
    # Document labels per label: 'politics' is yes/no per document.
    politics = [units for i, units in enumerate(EXPECTED_UNITS["document_labels"]) if i % 3 == 0]
    assert report["all"]["document_labels"]["labels"]["politics"]["krippendorff_alpha"]["value"] == pytest.approx(
        reference_alpha(politics), abs=1e-12)
    ana_ben = next(p for p in report["pairs"] if (p["a"], p["b"]) == ("ana", "ben"))
    person = [(u[0] == "PERSON", u[1] == "PERSON") for u in units if u[0] and u[1]]
    assert ana_ben["entity_label"]["labels"]["PERSON"]["cohen_kappa"]["value"] == pytest.approx(
        reference_kappa(person), abs=1e-12)
    assert ana_ben["checkworthy"]["labels"][json_key(True)]["count"] == 2


def test_alpha_u_in_the_report_lays_documents_end_to_end(report):
    ana_ben = next(p for p in report["pairs"] if (p["a"], p["b"]) == ("ana", "ben"))
    ana, ben = corpus()["d1"]["ana"], corpus()["d1"]["ben"]
    expected = unitizing_alpha({"ana": ana.entities + [(100, 105, "PERSON")],
                                "ben": ben.entities + [(100, 105, "PERSON")]}, 0, 150)
    assert ana_ben["alpha_u"]["entities"]["value"] == pytest.approx(expected.value)
    assert ana_ben["alpha_u"]["entities"]["documents"] == 2
    # All three at once: only d1 was done by everyone.
    everyone = report["all"]["alpha_u"]["entities"]
    assert everyone["documents"] == 1
    d1 = corpus()["d1"]
    assert everyone["value"] == pytest.approx(
        unitizing_alpha({r: v.entities for r, v in d1.items()}, 0, 100).value)


def test_unfinished_documents_are_compared_on_request():
    done_only = agreement_report(corpus(), document_labels=LABELS)
    mid_way = agreement_report(corpus(), document_labels=LABELS, include_unfinished=True)
    assert done_only["all"]["entity_label"]["units"] == 6
    # cem's unfinished d2 joins: his GPE now sits in the unit of ana's and ben's PERSON.
    units = [r[:2] + [r[2]] for r in EXPECTED_UNITS["entity_label"][:5]] + [["PERSON", "PERSON", "GPE"]]
    assert mid_way["all"]["entity_label"]["krippendorff_alpha"]["value"] == pytest.approx(reference_alpha(units))
    ana_cem = next(p for p in mid_way["pairs"] if (p["a"], p["b"]) == ("ana", "cem"))
    assert ana_cem["documents"] == 2
    assert "documents not yet done are included" in format_report(mid_way)
    assert "all 3 annotators at once" in format_report(done_only)


def test_align_spans_is_one_to_one_by_largest_overlap():
    units = align_spans({"a": [(0, 10, "X")], "b": [(0, 4, "Y"), (2, 10, "X")], "c": [(1, 9, "Z")]})
    assert units == [{"a": (0, 10, "X"), "b": (2, 10, "X"), "c": (1, 9, "Z")}, {"b": (0, 4, "Y")}]


def test_documents_nobody_labelled_are_not_counted_as_agreeing_on_labels():
    unlabelled = {"d": {"ana": Version(entities=[(0, 3, "GPE")], done=True, length=10),
                        "ben": Version(entities=[(0, 3, "GPE")], done=True, length=10)}}
    report = agreement_report(unlabelled, document_labels=LABELS)
    assert report["pairs"][0]["document_labels"]["paired"] == 0
    assert report["all"]["document_labels"]["units"] == 0


spans_strategy = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 25)).map(lambda t: (t[0], t[0] + t[1])),
                          max_size=25)


@settings(max_examples=300, deadline=None)
@given(spans_strategy, spans_strategy)
def test_overlapping_finds_every_overlapping_pair_as_the_plain_definition(a, b):
    from annotate.agreement import overlapping
    plain = sorted((-(min(ea, eb) - max(sa, sb)), abs(sa - sb) + abs(ea - eb), sa, ea, sb, eb, i, j)
                   for i, (sa, ea) in enumerate(a) for j, (sb, eb) in enumerate(b) if min(ea, eb) > max(sa, sb))
    assert sorted(overlapping(a, b)) == plain
    # With two raters, matched spans are overlap matching with labels ignored.
    units = align_spans({"a": [(s, e, "X") for s, e in a], "b": [(s, e, "X") for s, e in b]})
    pairs = sorted((u["a"], u["b"]) for u in units if len(u) == 2)
    from annotate.agreement import overlap_matches
    assert pairs == sorted(overlap_matches([(s, e, "X") for s, e in a], [(s, e, "X") for s, e in b]))
