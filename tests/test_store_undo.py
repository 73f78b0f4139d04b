"""Undo and redo restore exactly the prior state, for every kind of action."""
from __future__ import annotations

import pytest

from annotate.model import AnnotatedDocument, Annotations, Document, Span

TEXT = "Turkey is against Haftar, whom the United Arab Emirates back. Kalın said a truce is possible."


def snapshot(store):
    tables = {}
    for table in ("spans", "stances", "relations", "doc_labels", "doc_status"):
        tables[table] = sorted(map(tuple, store.conn.execute(f"SELECT * FROM {table}").fetchall()), key=repr)
    return tables


@pytest.fixture
def doc(store):
    suggestions = Annotations([
        Span("s1", 0, 6, "GPE", decision="suggested", origin="model:test@1", score=0.9),
        Span("s2", 18, 24, "PERSON", decision="suggested", origin="model:test@1", score=0.8),
        Span("s3", 35, 55, "ORG", decision="suggested", origin="model:test@1", score=0.4),
    ])
    store.import_documents([AnnotatedDocument(Document("d", TEXT), suggestions)], as_suggestions=True)
    return "d"


def _entity(store, doc, start, end, label):
    return store.add_entity(doc, start, end, label).created[0]


ACTIONS = {
    "add entity": lambda s, d: s.add_entity(d, 62, 67, "PERSON"),
    "relabel": lambda s, d: s.relabel(d, _entity(s, d, 62, 67, "PERSON"), "ORG"),
    "resize": lambda s, d: s.resize(d, _entity(s, d, 62, 67, "PERSON"), 63, 67),
    "delete with dependents": lambda s, d: _delete_with_dependents(s, d),
    "accept": lambda s, d: s.accept(d, "s1"),
    "reject": lambda s, d: s.reject(d, "s2"),
    "correct": lambda s, d: s.correct(d, "s3", label="GPE", start=35),
    "accept all": lambda s, d: s.accept_all(d),
    "add claim": lambda s, d: s.add_claim(d, 73, 92, claimant=_entity(s, d, 62, 67, "PERSON"),
                                          claim_type="prediction", checkworthy=True),
    "edit claim": lambda s, d: s.update_claim(d, s.add_claim(d, 73, 92).created[0], claim_type="opinion",
                                              claimant_text="officials", checkworthy=False),
    "add stance": lambda s, d: s.add_stance(d, _entity(s, d, 0, 6, "GPE"), _entity(s, d, 18, 24, "PERSON"), "AGAINST"),
    "edit stance": lambda s, d: s.update_stance(
        d, s.add_stance(d, _entity(s, d, 0, 6, "GPE"), _entity(s, d, 18, 24, "PERSON"), "AGAINST").created[0],
        polarity="NEUTRAL"),
    "add relation": lambda s, d: s.add_relation(d, _entity(s, d, 18, 24, "PERSON"), _entity(s, d, 35, 55, "GPE"),
                                                "BACKED_BY"),
    "relabel relation": lambda s, d: s.relabel_relation(
        d, s.add_relation(d, _entity(s, d, 18, 24, "PERSON"), _entity(s, d, 35, 55, "GPE"), "BACKED_BY").created[0],
        "OPPOSES"),
    "reject what a stance and a relation use": lambda s, d: _reject_used(s, d),
    "entity over a suggestion": lambda s, d: s.add_entity(d, 18, 24, "PERSON"),
    "entity over a suggestion, another label": lambda s, d: s.add_entity(d, 35, 55, "GPE"),
    "document labels": lambda s, d: s.set_document_labels(d, ["politics", "conflict"]),
    "status": lambda s, d: s.set_status(d, "skipped", "duplicate"),
}


def _delete_with_dependents(store, doc):
    person = _entity(store, doc, 62, 67, "PERSON")
    turkey = _entity(store, doc, 0, 6, "GPE")
    claim = store.add_claim(doc, 73, 92, claimant=person).created[0]
    store.add_stance(doc, person, claim, "FAVOR", evidence=claim)
    store.add_relation(doc, person, turkey, "ROLE_IN")
    return store.delete(doc, person)


def _reject_used(store, doc):
    store.add_stance(doc, "s1", "s2", "AGAINST")
    store.add_relation(doc, "s2", "s3", "BACKED_BY")
    return store.reject(doc, "s2", "s3")  # the relation uses both: changed once


def test_rejecting_a_used_suggestion_leaves_nothing_pointing_at_it(store, doc):
    claim = store.add_claim(doc, 73, 92, claimant="s2").created[0]
    store.add_stance(doc, "s1", "s2", "AGAINST")
    store.add_relation(doc, "s2", "s3", "BACKED_BY")
    store.reject(doc, "s2", "s3")
    annotations = store.annotations(doc)
    assert annotations.stances == [] and annotations.relations == []
    [kept] = [s for s in annotations.spans if s.id == claim]
    assert (kept.claimant, kept.claimant_text) == (None, "Haftar")


def test_a_persons_span_over_a_suggestion_decides_it_once(store, doc):
    assert store.add_entity(doc, 18, 24, "PERSON").created == ["s2"]  # said the same: accepted
    changes = store.add_entity(doc, 0, 6, "LOC")  # said otherwise: corrected
    spans = {s.id: s for s in store.annotations(doc).spans}
    assert spans["s2"].decision == "accepted" and spans["s1"].decision == "rejected"
    assert spans[changes.created[0]].replaces == "s1" and spans[changes.created[0]].label == "LOC"
    assert store.accept_all(doc).span_ids == {"s3"}


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_undo_restores_the_prior_state_and_redo_the_next(store, doc, name):
    # Build the preconditions, then take the snapshot just before the action under test, by
    # performing the whole recipe and undoing its last step.
    ACTIONS[name](store, doc)
    after = snapshot(store)
    store.undo()
    before = snapshot(store)
    assert before != after, "the action changed nothing"
    store.redo()
    assert snapshot(store) == after
    store.undo()
    assert snapshot(store) == before
    assert store.verify().ok


def test_accept_all_is_one_undo_step(store, doc):
    before = snapshot(store)
    changes = store.accept_all(doc)
    assert changes.span_ids == {"s1", "s2", "s3"}
    decisions = {s.id: (s.decision, s.annotator) for s in store.annotations(doc).spans}
    assert decisions == {k: ("accepted", "tester") for k in ("s1", "s2", "s3")}
    store.undo()
    assert snapshot(store) == before


def test_delete_removes_dependents_and_keeps_claimant_text(store, doc):
    changes = _delete_with_dependents(store, doc)
    ann = store.annotations(doc)
    assert ann.stances == [] and ann.relations == []
    claim = ann.claims[0]
    assert claim.claimant is None and claim.claimant_text == TEXT[62:67]
    assert changes.stance_ids and changes.relation_ids
    store.undo()
    ann = store.annotations(doc)
    assert len(ann.stances) == 1 and len(ann.relations) == 1
    assert ann.claims[0].claimant is not None


def test_correct_keeps_the_rejection_and_repoints_references(store, doc):
    store.add_relation(doc, "s2", "s3", "BACKED_BY")
    new_id = store.correct(doc, "s3", label="GPE").created[0]
    spans = {s.id: s for s in store.annotations(doc).spans}
    assert spans["s3"].decision == "rejected"
    assert spans[new_id].decision == "manual" and spans[new_id].replaces == "s3"
    assert store.annotations(doc).relations[0].tail == new_id


def test_undo_after_someone_else_edited_is_refused(store, doc, db_path):
    from annotate.errors import ConflictError
    from store import Store
    store.accept(doc, "s1")
    with Store.open(str(db_path), "other") as other:
        other.relabel(doc, "s1", "LOC")
    with pytest.raises(ConflictError):
        store.undo()
    assert {s.id: s.label for s in store.annotations(doc).spans}["s1"] == "LOC"
