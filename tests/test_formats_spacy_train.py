"""`export --format spacy` writes training data that spaCy itself accepts: `spacy debug data`
finds no errors and `spacy train` runs (blank English, ner) for a couple of steps."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

import main

SENTENCES = [
    ("Angela Merkel met Emmanuel Macron in Paris on Monday.", [("Angela Merkel", "PERSON"), ("Emmanuel Macron", "PERSON"),
                                                                ("Paris", "GPE"), ("Monday", "DATE")]),
    ("The UN said Haftar's forces withdrew from Tripoli 🇱🇾.", [("UN", "ORG"), ("Haftar", "PERSON"), ("Tripoli", "GPE")]),
    ("Cafe\u0301 owners in Berlin protested on Friday.\r\nPolice watched.", [("Berlin", "GPE"), ("Friday", "DATE")]),
    ("Google hired Sebastian Thrun in 2007.", [("Google", "ORG"), ("Sebastian Thrun", "PERSON"), ("2007", "DATE")]),
    ("Turkey and Russia signed a deal in Moscow.", [("Turkey", "GPE"), ("Russia", "GPE"), ("Moscow", "GPE")]),
    ("Reuters reported that Pfizer shares rose.", [("Reuters", "ORG"), ("Pfizer", "ORG")]),
]


@pytest.fixture(scope="module")
def training_data(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("spacy")
    lines = []
    for i in range(120):  # spaCy calls fewer than 100 examples for a new pipeline an error
        text, ents = SENTENCES[i % len(SENTENCES)]
        entities = []
        for n, (word, label) in enumerate(ents):
            start = text.index(word)
            entities.append({"id": f"e{n}", "start": start, "end": start + len(word), "label": label})
        lines.append(json.dumps({"id": f"d{i}", "text": text, "entities": entities, "status": "done"},
                                ensure_ascii=False))
    source = tmp / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp / "t.db"
    import os
    os.environ.setdefault("MARGINALIA_ANNOTATOR", "tester")
    assert main.main(["import", str(source), "--db", str(db)]) == 0
    out = tmp / "train.spacy"
    assert main.main(["export", "--db", str(db), "--format", "spacy", "--out", str(out)]) == 0
    from spacy.cli.init_config import init_config
    config = init_config(lang="en", pipeline=["ner"], optimize="efficiency")
    config["training"]["max_steps"] = 2
    config["training"]["eval_frequency"] = 1
    config_path = tmp / "config.cfg"
    config.to_disk(config_path)
    return tmp, out, config_path


def _spacy(*args, cwd):
    return subprocess.run([sys.executable, "-m", "spacy", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_debug_data_reports_no_errors(training_data):
    tmp, data, config = training_data
    result = _spacy("debug", "data", str(config), "--paths.train", str(data), "--paths.dev", str(data), cwd=tmp)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✘" not in result.stdout, result.stdout


def test_spacy_train_runs_on_the_export(training_data):
    tmp, data, config = training_data
    result = _spacy("train", str(config), "--paths.train", str(data), "--paths.dev", str(data),
                    "--output", str(tmp / "model"), cwd=tmp)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp / "model" / "model-last").is_dir()
