"""brat's fragments against our spans: an entity's fragments cut at line breaks for the .ann (one
annotation a line), fragments whose gaps are only line breaks read back as one entity, and offsets
counted over a byte-order mark moved onto the text without it."""
from __future__ import annotations

from pathlib import Path

from ...model import Span
from ..common import fail


def before_the_mark(span: Span, path: Path, lines: dict[str, int]) -> Span:
    """A span over text that began with a byte-order mark, moved onto the text without it."""
    fragments = [[max(0, start - 1), end - 1] for start, end in span.attrs.get("fragments") or [[span.start, span.end]]]
    if any(start >= end for start, end in fragments):
        raise fail(f"{span.id}: covers only the byte-order mark at the start of the .txt", path, lines.get(span.id))
    span.start, span.end = min(start for start, _ in fragments), max(end for _, end in fragments)
    if "fragments" in span.attrs:
        span.attrs["fragments"] = fragments
    return span


def over_line_breaks(text: str, fragments: list[list[int]]) -> bool:
    """True when the gaps between the fragments are only line breaks: one entity across them."""
    ordered = sorted(fragments)
    return all(text[a[1]:b[0]] and not text[a[1]:b[0]].strip("\r\n") for a, b in zip(ordered, ordered[1:]))


def line_fragments(text: str, fragments) -> list[list[int]]:
    """Fragments cut at line breaks: brat's .ann is one annotation a line, so a fragment cannot hold
    CR or LF (brat itself writes an entity across lines as fragments)."""
    out: list[list[int]] = []
    for start, end in fragments:
        piece_start = None
        for i in range(start, end):
            if text[i] in "\r\n":
                if piece_start is not None:
                    out.append([piece_start, i])
                    piece_start = None
            elif piece_start is None:
                piece_start = i
        if piece_start is not None:
            out.append([piece_start, end])
    return out or [[start, end] for start, end in fragments]
