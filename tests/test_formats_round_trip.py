"""Each format round-trips a document full of traps: emoji with a skin tone, a flag, CRLF, NBSP,
a combining mark. import native -> export FORMAT -> import FORMAT gives the same annotations.
(No ../shared files needed.)"""
from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.conftest import TRAP_TEXT

import main

FORMATS = {"jsonl": ".jsonl", "prodigy": ".jsonl", "spacy": ".spacy", "brat": "", "doccano": ".jsonl",
           "labelstudio": ".json", "conll": ".conll"}


def _at(needle, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = TRAP_TEXT.index(needle, start + 1)
    return start, start + len(needle)


def trap_record():
    ents = {}
    for key, needle, label in (("e1", "Erdoğan", "PERSON"), ("e2", "Putin", "PERSON"), ("e3", "İstanbul", "GPE"),
                               ("e4", "Cafe\u0301 owners", "NORP"), ("e5", "Haftar", "PERSON"), ("e6", "UAE", "GPE"),
                               ("e7", "🇹🇷", "GPE")):
        start, end = _at(needle)
        ents[key] = {"id": key, "start": start, "end": end, "label": label}
    c_start, c_end = _at("\u201cthe talks will fail\u201d")
    return {"id": "traps", "text": TRAP_TEXT, "meta": {"title": "Traps"}, "entities": list(ents.values()),
            "claims": [{"id": "c1", "start": c_start, "end": c_end, "claimant": "e4", "type": "prediction"}],
            "stances": [{"id": "s1", "holder": "e5", "target": "c1", "polarity": "AGAINST"}],
            "relations": [{"id": "r1", "head": "e5", "tail": "e6", "label": "BACKED_BY"}],
            "labels": [], "status": "done"}


def snapshot(db, *, entities_only=False, words=False):
    from store import Store
    out = Counter()
    with Store.open(str(db), "tester", create=False) as store:
        for item in store.iter_annotated():
            text = item.document.text
            spans = {s.id: s for s in item.annotations.spans if not entities_only or s.layer == "entity"}
            if words:
                out[tuple(sorted(("".join(text[s.start:s.end].split()), s.label) for s in spans.values()))] += 1
                continue
            key = {sid: (s.layer, s.start, s.end, s.label, s.claim_type) for sid, s in spans.items()}
            rels = tuple(sorted((key[r.head], key[r.tail], r.label) for r in item.annotations.relations))
            stances = () if entities_only else tuple(sorted(
                (key[s.holder], key[s.target], s.polarity) for s in item.annotations.stances))
            out[(text, tuple(sorted(key.values())), rels, stances)] += 1
    return out


@pytest.fixture
def trap_db(tmp_path):
    source = tmp_path / "traps.jsonl"
    source.write_text(json.dumps(trap_record(), ensure_ascii=False) + "\n", encoding="utf-8", newline="")
    db = tmp_path / "first.db"
    assert main.main(["import", str(source), "--db", str(db)]) == 0
    return db


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_trap_document_round_trips(fmt, trap_db, tmp_path):
    out = tmp_path / f"out{FORMATS[fmt]}"
    assert main.main(["export", "--db", str(trap_db), "--format", fmt, "--out", str(out)]) == 0
    second = tmp_path / "second.db"
    assert main.main(["import", str(out), "--db", str(second), "--format", fmt]) == 0
    # what each format carries: everything (jsonl, spacy), entities and relations (the others),
    # entity words and labels (CoNLL: no spacing, no relations)
    if fmt in ("jsonl", "spacy"):
        assert snapshot(second) == snapshot(trap_db)
    elif fmt == "conll":
        assert snapshot(second, words=True) == snapshot(trap_db, entities_only=True, words=True)
    else:
        assert snapshot(second, entities_only=True) == snapshot(trap_db, entities_only=True)
    if fmt != "conll":
        from store import Store
        with Store.open(str(second), "tester", create=False) as store:
            (item,) = list(store.iter_annotated())
        assert item.document.text == TRAP_TEXT  # CRLF, NBSP, emoji and the combining mark kept exactly


def test_doccano_export_counts_utf16_units(trap_db, tmp_path):
    out = tmp_path / "d.jsonl"
    assert main.main(["export", "--db", str(trap_db), "--format", "doccano", "--out", str(out)]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    units = record["text"].encode("utf-16-le")
    for ent in record["entities"]:
        word = units[2 * ent["start_offset"]:2 * ent["end_offset"]].decode("utf-16-le")
        assert word in ("Erdoğan", "Putin", "İstanbul", "Cafe\u0301 owners", "Haftar", "UAE", "🇹🇷",
                        "\u201cthe talks will fail\u201d")  # the last: the claim
    haftar = next(e for e in record["entities"] if e["label"] == "PERSON" and
                  units[2 * e["start_offset"]:2 * e["end_offset"]].decode("utf-16-le") == "Haftar")
    assert haftar["start_offset"] == TRAP_TEXT.index("Haftar") + 4  # 👍🏽 and 🇹🇷: two astral chars each


def test_prodigy_and_label_studio_keep_code_points(trap_db, tmp_path):
    for fmt, name in (("prodigy", "p.jsonl"), ("labelstudio", "l.json")):
        out = tmp_path / name
        assert main.main(["export", "--db", str(trap_db), "--format", fmt, "--out", str(out)]) == 0
    record = json.loads((tmp_path / "p.jsonl").read_text(encoding="utf-8"))
    for span in record["spans"]:
        assert TRAP_TEXT[span["start"]:span["end"]] == span["text"]
        assert record["tokens"][span["token_start"]]["start"] == span["start"]
        assert record["tokens"][span["token_end"]]["end"] == span["end"]
    (task,) = json.loads((tmp_path / "l.json").read_text(encoding="utf-8"))
    for region in task["annotations"][0]["result"]:
        if region["type"] == "labels":
            assert TRAP_TEXT[region["value"]["start"]:region["value"]["end"]] == region["value"]["text"]


def test_brat_discontinuous_and_attributes_round_trip(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Cafe\u0301 🇹🇷 owners said no.\r\nThey did.", encoding="utf-8", newline="")
    ann = ("T1\tNORP 0 5;9 15\tCafe\u0301 owners\nT2\tGPE 6 8\t🇹🇷\nA1\tNegated T1\nA2\tMention T2 Name\n"
           "#1\tAnnotatorNotes T1\t a note\nR1\tLocated Arg1:T1 Arg2:T2\t\nE1\tSay:T1 Speaker:T2\n"
           "A3\tConfidence E1 High\nN1\tReference T2 Wikidata:Q43\tTurkey\n*\tAlias T1 T2\n")
    (folder / "a.ann").write_text(ann, encoding="utf-8", newline="")
    db = tmp_path / "x.db"
    assert main.main(["import", str(folder), "--db", str(db), "--add-labels"]) == 0
    out = tmp_path / "out"
    assert main.main(["export", "--db", str(db), "--format", "brat", "--out", str(out)]) == 0
    assert (out / "a.txt").read_bytes() == (folder / "a.txt").read_bytes()
    assert set((out / "a.ann").read_text(encoding="utf-8").splitlines()) == set(ann.splitlines())


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "conll"])
def test_reimporting_an_export_into_its_database_changes_nothing(fmt, trap_db, tmp_path, capsys):
    """One rule in every format that keeps ids and text: a document already in the database (same id,
    same text hash) is left as it is and reported; nothing doubles. (CoNLL keeps neither the ids nor
    the spacing, so its documents are new ones: see the README.)"""
    out = tmp_path / f"out{FORMATS[fmt]}"
    assert main.main(["export", "--db", str(trap_db), "--format", fmt, "--out", str(out)]) == 0
    before = snapshot(trap_db)
    capsys.readouterr()
    assert main.main(["import", str(out), "--db", str(trap_db), "--format", fmt]) == 0
    captured = capsys.readouterr()
    assert "imported 0 documents" in captured.out and "1 already present" in captured.out
    assert "1 of the documents already present (same id and text) bring annotations" in captured.err
    assert snapshot(trap_db) == before


def test_the_same_id_with_another_text_is_refused(trap_db, tmp_path, capsys):
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "traps", "text": "Another text.", "status": "new"}) + "\n", encoding="utf-8")
    assert main.main(["import", str(other), "--db", str(trap_db)]) == 1
    assert "'traps' is already in the database with a different text" in capsys.readouterr().err


def test_doccano_grapheme_mode_counts_clusters_both_ways(trap_db, tmp_path, capsys):
    """doccano's "Count grapheme clusters as one character": 👍🏽, 🇹🇷, e + U+0301 and CRLF are one each."""
    import regex
    out = tmp_path / "g.jsonl"
    assert main.main(["export", "--db", str(trap_db), "--format", "doccano", "--doccano-offsets", "grapheme",
                      "--out", str(out)]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    clusters = regex.findall(r"\X", record["text"])
    assert len(clusters) == len(TRAP_TEXT) - 5  # 🏽 joins 👍, 🇷 joins 🇹, U+0301 joins e, LF joins CR twice
    words = {"".join(clusters[e["start_offset"]:e["end_offset"]]) for e in record["entities"]}
    assert {"Erdoğan", "Putin", "İstanbul", "Cafe\u0301 owners", "Haftar", "UAE", "🇹🇷"} <= words
    haftar = TRAP_TEXT.index("Haftar")
    assert any(e["start_offset"] == haftar - 5 for e in record["entities"])
    second = tmp_path / "second.db"
    assert main.main(["import", str(out), "--db", str(second), "--format", "doccano", "--doccano-offsets",
                      "grapheme"]) == 0
    assert snapshot(second, entities_only=True) == snapshot(trap_db, entities_only=True)
    # Read as UTF-16 units the offsets would land elsewhere: our export says how it counted, so that
    # import is refused (a file of doccano's own says nothing: --doccano-offsets is the user's to give).
    capsys.readouterr()
    third = tmp_path / "third.db"
    assert main.main(["import", str(out), "--db", str(third), "--format", "doccano"]) == 1
    assert "--doccano-offsets grapheme" in capsys.readouterr().err


def test_doccano_grapheme_mode_refuses_a_span_inside_a_cluster(tmp_path, capsys):
    source = tmp_path / "cut.jsonl"
    text = "Cafe\u0301 owners"
    source.write_text(json.dumps({"id": "cut", "text": text, "status": "done",
                                  "entities": [{"id": "e1", "start": 0, "end": 4, "label": "ORG"}]}) + "\n",
                      encoding="utf-8")
    db = tmp_path / "cut.db"
    assert main.main(["import", str(source), "--db", str(db)]) == 0
    out = tmp_path / "g.jsonl"
    assert main.main(["export", "--db", str(db), "--format", "doccano", "--doccano-offsets", "grapheme",
                      "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "'cut'" in err and "inside a grapheme cluster" in err and not out.exists()
