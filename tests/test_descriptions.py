"""Descriptions in apposition to a name ("İbrahim Kalın, the Turkish presidential spokesman,")
are proposed as mentions and grouped with the name where a rule can tell; lists, clauses and
descriptions that do not fit the name's label are left alone."""
from __future__ import annotations

import pytest

from annotate.model import Span
from annotate.preannotate.coref import group_mentions
from annotate.preannotate.descriptions import find_descriptions


def described(text: str, name: str, label: str = "PERSON") -> str | None:
    at = text.index(name)
    found = find_descriptions(text, [Span("n", at, at + len(name), label)])
    return text[found[0].start:found[0].end] if found else None


@pytest.mark.parametrize("text,name,label,expected", [
    ("In the meantime, İbrahim Kalın, the Turkish presidential spokesman, said so.", "İbrahim Kalın", "PERSON",
     "the Turkish presidential spokesman"),
    ("In the talks Turkey's foreign minister, Mevlüt Çavuşoğlu, said no.", "Mevlüt Çavuşoğlu", "PERSON",
     "Turkey's foreign minister"),
    ("They met the head of the armed forces, Khalifa Haftar, in Benghazi.", "Khalifa Haftar", "PERSON",
     "the head of the armed forces"),
    ("The Wagner Group (the Russian private military company) denied it.", "The Wagner Group", "ORG",
     "the Russian private military company"),
    ("Fighters of the LNA, a Benghazi-based militia, advanced.", "LNA", "ORG", "a Benghazi-based militia"),
    ("They flew to Tripoli, the capital, on Monday.", "Tripoli", "GPE", "the capital"),
    ("However, Kalın, the spokesman, denied it.", "Kalın", "PERSON", "the spokesman"),
])
def test_an_apposition_is_a_description_of_the_name(text, name, label, expected):
    assert described(text, name, label) == expected


@pytest.mark.parametrize("text,name,label", [
    # An item of a list: the foreign minister is someone else.
    ("A delegation including Kalın, the foreign minister, and intelligence chief Hakan Fidan went.", "Kalın", "PERSON"),
    ("They met Erdoğan, Kalın, the spokesman, in Ankara.", "Kalın", "PERSON"),
    # A clause, not a description.
    ("He met Haftar, the man who said no, yesterday.", "Haftar", "PERSON"),
    ("Haftar, the commander said, will win.", "Haftar", "PERSON"),
    # The head does not fit the label: a person is not a capital.
    ("They flew to Tripoli, the spokesman, on Monday.", "Tripoli", "GPE"),
    ("Kalın, the capital, said so.", "Kalın", "PERSON"),
])
def test_lists_clauses_and_misfits_are_not_descriptions(text, name, label):
    assert described(text, name, label) is None


def test_a_description_span_is_grouped_by_its_apposition_never_by_its_words():
    text = ("Ahmet Demir, the spokesman, said no. Later Demir spoke again. "
            "Elif Kaya, the spokesman, said yes.")
    spans = []
    for k, (surface, nth) in enumerate([("Ahmet Demir", 0), ("the spokesman", 0), ("Demir", 1),
                                        ("Elif Kaya", 0), ("the spokesman", 1)]):
        at = -1
        for _ in range(nth + 1):
            at = text.index(surface, at + 1)
        spans.append(Span(f"e{k}", at, at + len(surface), "PERSON"))
    groups = [sorted(text[s.start:s.end] for s in g.members) for g in group_mentions(text, spans)]
    assert ["Ahmet Demir", "Demir", "the spokesman"] in groups
    assert ["Elif Kaya", "the spokesman"] in groups


def test_the_builtin_proposes_descriptions_on_text_they_were_not_written_on():
    from annotate.preannotate import load_annotator
    from annotate.schema import default_schema
    builtin = load_annotator("builtin", default_schema())
    text = ("Security forces arrested Yusuf Darwish, the leader of the Southern Defence Brigades, in a raid "
            "on Saturday. The Popular Resistance Committee, an allied group, threatened to retaliate.")
    result = builtin.suggestions(builtin.nlp(text), "d")
    surface = {s.id: text[s.start:s.end] for s in result.spans}
    groups = {frozenset(surface[s.id] for s in result.spans if s.cluster == c.id) for c in result.clusters}
    assert frozenset({"Yusuf Darwish", "the leader of the Southern Defence Brigades"}) in groups
    assert frozenset({"Popular Resistance Committee", "an allied group"}) in groups
    descriptions = [s for s in result.spans if s.attrs.get("mention") == "description"]
    assert {(surface[s.id], s.label, s.decision) for s in descriptions} == {
        ("the leader of the Southern Defence Brigades", "PERSON", "suggested"), ("an allied group", "ORG", "suggested")}


def test_an_entity_is_called_by_its_name_never_by_a_description():
    from annotate.actors import actor_name
    text = "İbrahim Kalın, the Turkish presidential spokesman, said so. Kalın left."
    name = Span("a", 0, 13, "PERSON")
    description = Span("b", 15, 49, "PERSON", attrs={"mention": "description"})
    by_hand = Span("c", 15, 49, "PERSON")  # a person's span over the description: lowercase, not a name
    surname = Span("d", text.index("Kalın left"), text.index("Kalın left") + 5, "PERSON")
    assert actor_name(text, [name, description, surname]) == "İbrahim Kalın"
    assert actor_name(text, [by_hand, surname]) == "Kalın"
    assert actor_name(text, [description]) == "the Turkish presidential spokesman"


def test_listed_before_only_searches_after_a_comma_and_agrees_with_the_pattern():
    """The shortcut (no search unless the name follows ", " or ", \\n") gives what the pattern
    gives, "$" before a final newline included."""
    import re

    from annotate.preannotate.descriptions import _listed_before

    def by_pattern(text, at):
        match = re.search(r"(\S+)\s+(\w+)[’']?s?, $", text[max(0, at - 60):at])
        return match is not None and match.group(2)[:1].isupper() and not match.group(1).endswith(
            (".", "!", "?", "”", '"'))

    texts = ["He met Erdoğan, Kalın, the spokesman", "said Erdoğan, \nKalın", "However, Kalın said",
             "met Erdoğan’s, Kalın", "met Erdoğan,Kalın", "met Erdoğan , Kalın", "Erdoğan, Kalın"]
    seen = set()
    for text in texts:
        for at in range(len(text) + 1):
            result = _listed_before(text, at)
            assert result == by_pattern(text, at), (text, at)
            seen.add(result)
    assert seen == {True, False}
    assert _listed_before("said Erdoğan, \nKalın", len("said Erdoğan, \n"))
