"""Merging annotators' files: documents matched by text, attribution kept, ids remapped, histories
kept and verifiable, idempotent, all or nothing; and agreement on the result, hand-computed."""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

import main
from annotate.model import AnnotatedDocument, Annotations, Document, Span
from store import Store
from store.merge import ID_DIGITS, merge_databases, verify_merged_chains

TEXT1 = ("Turkey is against Haftar, whom the United Arab Emirates back. Kalın said in Ankara that a truce is "
         "possible. Erdoğan agreed.")
TEXT2 = "Ankara and Tripoli talked again on Monday."
TEXT3 = "The truce held for a third day in Tripoli."


def run(argv: list[str]) -> int:
    try:
        return main.main(argv)
    except SystemExit as exc:
        return exc.code


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def rows(path: Path, sql: str, args=()) -> list[dict]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


def annotate_d1(store: Store, who: str) -> None:
    """Both annotators' work on d1, with the planned differences (see test_agreement_on_the_merge)."""
    e = {}
    store.accept("d1", "s1")  # the model's "Turkey" GPE, the same suggestion id in both files
    e["turkey"] = "s1"
    if who == "ana":
        e["haftar"] = store.add_entity("d1", 18, 24, "PERSON").created[0]
        e["uae"] = store.add_entity("d1", 35, 55, "GPE").created[0]
    else:
        e["haftar"] = store.add_entity("d1", 18, 24, "ORG").created[0]          # label disagreement
        e["uae"] = store.add_entity("d1", 31, 55, "GPE").created[0]            # boundary difference
        e["ankara"] = store.add_entity("d1", 76, 82, "GPE").created[0]         # extra entity
    e["kalin"] = store.add_entity("d1", 62, 67, "PERSON").created[0]
    e["erdogan"] = store.add_entity("d1", 109, 116, "PERSON").created[0]
    c1 = store.add_claim("d1", 88, 107, claimant=e["kalin"], claim_type="prediction").created[0]
    store.add_claim("d1", 0, 24 if who == "ana" else 25)                         # boundary difference
    store.add_stance("d1", e["kalin"], c1, "FAVOR")
    store.add_stance("d1", e["erdogan"], c1, "FAVOR" if who == "ana" else "AGAINST")  # polarity disagreement
    store.add_stance("d1", e["turkey"], e["kalin"], "NEUTRAL")
    store.add_stance("d1", e["turkey"], e["haftar"], "AGAINST")  # unpaired: Haftar's label differs
    store.add_relation("d1", e["kalin"], e["turkey"], "ROLE_IN")
    store.add_relation("d1", e["erdogan"], e["turkey"], "LEADS" if who == "ana" else "ROLE_IN")
    store.add_relation("d1", e["erdogan"], e["kalin"], "ALLIED_WITH")
    if who == "ben":
        store.add_relation("d1", e["kalin"], e["ankara"], "NEGOTIATES_WITH")    # only ben's
    store.set_document_labels("d1", ["politics"] if who == "ana" else ["politics", "diplomacy"])
    store.set_status("d1", "done")


@pytest.fixture
def team(tmp_path) -> dict:
    """A lead's template copied to ana and ben, who then work on their own copies."""
    template = tmp_path / "template.db"
    with Store.open(str(template), "lead") as lead:
        lead.import_documents([
            AnnotatedDocument(Document("d1", TEXT1, {"title": "Truce"}),
                              Annotations([Span("s1", 0, 6, "GPE", decision="suggested", origin="model:test@1",
                                                score=0.9)])),
            AnnotatedDocument(Document("d2", TEXT2))], as_suggestions=True)
        lead.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    paths = {}
    for who in ("ana", "ben"):
        paths[who] = tmp_path / who / f"{who}.db"
        paths[who].parent.mkdir()
        shutil.copyfile(template, paths[who])
        with Store.open(str(paths[who]), who) as store:
            annotate_d1(store, who)
            # The same third text under a different id in each file: matched by its text.
            store.import_documents([AnnotatedDocument(Document("a3" if who == "ana" else "b3", TEXT3))])
            store.set_status("a3" if who == "ana" else "b3", "done")
            if who == "ana":
                store.add_entity("d2", 0, 6, "GPE")
                store.set_status("d2", "done")  # only ana: d2 is left out of the agreement
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    paths["target"] = tmp_path / "lead" / "merged.db"
    return paths


def test_merge_brings_everything_with_attribution(team):
    before = {who: digest(team[who]) for who in ("ana", "ben")}
    assert run(["merge", str(team["ana"]), str(team["ben"]), "--into", str(team["target"]),
                "--user", "lead"]) == 0
    target = team["target"]

    # Sources are byte-for-byte unchanged.
    assert {who: digest(team[who]) for who in ("ana", "ben")} == before

    # Documents are not duplicated: b3 has a3's text and lands on a3.
    assert [r["id"] for r in rows(target, "SELECT id FROM documents ORDER BY rowid")] == ["d1", "d2", "a3"]

    source_ids = {}
    for who in ("ana", "ben"):
        with Store.open(str(team[who]), who, create=False) as src:
            last = src.conn.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()[0]
        source_ids[who] = last
        prefix = last[:ID_DIGITS] + "."
        doc_map = {"d1": "d1", "d2": "d2", "a3": "a3", "b3": "a3"}
        src_spans = rows(team[who], "SELECT * FROM spans")
        assert src_spans
        for span in src_spans:
            merged = rows(target, "SELECT * FROM spans WHERE doc_id = ? AND id = ?",
                          [doc_map[span["doc_id"]], prefix + span["id"]])
            assert len(merged) == 1, span
            m = merged[0]
            for column in ("start", "end", "label", "layer", "origin", "decision", "annotator", "score",
                           "claim_type", "created_at", "updated_at"):
                assert m[column] == span[column], column
            assert m["claimant"] == (None if span["claimant"] is None else prefix + span["claimant"])
        # References remapped consistently: they resolve to the spans at the same offsets.
        for table, columns in (("stances", ("holder", "target", "evidence")), ("relations", ("head", "tail"))):
            src_rows = rows(team[who], f"SELECT * FROM {table}")
            assert src_rows
            for row in src_rows:
                m = rows(target, f"SELECT * FROM {table} WHERE doc_id = ? AND id = ?",
                         [row["doc_id"], prefix + row["id"]])[0]
                assert m["annotator"] == who and m["origin"] == who
                for column in columns:
                    if row[column] is None:
                        assert m[column] is None
                        continue
                    assert m[column] == prefix + row[column]
                    original = rows(team[who], "SELECT start, \"end\", label FROM spans WHERE doc_id = ? AND id = ?",
                                    [row["doc_id"], row[column]])
                    remapped = rows(target, "SELECT start, \"end\", label FROM spans WHERE doc_id = ? AND id = ?",
                                    [row["doc_id"], m[column]])
                    assert original == remapped
    assert source_ids["ana"] != source_ids["ben"]  # copies of one template are told apart

    # The same model suggestion, accepted in both files, is two rows with two annotators and one origin.
    accepted = rows(target, "SELECT annotator, origin FROM spans WHERE id LIKE '%.s1' ORDER BY annotator")
    assert accepted == [{"annotator": "ana", "origin": "model:test@1"}, {"annotator": "ben", "origin": "model:test@1"}]
    # Per-annotator status and labels come along (b3's status lands on a3).
    assert rows(target, "SELECT doc_id, annotator, status FROM doc_status ORDER BY doc_id, annotator") == [
        {"doc_id": "a3", "annotator": "ana", "status": "done"}, {"doc_id": "a3", "annotator": "ben", "status": "done"},
        {"doc_id": "d1", "annotator": "ana", "status": "done"}, {"doc_id": "d1", "annotator": "ben", "status": "done"},
        {"doc_id": "d2", "annotator": "ana", "status": "done"}]
    assert rows(target, "SELECT label, annotator FROM doc_labels WHERE doc_id = 'd1' ORDER BY annotator, label") == [
        {"label": "politics", "annotator": "ana"}, {"label": "diplomacy", "annotator": "ben"},
        {"label": "politics", "annotator": "ben"}]

    # The merge is in the target's audit log, one event per document, naming the source and its last event.
    merges = rows(target, "SELECT actor, doc_id, changes FROM audit WHERE action = 'merge' ORDER BY seq")
    # (ben brings nothing to d2: no event for it.)
    assert [(m["actor"], m["doc_id"]) for m in merges] == [("lead", "d1"), ("lead", "d2"), ("lead", "a3"),
                                                            ("lead", "d1"), ("lead", "a3")]
    detail = json.loads(merges[3]["changes"])["detail"]
    assert detail["source"] == str(team["ben"]) and detail["source_last_hash"] == source_ids["ben"]
    assert detail["source_id"] == source_ids["ben"] and detail["source_doc"] == "d1"
    assert json.loads(merges[4]["changes"])["detail"]["source_doc"] == "b3"

    # The target verifies (the replay of rows included), and so do the sources' copied histories.
    assert run(["audit", "--db", str(target), "--verify"]) == 0
    conn = sqlite3.connect(target)
    result = verify_merged_chains(conn)
    source_events = sum(len(rows(team[w], "SELECT seq FROM audit")) for w in ("ana", "ben"))
    assert result.ok, result.problems
    assert result.events == source_events
    conn.close()

    # Merging again adds nothing, not even an event.
    snapshot = dump(target)
    again = merge_databases([team["ana"], team["ben"]], target, "lead")
    assert again.changed == 0 and all(s.events_copied == 0 for s in again.sources)
    assert dump(target) == snapshot


def test_merge_again_brings_only_what_changed(team):
    target = team["target"]
    merge_databases([team["ana"]], target, "lead")
    moved = team["ana"].parent / "ana-renamed.db"
    team["ana"].rename(moved)  # the identity does not depend on the file's name
    with Store.open(str(moved), "ana") as ana:
        new_id = ana.add_entity("d2", 11, 18, "GPE").created[0]
        haftar = ana.conn.execute("SELECT id FROM spans WHERE start = 18 AND layer = 'entity'").fetchone()[0]
        ana.relabel("d1", haftar, "ORG")
    result = merge_databases([moved, team["ben"]], target, "lead")
    ana_result, ben_result = result.sources
    assert (ana_result.inserted, ana_result.updated) == (1, 1)  # the new entity and the relabelled one only
    assert ana_result.events_copied == 2
    assert rows(target, "SELECT label, annotator FROM spans WHERE id LIKE ?", [f"%.{haftar}"]) == [
        {"label": "ORG", "annotator": "ana"}]
    assert ben_result.inserted > 0
    assert len(rows(target, "SELECT id FROM spans WHERE id LIKE ?", [f"%.{new_id}"])) == 1
    assert run(["audit", "--db", str(target), "--verify"]) == 0
    conn = sqlite3.connect(target)
    assert verify_merged_chains(conn).ok
    conn.close()


def test_a_reviewers_later_edit_in_the_target_is_kept(team):
    target = team["target"]
    merge_databases([team["ana"]], target, "lead")
    span_id = rows(target, "SELECT id FROM spans WHERE label = 'PERSON' AND start = 18")[0]["id"]
    with Store.open(str(target), "lead") as lead:
        lead.relabel("d1", span_id, "ORG")
    result = merge_databases([team["ana"]], target, "lead")
    assert result.changed == 0
    assert rows(target, "SELECT label FROM spans WHERE id = ?", [span_id]) == [{"label": "ORG"}]


def test_a_tampered_copied_history_is_found(team):
    target = team["target"]
    merge_databases([team["ana"], team["ben"]], target, "lead")
    conn = sqlite3.connect(target)
    conn.execute("UPDATE merged_audit SET actor = 'mallory' WHERE seq = 3 AND source = (SELECT min(source) FROM merged_audit)")
    conn.commit()
    result = verify_merged_chains(conn)
    conn.close()
    assert not result.ok and "event #3" in result.problems[0] and "altered" in result.problems[0]
    assert run(["audit", "--db", str(target), "--verify"]) == 1


def test_same_id_different_text_refuses_the_whole_merge(team, tmp_path, capsys):
    carl = tmp_path / "carl.db"
    with Store.open(str(carl), "carl") as store:
        store.import_documents([AnnotatedDocument(Document("d2", "A different text under the same id."))])
        store.add_entity("d2", 2, 11, "ORG")
    target = team["target"]

    # A new target: refused, and no file is left behind.
    assert run(["merge", str(team["ana"]), str(carl), "--into", str(target)]) == 1
    err = capsys.readouterr().err
    assert "'d2'" in err and str(carl) in err and str(team["ana"]) in err and "nothing was written" in err
    assert not target.exists()

    # An existing target: refused, the target unchanged.
    merge_databases([team["ana"]], target, "lead")
    snapshot, carl_bytes = dump(target), digest(carl)
    assert run(["merge", str(team["ben"]), str(carl), "--into", str(target)]) == 1
    err = capsys.readouterr().err
    assert "'d2'" in err and str(carl) in err and str(target) in err
    assert dump(target) == snapshot
    assert digest(carl) == carl_bytes


def test_a_source_that_does_not_verify_is_refused(team, capsys):
    conn = sqlite3.connect(team["ben"])
    conn.execute("UPDATE spans SET label = 'LOC' WHERE id = 's1'")
    conn.commit()
    conn.close()
    assert run(["merge", str(team["ana"]), str(team["ben"]), "--into", str(team["target"])]) == 1
    assert "does not verify" in capsys.readouterr().err
    assert not team["target"].exists()


def test_agreement_on_the_merge(team, capsys):
    """The figures, computed by hand for d1 (the only annotated document both marked done; the
    third text, a3/b3, is done by both with no annotations; d2 only by ana, so it is left out).

    Entities. ana: Turkey GPE, Haftar PERSON, United Arab Emirates GPE [35,55), Kalın PERSON,
    Erdoğan PERSON (5). ben: Turkey GPE, Haftar ORG, the United Arab Emirates GPE [31,55),
    Ankara GPE, Kalın PERSON, Erdoğan PERSON (6).
      exact: Turkey, Kalın, Erdoğan = 3 matched; F1 = 2*3/(5+6) = 6/11; P = 3/6, R = 3/5.
        GPE 2 vs 3, 1 matched: F1 2/5. PERSON 3 vs 2, 2 matched: F1 4/5. ORG 0 vs 1: F1 0.
      overlap: + the Emirates pair (same label, 20 characters in common) = 4; F1 = 8/11.
        GPE 2 matched: F1 4/5 (Ankara unmatched); PERSON and ORG as exact (Haftar's labels differ).
    Claims. "a truce is possible" in both; "Turkey is against Haftar" [0,24) vs [0,25).
      exact 1 of 2+2: F1 1/2; overlap 2: F1 1.
    Stance polarity. Paired by holder and target spans: Kalın->claim (FAVOR, FAVOR),
      Erdoğan->claim (FAVOR, AGAINST), Turkey->Kalın (NEUTRAL, NEUTRAL); Turkey->Haftar is unpaired
      on both sides (Haftar PERSON vs ORG): only_a 1, only_b 1.
      observed p_o = 2/3.
      Cohen: ana's marginals F 2, N 1; ben's F 1, A 1, N 1; p_e = (2*1 + 1*1)/9 = 1/3;
        kappa = (2/3 - 1/3)/(1 - 1/3) = 1/2.
      Krippendorff (nominal): values F 3, A 1, N 2, n = 6; disagreeing coincidences o_FA + o_AF = 2;
        D_o = 2/6 = 1/3; D_e = 2*(3*1 + 3*2 + 1*2)/(6*5) = 11/15; alpha = 1 - (1/3)/(11/15) = 6/11.
      Gwet AC1 with the schema's q = 3 polarities: pi_F = (1 + 1/2 + 0)/3 = 1/2, pi_A = 1/6,
        pi_N = 1/3; sum pi(1-pi) = 1/4 + 5/36 + 2/9 = 11/18; p_e = (11/18)/(3-1) = 11/36;
        AC1 = (2/3 - 11/36)/(1 - 11/36) = (13/36)/(25/36) = 13/25.
    Relation label. Paired by head and tail spans: Kalın->Turkey (ROLE_IN, ROLE_IN),
      Erdoğan->Turkey (LEADS, ROLE_IN), Erdoğan->Kalın (ALLIED_WITH, ALLIED_WITH); ben's
      Kalın->Ankara is his only: only_b 1. p_o = 2/3.
      Cohen: ana R 1, L 1, A 1; ben R 2, A 1; p_e = (1*2 + 1*1)/9 = 1/3; kappa = 1/2.
      Krippendorff: values R 3, L 1, A 2: the same structure as the stances: 6/11.
      Gwet AC1 with the schema's q = 9 relation labels: sum pi(1-pi) = 11/18 as above;
        p_e = (11/18)/8 = 11/144; AC1 = (2/3 - 11/144)/(1 - 11/144) = 85/133.
    """
    assert run(["merge", str(team["ana"]), str(team["ben"]), "--into", str(team["target"])]) == 0
    capsys.readouterr()
    assert run(["agree", "--db", str(team["target"]), "--json"]) == 0
    merged_report = json.loads(capsys.readouterr().out)
    # The two files read side by side, without merging, give the same report.
    assert run(["agree", "--db", str(team["ana"]), "--db", str(team["ben"]), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == merged_report

    assert merged_report["annotators"] == ["ana", "ben"]
    assert merged_report["done"] == {"ana": 3, "ben": 2}
    (pair,) = merged_report["pairs"]
    assert (pair["a"], pair["b"], pair["documents"]) == ("ana", "ben", 2)
    approx = pytest.approx

    exact, overlap = pair["entities"]["exact"], pair["entities"]["overlap"]
    assert exact["overall"] == {"a": 5, "b": 6, "matched": 3, "precision": approx(3 / 6), "recall": approx(3 / 5),
                                "f1": approx(6 / 11)}
    assert {k: (v["a"], v["b"], v["matched"]) for k, v in exact["labels"].items()} == {
        "GPE": (2, 3, 1), "ORG": (0, 1, 0), "PERSON": (3, 2, 2)}
    assert exact["labels"]["GPE"]["f1"] == approx(2 / 5)
    assert exact["labels"]["PERSON"]["f1"] == approx(4 / 5)
    assert exact["labels"]["ORG"]["f1"] == 0
    assert overlap["overall"]["matched"] == 4 and overlap["overall"]["f1"] == approx(8 / 11)
    assert overlap["labels"]["GPE"]["f1"] == approx(4 / 5)

    claims = pair["claims"]
    assert claims["exact"]["overall"]["f1"] == approx(1 / 2)
    assert claims["overlap"]["overall"]["f1"] == approx(1.0)

    stance = pair["stance_polarity"]
    assert (stance["paired"], stance["only_a"], stance["only_b"]) == (3, 1, 1)
    assert stance["observed"] == approx(2 / 3)
    assert stance["cohen_kappa"]["value"] == approx(1 / 2)
    assert stance["cohen_kappa"]["expected"] == approx(1 / 3)
    assert stance["krippendorff_alpha"]["value"] == approx(6 / 11)
    assert stance["gwet_ac1"]["value"] == approx(13 / 25)
    assert stance["gwet_ac1"]["expected"] == approx(11 / 36)
    assert stance["pairs"] == {"FAVOR/AGAINST": 1, "FAVOR/FAVOR": 1, "NEUTRAL/NEUTRAL": 1}

    relation = pair["relation_label"]
    assert (relation["paired"], relation["only_a"], relation["only_b"]) == (3, 0, 1)
    assert relation["observed"] == approx(2 / 3)
    assert relation["cohen_kappa"]["value"] == approx(1 / 2)
    assert relation["krippendorff_alpha"]["value"] == approx(6 / 11)
    assert relation["gwet_ac1"]["value"] == approx(85 / 133)

    # The readable table says the same.
    assert run(["agree", "--db", str(team["target"])]) == 0
    table = capsys.readouterr().out
    assert "ana vs ben: 2 documents both marked done" in table
    assert ("stance polarity: 3 paired, 1 only ana, 1 only ben; observed 0.667  kappa  0.500  alpha  0.545  "
            "AC1  0.520") in table


def test_labels_a_source_adds_extend_the_target_schema(team, tmp_path):
    from dataclasses import replace

    from annotate.schema import EntityLabel, default_schema

    carl = tmp_path / "carl.db"
    schema = default_schema()
    with Store.open(str(carl), "carl", schema=replace(schema, entities=schema.entities + (EntityLabel("WEAPON"),))) as s:
        s.import_documents([AnnotatedDocument(Document("c1", "Drones were seen over Tripoli."))])
        s.add_entity("c1", 0, 6, "WEAPON")
    target = team["target"]
    merge_databases([team["ana"]], target, "lead")
    result = merge_databases([carl], target, "lead")
    assert result.schema_extended
    with Store.open(str(target), "lead") as lead:
        assert lead.schema.entity("WEAPON") is not None
        assert lead.schema.entity("PERSON").hotkey == "p"  # the target's own labels are untouched
    assert run(["audit", "--db", str(target), "--verify"]) == 0


def test_one_source_given_twice_is_refused(team, tmp_path, capsys):
    """The same file twice (as written, through a symlink, another spelling or a hard link) is
    refused before anything is read or written: no target is created."""
    ana = team["ana"]
    link = tmp_path / "ana-link.db"
    link.symlink_to(ana)
    hard = tmp_path / "ana-hard.db"
    hard.hardlink_to(ana)
    spelled = ana.parent / "." / ana.name
    for second in (ana, link, spelled, hard):
        assert run(["merge", str(ana), str(team["ben"]), str(second), "--into", str(team["target"])]) == 1
        err = capsys.readouterr().err
        assert "same database file" in err and str(second) in err and "nothing was written" in err
        assert not team["target"].exists()
    # An existing target is left as it was.
    merge_databases([team["ben"]], team["target"], "lead")
    snapshot = dump(team["target"])
    assert run(["merge", str(link), str(ana), "--into", str(team["target"])]) == 1
    assert "same database file" in capsys.readouterr().err
    assert dump(team["target"]) == snapshot
