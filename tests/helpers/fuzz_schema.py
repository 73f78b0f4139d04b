"""Fuzzing the schema loader (tests/reliability/test_fuzz_importers.py, tests/stress): a valid schema,
mutated as JSON values (tests/helpers/fuzzing.py) and written as TOML, then damaged as bytes.

The property: a schema file either loads, with no label carrying markup or white space, or is
refused with a SchemaError naming the file.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.helpers.fuzzing import mangled_bytes, mutated_json

# ---- the schema loader ------------------------------------------------------------------------

def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value == value and abs(value) != float("inf") else ("nan" if value != value else
                                                                                    ("inf" if value > 0 else "-inf"))
    if isinstance(value, str):
        return json.dumps(value)  # JSON string escapes are TOML basic-string escapes (\\uD800 is refused)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"
    if value is None:
        return '""'
    raise TypeError(type(value))


def to_toml(data: dict) -> str:
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for item in value:
                lines.append(f"[[{json.dumps(str(key))}]]")
                lines.extend(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in item.items())
        elif isinstance(value, dict):
            lines.append(f"[{json.dumps(str(key))}]")
            lines.extend(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items())
        else:
            lines.insert(0, f"{json.dumps(str(key))} = {toml_value(value)}")
    return "\n".join(lines) + "\n"


def schema_base() -> dict:
    from annotate.schema import default_schema
    data = default_schema().to_dict()
    data["entity"] = data["entity"][:5]
    data["relation"] = [r for r in data["relation"] if set(r.get("head", [])) <= {e["label"] for e in data["entity"]}
                        and set(r.get("tail", [])) <= {e["label"] for e in data["entity"]}][:3]
    data["model_labels"] = {}
    return data


@st.composite
def schema_file(draw) -> bytes:
    data = draw(mutated_json(schema_base()))
    markup = draw(st.sampled_from([None, "<b>ORG</b>", "<img src=x>", "A&amp;B", "ORG<script>", "\u202eORG",
                                   "OR G", "ORG\n", "<i>", "a\x00b"]))
    if markup is not None and isinstance(data, dict) and isinstance(data.get("entity"), list) and data["entity"] \
            and isinstance(data["entity"][0], dict):
        data = {**data, "entity": [{**data["entity"][0], "label": markup}, *data["entity"][1:]]}
    try:
        text = to_toml(data) if isinstance(data, dict) else toml_value(data)
    except (TypeError, RecursionError, ValueError):
        text = "[[entity]]\nlabel = 1\n"
    return draw(mangled_bytes(text.encode("utf-8", "surrogatepass")))


def check_schema_file(data: bytes, outcomes: Counter) -> None:
    from annotate.errors import SchemaError
    from annotate.schema import Schema, load_schema
    folder = Path(tempfile.mkdtemp(prefix="fuzz-schema-"))
    try:
        path = folder / "schema.toml"
        path.write_bytes(data)
        try:
            schema = load_schema(path)
        except SchemaError as exc:
            assert str(path) in str(exc), f"the message does not name the file: {exc}"
            outcomes["refused"] += 1
            return
        assert isinstance(schema, Schema)
        for label in schema.entity_labels + [r.label for r in schema.relations]:
            assert not set(label) & set("<>&\"' \x00\n\r\t\u202e"), f"a label with markup was accepted: {label!r}"
        outcomes["loaded"] += 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)
