"""Arc levels over wrapped text (annotate/arcs.py): displaCy's rule, per line, deterministic."""
from __future__ import annotations

import random
from math import inf

import annotate.arcs as arcs_module
from annotate.arcs import (ENTERING, LEAVING, WHOLE, Arc, assign_levels, cap_levels, layout_arcs)


def levels_of(*arcs: Arc, **kw) -> dict[str, int]:
    return layout_arcs(arcs, **kw).levels()


def overlaps(a, b) -> bool:
    return a.left < b.right and b.left < a.right


def assert_no_shared_level_on_overlap(layout) -> None:
    for line, segments in layout.by_line().items():
        for i, a in enumerate(segments):
            for b in segments[i + 1:]:
                if overlaps(a, b):
                    assert a.level != b.level, (line, a, b)


def displacy_get_levels(arcs):
    """spaCy's DependencyRenderer.get_levels on (start, end, label), 1-based as there."""
    length = max((end for _, end, _ in arcs), default=0)
    max_level = [0] * length
    levels = {}
    for start, end, label in sorted(arcs, key=lambda a: (a[1] - a[0], a[0])):
        level = max(max_level[start:end]) + 1
        for i in range(start, end):
            max_level[i] = level
        levels[(start, end, label)] = level
    return levels


def test_nested_arcs_stack():
    levels = levels_of(Arc("inner", 10, 20), Arc("middle", 5, 25), Arc("outer", 0, 40))
    assert levels == {"inner": 0, "middle": 1, "outer": 2}


def test_disjoint_arcs_share_level_zero():
    levels = levels_of(Arc("a", 0, 10), Arc("b", 12, 30), Arc("c", 40, 41), Arc("touching", 30, 35))
    assert set(levels.values()) == {0}


def test_crossing_arcs_differ_and_longer_goes_above():
    levels = levels_of(Arc("short", 0, 10), Arc("long", 5, 25))
    assert levels == {"short": 0, "long": 1}


def test_direction_does_not_matter_and_arrow_end_is_kept():
    layout = layout_arcs([Arc("back", 30, 10, "BACKED_BY")])
    [segment] = layout.segments
    assert (segment.left, segment.right, segment.part) == (10, 30, WHOLE)
    assert (segment.head_x, segment.tail_x) == (30, 10)


def test_an_arc_is_above_every_arc_it_spans_even_with_room_below():
    # displaCy's rule, not first-fit: "wide" spans a level-1 arc, so it goes to level 2
    # although level 0 is free at its left end.
    levels = levels_of(Arc("a", 20, 22), Arc("b", 19, 24), Arc("wide", 0, 30))
    assert levels == {"a": 0, "b": 1, "wide": 2}


def test_same_rule_as_displacy_on_token_arcs():
    rng = random.Random(3)
    for _ in range(50):
        raw = set()
        while len(raw) < 12:
            start = rng.randrange(0, 30)
            end = start + rng.randrange(1, 12)
            raw.add((start, end, "L"))
        # displaCy breaks ties by set order; give every arc a distinct length-or-start.
        arcs = sorted(raw)
        expected = displacy_get_levels(arcs)
        got = levels_of(*[Arc(f"{s}-{e}", s, e) for s, e, _ in arcs])
        assert {f"{s}-{e}": level - 1 for (s, e, _), level in expected.items()} == got


def test_multi_line_arc_is_split_into_leaving_and_entering():
    layout = layout_arcs([Arc("r", 50, 8, "LEADS", start_line=2, end_line=5)],
                         line_bounds={2: (0, 100), 5: (0, 100)})
    by_part = {s.part: s for s in layout.segments}
    leaving, entering = by_part[LEAVING], by_part[ENTERING]
    assert (leaving.line, leaving.left, leaving.right, leaving.head_x, leaving.tail_x) == (2, 50, 100, 50, None)
    assert (entering.line, entering.left, entering.right, entering.head_x, entering.tail_x) == (5, 0, 8, None, 8)
    assert leaving.skipped == entering.skipped == 2


def test_multi_line_arc_pointing_backwards():
    # The head is on the later line: the earlier line holds the tail (and the arrow).
    layout = layout_arcs([Arc("r", 5, 70, start_line=3, end_line=1)])
    by_part = {s.part: s for s in layout.segments}
    assert by_part[LEAVING].line == 1 and by_part[LEAVING].tail_x == 70 and by_part[LEAVING].right == inf
    assert by_part[ENTERING].line == 3 and by_part[ENTERING].head_x == 5 and by_part[ENTERING].left == -inf


def test_segments_reaching_the_edges_nest_with_the_arcs_on_their_line():
    arcs = [Arc("whole", 60, 70), Arc("leave_far", 40, 5, start_line=0, end_line=1),
            Arc("leave_near", 80, 9, start_line=0, end_line=1), Arc("before", 10, 30)]
    layout = layout_arcs(arcs, line_bounds={0: (0, 100), 1: (0, 100)})
    on_line_0 = {s.arc_id: s.level for s in layout.segments if s.line == 0}
    # "before" is left of everything; "leave_near" (80->edge) nests in "leave_far" (40->edge),
    # which also spans "whole".
    assert on_line_0 == {"before": 0, "whole": 0, "leave_near": 0, "leave_far": 1}
    on_line_1 = {s.arc_id: s.level for s in layout.segments if s.line == 1}
    assert on_line_1 == {"leave_far": 0, "leave_near": 1}  # entering edge->5 nests in edge->9
    assert_no_shared_level_on_overlap(layout)


def test_label_width_keeps_labels_apart():
    # Two short arcs side by side share a level, unless their labels are wider than they are.
    assert set(levels_of(Arc("a", 0, 10), Arc("b", 12, 22)).values()) == {0}
    levels = levels_of(Arc("a", 0, 10, label_width=30), Arc("b", 12, 22, label_width=30))
    assert sorted(levels.values()) == [0, 1]


def test_identical_arcs_with_different_labels_stack():
    levels = levels_of(Arc("r1", 0, 10, "LEADS"), Arc("r2", 0, 10, "MEMBER_OF"))
    assert sorted(levels.values()) == [0, 1]


def test_layout_is_deterministic_whatever_the_input_order():
    rng = random.Random(11)
    arcs = [Arc(f"a{i}", rng.randrange(200), rng.randrange(200), start_line=rng.randrange(3),
                end_line=rng.randrange(3)) for i in range(80)]
    first = sorted(layout_arcs(arcs).segments, key=lambda s: (s.arc_id, s.part))
    for _ in range(5):
        rng.shuffle(arcs)
        again = sorted(layout_arcs(arcs).segments, key=lambda s: (s.arc_id, s.part))
        assert again == first


def test_cap_folds_the_highest_arcs_and_counts_them_per_line():
    arcs = [Arc("l0", 10, 12), Arc("l1", 8, 14), Arc("l2", 6, 16), Arc("l3", 4, 18),
            Arc("multi", 1, 3, start_line=0, end_line=1), Arc("next", 5, 6, start_line=1, end_line=1)]
    layout = layout_arcs(arcs)
    capped = cap_levels(layout, 2)
    assert all(s.level < 2 for s in capped.segments)
    drawn = {s.arc_id for s in capped.segments}
    assert drawn == {"l0", "l1", "next"}
    # "multi" leaves line 0 to the right edge over all four: too high on line 0, so it is folded
    # on line 1 too, rather than half drawn.
    assert capped.folded_ids == {"l2", "l3", "multi"}
    assert capped.folded == {0: 3, 1: 1}
    # A per-line cap.
    assert cap_levels(layout, {0: 10}).folded == {}


def test_assign_levels_edge_cases():
    for small in (0, 100):  # the segment tree and the scan
        assert assign_levels([], small=small) == []
        assert assign_levels([(5, 5)], small=small) == [0]
        assert assign_levels([(5, 5), (0, 10)], small=small) == [0, 1]
        assert assign_levels([(5, 5), (5, 10)], small=small) == [0, 1]
        assert assign_levels([(5, 5), (0, 5)], small=small) == [0, 0]
        assert assign_levels([(5, 5), (5, 5)], small=small) == [0, 1]
        assert assign_levels([(10, 0)], small=small) == [0]  # reversed extents are accepted


def test_scan_and_segment_tree_agree():
    rng = random.Random(9)
    for _ in range(200):
        extents = []
        for _ in range(rng.randrange(1, 60)):
            a = rng.randrange(0, 50)
            extents.append((a, a + rng.choice([0, 0, 1, 2, 5, 10, 30])))
        assert assign_levels(extents, small=0) == assign_levels(extents, small=1000)


def test_no_overlapping_segments_share_a_level_on_random_paragraphs():
    rng = random.Random(5)
    for trial in range(20):
        arcs = []
        for i in range(120):
            a, b = rng.randrange(0, 600), rng.randrange(0, 600)
            arcs.append(Arc(f"r{i}", a, b, "X", start_line=a // 100, end_line=b // 100,
                            label_width=rng.choice([0, 8, 20])))
        layout = layout_arcs(arcs, line_bounds={k: (k * 100, k * 100 + 100) for k in range(6)}, pad=1)
        assert_no_shared_level_on_overlap(layout)
        for segment in layout.segments:
            assert segment.level >= 0


def test_500_arcs_in_one_paragraph_are_laid_out_whole():
    rng = random.Random(1)
    arcs = []
    for i in range(500):
        a = rng.randrange(0, 3000)
        b = min(2999, max(0, a + rng.randrange(-150, 150)))
        arcs.append(Arc(f"r{i}", a, b, "NEGOTIATES_WITH", start_line=a // 80, end_line=b // 80,
                        label_width=12))
    layout = layout_arcs(arcs, line_bounds={k: (k * 80, k * 80 + 80) for k in range(40)})
    capped = cap_levels(layout, 3)
    assert_no_shared_level_on_overlap(layout)
    assert len(capped.segments) + sum(capped.folded.values()) == len(layout.segments)


def _tree_visits(monkeypatch, arcs) -> int:
    """Nodes of the segment tree visited while laying out ``arcs``: work, not wall time."""
    visits = [0]
    query, raise_ = arcs_module._MaxTree._query, arcs_module._MaxTree._raise

    def counted_query(self, *args):
        visits[0] += 1
        return query(self, *args)

    def counted_raise(self, *args):
        visits[0] += 1
        return raise_(self, *args)

    monkeypatch.setattr(arcs_module._MaxTree, "_query", counted_query)
    monkeypatch.setattr(arcs_module._MaxTree, "_raise", counted_raise)
    layout = layout_arcs(arcs)
    monkeypatch.undo()
    assert_no_shared_level_on_overlap(layout)
    return visits[0]


def test_arcs_on_one_line_take_n_log_n_work(monkeypatch):
    # Arcs all on one line go through the segment tree: four times the arcs must cost about
    # 4 * log(4n) / log(n) (~5x) the visits; every pair compared would cost 16x.
    rng = random.Random(2)

    def arcs(n):
        return [Arc(f"r{i}", rng.randrange(20 * n), rng.randrange(20 * n)) for i in range(n)]

    small, large = _tree_visits(monkeypatch, arcs(500)), _tree_visits(monkeypatch, arcs(2000))
    assert small > 0
    assert large / small < 8, (small, large)
