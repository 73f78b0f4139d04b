"""The annotation data model: plain dataclasses, offsets in Python code points."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

ENTITY = "entity"
CLAIM = "claim"
LAYERS = (ENTITY, CLAIM)

SUGGESTED = "suggested"
ACCEPTED = "accepted"
REJECTED = "rejected"
MANUAL = "manual"
DECISIONS = (SUGGESTED, ACCEPTED, REJECTED, MANUAL)
#: Decisions that a person made; only these are gold.
HUMAN_DECISIONS = (ACCEPTED, MANUAL)

POLARITIES = ("FAVOR", "AGAINST", "NEUTRAL")

NEW, IN_PROGRESS, DONE, SKIPPED = "new", "in_progress", "done", "skipped"
STATUSES = (NEW, IN_PROGRESS, DONE, SKIPPED)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def sha256(self) -> str:
        # Asked several times per document on import (lookup, rows, recheck): hashed once. The
        # text of a frozen document cannot change under it.
        return text_sha256(self.text)


@dataclass
class Span:
    """An entity or a claim: ``[start, end)`` over the document text.

    ``origin`` is who proposed it: an annotator's name, or ``model:NAME@VERSION``.
    ``annotator`` is the person who decided it (``None`` while it is an undecided suggestion).
    Claims use ``claimant`` (an entity id), ``claimant_text`` (a free-text source),
    ``claim_type`` and ``checkworthy``; entities leave them empty. ``cluster`` is the entity
    (a :class:`Cluster`: one person, place or organisation) an entity mention refers to.
    """

    id: str
    start: int
    end: int
    label: str
    layer: str = ENTITY
    origin: str = ""
    decision: str = MANUAL
    annotator: str | None = None
    score: float | None = None
    claimant: str | None = None
    claimant_text: str | None = None
    claim_type: str | None = None
    checkworthy: bool | None = None
    replaces: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    cluster: str | None = None

    @property
    def is_gold(self) -> bool:
        return self.decision in HUMAN_DECISIONS

    def text_in(self, text: str) -> str:
        return text[self.start:self.end]


@dataclass
class Cluster:
    """An entity as an actor: the mentions (entity spans whose ``cluster`` is this id) that refer
    to one person, place or organisation ("Khalifa Haftar", "Haftar", "the general").

    Proposed by a model (a suggestion, as any other) or made by a person; a stance or claim whose
    holder or claimant is one mention is about the whole entity.
    """

    id: str
    origin: str = ""
    decision: str = MANUAL
    annotator: str | None = None
    score: float | None = None

    @property
    def is_gold(self) -> bool:
        return self.decision in HUMAN_DECISIONS


@dataclass
class Stance:
    id: str
    holder: str
    target: str
    polarity: str
    evidence: str | None = None
    origin: str = ""
    decision: str = MANUAL
    annotator: str | None = None


@dataclass
class Relation:
    id: str
    head: str
    tail: str
    label: str
    origin: str = ""
    decision: str = MANUAL
    annotator: str | None = None
    score: float | None = None


@dataclass
class Annotations:
    """Everything recorded on one document (for one annotator, or all of them)."""

    spans: list[Span] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    status: str = NEW
    status_reason: str | None = None
    clusters: list[Cluster] = field(default_factory=list)

    @property
    def entities(self) -> list[Span]:
        return [s for s in self.spans if s.layer == ENTITY]

    @property
    def claims(self) -> list[Span]:
        return [s for s in self.spans if s.layer == CLAIM]

    def span(self, span_id: str) -> Span | None:
        return next((s for s in self.spans if s.id == span_id), None)

    def members(self, cluster_id: str) -> list[Span]:
        """The mentions of an entity that are not rejected, in reading order."""
        return sorted((s for s in self.spans if s.cluster == cluster_id and s.decision != REJECTED),
                      key=lambda s: (s.start, s.end))


@dataclass
class AnnotatedDocument:
    document: Document
    annotations: Annotations = field(default_factory=Annotations)
