"""The hostile classes of issue 19 as generators for the importer fuzzer (tests/helpers/fuzzing.py).

Values that JSON writers cannot produce but files hold anyway (NaN, Infinity, 1e400, integers of
401 or 5,000 digits or past 64 bits), digits other than 0-9, ids that become one after a
conversion (1 and "1", "01" and "1", e01 and e1), names at the border (blank, control and bidi
characters, past the longest name), encodings (UTF-16 and UTF-32 with and without
their mark), and files that are not what they seem: a SQLite file where text is expected, a
symlink to nothing, to itself, to a sibling, or to the database being imported into.
"""
from __future__ import annotations

import json
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

#: JSON number tokens no JSON writer produces; encode_json writes them in place of their markers.
RAW_NUMBERS = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "9" * 401, "9" * 5000, str(2 ** 64),
               str(-(2 ** 63) - 1), "1.5e308", "-0.0", "1E+2"]
UNICODE_DIGITS = ["²", "¹²", "٣", "１２", "߃", "𝟙", "1²", "٣ 5", "1 ²", "1-²", "²-3"]


def raw_number_marker(index: int) -> str:
    return f"__RAW_{index}__"


#: Names at the border: nothing, only blanks, control and bidi characters, pasted texts.
BORDER_NAMES = ["", " ", "\t", "\u3000", "a\x00b", "a\nb", "a\rb", "a\x1bb", "a\x85b", "a\u202eb", "\u2066a",
                "a\u200bb", "\ufeffa", "a\u00adb", "x" * 1001, "x" * 101, "L" * 65]


def hostile_leaf() -> st.SearchStrategy:
    return st.one_of(st.integers(min_value=0, max_value=len(RAW_NUMBERS) - 1).map(raw_number_marker),
                     st.sampled_from(UNICODE_DIGITS), st.sampled_from(BORDER_NAMES))


def write_raw_numbers(text: str) -> str:
    """Put the raw number tokens where their markers (as JSON strings) are."""
    return re.sub(r'"__RAW_(\d+)__"', lambda m: RAW_NUMBERS[int(m.group(1))], text)


def _with_ids(value: Any, path: tuple = ()) -> list[tuple]:
    """Paths of the objects in ``value`` that have an "id"."""
    found = []
    if isinstance(value, dict):
        if "id" in value:
            found.append(path)
        for key, inner in value.items():
            found.extend(_with_ids(inner, path + (key,)))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            found.extend(_with_ids(inner, path + (i,)))
    return found


def _at(value: Any, path: tuple) -> Any:
    for step in path:
        value = value[step]
    return value


def twins_of(value: Any) -> list[Any]:
    """Ids another id becomes after a conversion: 1 <-> "1", "1" -> "01" and "+1", "e1" -> "e01"."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [str(value), f"0{value}"]
    if isinstance(value, str):
        head, digits = re.match(r"^(.*?)(\d*)$", value).groups()
        out = []
        if digits:
            out += [f"{head}0{digits}", f"{head}{int(digits)}", f"{head}{digits}".replace(digits, f"{int(digits):03d}")]
            if not head:
                out.append(int(digits))
        return [t for t in out if t != value]
    return []


@st.composite
def id_twins(draw, value: Any) -> Any:
    """``value`` with one object's id replaced by a twin of another object's id."""
    import copy
    paths = _with_ids(value)
    if len(paths) < 2:
        return value
    source, target = draw(st.permutations(paths))[:2]
    choices = twins_of(_at(value, source)["id"]) + [_at(value, source)["id"]]
    out = copy.deepcopy(value)
    _at(out, target)["id"] = draw(st.sampled_from(choices))
    return out


ENCODINGS = ["utf16", "utf16be", "utf16-nobom", "utf32"]


def reencode(data: bytes, how: str) -> bytes:
    """The same text in another encoding (bytes that are not UTF-8 are left alone)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    try:
        if how == "utf16":
            return b"\xff\xfe" + text.encode("utf-16-le")
        if how == "utf16be":
            return b"\xfe\xff" + text.encode("utf-16-be")
        if how == "utf16-nobom":
            return text.encode("utf-16-le")
        if how == "utf32":
            return b"\xff\xfe\x00\x00" + text.encode("utf-32-le")
    except UnicodeEncodeError:  # lone surrogates
        return data
    raise AssertionError(how)


# ---- files that are not what they seem -------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    """A symlink in the fuzzed folder; ``to`` is relative to the folder ("../fuzz.db" is the database)."""
    to: str


def sqlite_file() -> bytes:
    """The bytes of another program's SQLite file (a table, a row)."""
    folder = Path(tempfile.mkdtemp(prefix="fuzz-sqlite-"))
    try:
        path = folder / "other.db"
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA application_id = 1234")
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('Turkey is against Haftar')")
        conn.commit()
        conn.close()
        return path.read_bytes()
    finally:
        import shutil
        shutil.rmtree(folder, ignore_errors=True)


_SQLITE = sqlite_file()


@st.composite
def hostile_files(draw, names: list[str]) -> dict[str, Any]:
    """Extra entries for a fuzzed folder: symlinks (to nothing, to themselves, to a file of the case, to
    the database), a foreign SQLite file under a text name or its own."""
    extra: dict[str, Any] = {}
    for kind in draw(st.lists(st.sampled_from(["dangling", "loop", "sibling", "database", "sqlite-as-text",
                                               "sqlite"]), max_size=2, unique=True)):
        if kind == "dangling":
            extra["gone.txt"] = Link("missing.txt")
        elif kind == "loop":
            extra["loop.txt"] = Link("loop.txt")
        elif kind == "sibling" and names:
            name = draw(st.sampled_from(names))
            extra[f"again{Path(name).suffix}"] = Link(name)
        elif kind == "database":
            extra[f"db{Path(names[0]).suffix if names else '.txt'}"] = Link("../fuzz.db")
        elif kind == "sqlite-as-text":
            extra["other.txt"] = _SQLITE
        elif kind == "sqlite":
            extra["other.db"] = _SQLITE
    return extra


#: Every JSON string token, and whether a colon follows it (then it is a key). Matching whole
#: tokens keeps the scan aligned: outside strings JSON has no quotes.
_STRING_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?', re.S)


@st.composite
def repeated_key(draw, text: str, *, lines: bool) -> tuple[str, str]:
    """(``text`` with one key written a second time in its object, the key), or (text, "") when it
    has no key; ``lines``: JSON lines, where a new line may not be added. The copy goes just before a random key, spelled plainly or with an escape, with a
    value of its own."""
    keys = [m for m in _STRING_TOKENS.finditer(text) if m.group(1)]
    if not keys:
        return text, ""
    chosen = draw(st.sampled_from(keys))
    spelled = chosen.group(0)[:-len(chosen.group(1))]
    key = json.loads(spelled)
    if draw(st.booleans()) and key:  # the same key written differently: "\u0069d" is "id"
        spelled = '"' + "".join(f"\\u{ord(c):04x}" if ord(c) < 0x10000 else c for c in key) + '"'
    value = draw(st.sampled_from(["null", "0", '"x"', "[]", "{}", json.dumps(key)]))
    spacing = draw(st.sampled_from([": ", ":", " : ", "\t:"] + ([] if lines else ["\n  :"])))
    at = chosen.start()
    return text[:at] + spelled + spacing + value + ", " + text[at:], key
