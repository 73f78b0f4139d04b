"""Entity groups through adjudication: compared by their mentions, taken into the reviewer's gold as
one gold group (merging with the gold groups their copies already belong to), undone in one step,
and carried by merge from the annotators' files to the team's and from the team's onwards."""
from __future__ import annotations

import pytest

from annotate.adjudication import AGREED, LEFT_ONLY, RIGHT_ONLY, compare
from annotate.model import AnnotatedDocument, Annotations, Cluster, Document, Span
from store import Store
from store.adjudication import take
from store.merge import merge_databases

TEXT = ("Khalifa Haftar met officials of Turkey in Ankara. Haftar left; Turkey stayed. "
        "The general said Turkey was wrong, and Haftar agreed.")


def at(needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(needle, start + 1)
    return start, start + len(needle)


MENTIONS = {"KH": (at("Khalifa Haftar"), "PERSON"), "H2": (at("Haftar", 1), "PERSON"),
            "H3": (at("Haftar", 2), "PERSON"), "general": (at("The general"), "PERSON"),
            "T1": (at("Turkey"), "GPE"), "T2": (at("Turkey", 1), "GPE"), "Ankara": (at("Ankara"), "GPE")}
#: who grouped which mentions
GROUPS = {"ana": [["KH", "H2"], ["T1", "T2"]],
          "ben": [["KH", "H2", "general"], ["T1", "T2"]],
          "cem": [["general", "H3"]]}


def annotate(store: Store, who: str, groups: list[list[str]]) -> None:
    store.annotator = who
    ids = {}
    for name, ((start, end), label) in MENTIONS.items():
        ids[name] = store.add_entity("d1", start, end, label).created[0]
    for group in groups:
        for other in group[1:]:
            store.clusters.merge("d1", ids[group[0]], ids[other])


@pytest.fixture
def team(tmp_path):
    store = Store.open(str(tmp_path / "team.db"), "ana")
    store.import_documents([AnnotatedDocument(Document("d1", TEXT))])
    for who, groups in GROUPS.items():
        annotate(store, who, groups)
    store.annotator = "gold"
    yield store
    store.close()


def names(store: Store, span_ids) -> list[str]:
    ann = store.annotations("d1")
    where = {(start, end): name for name, ((start, end), _) in MENTIONS.items()}
    return sorted(where[(ann.span(i).start, ann.span(i).end)] for i in span_ids)


def gold_groups(store: Store) -> list[list[str]]:
    ann = store.annotations("d1")
    return sorted(names(store, [m.id for m in ann.members(c.id)]) for c in ann.clusters if c.annotator == "gold")


def group_items(store: Store, left: str, right: str):
    return [i for i in compare(store.annotations("d1"), left, right, "gold") if i.kind == "group"]


def test_groups_are_compared_by_their_mentions(team):
    items = group_items(team, "ana", "ben")
    by_side = {side: [i for i in items if i.side == side] for side in (AGREED, LEFT_ONLY, RIGHT_ONLY)}
    (agreed,) = by_side[AGREED]  # Turkey: the same two mentions, though each annotator's group has its own id
    assert agreed.left != agreed.right and names(team, [m.id for m in team.annotations("d1").members(agreed.left)]) \
        == ["T1", "T2"]
    (left,), (right,) = by_side[LEFT_ONLY], by_side[RIGHT_ONLY]  # Haftar: ben has the general too
    assert (len(left.key[1]), len(right.key[1])) == (2, 3)
    assert not any(i.in_gold for i in items)


def test_taking_an_agreed_group_makes_one_gold_group_of_the_copies_in_one_undo_step(team):
    (agreed,) = [i for i in group_items(team, "ana", "ben") if i.side == AGREED]
    take(team, "d1", agreed.left)
    assert gold_groups(team) == [["T1", "T2"]]
    ann = team.annotations("d1")
    (group,) = [c for c in ann.clusters if c.annotator == "gold"]
    assert (group.decision, group.origin) == ("manual", "gold")
    assert all(m.attrs["from_annotator"] == "ana" for m in ann.members(group.id))
    assert [i.in_gold for i in group_items(team, "ana", "ben") if i.side == AGREED] == [True]
    assert team.verify().ok
    team.undo()
    assert gold_groups(team) == [] and not [s for s in team.annotations("d1").spans if s.annotator == "gold"]


def test_a_group_taken_over_gold_groups_merges_them(team):
    """ana's Haftar, then cem's (the general and the last Haftar: a second gold group), then ben's
    (which shares mentions with both): one gold entity of four mentions, the second group gone."""
    ana = next(i for i in group_items(team, "ana", "ben") if i.side == LEFT_ONLY)
    (cem,) = [i for i in group_items(team, "cem", "ana") if i.side == LEFT_ONLY]
    ben = next(i for i in group_items(team, "ana", "ben") if i.side == RIGHT_ONLY)
    take(team, "d1", ana.left)
    take(team, "d1", cem.left)
    assert gold_groups(team) == [["H2", "KH"], ["H3", "general"]]
    take(team, "d1", ben.right)
    assert gold_groups(team) == [["H2", "H3", "KH", "general"]]
    assert sum(1 for c in team.annotations("d1").clusters if c.annotator == "gold") == 1
    haftar = [i for i in group_items(team, "ana", "ben") if ana.left == i.left or ben.right == i.right]
    assert len(haftar) == 2 and all(i.in_gold for i in haftar)  # each is inside the one gold group
    assert team.verify().ok
    team.undo()
    assert gold_groups(team) == [["H2", "KH"], ["H3", "general"]]


def test_many_groups_in_one_action_change_each_row_once(team):
    """Take all agreed, or both sides of a conflict: one action, one gold group per entity."""
    items = group_items(team, "ana", "ben")
    ids = [i.left or i.right for i in items] + [i.right for i in items if i.side == AGREED]
    take(team, "d1", *ids, action="adjudicate: take all agreed")
    assert gold_groups(team) == [["H2", "KH", "general"], ["T1", "T2"]]
    event = list(team.events("d1"))[-1]
    assert event.action == "adjudicate: take all agreed"
    assert len(event.rows) == len({(r.table, tuple(r.key)) for r in event.rows})
    assert team.verify().ok


def test_a_gold_mention_in_a_models_undecided_group_leaves_it_for_the_taken_group(tmp_path):
    """The reviewer accepted a model's mention (its group still undecided), then takes ana's group
    over the same text: the mention joins the gold group, and the model's group, left with one
    mention, is no group (rejected, its other mention free)."""
    store = Store.open(str(tmp_path / "t.db"), "ana")
    (kh, _), (h2, _), (h3, _) = MENTIONS["KH"], MENTIONS["H2"], MENTIONS["H3"]
    model = dict(origin="model:test@1", decision="suggested")
    store.import_documents([AnnotatedDocument(Document("d1", TEXT), Annotations(
        [Span("m1", *h2, "PERSON", cluster="mg", **model), Span("m2", *h3, "PERSON", cluster="mg", **model)],
        clusters=[Cluster("mg", "model:test@1", "suggested")]))], as_suggestions=True)
    store.annotator = "gold"
    store.accept("d1", "m1")
    store.annotator = "ana"
    a = store.add_entity("d1", *kh, "PERSON").created[0]
    b = store.add_entity("d1", *h2, "PERSON").created[0]
    store.clusters.merge("d1", a, b)
    ana_group = store.annotations("d1").span(a).cluster
    store.annotator = "gold"
    take(store, "d1", ana_group)
    ann = store.annotations("d1")
    gold = [c for c in ann.clusters if c.annotator == "gold" and c.decision == "manual"]
    assert len(gold) == 1 and [m.id for m in ann.members(gold[0].id)][1] == "m1"
    assert next(c for c in ann.clusters if c.id == "mg").decision == "rejected"
    assert ann.span("m2").cluster is None
    assert store.verify().ok
    store.close()


def test_merge_carries_adjudicated_groups_from_the_team_file_onwards(team, tmp_path):
    """The annotators' files merged into the team's, the gold settled there, the team's merged into
    another: every group arrives with its mentions, the gold's among them."""
    (agreed,) = [i for i in group_items(team, "ana", "ben") if i.side == AGREED]
    take(team, "d1", agreed.left)
    before = sorted((c.annotator, tuple(names(team, [m.id for m in team.annotations("d1").members(c.id)])))
                    for c in team.annotations("d1").clusters)
    team.close()
    archive = tmp_path / "archive.db"
    merge_databases([tmp_path / "team.db"], archive, "lead")
    with Store.open(str(archive), "lead") as store:
        ann = store.annotations("d1")
        after = sorted((c.annotator, tuple(names(store, [m.id for m in ann.members(c.id)]))) for c in ann.clusters)
        assert after == before and ("gold", ("T1", "T2")) in after
        assert all(c.id.split(".")[0] == s.id.split(".")[0] for c in ann.clusters for s in ann.members(c.id))
        assert store.verify().ok


def test_merging_again_after_the_source_regrouped_leaves_no_empty_group(tmp_path):
    """ana splits a group (it dissolves) and makes another after a first merge: merged again, the
    team file follows, and the dissolved group does not linger there with no mention."""
    text = "Khalifa Haftar spoke. Haftar left. Haftar came back."
    ana = tmp_path / "ana.db"
    with Store.open(str(ana), "ana") as store:
        store.import_documents([AnnotatedDocument(Document("d", text))])
        a, b, c = (store.add_entity("d", s, e, "PERSON").created[0] for s, e in ((0, 14), (22, 28), (35, 41)))
        store.clusters.merge("d", a, b)
    team = tmp_path / "team.db"
    merge_databases([ana], team, "lead")
    with Store.open(str(ana), "ana") as store:
        store.clusters.split("d", b)
        store.clusters.merge("d", b, c)
        expected = [[s.start for s in store.annotations("d").members(g.id)] for g in store.annotations("d").clusters]
    merge_databases([ana], team, "lead")
    with Store.open(str(team), "lead") as store:
        ann = store.annotations("d")
        assert [[s.start for s in ann.members(g.id)] for g in ann.clusters] == expected == [[22, 35]]
        assert store.verify().ok
        (last,) = [e for e in store.events("d") if e.action == "merge"][-1:]
        assert any(r.table == "clusters" and r.after is None for r in last.rows)  # the retirement is audited
    merge_databases([ana], team, "lead")  # nothing new: nothing changes
    with Store.open(str(team), "lead") as store:
        assert len([e for e in store.events("d") if e.action == "merge"]) == 2
