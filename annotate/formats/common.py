"""Shared pieces of the format modules: located documents, import notes, offsets, tokens, ids.

Every reader yields :class:`SourcedDocument` items, which remember the file and the line (or
record / task index) they came from, and where each annotation was written, so that a later
check (a label missing from the schema, an offset outside the text) can name file and line.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..errors import InputError
from ..model import ACCEPTED, HUMAN_DECISIONS, MANUAL, REJECTED, SUGGESTED, AnnotatedDocument, Annotations, Span
from ..validate import check_offsets


@dataclass
class SourcedDocument(AnnotatedDocument):
    source: str | None = None
    line: int | None = None
    #: annotation id -> line (or record index) where it was written
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class Notes:
    """Things an import did on purpose and must report (records skipped, duplicates merged)."""

    messages: list[str] = field(default_factory=list)

    def add(self, message: str, *, source: str | None = None, line: int | None = None) -> None:
        where = source or ""
        if line is not None:
            where = f"{where}, line {line}" if where else f"line {line}"
        self.messages.append(f"{where}: {message}" if where else message)


def fail(reason: str, source: Path | str | None, line: int | None = None) -> InputError:
    return InputError(reason, source=str(source) if source is not None else None, line=line)


def as_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{what} must be an integer, not {value!r}")
    return value


def as_id(value: Any, what: str) -> str:
    """An id as a file gives it: a non-empty string, or an integer written in decimal.

    Anything else (null, 1.5, a list, true) has no one text an export could give back, so it is
    refused rather than turned into "None", "1.5" or "[1, 2]".
    """
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) >= 10 ** 120:
            raise InputError(f"{what}: an integer id of {len(str(abs(value)))} digits is too long (give it as a "
                             "string, or a shorter one)")
        return str(value)
    kind = {type(None): "null", bool: "true or false", float: "a decimal number", list: "a list",
            dict: "an object", str: "empty"}.get(type(value), type(value).__name__)
    shown = "" if value is None or value == "" else f" ({value!r})"[:60]
    raise InputError(f"{what} must be a string or an integer, not {kind}{shown}")


def ascii_number(token: str) -> int | None:
    """A non-negative integer written with the digits 0-9 (at most 18 of them), else None.

    ``str.isdigit`` also accepts "²" and "٣", which ``int`` then refuses or reads.
    """
    if 0 < len(token) <= 18 and token.isascii() and token.isdigit():
        return int(token)
    return None


#: Integers a browser reads exactly (doccano and Label Studio show and send ids from JavaScript).
_EXACT_IN_JS = 2 ** 53 - 1


def json_id(value: str) -> int | str:
    """An id for a format that writes ids as JSON numbers: the integer when the text is exactly its
    decimal form, else the text itself, so that two ids never become one ("01" and "1", "²")."""
    number = ascii_number(value)
    return number if number is not None and str(number) == value and number <= _EXACT_IN_JS else value


def numbered_ids(ids: Iterable[str], prefix: str) -> dict[str, int]:
    """Integer ids for annotations whose ids are ``PREFIX<number>``: that number when it is written
    canonically and not already given, otherwise the next free number; distinct ids stay distinct."""
    ids = list(ids)
    out: dict[str, int] = {}
    used: set[int] = set()
    for value in ids:
        rest = value[len(prefix):] if value.startswith(prefix) else ""
        number = json_id(rest) if rest else None
        if isinstance(number, int) and number not in used:
            out[value] = number
            used.add(number)
    fresh = 1
    for value in ids:
        if value not in out:
            while fresh in used:
                fresh += 1
            out[value] = fresh
            used.add(fresh)
    return out


def check_span(text: str, start: Any, end: Any, what: str) -> None:
    """Offsets inside the text, as an InputError (the caller adds file and line)."""
    check_offsets(text, start, end, what)


# ---- UTF-16 code units (doccano, browsers, Qt) <-> Python code points ---------------------

class Utf16:
    """Convert offsets between UTF-16 code units and code points for one text."""

    def __init__(self, text: str):
        self.text = text
        self.astral = any(ord(c) > 0xFFFF for c in text)
        if self.astral:
            self._cp_to_u16 = [0] * (len(text) + 1)
            self._u16_to_cp: dict[int, int] = {0: 0}
            unit = 0
            for i, ch in enumerate(text):
                unit += 2 if ord(ch) > 0xFFFF else 1
                self._cp_to_u16[i + 1] = unit
                self._u16_to_cp[unit] = i + 1

    @property
    def length(self) -> int:
        return self._cp_to_u16[-1] if self.astral else len(self.text)

    def to_cp(self, offset: int, what: str) -> int:
        if not self.astral:
            return offset
        if offset not in self._u16_to_cp:
            if 0 <= offset <= self.length:
                raise InputError(f"{what}: UTF-16 offset {offset} falls inside a character (between the two "
                                 "halves of a surrogate pair)")
            raise InputError(f"{what}: UTF-16 offset {offset} is past the end of the text "
                             f"({self.length} UTF-16 units)")
        return self._u16_to_cp[offset]

    def to_u16(self, offset: int) -> int:
        return self._cp_to_u16[offset] if self.astral else offset


class Graphemes:
    """Convert offsets between extended grapheme clusters (Unicode UAX #29: an emoji with its
    modifiers, a letter with its combining marks, CRLF, each count one) and code points, as doccano
    counts them in a project made with "Count grapheme clusters as one character" (grapheme_mode).
    The same interface as :class:`Utf16`. Segmentation is the ``regex`` module's ``\\X``."""

    def __init__(self, text: str):
        import regex
        self.text = text
        self._cp_to_unit: dict[int, int] = {0: 0}
        self._unit_to_cp = [0]
        for n, match in enumerate(regex.finditer(r"\X", text), 1):
            self._cp_to_unit[match.end()] = n
            self._unit_to_cp.append(match.end())

    @property
    def length(self) -> int:
        return len(self._unit_to_cp) - 1

    def to_cp(self, offset: int, what: str) -> int:
        if not 0 <= offset <= self.length:
            raise InputError(f"{what}: grapheme offset {offset} is past the end of the text ({self.length} "
                             "grapheme clusters)")
        return self._unit_to_cp[offset]

    def to_u16(self, offset: int) -> int:
        """The grapheme offset of a code point offset (named as Utf16's, for the callers that take either)."""
        if offset not in self._cp_to_unit:
            raise InputError(f"offset {offset} falls inside a grapheme cluster (between a character and its "
                             "combining marks, or inside an emoji sequence): doccano's grapheme mode cannot "
                             "hold it; export with UTF-16 offsets")
        return self._cp_to_unit[offset]


#: how doccano counts offsets: its default (the browser's UTF-16 units), or grapheme clusters
DOCCANO_OFFSETS = {"utf16": Utf16, "grapheme": Graphemes}


# ---- tokens for formats that need them (Prodigy tokens, CoNLL rows, spaCy Docs) ---------

_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f\u200d"
_TOKEN = re.compile(rf"(?:\w|[{_MARKS}])+|[\U0001F1E6-\U0001F1FF]{{2}}|[^\s{_MARKS}][{_MARKS}\U0001F3FB-\U0001F3FF]*")


def tokenize(text: str, boundaries: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Non-space tokens as (start, end) code-point ranges, split at every given boundary."""
    cuts = sorted(set(boundaries))
    out: list[tuple[int, int]] = []
    import bisect
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        i = bisect.bisect_right(cuts, start)
        while i < len(cuts) and cuts[i] < end:
            out.append((start, cuts[i]))
            start = cuts[i]
            i += 1
        out.append((start, end))
    return out


def span_boundaries(spans: Iterable[Span]) -> set[int]:
    cuts: set[int] = set()
    for span in spans:
        cuts.add(span.start)
        cuts.add(span.end)
        for frag in span.attrs.get("fragments") or ():
            cuts.update(frag)
    return cuts


# ---- choosing what an export writes ---------------------------------------------------------

def gold(spans: Iterable[Span]) -> list[Span]:
    return [s for s in spans if s.decision in HUMAN_DECISIONS]


def gold_view(ann: Annotations) -> Annotations:
    """Only what people decided is right: the training data view."""
    spans = gold(ann.spans)
    ids = {s.id for s in spans}
    relations = [r for r in ann.relations if r.decision in HUMAN_DECISIONS and r.head in ids and r.tail in ids]
    stances = [s for s in ann.stances if s.decision in HUMAN_DECISIONS and s.holder in ids and s.target in ids]
    clusters = [c for c in ann.clusters if c.decision in HUMAN_DECISIONS]
    return Annotations(spans, stances, relations, list(ann.labels), ann.status, ann.status_reason, clusters)


def non_overlapping(spans: Iterable[Span]) -> tuple[list[Span], list[Span]]:
    """Split spans into a set without overlaps (earliest, then longest first) and the rest."""
    kept: list[Span] = []
    rest: list[Span] = []
    last_end = -1
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.id)):
        if span.start >= last_end:
            kept.append(span)
            last_end = span.end
        else:
            rest.append(span)
    return kept, rest


def decision_from_answer(answer: Any, what: str) -> str | None:
    """Prodigy-style answers: accept -> accepted, reject -> rejected, None -> a suggestion."""
    if answer is None:
        return SUGGESTED
    if answer == "accept":
        return ACCEPTED
    if answer == "reject":
        return REJECTED
    if answer == "ignore":
        return None
    raise InputError(f"{what}: unknown answer {answer!r} (accept, reject or ignore)")


def unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


#: Names Windows keeps for devices, whatever the extension ("CON.txt" is the console).
_DEVICE_NAMES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", *(f"COM{i}" for i in range(10)),
                 *(f"LPT{i}" for i in range(10))}


def safe_file_stem(doc_id: str, taken: set[str]) -> str:
    """A file name stem for a document id: no path separators, no "..", no device name, not too long."""
    stem = re.sub(r"[^\w.\-]+", "_", doc_id).strip("._") or "document"
    if stem.split(".")[0].upper() in _DEVICE_NAMES:
        stem = f"doc_{stem}"
    if stem != doc_id or len(stem) > 120:
        stem = f"{stem[:110]}-{hashlib.sha1(doc_id.encode('utf-8', 'surrogatepass')).hexdigest()[:6]}"
    return unique_id(stem, taken)


def first_line_title(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:200]


__all__ = ["SourcedDocument", "Notes", "fail", "as_id", "ascii_number", "Utf16", "tokenize", "gold", "gold_view", "non_overlapping",
           "decision_from_answer", "unique_id", "safe_file_stem", "MANUAL"]
