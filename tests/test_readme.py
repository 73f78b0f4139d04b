"""The README says what the program does: its command table matches every command's --help, and
its schema example loads."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from annotate.schema import schema_from_dict

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    import main
    parser = main.build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _visible_options(sub: argparse.ArgumentParser) -> set[str]:
    return {option for action in sub._actions if action.help != argparse.SUPPRESS
            for option in action.option_strings if option.startswith("--") and option != "--help"}


def test_the_command_table_lists_every_command_and_every_option_of_its_help():
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `marginalia (\w+)[^`]*`", README, re.MULTILINE)}
    commands = _subparsers()
    assert set(rows) == set(commands)
    for name, sub in commands.items():
        # The table's lead says it once: every command takes --db, and --user when it acts for someone.
        common = _visible_options(sub) & {"--db", "--user"}
        in_table = set(re.findall(r"--[a-z][a-z-]*", rows[name])) | common
        assert in_table == _visible_options(sub), name


def test_the_option_for_who_is_acting_is_not_the_export_filter():
    commands = _subparsers()
    assert "--user" not in _visible_options(commands["export"]) and "--annotator" in _visible_options(commands["export"])
    for name, sub in commands.items():
        if name != "export":
            assert "--annotator" not in _visible_options(sub), name


def test_the_schema_example_loads():
    import tomllib
    block = re.search(r"### The schema file.*?```toml\n(.*?)```", README, re.DOTALL).group(1)
    schema = schema_from_dict(tomllib.loads(block))
    assert [e.label for e in schema.entities] == ["WEAPON", "ORG", "GPE"]
    assert schema.relation("SUPPLIES").head == ("ORG", "GPE") and schema.map_model_label("NORP") == "GPE"
