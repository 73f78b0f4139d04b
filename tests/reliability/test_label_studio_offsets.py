"""A Label Studio region whose offsets are not a span of the text is refused by its numbers, named
for what they are: with no value.text there is nothing to compare, so "value.text None does not
match" (what the message said) sent the reader after a field the file never had."""
from __future__ import annotations

import json

from tests.helpers.cli import refused

TEXT = "Angela Merkel met Emmanuel Macron in Paris."


def _task(value: dict) -> dict:
    return {"id": 7, "data": {"text": TEXT}, "annotations": [{"id": 1, "result": [
        {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels", "value": value}]}]}


def test_offsets_past_the_text_without_value_text_are_refused_by_their_numbers(db_path, tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([_task({"start": 0, "end": 60, "labels": ["PERSON"]})], indent=1), encoding="utf-8")
    err = refused(["import", path, "--db", db_path], db_path, path, "value.start 0 and value.end 60",
                     f"has {len(TEXT)} characters")
    assert "None" not in err


def test_offsets_with_a_value_text_that_differs_still_show_both(db_path, tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([_task({"start": 0, "end": 6, "text": "Angelo", "labels": ["PERSON"]})]),
                    encoding="utf-8")
    refused(["import", path, "--db", db_path], db_path, path, "'Angelo' does not match", "('Angela')")
