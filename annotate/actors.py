"""Entities as actors: what a group of mentions is called, and which mentions are descriptions.

A description ("the Turkish presidential spokesman") is a mention of an actor but not its name:
the builtin marks the ones it proposes (``attrs["mention"] == "description"``), and a mention that
starts with a lowercase word was written as a description whoever made it.
"""
from __future__ import annotations

from collections.abc import Iterable

from .model import Span

DESCRIPTION = "description"


def is_description(span: Span) -> bool:
    """A span the builtin proposed as a description (its attrs say so)."""
    return span.attrs.get("mention") == DESCRIPTION


def actor_name(text: str, members: Iterable[Span]) -> str:
    """The longest name among an entity's mentions ("Khalifa Haftar" over "Haftar"), never a
    description while the entity has a name; spaces folded."""
    surfaces = [(" ".join(text[m.start:m.end].split()), m) for m in members]
    names = [s for s, m in surfaces if not is_description(m) and s[:1].isupper()]
    return max(names or [s for s, _ in surfaces], key=len, default="")
