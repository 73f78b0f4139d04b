"""Discontinuous spans (brat's ``T1 Type 0 5;10 15``) keep their pieces in ``attrs["fragments"]``
over the outer extent ``[start, end)``; what happens to the pieces when the extent changes."""
from __future__ import annotations

from typing import Any


def fragments_of(attrs: dict[str, Any]) -> list[list[int]] | None:
    fragments = attrs.get("fragments")
    return [list(f) for f in fragments] if fragments and len(fragments) > 1 else None


def resized_attrs(attrs: dict[str, Any], start: int, end: int) -> dict[str, Any]:
    """``attrs`` for the span moved to ``[start, end)``: the pieces are clipped to the new extent,
    the first one starts at ``start`` and the last ends at ``end`` (a span grown at either end
    grows its outer piece); with one piece left the span is continuous again."""
    fragments = fragments_of(attrs)
    if fragments is None:
        return attrs
    kept = [[max(s, start), min(e, end)] for s, e in sorted(fragments) if min(e, end) > max(s, start)]
    out = {k: v for k, v in attrs.items() if k != "fragments"}
    if not kept:
        return out
    kept[0][0] = start
    kept[-1][1] = end
    if len(kept) > 1:
        out["fragments"] = kept
    return out
