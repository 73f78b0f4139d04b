"""Claims from the cues news text gives: quotations and reporting verbs.

``marginalia_claims`` is a pipeline component that writes candidate claims to
``doc.spans[CLAIMS_KEY]`` with a score per span (in the group's ``attrs["scores"]``, as spaCy's
spancat does). :func:`attribute` finds who makes a claim (the claimant) and with which verb, for
the claims of any pipeline: the entity next to a reporting verb after or before the quotation
("..., Kalın said", "Kalın said: ..."), the previous speaker for "he said", or the speaker of the
quotation just before when a paragraph carries on quoting.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from . import lexicon as lx

CLAIMS_KEY = "claims"
OPENING_QUOTES = ("“", '"', "‘", "«", "„")
SPEAKER_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_QUOTES = [re.compile(r"“([^“”\n]+)”"), re.compile(r'"([^"\n]+)"'), re.compile(r"‘([^‘’\n]+?)’(?!\w)"),
           re.compile(r"«([^«»\n]+)»")]
_TRAILING = {",", ";", ":", "—", "--", "-", "."}
#: A claim after a reporting verb ends before a participle clause that comments on it
#: ("..., referring to ...") or before a second speech act ("... and called ...").
_CUT_PARTICIPLES = {"referring", "adding", "saying", "noting", "citing", "stressing", "calling", "urging",
                    "warning", "arguing", "insisting", "explaining", "according"}
_CUT_VERBS = {"called", "urged", "warned", "said", "added", "accused", "vowed", "demanded", "asked", "denied",
              "described", "dismissed", "rejected", "stressed", "noted"}
_OPENING_CLOSING = {"“": "”", '"': '"', "‘": "’", "«": "»"}
_ADVERBS = {"earlier", "also", "later", "then", "has", "had", "again", "once", "repeatedly", "on", "further"}
MIN_TOKENS = 4


@Language.factory("marginalia_claims",
                  default_config={"min_tokens": MIN_TOKENS, "key": CLAIMS_KEY, "require_speaker": True})
def make_claims(nlp: Language, name: str, min_tokens: int, key: str, require_speaker: bool):
    """``key``: the span group written; a trained pipeline uses this component with
    ``key="claim_candidates"`` and ``require_speaker=False`` to propose candidates to spancat."""
    return ClaimFinder(min_tokens, key=key, require_speaker=require_speaker)


class ClaimFinder:
    def __init__(self, min_tokens: int = MIN_TOKENS, *, key: str = CLAIMS_KEY, require_speaker: bool = True):
        self.min_tokens = min_tokens
        self.key = key
        self.require_speaker = require_speaker

    def __call__(self, doc: Doc) -> Doc:
        spans, scores = [], []
        quoted: list[Span] = []
        for pattern in _QUOTES:
            for match in pattern.finditer(doc.text):
                if _in_headline(doc.text, match.start()):
                    continue
                span = _content_span(doc, match.start(1), match.end(1))
                if span is None or sum(1 for t in span if not t.is_punct) < self.min_tokens:
                    continue
                if any(span.start < q.end and q.start < span.end for q in quoted):
                    continue
                quoted.append(span)
        ents = Ents(doc)
        for span in quoted:
            spans.append(span)
            scores.append(None)
        for tok in doc:
            if tok.lower_ not in lx.REPORTING_VERBS or tok.text[:1].isupper():
                continue
            span = _clause_after(doc, tok.i)
            if span is None or sum(1 for t in span if not t.is_punct) < self.min_tokens:
                continue
            if any(span.start < q.end and q.start < span.end for q in quoted):
                continue
            if self.require_speaker and _speaker_before(doc, tok.i, ents) is None:
                continue
            if _after_quote(doc, tok.i):
                continue
            spans.append(span)
            scores.append(0.5)
        order = sorted(range(len(spans)), key=lambda k: (spans[k].start, spans[k].end))
        ordered = [spans[k] for k in order]
        # Who says each claim, found once here; the conversion reads it from the group's attrs
        # (plain lists, so the Doc still serialises for multiprocessing).
        attributions = attribute_all(doc, ordered, ents)
        final_scores, claimants, verbs = [], [], []
        for k, attribution in zip(order, attributions):
            score = scores[k]
            if score is None:
                score = 0.7 if attribution.claimant is not None else 0.45
            final_scores.append(float(score))
            c = attribution.claimant
            claimants.append([c.start_char, c.end_char] if c is not None else None)
            verbs.append(attribution.verb)
        doc.spans[self.key] = SpanGroup(doc, name=self.key, spans=ordered,
                                        attrs={"scores": final_scores, "claimants": claimants, "verbs": verbs})
        return doc


_ENDS = {".", "!", "?"}


def _in_headline(text: str, at: int) -> bool:
    """A quotation in a line with no closing punctuation (a headline's scare quotes) is no claim."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    line = text[start:end if end >= 0 else len(text)].rstrip()
    return not line.rstrip("”\"’»").endswith((".", "!", "?", ":", ";"))


def _sent_start(doc: Doc, i: int) -> bool:
    """Sentence starts from the pipeline where it sets them, else from punctuation and line breaks."""
    if doc.has_annotation("SENT_START"):
        return bool(doc[i].is_sent_start)
    return i == 0 or doc[i - 1].text in _ENDS or "\n" in doc[i - 1].text


def _sent_end(doc: Doc, i: int) -> int:
    if doc.has_annotation("SENT_START"):
        return doc[i].sent.end
    j = i + 1
    while j < len(doc) and not _sent_start(doc, j):
        j += 1
    return j


def _after_quote(doc: Doc, verb: int) -> bool:
    """The verb attributes a quotation just before it (",” Kalın told AFP ..."): no new claim."""
    for k in range(verb - 1, max(-1, verb - 5), -1):
        if doc[k].text in ("”", '"', "’", "»"):
            return True
        if _sent_start(doc, k) and k < verb - 1:
            break
    return False


def _content_span(doc: Doc, start: int, end: int) -> Span | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    s, e = span.start, span.end
    while s < e and (doc[s].is_space or doc[s].text in OPENING_QUOTES):
        s += 1
    while e > s and (doc[e - 1].is_space or doc[e - 1].text in _TRAILING or doc[e - 1].text in ("”", '"', "’")):
        e -= 1
    return doc[s:e] if e > s else None


def _clause_after(doc: Doc, verb: int) -> Span | None:
    """What follows a reporting verb up to the end of its sentence ("said (that) ...")."""
    sent_end = _sent_end(doc, verb)
    s = verb + 1
    if s >= sent_end or doc[s].is_punct or doc[s].text in OPENING_QUOTES:
        return None
    for j in range(s, min(sent_end, s + 6)):
        if doc[j].lower_ == "that":
            s = j + 1
            break
    e = sent_end
    for j in range(s + 1, sent_end - 1):
        if (doc[j].text == "," and doc[j + 1].lower_ in _CUT_PARTICIPLES) or \
                (doc[j].lower_ == "and" and doc[j + 1].lower_ in _CUT_VERBS and doc[j - 1].text != ","):
            e = j
            break
    while e > s and (doc[e - 1].is_punct or doc[e - 1].is_space):
        e -= 1
    if e > s and e < len(doc) and _closes_open_quote(doc[s:e].text, doc[e].text):
        e += 1  # 'a "wrong policy"': the closing quote of a quotation the claim holds
    return doc[s:e] if e > s else None


def _closes_open_quote(text: str, following: str) -> bool:
    for opening, closing in _OPENING_CLOSING.items():
        if following != closing:
            continue
        if opening == closing:
            return text.count(opening) % 2 == 1
        return text.count(opening) > text.count(closing)
    return False


class Ents:
    """``doc.ents`` read once (each read of ``doc.ents`` builds new Span objects), indexed."""

    def __init__(self, doc: Doc):
        self.all = tuple(doc.ents)
        self.by_end = {e.end: e for e in self.all if e.label_ in SPEAKER_LABELS}
        self.by_start = {e.start: e for e in self.all if e.label_ in SPEAKER_LABELS}


def _speaker_before(doc: Doc, verb: int, ents: Ents):
    """The entity or pronoun right before a reporting verb ("Kalın said", "he also said")."""
    k = verb
    while k > 0 and doc[k - 1].lower_ in _ADVERBS:
        k -= 1
    ent = ents.by_end.get(k)
    if ent is not None:
        return ent
    if k > 0 and doc[k - 1].lower_ in lx.PRONOUNS:
        return doc[k - 1]
    if k > 1 and doc[k - 1].text == ",":
        # An apposition between the speaker and the verb: "İbrahim Kalın, the Turkish presidential
        # spokesman, said ...".
        for j in range(k - 3, max(0, k - 14), -1):
            if doc[j].text in (".", "\n") or _sent_start(doc, j + 1) and j + 1 < k - 1:
                break
            if doc[j].text == "," and ents.by_end.get(j) is not None:
                return ents.by_end[j]
    return None


@dataclass
class Attribution:
    claimant: Span | None
    verb: str | None


def attribute(doc: Doc, claim: Span, previous: list[Attribution], index: int,
              ents: Ents | None = None) -> tuple[Span | None, str | None]:
    """The claimant entity (a Span of ``doc.ents``, or None) and the reporting verb of a claim.

    ``previous`` holds the attributions of the claims before this one, for pronouns and for
    paragraphs that carry on a quotation.
    """
    ents = ents or Ents(doc)
    sent_end = _sent_end(doc, claim.end - 1) if len(claim) else claim.end
    quoted = claim.start > 0 and (doc[claim.start - 1].text in OPENING_QUOTES)
    if quoted:
        # After the quotation: ", Kalın said" / ", he said" / "read a statement issued by the X".
        j = claim.end
        while j < len(doc) and (doc[j].is_punct or doc[j].is_space) and j < claim.end + 4:
            j += 1
        window_end = min(len(doc), max(sent_end, j + 1), j + 15)
        verb = None
        for k in range(claim.end, window_end):
            if "\n" in doc[k].text:
                window_end = k
                break
        for k in range(j, min(window_end, j + 4)):
            if doc[k].lower_ in lx.REPORTING_VERBS:
                verb = doc[k].lower_
                speaker = _speaker_before(doc, k, ents) if k > j else None
                if speaker is not None:
                    return _resolve(doc, speaker, previous, ents), verb
                after = ents.by_start.get(k + 1)
                if after is not None:
                    return after, verb
        for ent in ents.all:
            if j <= ent.start < window_end and ent.label_ in ("PERSON", "ORG"):
                return ent, verb
        if j < len(doc) and doc[j].lower_ in lx.PRONOUNS and verb is not None:
            return _resolve(doc, doc[j], previous, ents), verb
    # Before the claim, in its sentence: "Kalın said: ..." / "Kalın said a ceasefire ...".
    start = claim.start - 1 if quoted else claim.start
    k = start - 1
    while k >= 0 and (doc[k].is_punct or doc[k].is_space or doc[k].lower_ == "that") and k > start - 4:
        k -= 1
    for v in range(k, max(-1, k - 6), -1):
        if doc[v].lower_ in lx.REPORTING_VERBS:
            speaker = _speaker_before(doc, v, ents)
            return (_resolve(doc, speaker, previous, ents) if speaker is not None else None), doc[v].lower_
    # A paragraph that carries on quoting the previous speaker.
    if quoted and previous and previous[-1].claimant is not None:
        before = doc.text[:claim.start_char - 1].rstrip(" \t")
        if before.endswith("\n") or not before:
            return previous[-1].claimant, previous[-1].verb
    return None, None


def _resolve(doc: Doc, speaker, previous: list[Attribution], ents: Ents) -> Span | None:
    if isinstance(speaker, Span):
        return speaker
    pronoun = speaker.lower_
    wanted = ("PERSON",) if pronoun in ("he", "she", "i") else ("ORG", "GPE", "NORP")
    for attribution in reversed(previous):
        if attribution.claimant is not None and attribution.claimant.label_ in wanted:
            return attribution.claimant
    if pronoun in ("he", "she"):
        candidates = [e for e in ents.all if e.end <= speaker.i and e.label_ == "PERSON"]
        return candidates[-1] if candidates else None
    # "Turkey and Russia ... as they reiterate": the sentence's first organisation or country.
    sentence_start = speaker.i
    while sentence_start > 0 and not _sent_start(doc, sentence_start):
        sentence_start -= 1
    subjects = [e for e in ents.all if sentence_start <= e.start and e.end <= speaker.i and e.label_ in wanted]
    return subjects[0] if subjects else None


def attribute_all(doc: Doc, claims: list[Span], ents: Ents | None = None) -> list[Attribution]:
    result: list[Attribution] = []
    ents = ents or Ents(doc)
    for index, claim in enumerate(claims):
        claimant, verb = attribute(doc, claim, result, index, ents)
        result.append(Attribution(claimant, verb))
    return result
