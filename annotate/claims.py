"""Who makes a claim: a default claimant from the entities around a reporting verb."""
from __future__ import annotations

import re

from .model import ENTITY, Span

REPORTING_VERBS = ("said", "says", "say", "told", "tells", "stated", "states", "added", "adds", "noted", "notes",
                   "stressed", "stresses", "warned", "warns", "accused", "accuses", "reiterated", "reiterates",
                   "claimed", "claims", "argued", "argues", "insisted", "insists", "announced", "announces",
                   "declared", "declares", "denied", "denies", "suggested", "asserted", "underlined",
                   "underlines", "emphasised", "emphasized", "explained", "believes", "believed", "read",
                   "according")
_VERB = re.compile(r"\b(?:" + "|".join(REPORTING_VERBS) + r")\b", re.IGNORECASE)
CLAIMANT_LABELS = ("PERSON", "ORG", "NORP", "GPE")
_WINDOW = 120


def default_claimant(text: str, start: int, end: int, entities: list[Span]) -> str | None:
    """The entity most likely to be the source of the claim ``[start, end)``.

    Prefers a PERSON or ORG just before a reporting verb that introduces the claim ("Kalın said
    a ceasefire ..."), then one next to a reporting verb just after it ("..., it added", "...,"
    Kalın told"); None when there is no such cue.
    """
    candidates = [e for e in entities if e.layer == ENTITY and e.label in CLAIMANT_LABELS
                  and not (start <= e.start and e.end <= end)]
    rank = {label: i for i, label in enumerate(CLAIMANT_LABELS)}

    before = text[max(0, start - _WINDOW):start]
    verbs_before = [m for m in _VERB.finditer(before)]
    if verbs_before:
        verb_at = start - len(before) + verbs_before[-1].start()
        near = [e for e in candidates if e.end <= verb_at and verb_at - e.end <= 40
                and "\n" not in text[e.end:verb_at]]
        if near:
            return max(near, key=lambda e: (e.end, -rank[e.label])).id

    after_start = end
    after = text[after_start:after_start + _WINDOW]
    first_break = after.find("\n")
    if first_break >= 0:
        after = after[:first_break]
    verb = _VERB.search(after)
    if verb:
        verb_at = after_start + verb.start()
        verb_end = after_start + verb.end()
        near = [e for e in candidates if (e.end <= verb_at and verb_at - e.end <= 40 and e.start >= end)
                or (e.start >= verb_end and e.start - verb_end <= 40)]
        if near:
            return min(near, key=lambda e: (abs(e.start - verb_at), rank[e.label])).id
    return None
