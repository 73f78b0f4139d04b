"""The schema is strict: every mistake in a schema file is a SchemaError naming the problem and
the file; annotations that do not fit it are refused; a label in use is never silently dropped."""
from __future__ import annotations

import dataclasses

import pytest

from annotate.errors import SchemaError, ValidationError
from annotate.model import AnnotatedDocument, Annotations, Document, Relation, Span, Stance
from annotate.schema import default_schema, default_schema_path, load_schema, schema_from_dict
from annotate.validate import validate

TEXT = "Turkey is against Haftar, whom the United Arab Emirates back. Kalın said a truce is possible."
DEFAULT_TOML = default_schema_path().read_text(encoding="utf-8")


def test_the_default_schema_loads_with_the_news_labels():
    schema = default_schema()
    assert schema.name == "news"
    assert schema.entity_labels == ["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "DATE", "TIME", "MONEY",
                                    "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL", "LAW", "PRODUCT", "WORK_OF_ART",
                                    "LANGUAGE"]
    assert [r.label for r in schema.relations] == ["BACKED_BY", "OPPOSES", "ALLIED_WITH", "NEGOTIATES_WITH", "LEADS",
                                                   "ROLE_IN", "MEMBER_OF", "LOCATED_IN", "SAME_AS"]
    assert schema.polarities == ("FAVOR", "AGAINST", "NEUTRAL")
    assert schema.entity("PERSON").hotkey == "p"
    assert schema.relation("ROLE_IN").allows("PERSON", "GPE") and not schema.relation("ROLE_IN").allows("GPE", "PERSON")
    # The worked example of PRODUCT.md fits.
    assert schema.relation("BACKED_BY").allows("PERSON", "GPE")
    # A stored schema reads back the same.
    from annotate.schema import schema_from_json
    assert schema_from_json(schema.to_json()) == schema


def _edited(tmp_path, old: str, new: str, count: int = 1):
    assert old in DEFAULT_TOML, old
    path = tmp_path / "schema.toml"
    path.write_text(DEFAULT_TOML.replace(old, new, count), encoding="utf-8")
    return path


BAD_FILES = {
    "unknown top-level key": (
        '[document]', '[colours]\nbackground = "#FFFFFF"\n\n[document]',
        ["unknown key 'colours'", "top level"]),
    "unknown key in an entity": (
        'label = "ORG"\ncolor = "#0540FE"', 'label = "ORG"\ncolour = "#0540FE"',
        ["unknown key 'colour'", "entity #2"]),
    "duplicate hotkeys": (
        'label = "ORG"\ncolor = "#0540FE"\nhotkey = "o"', 'label = "ORG"\ncolor = "#0540FE"\nhotkey = "p"',
        ["duplicate hotkey 'p'", "PERSON", "ORG"]),
    "duplicate hotkey between a relation and a polarity": (
        'label = "BACKED_BY"\nhotkey = "b"', 'label = "BACKED_BY"\nhotkey = "f"',
        ["duplicate hotkey 'f'", "BACKED_BY", "FAVOR"]),
    "relation constraint naming an unknown label": (
        'head = ["PERSON"]\ntail = ["ORG", "GPE", "NORP"]', 'head = ["PERSN"]\ntail = ["ORG", "GPE", "NORP"]',
        ["relation ROLE_IN", "head", "unknown entity label 'PERSN'"]),
    "duplicate entity label": (
        'label = "FAC"', 'label = "GPE"',
        ["entity label 'GPE' is defined twice"]),
    "bad colour": (
        'color = "#C08700"', 'color = "orange"',
        ["color must look like #RRGGBB", "'orange'", "PERSON"]),
    "short colour": (
        'color = "#5E337D"', 'color = "#07B"',
        ["color must look like #RRGGBB", "DATE"]),
    "unknown polarity hotkey": (
        'hotkeys = { FAVOR = "f", AGAINST = "a", NEUTRAL = "u" }', 'hotkeys = { FAVOR = "f", AGAINST = "a", MIXED = "u" }',
        ["'MIXED'", "stance.polarities"]),
    "default claim type not among the types": (
        'default_type = "statement"', 'default_type = "rumour"',
        ["'rumour'", "claim.types"]),
    "model label mapped to nothing": (
        'MISC = "NORP"', 'MISC = "NORPS"',
        ["model_labels.MISC", "'NORPS'"]),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_schema_file_is_a_clear_error(case, tmp_path):
    old, new, expected = BAD_FILES[case]
    path = _edited(tmp_path, old, new)
    with pytest.raises(SchemaError) as info:
        load_schema(path)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_invalid_toml_names_the_line(tmp_path):
    lines = DEFAULT_TOML.split("\n")
    number = next(i for i, line in enumerate(lines, 1) if line == 'label = "LOC"')
    lines[number - 1] = 'label = "LOC'  # unterminated string
    path = tmp_path / "broken.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        load_schema(path)
    assert info.value.line == number
    assert str(info.value).startswith(f"{path}, line {number}: not valid TOML")


def test_a_schema_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(DEFAULT_TOML.replace('"news"', '"nouvelles-\u00e9t\u00e9"').encode("latin-1"))
    with pytest.raises(SchemaError, match="not UTF-8"):
        load_schema(path)


def test_a_missing_schema_file(tmp_path):
    with pytest.raises(SchemaError) as info:
        load_schema(tmp_path / "nowhere.toml")
    assert "nowhere.toml" in str(info.value) and "cannot read" in str(info.value)


def test_a_schema_without_entities():
    with pytest.raises(SchemaError, match=r"at least one \[\[entity\]\]"):
        schema_from_dict({"schema": {"name": "x"}})


# ---- validation of annotations against the text and the schema ----------------------------------


def _check(spans=(), stances=(), relations=(), labels=()):
    validate(Document("d", TEXT), Annotations(list(spans), list(stances), list(relations), list(labels)),
             default_schema())


TURKEY = Span("e1", 0, 6, "GPE")
HAFTAR = Span("e2", 18, 24, "PERSON")
UAE = Span("e3", 35, 55, "GPE")
CLAIM = Span("c1", 62, 92, "CLAIM", layer="claim", claimant="e4", claim_type="statement")
KALIN = Span("e4", 62, 67, "PERSON")


def test_valid_annotations_pass():
    _check([TURKEY, HAFTAR, UAE, KALIN, CLAIM],
           [Stance("s1", "e1", "e2", "AGAINST"), Stance("s2", "e2", "c1", "FAVOR", evidence="c1")],
           [Relation("r1", "e2", "e3", "BACKED_BY"), Relation("r2", "e4", "e1", "ROLE_IN")], ["politics"])


VALIDATION_CASES = {
    "offsets past the text": (dict(spans=[Span("far", 60, len(TEXT) + 1, "GPE")]),
                              ["'far'", f"[60, {len(TEXT) + 1})", f"length {len(TEXT)}"]),
    "negative start": (dict(spans=[Span("neg", -1, 4, "GPE")]), ["'neg'", "[-1, 4)"]),
    "start equal to end": (dict(spans=[Span("empty", 6, 6, "GPE")]), ["'empty'", "[6, 6)"]),
    "start after end": (dict(spans=[Span("back", 9, 3, "GPE")]), ["'back'", "[9, 3)"]),
    "offsets that are not integers": (dict(spans=[Span("float", 0.0, 6, "GPE")]), ["'float'", "integers"]),
    "unknown entity label": (dict(spans=[Span("odd", 0, 6, "COUNTRY")]), ["'odd'", "unknown entity label 'COUNTRY'"]),
    "unknown claim type": (dict(spans=[dataclasses.replace(CLAIM, claimant=None, claim_type="rumour")]),
                           ["'c1'", "unknown claim type 'rumour'"]),
    "stance holder that is a claim": (
        dict(spans=[TURKEY, KALIN, CLAIM], stances=[Stance("s1", "c1", "e1", "AGAINST")]),
        ["stance 's1'", "holder 'c1' is not an entity"]),
    "stance holder that does not exist": (
        dict(spans=[TURKEY], stances=[Stance("s1", "ghost", "e1", "AGAINST")]),
        ["stance 's1'", "holder 'ghost'"]),
    "unknown polarity": (
        dict(spans=[TURKEY, HAFTAR], stances=[Stance("s1", "e1", "e2", "HOSTILE")]),
        ["stance 's1'", "'HOSTILE'"]),
    "relation linking a claim": (
        dict(spans=[TURKEY, KALIN, CLAIM], relations=[Relation("r1", "e1", "c1", "SAME_AS")]),
        ["relation 'r1'", "tail 'c1' is not an entity"]),
    "relation head that does not exist": (
        dict(spans=[TURKEY], relations=[Relation("r1", "ghost", "e1", "SAME_AS")]),
        ["relation 'r1'", "head 'ghost'"]),
    "relation breaking the schema constraint": (
        dict(spans=[TURKEY, HAFTAR], relations=[Relation("r1", "e1", "e2", "ROLE_IN")]),
        ["relation 'r1'", "ROLE_IN goes from PERSON", "not from GPE to PERSON"]),
    "unknown relation label": (
        dict(spans=[TURKEY, HAFTAR], relations=[Relation("r1", "e2", "e1", "LIKES")]),
        ["relation 'r1'", "unknown relation label 'LIKES'"]),
    "claimant that is a claim": (
        dict(spans=[KALIN, CLAIM, Span("c2", 68, 92, "CLAIM", layer="claim", claimant="c1")]),
        ["claim 'c2'", "claimant 'c1' is not an entity"]),
    "an id used twice": (dict(spans=[TURKEY, dataclasses.replace(HAFTAR, id="e1")]), ["'e1'", "used twice"]),
    "unknown document label": (dict(spans=[TURKEY], labels=["sport"]), ["unknown document label 'sport'"]),
}


@pytest.mark.parametrize("case", sorted(VALIDATION_CASES))
def test_annotations_that_do_not_fit_are_refused(case):
    kwargs, expected = VALIDATION_CASES[case]
    with pytest.raises(ValidationError) as info:
        _check(**kwargs)
    for part in expected:
        assert part in str(info.value), f"{part!r} not in {str(info.value)!r}"


def test_the_store_refuses_what_validation_refuses(store, trap_doc):
    text = store.document(trap_doc).text
    with pytest.raises(ValidationError, match="not a non-empty range"):
        store.add_entity(trap_doc, 5, len(text) + 3, "PERSON")
    with pytest.raises(ValidationError, match="unknown entity label"):
        store.add_entity(trap_doc, 0, 7, "HERO")
    person = store.add_entity(trap_doc, 0, 7, "PERSON").created[0]
    date = store.add_entity(trap_doc, 8, 11, "DATE").created[0]
    claim = store.add_claim(trap_doc, 40, 60).created[0]
    with pytest.raises(ValidationError, match="ROLE_IN goes from PERSON"):
        store.add_relation(trap_doc, date, person, "ROLE_IN")
    with pytest.raises(ValidationError, match="must be an entity"):
        store.add_relation(trap_doc, person, claim, "SAME_AS")
    with pytest.raises(ValidationError, match="stance holder must be an entity"):
        store.add_stance(trap_doc, claim, person, "FAVOR")
    assert {s.id for s in store.annotations(trap_doc).spans} == {person, date, claim}


def test_correcting_a_suggestion_s_label_keeps_its_relations_fitting_the_schema(store):
    """Relabelling a suggested entity corrects it, and what pointed at the suggestion points at the
    correction: a relation it would no longer fit is refused, as on a gold entity, instead of
    leaving a file that import and merge refuse whole."""
    text = "Haftar leads the LNA."
    store.import_documents([AnnotatedDocument(Document("d", text), Annotations([
        Span("p", 0, 6, "PERSON"), Span("o", 17, 20, "ORG")]))], as_suggestions=True, origin="model:test@1")
    role = store.add_relation("d", "p", "o", "ROLE_IN").created[0]
    before = store.annotations("d")
    with pytest.raises(ValidationError, match=f"relation '{role}': ROLE_IN goes from PERSON .* not from GPE to ORG"):
        store.relabel("d", "p", "GPE")
    assert store.annotations("d") == before
    # A label the relation still fits is taken: the relation now runs from the correction.
    corrected = store.relabel("d", "o", "GPE").created[0]
    assert {(r.head, r.tail) for r in store.annotations("d").relations} == {("p", corrected)}
    # What the database holds passes the rule import and merge apply.
    assert validate(store.document("d"), store.annotations("d"), store.schema) is None


# ---- changing the schema of a database ----------------------------------------------------------


def _without(schema, *, entity: str | None = None, relation: str | None = None):
    entities = tuple(e for e in schema.entities if e.label != entity)
    relations = tuple(r for r in schema.relations if r.label != relation)
    return dataclasses.replace(schema, entities=entities, relations=relations, version=schema.version + 1)


def test_set_schema_refuses_to_drop_a_label_in_use(store):
    store.import_documents([AnnotatedDocument(Document("d", TEXT), Annotations(
        [Span("e1", 0, 6, "GPE"), Span("e2", 18, 24, "PERSON"), Span("e3", 62, 67, "LANGUAGE")],
        relations=[Relation("r1", "e2", "e1", "NEGOTIATES_WITH")]))])
    version = store.schema_version()
    events = store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(ValidationError) as info:
        store.set_schema(_without(store.schema, entity="LANGUAGE"))
    assert "'LANGUAGE'" in str(info.value) and "still use" in str(info.value)
    with pytest.raises(ValidationError) as info:
        store.set_schema(_without(store.schema, relation="NEGOTIATES_WITH"))
    assert "'NEGOTIATES_WITH'" in str(info.value)
    assert store.schema_version() == version
    assert store.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == events
    assert "LANGUAGE" in store.schema.entity_labels

    # A label nobody uses can go, as a new, audited version.
    assert store.set_schema(_without(store.schema, entity="WORK_OF_ART")) == version + 1
    assert "WORK_OF_ART" not in store.schema.entity_labels
    assert store.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == events + 1
    # Once the last LANGUAGE entity is gone, LANGUAGE can go too.
    store.delete("d", "e3")
    assert store.set_schema(_without(store.schema, entity="LANGUAGE")) == version + 2
    assert store.verify().ok


def test_an_import_that_does_not_fit_is_a_validation_error_with_its_line(store):
    from annotate.formats.native_jsonl import LineDocument
    item = LineDocument(Document("d", TEXT), Annotations([Span("e1", 0, 6, "COUNTRY")]), line=7)
    with pytest.raises(ValidationError) as info:
        store.import_documents([item])
    assert info.value.line == 7 and "line 7" in str(info.value) and "'COUNTRY'" in str(info.value)
    assert store.document_count() == 0
