"""The spaCy export of entities that other tools let a person draw with white space at an edge."""
from __future__ import annotations

import pytest

from annotate.errors import InputError
from annotate.formats.docbin import to_doc
from annotate.model import AnnotatedDocument, Annotations, Document, Span

TEXT = "Turkey is against Haftar, whom the United Arab Emirates back.\n\nKalın said so."


def _doc(*spans: Span):
    return to_doc(AnnotatedDocument(Document("d", TEXT), Annotations(list(spans))))


def test_an_entity_with_white_space_at_its_edges_is_exported_as_the_words_inside():
    # " Haftar" (from doccano: offsets 17-24) and "Kalın said\n\n"-style edges: the words are the entity.
    haftar = Span("e1", TEXT.index(" Haftar"), TEXT.index(" Haftar") + len(" Haftar"), "PERSON")
    kalin = Span("e2", TEXT.index("\n\nKalın"), TEXT.index("Kalın") + len("Kalın "), "PERSON")
    doc = _doc(haftar, kalin, Span("e3", 0, 6, "GPE"))
    assert [(e.text, e.label_) for e in doc.ents] == [("Turkey", "GPE"), ("Haftar", "PERSON"), ("Kalın", "PERSON")]


def test_an_entity_that_is_one_space_between_words_is_still_refused_by_name():
    # No token holds it (spaCy keeps it as the trailing white space of "Turkey").
    with pytest.raises(InputError, match="entity 'e1' does not align"):
        _doc(Span("e1", 6, 7, "PERSON"))
