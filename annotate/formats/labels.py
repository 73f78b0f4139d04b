"""Labels an import brings that the schema does not have: refuse them by name, or add them (--add-labels)."""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from ..errors import InputError
from ..model import ENTITY
from ..palette import next_colors
from ..schema import _LABEL, EntityLabel, RelationLabel, Schema
from .common import SourcedDocument


def _where(item: SourcedDocument, annotation_id: str) -> tuple[str | None, int | None, str]:
    return item.source, item.lines.get(annotation_id, item.line), annotation_id


def unknown_labels(items: Iterable[SourcedDocument], schema: Schema):
    """Entity and relation labels not in the schema: {label: (source, line)} for each kind, first place seen."""
    entities: dict[str, tuple] = {}
    relations: dict[str, tuple] = {}
    known_entities = set(schema.entity_labels)
    known_relations = {r.label for r in schema.relations}
    for item in items:
        for span in item.annotations.spans:
            if span.layer == ENTITY and span.label not in known_entities and span.label not in entities:
                entities[span.label] = _where(item, span.id)
        for rel in item.annotations.relations:
            if rel.label not in known_relations and rel.label not in relations:
                relations[rel.label] = _where(item, rel.id)
    return entities, relations


def extend_schema(items: list[SourcedDocument], schema: Schema, *, add: bool) -> Schema | None:
    """The schema with the file's unknown labels added (add=True), None when nothing is missing;
    InputError naming the first unknown label with its file and line otherwise."""
    entities, relations = unknown_labels(items, schema)
    if not entities and not relations:
        return None
    for kind, found in (("entity", entities), ("relation", relations)):
        for label, (source, line, ann_id) in found.items():
            if not add:
                known = schema.entity_labels if kind == "entity" else [r.label for r in schema.relations]
                raise InputError(f"{kind} {ann_id!r}: unknown {kind} label {label!r} (the schema has {', '.join(known) or 'none'}); "
                                 "pass --add-labels to add the file's labels to the schema", source=source, line=line)
            if not _LABEL.fullmatch(label):
                raise InputError(f"{kind} {ann_id!r}: the label {label!r} cannot be added to the schema: a label starts with a "
                                 "letter and has only letters, digits, _ or - (64 at most)", source=source, line=line)
    # Colours that keep every label fill apart from the others, for every reader (annotate.palette).
    colors = next_colors([e.color for e in schema.entities], len(entities))
    new_entities = tuple(EntityLabel(label, color, None, "added by import") for label, color in zip(entities, colors))
    new_relations = tuple(RelationLabel(label, None, (), (), "added by import") for label in relations)
    return replace(schema, entities=schema.entities + new_entities, relations=schema.relations + new_relations)
