"""The model loop: train from gold, load the pipeline back by path, pre-annotate, evaluate."""
from __future__ import annotations

import json

import pytest

from annotate.evaluation import acceptance_rates
from annotate.model import AnnotatedDocument, Document

PEOPLE = ["Anna Berg", "Omar Haddad", "Lena Vogt", "Kemal Aydın"]
PLACES = ["Paris", "Cairo", "Oslo", "İstanbul"]


def _text(i: int) -> tuple[str, list[tuple[str, str]], list[str]]:
    """A short article, its entities (surface, label) and its claims (surface)."""
    p, q = PEOPLE[i % 4], PEOPLE[(i + 1) % 4]
    g, h = PLACES[i % 4], PLACES[(i + 2) % 4]
    sentences = [f"{p} met {q} in {g} on Monday.", f"{q} said that the talks in {h} would fail soon.",
                 f"Officials in {g} praised {p} and {q}.", f"{p} said that the ceasefire in {g} would hold."]
    text = " ".join(sentences)
    entities = [(p, "PERSON"), (q, "PERSON"), (g, "GPE"), (h, "GPE")]
    claims = [f"the talks in {h} would fail soon", f"the ceasefire in {g} would hold"]
    return text, entities, claims


def _make_gold(store, n_docs: int, *, claims: bool = False, done: int | None = None) -> None:
    import re
    store.import_documents([AnnotatedDocument(Document(f"d{i}", _text(i)[0])) for i in range(n_docs)])
    for i in range(n_docs):
        text, entities, claim_texts = _text(i)
        ids = {}
        for surface, label in entities:
            for m in re.finditer(re.escape(surface), text):
                ids.setdefault(surface, store.add_entity(f"d{i}", m.start(), m.end(), label).created[0])
        if claims:
            for claim in claim_texts:
                start = text.index(claim)
                store.add_claim(f"d{i}", start, start + len(claim), claimant=ids[entities[0][0]])
        if done is None or i < done:
            store.set_status(f"d{i}", "done")


def test_training_refuses_too_little_gold(db_path, store, capsys):
    import main
    _make_gold(store, 3, done=1)
    assert main.main(["train", "--db", str(db_path), "--out", str(db_path.parent / "model")]) == 1
    err = capsys.readouterr().err
    assert "not enough gold to train" in err and "1 document(s) marked done" in err
    assert not (db_path.parent / "model").exists()


def test_train_load_by_path_preannotate_and_evaluate_through_the_command_line(db_path, store, tmp_path, capsys):
    import main
    _make_gold(store, 6)
    out = tmp_path / "model"
    assert main.main(["train", "--db", str(db_path), "--out", str(out), "--max-steps", "40", "--seed", "1",
                      "--json"]) == 0
    trained = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert trained["labels"] == ["GPE", "PERSON"] and trained["with_claims"] is False
    assert (out / "meta.json").exists() and (out / "training" / "config.cfg").exists()
    origin = trained["model"]
    assert origin.startswith("model:marginalia@")

    # The same path users take: preannotate --model DIR, on a new document.
    store.import_documents([AnnotatedDocument(Document("new", "Omar Haddad met Lena Vogt in Cairo on Monday."))])
    assert main.main(["preannotate", "--db", str(db_path), "--model", str(out), "--json"]) == 0
    ran = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert ran["model"] == origin
    rows = store.conn.execute("SELECT label, start, \"end\" FROM spans WHERE doc_id = 'new' AND origin = ?",
                              [origin]).fetchall()
    found = {("Omar Haddad met Lena Vogt in Cairo on Monday."[s:e], label) for label, s, e in rows}
    assert ("Cairo", "GPE") in found or ("Omar Haddad", "PERSON") in found

    # Decisions on the trained model's suggestions show up in its acceptance rate.
    new_ids = [r[0] for r in store.conn.execute("SELECT id FROM spans WHERE doc_id = 'new' ORDER BY start")]
    store.accept("new", new_ids[0])
    png = tmp_path / "report.png"
    assert main.main(["evaluate", "--db", str(db_path), "--model", str(out), "--json", "--plot", str(png)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["model"] == origin and report["documents"] == 6
    overall = report["entities"]["ALL"]
    assert overall["support"] == sum(len(_text(i)[1]) + 0 for i in range(6)) + _repeats()
    assert overall["f1"] > 0.5, report["entities"]
    assert report["acceptance"][origin]["ALL"]["accepted"] == 1
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _repeats() -> int:
    """Entities mentioned more than once in a text (each mention is gold)."""
    extra = 0
    for i in range(6):
        text, entities, _ = _text(i)
        extra += sum(text.count(surface) - 1 for surface, _ in entities)
    return extra


def test_claims_train_a_spancat_over_the_claim_cues(store, tmp_path):
    from annotate.preannotate import load_annotator
    from annotate.training import train_pipeline
    from store.decided import gold_documents
    _make_gold(store, 10, claims=True)
    result = train_pipeline(gold_documents(store), tmp_path / "m", max_steps=30, seed=0)
    assert result.with_claims and result.claims == 20
    annotator = load_annotator(str(tmp_path / "m"), store.schema)
    assert "spancat" in annotator.nlp.pipe_names and annotator.claim_keys == ("claims",)
    text, _, claim_texts = _text(3)
    out = annotator.suggestions(annotator.nlp(text), "x")
    claims = [s for s in out.spans if s.layer == "claim"]
    assert claims and all(s.score is not None for s in claims)
    assert {text[s.start:s.end] for s in claims} <= set(claim_texts)


def test_acceptance_rates_count_accepted_corrected_rejected_and_pending(store):
    from annotate.model import Span
    from annotate.preannotate import DocSuggestions
    from store.decided import suggestion_outcomes
    from store.suggestions import write_suggestions
    text = "Turkey and Russia met in Libya while Egypt watched."
    store.import_documents([AnnotatedDocument(Document("d", text))])
    origin = "model:test@1"
    spans = [Span(f"m{k}", text.index(n), text.index(n) + len(n), "GPE", origin=origin, decision="suggested")
             for k, n in enumerate(["Turkey", "Russia", "Libya", "Egypt"])]
    write_suggestions(store, origin, [DocSuggestions("d", text, spans)])
    store.accept("d", "m0")
    store.correct("d", "m1", label="ORG")
    store.reject("d", "m2")
    rates = acceptance_rates(suggestion_outcomes(store))
    gpe = rates[origin]["GPE"]
    assert (gpe["accepted"], gpe["corrected"], gpe["rejected"], gpe["pending"]) == (1, 1, 1, 1)
    assert gpe["acceptance"] == pytest.approx(1 / 3, abs=1e-3)
