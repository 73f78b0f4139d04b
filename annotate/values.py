"""What a stored value may be: the values SQLite, the audit log and every export format carry exactly.

The audit log hashes each row as JSON and ``audit --verify`` compares that JSON with the table,
so a value the table or JSON cannot hold exactly makes a false alarm forever after: SQLite
stores a NaN as NULL, a column of names turns the number 5 into the text "5", JSON has no NaN or
Infinity (SQLite's ``json_extract`` calls such metadata malformed), msgpack (spaCy's .spacy)
stops at 64-bit integers. Every reader's documents pass through :func:`check_storable` before
anything is written, so such values are refused at the border, with the place they came from,
whatever format brought them (JSON, a .spacy file's ``user_data``, a model's scores).
"""
from __future__ import annotations

import math
import re
from operator import attrgetter
from typing import Any

from .errors import ValidationError
from .model import Annotations, Document

INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1


#: Characters no name may hold: C0/C1 controls (a tab or newline breaks every line- and column-based
#: format and log) and the invisible bidi and format controls that make a name read otherwise than
#: it is stored ("ana\u202e" shows reversed). Zero-width (non-)joiners stay: Persian and Indic names use them.
_NOT_IN_NAMES = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
                           "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
#: The longest id and the longest person's or model's name: past these a name is a pasted text, and
#: file names derived from it (brat files, an annotator's database) hit the system's 255 bytes.
MAX_ID_LENGTH = 1000
MAX_PERSON_LENGTH = 100


def name_border_problem(value: str, *, longest: int) -> str | None:
    """Why a string cannot be a name (an id, an annotator, an origin), or None: empty or only blanks,
    holding control or bidi characters, or longer than ``longest`` characters."""
    if not value.strip():
        return "is empty" if not value else "is only blank characters"
    bad = _NOT_IN_NAMES.search(value)
    if bad:
        return f"holds the control character U+{ord(bad.group()):04X} at position {bad.start()}"
    if len(value) > longest:
        return f"is {len(value):,} characters long (at most {longest:,})"
    return None


def plain_name(value: str, *, longest: int) -> bool:
    """The usual name, checked without making a message (see ``_plainly_storable``)."""
    return 0 < len(value) <= longest and _NOT_IN_NAMES.search(value) is None and not value.isspace()


def number_problem(value: Any) -> str | None:
    """Why a number cannot be stored exactly, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            digits = len(str(abs(value))) if abs(value) < 10 ** 4000 else "thousands of"
            return f"the integer of {digits} digits is outside the 64-bit range SQLite and msgpack hold"
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value!r} is not a finite number (JSON has no NaN or Infinity)"
    return None


def json_problem(value: Any, path: str) -> str | None:
    """Why ``value`` is not plain JSON that round-trips exactly (naming where inside it), or None."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if item is None or isinstance(item, (str, bool)):
            continue
        if isinstance(item, (int, float)):
            problem = number_problem(item)
            if problem:
                return f"{where}: {problem}"
        elif isinstance(item, dict):
            for key, inner in item.items():
                if not isinstance(key, str):
                    return f"{where}: the key {key!r} is not a string"
                stack.append((inner, f"{where}.{key}"))
        elif isinstance(item, (list, tuple)):
            stack.extend((inner, f"{where}[{i}]") for i, inner in enumerate(item))
        else:
            return f"{where}: a {type(item).__name__} is not a JSON value"
    return None


def score_problem(score: Any) -> str | None:
    if score is None:
        return None
    if isinstance(score, bool) or not isinstance(score, (int, float)):
        return f"the score must be a number, not {score!r}"
    try:
        as_float = float(score)
    except OverflowError:
        return "the score is too large for a 64-bit float"
    if not math.isfinite(as_float):
        return f"the score {score!r} is not a finite number (JSON has no NaN or Infinity)"
    return None


def _name(value: Any, what: str, *, optional: bool, empty: bool = True, longest: int | None = None) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        kind = "null" if value is None else f"{type(value).__name__} {value!r}"[:80]
        raise ValidationError(f"{what} must be a name (a string), not {kind}")
    if not value:
        if not empty:
            raise ValidationError(f"{what} is empty")
        return
    if longest is not None:
        problem = name_border_problem(value, longest=longest)
        if problem:
            raise ValidationError(f"{what} {_shown(value)} {problem}")


def _shown(value: str) -> str:
    return repr(value) if len(value) <= 60 else repr(value[:40]) + f"... ({len(value):,} characters)"


def check_storable(document: Document, annotations: Annotations) -> None:
    """Raise ValidationError unless every value can be stored, audited and exported exactly."""
    _name(document.id, "the document id", optional=False, empty=False, longest=MAX_ID_LENGTH)
    if not isinstance(document.text, str) or not document.text:
        raise ValidationError(f"document {document.id!r} has no text")
    if not isinstance(document.meta, dict):
        raise ValidationError(f"document {document.id!r}: meta must be an object")
    problem = json_problem(document.meta, "meta")
    if problem:
        raise ValidationError(f"document {document.id!r}: {problem}")
    for kind, items in (("span", annotations.spans), ("stance", annotations.stances),
                        ("relation", annotations.relations), ("entity group", annotations.clusters)):
        for item in items:
            try:
                _check_item(document, kind, item)
            except ValidationError as exc:
                raise exc.about(item.id if isinstance(item.id, str) else None)


_OPTIONAL_NAMES = ("annotator", "claimant", "claimant_text", "claim_type", "replaces", "evidence", "cluster")
_NAMES = ("id", "origin", "label", "holder", "target", "head", "tail", "polarity")


_STR, _STR_OR_NONE = {str}, {str, type(None)}
#: Names found plain, up to the shortest limit (so plain under either): ids, labels, origins and
#: annotators repeat from document to document, and the pattern search is most of the check.
_PLAIN: set[str] = set()
#: Per dataclass: (its required names, its optional names, score, checkworthy, attrs) getters.
_GETTERS: dict[type, tuple] = {}


def _getters(cls: type) -> tuple | None:
    fields = getattr(cls, "__dataclass_fields__", None)
    if fields is None or "id" not in fields or "origin" not in fields:
        return None
    names = ("id", "origin", *(n for n in _NAMES if n in fields and n not in ("id", "origin")))
    optional = tuple(n for n in _OPTIONAL_NAMES if n in fields)
    return (_tuple_getter(names), _tuple_getter(optional),
            "score" in fields, "checkworthy" in fields, "attrs" in fields)


def _tuple_getter(names: tuple[str, ...]):
    """attrgetter, always giving a tuple (attrgetter of one name gives the value itself)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        return lambda item: (getattr(item, names[0]),)
    return lambda item: ()


def _known_plain(value: str, longest: int) -> bool:
    if value in _PLAIN:
        return True
    if not plain_name(value, longest=longest):
        return False
    if len(value) <= MAX_PERSON_LENGTH:
        if len(_PLAIN) > 100_000:
            _PLAIN.clear()
        _PLAIN.add(value)
    return True


def _plainly_storable(item: Any) -> bool:
    """The usual item, checked in one pass with no message made: every name a string, a score
    that is None or a finite float, checkworthy None or a bool, no attributes. (The checks below,
    which name the problem, then run only for the rest: an import of 10,000 spans spent a fifth
    of its time building messages it never showed.)"""
    cls = type(item)
    getters = _GETTERS.get(cls, False)
    if getters is False:
        getters = _GETTERS[cls] = _getters(cls)
    if getters is None:
        return False
    names_of, optional_of, has_score, has_checkworthy, has_attrs = getters
    names = names_of(item)
    if set(map(type, names)) != _STR:
        return False
    item_id, origin = names[0], names[1]
    if not item_id or not _known_plain(item_id, MAX_ID_LENGTH):
        return False
    if origin and not _known_plain(origin, MAX_ID_LENGTH):
        return False
    optional = optional_of(item)
    if not set(map(type, optional)) <= _STR_OR_NONE:
        return False
    annotator = getattr(item, "annotator", None)
    if annotator is not None and not _known_plain(annotator, MAX_PERSON_LENGTH):
        return False
    if has_score:
        score = item.score
        if score is not None and (type(score) is not float or not math.isfinite(score)):
            return False
    if has_checkworthy:
        checkworthy = item.checkworthy
        if checkworthy is not None and type(checkworthy) is not bool:
            return False
    if has_attrs:
        attrs = item.attrs
        return attrs is None or (type(attrs) is dict and not attrs)
    return True


def _check_item(document: Document, kind: str, item: Any) -> None:
    if _plainly_storable(item):
        return
    _name(item.id, f"the id of a {kind} of document {document.id!r}", optional=False, empty=False,
          longest=MAX_ID_LENGTH)
    what = f"{getattr(item, 'layer', kind)} {_shown(item.id)}"
    _name(item.origin, f"{what}: origin", optional=False, longest=MAX_ID_LENGTH)
    _name(item.annotator, f"{what}: annotator", optional=True, empty=False, longest=MAX_PERSON_LENGTH)
    problem = score_problem(getattr(item, "score", None))
    if problem:
        raise ValidationError(f"{what}: {problem}")
    for field in ("claimant", "claimant_text", "claim_type", "replaces", "evidence", "cluster"):
        if hasattr(item, field):
            _name(getattr(item, field), f"{what}: {field}", optional=True)
    for field in ("label", "holder", "target", "head", "tail", "polarity"):
        if hasattr(item, field):
            _name(getattr(item, field), f"{what}: {field}", optional=False)
    checkworthy = getattr(item, "checkworthy", None)
    if checkworthy is not None and not isinstance(checkworthy, bool):
        raise ValidationError(f"{what}: checkworthy must be true, false or null, not {checkworthy!r}")
    attrs = getattr(item, "attrs", None)
    if attrs is not None:
        problem = json_problem(attrs, "attrs") if isinstance(attrs, dict) else "attrs must be an object"
        if problem:
            raise ValidationError(f"{what}: {problem}")
