"""Pre-annotation: the builtin rules, any spaCy pipeline, the engine and the store's writes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from annotate.errors import InputError
from annotate.evaluation import format_table, scores_to_dict, span_scores
from annotate.model import AnnotatedDocument, Document
from annotate.preannotate import DocSuggestions, available, load_annotator, preannotate
from annotate.schema import default_schema
from annotate.seeds import sample_articles
from tests.conftest import TRAP_TEXT

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = next(p for p in sample_articles() if p.name == "libya-truce-talks.txt")


@pytest.fixture(scope="module")
def builtin():
    return load_annotator("builtin", default_schema())


def run(annotator, text, doc_id="d"):
    return annotator.suggestions(annotator.nlp(text), doc_id)


# ---- the registry ---------------------------------------------------------------------------

def test_builtin_is_a_versioned_name_and_the_alias_takes_the_latest(builtin):
    assert "builtin.v3" in available()
    assert builtin.origin == "model:builtin@3"
    assert load_annotator("builtin.v3", default_schema()).origin == "model:builtin@3"


def test_an_unknown_model_is_refused_with_a_message():
    with pytest.raises(InputError, match="cannot load the spaCy pipeline"):
        load_annotator("no_such_pipeline_xyz", default_schema())


# ---- the builtin rules on the sample, against a hand-made gold --------------------------------

def test_builtin_against_the_hand_annotated_sample(builtin):
    text = SAMPLE.read_text(encoding="utf-8")
    gold = [json.loads(line) for line in (FIXTURES / "libya_gold.jsonl").read_text(encoding="utf-8").splitlines()]
    for g in gold:
        assert text[g["start"]:g["end"]] == g["text"], g
    predicted = [(s.start, s.end, s.label) for s in run(builtin, text).spans if s.layer == "entity"]
    scores = scores_to_dict(span_scores([(g["start"], g["end"], g["label"]) for g in gold], predicted))
    print("\nbuiltin on libya-truce-talks.txt (gold: tests/fixtures/libya_gold.jsonl)\n" + format_table(scores))
    assert scores["ALL"]["recall"] >= 0.8 and scores["ALL"]["precision"] >= 0.8
    for label in ("PERSON", "GPE", "ORG", "NORP", "DATE"):
        assert scores[label]["recall"] >= 0.7 and scores[label]["precision"] >= 0.7, (label, scores[label])


def test_the_gazetteers_hold_no_person():
    from annotate.preannotate.lexicon import load_gazetteers
    labels = {label for label, _ in load_gazetteers()}
    assert labels <= {"GPE", "LOC", "ORG", "NORP"}
    names = {name for _, name in load_gazetteers()}
    assert not names & {"Kalın", "Haftar", "Çavuşoğlu", "Lavrov", "Sirte", "al-Jufra", "GNA", "LNA"}


def test_people_are_found_from_titles_appositions_and_earlier_mentions(builtin):
    text = ("German Foreign Minister Annalena Baerbock met her counterpart Wang Yi in Berlin on Tuesday. "
            "Baerbock told reporters that the talks were difficult. Ursula von der Leyen, the commission "
            "president, said the European Commission would pay €5.2 billion, 12% more than last year.")
    found = {(text[s.start:s.end], s.label) for s in run(builtin, text).spans if s.layer == "entity"}
    assert {("German", "NORP"), ("Annalena Baerbock", "PERSON"), ("Wang Yi", "PERSON"), ("Berlin", "GPE"),
            ("Tuesday", "DATE"), ("Baerbock", "PERSON"), ("Ursula von der Leyen", "PERSON"),
            ("European Commission", "ORG"), ("€5.2 billion", "MONEY"), ("12%", "PERCENT"),
            ("last year", "DATE")} <= found


def test_claims_come_from_quotes_and_reporting_verbs_with_their_speaker(builtin):
    text = ('Turkish presidential spokesman İbrahim Kalın said the truce was fragile. '
            '"We will be there as long as we are requested," Kalın said. '
            '“This kind of a putschist should have no role,” he said.')
    result = run(builtin, text)
    by_id = {s.id: s for s in result.spans}
    claims = {text[s.start:s.end]: s for s in result.spans if s.layer == "claim"}
    assert set(claims) == {"the truce was fragile", "We will be there as long as we are requested",
                           "This kind of a putschist should have no role"}
    for claim in claims.values():
        claimant = by_id[claim.claimant]
        assert claimant.layer == "entity" and text[claimant.start:claimant.end] in ("İbrahim Kalın", "Kalın")
        assert claim.origin == "model:builtin@3" and claim.decision == "suggested" and claim.score is not None


def test_a_no_break_space_inside_a_name_is_read_as_a_space(builtin):
    """Typeset news keeps "José García" on one line with U+00A0 (or U+202F): spaCy's tokenizer made
    it a token of its own, so the name was two people and "New York" escaped the gazetteer."""
    text = "President José\u00a0García met Angela\u202fMerkel in New\u00a0York on Monday."
    result = run(builtin, text)
    entities = {(text[s.start:s.end], s.label) for s in result.spans if s.layer == "entity"}
    assert {("José\u00a0García", "PERSON"), ("Angela\u202fMerkel", "PERSON"), ("New\u00a0York", "GPE")} <= entities
    assert ("José", "PERSON") not in entities and ("García", "PERSON") not in entities


def test_offsets_are_exact_code_points_with_dotted_i_emoji_and_crlf(builtin):
    result = run(builtin, TRAP_TEXT)
    spans = {(TRAP_TEXT[s.start:s.end], s.label) for s in result.spans}
    start = TRAP_TEXT.index("İstanbul")
    assert any(s.start == start and s.end == start + len("İstanbul") and s.label == "GPE" for s in result.spans)
    assert ("İstanbul", "GPE") in spans and ("UAE", "GPE") in spans
    assert ("the talks will fail", "CLAIM") in spans
    for s in result.spans:  # every span starts and ends on a character of its own text
        assert 0 <= s.start < s.end <= len(TRAP_TEXT)
        assert TRAP_TEXT[s.start:s.end] == TRAP_TEXT[s.start:s.end].strip()


# ---- any spaCy pipeline --------------------------------------------------------------------

def _custom_pipeline(tmp_path: Path) -> Path:
    from spacy.language import Language
    from spacy.tokens import SpanGroup

    @Language.component("test_claims_group")
    def claims_group(doc):
        spans = [doc[0:4]] if len(doc) >= 4 else []
        doc.spans["claims"] = SpanGroup(doc, name="claims", spans=spans, attrs={"scores": [0.75] * len(spans)})
        return doc

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PER", "pattern": "Ana"}, {"label": "WEIRD", "pattern": "zorp"},
                        {"label": "GPE", "pattern": "İstanbul"}])
    nlp.add_pipe("test_claims_group")
    nlp.meta["name"] = "custom"
    nlp.meta["version"] = "2.5.0"
    path = tmp_path / "custom-pipeline"
    nlp.to_disk(path)
    return path


def test_a_pipeline_by_path_maps_labels_reports_unmapped_and_reads_span_groups(tmp_path):
    annotator = load_annotator(str(_custom_pipeline(tmp_path)), default_schema())
    assert annotator.origin == "model:custom@2.5.0"
    text = "Ana saw zorp in İstanbul and zorp again."
    result = run(annotator, text)
    entities = [(text[s.start:s.end], s.label, s.score) for s in result.spans if s.layer == "entity"]
    assert entities == [("Ana", "PERSON", None), ("İstanbul", "GPE", None)]
    assert result.unmapped == {"WEIRD": 2}
    claims = [s for s in result.spans if s.layer == "claim"]
    assert [(text[c.start:c.end], c.score) for c in claims] == [("Ana saw zorp in", 0.75)]


def test_the_engine_streams_batches_with_progress_and_stops_when_cancelled(builtin):
    docs = [(f"Turkey and Russia met in Libya, document {i}.", f"d{i}") for i in range(10)]
    batches = list(preannotate(builtin, docs, batch_size=4))
    assert [len(b.items) for b in batches] == [4, 4, 2]
    assert [b.progress.done for b in batches] == [4, 8, 10] and batches[-1].progress.total == 10
    assert [i.doc_id for b in batches for i in b.items] == [d for _, d in docs]
    seen = []
    for b in preannotate(builtin, iter(docs), batch_size=3, cancelled=lambda: len(seen) >= 1, total=len(docs)):
        seen.append(b)
    assert sum(len(b.items) for b in seen) == 3 and seen[-1].progress.done == 3


def test_the_engine_converts_with_the_texts_it_fed_the_same_as_from_doc_text(builtin):
    texts = [SAMPLE.read_text(encoding="utf-8"), TRAP_TEXT, "  leading spaces, Ankara.  \n\n", "x", "\n"]
    docs = [(text, f"d{k}") for k, text in enumerate(texts)]
    fed = [item for batch in preannotate(builtin, docs, batch_size=2) for item in batch.items]
    from_doc = [builtin.suggestions(builtin.nlp(text), doc_id) for text, doc_id in docs]
    assert [item.text for item in fed] == texts
    assert [(i.doc_id, i.spans, i.clusters, i.stances, i.relations) for i in fed] == [
        (i.doc_id, i.spans, i.clusters, i.stances, i.relations) for i in from_doc]
    assert any(item.relations or item.stances for item in fed) and any(item.spans for item in fed)
    # A text the Doc was not made from (another length) is not taken for the Doc's.
    doc = builtin.nlp("Turkey and Russia met.")
    assert builtin.suggestions(doc, "d", "Turkey and Russia met. And more.").text == "Turkey and Russia met."


def test_the_engine_accepts_a_bare_language():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": "Libya"}])
    [batch] = list(preannotate(nlp, [("Libya today.", "x")], batch_size=8))
    assert [(s.label, s.start, s.end) for s in batch.items[0].spans] == [("GPE", 0, 5)]


# ---- writing suggestions ----------------------------------------------------------------------

def _snapshot(store):
    return sorted(map(tuple, store.conn.execute(
        "SELECT doc_id, id, layer, start, \"end\", label, origin, decision, annotator, score, claimant, "
        "claimant_text, replaces FROM spans").fetchall()), key=repr)


@pytest.fixture
def sample_doc(store):
    text = SAMPLE.read_text(encoding="utf-8")
    store.import_documents([AnnotatedDocument(Document("libya", text))])
    return "libya"


def test_rerunning_is_idempotent_and_audited_per_document(store, sample_doc, builtin):
    from store.suggestions import run_preannotation
    first = run_preannotation(store, builtin)
    assert first.stats.added > 100
    state, events = _snapshot(store), store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    second = run_preannotation(store, builtin)
    assert second.stats.added == second.stats.removed == second.stats.updated == 0
    assert _snapshot(store) == state
    assert store.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == events
    [event] = [e for e in store.events(sample_doc) if e.action == "preannotate"]
    assert event.actor == "model:builtin@3" and event.detail["added"] == first.stats.added
    assert store.undo_status().can_undo is False
    assert store.verify().ok


def test_rerunning_never_overrides_nor_resurrects_a_human_decision(store, sample_doc, builtin):
    from store.suggestions import run_preannotation
    run_preannotation(store, builtin)
    rows = {(r[0], r[1], r[2]): r[3] for r in store.conn.execute(
        "SELECT start, \"end\", label, id FROM spans WHERE layer = 'entity'")}
    text = store.document(sample_doc).text
    ids = list(rows.values())
    accepted, rejected, corrected, deleted = ids[0], ids[1], ids[2], ids[3]
    store.accept(sample_doc, accepted)
    store.reject(sample_doc, rejected)
    store.correct(sample_doc, corrected, label="ORG")
    gone = next(k for k, v in rows.items() if v == deleted)
    store.delete(sample_doc, deleted)
    store.add_entity(sample_doc, gone[0], gone[1], gone[2])  # a person makes the same span by hand
    human_before = store.conn.execute("SELECT * FROM spans WHERE decision != 'suggested' ORDER BY id").fetchall()
    count_before = store.conn.execute("SELECT count(*) FROM spans").fetchone()[0]

    # The document by name: a whole-corpus run would skip it, as pre-annotated by this model already.
    result = run_preannotation(store, builtin, doc_ids=[sample_doc])

    assert store.conn.execute("SELECT * FROM spans WHERE decision != 'suggested' ORDER BY id").fetchall() == human_before
    assert store.conn.execute("SELECT count(*) FROM spans").fetchone()[0] == count_before
    assert result.stats.added == 0 and result.stats.skipped_rejected >= 2 and result.stats.skipped_existing >= 2
    for start, end, label in {k for k in rows if rows[k] in (rejected, corrected, deleted, accepted)}:
        same = store.conn.execute("SELECT decision FROM spans WHERE start = ? AND \"end\" = ? AND label = ? "
                                  "AND layer = 'entity'", [start, end, label]).fetchall()
        assert len(same) == 1 and same[0][0] != "suggested", (text[start:end], same)
    assert store.verify().ok


def test_a_new_run_replaces_only_its_own_unreferenced_pending_suggestions(store, builtin):
    from annotate.model import Span
    from store.suggestions import write_suggestions
    text = "Ankara says Turkey and Russia met in Libya while Egypt watched."
    store.import_documents([AnnotatedDocument(Document("d", text))])
    origin = builtin.origin

    def suggest(*names):
        spans = [Span(f"m-{n}", text.index(n), text.index(n) + len(n), "GPE", origin=origin, decision="suggested")
                 for n in names]
        return [DocSuggestions("d", text, spans)]

    write_suggestions(store, origin, suggest("Turkey", "Russia", "Libya"))
    write_suggestions(store, "model:other@1", [DocSuggestions("d", text, [
        Span("o-egypt", text.index("Egypt"), text.index("Egypt") + 5, "GPE", origin="model:other@1",
             decision="suggested")])])
    # (A person's entity over a suggestion's exact text would decide it: "Ankara" has none.)
    keeper = store.add_entity("d", 0, 6, "GPE").created[0]
    store.add_stance("d", keeper, "m-Russia", "AGAINST")  # something now refers to Russia's suggestion
    stats = write_suggestions(store, origin, suggest("Libya"))
    ids = {r[0] for r in store.conn.execute("SELECT id FROM spans")}
    assert "m-Libya" in ids and "m-Russia" in ids and "o-egypt" in ids
    assert "m-Turkey" not in ids and stats.removed == 1
    assert store.verify().ok


def test_an_interrupted_run_keeps_every_finished_batch(store, builtin):
    from store.suggestions import run_preannotation
    store.import_documents([AnnotatedDocument(Document(f"d{i}", f"Turkey met Russia in Libya ({i}).")) for i in range(9)])

    def stop_after_first(done, total, result):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_preannotation(store, builtin, batch_size=4, on_progress=stop_after_first)
    docs = {r[0] for r in store.conn.execute("SELECT DISTINCT doc_id FROM spans")}
    assert docs == {"d0", "d1", "d2", "d3"}
    assert store.verify().ok


def test_the_first_run_seeds_the_sample_with_suggestions(store):
    from store.seeding import seed_if_empty
    assert seed_if_empty(store) == len(sample_articles())
    origins = {r[0] for r in store.conn.execute("SELECT DISTINCT origin FROM spans")}
    assert origins == {"model:builtin@3"}
    assert seed_if_empty(store) == 0


def test_the_command_line_preannotates_and_reports(db_path, capsys):
    import main
    assert main.main(["import", str(SAMPLE), "--db", str(db_path)]) == 0
    assert main.main(["preannotate", "--db", str(db_path), "--model", "builtin", "--batch-size", "8", "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["model"] == "model:builtin@3" and out["added"] > 100 and out["unmapped"] == {}
    assert main.main(["preannotate", "--db", str(db_path)]) == 0
    assert "0 suggestions added" in capsys.readouterr().out
    assert main.main(["preannotate", "--db", str(db_path), "--model", str(db_path.parent / "missing")]) == 1
    assert "cannot load the spaCy pipeline" in capsys.readouterr().err


# ---- news the rules were not written on ---------------------------------------------------------

def test_builtin_on_held_out_news(builtin):
    """tests/fixtures/heldout_news.txt was annotated before the organisation rules were written,
    and not read while writing them (see bench/run_heldout.py); before them: ORG F1 0.615, all 0.742."""
    import sys
    sys.path.insert(0, str(FIXTURES.parent.parent / "bench"))
    from run_heldout import score
    scores = score(builtin, FIXTURES / "heldout_news.txt")
    print("\nbuiltin on heldout_news.txt\n" + format_table(scores))
    assert scores["ORG"]["f1"] >= 0.8 and scores["ALL"]["f1"] >= 0.85
    assert all(scores[label]["f1"] >= 0.6 for label in scores if scores[label]["support"] >= 3)


def test_organisations_from_general_patterns(builtin):
    text = ("Retail group Brightwell said sales fell. Economists at Corvan Bank and Pelt Securities agreed. "
            "Police used tear gas outside Tarn Mining Corporation, and Tarn later raised wages. "
            "The march reached the Old Quay Bridge.")
    found = {(text[s.start:s.end], s.label) for s in run(builtin, text).spans if s.layer == "entity"}
    assert {("Brightwell", "ORG"), ("Corvan Bank", "ORG"), ("Pelt Securities", "ORG"),
            ("Tarn Mining Corporation", "ORG"), ("Tarn", "ORG"), ("Old Quay Bridge", "FAC")} <= found
    assert not any(surface == "Police" for surface, _ in found)
    sport = "Harlow Rovers beat Dunmore City 2-1 in the league on Sunday, their coach said after the match."
    found = {(sport[s.start:s.end], s.label) for s in run(builtin, sport).spans if s.layer == "entity"}
    assert {("Harlow Rovers", "ORG"), ("Dunmore City", "ORG")} <= found
    # Outside sport, "City" in a name is no cue for an organisation.
    plain = "Mayor Ana Ruiz visited Quezon City on Monday."
    assert ("Quezon City", "ORG") not in {(plain[s.start:s.end], s.label) for s in run(builtin, plain).spans}


def test_several_files_of_suggestions_keep_each_files_name_as_their_origin(tmp_path, capsys):
    """One file imported as suggestions is proposed by 'import:FILE'; several in one command were
    all 'import', so whose output each suggestion was could no longer be told."""
    import main
    from store import Store
    db = tmp_path / "two.db"
    for name, doc_id in (("model_a.jsonl", "a1"), ("model_b.jsonl", "b1")):
        (tmp_path / name).write_text(json.dumps(
            {"id": doc_id, "text": "Kalın met Haftar in Rome.", "label": [[0, 5, "PERSON"]]}) + "\n", encoding="utf-8")
    assert main.main(["import", str(tmp_path / "model_a.jsonl"), str(tmp_path / "model_b.jsonl"),
                      "--db", str(db), "--as", "suggestions", "--format", "doccano", "--user", "ana"]) == 0
    store = Store.open(str(db), "ana", create=False)
    try:
        origins = dict(store.conn.execute("SELECT doc_id, origin FROM spans WHERE decision = 'suggested'"))
    finally:
        store.close()
    assert origins == {"a1": "import:model_a.jsonl", "b1": "import:model_b.jsonl"}
