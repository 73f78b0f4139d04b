"""Entity groups from cheap rules over a document's entity suggestions (coreference of names).

Mentions of one actor are grouped when:

* they are the same name (compared without case, a leading "the", or the kind of apostrophe):
  "Al-Jufra" and "al-Jufra";
* a person's surname (or its last words) follows the full name: "Mevlüt Çavuşoğlu" ... "Çavuşoğlu",
  unless two people in the text share it;
* an acronym stands for a name in the text: written beside it in brackets ("Government of National
  Accord (GNA)", "LNA [Libyan National Army]"), or made of its initials ("United Arab Emirates" ...
  "UAE").

* a description stands in apposition to a name ("İbrahim Kalın, the Turkish presidential spokesman,
  said"; "Turkey's foreign minister, Mevlüt Çavuşoğlu"; see ``descriptions``): a span over the
  description (the builtin proposes one; a person or another pipeline may make it) joins the name.
  A description is grouped by its apposition only, never by its words: "the spokesman" of one
  paragraph is not "the spokesman" of another.

Only groups of two or more mentions are proposed; each has a score (how sure the weakest rule
that joined it is). Pure Python over spans and text: it works on any pipeline's entities.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..actors import is_description
from ..model import ENTITY, Span
from .descriptions import find_descriptions

#: Labels whose mentions name actors or places that a text refers to again.
GROUPED_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_SMALL_WORDS = {"of", "for", "and", "the", "de", "du", "des", "la", "le", "on", "in", "al", "el"}
SAME_NAME, SURNAME, ACRONYM, DESCRIBED = 0.9, 0.8, 0.75, 0.7


@dataclass
class Group:
    members: list[Span] = field(default_factory=list)
    score: float = SAME_NAME


def normalise(surface: str) -> str:
    text = " ".join(surface.translate(_APOSTROPHES).split()).casefold()
    return text[4:] if text.startswith("the ") else text


def _words(surface: str) -> list[str]:
    return [w for w in re.split(r"[\s]+", surface.strip()) if w]


def initials(surface: str) -> str:
    """"United Arab Emirates" -> "UAE"; small words ("of", "for", "the") are skipped."""
    parts = [w for w in re.split(r"[\s\-]+", surface) if w]
    return "".join(w[0] for w in parts if w.casefold() not in _SMALL_WORDS and w[:1].isupper())


def _acronym_key(surface: str) -> str | None:
    letters = surface.replace(".", "")
    if 2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper():
        return letters
    return None


def group_mentions(text: str, spans: list[Span]) -> list[Group]:
    """Groups of two or more entity spans that the rules say are one actor, in reading order."""
    mentions = sorted((s for s in spans if s.layer == ENTITY and s.label in GROUPED_LABELS),
                      key=lambda s: (s.start, s.end))
    parent = {s.id: s.id for s in mentions}
    weakest: dict[str, float] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a: Span, b: Span, score: float) -> None:
        ra, rb = find(a.id), find(b.id)
        low = min(score, weakest.get(ra, 1.0), weakest.get(rb, 1.0))
        if ra != rb:
            parent[rb] = ra
        weakest[find(a.id)] = low

    # Descriptions in apposition join their name and take no part in the rules on names.
    at = {(s.start, s.end): s for s in mentions}
    described = []
    for found in find_descriptions(text, [s for s in mentions if not is_description(s)]):
        span = at.get((found.start, found.end))
        if span is not None and span.label == found.name.label:
            described.append((found.name, span))
    descriptions = {span.id for _, span in described} | {s.id for s in mentions if is_description(s)}
    for name, span in described:
        join(name, span, DESCRIBED)
    mentions = [s for s in mentions if s.id not in descriptions]
    surface = {s.id: text[s.start:s.end] for s in mentions}
    # Each surface normalised once (a name comes back many times in a text).
    normal = {form: normalise(form) for form in set(surface.values())}
    words_of = {form: _words(form) for form in normal}
    # Same name.
    first_of: dict[tuple[str, str], Span] = {}
    for span in mentions:
        key = (span.label, normal[surface[span.id]])
        if key in first_of:
            join(first_of[key], span, SAME_NAME)
        else:
            first_of[key] = span
    # Surnames after full names (people only), when the surname is not shared.
    tails: dict[str, set[str]] = {}
    full: dict[str, Span] = {}
    for span in mentions:
        if span.label != "PERSON":
            continue
        words = words_of[surface[span.id]]
        for k in range(1, len(words)):
            tail = normalise(" ".join(words[k:]))
            tails.setdefault(tail, set()).add(normal[surface[span.id]])
            full.setdefault(tail, span)
    for span in mentions:
        key = normal[surface[span.id]]
        if span.label == "PERSON" and len(tails.get(key, ())) == 1 and full[key].start < span.start:
            join(full[key], span, SURNAME)
    # Acronyms: in brackets beside the name, or the initials of a name in the text.
    by_initials: dict[str, list[Span]] = {}
    for span in mentions:
        if len(words_of[surface[span.id]]) >= 2:
            by_initials.setdefault(initials(surface[span.id]), []).append(span)
    for i, span in enumerate(mentions):
        acronym = _acronym_key(surface[span.id])
        if acronym is None:
            continue
        beside = _bracketed_neighbour(text, mentions, i)
        if beside is not None and initials(surface[beside.id]).upper() == acronym:
            join(beside, span, SAME_NAME)
            continue
        names = {normal[surface[s.id]] for s in by_initials.get(acronym, [])}
        if len(names) == 1:
            join(by_initials[acronym][0], span, ACRONYM)
    groups: dict[str, Group] = {}
    mentions = sorted(mentions + [span for _, span in described], key=lambda s: (s.start, s.end))
    for span in mentions:
        root = find(span.id)
        groups.setdefault(root, Group()).members.append(span)
    result = []
    for root, group in groups.items():
        if len(group.members) >= 2:
            group.score = weakest.get(root, SAME_NAME)
            result.append(group)
    return sorted(result, key=lambda g: g.members[0].start)


def _bracketed_neighbour(text: str, mentions: list[Span], i: int) -> Span | None:
    """The name right before "(ACRONYM)" / the name right after "ACRONYM [" or "ACRONYM (" ."""
    span = mentions[i]
    before = text[max(0, span.start - 3):span.start]
    if i > 0 and re.search(r"[(\[]\s*$", before):
        prev = mentions[i - 1]
        gap = text[prev.end:span.start]
        if re.fullmatch(r"[’']?s?\s*[(\[]\s*", gap):
            return prev
    if i + 1 < len(mentions):
        nxt = mentions[i + 1]
        gap = text[span.end:nxt.start]
        if re.fullmatch(r"\s*[(\[]\s*", gap):
            return nxt
    return None
