"""A NUL character never enters through an import; the other controls do, and go out and back whole.

A NUL byte in a text file is refused as binary data; in JSON it can only come as the escape \\u0000,
and a spaCy Doc may hold one: both are refused with the file, line or doc, and the place. No script
writes with NUL, and the text formats we export (brat, CoNLL, plain text) would write a byte that no
reader takes back, ours included. ESC, form feed or a C1 control can be real in scraped text: kept,
shown as marks in the view (tests/ui/test_unseen_characters_shown.py), exported and read back.
"""
from __future__ import annotations

import json

from tests.helpers.cli import refused, succeeded

TEXT = "Angela Merkel met Emmanuel Macron in Paris."


def test_a_nul_escape_in_json_is_refused_with_file_line_and_column(db_path, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "ok", "text": TEXT}) + "\n"
                    + json.dumps({"id": "bad", "text": "Feed\x00broken"}) + "\n", encoding="utf-8")
    column = path.read_text(encoding="utf-8").split("\n")[1].index("\\u0000") + 1
    succeeded(["import", _seed(tmp_path), "--db", db_path])
    refused(["import", path, "--db", db_path], db_path, path, "line 2", "U+0000", f"column {column}")


def test_a_nul_in_a_label_studio_task_is_refused_on_its_line(db_path, tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([{"id": 1, "data": {"text": TEXT}}, {"id": 2, "data": {"text": "a\x00b"}}],
                               indent=2), encoding="utf-8")
    line = path.read_text(encoding="utf-8")[:path.read_text(encoding="utf-8").index("\\u0000")].count("\n") + 1
    succeeded(["import", _seed(tmp_path), "--db", db_path])
    refused(["import", path, "--db", db_path], db_path, path, f"line {line}", "U+0000")


def test_the_text_backslash_u0000_is_not_a_nul(db_path, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "d1", "text": "write \\u0000 to end a C string"}) + "\n", encoding="utf-8")
    succeeded(["import", path, "--db", db_path])
    out, _ = succeeded(["export", "--db", db_path, "--format", "jsonl", "--out", tmp_path / "out.jsonl"])
    [record] = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert record["text"] == "write \\u0000 to end a C string"


def test_a_nul_in_a_spacy_doc_is_refused_with_its_offset(db_path, tmp_path):
    from spacy.tokens import Doc, DocBin

    from annotate.formats.docbin import _vocab
    doc = Doc(_vocab(), words=["Feed", "\x00", "broken"], spaces=[True, True, False])
    bin_ = DocBin(store_user_data=True)
    bin_.add(doc)
    path = tmp_path / "data.spacy"
    path.write_bytes(bin_.to_bytes())
    succeeded(["import", _seed(tmp_path), "--db", db_path])
    refused(["import", path, "--db", db_path], db_path, path, "doc 1", "U+0000", "offset 5")


def test_other_controls_are_kept_exported_to_brat_and_read_back_whole(db_path, tmp_path):
    text = "Feed \x1b[31mred\x1b[0m, page\x0cbreak, Latin-1 \x85 and a\u200bzero-width space."
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "c1", "text": text}) + "\n", encoding="utf-8")
    succeeded(["import", path, "--db", db_path])
    succeeded(["export", "--db", db_path, "--format", "brat", "--out", tmp_path / "brat"])
    again = tmp_path / "again.db"
    succeeded(["import", tmp_path / "brat", "--db", again])
    out, _ = succeeded(["export", "--db", again, "--format", "jsonl", "--out", tmp_path / "back.jsonl"])
    [record] = [json.loads(x) for x in (tmp_path / "back.jsonl").read_text(encoding="utf-8").splitlines()]
    assert record["text"] == text


def _seed(tmp_path):
    """A document already in the database, so that 'nothing changed' is checked against something."""
    seed = tmp_path / "seed.jsonl"
    seed.write_text(json.dumps({"id": "old", "text": "An older document."}) + "\n", encoding="utf-8")
    return seed
