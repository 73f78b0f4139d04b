"""Parsing an .ann: every line checked (ids, types, offsets, the text column, references), ``T``
lines as entities, ``R``/``A``/``#``/``*`` lines on them as relations, attributes, notes and
entity groups, and everything else kept verbatim."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...model import ENTITY, Relation, Span
from ..common import ascii_number, fail
from .fragments import over_line_breaks
from .mapping import refs

_ID = re.compile(r"^(?:[TREAMN#][0-9]+|\*)$")


def parse(ann_text: str, text: str, path: Path):
    """Parse a whole .ann; every problem is collected and the first (in file order) is raised,
    naming the others too, so one run shows everything that needs fixing."""
    problems: list[InputError] = []
    result = _parse_lines(ann_text, text, path, problems)
    if problems:
        problems.sort(key=lambda e: e.line or 0)
        first = problems[0]
        also = "; ".join(f"line {e.line}: {e.reason}" for e in problems[1:4])
        more = f" (also {also}{'; ...' if len(problems) > 4 else ''})" if also else ""
        raise fail(first.reason + more, path, first.line)
    return result


def _parse_lines(ann_text: str, text: str, path: Path, problems: list[InputError]):
    records: list[tuple[int, str, str, list[str]]] = []
    ids: dict[str, int] = {}
    for number, raw in enumerate(ann_text.split("\n"), 1):
        line = raw.removesuffix("\r")
        if not line.strip():
            continue
        if "\t" not in line:
            problems.append(fail("not a brat annotation line (expected ID<TAB>...)", path, number))
            continue
        fields = line.split("\t")
        ann_id = fields[0]
        if not _ID.match(ann_id):
            problems.append(fail(f"{ann_id!r} is not a brat annotation id (T1, R1, E1, A1, M1, N1, #1 or *)",
                                 path, number))
            continue
        if ann_id != "*":
            if ann_id in ids:
                problems.append(fail(f"the id {ann_id} is used twice (first on line {ids[ann_id]})", path, number))
                continue
            ids[ann_id] = number
        records.append((number, ann_id, line, fields))

    spans: dict[str, Span] = {}
    lines: dict[str, int] = {}
    for number, ann_id, line, fields in records:
        if ann_id[0] != "T":
            continue
        try:
            _entity(ann_id, fields, text, path, number, spans, lines)
        except InputError as exc:
            problems.append(exc)

    relations: list[Relation] = []
    extra: list[str] = []
    attribute_lines: dict[tuple[str, str], int] = {}
    for number, ann_id, line, fields in records:
        if ann_id[0] == "T":
            continue
        try:
            _other(ann_id, line, fields, path, number, ids, spans, relations, extra, lines, attribute_lines)
        except InputError as exc:
            problems.append(exc)
    return list(spans.values()), relations, extra, lines


def _entity(ann_id, fields, text, path, number, spans, lines):
    if len(fields) not in (2, 3):
        raise fail(f"{ann_id}: expected ID<TAB>TYPE START END<TAB>TEXT", path, number)
    head = fields[1].split(" ", 1)
    if len(head) != 2 or not head[0]:
        raise fail(f"{ann_id}: expected TYPE START END after the id", path, number)
    label, offsets = head
    fragments = []
    for part in offsets.split(";"):
        bounds = part.split(" ")
        numbers = [ascii_number(b) for b in bounds]
        if len(bounds) != 2 or None in numbers:
            raise fail(f"{ann_id}: {_short(offsets)!r} is not START END[;START END...] with offsets written in the "
                       "digits 0-9 (and an entity type cannot contain spaces)", path, number)
        start, end = numbers
        if not 0 <= start < end <= len(text):
            raise fail(f"{ann_id}: the fragment [{start}, {end}) is not a non-empty range inside the text "
                       f"(length {len(text)})", path, number)
        fragments.append([start, end])
    if len(fields) == 3:
        expected = " ".join(text[s:e] for s, e in fragments)
        if fields[2] not in (expected, expected.replace("\n", " ")):
            raise fail(f"{ann_id}: the text column {fields[2]!r} is not the text at those offsets ({expected!r})",
                       path, number)
    start, end = min(f[0] for f in fragments), max(f[1] for f in fragments)
    whole = over_line_breaks(text, fragments)
    attrs: dict[str, Any] = {"fragments": fragments} if len(fragments) > 1 and not whole else {}
    spans[ann_id] = Span(ann_id, start, end, label, ENTITY, attrs=attrs)
    lines[ann_id] = number


def _other(ann_id, line, fields, path, number, ids, spans, relations, extra, lines, attribute_lines):
    kind = ann_id[0]
    body = fields[1].split(" ") if len(fields) > 1 else []
    body = [b for b in body if b] if kind in "R*E" else body
    if kind in "AM" and (len(body) not in (2, 3) or not all(body)):
        raise fail(f"{ann_id}: expected NAME TARGET [VALUE] (an attribute name cannot contain spaces), "
                   f"not {fields[1]!r}", path, number)
    for ref in refs(kind, fields):
        if ref not in ids:
            raise fail(f"{ann_id}: refers to {ref}, which is not an id in this file", path, number)
    if kind == "R":
        args = dict(a.split(":", 1) for a in body[1:] if ":" in a)
        if len(body) != 3 or len(args) != 2:
            raise fail(f"{ann_id}: expected TYPE Arg1:ID Arg2:ID", path, number)
        if set(args) == {"Arg1", "Arg2"} and args["Arg1"] in spans and args["Arg2"] in spans \
                and (len(fields) == 2 or not fields[2].strip()):
            relations.append(Relation(ann_id, args["Arg1"], args["Arg2"], body[0]))
            lines[ann_id] = number
            return
    elif kind == "A":
        if len(body) not in (2, 3) or not all(body):
            raise fail(f"{ann_id}: expected NAME TARGET [VALUE] (an attribute name cannot contain spaces)",
                       path, number)
        if body[1] in spans:
            # An entity holds one value per attribute (a dict): a second line of the same name would
            # silently replace the first, so it is refused.
            first = attribute_lines.setdefault((body[1], body[0]), number)
            if first != number:
                raise fail(f"{ann_id}: {body[1]} already has the attribute {body[0]} (line {first}); brat allows "
                           "one value of an attribute per annotation", path, number)
            spans[body[1]].attrs.setdefault("attributes", {})[body[0]] = body[2] if len(body) == 3 else True
            return
    elif kind == "*":
        if body and body[0] == "Equiv" and len(body) >= 3 and all(ref in spans for ref in body[1:]):
            # Coreference: the entities are one actor (an entity group); two lines that share an
            # entity are one group.
            groups = {spans[ref].cluster for ref in body[1:] if spans[ref].cluster}
            group = min(groups) if groups else f"equiv-{body[1]}"
            for span in spans.values():
                if span.cluster in groups or span.id in body[1:]:
                    span.cluster = group
            return
    elif kind == "#":
        if len(body) != 2 or len(fields) != 3:
            raise fail(f"{ann_id}: expected #ID<TAB>TYPE TARGET<TAB>NOTE", path, number)
        if body[1] in spans:
            spans[body[1]].attrs.setdefault("notes", []).append([body[0], fields[2]])
            return
    elif kind == "E":
        for arg in body:
            if ":" not in arg:
                raise fail(f"{ann_id}: expected TYPE:TRIGGER [ROLE:ID ...], not {arg!r}", path, number)
    elif kind in "NM*":
        if len(body) < 2:
            raise fail(f"{ann_id}: too few fields", path, number)
    extra.append(line)


def _short(text: str) -> str:
    return text if len(text) <= 60 else f"{text[:40]}...({len(text)} characters)"
