"""Round trips on the real files: import -> export in the same format -> import again gives the
same annotations (same text, offsets, labels, decisions and relations). CoNLL keeps no spacing,
so there the entities are compared by their characters (spaces aside) and labels."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import main

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
if not CORPUS.is_dir():
    pytest.skip(f"no corpus at {CORPUS}", allow_module_level=True)

CASES = [
    ("prodigy", "prodigy/bio_events_spans_only.head5.jsonl"),
    ("prodigy", "prodigy/fashion_brands_eval.nonbmp.sample.jsonl"),
    ("prodigy", "prodigy/nel_emerson_choice.head5.jsonl"),
    ("prodigy", "prodigy/news_headlines_ner_manual.sample.jsonl"),
    ("prodigy", "prodigy/reddit_product_ner_teach.sample.jsonl"),
    ("prodigy", "prodigy/rel_component_annotations.head8.jsonl"),
    ("prodigy", "prodigy/restaurant_reviews_review.sample.jsonl"),
    ("prodigy", "spacy/docbin/ner_tweets_demo.source.jsonl"),
    ("spacy", "spacy/docbin/ner_tweets_demo.spacy"),
    ("brat", "brat/dkpro-core/document0c.ann"),
    ("brat", "brat/dkpro-core/document0d.ann"),
    ("brat", "brat/dkpro-core/document1.ann"),
    ("brat", "brat/dkpro-core/event.ann"),
    ("brat", "brat/nlplab-brat/CoNLL-ST_2002/esp.train-doc-29.ann"),
    ("brat", "brat/nlplab-brat/NCBI-disease/PMID-7795652.ann"),
    ("brat", "brat/nlplab-brat/TDT/wn071.ann"),
    ("brat", "brat/nlplab-brat/tutorials-news"),
    ("doccano", "doccano/doccano/export_examples/relation_extraction.jsonl"),
    ("doccano", "doccano/doccano/export_examples/sequence_labeling.jsonl"),
    ("doccano", "doccano/doccano/import_examples/sequence_labeling_column_names.jsonl"),
    ("doccano", "doccano/doccano/import_tests/relation_extraction.jsonl"),
    ("doccano", "doccano/doccano/import_tests/sequence_labeling_overlapping.jsonl"),
    ("doccano", "doccano/doccano-transformer/labeling_text_label.jsonl"),
    ("doccano", "doccano/real-exports/sief_admin.sample.jsonl"),
    ("labelstudio", "label-studio/ls-docs/example_preannotated_ner_tasks.json"),
    ("labelstudio", "label-studio/lsf-examples/named_entity/annotations_1.json"),
    ("labelstudio", "label-studio/lsf-examples/named_entity/tasks.json"),
    ("conll", "conll/spacy-ner-example-data/ner-token-per-line-conll2003.iob"),
    ("conll", "conll/spacy-ner-example-data/ner-sent-per-line.iob"),
    ("conll", "doccano/doccano/import_examples/sequence_labeling_conll.txt"),
    ("conll", "doccano/doccano-transformer/labeling_text_label.conll2003.user0"),
    ("jsonl", "prodigy/rel_component_annotations.head8.jsonl"),
    ("jsonl", "doccano/real-exports/sief_admin.sample.jsonl"),
]


def snapshot(db: Path, words: bool = False) -> Counter:
    from store import Store
    out: Counter = Counter()
    with Store.open(str(db), "tester", create=False) as store:
        for item in store.iter_annotated():
            text = item.document.text
            spans = {s.id: s for s in item.annotations.spans}
            if words:
                out[tuple(("".join(text[s.start:s.end].split()), s.label) for s in
                          sorted(spans.values(), key=lambda s: (s.start, s.end)))] += 1
                continue

            def key(s):
                return (s.layer, s.start, s.end, s.label, s.decision, s.score, tuple(map(tuple, s.attrs.get("fragments", []))))
            out[(text,
                 tuple(sorted(key(s) for s in spans.values())),
                 tuple(sorted((key(spans[r.head]), key(spans[r.tail]), r.label, r.decision)
                              for r in item.annotations.relations)))] += 1
    return out


@pytest.mark.parametrize("fmt,rel", CASES, ids=[f"{f}:{r}" for f, r in CASES])
def test_round_trip(fmt, rel, tmp_path):
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    assert main.main(["import", str(CORPUS / rel), "--db", str(first), "--add-labels"]) == 0
    out = tmp_path / ("out" if fmt == "brat" else f"out{ {'spacy': '.spacy', 'labelstudio': '.json', 'conll': '.conll'}.get(fmt, '.jsonl') }")
    assert main.main(["export", "--db", str(first), "--format", fmt, "--out", str(out)]) == 0
    assert main.main(["import", str(out), "--db", str(second), "--add-labels", "--format", fmt]) == 0
    words = fmt == "conll"
    before = snapshot(first, words)
    assert sum(before.values()) > 0
    assert snapshot(second, words) == before


def test_brat_export_writes_back_foreign_lines(tmp_path):
    db = tmp_path / "x.db"
    source = CORPUS / "brat/nlplab-brat/tutorials-news/000-introduction.ann"
    assert main.main(["import", str(source), "--db", str(db), "--add-labels"]) == 0
    out = tmp_path / "out"
    assert main.main(["export", "--db", str(db), "--format", "brat", "--out", str(out)]) == 0
    original = set(source.read_text(encoding="utf-8").splitlines())
    written = set((out / "000-introduction.ann").read_text(encoding="utf-8").splitlines())
    # E, N and A-on-event lines come back verbatim; T and R lines too (R lines keep their trailing TAB)
    for line in original:
        if line[0] in "TRENA#" and not line.startswith(("A1", "A2", "A3", "A4", "#1")):
            assert line in written, line
    assert "A5\tConfidence E1 High" in written
    assert any(l.endswith("\tIndividual T4") for l in written)
    assert any("\tAnnotatorNotes T2\t100000000 USD" in l for l in written)
