"""brat's annotation.conf: the types an export uses, gathered document by document, and the file
written from them and the schema."""
from __future__ import annotations

from ...model import CLAIM, POLARITIES, Span
from .mapping import CHECKWORTHY_ATTR, CLAIM_TYPE, CLAIM_TYPE_ATTR, CLAIMANT


class ConfTypes:
    """The types an export uses, for annotation.conf: entity types, relation types with their
    argument types, attributes with their values."""

    def __init__(self):
        self.entities: dict[str, None] = {}
        self.relations: dict[str, tuple[dict, dict]] = {}
        self.attributes: dict[str, tuple[dict, dict]] = {}

    def relation(self, label: str, head: Span, tail: Span) -> None:
        heads, tails = self.relations.setdefault(label, ({}, {}))
        heads[CLAIM_TYPE if head.layer == CLAIM else head.label] = None
        tails[CLAIM_TYPE if tail.layer == CLAIM else tail.label] = None

    def attribute(self, name: str, label: str, value) -> None:
        targets, values = self.attributes.setdefault(name, ({}, {}))
        targets[label] = None
        if value is not True:
            values[str(value)] = None


def annotation_conf(schema, types: ConfTypes) -> str:
    """brat's annotation.conf: the schema's entity and relation types (with their argument
    constraints), our claim type and its attributes, the stance and claimant relations, and
    whatever else the exported documents use; any two entities may overlap."""
    entities = dict.fromkeys([*(schema.entity_labels if schema else []), CLAIM_TYPE, *types.entities])
    lines = ["# Written by Marginalia from its schema and the exported documents.", "[entities]", *entities,
             "", "[relations]"]
    declared: set[str] = set()
    for rel in (schema.relations if schema else ()):
        heads = "|".join(rel.head) if rel.head else "<ENTITY>"
        tails = "|".join(rel.tail) if rel.tail else "<ENTITY>"
        lines.append(f"{rel.label}\tArg1:{heads}, Arg2:{tails}")
        declared.add(rel.label)
        used = types.relations.get(rel.label)
        if used and not (set(used[0]) <= set(rel.head or entities) and set(used[1]) <= set(rel.tail or entities)):
            lines[-1] = f"{rel.label}\tArg1:<ENTITY>, Arg2:<ENTITY>"
    for polarity in (schema.polarities if schema else POLARITIES):
        lines.append(f"{polarity}\tArg1:<ENTITY>, Arg2:<ENTITY>")
        declared.add(polarity)
    lines.append(f"{CLAIMANT}\tArg1:{CLAIM_TYPE}, Arg2:<ENTITY>")
    declared.add(CLAIMANT)
    for label in types.relations:
        if label not in declared:
            lines.append(f"{label}\tArg1:<ENTITY>, Arg2:<ENTITY>")
    lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
              "Equiv\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive", "", "[events]", "", "[attributes]"]
    claim_types = list(schema.claim_types) if schema else []
    attributes = {CLAIM_TYPE_ATTR: ({CLAIM_TYPE: None}, dict.fromkeys(claim_types)),
                  CHECKWORTHY_ATTR: ({CLAIM_TYPE: None}, {"yes": None, "no": None})}
    for name, (targets, values) in types.attributes.items():
        known_targets, known_values = attributes.setdefault(name, ({}, {}))
        known_targets.update(targets)
        known_values.update(values)
    for name, (targets, values) in attributes.items():
        line = f"{name}\tArg:{'|'.join(targets)}"
        lines.append(line + (f", Value:{'|'.join(values)}" if values else ""))
    return "\n".join(lines) + "\n"
