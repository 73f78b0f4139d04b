"""Relations and stances that news text states in so many words, found by rules over tokens.

* "Turkish-backed GNA", "Haftar, who is supported by Egypt and the UAE", "backed by powers
  including Russia" -> ``BACKED_BY`` (the backed -> the backer);
* "Russian Foreign Minister Sergei Lavrov", "Turkey's foreign minister X", "X, the Turkish
  presidential spokesman" -> ``ROLE_IN`` (person -> organisation, country or nationality), or
  ``LEADS`` when the title is a leader's and stands right after the name ("GNA head Fayez
  al-Sarraj"); "Haftar's LNA forces" (a person's organisation) -> ``LEADS``;
* "the Government of National Accord in Tripoli" -> ``LOCATED_IN``;
* "France is an important NATO ally", "NATO member Turkey" -> ``MEMBER_OF``;
* "X accused / blamed / criticised / condemned Y" -> X ``AGAINST`` Y; "X supports / backs Y" and
  "X, which ... favoring Y" -> X ``FAVOR`` Y (not when negated);
* a claim whose reporting verb takes a side on it ("X denied that ...") -> X ``AGAINST`` the claim,
  ("X agreed that ...") -> ``FAVOR``.

Each rule returns entity ids from the pipeline's suggestions; the schema decides which relations
fit their labels (those that do not are dropped by the caller).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

import numpy
from spacy.attrs import IDX, LENGTH, LOWER
from spacy.strings import hash_string
from spacy.tokens import Doc

from ..model import ENTITY, Span
from . import lexicon as lx

ACTORS = ("PERSON", "ORG", "GPE", "NORP")
BACKING_PARTICIPLES = {"backed", "supported", "sponsored", "funded", "armed", "financed"}
LEADER_TITLES = {"head", "leader", "chief", "president", "chairman", "chairwoman", "commander", "king",
                 "emir", "premier", "chancellor", "founder", "ceo", "director", "secretary-general"}
AGAINST_VERBS = {"accused", "accuses", "accusing", "blamed", "blames", "criticised", "criticized", "criticises",
                 "criticizes", "condemned", "condemns", "attacked", "attacks", "denounced", "denounces",
                 "opposes", "opposed"}
FAVOR_VERBS = {"supports", "supported", "backs", "backed", "endorsed", "endorses", "favors", "favours",
               "welcomed", "welcomes", "favoring", "favouring", "supporting", "backing"}
CLAIM_AGAINST_VERBS = {"denied", "denies", "rejected", "rejects", "dismissed", "dismisses", "disputed",
                       "disputes", "refuted", "refutes"}
CLAIM_FAVOR_VERBS = {"agreed", "agrees", "welcomed", "welcomes", "endorsed", "endorses"}
MEMBERSHIP_NOUNS = {"ally", "allies", "member", "members", "partner", "partners"}
_TITLE_MODIFIERS = {"foreign", "defence", "defense", "interior", "prime", "deputy", "presidential", "former",
                    "intelligence", "army", "finance", "justice", "economy", "health", "senior", "top"}
_NEGATIONS = {"not", "n't", "never", "no"}
_STOP_TAILS = {"with", "to", "in", "for", "since", "from", "after", "before", "until", "while", "but", "as",
               "over", "at", "on", "of", "who", "which", "that"}


@dataclass(frozen=True)
class Found:
    kind: str      # "relation" or "stance"
    label: str     # relation label or polarity
    head: str      # span id (relation head, stance holder)
    tail: str      # span id (relation tail, stance target: an entity or a claim)
    score: float


class _Index:
    """Entity suggestions by token: which entity starts or ends at a token."""

    def __init__(self, doc: Doc, spans: list[Span]):
        self.doc = doc
        self.by_start: dict[int, tuple[Span, int, int]] = {}
        self.by_end: dict[int, tuple[Span, int, int]] = {}
        self.ordered: list[tuple[Span, int, int]] = []
        # The tokens' character offsets, read once as an array: a char_span per entity made a
        # Span object each (this and the token loops below were most of the rules' time).
        columns = doc.to_array([IDX, LENGTH, LOWER]) if len(doc) else None
        starts = columns[:, 0].tolist() if columns is not None else []
        ends = (columns[:, 0] + columns[:, 1]).tolist() if columns is not None else []
        #: Each token's lower-case form as its hash in the vocabulary's strings (see ``tokens_in``).
        self.lower = columns[:, 2] if columns is not None else None
        for span in spans:
            if span.layer != ENTITY:
                continue
            # As char_span(alignment_mode="expand"): the tokens the span's characters overlap.
            first = bisect_right(ends, span.start)
            last = bisect_left(starts, span.end) - 1
            if first > last:
                continue
            entry = (span, first, last + 1)
            self.by_start.setdefault(first, entry)
            self.by_end.setdefault(last + 1, entry)
            self.ordered.append(entry)
        self.ordered.sort(key=lambda e: e[1])

    def tokens_in(self, words) -> list[int]:
        """The indices of the tokens whose lower-case form is one of ``words``, in order, without
        making a Token object for every token of the document."""
        if self.lower is None:
            return []
        return numpy.flatnonzero(numpy.isin(self.lower, _hashes(words))).tolist()

    def sentence_of(self, i: int) -> tuple[int, int]:
        sent = self.doc[i].sent if self.doc.has_annotation("SENT_START") else None
        return (sent.start, sent.end) if sent is not None else (0, len(self.doc))

    def in_range(self, start: int, end: int, labels=ACTORS) -> list[tuple[Span, int, int]]:
        return [e for e in self.ordered if start <= e[1] and e[2] <= end and e[0].label in labels]


@lru_cache(maxsize=None)
def _hashes(words: frozenset) -> list[int]:
    return [hash_string(word) for word in words]


def find_links(doc: Doc, spans: list[Span], claims: list[tuple[Span, str | None, str | None]] = ()) -> list[Found]:
    """Relations and stances among ``spans`` (entity suggestions over ``doc``); ``claims`` are
    (claim, claimant id, reporting verb) for the claimant's stance toward its claim."""
    index = _Index(doc, spans)
    found: list[Found] = []
    found += _backed(doc, index)
    found += _roles(doc, index)
    found += _located(doc, index)
    found += _membership(doc, index)
    found += _stances(doc, index)
    for claim, claimant, verb in claims:
        if claimant is None or verb is None:
            continue
        if verb in CLAIM_AGAINST_VERBS:
            found.append(Found("stance", "AGAINST", claimant, claim.id, 0.6))
        elif verb in CLAIM_FAVOR_VERBS:
            found.append(Found("stance", "FAVOR", claimant, claim.id, 0.6))
    unique: dict[tuple, Found] = {}
    for item in found:
        if item.head != item.tail:
            unique.setdefault((item.kind, item.label, item.head, item.tail), item)
    return list(unique.values())


def _tight(doc: Doc, i: int) -> bool:
    return not doc[i].whitespace_


def _backed(doc: Doc, index: _Index) -> list[Found]:
    found = []
    for span, start, end in index.ordered:
        # "Turkish-backed GNA forces": the backer, a tight hyphen, a participle, then the backed.
        if end + 1 < len(doc) and doc[end].text == "-" and _tight(doc, end - 1) and _tight(doc, end) \
                and doc[end + 1].lower_ in BACKING_PARTICIPLES and span.label in ACTORS:
            for k in range(end + 2, min(len(doc), end + 5)):
                backed = index.by_start.get(k)
                if backed is not None and backed[0].label in ("ORG", "PERSON", "GPE"):
                    found.append(Found("relation", "BACKED_BY", backed[0].id, span.id, 0.7))
                    break
                if doc[k].is_punct:
                    break
    for i in index.tokens_in(frozenset(BACKING_PARTICIPLES)):
        tok = doc[i]
        # "... backed by X, Y and Z": the backers; the backed is the sentence's first actor.
        if tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "by":
            continue
        if tok.i > 0 and doc[tok.i - 1].text == "-":
            continue
        s_start, s_end = index.sentence_of(tok.i)
        subjects = [e for e in index.in_range(s_start, tok.i, ("PERSON", "ORG", "GPE"))]
        if not subjects:
            continue
        subject = subjects[0]
        for backer in _coordinated(doc, index, tok.i + 2, s_end):
            found.append(Found("relation", "BACKED_BY", subject[0].id, backer[0].id, 0.6))
    return found


def _coordinated(doc: Doc, index: _Index, i: int, limit: int) -> list[tuple[Span, int, int]]:
    """"X, the Y and Z" from token i: entities joined by commas and "and", after up to three
    words that lead to them ("powers including")."""
    result = []
    lead = 0
    while i < limit:
        entry = index.by_start.get(i)
        if entry is not None and entry[0].label in ACTORS:
            result.append(entry)
            i = entry[2]
            # A joiner, then another entity, or stop.
            j = i
            while j < limit and (doc[j].text == "," or doc[j].lower_ in ("and", "the", "or")):
                j += 1
            if j == i or j >= limit or index.by_start.get(j) is None:
                break
            i = j
            continue
        if result or lead >= 3 or doc[i].is_punct or doc[i].lower_ in _STOP_TAILS:
            break
        lead += 1
        i += 1
    return result


def _roles(doc: Doc, index: _Index) -> list[Found]:
    found = []
    for person, start, end in index.ordered:
        if person.label != "PERSON":
            continue
        # "Russian Foreign Minister Sergei Lavrov", "GNA head Fayez al-Sarraj", "Turkey's foreign minister X".
        k = start - 1
        titles = []
        while k >= 0 and k + 1 not in index.by_end and (
                doc[k].lower_ in lx.PERSON_TITLES or (doc[k].text[:1].isupper() and doc[k].is_alpha)
                or doc[k].lower_ in _TITLE_MODIFIERS):
            if doc[k].lower_ in lx.PERSON_TITLES:
                titles.append(k)
            k -= 1
            if len(titles) > 3 or start - k > 5:
                break
        if titles and k >= 0:
            if doc[k].text in ("’s", "'s") and k - 1 >= 0:
                k -= 1
            organisation = index.by_end.get(k + 1)
            if organisation is not None and organisation[0].label in ("ORG", "GPE", "NORP"):
                leader = (doc[organisation[2]].lower_ in LEADER_TITLES and organisation[2] == start - 1
                          and organisation[0].label != "NORP") or \
                         (doc[organisation[2]].lower_ in LEADER_TITLES and organisation[2] + 1 == start)
                found.append(Found("relation", "LEADS" if leader else "ROLE_IN", person.id, organisation[0].id, 0.65))
        # "X, the Turkish presidential spokesman": an apposition that names the organisation.
        if end + 2 < len(doc) and doc[end].text == ",":
            j = end + 1
            if doc[j].lower_ in ("the", "a", "an"):
                j += 1
            organisation = index.by_start.get(j)
            if organisation is not None and organisation[0].label in ("ORG", "GPE", "NORP"):
                k = organisation[2]
                words = 0
                while k < len(doc) and words < 3 and doc[k].lower_ not in lx.PERSON_TITLES and doc[k].is_alpha:
                    k += 1
                    words += 1
                if k < len(doc) and doc[k].lower_ in lx.PERSON_TITLES:
                    leader = doc[k].lower_ in LEADER_TITLES and k == organisation[2]
                    found.append(Found("relation", "LEADS" if leader else "ROLE_IN", person.id,
                                       organisation[0].id, 0.65))
        # "Haftar's LNA forces": a person's organisation.
        if end + 1 < len(doc) and doc[end].text in ("’s", "'s"):
            organisation = index.by_start.get(end + 1)
            if organisation is not None and organisation[0].label == "ORG":
                found.append(Found("relation", "LEADS", person.id, organisation[0].id, 0.5))
    return found


def _located(doc: Doc, index: _Index) -> list[Found]:
    found = []
    for org, start, end in index.ordered:
        if org.label not in ("ORG", "FAC"):
            continue
        k = end
        if k < len(doc) and doc[k].text in ("(", "["):  # "(GNA)"
            close = next((j for j in range(k + 1, min(len(doc), k + 6)) if doc[j].text in (")", "]")), None)
            if close is None:
                continue
            k = close + 1
        if k + 1 < len(doc) and doc[k].lower_ == "based" and doc[k + 1].lower_ == "in":
            k += 1
        if k + 1 < len(doc) and doc[k].lower_ == "in":
            place = index.by_start.get(k + 1)
            if place is not None and place[0].label == "GPE":
                found.append(Found("relation", "LOCATED_IN", org.id, place[0].id, 0.55))
    return found


def _membership(doc: Doc, index: _Index) -> list[Found]:
    found = []
    for org, start, end in index.ordered:
        if org.label != "ORG" or end >= len(doc) or doc[end].lower_ not in MEMBERSHIP_NOUNS:
            continue
        member = index.by_start.get(end + 1)  # "NATO member Turkey"
        if member is None or member[0].label not in ("GPE", "ORG"):
            s_start, _ = index.sentence_of(start)
            # "France ... is an important NATO ally": the sentence's first actor, before a copula.
            first = index.in_range(s_start, start, ("GPE", "ORG"))
            between = {t.lower_ for t in doc[first[0][2]:start]} if first else set()
            member = first[0] if first and between & {"is", "was", "remains", "became", "are"} else None
        if member is not None:
            found.append(Found("relation", "MEMBER_OF", member[0].id, org.id, 0.55))
    return found


def _stances(doc: Doc, index: _Index) -> list[Found]:
    found = []
    for i in index.tokens_in(frozenset(AGAINST_VERBS | FAVOR_VERBS)):
        tok = doc[i]
        verb = tok.lower_
        k = tok.i
        while k > 0 and doc[k - 1].lower_ in ("also", "strongly", "repeatedly", "has", "have", "had", "openly",
                                              "again", "earlier", "long", "been", "of", "suspected"):
            k -= 1
        if k > 0 and doc[k - 1].lower_ in _NEGATIONS:
            continue
        holder = index.by_end.get(k)
        if holder is None and k >= 2 and doc[k - 1].lower_ in ("which", "who") and doc[k - 2].text == ",":
            holder = index.by_end.get(k - 2)  # "France, which has long been suspected of favoring Haftar"
        if holder is None or holder[0].label not in ACTORS:
            continue
        j = tok.i + 1
        if j < len(doc) and doc[j].lower_ == "the":
            j += 1
        target = index.by_start.get(j)
        if target is None or target[0].label not in ACTORS:
            continue
        if verb in FAVOR_VERBS and verb.endswith("ing") and doc[k - 1].lower_ not in ("which", "who", "of"):
            continue  # "by supporting Haftar": whose support is not said here
        polarity = "AGAINST" if verb in AGAINST_VERBS else "FAVOR"
        found.append(Found("stance", polarity, holder[0].id, target[0].id, 0.6))
    return found
