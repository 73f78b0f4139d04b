"""Entities as actors (groups of mentions), label-every-occurrence, filtered accept-all, and the
builtin rules that propose groups, stances and relations (issue 17)."""
from __future__ import annotations

from pathlib import Path

import pytest

from annotate.model import AnnotatedDocument, Annotations, Cluster, Document, Span
from annotate.preannotate import load_annotator
from annotate.preannotate.coref import group_mentions
from annotate.schema import default_schema
from annotate.seeds import sample_articles
from store import Store
from store.suggestions import run_preannotation

SAMPLE = next(p for p in sample_articles() if p.name == "libya-truce-talks.txt")
FIXTURES = Path(__file__).parent / "fixtures"


def suggestion(span_id, start, end, label, **kw):
    return Span(span_id, start, end, label, origin="model:test@1", decision="suggested", **kw)


@pytest.fixture(scope="module")
def builtin():
    return load_annotator("builtin", default_schema())


# ---- the store: groups ------------------------------------------------------------------------

TEXT = "Libya and Libya met. Khalifa Haftar spoke; Haftar left Libyan Libya."


def _doc(store, spans, clusters=()):
    store.import_documents([AnnotatedDocument(Document("d", TEXT), Annotations(list(spans), clusters=list(clusters)))],
                           as_suggestions=True)


def test_merge_and_split_mentions_one_undo_step_each_and_audited(store):
    _doc(store, [suggestion("a", 21, 35, "PERSON"), suggestion("b", 43, 49, "PERSON"),
                 suggestion("c", 0, 5, "GPE")])
    store.clusters.merge("d", "a", "b")
    ann = store.annotations("d")
    group = ann.span("a").cluster
    assert group is not None and ann.span("b").cluster == group
    assert [c.id for c in ann.clusters] == [group] and ann.clusters[0].decision == "manual"
    store.clusters.split("d", "b")
    ann = store.annotations("d")
    assert ann.span("b").cluster is None
    assert ann.clusters == [], "a group left with one mention and no one else's is not kept"
    store.undo()
    assert store.annotations("d").span("b").cluster == group
    store.undo()
    assert store.annotations("d").clusters == [] and store.annotations("d").span("a").cluster is None
    actions = [e.action for e in store.events("d")]
    assert "merge entities" in actions and "split entity" in actions
    assert store.verify().ok


def test_merging_two_groups_moves_every_member_and_keeps_the_models_group_as_rejected(store):
    _doc(store, [suggestion("a", 21, 35, "PERSON", cluster="g1"), suggestion("b", 43, 49, "PERSON", cluster="g1"),
                 suggestion("c", 0, 5, "GPE", cluster="g2"), suggestion("d", 10, 15, "GPE", cluster="g2")],
         [Cluster("g1", "model:test@1", "suggested"), Cluster("g2", "model:test@1", "suggested")])
    store.clusters.merge("d", "a", "c")
    ann = store.annotations("d")
    assert {s.cluster for s in ann.spans} == {"g1"}
    assert {c.id: c.decision for c in ann.clusters} == {"g1": "suggested", "g2": "rejected"}
    assert store.verify().ok


def test_rejecting_a_group_frees_its_mentions_and_accept_all_accepts_groups(store):
    _doc(store, [suggestion("a", 21, 35, "PERSON", cluster="g1"), suggestion("b", 43, 49, "PERSON", cluster="g1"),
                 suggestion("c", 0, 5, "GPE", cluster="g2"), suggestion("d", 10, 15, "GPE", cluster="g2")],
         [Cluster("g1", "model:test@1", "suggested"), Cluster("g2", "model:test@1", "suggested")])
    store.reject("d", "g2")
    ann = store.annotations("d")
    assert ann.span("c").cluster is None and ann.span("d").cluster is None
    store.accept_all("d")
    ann = store.annotations("d")
    assert {c.id: c.decision for c in ann.clusters} == {"g1": "accepted", "g2": "rejected"}
    assert [s.id for s in ann.members("g1")] == ["a", "b"]
    store.undo()
    assert {c.id: c.decision for c in store.annotations("d").clusters} == {"g1": "suggested", "g2": "rejected"}


def test_a_correction_stays_in_the_group_of_the_suggestion_it_replaces(store):
    _doc(store, [suggestion("a", 21, 35, "PERSON", cluster="g1"), suggestion("b", 43, 49, "PERSON", cluster="g1")],
         [Cluster("g1", "model:test@1", "suggested")])
    store.relabel("d", "b", "ORG")
    ann = store.annotations("d")
    new = next(s for s in ann.spans if s.replaces == "b")
    assert new.cluster == "g1" and [s.id for s in ann.members("g1")] == ["a", new.id]


def _as_written_before_groups(path) -> None:
    """Rewrite the history as a version before entity groups wrote it: span rows without the
    column, every hash recomputed (what an old database holds after the migration)."""
    import sqlite3

    from store import audit_body
    from store.audit import GENESIS, event_hash
    conn = sqlite3.connect(path)
    prev = GENESIS
    for seq, at, actor, action, doc_id, body in conn.execute(
            "SELECT seq, at, actor, action, doc_id, changes FROM audit ORDER BY seq").fetchall():
        payload, rows = audit_body.decode(body)
        for row in rows:
            for state in (row.before, row.after):
                if row.table == "spans" and state is not None:
                    state.pop("cluster", None)
        body = audit_body.encode_v1(rows, payload.get("detail"))
        digest = event_hash(prev, seq, at, actor, action, doc_id, body)
        conn.execute("UPDATE audit SET changes = ?, prev_hash = ?, hash = ? WHERE seq = ?", [body, prev, digest, seq])
        prev = digest
    conn.commit()
    conn.close()


def test_spans_written_before_groups_existed_still_verify_and_a_group_set_behind_its_back_does_not(tmp_path):
    path = tmp_path / "old.db"
    with Store.open(str(path), "ana") as store:
        store.import_documents([AnnotatedDocument(Document("d", TEXT), Annotations([Span("a", 0, 5, "GPE")]))])
    _as_written_before_groups(path)
    with Store.open(str(path), "ana") as store:
        assert store.verify().ok, store.verify().problems
        store.conn.execute("UPDATE spans SET cluster = 'g9' WHERE id = 'a'")
        result = store.verify()
        assert not result.ok and "spans d/a" in result.problems[0]


# ---- label every occurrence -------------------------------------------------------------------

def test_every_occurrence_on_token_boundaries_one_undo_step(store):
    _doc(store, [suggestion("s1", 0, 5, "GPE"), suggestion("s2", 10, 15, "ORG")])
    preview = store.occurrences.preview("d", "s1")
    # "Libya" at 10 (a suggestion with another label: corrected) and at 62 (new); not "Libyan".
    assert (preview.total, preview.corrected, preview.added, preview.accepted) == (2, 1, 1, 0)
    store.occurrences.label_all("d", "s1")
    ann = store.annotations("d")
    gold = sorted((s.start, s.end, s.label, s.annotator) for s in ann.entities if s.is_gold)
    assert gold == [(0, 5, "GPE", "tester"), (10, 15, "GPE", "tester"), (62, 67, "GPE", "tester")]
    assert ann.span("s2").decision == "rejected"
    assert len([e for e in store.events("d") if e.action == "label every occurrence"]) == 1
    store.undo()
    ann = store.annotations("d")
    assert [(s.id, s.decision) for s in ann.entities] == [("s1", "suggested"), ("s2", "suggested")]


def test_occurrences_leave_a_persons_decision_and_longer_names_alone(store):
    store.import_documents([AnnotatedDocument(Document("d", TEXT), Annotations([
        Span("p", 10, 15, "LOC", origin="ana", decision="manual", annotator="ana"),
        Span("x", 55, 67, "GPE", origin="ana", decision="manual", annotator="ana"),
        Span("h", 21, 35, "PERSON", origin="ana", decision="manual", annotator="ana")]))])
    store.add_entity("d", 0, 5, "GPE")
    source = next(s for s in store.annotations("d").entities if s.start == 0)
    assert store.occurrences.preview("d", source.id).total == 0


def test_occurrences_in_the_corpus(store):
    store.import_documents([AnnotatedDocument(Document(f"d{i}", t)) for i, t in
                            enumerate(["Haftar met Haftar.", "No one here.", "Haftarism is not Haftar."])])
    store.add_entity("d0", 0, 6, "PERSON")
    source = store.annotations("d0").entities[0]
    preview = store.occurrences.preview("d0", source.id, corpus=True)
    assert preview.documents == {"d0": 1, "d2": 1}
    store.occurrences.label_all("d0", source.id, corpus=True)
    assert [(s.start, s.end) for s in store.annotations("d2").entities] == [(17, 23)]
    store.undo()
    assert store.annotations("d2").entities == [] and len(store.annotations("d0").entities) == 1
    assert store.verify().ok


def test_accept_all_of_one_label_or_above_a_score_with_a_preview_count(store):
    _doc(store, [suggestion("a", 0, 5, "GPE", score=0.9), suggestion("b", 10, 15, "GPE", score=0.4),
                 suggestion("c", 21, 35, "PERSON", score=0.8)])
    assert store.decisions.count_pending("d", label="GPE") == 2
    assert store.decisions.count_pending("d", min_score=0.75) == 2
    changes = store.accept_all("d", min_score=0.75)
    assert changes.span_ids == {"a", "c"}
    store.accept_all("d", label="GPE")
    assert {s.id: s.decision for s in store.annotations("d").spans} == {"a": "accepted", "b": "accepted",
                                                                       "c": "accepted"}
    store.undo()
    assert store.annotations("d").span("b").decision == "suggested"


# ---- the builtin rules -----------------------------------------------------------------------

def test_groups_by_same_name_surname_and_acronym():
    text = ("Foreign Minister Mevlüt Çavuşoğlu met the Government of National Accord (GNA) and the United "
            "Arab Emirates. Çavuşoğlu said the GNA and the UAE agreed. Ahmet Çavuşoğlu disagreed.")
    spans = []
    for k, (surface, label, nth) in enumerate([("Mevlüt Çavuşoğlu", "PERSON", 0), ("Government of National Accord", "ORG", 0),
                                               ("GNA", "ORG", 0), ("United Arab Emirates", "GPE", 0),
                                               ("Çavuşoğlu", "PERSON", 1), ("GNA", "ORG", 1), ("UAE", "GPE", 0),
                                               ("Ahmet Çavuşoğlu", "PERSON", 0)]):
        at = -1
        for _ in range(nth + 1):
            at = text.index(surface, at + 1)
        spans.append(Span(f"e{k}", at, at + len(surface), label))
    groups = [sorted(text[s.start:s.end] for s in g.members) for g in group_mentions(text, spans)]
    assert ["GNA", "GNA", "Government of National Accord"] in groups
    assert ["UAE", "United Arab Emirates"] in groups
    # Two people share the surname: "Çavuşoğlu" alone is not given to either.
    assert not any("Çavuşoğlu" in g for g in groups)


def test_builtin_on_the_sample_groups_actors_and_states_links(builtin):
    text = SAMPLE.read_text(encoding="utf-8")
    result = builtin.suggestions(builtin.nlp(text), "d")
    by_id = {s.id: s for s in result.spans}
    surface = lambda span_id: text[by_id[span_id].start:by_id[span_id].end]  # noqa: E731
    groups = {frozenset(surface(s.id) for s in result.spans if s.cluster == c.id) for c in result.clusters}
    assert frozenset({"Khalifa Haftar", "Haftar"}) in groups
    # "İbrahim Kalın, the Turkish presidential spokesman, said": the description is proposed as a
    # mention and grouped; "Kalın, the foreign minister, and intelligence chief ..." is a list.
    assert frozenset({"İbrahim Kalın", "Kalın", "the Turkish presidential spokesman"}) in groups
    assert not any("the foreign minister" in group for group in groups)
    relations = {(surface(r.head), r.label, surface(r.tail)) for r in result.relations}
    assert {("GNA", "BACKED_BY", "Turkish"), ("Haftar", "BACKED_BY", "Egypt"),
            ("Sergei Lavrov", "ROLE_IN", "Russian"), ("Fayez al-Sarraj", "LEADS", "GNA")} <= relations
    stances = {(surface(s.holder), s.polarity, surface(s.target)) for s in result.stances}
    assert {("Kalın", "AGAINST", "France"), ("Kalın", "AGAINST", "UAE")} <= stances
    assert all(x.origin == builtin.origin and x.decision == "suggested"
               for x in [*result.clusters, *result.relations, *result.stances])


def test_links_on_text_the_rules_were_not_written_on(builtin):
    text = ("German Foreign Minister Annalena Baerbock met NATO member Poland. Hamas, which is backed by Iran, "
            "rejected the plan. The senator accused the Kremlin of lying, and Apple did not support Microsoft.")
    result = builtin.suggestions(builtin.nlp(text), "d")
    by_id = {s.id: s for s in result.spans}
    surface = lambda span_id: text[by_id[span_id].start:by_id[span_id].end]  # noqa: E731
    relations = {(surface(r.head), r.label, surface(r.tail)) for r in result.relations}
    assert {("Annalena Baerbock", "ROLE_IN", "German"), ("Poland", "MEMBER_OF", "NATO"),
            ("Hamas", "BACKED_BY", "Iran")} <= relations
    stances = {(surface(s.holder), s.polarity, surface(s.target)) for s in result.stances}
    assert not any(holder == "Apple" for holder, _, _ in stances), "a negated verb states no stance"


def test_preannotation_writes_groups_and_links_idempotently_and_respects_rejections(store):
    store.import_documents([AnnotatedDocument(Document("d", SAMPLE.read_text(encoding="utf-8")))])
    annotator = load_annotator("builtin", store.schema)
    first = run_preannotation(store, annotator, background_writes=False)
    ann = store.annotations("d")
    assert ann.clusters and ann.relations and ann.stances
    assert all(len(ann.members(c.id)) >= 2 for c in ann.clusters)
    store.reject("d", ann.relations[0].id)
    store.reject("d", ann.clusters[0].id)
    # The document by name: a whole-corpus run would skip it, as pre-annotated by this model already.
    again = run_preannotation(store, annotator, background_writes=False, doc_ids=["d"])
    assert again.stats.added == 0 and again.stats.removed == 0
    after = store.annotations("d")
    assert {r.id: r.decision for r in after.relations}[ann.relations[0].id] == "rejected"
    assert {c.id: c.decision for c in after.clusters}[ann.clusters[0].id] == "rejected"
    assert first.stats.added > 0 and store.verify().ok


def test_a_newer_builtin_replaces_an_older_versions_undecided_suggestions(store):
    store.import_documents([AnnotatedDocument(Document("d", TEXT), Annotations(
        [Span("old", 0, 5, "GPE", origin="model:builtin@1", decision="suggested")]))], as_suggestions=True)
    run_preannotation(store, load_annotator("builtin", store.schema), background_writes=False)
    origins = {s.origin for s in store.annotations("d").spans}
    assert origins == {"model:builtin@3"}


def test_merge_brings_each_annotators_groups(tmp_path):
    from store.merge import merge_databases
    paths = []
    for name in ("ana", "ben"):
        path = tmp_path / f"{name}.db"
        with Store.open(str(path), name) as store:
            store.import_documents([AnnotatedDocument(Document("d", TEXT))])
            store.add_entity("d", 21, 35, "PERSON")
            store.add_entity("d", 43, 49, "PERSON")
            first, second = [s.id for s in store.annotations("d").entities]
            store.clusters.merge("d", first, second)
        paths.append(path)
    team = tmp_path / "team.db"
    merge_databases(paths, team, "lead")
    with Store.open(str(team), "lead") as store:
        ann = store.annotations("d")
        assert len(ann.clusters) == 2 and {c.annotator for c in ann.clusters} == {"ana", "ben"}
        assert all(len(ann.members(c.id)) == 2 for c in ann.clusters)
        assert store.verify().ok
