"""Descriptions in apposition to a name: "İbrahim Kalın, the Turkish presidential spokesman, said",
"Turkey's foreign minister, Mevlüt Çavuşoğlu, said", "the Wagner Group (the Russian private
military company)".

A description is grouped with the name it stands beside when a rule can tell that both refer to
one actor: the description starts with "the", "a"/"an" or a possessive name ("Turkey's"), its head
noun is a role that fits the name's label (a spokesman is a person, a militia an organisation, a
capital a place), and it is closed like an apposition (a comma, a bracket, the end of the
sentence), not like an item of a list ("Kalın, the foreign minister, and intelligence chief
Hakan Fidan": the comma is followed by "and", so the foreign minister is someone else). A name
followed by a description that is followed by another name is a list too, and left alone.

Pure text over spans: the builtin proposes each description as a mention of the name's label and
kind (attrs ``mention: description``), and ``coref`` groups a description span from any source.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import ENTITY, Span

#: Head nouns of descriptions, by the label of the name they describe.
ROLES = {
    "PERSON": {
        "spokesman", "spokeswoman", "spokesperson", "minister", "president", "leader", "commander",
        "general", "chief", "head", "envoy", "ambassador", "premier", "director", "secretary", "adviser",
        "advisor", "chairman", "chairwoman", "chair", "founder", "governor", "mayor", "deputy", "official",
        "negotiator", "prosecutor", "judge", "king", "queen", "prince", "emir", "strongman", "warlord",
        "diplomat", "lawmaker", "senator", "spy", "executive", "ceo", "coach", "captain", "analyst",
        "researcher", "professor", "economist", "author", "journalist", "correspondent", "editor",
        "candidate", "politician", "colonel", "marshal", "officer", "representative", "successor",
        "predecessor", "counterpart", "rapporteur", "commissioner", "chancellor", "dictator", "ruler",
    },
    "ORG": {
        "group", "company", "firm", "party", "militia", "agency", "alliance", "movement", "organisation",
        "organization", "coalition", "force", "forces", "army", "bank", "ministry", "government", "bloc",
        "union", "council", "body", "network", "corporation", "conglomerate", "broadcaster", "newspaper",
        "club", "team", "faction", "administration", "authority", "regulator", "institute", "charity",
    },
    "GPE": {"country", "capital", "city", "kingdom", "republic", "nation", "state", "emirate", "province",
            "region", "town", "port"},
}
for _label, _nouns in (("NORP", ()), ("LOC", ROLES["GPE"]), ("FAC", {"base", "airport", "port", "prison"})):
    ROLES.setdefault(_label, set(_nouns))

_DETERMINER = r"(?:[Tt]he|[Aa]n?|[A-Z][\w\-]*[’']s)"
# A description's words: lowercase words, capitalised adjectives ("Turkish", "UN-backed"), "of".
_WORD = r"[A-Za-z\u00C0-\u024F][\w\-]*"
_WORDS = rf"{_DETERMINER}(?:\s+{_WORD}){{1,7}}"
_AFTER = re.compile(rf",\s+({_WORDS})\s*(,|\)|\.|;|$)")
_BRACKETED = re.compile(rf"\s+\(({_WORDS})\)")
_DETERMINER_AT = re.compile(rf"(?<![\w’'-]){_DETERMINER}(?=\s)")
_CLOSED = re.compile(r"\s*(,|\)|\.|;|$)")
_LIST_WORDS = {"and", "or", "nor", "as", "but"}
_NOT_IN_A_DESCRIPTION = {"the", "a", "an", "who", "which", "that", "said", "says", "is", "was", "has", "had",
                         "to", "in", "on", "for", "with", "by", "from", "at", "and", "or", "meantime"}
ADJECTIVE_ENDINGS = ("ish", "ian", "an", "ese", "i", "ic", "-backed", "-based", "-led", "-run")


@dataclass(frozen=True)
class Description:
    name: Span
    start: int
    end: int


def _head_fits(words: list[str], label: str) -> bool:
    """The head noun is the last word before an "of" phrase ("the head of the armed forces"),
    lowercase and a role of the label; the words before it are lowercase or adjectives
    ("Turkish", "UN-backed"), never a verb or a preposition that would make it a clause."""
    head_words = words[1:]
    if "of" in head_words:
        head_words = head_words[:head_words.index("of")]
    if not head_words or any(w.casefold() in _NOT_IN_A_DESCRIPTION for w in head_words):
        return False
    head = head_words[-1]
    return head.islower() and head in ROLES.get(label, ()) and all(
        w.islower() or w.endswith(ADJECTIVE_ENDINGS) for w in head_words)


def _next_word(text: str, at: int) -> str:
    match = re.match(r"\s*(\w+)", text[at:at + 40])
    return match.group(1).lower() if match else ""


def _listed_before(text: str, at: int) -> bool:
    """A name right before ", ": a capitalised word that does not open its sentence ("Erdoğan,
    Kalın, the spokesman" is a list; "In the meantime, İbrahim Kalın" and "However, Kalın" are not)."""
    # Most names follow no comma: no window cut, no search (one of each per name was a sixth of
    # the rules' time). The pattern ends in ", $", and "$" also matches before a final newline.
    if not (text.endswith(", ", 0, at) or text.endswith(", \n", 0, at)):
        return False
    window = text[max(0, at - 60):at]
    match = re.search(r"(\S+)\s+(\w+)[’']?s?, $", window)
    return match is not None and match.group(2)[:1].isupper() and not match.group(1).endswith((".", "!", "?", "”", '"'))


def _after(text: str, name: Span) -> tuple[int, int] | None:
    """"NAME, the DESCRIPTION," (not followed by "and": an item of a list) or "NAME (the DESCRIPTION)"."""
    if _listed_before(text, name.start):
        return None  # the name is itself an item of a list: "Erdoğan, Kalın, the spokesman, ..."
    tail = text[name.end:name.end + 160]
    match = _AFTER.match(tail)
    if match and _head_fits(match.group(1).split(), name.label):
        if not (match.group(2) == "," and _next_word(tail, match.end()) in _LIST_WORDS):
            return name.end + match.start(1), name.end + match.end(1)
    match = _BRACKETED.match(tail)
    if match and _head_fits(match.group(1).split(), name.label):
        return name.end + match.start(1), name.end + match.end(1)
    return None


def _before(text: str, name: Span) -> tuple[int, int] | None:
    """"the DESCRIPTION, NAME," (or NAME at the end of the sentence): the shortest description
    that fits, so "In the talks Turkey's foreign minister, Mevlüt Çavuşoğlu" starts at "Turkey's"."""
    head = text[max(0, name.start - 160):name.start]
    if not head.endswith(", ") or len(head) < 3:
        return None
    closed = _CLOSED.match(text, name.end)
    if closed is None or _next_word(text, closed.end()) in _LIST_WORDS and closed.group(1) == ",":
        return None
    body = head[:-2]
    for determiner in reversed(list(_DETERMINER_AT.finditer(body))):
        words = body[determiner.start():].split()
        if len(words) > 8:
            break
        if re.fullmatch(_WORDS, body[determiner.start():]) and _head_fits(words, name.label):
            start = name.start - len(head) + determiner.start()
            if _listed_before(text, start):
                return None
            return start, start + len(body) - determiner.start()
    return None


def find_descriptions(text: str, names: list[Span]) -> list[Description]:
    """Descriptions in apposition to the given name spans, in reading order."""
    found: list[Description] = []
    for name in sorted(names, key=lambda s: s.start):
        if name.layer != ENTITY or name.label not in ROLES or not ROLES[name.label]:
            continue
        at = _after(text, name) or _before(text, name)
        if at is not None:
            found.append(Description(name, *at))
    return found

