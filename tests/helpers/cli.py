"""Running `marginalia` in the test process and checking how it ended: exit code, message, database."""
from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from pathlib import Path

import main


def run(argv: list[str]) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``marginalia ARGV``; an uncaught exception propagates (a traceback
    for a user), argparse's usage errors give their exit code."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main.main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def dump(db: Path) -> list[str]:
    """Every row of every table, to compare a database before and after a refused command."""
    if not Path(db).exists():
        return []
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def refused(argv: list[str], db: Path, *names: str) -> str:
    """Run a command that must be refused: exit 1, a message naming each of ``names``, the database
    exactly as it was. Returns the message."""
    before = dump(db)
    code, _, err = run(argv)
    assert code == 1, f"exit {code}, expected a refusal: {err}"
    assert "Traceback" not in err
    for name in names:
        assert str(name) in err, f"the message does not name {name!r}: {err}"
    assert dump(db) == before, "a refused command changed the database"
    return err


def succeeded(argv: list[str]) -> tuple[str, str]:
    code, out, err = run(argv)
    assert code == 0, f"exit {code}: {err}"
    return out, err


def strict_json(text: str):
    """Parse as a strict JSON reader (a browser, jq) would: NaN, Infinity and overflowing numbers are errors."""
    def refuse(token):
        raise ValueError(f"{token} is not JSON")

    def finite(literal):
        value = float(literal)
        if value in (float("inf"), float("-inf")):
            raise ValueError(f"{literal} overflows")
        return value
    return json.loads(text, parse_constant=refuse, parse_float=finite)


def strict_json_lines(path: Path) -> list:
    return [strict_json(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
