"""Reading back what doccano and Prodigy records have no place for.

Both formats carry claims as spans labelled ``CLAIM`` and claimants, stances and entity groups as
typed relations; a claim's type, check-worthiness and free-text claimant, a stance's evidence, the
document's labels and status travel in the record's ``marginalia`` key (the column doccano keeps
and writes back), keyed by the spans' offsets as the format counts them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..model import CLAIM, ENTITY, NEW, POLARITIES, STATUSES, Relation, Span, Stance
from .groups import COREF

OWN_KEY = "marginalia"
CLAIM_LABEL = "CLAIM"
CLAIMANT = "CLAIMANT"


@dataclass
class OwnParts:
    stances: list[Stance]
    relations: list[Relation]          # the relations that are none of the above
    labels: list[str]
    status: str
    coref: list[tuple[str, str]]       # links between entities of one group


def read_own(own: Any, spans: list[Span], relations: list[Relation],
             offsets: Callable[[Span], tuple[int, int]] = lambda s: (s.start, s.end)) -> OwnParts:
    """CLAIM spans become claims, CLAIMANT and polarity-typed relations claimants and stances,
    COREF relations between entities links of an entity group, and the ``marginalia`` key's
    details (at ``offsets`` of the spans) are put back. A detail that matches no span is dropped."""
    own = own if isinstance(own, dict) else {}
    by_id = {s.id: s for s in spans}
    at: dict[tuple[int, int], list[Span]] = {}
    for span in spans:
        if span.label == CLAIM_LABEL:
            span.layer = CLAIM
        at.setdefault(offsets(span), []).append(span)
    for item in own.get("claims") or []:
        if isinstance(item, list) and len(item) == 5 and all(isinstance(x, int) for x in item[:2]):
            claim = next((s for s in at.get((item[0], item[1]), []) if s.layer == CLAIM), None)
            if claim is not None:
                claim.claim_type = item[2] if isinstance(item[2], str) else None
                claim.checkworthy = item[3] if isinstance(item[3], bool) else None
                claim.claimant_text = item[4] if isinstance(item[4], str) else None
    stances: list[Stance] = []
    kept: list[Relation] = []
    coref: list[tuple[str, str]] = []
    for rel in relations:
        head, tail = by_id[rel.head], by_id[rel.tail]
        if rel.label == CLAIMANT and head.layer == CLAIM and tail.layer == ENTITY and head.claimant is None:
            head.claimant = tail.id
        elif rel.label in POLARITIES:
            stances.append(Stance(f"s{len(stances) + 1}", rel.head, rel.tail, rel.label, decision=rel.decision))
        elif rel.label == COREF and head.layer == ENTITY and tail.layer == ENTITY:
            coref.append((rel.head, rel.tail))
        else:
            kept.append(rel)
    for item in own.get("stance_evidence") or []:
        if not (isinstance(item, list) and len(item) == 7
                and all(isinstance(x, int) and not isinstance(x, bool) for i, x in enumerate(item) if i != 4)):
            continue
        holder, target, evidence = at.get((item[0], item[1]), []), at.get((item[2], item[3]), []), \
            at.get((item[5], item[6]), [])
        for stance in stances:
            if stance.polarity == item[4] and by_id[stance.holder] in holder and by_id[stance.target] in target \
                    and evidence:
                stance.evidence = evidence[0].id
    labels = [x for x in own.get("labels") or [] if isinstance(x, str)]
    status = own.get("status") if own.get("status") in STATUSES else NEW
    return OwnParts(stances, kept, labels, status, coref)
