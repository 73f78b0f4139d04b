"""Work assigned and tracked, comments, and adjudication that compares everything, at the store."""
from __future__ import annotations

import json

import pytest

import main
from annotate.adjudication import AGREED, LEFT_ONLY, RIGHT_ONLY, compare
from annotate.assignment import plan_assignment
from annotate.errors import InputError, ValidationError
from annotate.fragments import resized_attrs
from annotate.model import AnnotatedDocument, Annotations, Cluster, Document, Span
from annotate.worktime import ActiveTime
from store import Store, comments, work_time
from store.adjudication import labels_by_annotator, take

TEXT = "Kalın said a ceasefire in Libya would be possible. Turkey opposes Haftar."


def at(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


# ---- assignment --------------------------------------------------------------------------

def test_plan_gives_the_overlap_to_every_pair_and_balances_the_rest():
    docs = [f"d{i}" for i in range(20)]
    plan = plan_assignment(docs, ["ana", "ben", "cem"], overlap=0.3, seed=1)
    shared = [d for d in docs if sum(d in plan[a] for a in plan) == 2]
    assert len(shared) == 6  # 30% of 20, each to two people
    assert all(sum(d in plan[a] for a in plan) in (1, 2) for d in docs)  # everything assigned, no triple
    pairs = {(a, b): len(set(plan[a]) & set(plan[b])) for a in plan for b in plan if a < b}
    assert pairs == {("ana", "ben"): 2, ("ana", "cem"): 2, ("ben", "cem"): 2}
    loads = [len(v) for v in plan.values()]
    assert max(loads) - min(loads) <= 1 and sum(loads) == 26
    assert plan == plan_assignment(docs, ["ana", "ben", "cem"], overlap=0.3, seed=1)  # deterministic
    assert plan != plan_assignment(docs, ["ana", "ben", "cem"], overlap=0.3, seed=2)


def test_one_annotator_gets_every_document_with_the_default_overlap():
    # The command's default --overlap is 0.2: with one name there is no one to overlap with.
    assert plan_assignment(["d1", "d2", "d3"], ["ana"], overlap=0.2) == {"ana": ["d1", "d2", "d3"]}


@pytest.mark.parametrize("kwargs,message", [
    (dict(annotators=["ana", "ana"], overlap=0.2), "named twice"),
    (dict(annotators=["ana", "ben"], overlap=1.5), "from 0 to 1"),
    (dict(annotators=["ana", "ben"], overlap=0.2, copies=3), "--copies"),
    (dict(annotators=[""], overlap=0.2), "at least one annotator"),
])
def test_plan_refuses_bad_requests(kwargs, message):
    with pytest.raises(InputError, match=message):
        plan_assignment(["d1"], **kwargs)


def test_assign_refuses_to_overwrite_and_writes_nothing(tmp_path, capsys):
    lead = tmp_path / "lead.db"
    with Store.open(str(lead), "lead") as store:
        store.import_documents([AnnotatedDocument(Document(f"d{i}", f"Text {i}.")) for i in range(3)])
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "ben.db").write_bytes(b"")
    assert main.main(["assign", "--db", str(lead), "--annotators", "ana,ben", "--out", str(tmp_path / "out")]) == 1
    assert "ben.db: already exists" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["ben.db"]
    with Store.open(str(lead), "lead") as store:
        assert store.conn.execute("SELECT count(*) FROM assignments").fetchone()[0] == 0


def test_assign_hands_out_a_models_entity_groups_with_their_mentions(tmp_path, capsys):
    # The builtin proposes entity groups on every pre-annotated document (the sample included):
    # assign refused them all ("entity group ... is not an id in this document").
    lead = tmp_path / "lead.db"
    model, person = "model:builtin@2", "lead"
    spans = [Span("k", *at("Kalın"), "PERSON", origin=model, decision="suggested", cluster="gm"),
             Span("h", *at("Haftar"), "PERSON", origin=model, decision="suggested", cluster="gm"),
             Span("l", *at("Libya"), "GPE", origin=person, annotator=person, cluster="gp"),
             Span("t", *at("Turkey"), "GPE", origin=person, annotator=person, cluster="gp")]
    clusters = [Cluster("gm", model, "suggested"), Cluster("gp", person, "manual", person)]
    with Store.open(str(lead), person) as store:
        store.import_documents([AnnotatedDocument(Document("d1", TEXT), Annotations(spans, clusters=clusters))])
    assert main.main(["assign", "--db", str(lead), "--annotators", "ana", "--overlap", "0",
                      "--out", str(tmp_path / "out")]) == 0
    with Store.open(str(tmp_path / "out" / "ana.db"), "ana") as mine:
        ann = mine.annotations("d1")
        assert [(c.id, c.origin, c.decision) for c in ann.clusters] == [("gm", model, "suggested")]
        assert [s.id for s in ann.members("gm")] == ["k", "h"]
        assert {s.id for s in ann.spans} == {"k", "h"}  # a person's decisions stay with the lead
        assert mine.verify().ok


def test_an_assigned_database_acts_as_its_annotator_and_the_leads_does_not(tmp_path, capsys, monkeypatch):
    # Opened with no name given, team/ana.db acted as the login name: the work done there came
    # back through merge under a name the lead never assigned, and stats showed none of it done.
    monkeypatch.delenv("MARGINALIA_ANNOTATOR")
    monkeypatch.setattr("getpass.getuser", lambda: "login")
    lead = tmp_path / "lead.db"
    with Store.open(str(lead), "lead") as store:
        store.import_documents([AnnotatedDocument(Document(f"d{i}", f"Text {i}.")) for i in range(4)])
    assert main.main(["assign", "--db", str(lead), "--annotators", "ana,ben", "--overlap", "0.5",
                      "--out", str(tmp_path / "team"), "--user", "lead"]) == 0
    capsys.readouterr()
    for name in ("ana", "ben"):
        assert main.main(["stats", "--db", str(tmp_path / "team" / f"{name}.db")]) == 0
        assert f"(annotator: {name})" in capsys.readouterr().out
    assert main.main(["stats", "--db", str(lead)]) == 0
    assert "(annotator: login)" in capsys.readouterr().out


# ---- time ----------------------------------------------------------------------------------

def test_active_time_leaves_idle_gaps_out():
    clock = ActiveTime(idle_after=60)
    clock.start(1000.0)
    for t in (1010, 1030, 1085):  # 10 + 20 + 55 active
        clock.activity(t)
    clock.activity(1400)  # 315 s without input: away, counts nothing
    clock.activity(1405)
    assert clock.total == 90 and clock.take() == 90 and clock.take() == 0
    assert clock.idle(1500) and not clock.idle(1420)


def test_work_time_adds_up_is_audited_and_not_undone(tmp_path):
    with Store.open(str(tmp_path / "a.db"), "ana") as store:
        store.import_documents([AnnotatedDocument(Document("d1", TEXT))])
        store.add_entity("d1", *at("Turkey"), "GPE")
        work_time.add(store, "d1", 12.5)
        work_time.add(store, "d1", 30)
        assert work_time.seconds_on(store, "d1") == 42.5
        store.undo()  # undoes the entity, never the time
        assert work_time.seconds_on(store, "d1") == 42.5
        assert [e.action for e in store.events("d1")].count("work time") == 2
        assert store.verify().ok
        with pytest.raises(ValidationError, match="negative"):
            work_time.add(store, "d1", -3)
        report = work_time.report(store.conn)
    assert report["by_annotator"]["ana"] == {"seconds": 42.5, "documents": 1, "seconds_per_done_document": None}
    assert work_time.clock(3725) == "1:02:05" and work_time.clock(65) == "1:05"


# ---- comments ------------------------------------------------------------------------------

def test_comments_are_stored_audited_undoable_and_filterable(tmp_path):
    with Store.open(str(tmp_path / "a.db"), "ana") as store:
        store.import_documents([AnnotatedDocument(Document("d1", TEXT)), AnnotatedDocument(Document("d2", "Other."))])
        turkey = store.add_entity("d1", *at("Turkey"), "GPE").created[0]
        on_doc = comments.add(store, "d1", "Is the date in the headline right?").created[0]
        on_span = comments.add(store, "d1", "GPE or NORP here?", target=turkey, needs_discussion=True).created[0]
        assert [(c.target, c.body) for c in comments.of_document(store, "d1")] == [
            (None, "Is the date in the headline right?"), (turkey, "GPE or NORP here?")]
        assert comments.documents_needing_discussion(store) == {"d1"}
        comments.edit(store, "d1", on_span, needs_discussion=False)
        assert comments.documents_needing_discussion(store) == set()
        store.undo()
        assert comments.documents_needing_discussion(store) == {"d1"}
        comments.delete(store, "d1", on_doc)
        store.undo()
        assert len(comments.of_document(store, "d1")) == 2
        with pytest.raises(ValidationError, match="no annotation"):
            comments.add(store, "d1", "x", target="nope")
        with pytest.raises(ValidationError, match="needs some text"):
            comments.add(store, "d1", "   ")
        assert store.verify().ok
        assert "comment" in [e.action for e in store.events("d1")]
    with Store.open(str(tmp_path / "a.db"), "ben") as other:
        with pytest.raises(ValidationError, match="only they can"):
            comments.edit(other, "d1", on_span, body="rewritten")
        comments.edit(other, "d1", on_span, needs_discussion=False)  # anyone may settle the discussion


# ---- adjudication sees everything ----------------------------------------------------------

def team_file(tmp_path) -> Store:
    store = Store.open(str(tmp_path / "team.db"), "ana")
    store.import_documents([AnnotatedDocument(Document("d1", TEXT))])
    for who, claim_type, labels in (("ana", "prediction", ["politics"]), ("ben", "statement", ["conflict"])):
        store.annotator = who
        kalin = store.add_entity("d1", *at("Kalın"), "PERSON").created[0]
        turkey = store.add_entity("d1", *at("Turkey"), "GPE").created[0]
        haftar = store.add_entity("d1", *at("Haftar"), "PERSON").created[0]
        claim = store.add_claim("d1", *at("a ceasefire in Libya would be possible"), claimant=kalin,
                                claim_type=claim_type, checkworthy=True).created[0]
        evidence = claim if who == "ana" else None
        store.add_stance("d1", turkey, haftar, "AGAINST", evidence=evidence)
        store.set_document_labels("d1", labels + ["politics"] if who == "ben" else labels)
    store.annotator = "gold"
    return store


def test_claims_stance_evidence_and_document_labels_are_compared(tmp_path):
    store = team_file(tmp_path)
    ann = store.annotations("d1")
    items = compare(ann, "ana", "ben", "gold", labels_by_annotator(store, "d1"))
    by_kind: dict = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item.side)
    assert sorted(by_kind["label"]) == sorted([AGREED, RIGHT_ONLY])  # politics both, conflict ben only
    assert by_kind["span"].count(AGREED) == 3  # Kalın, Turkey, Haftar
    # The claim differs only in its type: one per side, not an agreement.
    assert sorted(s for s in by_kind["span"] if s != AGREED) == sorted([LEFT_ONLY, RIGHT_ONLY])
    assert sorted(by_kind["stance"]) == sorted([LEFT_ONLY, RIGHT_ONLY])  # evidence differs
    assert items[0].kind == "label"  # document labels come first
    ana_claim = next(i for i in items if i.kind == "span" and i.side == LEFT_ONLY)
    take(store, "d1", ana_claim.left)
    conflict = next(i for i in items if i.kind == "label" and i.side == RIGHT_ONLY)
    take(store, "d1", conflict.right)
    ana_stance = next(i for i in items if i.kind == "stance" and i.side == LEFT_ONLY)
    take(store, "d1", ana_stance.left)
    gold = [s for s in store.annotations("d1").spans if s.annotator == "gold"]
    claim = next(s for s in gold if s.layer == "claim")
    assert claim.claim_type == "prediction" and claim.checkworthy is True
    assert next(s for s in gold if s.id == claim.claimant).label == "PERSON"
    assert labels_by_annotator(store, "d1")["gold"] == {"conflict"}
    (stance,) = [s for s in store.annotations("d1").stances if s.annotator == "gold"]
    assert stance.evidence == claim.id  # the evidence came along, as the same gold claim
    after = compare(store.annotations("d1"), "ana", "ben", "gold", labels_by_annotator(store, "d1"))
    # In the gold now: the claim, Kalın (its claimant), the label, the stance, Turkey and Haftar (its ends).
    assert sum(i.in_gold for i in after) == 6
    store.close()


def test_discontinuous_spans_keep_their_pieces_through_adjudication_and_resize(tmp_path):
    text = "Turkey and, later, Russia signed."
    pieces = [[0, 6], [19, 25]]
    store = Store.open(str(tmp_path / "t.db"), "ana")
    store.import_documents([AnnotatedDocument(Document("d1", text), Annotations(
        [Span("T1", 0, 25, "GPE", attrs={"fragments": pieces, "notes": [["Reviewer", "two parties"]]})]))])
    store.annotator = "gold"
    take(store, "d1", "T1")
    (copy,) = [s for s in store.annotations("d1").spans if s.annotator == "gold"]
    assert copy.attrs["fragments"] == pieces and copy.attrs["notes"] == [["Reviewer", "two parties"]]
    assert copy.attrs["from_annotator"] == "ana"
    store.resize("d1", copy.id, 0, 32)  # grown to "Russia signed"
    resized = store.annotations("d1").span(copy.id)
    assert resized.attrs["fragments"] == [[0, 6], [19, 32]]
    store.close()
    # The brat export writes the new pieces.
    assert main.main(["export", "--db", str(tmp_path / "t.db"), "--format", "brat", "--annotator", "gold",
                      "--out", str(tmp_path / "brat")]) == 0
    (ann,) = [line for line in (tmp_path / "brat" / "d1.ann").read_text(encoding="utf-8").splitlines()
              if line.startswith("T")]
    assert ann.split("\t")[1:] == ["GPE 0 6;19 32", "Turkey Russia signed"]
    assert resized_attrs({"fragments": pieces}, 2, 6) == {}  # one piece left: continuous again
    assert resized_attrs({"fragments": [[0, 2], [4, 6], [8, 10]]}, 1, 9) == {"fragments": [[1, 2], [4, 6], [8, 9]]}


def test_stats_reports_time_and_assignment(tmp_path, capsys):
    db = tmp_path / "a.db"
    with Store.open(str(db), "ana") as store:
        store.import_documents([AnnotatedDocument(Document("d1", TEXT))])
        work_time.add(store, "d1", 125)
        store.set_status("d1", "done")
    assert main.main(["stats", "--db", str(db), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["work_time"]["documents"] == [{"doc_id": "d1", "annotator": "ana", "seconds": 125, "status": "done"}]
    assert main.main(["stats", "--db", str(db)]) == 0
    assert "time ana: 2:05 on 1 documents, 2:05 per done document" in capsys.readouterr().out


def test_comments_travel_to_brat_as_notes_and_back(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Turkey opposes Haftar.", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tGPE 0 6\tTurkey\nT2\tPERSON 15 21\tHaftar\n"
                                  "#1\tAnnotatorNotes T1\tcheck the spelling\n#2\tSource T2\tAFP\n", encoding="utf-8")
    db = tmp_path / "x.db"
    assert main.main(["import", str(folder), "--db", str(db), "--annotator", "ana"]) == 0
    with Store.open(str(db), "ana") as store:
        (doc_id,) = store.document_ids()
        (note,) = comments.of_document(store, doc_id)
        assert (note.target, note.body, note.annotator) == ("T1", "check the spelling", "ana")
        assert store.annotations(doc_id).span("T2").attrs["notes"] == [["Source", "AFP"]]  # other types stay
        comments.add(store, doc_id, "PERSON, or ORG for\nhis forces?", target="T2", needs_discussion=True)
        assert store.verify().ok
    out = tmp_path / "out"
    assert main.main(["export", "--db", str(db), "--format", "brat", "--out", str(out)]) == 0
    lines = set((out / "a.ann").read_text(encoding="utf-8").splitlines())
    assert {"#1\tAnnotatorNotes T1\tcheck the spelling", "#2\tSource T2\tAFP"} <= lines
    assert any(line.endswith("\tAnnotatorNotes T2\tPERSON, or ORG for his forces?") for line in lines)
    # ... and back: a new database reads them as comments again.
    again = tmp_path / "y.db"
    assert main.main(["import", str(out), "--db", str(again), "--annotator", "ben"]) == 0
    with Store.open(str(again), "ben") as store:
        (doc_id,) = store.document_ids()
        assert sorted((c.target, c.body) for c in comments.of_document(store, doc_id)) == [
            ("T1", "check the spelling"), ("T2", "PERSON, or ORG for his forces?")]
    # Native JSONL carries them the same way (as notes in the annotation's attrs).
    assert main.main(["export", "--db", str(db), "--format", "jsonl", "--out", str(tmp_path / "x.jsonl")]) == 0
    third = tmp_path / "z.db"
    assert main.main(["import", str(tmp_path / "x.jsonl"), "--db", str(third), "--annotator", "cem"]) == 0
    with Store.open(str(third), "cem") as store:
        (doc_id,) = store.document_ids()
        assert len(comments.of_document(store, doc_id)) == 2


def test_merge_brings_comments_time_and_assignments_back(tmp_path):
    ana = tmp_path / "ana.db"
    with Store.open(str(ana), "ana") as store:
        store.import_documents([AnnotatedDocument(Document("d1", TEXT))])
        turkey = store.add_entity("d1", *at("Turkey"), "GPE").created[0]
        comments.add(store, "d1", "GPE or NORP?", target=turkey, needs_discussion=True)
        comments.add(store, "d1", "a note on the article")
        work_time.add(store, "d1", 75)
    team = tmp_path / "team.db"
    assert main.main(["merge", str(ana), "--into", str(team), "--annotator", "lead"]) == 0
    with Store.open(str(team), "lead") as store:
        by_target = {c.target: c for c in comments.of_document(store, "d1")}
        (span_target,) = [t for t in by_target if t]
        assert store.annotations("d1").span(span_target).label == "GPE"  # the reference follows the span's new id
        assert by_target[span_target].needs_discussion and by_target[None].body == "a note on the article"
        assert work_time.seconds_on(store, "d1", "ana") == 75
        assert store.verify().ok
    assert main.main(["merge", str(ana), "--into", str(team), "--annotator", "lead"]) == 0  # idempotent
    with Store.open(str(team), "lead") as store:
        assert len(comments.of_document(store, "d1")) == 2
