"""A key written twice in one JSON object is refused in every JSON import, naming file, line and key.

Python's JSON reader keeps the last value ({"id": "n1", "id": "n2"} reads as {"id": "n2"}), other
readers the first, some refuse: the file's author meant one of them and we cannot know which.
"""
from __future__ import annotations

import json

import pytest

from tests.helpers.cli import refused, succeeded

TEXT = 'Angela Merkel met "experts": at 10:30 in Paris.'

CASES = {
    # name: (file name, --format, content, the line the message names, the key)
    "native document id": ("a.jsonl", "jsonl", '{"id": "old2", "text": "x"}\n{"id": "n1", "text": "t", "id": "n2"}\n',
                           2, '"id"'),
    "native entity start": ("a.jsonl", "jsonl", json.dumps({"id": "d1", "text": TEXT, "entities": [
        {"id": "e1", "start": 0, "end": 13, "label": "PERSON"}]}).replace('"start": 0,', '"start": 0, "start": 4,')
        + "\n", 1, '"start"'),
    "native key spelled with an escape": ("a.jsonl", "jsonl", '{"id": "n1", "text": "t", "\\u0069d": "n2"}\n', 1,
                                          '"id"'),
    "native key spaced from its colon": ("a.jsonl", "jsonl", '{"id" : "n1", "text" : "t", "text"\t: "u"}\n', 1,
                                         '"text"'),
    "prodigy span label": ("p.jsonl", "prodigy", json.dumps({"text": TEXT, "answer": "accept", "spans": [
        {"start": 0, "end": 13, "label": "PERSON"}]}).replace('"label": "PERSON"', '"label": "PERSON", "label": "ORG"')
        + "\n", 1, '"label"'),
    "doccano lines meta": ("d.jsonl", "doccano", '{"id": 1, "text": "t", "label": []}\n\n'
                           '{"id": 2, "text": "u", "label": [], "meta": {"w": 1, "w": 2}}\n', 3, '"w"'),
    "doccano pretty-printed array": ("d.json", "doccano", '[\n  {"id": 1, "text": "t", "label": []},\n'
                                     '  {"id": 2, "text": "u",\n   "text": "v", "label": []}\n]\n', 3, '"text"'),
}


def label_studio() -> str:
    """Pretty-printed like Label Studio's export; the repeated key on a line of its own."""
    task = [{"id": 1, "data": {"text": TEXT}, "annotations": [{"id": 7, "result": [
        {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 13, "text": "Angela Merkel", "labels": ["PERSON"]}}]}]}]
    return json.dumps(task, indent=2).replace('"end": 13,', '"end": 13,\n"end": 6,')


@pytest.fixture
def existing(db_path, tmp_path):
    source = tmp_path / "existing.jsonl"
    source.write_text('{"id": "old", "text": "An older document about Paris."}\n', encoding="utf-8")
    succeeded(["import", source, "--db", db_path])
    return db_path


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("give_format", [False, True])
def test_a_key_twice_in_one_object_is_refused_with_file_line_and_key(case, give_format, existing, tmp_path):
    name, fmt, content, line, key = CASES[case]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    refused(["import", path, "--db", existing] + (["--format", fmt] if give_format else []), existing,
            path, f"line {line}:", f"the key {key} appears twice")


def test_label_studio_names_the_line_of_the_object_that_repeats_a_key(existing, tmp_path):
    content = label_studio()
    path = tmp_path / "tasks.json"
    path.write_text(content, encoding="utf-8")
    value_line = content[:content.index('"value"')].count("\n") + 1
    refused(["import", path, "--db", existing], existing, path, f"line {value_line}:", 'the key "end" appears twice')


def test_colons_and_quotes_in_text_are_not_mistaken_for_a_repeated_key(existing, tmp_path):
    """Text full of ': and "…": (times, URLs, quotations) and the same key in sibling objects import."""
    path = tmp_path / "ok.jsonl"
    records = [{"id": f"d{i}", "text": TEXT + ' "a": "b": ', "meta": {"url": "https://x.org/a:b", '"k":': 1},
                "entities": [{"id": "e1", "start": 0, "end": 13, "label": "PERSON"},
                             {"id": "e2", "start": 41, "end": 46, "label": "GPE"}]} for i in range(3)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    succeeded(["import", path, "--db", existing])
