"""Check annotations against their document and the schema before anything is stored."""
from __future__ import annotations

from .errors import ValidationError
from .model import CLAIM, DECISIONS, ENTITY, Annotations, Document, Relation, Span, Stance
from .schema import Schema
from .values import check_storable


#: The same rule for the window and for every import: an annotation is never about itself.
SAME_STANCE_ENDS = "a stance needs a holder and a different target"
SAME_RELATION_ENDS = "a relation needs two different entities"


def check_offsets(text: str, start: object, end: object, what: str) -> None:
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise ValidationError(f"{what}: offsets must be integers, got start={start!r} end={end!r}")
    if not 0 <= start < end <= len(text):
        raise ValidationError(
            f"{what}: offsets [{start}, {end}) are not a non-empty range inside the text (length {len(text)})")


def validate(document: Document, annotations: Annotations, schema: Schema) -> None:
    """Raise ValidationError naming the first offending annotation (and marked ``about`` it, so that
    an import names the line it came from); return None when all is well."""
    check_storable(document, annotations)
    spans: dict[str, Span] = {}
    # The annotation being checked: a problem found is marked ``about`` it. (One try for all:
    # a context manager around each of 10,000 spans was a good part of an import's time.)
    current: str | None = None
    try:
        for span in annotations.spans:
            current = span.id
            _check_span(document, span, spans, schema)
            spans[span.id] = span
        for span in annotations.spans:
            current = span.id
            _check_span_refs(span, spans)
        clusters: set[str] = set()
        for cluster in annotations.clusters:
            current = cluster.id
            if cluster.id in clusters or cluster.id in spans:
                raise ValidationError(f"entity group {cluster.id!r}: id is used twice in document {document.id!r}")
            if cluster.decision not in DECISIONS:
                raise ValidationError(f"entity group {cluster.id!r}: unknown decision {cluster.decision!r}")
            clusters.add(cluster.id)
        for span in annotations.spans:
            if span.cluster is not None:
                current = span.id
                if span.layer != ENTITY:
                    raise ValidationError(f"claim {span.id!r}: only entities belong to an entity group")
                if span.cluster not in clusters:
                    raise ValidationError(f"entity {span.id!r}: entity group {span.cluster!r} is not an id in this "
                                          "document")
        ids = set(spans) | clusters
        for stance in annotations.stances:
            current = stance.id
            _check_stance(document, stance, spans, ids, schema)
            ids.add(stance.id)
        for relation in annotations.relations:
            current = relation.id
            _check_relation(document, relation, spans, ids, schema)
            ids.add(relation.id)
    except ValidationError as exc:
        raise exc.about(current)
    for index, label in enumerate(annotations.labels):
        if label in annotations.labels[:index]:
            raise ValidationError(f"document {document.id!r}: document label {label!r} is given twice")
        if label not in schema.document_labels:
            raise ValidationError(f"document {document.id!r}: unknown document label {label!r}")


def _check_span(document: Document, span: Span, spans: dict[str, Span], schema: Schema) -> None:
    what = f"{span.layer} {span.id!r}"
    if span.id in spans:
        raise ValidationError(f"{what}: id is used twice in document {document.id!r}")
    if span.layer not in (ENTITY, CLAIM):
        raise ValidationError(f"{what}: unknown layer {span.layer!r}")
    check_offsets(document.text, span.start, span.end, what)
    if span.decision not in DECISIONS:
        raise ValidationError(f"{what}: unknown decision {span.decision!r}")
    if span.layer == ENTITY and schema.entity(span.label) is None:
        raise ValidationError(f"{what}: unknown entity label {span.label!r}")
    if span.layer == CLAIM and span.claim_type is not None and span.claim_type not in schema.claim_types:
        raise ValidationError(f"{what}: unknown claim type {span.claim_type!r}")


def _check_span_refs(span: Span, spans: dict[str, Span]) -> None:
    if span.claimant is not None:
        claimant = spans.get(span.claimant)
        if claimant is None:
            raise ValidationError(f"claim {span.id!r}: claimant {span.claimant!r} is not an id in this document")
        if claimant.layer != ENTITY:
            raise ValidationError(f"claim {span.id!r}: claimant {span.claimant!r} is not an entity")
    if span.replaces is not None and span.replaces not in spans:
        raise ValidationError(f"{span.layer} {span.id!r}: replaces {span.replaces!r}, which is not in this document")


def _check_stance(document: Document, stance: Stance, spans: dict[str, Span], ids: set[str], schema: Schema) -> None:
    what = f"stance {stance.id!r}"
    if stance.id in ids:
        raise ValidationError(f"{what}: id is used twice in document {document.id!r}")
    holder = spans.get(stance.holder)
    if holder is None:
        raise ValidationError(f"{what}: holder {stance.holder!r} is not an id in this document")
    if holder.layer != ENTITY:
        raise ValidationError(f"{what}: holder {stance.holder!r} is not an entity")
    if stance.target not in spans:
        raise ValidationError(f"{what}: target {stance.target!r} is not an entity or claim in this document")
    if stance.target == stance.holder:
        raise ValidationError(f"{what}: {SAME_STANCE_ENDS} (both are {stance.holder!r})")
    if stance.evidence is not None and stance.evidence not in spans:
        raise ValidationError(f"{what}: evidence {stance.evidence!r} is not a claim or span in this document")
    if stance.polarity not in schema.polarities:
        raise ValidationError(f"{what}: unknown polarity {stance.polarity!r}")


def _check_relation(document: Document, relation: Relation, spans: dict[str, Span], ids: set[str],
                    schema: Schema) -> None:
    what = f"relation {relation.id!r}"
    if relation.id in ids:
        raise ValidationError(f"{what}: id is used twice in document {document.id!r}")
    ends = []
    for end in ("head", "tail"):
        ref = getattr(relation, end)
        span = spans.get(ref)
        if span is None:
            raise ValidationError(f"{what}: {end} {ref!r} is not an id in this document")
        if span.layer != ENTITY:
            raise ValidationError(f"{what}: {end} {ref!r} is not an entity")
        ends.append(span)
    if relation.head == relation.tail:
        raise ValidationError(f"{what}: {SAME_RELATION_ENDS} (both are {relation.head!r})")
    check_relation(schema, relation.label, ends[0].label, ends[1].label, what)


def check_relation(schema: Schema, label: str, head_label: str, tail_label: str, what: str = "relation") -> None:
    relation = schema.relation(label)
    if relation is None:
        raise ValidationError(f"{what}: unknown relation label {label!r}")
    if not relation.allows(head_label, tail_label):
        raise ValidationError(
            f"{what}: {label} goes from {'/'.join(relation.head) or 'any'} to {'/'.join(relation.tail) or 'any'}, "
            f"not from {head_label} to {tail_label}")
