"""Property-based fuzzing of every importer (through `marginalia import`) and of the schema loader.

See tests/helpers/fuzzing.py for the inputs and the property. Bounded here (EXAMPLES per
importer); tests/stress runs thousands. Each test prints how many cases ran and how they ended.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import fuzz_hostile, fuzz_schema, fuzzing

EXAMPLES = int(os.environ.get("MARGINALIA_FUZZ_EXAMPLES", "40"))
FORMATS = ["jsonl", "prodigy", "doccano", "labelstudio", "brat", "conll", "conllu", "spacy", "txt"]


@pytest.fixture
def base_db(tmp_path, db_path):
    """A database that already holds documents, so that 'nothing written' is checked against them."""
    import main
    source = tmp_path / "existing.jsonl"
    source.write_text("".join(__import__("json").dumps(r) + "\n" for r in fuzzing.native_base(2))
                      .replace('"fz', '"old'), encoding="utf-8")
    assert main.main(["import", str(source), "--db", str(db_path)]) == 0
    return db_path


def run_importer_fuzz(fmt: str, base_db, examples: int, capsys=None, aftermath_every: int = 1) -> fuzzing.Counter:
    """``aftermath_every``: check every Nth accepted import for audit, listing and exports (1: all)."""
    harness = fuzzing.ImportHarness(base_db, aftermath_every=aftermath_every)

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=fuzzing.import_case(fmt), give_format=st.booleans())
    def check(case, give_format):
        files, name = case
        harness.run(files, name, fmt if give_format or fmt in ("conllu", "txt") else None)

    check()
    total = harness.outcomes["imported"] + harness.outcomes["refused"]
    followed = sum(n for key, n in harness.outcomes.items() if key.startswith("then exported"))
    line = (f"fuzzed {fmt}: {total} cases ({harness.outcomes['imported']} imported, {followed} of them then audited, "
            f"listed, exported and imported again; {harness.outcomes['refused']} refused)")
    if capsys is not None:
        with capsys.disabled():
            print("\n" + line)
    return harness.outcomes


@pytest.mark.parametrize("fmt", FORMATS)
def test_importer_never_crashes_and_never_imports_half(fmt, base_db, capsys):
    outcomes = run_importer_fuzz(fmt, base_db, EXAMPLES, capsys)
    assert outcomes["imported"] + outcomes["refused"] >= min(EXAMPLES, 10)


JSON_BASES = {"jsonl": (fuzzing.native_base, "a.jsonl"), "prodigy": (fuzzing.prodigy_base, "p.jsonl"),
              "doccano": (fuzzing.doccano_base, "d.jsonl"), "labelstudio": (fuzzing.labelstudio_base, "tasks.json")}


def run_repeated_key_fuzz(fmt: str, base_db, examples: int, capsys=None) -> int:
    """A valid file of ``fmt`` with one key written twice in one of its objects (any object, any
    key, spelled plainly or with escapes, pretty-printed or not) is always refused for that key,
    naming the file and the line of the object, and changes nothing."""
    from tests.helpers.cli import refused
    make_records, name = JSON_BASES[fmt]
    cases = [0]

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data(), ascii_only=st.booleans(), indent=st.sampled_from([None, 2]), give_format=st.booleans())
    def check(data, ascii_only, indent, give_format):
        records = make_records(3)
        if fmt == "labelstudio":
            text = json.dumps(records, ensure_ascii=ascii_only, indent=indent) + "\n"
        else:
            text = "".join(json.dumps(r, ensure_ascii=ascii_only) + "\n" for r in records)
        text, key = data.draw(fuzz_hostile.repeated_key(text, lines=fmt != "labelstudio"))
        folder = Path(tempfile.mkdtemp(prefix="fuzz-dup-"))
        try:
            path = folder / name
            path.write_text(text, encoding="utf-8")
            refused(["import", path, "--db", base_db] + (["--format", fmt] if give_format else []), base_db,
                    path, f"the key {json.dumps(key, ensure_ascii=False)} appears twice", ", line ")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        cases[0] += 1

    check()
    if capsys is not None:
        with capsys.disabled():
            print(f"\nfuzzed repeated keys in {fmt}: {cases[0]} cases, all refused")
    return cases[0]


@pytest.mark.parametrize("fmt", sorted(JSON_BASES))
def test_a_key_written_twice_is_always_refused(fmt, base_db, capsys):
    assert run_repeated_key_fuzz(fmt, base_db, max(EXAMPLES // 2, 10), capsys) >= 10


def run_schema_fuzz(examples: int, capsys=None) -> fuzzing.Counter:
    outcomes = fuzzing.Counter()

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=fuzz_schema.schema_file())
    def check(data):
        fuzz_schema.check_schema_file(data, outcomes)

    check()
    if capsys is not None:
        with capsys.disabled():
            print(f"\nfuzzed the schema loader: {sum(outcomes.values())} cases ({outcomes['loaded']} loaded, "
                  f"{outcomes['refused']} refused)")
    return outcomes


def test_schema_loader_never_crashes(capsys):
    outcomes = run_schema_fuzz(EXAMPLES * 2, capsys)
    assert sum(outcomes.values()) >= 10


@pytest.mark.parametrize("label", ["<b>ORG</b>", "<img src=x onerror=alert(1)>", "ORG&amp;", "ORG<script>",
                                   "\u202eGRO", "OR G", "a\x00b", "ORG\n", "'ORG'", '"ORG"'])
def test_a_schema_label_cannot_contain_markup(label, tmp_path):
    from annotate.errors import SchemaError
    from annotate.schema import load_schema
    for section in ("entity", "relation"):
        path = tmp_path / f"{section}.toml"
        extra = f'[[relation]]\nlabel = {fuzz_schema.toml_value(label)}\n' if section == "relation" else ""
        entity = fuzz_schema.toml_value(label) if section == "entity" else '"ORG"'
        path.write_text(f'[schema]\nname = "x"\n[[entity]]\nlabel = {entity}\n{extra}', encoding="utf-8")
        with pytest.raises(SchemaError) as info:
            load_schema(path)
        assert str(path) in str(info.value)
