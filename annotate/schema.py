"""The label schema: entity labels, claim types, stance polarities, relations, document labels.

Loaded from TOML and validated strictly: a schema with a typo would otherwise silently accept
or reject annotations for months, so unknown keys and inconsistencies are errors.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError, SchemaError
from .model import POLARITIES

# Letters of any script (imported label sets are often not English: 支持, Ortsname).
# used with fullmatch: "$" would let "ORG\n" through; 64 characters at most (a tag above an entity, a brat type)
_LABEL = re.compile(r"[^\W\d_][\w\-]{0,63}")
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


@dataclass(frozen=True)
class EntityLabel:
    label: str
    color: str = "#BBBBBB"
    hotkey: str | None = None
    description: str = ""


@dataclass(frozen=True)
class RelationLabel:
    label: str
    hotkey: str | None = None
    head: tuple[str, ...] = ()
    tail: tuple[str, ...] = ()
    description: str = ""

    def allows(self, head_label: str, tail_label: str) -> bool:
        return (not self.head or head_label in self.head) and (not self.tail or tail_label in self.tail)


@dataclass(frozen=True)
class Schema:
    name: str
    version: int
    entities: tuple[EntityLabel, ...]
    claim_types: tuple[str, ...] = ("statement", "opinion", "prediction", "accusation", "commitment")
    default_claim_type: str = "statement"
    claim_hotkey: str | None = "c"
    polarities: tuple[str, ...] = POLARITIES
    polarity_hotkeys: dict[str, str] = field(default_factory=dict)
    relations: tuple[RelationLabel, ...] = ()
    document_labels: tuple[str, ...] = ()
    model_labels: dict[str, str] = field(default_factory=dict)
    #: the annotation guidelines' text (from the file ``[schema] guidelines`` names), shown on F2
    guidelines: str = ""

    @property
    def entity_labels(self) -> list[str]:
        return [e.label for e in self.entities]

    def entity(self, label: str) -> EntityLabel | None:
        return next((e for e in self.entities if e.label == label), None)

    def relation(self, label: str) -> RelationLabel | None:
        return next((r for r in self.relations if r.label == label), None)

    def map_model_label(self, label: str) -> str | None:
        """The schema label for a pipeline's label, or None when it has no place here."""
        mapped = self.model_labels.get(label, label)
        return mapped if self.entity(mapped) else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": {"name": self.name, "version": self.version,
                       **({"guidelines_text": self.guidelines} if self.guidelines else {})},
            "entity": [
                {k: v for k, v in (("label", e.label), ("color", e.color), ("hotkey", e.hotkey),
                                   ("description", e.description)) if v}
                for e in self.entities
            ],
            "claim": {"hotkey": self.claim_hotkey, "types": list(self.claim_types),
                      "default_type": self.default_claim_type},
            "stance": {"polarities": list(self.polarities), "hotkeys": dict(self.polarity_hotkeys)},
            "relation": [
                {k: v for k, v in (("label", r.label), ("hotkey", r.hotkey), ("head", list(r.head)),
                                   ("tail", list(r.tail)), ("description", r.description)) if v}
                for r in self.relations
            ],
            "document": {"labels": list(self.document_labels)},
            "model_labels": dict(self.model_labels),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)


_TOP_KEYS = {"schema", "entity", "claim", "stance", "relation", "document", "model_labels"}
_KEYS = {
    # guidelines: a file beside the TOML (read by load_schema); guidelines_text: its text, as stored
    "schema": {"name", "version", "guidelines", "guidelines_text"},
    "entity": {"label", "color", "hotkey", "description"},
    "claim": {"hotkey", "types", "default_type"},
    "stance": {"polarities", "hotkeys"},
    "relation": {"label", "hotkey", "head", "tail", "description"},
    "document": {"labels"},
}


def load_schema(path: str | Path) -> Schema:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SchemaError(f"cannot read schema: {exc.strerror}", source=str(path)) from None
    from .formats.reading import decode  # one rule for bytes to text: UTF-8, or UTF-16/32 named by their mark
    try:
        text = decode(raw, path).text
    except InputError as exc:
        raise SchemaError(exc.reason, source=exc.source, line=exc.line) from None
    import tomllib  # here: the window starts on the schema its database holds, never parsed from TOML
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)  # Python 3.14+; before, only the message has it
        if line is None:
            found = re.search(r"at line (\d+)", str(exc))
            line = int(found.group(1)) if found else None
        raise SchemaError(f"not valid TOML: {exc}", source=str(path), line=line) from None
    head = data.get("schema")
    if isinstance(head, dict) and "guidelines" in head:
        # The guidelines are copied into the schema (and so into every database made from it):
        # an annotator's file carries them without the file beside it.
        name = head.pop("guidelines")
        if not isinstance(name, str) or not name.strip():
            raise SchemaError("[schema] guidelines must name a text file beside the schema", source=str(path))
        guidelines = path.parent / name
        try:
            head["guidelines_text"] = guidelines.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
            raise SchemaError(f"cannot read the guidelines {guidelines}: {reason}", source=str(path)) from None
    try:
        return schema_from_dict(data)
    except SchemaError as exc:
        raise exc.located(source=str(path)) from None


def schema_from_json(text: str) -> Schema:
    return schema_from_dict(json.loads(text))


def _check_keys(section: str, table: Any, allowed: set[str]) -> dict:
    if not isinstance(table, dict):
        raise SchemaError(f"[{section}] must be a table")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise SchemaError(f"unknown key {unknown[0]!r} in [{section}] (allowed: {', '.join(sorted(allowed))})")
    return table


def _str_list(section: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise SchemaError(f"{section}.{key} must be a list of non-empty strings")
    if len(set(value)) != len(value):
        raise SchemaError(f"{section}.{key} lists a value twice")
    return tuple(value)


def _hotkey(section: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) != 1 or not value.isprintable() or value.isspace():
        raise SchemaError(f"{section}: hotkey must be a single printable character, not {value!r}")
    return value.lower()


def _label(section: str, value: Any) -> str:
    if not isinstance(value, str) or not _LABEL.fullmatch(value):
        raise SchemaError(f"{section}: label {value!r} must start with a letter and use letters, digits, _ or - (64 at most)")
    return value


def schema_from_dict(data: dict) -> Schema:
    _check_keys("top level", data, _TOP_KEYS)
    head = _check_keys("schema", data.get("schema", {}), _KEYS["schema"])
    name = head.get("name", "custom")
    version = head.get("version", 1)
    if not isinstance(name, str) or not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SchemaError("[schema] needs a string name and a positive integer version")
    if "guidelines" in head:
        raise SchemaError("[schema] guidelines names a file, which only a schema file can (load_schema)")
    guidelines = head.get("guidelines_text", "")
    if not isinstance(guidelines, str):
        raise SchemaError("[schema] guidelines_text must be text")

    raw_entities = data.get("entity", [])
    if not isinstance(raw_entities, list) or not raw_entities:
        raise SchemaError("the schema needs at least one [[entity]] label")
    entities: list[EntityLabel] = []
    for i, raw in enumerate(raw_entities, 1):
        section = f"entity #{i}"
        _check_keys(section, raw, _KEYS["entity"])
        label = _label(section, raw.get("label"))
        color = raw.get("color", "#BBBBBB")
        if not isinstance(color, str) or not _COLOR.fullmatch(color):
            raise SchemaError(f"{section} ({label}): color must look like #RRGGBB, not {color!r}")
        entities.append(EntityLabel(label, color.upper(), _hotkey(f"{section} ({label})", raw.get("hotkey")),
                                    str(raw.get("description", ""))))
    labels = [e.label for e in entities]
    if len(set(labels)) != len(labels):
        dup = next(l for l in labels if labels.count(l) > 1)
        raise SchemaError(f"entity label {dup!r} is defined twice")

    claim = _check_keys("claim", data.get("claim", {}), _KEYS["claim"])
    claim_types = _str_list("claim", "types", claim.get("types", list(Schema.claim_types)))
    default_type = claim.get("default_type", claim_types[0] if claim_types else "statement")
    if default_type not in claim_types:
        raise SchemaError(f"claim.default_type {default_type!r} is not one of claim.types")
    claim_hotkey = _hotkey("claim", claim.get("hotkey", "c"))

    stance = _check_keys("stance", data.get("stance", {}), _KEYS["stance"])
    polarities = _str_list("stance", "polarities", stance.get("polarities", list(POLARITIES)))
    polarity_hotkeys_raw = stance.get("hotkeys", {})
    if not isinstance(polarity_hotkeys_raw, dict):
        raise SchemaError("stance.hotkeys must be a table of polarity = key")
    polarity_hotkeys = {}
    for polarity, key in polarity_hotkeys_raw.items():
        if polarity not in polarities:
            raise SchemaError(f"stance.hotkeys names {polarity!r}, which is not one of stance.polarities")
        polarity_hotkeys[polarity] = _hotkey(f"stance.hotkeys.{polarity}", key)

    relations: list[RelationLabel] = []
    raw_relations = data.get("relation", [])
    if not isinstance(raw_relations, list):
        raise SchemaError("relation must be an array of tables ([[relation]])")
    for i, raw in enumerate(raw_relations, 1):
        section = f"relation #{i}"
        _check_keys(section, raw, _KEYS["relation"])
        label = _label(section, raw.get("label"))
        ends = {}
        for end in ("head", "tail"):
            allowed = _str_list(f"relation {label}", end, raw.get(end, []))
            for entity_label in allowed:
                if entity_label not in labels:
                    raise SchemaError(f"relation {label}: {end} names unknown entity label {entity_label!r}")
            ends[end] = allowed
        relations.append(RelationLabel(label, _hotkey(f"relation {label}", raw.get("hotkey")),
                                       ends["head"], ends["tail"], str(raw.get("description", ""))))
    rel_labels = [r.label for r in relations]
    if len(set(rel_labels)) != len(rel_labels):
        dup = next(l for l in rel_labels if rel_labels.count(l) > 1)
        raise SchemaError(f"relation label {dup!r} is defined twice")

    document = _check_keys("document", data.get("document", {}), _KEYS["document"])
    document_labels = _str_list("document", "labels", document.get("labels", []))

    model_labels = data.get("model_labels", {})
    if not isinstance(model_labels, dict) or not all(isinstance(v, str) for v in model_labels.values()):
        raise SchemaError("[model_labels] must map pipeline labels to schema labels")
    for source, target in model_labels.items():
        if target not in labels:
            raise SchemaError(f"model_labels.{source} maps to unknown entity label {target!r}")

    # Hotkeys share one keyboard in each mode: labelling a selection (entities and the claim
    # key), and labelling a picked pair (relations and polarities).
    _no_duplicate_hotkeys("entity labels and the claim key",
                          [(e.label, e.hotkey) for e in entities] + [("claim", claim_hotkey)])
    _no_duplicate_hotkeys("relation labels and stance polarities",
                          [(r.label, r.hotkey) for r in relations] + list(polarity_hotkeys.items()))

    return Schema(name=name, version=version, entities=tuple(entities), claim_types=claim_types,
                  default_claim_type=default_type, claim_hotkey=claim_hotkey, polarities=polarities,
                  polarity_hotkeys=polarity_hotkeys, relations=tuple(relations),
                  document_labels=document_labels, model_labels=dict(model_labels), guidelines=guidelines)


def _no_duplicate_hotkeys(scope: str, pairs: list[tuple[str, str | None]]) -> None:
    seen: dict[str, str] = {}
    for owner, key in pairs:
        if key is None:
            continue
        if key in seen:
            raise SchemaError(f"duplicate hotkey {key!r} among {scope}: {seen[key]} and {owner}")
        seen[key] = owner


def default_schema_path() -> Path:
    from .seeds import seeds_dir
    return seeds_dir() / "news-schema.toml"


def default_schema() -> Schema:
    return load_schema(default_schema_path())
