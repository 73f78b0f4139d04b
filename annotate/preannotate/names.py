"""Names the gazetteers do not know: capitalised sequences, read with the cues around them.

A pipeline component (``marginalia_names``) that runs after the entity ruler. It finds runs
of capitalised tokens and decides, from cheap evidence, whether a run is a person, an
organisation or a place:

* a title before the name ("Foreign Minister Mevlüt Çavuşoğlu", "dictator Moamer Kadhafi");
* an organisation word inside it ("Russian Foreign Ministry", "Government of National Accord");
* an apposition after it ("Sirte, a coastal city", "İbrahim Kalın, the ... spokesman");
* a reporting verb after it ("Kalın said");
* a place preposition or noun before it ("toward Sirte", "the towns of Sirte");
* coordination with an entity already known ("Sirte and al-Jufra");
* the rest of the document: a surname seen in a full name is the same person later on, and one
  surface string keeps one label throughout the text ("one sense per discourse").

Every entity gets a score in ``doc.spans[SCORES_KEY].attrs["scores"]``; guesses from weak
evidence get low scores, so a reviewer (or a threshold) can tell them apart.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from . import lexicon as lx
from .claims import _sent_start

SCORES_KEY = "marginalia.ents"

#: Scores for entities from the entity ruler, by pattern id.
RULER_SCORES = {"gazetteer": 0.9, "number": 0.8, "date": 0.8, "relative_date": 0.6, "vague_date": 0.4}


def _is_cap(token) -> bool:
    text = token.text
    if not text[:1].isupper() or not any(c.isalpha() for c in text):
        return False
    # "U.N.-recognised" is an adjective made from a name, not a name.
    for i, ch in enumerate(text[:-1]):
        if ch == "-" and text[i + 1].islower():
            return False
    return True


def _tight(doc: Doc, i: int) -> bool:
    """No white space between token i and token i + 1."""
    return not doc[i].whitespace_


def _is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return 2 <= len(letters) <= 6 and all(c.isupper() for c in letters) and all(c.isalpha() or c == "." for c in text)


@dataclass
class Candidate:
    start: int
    end: int  # token indices [start, end)
    text: str
    label: str | None = None
    score: float = 0.0
    strong: bool = False  # overrides gazetteer entities inside it
    sentence_initial: bool = False

    def offer(self, label: str, score: float) -> None:
        if score > self.score:
            self.label, self.score = label, score


def _runs(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of capitalised sequences, joined over tight hyphens, name particles and
    the connectors of organisation names ("of", "for", "and")."""
    runs: list[tuple[int, int]] = []
    n = len(doc)
    i = 0
    while i < n:
        start = i
        if _particle_joins(doc, i):
            i = _skip_particle(doc, i)
        elif _is_cap(doc[i]):
            i += 1
        else:
            i += 1
            continue
        while i < n:
            tok = doc[i]
            if _is_cap(tok) and doc[i - 1].text not in ("’s", "'s"):
                i += 1
            elif tok.text == "-" and _tight(doc, i - 1) and i + 1 < n and _tight(doc, i) and _is_cap(doc[i + 1]):
                i += 2
            elif _particle_joins(doc, i):
                i = _skip_particle(doc, i)
            elif tok.lower_ in lx.ORG_CONNECTORS and tok.text.islower() and i + 1 < n and _is_cap(doc[i + 1]):
                i += 1  # tentatively; split again below when the run is not an organisation
            else:
                break
        # A run never ends on a connector.
        while i > start and doc[i - 1].lower_ in lx.ORG_CONNECTORS and doc[i - 1].text.islower():
            i -= 1
        if i > start:
            runs.append((start, i))
        else:
            i = start + 1
    return runs


#: Particles that join a name only with a hyphen ("Abd at-Tawwab"): spaced, they are English words
#: ("economists at Nordvik Bank").
_HYPHEN_ONLY_PARTICLES = frozenset({"at", "as", "ad", "az", "ash"})


def _particle_joins(doc: Doc, i: int) -> bool:
    """"al-Sarraj", "al Sarraj", "van Gogh": a lower-case particle followed by a capitalised word."""
    tok = doc[i]
    if tok.text not in lx.NAME_PARTICLES and tok.text.lower() not in ("al", "el"):
        return False
    if tok.text[:1].isupper() and tok.text.lower() not in ("al", "el"):
        return False
    if i + 2 < len(doc) and doc[i + 1].text == "-" and _tight(doc, i) and _tight(doc, i + 1) and _is_cap(doc[i + 2]):
        return True
    if tok.text in _HYPHEN_ONLY_PARTICLES:
        return False
    j = i + 1
    while j < len(doc) and j < i + 3 and doc[j].text in lx.NAME_PARTICLES:
        j += 1  # "von der Leyen", "bin al-..."
    return j < len(doc) and tok.text.islower() and _is_cap(doc[j]) and i > 0 and _is_cap(doc[i - 1])


def _skip_particle(doc: Doc, i: int) -> int:
    if doc[i + 1].text == "-":
        return i + 3
    j = i + 1
    while doc[j].text in lx.NAME_PARTICLES:
        j += 1
    return j + 1


def _split_connectors(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    parts, s = [], start
    for i in range(start, end):
        if doc[i].lower_ in lx.ORG_CONNECTORS and doc[i].text.islower():
            if i > s:
                parts.append((s, i))
            s = i + 1
    if end > s:
        parts.append((s, end))
    return parts


def _strip_leading(doc: Doc, start: int, end: int) -> int:
    while start < end and doc[start].lower_.rstrip(".") in lx.NOT_NAMES:
        start += 1
    return start


@Language.factory("marginalia_names", default_config={"min_single_score": 0.2})
def make_names(nlp: Language, name: str, min_single_score: float):
    return NameFinder(min_single_score)


class NameFinder:
    def __init__(self, min_single_score: float = 0.2):
        self.min_single_score = min_single_score

    def __call__(self, doc: Doc) -> Doc:
        words = {t.lower_ for t in doc}
        self._sports = len(words & lx.SPORTS_CUES) >= 2
        ruler_ents = [e for e in doc.ents if not _after_inter(doc, e)]
        self._inter = {i for i in range(1, len(doc)) if _after_inter_token(doc, i)}
        owner = {}
        for ent in ruler_ents:
            for i in range(ent.start, ent.end):
                owner[i] = ent
        strong: list[Candidate] = []
        weak: list[Candidate] = []
        for start, end in _runs(doc):
            self._classify_run(doc, start, end, owner, strong, weak)

        # Evidence from the whole document: surnames of the people found, and one label per
        # surface string.
        people: set[str] = set()
        for cand in strong + weak:
            if cand.label == "PERSON" and cand.score >= 0.5 and cand.end - cand.start >= 2:
                people.add(cand.text)
                for i in range(cand.start + 1, cand.end):
                    if _is_cap(doc[i]) and doc[i - 1].text != "-":
                        tail = doc[i:cand.end].text
                        people.add(tail if not doc[i - 1].text.islower() else tail)
                    if doc[i].text == "-" and doc[i - 1].text.lower() in ("al", "el"):
                        people.add(doc[i - 1:cand.end].text)
        best: dict[str, tuple[float, str]] = {}
        # A short form of an organisation named in full: "Caldera" after "Caldera Mining Corporation".
        for cand in strong:
            if cand.label == "ORG" and cand.end - cand.start >= 2:
                end = cand.end
                while end > cand.start + 1 and doc[end - 1].text in lx.ORG_KEYWORDS:
                    end -= 1
                    alias = doc[cand.start:end].text
                    if cand.start not in owner and not any(doc[i].lower_ in lx.ORG_CONNECTORS
                                                           for i in range(cand.start, end)):
                        best.setdefault(_key(alias), (0.7, "ORG"))
        for cand in weak:
            if cand.text in people:
                cand.offer("PERSON", 0.65)
            if cand.label and cand.score >= 0.3:
                if cand.score > best.get(_key(cand.text), (0.0, ""))[0]:
                    best[_key(cand.text)] = (cand.score, cand.label)
        for cand in strong:
            if cand.score > best.get(_key(cand.text), (0.0, ""))[0]:
                best[_key(cand.text)] = (cand.score, cand.label)
        for cand in weak:
            known = best.get(_key(cand.text))
            if known and (cand.label is None or known[0] > cand.score + 0.15):
                cand.label, cand.score = known[1], max(cand.score, round(known[0] * 0.9, 2))

        # Coordination once more, now that the candidates have labels: "Sirte and al-Jufra".
        labelled = {}
        for cand in weak:
            if cand.label and cand.score >= 0.5:
                labelled[cand.start] = labelled[cand.end - 1] = cand
        for cand in weak:
            if cand.score >= 0.45:
                continue
            for other in (_neighbour(doc, cand.start - 1, -1, labelled, ("and", "or")),
                          _neighbour(doc, cand.end, +1, labelled, ("and", "or"))):
                if other is not None and other.label in ("GPE", "ORG"):
                    cand.label, cand.score = other.label, 0.45

        chosen: list[tuple[Span, float]] = []
        taken: set[int] = set()

        def take(span: Span, score: float) -> None:
            if any(i in taken for i in range(span.start, span.end)):
                return
            taken.update(range(span.start, span.end))
            chosen.append((span, score))

        for cand in sorted(strong, key=lambda c: -c.score):
            take(Span(doc, cand.start, cand.end, label=cand.label), cand.score)
        for ent in ruler_ents:
            take(ent, RULER_SCORES.get(ent.ent_id_, 0.7))
        for cand in sorted(weak, key=lambda c: -c.score):
            if cand.label is None:
                continue
            single = cand.end - cand.start == 1
            if cand.sentence_initial and cand.score < 0.3:
                continue
            if single and cand.score < self.min_single_score:
                continue
            take(Span(doc, cand.start, cand.end, label=cand.label), cand.score)
        chosen.sort(key=lambda pair: pair[0].start)
        doc.ents = [Span(doc, s.start, s.end, label=s.label) for s, _ in chosen]
        doc.spans[SCORES_KEY] = SpanGroup(doc, name=SCORES_KEY, spans=[s for s, _ in chosen],
                                          attrs={"scores": [float(score) for _, score in chosen],
                                                 "offsets": [[s.start_char, s.end_char, s.label_] for s, _ in chosen]})
        return doc

    def _classify_run(self, doc: Doc, start: int, end: int, owner: dict, strong: list, weak: list) -> None:
        first = start
        start = _strip_leading(doc, start, end)
        if start >= end or start in self._inter:
            return
        tokens = doc[start:end]
        # Two organisations joined by "and": "Nordvik Bank and Halden Securities".
        def named(a: int, b: int) -> bool:
            return any(doc[k].text in lx.ORG_KEYWORDS or (self._sports and doc[k].text in lx.SPORTS_NAME_WORDS)
                       for k in range(a, b))

        for i in range(start + 1, end - 1):
            if doc[i].lower_ == "and" and doc[i].text.islower() and (
                    doc[i - 1].text in lx.ORG_KEYWORDS or (named(start, i) and named(i + 1, end))):
                self._classify_run(doc, start, i, owner, strong, weak)
                self._classify_run(doc, i + 1, end, owner, strong, weak)
                return
        # A facility: "Eastgate International Airport", "the Old Harbour Bridge".
        if doc[end - 1].text in lx.FAC_KEYWORDS and end - start >= 2 or \
                (doc[end - 1].text in lx.FAC_KEYWORDS and start > first):
            if start > first and doc[start - 1].lower_ in ("old", "new", "great", "grand"):
                start -= 1
            if not (start in owner and owner[start].start == start and owner[start].end == end):
                strong.append(Candidate(start, end, doc[start:end].text, "FAC", 0.6, True))
            return
        has_org_word = any(t.text in lx.ORG_KEYWORDS for t in tokens) or (
            self._sports and end - start >= 2 and any(t.text in lx.SPORTS_NAME_WORDS for t in tokens))
        if has_org_word and end - start == 1 and (start == 0 or _sent_start(doc, start)
                                                   or "\n" in doc[start - 1].text):
            # "Police used tear gas": a keyword alone at a sentence start is a common noun.
            return
        # An organisation's name may hold "of", "for", "and" ("Government of National Accord").
        if not has_org_word and any(t.lower_ in lx.ORG_CONNECTORS and t.text.islower() for t in tokens):
            for s, e in _split_connectors(doc, start, end):
                self._classify_run(doc, s, e, owner, strong, weak)
            return
        # Exactly a gazetteer entity: nothing to add.
        if start in owner and owner[start].start == start and owner[start].end == end:
            return
        # A title inside the run: what follows it is a person ("Foreign Minister Sergei Lavrov").
        title_at = max((i for i in range(start, end) if doc[i].lower_ in lx.PERSON_TITLES), default=None)
        if title_at is not None and not has_org_word:
            rest = _strip_leading(doc, title_at + 1, end)
            if rest < end and not (rest in owner and owner[rest].end >= end and owner[rest].label_ != "PERSON"
                                   and owner[rest].start == rest and end - rest == 1):
                strong.append(Candidate(rest, end, doc[rest:end].text, "PERSON", 0.85, True))
            return
        if has_org_word:
            last_org = max((i for i in range(start, end) if doc[i].text in lx.ORG_KEYWORDS), default=end - 1)
            if last_org + 1 < end and any(doc[i].lower_ in lx.PERSON_TITLES for i in range(last_org + 1, end)):
                end = last_org + 1
            if not (end - start == 1 and start in owner):
                strong.append(Candidate(start, end, doc[start:end].text, "ORG", 0.6, True))
            return
        # Parts of the run that the gazetteers already label stay theirs; the rest are candidates.
        s = start
        for i in range(start, end + 1):
            if i == end or i in owner:
                if i > s:
                    sub_start = _trim_joiners(doc, s, i)
                    sub_end = _trim_joiners_end(doc, sub_start, i)
                    if sub_end > sub_start:
                        weak.append(self._weak(doc, sub_start, sub_end, owner))
                s = i + 1

    def _weak(self, doc: Doc, start: int, end: int, owner: dict) -> Candidate:
        text = doc[start:end].text
        cand = Candidate(start, end, text, sentence_initial=_sent_start(doc, start) or start == 0
                         or doc[start - 1].text in ("“", '"', "‘", "(", "--", "—", "\n") or "\n" in doc[start - 1].text)
        single = " " not in text and all(_tight(doc, i) for i in range(start, end - 1))
        if single and _is_acronym(text):
            cand.offer("ORG", 0.45)
        elif not single:
            cand.offer("PERSON", 0.35)
        else:
            cand.offer("PERSON", 0.2)
        prev = doc[start - 1] if start > 0 else None
        prev2 = doc[start - 2] if start > 1 else None
        nxt = doc[end] if end < len(doc) else None
        if prev is not None and prev.lower_ in lx.PERSON_TITLES and prev.text.islower():
            cand.offer("PERSON", 0.8)
        if prev is not None and prev.lower_ in lx.ORG_DESCRIPTORS and prev.text.islower():
            cand.offer("ORG", 0.75)
        if nxt is not None and nxt.text == ",":
            cue = _apposition_cue(doc, end + 1)
            if cue:
                cand.offer(cue, 0.7)
        verb = nxt
        if verb is not None and verb.lower_ in ("earlier", "also", "later", "then", "has", "had", "on"):
            verb = doc[end + 1] if end + 1 < len(doc) else None
        if verb is not None and verb.lower_ in lx.REPORTING_VERBS:
            cand.offer("ORG" if _is_acronym(text) else "PERSON", 0.55)
        if prev is not None and prev.lower_ == "of" and prev2 is not None and prev2.lower_ in lx.PLACE_OF_NOUNS:
            cand.offer("GPE", 0.6)
        elif prev is not None and prev.lower_ in lx.PLACE_PREPOSITIONS and prev.text.islower() and not _is_acronym(text):
            cand.offer("GPE", 0.4)
        # Coordination: "Sirte and al-Jufra", "Egypt and Sirte".
        for other in (_neighbour(doc, start - 1, -1, owner), _neighbour(doc, end, +1, owner)):
            if other is not None and other.label_ in ("GPE", "PERSON", "ORG"):
                cand.offer(other.label_, 0.45)
        return cand


def _after_inter(doc: Doc, ent: Span) -> bool:
    """"inter-Libyan dialogue" speaks of no nationality."""
    return ent.label_ == "NORP" and _after_inter_token(doc, ent.start)


def _after_inter_token(doc: Doc, i: int) -> bool:
    return (i >= 2 and doc[i - 1].text == "-" and doc[i - 2].lower_ == "inter"
            and _tight(doc, i - 2) and _tight(doc, i - 1))


def _key(text: str) -> str:
    return text.casefold()


def _trim_joiners(doc: Doc, s: int, e: int) -> int:
    while s < e and (doc[s].text == "-" or (doc[s].text.islower() and doc[s].text not in ("al", "el"))):
        s += 1
    return s


def _trim_joiners_end(doc: Doc, s: int, e: int) -> int:
    while e > s and (doc[e - 1].text == "-" or doc[e - 1].text.islower()):
        e -= 1
    return e


def _apposition_cue(doc: Doc, i: int) -> str | None:
    for j in range(i, min(len(doc), i + 8)):
        tok = doc[j]
        if tok.is_punct and tok.text not in ("-",):
            return None
        for label, cues in lx.APPOSITION_CUES.items():
            if tok.lower_ in cues and tok.text.islower():
                return label
        if tok.lower_ in ("who", "which", "that", "is", "was", "has", "said"):
            return None
    return None


def _neighbour(doc: Doc, i: int, step: int, owner: dict, joiners=("and", "or", ",")):
    """The entity across "and" / "or" / "," next to a candidate, if it is a gazetteer entity."""
    if not 0 <= i < len(doc) or doc[i].lower_ not in joiners:
        return None
    j = i + step
    if not 0 <= j < len(doc):
        return None
    return owner.get(j)
