"""spaCy's own commands judge our exports: ``spacy debug data`` on the DocBin export with the
config.cfg written beside it finds no misaligned token (the Docs are tokenized by spaCy's
tokenizer, split only where an entity boundary falls inside one of its tokens), ``spacy train``
runs a few steps on it, ``spacy evaluate`` finds every token where the DocBin has it, and ``spacy convert`` reads our CoNLL export with every entity whole
(one across a line break included).

What the DocBin holds: gold entities (those overlapping another go to ``doc.spans["entities"]``),
claims in ``doc.spans["claims"]``, and ids, relations, stances, claim details and meta in
``doc.user_data``, so our own import gives everything back but undecided suggestions (the export
writes gold), document labels and status.
"""
from __future__ import annotations

import json
import subprocess
import sys

from spacy.tokens import DocBin

from tests.clients import compare

import spacy


def spacy_cli(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "spacy", *args], cwd=cwd, capture_output=True, text=True)


def test_spacy_debug_data_and_train_take_our_docbin(corpus_db, before, tmp_path):
    out = tmp_path / "corpus.spacy"
    compare.marginalia("export", "--db", str(corpus_db), "--format", "spacy", "--out", str(out))
    config = tmp_path / "corpus.config.cfg"
    assert config.exists()
    debug = spacy_cli("debug", "data", str(config), cwd=tmp_path)
    report = debug.stdout + debug.stderr
    assert "Corpus is loadable" in report, report
    assert "misaligned" not in report.lower(), report
    assert "entities consisting of or starting/ending with whitespace" in report and "No entities crossing" in report
    # The one error debug data gives is the corpus's size (3 documents), not the data.
    errors = [line for line in report.splitlines() if "✘" in line]
    assert all("Low number of examples" in line or "1 error" in line for line in errors), errors
    trained = spacy_cli("train", str(config), "--output", str(tmp_path / "model"), "--training.max_steps", "4",
                        "--training.eval_frequency", "2", cwd=tmp_path)
    assert trained.returncode == 0, trained.stdout + trained.stderr
    assert (tmp_path / "model" / "model-last" / "config.cfg").exists()
    # The trained pipeline tokenizes the text as the DocBin does: token accuracy 100 (it was 99.37).
    scores = tmp_path / "scores.json"
    evaluated = spacy_cli("evaluate", str(tmp_path / "model" / "model-last"), str(out), "--output", str(scores),
                          cwd=tmp_path)
    assert evaluated.returncode == 0, evaluated.stdout + evaluated.stderr
    assert json.loads(scores.read_text())["token_acc"] == 1.0

    back = tmp_path / "from-spacy.db"
    compare.marginalia("import", str(out), "--db", str(back), "--format", "spacy")
    after = compare.content(back)
    compare.report("spaCy DocBin", before, after)
    assert compare.by_offsets(after) == compare.by_offsets(compare.without(compare.gold_only(before), "labels",
                                                                           "status"))


def test_spacy_convert_reads_our_conll_with_every_entity_whole(corpus_db, before, tmp_path):
    out = tmp_path / "corpus.conll"
    compare.marginalia("export", "--db", str(corpus_db), "--format", "conll", "--out", str(out))
    converted = spacy_cli("convert", str(out), str(tmp_path), "--converter", "ner", cwd=tmp_path)
    assert converted.returncode == 0, converted.stdout + converted.stderr
    docs = list(DocBin().from_disk(tmp_path / "corpus.spacy").get_docs(spacy.blank("en").vocab))
    found = sorted((ent.label_, ent.text) for doc in docs for ent in doc.ents)
    # CoNLL holds one entity per token (no overlaps): the overlapping ones are left out, as the export says.
    assert ("ORG", "United Nations") in found  # across the CRLF, one entity
    # The corpus's 24 gold entities but New York (inside New York City) and Hà Nội (inside Officials in Hà Nội).
    assert len(found) == 22, found
