"""Token boundaries for snapping selections, from spaCy's tokenizer (no pipeline needed)."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache


@lru_cache(maxsize=4)
def _tokenizer(lang: str):
    import spacy
    return spacy.blank(lang).tokenizer


class TokenBoundaries:
    """The tokens of one text as sorted code-point ranges, for snapping spans to whole tokens."""

    def __init__(self, text: str, lang: str = "en"):
        doc = _tokenizer(lang)(text)
        self.starts = [t.idx for t in doc if not t.is_space]
        self.ends = [t.idx + len(t.text) for t in doc if not t.is_space]

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """Expand ``[start, end)`` to the tokens it touches (spaCy's ``alignment_mode="expand"``).

        A selection of only white space touches no token and gives None.
        """
        if start >= end or not self.starts:
            return None
        first = bisect_right(self.ends, start)  # first token ending after start
        last = bisect_left(self.starts, end) - 1  # last token starting before end
        if first > last:
            return None
        # Leading and trailing white space is trimmed, partial tokens are completed.
        return self.starts[first], self.ends[last]

    def token_at(self, offset: int) -> int | None:
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and self.starts[i] <= offset < self.ends[i]:
            return i
        return None

    def next_boundary(self, offset: int, *, forward: bool, edge: str) -> int:
        """The next token start (edge="start") or end (edge="end") strictly after/before ``offset``."""
        table = self.starts if edge == "start" else self.ends
        if forward:
            i = bisect_right(table, offset)
            return table[i] if i < len(table) else offset
        i = bisect_left(table, offset) - 1
        return table[i] if i >= 0 else offset


_WINDOW = 200


def snap_to_tokens(text: str, start: int, end: int, lang: str = "en") -> tuple[int, int] | None:
    """Snap ``[start, end)`` of ``text`` to whole tokens, tokenizing only the neighbourhood.

    The window around the selection is widened to white space on both sides, so no token is
    cut by it; the cost depends on the selection, not on the document's length.
    """
    left = max(0, start - _WINDOW)
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    right = min(len(text), end + _WINDOW)
    while right < len(text) and not text[right].isspace():
        right += 1
    snapped = TokenBoundaries(text[left:right], lang).snap(start - left, end - left)
    return None if snapped is None else (snapped[0] + left, snapped[1] + left)


def nudge(text: str, start: int, end: int, *, edge: str, forward: bool, lang: str = "en") -> tuple[int, int]:
    """Move one edge of a span by one token; the span never becomes empty."""
    left = max(0, start - _WINDOW)
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    right = min(len(text), end + _WINDOW)
    while right < len(text) and not text[right].isspace():
        right += 1
    tokens = TokenBoundaries(text[left:right], lang)
    if edge == "start":
        moved = tokens.next_boundary(start - left, forward=forward, edge="start") + left
        return (moved, end) if moved < end else (start, end)
    moved = tokens.next_boundary(end - left, forward=forward, edge="end") + left
    return (start, moved) if moved > start else (start, end)


def warm_up(lang: str = "en") -> None:
    """Load spaCy's tokenizer on a background thread, so the first label key does not wait for it.

    Loading spaCy takes about a second; the window shows first and stays responsive meanwhile.
    """
    import threading
    threading.Thread(target=_tokenizer, args=(lang,), name="spacy-warm-up", daemon=True).start()
