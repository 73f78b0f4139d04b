"""Who makes a claim: the claimant the window proposes, found as the pre-annotator finds it.

One reading of the cues, shared with ``annotate.preannotate.claims.attribute``: the entity next
to a reporting verb after or before the claim ("..., Kalın said", "Kalın said a ceasefire ..."),
the previous speaker for "he said", the speaker of the quotation before when a paragraph carries
on quoting. What it reads are the window's own entities and claims, so a claimant a person
chose for an earlier claim is the speaker a later "he" refers to.
"""
from __future__ import annotations

from .model import CLAIM, ENTITY, REJECTED, SUGGESTED
from .model import Span as Annotation

#: Text read around the claim: enough for a "he said" to find the speaker paragraphs before,
#: and a bound on the work, whatever the document's length.
_BEFORE, _AFTER = 4000, 600


def default_claimant(text: str, start: int, end: int, entities: list[Annotation],
                     claims: list[Annotation] = ()) -> str | None:
    """The id of the entity most likely to be the source of the claim ``[start, end)``, or None.

    ``entities``: the document's entities (suggestions included); ``claims``: its other claims,
    whose claimants stand for the speaker of a later "he said".
    """
    from .preannotate.claims import Ents, _content_span, attribute

    left, right = _widen(text, start - _BEFORE, end + _AFTER)
    doc, id_of = _doc_with_entities(text, left, right, (start, end), entities)
    # Quotation marks and trailing commas are trimmed as the pre-annotator trims them, so a
    # selection with or without them reads alike.
    target = _content_span(doc, start - left, end - left)
    if target is None:
        return None
    ents = Ents(doc)
    earlier = [(span, claim.claimant) for claim in claims
               if claim.layer == CLAIM and claim.decision != REJECTED and left <= claim.start and claim.end <= start
               and (span := _content_span(doc, claim.start - left, claim.end - left)) is not None]
    previous = _speakers_before(doc, target, earlier, ents, id_of)
    claimant, _verb = attribute(doc, target, previous, len(previous), ents)
    return None if claimant is None else id_of.get((claimant.start, claimant.end))


def _widen(text: str, left: int, right: int) -> tuple[int, int]:
    """``[left, right)`` within the text, widened to white space so that no token is cut."""
    left, right = max(0, left), min(len(text), right)
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    while right < len(text) and not text[right].isspace():
        right += 1
    return left, right


def _doc_with_entities(text: str, left: int, right: int, claim: tuple[int, int], entities: list[Annotation]):
    """``text[left:right]`` tokenized, the entities outside the claim as its ents (the longest
    where they overlap, a person's before a suggestion); and entity id by token range."""
    from spacy.util import filter_spans

    from .tokens import _tokenizer

    doc = _tokenizer("en")(text[left:right])
    id_of: dict[tuple[int, int], str] = {}
    spans = []
    for entity in sorted((e for e in entities if e.layer == ENTITY and e.decision != REJECTED),
                         key=lambda e: e.decision == SUGGESTED):
        if left <= entity.start and entity.end <= right and not (claim[0] <= entity.start and entity.end <= claim[1]):
            span = doc.char_span(entity.start - left, entity.end - left, entity.label, alignment_mode="expand")
            if span is not None and (span.start, span.end) not in id_of:
                id_of[(span.start, span.end)] = entity.id
                spans.append(span)
    doc.ents = filter_spans(spans)
    return doc, id_of


def _speakers_before(doc, target, earlier: list, ents, id_of: dict) -> list:
    """Who spoke before the claim, in reading order, as the attributions ``attribute`` reads.

    Each reporting verb with a named speaker ("Kalın said"); each earlier claim, by the claimant
    a person chose or else by the cues; each long enough quotation nobody made a claim of ("“...,”
    read a statement issued by X"). "He said" after a quotation then means the last speaker,
    not the last name the quotation mentions.
    """
    from spacy.tokens import Span

    from .preannotate.claims import _QUOTES, MIN_TOKENS, Attribution, _content_span, attribute
    from .preannotate.lexicon import REPORTING_VERBS

    span_of = {entity_id: span for span in ents.all if (entity_id := id_of.get((span.start, span.end)))}
    events = []
    for token in doc[:target.start]:
        if token.lower_ in REPORTING_VERBS and not token.text[:1].isupper():
            speaker = _cue_speaker(doc, token.i, ents)
            if isinstance(speaker, Span):
                events.append((token.i, Attribution(speaker, token.lower_)))
    quotations = []
    for pattern in _QUOTES:
        for match in pattern.finditer(doc.text, 0, target.start_char):
            span = _content_span(doc, match.start(1), match.end(1))
            if span is not None and span.end <= target.start and sum(not t.is_punct for t in span) >= MIN_TOKENS \
                    and not any(span.start < claim.end and claim.start < span.end for claim, _ in earlier):
                quotations.append((span, None))
    events += [(claim.end, (claim, chosen)) for claim, chosen in earlier + quotations]
    events.sort(key=lambda event: event[0])

    previous = []
    for _position, event in events:
        if isinstance(event, Attribution):
            previous.append(event)
            continue
        claim, chosen = event
        found, verb = attribute(doc, claim, previous, len(previous), ents)
        previous.append(Attribution(span_of.get(chosen, found) if chosen else found, verb))
    return previous


def _cue_speaker(doc, verb: int, ents):
    """Who a reporting verb names as speaker: the entity or pronoun before it ("Kalın said", "he
    said"), else a person or organisation just after it in its sentence ("..., said a spokesman of
    the Russian Foreign Ministry"). After a pronoun, what follows is the audience ("he told AFP"),
    never the speaker."""
    from .preannotate.claims import _speaker_before

    speaker = _speaker_before(doc, verb, ents)
    if speaker is not None:
        return speaker
    for k in range(verb + 1, min(len(doc), verb + 7)):
        if doc[k].text in (".", "!", "?") or "\n" in doc[k].text:
            break
        entity = ents.by_start.get(k)
        if entity is not None and entity.label_ in ("PERSON", "ORG"):
            return entity
    return None
