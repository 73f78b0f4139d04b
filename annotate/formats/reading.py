"""Shared helpers for reading input files with messages that name the file and line.

Two borders every reader crosses:

- bytes to text: UTF-8 (a byte-order mark is dropped, and reported to the readers that count
  offsets over the file's characters, such as brat), or UTF-16 / UTF-32 when the file starts
  with their byte-order mark; anything else is refused with the byte and line.
- text to JSON values: Python's JSON reader accepts ``NaN``, ``Infinity`` and numbers that
  overflow to infinity (``1e400``), none of which a JSON writer may produce, SQLite may store or
  another tool may read back; and an integer of more than 4,300 digits raises a bare ValueError.
  :func:`loads` refuses all of them with the line and column.
"""
from __future__ import annotations

import json
import json.decoder
import json.scanner
import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError

#: Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"), (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
         (b"\xef\xbb\xbf", "utf-8", "UTF-8"), (b"\xff\xfe", "utf-16-le", "UTF-16"),
         (b"\xfe\xff", "utf-16-be", "UTF-16"))


@dataclass(frozen=True)
class Decoded:
    text: str
    #: The byte-order mark the file started with (dropped from ``text``), e.g. "UTF-8", or None.
    bom: str | None = None


def decode(data: bytes, source: Path | str) -> Decoded:
    """The text of a file's bytes, or InputError naming the file and line of the first bad byte."""
    for mark, codec, name in _BOMS:
        if data.startswith(mark):
            body = data[len(mark):]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(f"not valid {name} text after its byte-order mark (byte {exc.start + len(mark)} "
                                 "cannot be decoded)", source=str(source)) from None
            if "\x00" in text:
                raise InputError(f"{name} text with a NUL character, not a text file", source=str(source),
                                 line=text[:text.index("\x00")].count("\n") + 1)
            return Decoded(text, name)
    if b"\x00" in data:
        if _looks_like_utf16(data):
            raise InputError("looks like UTF-16 text without a byte-order mark; save it as UTF-8 (or as UTF-16 "
                             "with its byte-order mark)", source=str(source))
        raise InputError("binary data (NUL bytes), not a text file", source=str(source),
                         line=data[:data.index(b"\x00")].count(b"\n") + 1)
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start} cannot be decoded)", source=str(source),
                         line=data[:exc.start].count(b"\n") + 1) from None


def decode_leniently(data: bytes) -> str:
    """Text for sniffing a format from the start of a file: bad bytes replaced, never an error."""
    for mark, codec, _ in _BOMS:
        if data.startswith(mark):
            return data[len(mark):].decode(codec, errors="replace")
    return data.decode("utf-8", errors="replace")


def _looks_like_utf16(data: bytes) -> bool:
    """Most ASCII characters of UTF-16 text have a NUL as one of their two bytes, always the same one."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return False
    even = sum(1 for i in range(0, 2 * pairs, 2) if sample[i] == 0)
    odd = sum(1 for i in range(1, 2 * pairs, 2) if sample[i] == 0)
    return max(even, odd) >= 0.3 * pairs and min(even, odd) == 0


def special_file(path: Path) -> str | None:
    """What a path that is neither a regular file nor a folder is ("a named pipe", "a device"), or None."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # the read that follows names the problem
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return None


def refuse_devices(path: Path) -> None:
    """A device or socket is never read (/dev/zero never ends, /dev/random blocks); a named pipe
    is read once, as sent (``import <(zcat file.gz) --format jsonl``)."""
    kind = special_file(path)
    if kind is not None and kind != "a named pipe":
        raise InputError(f"is {kind}, not a file; nothing was imported", source=str(path))


def read_decoded(path: Path) -> Decoded:
    """The file's text exactly as written (no newline translation), or InputError."""
    refuse_devices(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from None
    if not data:
        raise InputError("the file is empty", source=str(path))
    return decode(data, path)


def read_text_file(path: Path) -> str:
    """The file's text exactly as written, without its byte-order mark, or InputError."""
    return read_decoded(path).text


# ---- JSON ---------------------------------------------------------------------------------

TOO_DEEP = "not readable JSON: nested too deeply (arrays or objects inside each other thousands of levels deep)"


class _NotStorable(Exception):
    def __init__(self, token: str, reason: str):
        super().__init__(reason)
        self.token, self.reason = token, reason


def _constant(name: str):
    raise _NotStorable(name, f"{name} is not a JSON number (JSON has no NaN or Infinity)")


def _float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _NotStorable(literal, f"the number {_short(literal)} is too large for a 64-bit float")
    return value


def _short(literal: str) -> str:
    return literal if len(literal) <= 24 else f"{literal[:12]}...({len(literal)} characters)"


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|(-?(?:NaN|Infinity)|-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)', re.S)
_NUMBER_LIMIT = "an integer of more than 4,300 digits (Python's limit for reading one)"


def loads(text: str, source: Path | str, line: int | None = None) -> Any:
    """``json.loads`` that refuses what cannot be stored and written back exactly, naming the place.

    ``line`` is the line number of ``text`` in its file (JSON lines); otherwise the line is
    counted inside ``text``.
    """
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg} at column {exc.colno})", source=str(source),
                         line=exc.lineno if line is None else line) from None
    except RecursionError:
        raise InputError(TOO_DEEP, source=str(source), line=line) from None
    except _NotStorable as exc:
        where = _locate(text, lambda token: token == exc.token)
        raise _refusal(exc.reason, where, source, line) from None
    except ValueError:  # int(): "Exceeds the limit (4300 digits) for integer string conversion"
        where = _locate(text, lambda token: len(token.lstrip("-")) > 4300 and token.lstrip("-").isdigit())
        raise _refusal(_NUMBER_LIMIT, where, source, line) from None
    except _DuplicateKey as exc:
        raise _duplicate_refusal(text, exc, source, line) from None
    if _NUL_ESCAPE in text:
        _refuse_nul(text, value, source, line)
    return value


# ---- NUL ------------------------------------------------------------------------------------
# A NUL byte in a text file is refused as binary data (decode); in JSON it can only come as the
# escape \u0000, which is refused too: no script writes with it (it is always a damaged feed), and
# the text formats we export (brat, CoNLL, plain text) would write a NUL byte that no reader takes
# back, ours included. The other controls (ESC, form feed, C1) are kept and shown as marks.

_NUL_ESCAPE = "\\u0000"
NUL_REFUSED = ("holds a NUL character (U+0000, written \\u0000), which no text contains: a damaged feed or "
               "a binary value; remove it")


def holds_nul(value: Any) -> bool:
    pending = [value]
    while pending:
        item = pending.pop()
        if type(item) is str:
            if "\x00" in item:
                return True
        elif type(item) is dict:
            pending.extend(item)
            pending.extend(item.values())
        elif type(item) is list:
            pending.extend(item)
    return False


def _refuse_nul(text: str, value: Any, source: Path | str, line: int | None) -> None:
    if not holds_nul(value):
        return  # the six characters \u0000 written as text ("\\u0000")
    at = next(m.start(1) for m in _ESCAPED_NUL.finditer(text))
    inner_line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    raise InputError(f"a string {NUL_REFUSED} (column {column})", source=str(source),
                     line=inner_line if line is None else line + inner_line - 1)


#: \u0000 preceded by an even run of backslashes: an escape, not the text "\u0000".
_ESCAPED_NUL = re.compile(r'(?<!\\)(?:\\\\)*(\\u0000)')


# ---- duplicate keys -------------------------------------------------------------------------
# Python's JSON reader keeps the last of two equal keys in one object ({"id": "n1", "id": "n2"}
# is {"id": "n2"}): the file's author meant one of them, and we cannot know which. The fast (C)
# reader hands each object's pairs to _no_repeats, which only compares two lengths (measured: a
# tenth to a third slower than no hook, see the commit); only a file that has a repeated key is
# read again by the slow reader below, which knows where each object starts.

class _DuplicateKey(Exception):
    def __init__(self, key: str, position: int):
        super().__init__(key)
        self.key, self.position = key, position


def _pairs(pairs: list) -> list:
    return pairs


def _checked_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
    text, start = s_and_end
    pairs, end = json.decoder.JSONObject(s_and_end, strict, scan_once, None, _pairs, memo)
    keys = set()
    for key, _ in pairs:
        if key in keys:
            raise _DuplicateKey(key, start - 1)
        keys.add(key)
    return dict(pairs), end


class _DuplicateFinder(json.JSONDecoder):
    """The pure-Python reader, told where each object starts: slow, used only once a key repeats."""

    def __init__(self):
        super().__init__(parse_constant=_constant, parse_float=_float)
        self.parse_object = _checked_object
        self.scan_once = json.scanner.py_make_scanner(self)


def _no_repeats(pairs: list) -> dict:
    value = dict(pairs)
    if len(value) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key, -1)
            seen.add(key)
    return value


_DECODER = json.JSONDecoder(parse_constant=_constant, parse_float=_float, object_pairs_hook=_no_repeats)


def _duplicate_refusal(text: str, found: _DuplicateKey, source: Path | str, line: int | None) -> InputError:
    try:  # read again to find the place
        _DuplicateFinder().decode(text)
    except _DuplicateKey as exc:
        found = exc
    except RecursionError:  # deeper than the pure-Python reader goes: named without the column
        pass
    key = json.dumps(found.key, ensure_ascii=False)
    why = "JSON readers disagree on which of the two values counts"
    if found.position < 0:
        return InputError(f"the key {key} appears twice in one object ({why})", source=str(source), line=line)
    inner_line = text.count("\n", 0, found.position) + 1
    column = found.position - (text.rfind("\n", 0, found.position) + 1) + 1
    return InputError(f"the key {key} appears twice in the object at column {column} ({why})", source=str(source),
                     line=inner_line if line is None else line + inner_line - 1)


def _locate(text: str, wanted) -> tuple[int, int] | None:
    """(line, column) inside ``text`` of the first number token outside strings that ``wanted`` picks."""
    for match in _TOKENS.finditer(text):
        token = match.group(1)
        if token is not None and wanted(token):
            start = match.start(1)
            return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1
    return None


def _refusal(reason: str, where: tuple[int, int] | None, source: Path | str, line: int | None) -> InputError:
    if where is None:
        return InputError(reason, source=str(source), line=line)
    inner_line, column = where
    return InputError(f"{reason} (column {column})", source=str(source),
                      line=inner_line if line is None else line + inner_line - 1)


def json_lines(text: str, source: Path | str):
    """``(line number, parsed value)`` for each non-blank line of a JSON-lines text.

    Only "\\n" ends a line: U+2028 and friends may appear unescaped inside JSON strings.
    """
    for number, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        yield number, loads(line, source, number)
