"""Every file of ../shared/corpus either imports (every offset checked against its text) or is
refused with a message that names the file, the line (or task) and the reason.

The corpus is read in place, never copied or changed. The table below is the decision for each
file; a file added to the corpus without a decision here fails the test on purpose.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import main

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
if not CORPUS.is_dir():
    pytest.skip(f"no corpus at {CORPUS}", allow_module_level=True)

UNSUPPORTED = ("unsupported format",)
# relative path -> ("imported", documents, spans, relations) or ("refused", line-or-None, [message parts])
EXPECTED: dict[str, tuple] = {
    "README.md": ("refused", None, UNSUPPORTED),
    "brat/SOURCES.md": ("refused", None, UNSUPPORTED),
    "brat/dkpro-core/document0c.ann": ("imported", 1, 4, 0),
    "brat/dkpro-core/document0c.txt": ("imported", 1, 4, 0),
    "brat/dkpro-core/document0d.ann": ("imported", 1, 4, 0),
    "brat/dkpro-core/document0d.txt": ("imported", 1, 4, 0),
    "brat/dkpro-core/document1.ann": ("imported", 1, 4, 1),
    "brat/dkpro-core/document1.txt": ("imported", 1, 4, 1),
    "brat/dkpro-core/event.ann": ("imported", 1, 2, 0),
    "brat/dkpro-core/event.txt": ("imported", 1, 2, 0),
    # Deliberately invalid brat: an attribute name with spaces (line 7), an entity type with
    # spaces (line 26) and a duplicate #1 (line 27); all three are named, the first leads.
    "brat/edsnlp/doc-1.ann": ("refused", 7, ("A9", "attribute name cannot contain spaces", "line 26", "T12",
                                             "entity type cannot contain spaces", "line 27", "#1 is used twice")),
    "brat/edsnlp/doc-1.txt": ("refused", 7, ("doc-1.ann", "A9", "line 27")),
    "brat/edsnlp/doc-2.txt": ("imported", 1, 0, 0),  # a .txt without .ann: a document without annotations
    "brat/edsnlp/doc-3.txt": ("imported", 1, 0, 0),
    "brat/nlplab-brat/CoNLL-ST_2002/README": ("refused", None, UNSUPPORTED),
    "brat/nlplab-brat/CoNLL-ST_2002/annotation.conf": ("refused", None, UNSUPPORTED),
    "brat/nlplab-brat/CoNLL-ST_2002/esp.train-doc-29.ann": ("imported", 1, 13, 0),
    "brat/nlplab-brat/CoNLL-ST_2002/esp.train-doc-29.txt": ("imported", 1, 13, 0),
    "brat/nlplab-brat/NCBI-disease/PMID-7795652.ann": ("imported", 1, 9, 0),
    "brat/nlplab-brat/NCBI-disease/PMID-7795652.txt": ("imported", 1, 9, 0),
    "brat/nlplab-brat/NCBI-disease/README": ("refused", None, UNSUPPORTED),
    "brat/nlplab-brat/NCBI-disease/annotation.conf": ("refused", None, UNSUPPORTED),
    "brat/nlplab-brat/TDT/README": ("refused", None, UNSUPPORTED),
    "brat/nlplab-brat/TDT/annotation.conf": ("refused", None, UNSUPPORTED),
    "brat/nlplab-brat/TDT/wn071.ann": ("imported", 1, 74, 72),
    "brat/nlplab-brat/TDT/wn071.txt": ("imported", 1, 74, 72),
    "brat/nlplab-brat/tutorials-news/000-introduction.ann": ("imported", 1, 7, 2),
    "brat/nlplab-brat/tutorials-news/000-introduction.txt": ("imported", 1, 7, 2),
    "brat/nlplab-brat/tutorials-news/060-relation_annotation.ann": ("imported", 1, 10, 1),
    "brat/nlplab-brat/tutorials-news/060-relation_annotation.txt": ("imported", 1, 10, 1),
    "brat/nlplab-brat/tutorials-news/090-event_structures.ann": ("imported", 1, 22, 0),
    "brat/nlplab-brat/tutorials-news/090-event_structures.txt": ("imported", 1, 22, 0),
    "brat/nlplab-brat/tutorials-news/100-attribute_annotation.ann": ("imported", 1, 26, 0),
    "brat/nlplab-brat/tutorials-news/100-attribute_annotation.txt": ("imported", 1, 26, 0),
    "brat/nlplab-brat/tutorials-news/110-note_annotation.ann": ("imported", 1, 14, 2),
    "brat/nlplab-brat/tutorials-news/110-note_annotation.txt": ("imported", 1, 14, 2),
    "brat/nlplab-brat/tutorials-news/annotation.conf": ("refused", None, UNSUPPORTED),
    "brat/nlplab-brat/tutorials-news/visual.conf": ("refused", None, UNSUPPORTED),
    "conll/SOURCES.md": ("refused", None, UNSUPPORTED),
    "conll/conllu-ud-pud/ar_pud-ud-test.first10.conllu": ("imported", 10, 0, 0),
    "conll/conllu-ud-pud/tr_pud-ud-test.first10.conllu": ("imported", 3, 0, 0),
    "conll/conllu-ud-pud/zh_pud-ud-test.first10.conllu": ("imported", 10, 0, 0),
    "conll/spacy-ner-example-data/README.md": ("refused", None, UNSUPPORTED),
    "conll/spacy-ner-example-data/ner-sent-per-line.iob": ("imported", 1, 7, 0),
    "conll/spacy-ner-example-data/ner-token-per-line-conll2003.iob": ("imported", 1, 7, 0),
    "conll/spacy-ner-example-data/ner-token-per-line-with-pos.iob": ("imported", 1, 7, 0),
    "conll/spacy-ner-example-data/ner-token-per-line.iob": ("imported", 1, 7, 0),
    "doccano/SOURCES.md": ("refused", None, UNSUPPORTED),
    "doccano/doccano/export_examples/relation_extraction.jsonl": ("imported", 1, 4, 3),  # one pretty-printed object
    "doccano/doccano/export_examples/sequence_labeling.jsonl": ("imported", 3, 4, 0),
    "doccano/doccano/import_examples/relation_extraction.jsonl": ("imported", 1, 4, 3),
    "doccano/doccano/import_examples/sequence_labeling_column_names.jsonl": ("imported", 3, 3, 0),
    "doccano/doccano/import_examples/sequence_labeling_conll.txt": ("imported", 1, 4, 0),  # sniffed as CoNLL
    "doccano/doccano/import_tests/example.conll": ("imported", 1, 2, 0),
    "doccano/doccano/import_tests/labeling.invalid.conll": ("refused", 1, ("'SOCCERO' is not an IOB/BILUO tag",)),
    "doccano/doccano/import_tests/labeling.trailing.conll": ("imported", 1, 2, 0),
    "doccano/doccano/import_tests/relation_extraction.jsonl": ("imported", 1, 4, 3),
    "doccano/doccano/import_tests/sequence_labeling_example.jsonl": ("refused", 3, ("has no \"text\"",)),
    # the same span twice: kept once, and the import says so
    "doccano/doccano/import_tests/sequence_labeling_overlapping.jsonl": ("imported", 1, 1, 0),
    "doccano/doccano-transformer/labeling.conll2003.user1": ("refused", 5, ("B-12", "numeric label id")),
    "doccano/doccano-transformer/labeling.conll2003.user2": ("refused", 5, ("B-12", "numeric label id")),
    "doccano/doccano-transformer/labeling_multiuser_v1export.jsonl": ("refused", 1, ("label 12", "numeric label id")),
    "doccano/doccano-transformer/labeling_text_label.conll2003.user0": ("imported", 2, 11, 0),
    "doccano/doccano-transformer/labeling_text_label.jsonl": ("imported", 2, 11, 0),
    "doccano/real-exports/sief_admin.sample.jsonl": ("imported", 7, 110, 40),  # UTF-16 offsets converted
    "label-studio/SOURCES.md": ("refused", None, UNSUPPORTED),
    "label-studio/ls-docs/example_preannotated_ner_tasks.json": ("imported", 2, 20, 0),
    # off-by-one: end 353 gives "February 2", the region says "February 22"
    "label-studio/ls-legacy/named_entity_completions_1.json": (
        "refused", None, ("task 1 (id 1)", "region 'beFiQTT1cU'", "'February 22'", "'February 2'")),
    "label-studio/lsf-examples/named_entity/annotations_1.json": ("imported", 1, 1, 0),
    "label-studio/lsf-examples/named_entity/config.xml": ("refused", None, UNSUPPORTED),
    "label-studio/lsf-examples/named_entity/tasks.json": ("imported", 1, 1, 0),
    "label-studio/lsf-examples/phrases_paragraphlabels/annotations_1.json": (
        "refused", None, ("task 1 (id 0)", "cannot tell which data field is the text", "only text tasks")),
    "label-studio/lsf-examples/phrases_paragraphlabels/config.xml": ("refused", None, UNSUPPORTED),
    "label-studio/lsf-examples/phrases_paragraphlabels/tasks.json": (
        "refused", None, ("task 1", "'audio' (a URL)", "only text tasks")),
    # copy-paste region: data.ner[343:354] is " supporters", the region says "February 22"
    "label-studio/lsf-examples/rich_text_plain/annotations_1.json": (
        "refused", None, ("task 1 (id 1)", "region 'beFiQTT1cU'", "'February 22'", "' supporters'")),
    "label-studio/lsf-examples/rich_text_plain/config.xml": ("refused", None, UNSUPPORTED),
    "label-studio/lsf-examples/rich_text_plain/tasks.json": (
        "refused", None, ("task 1", "region 'beFiQTT1cU'", "' supporters'")),
    "prodigy/SOURCES.md": ("refused", None, UNSUPPORTED),
    "prodigy/bio_events_spans_only.head5.jsonl": ("imported", 5, 15, 0),
    "prodigy/fashion_brands_eval.nonbmp.sample.jsonl": ("imported", 7, 11, 0),
    "prodigy/nel_emerson_choice.head5.jsonl": ("imported", 5, 5, 0),
    "prodigy/news_headlines_ner_manual.sample.jsonl": ("imported", 20, 23, 0),  # line 21 'ignore': skipped, reported
    "prodigy/reddit_product_ner_teach.sample.jsonl": ("imported", 19, 24, 0),  # line 14 'ignore': skipped, reported
    "prodigy/rel_component_annotations.head8.jsonl": ("imported", 8, 30, 22),
    "prodigy/restaurant_reviews_review.sample.jsonl": ("imported", 3, 8, 0),
    "spacy/SOURCES.md": ("refused", None, UNSUPPORTED),
    "spacy/docbin/ner_tweets_demo.source.jsonl": ("imported", 1, 1, 0),
    "spacy/docbin/ner_tweets_demo.spacy": ("imported", 1, 1, 0),
    "spacy/offsets-tuples/ner_demo_dev.json": ("refused", None, ("training tuples", "not read")),
    "spacy/offsets-tuples/ner_demo_train.json": ("refused", None, ("training tuples", "not read")),
    "spacy/offsets-tuples/parser_demo_train.json": ("refused", None, ("training tuples", "not read")),
    "spacy/v2-json-training-format/doccano-transformer_labeling_text_label.spacy.user0.json": (
        "refused", None, ("spaCy v2 JSON training format", "spacy convert")),
    "spacy/v2-json-training-format/ner-token-per-line-conll2003.json": (
        "refused", None, ("spaCy v2 JSON training format", "spacy convert")),
    "spacy/v2-json-training-format/spacy_extra_training-data.json": (
        "refused", None, ("spaCy v2 JSON training format", "spacy convert")),
    "stance/SOURCES.md": ("refused", None, UNSUPPORTED),
    # The product writes CSV but does not read it.
    "stance/ibm_argkp2021.sample.csv": ("refused", None, ("CSV is an export format", "cannot be imported")),
    "stance/ibm_argkp2021_readme.txt": ("imported", 1, 0, 0),  # a plain .txt (CRLF kept)
}

FILES = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file())


def test_every_corpus_file_has_a_decision():
    assert sorted(EXPECTED) == FILES


def _import(path: Path, db: Path, *extra: str) -> int:
    return main.main(["import", str(path), "--db", str(db), "--add-labels", *extra])


@pytest.mark.parametrize("rel", FILES)
def test_corpus_file_imports_or_is_refused(rel, tmp_path, capsys):
    from store import Store
    expected = EXPECTED[rel]
    path = CORPUS / rel
    db = tmp_path / "c.db"
    code = _import(path, db)
    captured = capsys.readouterr()
    if expected[0] == "refused":
        _, line, parts = expected
        assert code == 1, captured
        message = captured.err
        assert message.startswith("marginalia: error: ")
        named = "doc-1.ann" if rel == "brat/edsnlp/doc-1.txt" else str(path)
        assert named in message, message
        if line is not None:
            assert f"line {line}:" in message, message
        for part in parts:
            assert part in message, message
        # nothing was written: the database was never created, or has no document
        if db.exists():
            with Store.open(str(db), "tester", create=False) as store:
                assert store.document_count() == 0
        return
    _, documents, spans, relations = expected
    assert code == 0, captured.err
    assert f"imported {documents} documents ({spans} entities and claims, 0 stances, {relations} relations)" \
        in captured.out
    with Store.open(str(db), "tester", create=False) as store:
        for item in store.iter_annotated():
            text = item.document.text
            for span in item.annotations.spans:
                assert 0 <= span.start < span.end <= len(text)
                for start, end in span.attrs.get("fragments") or []:
                    assert span.start <= start < end <= span.end
            ids = {s.id for s in item.annotations.spans}
            assert all(r.head in ids and r.tail in ids for r in item.annotations.relations)


def test_foreign_labels_are_refused_without_add_labels(tmp_path, capsys):
    path = CORPUS / "brat/nlplab-brat/NCBI-disease/PMID-7795652.ann"
    assert main.main(["import", str(path), "--db", str(tmp_path / "x.db")]) == 1
    err = capsys.readouterr().err
    assert f"{path}, line 1: entity 'T1': unknown entity label 'Disease'" in err and "--add-labels" in err


def test_ignored_prodigy_tasks_are_reported(tmp_path, capsys):
    path = CORPUS / "prodigy/news_headlines_ner_manual.sample.jsonl"
    assert _import(path, tmp_path / "x.db") == 0
    assert f"note: {path}, line 21: skipped: the task was answered 'ignore'" in capsys.readouterr().err


def test_prodigy_reject_answers_become_rejected_spans(tmp_path):
    from store import Store
    assert _import(CORPUS / "prodigy/reddit_product_ner_teach.sample.jsonl", tmp_path / "x.db") == 0
    with Store.open(str(tmp_path / "x.db"), "tester", create=False) as store:
        first = store.annotated("reddit_product_ner_teach.sample-1")
        (span,) = first.annotations.spans
        assert (span.decision, span.origin, span.label) == ("rejected", "model:core_web_sm", "PRODUCT")
        assert first.document.text[span.start:span.end] == "MX" and span.score == pytest.approx(0.9525150387)
        stats = store.stats()
        assert stats["by_decision"]["rejected"] > 0 and stats["by_decision"]["accepted"] > 0


def test_doccano_utf16_offsets_land_on_clean_words(tmp_path):
    from store import Store
    assert _import(CORPUS / "doccano/real-exports/sief_admin.sample.jsonl", tmp_path / "x.db") == 0
    wanted = {"Wife", "Equality Caucus Co-Chair"}
    found = set()
    with Store.open(str(tmp_path / "x.db"), "tester", create=False) as store:
        for item in store.iter_annotated():
            for span in item.annotations.spans:
                found.add(item.document.text[span.start:span.end].strip())
        assert "支持" in {r.label for r in store.schema.relations}
    assert wanted <= found


def test_brat_discontinuous_entity_keeps_its_fragments(tmp_path):
    from store import Store
    assert _import(CORPUS / "brat/dkpro-core/document0d.ann", tmp_path / "x.db") == 0
    with Store.open(str(tmp_path / "x.db"), "tester", create=False) as store:
        span = store.annotated("document0d").annotations.span("T2")
        assert (span.start, span.end, span.attrs["fragments"]) == (5, 10, [[5, 7], [9, 10]])
    out = tmp_path / "brat_out"
    assert main.main(["export", "--db", str(tmp_path / "x.db"), "--format", "brat", "--out", str(out)]) == 0
    assert "T2\tToken 5 7;9 10\tis n\n" in (out / "document0d.ann").read_text(encoding="utf-8")


def test_label_studio_predictions_are_suggestions_with_model_and_score(tmp_path):
    from store import Store
    assert _import(CORPUS / "label-studio/ls-docs/example_preannotated_ner_tasks.json", tmp_path / "x.db") == 0
    with Store.open(str(tmp_path / "x.db"), "tester", create=False) as store:
        spans = [s for item in store.iter_annotated() for s in item.annotations.spans]
    assert {s.decision for s in spans} == {"suggested"}
    assert {s.origin for s in spans} == {"model:one", "model:two"}
    by_id = {s.id: s for s in spans}
    assert by_id["abc"].score == pytest.approx(0.7)


def test_stance_csv_is_refused_by_the_cli(tmp_path, capsys):
    path = CORPUS / "stance/ibm_argkp2021.sample.csv"
    assert main.main(["import", str(path), "--db", str(tmp_path / "x.db")]) == 1
    assert "CSV is an export format" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


def test_whole_brat_folder_with_one_bad_file_is_refused_whole(tmp_path, capsys):
    assert _import(CORPUS / "brat/edsnlp", tmp_path / "x.db") == 1
    assert "doc-1.ann, line 7" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()
