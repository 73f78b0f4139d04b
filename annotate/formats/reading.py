"""Shared helpers for reading input files with messages that name the file and line."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError


def read_text_file(path: Path) -> str:
    """The file's text exactly as written (no newline translation), or InputError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from None
    if not data:
        raise InputError("the file is empty", source=str(path))
    if b"\x00" in data:
        raise InputError("binary data (NUL bytes), not a text file", source=str(path),
                         line=data[:data.index(b"\x00")].count(b"\n") + 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start} cannot be decoded)", source=str(path),
                         line=data[:exc.start].count(b"\n") + 1) from None
    return text[1:] if text.startswith("\ufeff") else text


TOO_DEEP = "not readable JSON: nested too deeply (arrays or objects inside each other thousands of levels deep)"


def json_lines(text: str, source: Path | str):
    """``(line number, parsed value)`` for each non-blank line of a JSON-lines text.

    Only "\\n" ends a line: U+2028 and friends may appear unescaped inside JSON strings.
    """
    import json
    for number, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg} at column {exc.colno})", source=str(source),
                             line=number) from None
        except RecursionError:
            raise InputError(TOO_DEEP, source=str(source), line=number) from None
