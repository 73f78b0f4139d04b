"""The fast path of ``check_storable`` (a cache of names found plain, getters per dataclass) says
"plain" only for items the full, message-making checks pass: each bad value below is refused,
also when the same string was seen plain before in another role."""
import math

import pytest

from annotate.errors import ValidationError
from annotate.model import Annotations, Cluster, Document, Relation, Span, Stance
from annotate.values import MAX_PERSON_LENGTH, _check_item, _plainly_storable, check_storable

DOC = Document("d1", "Ankara and Moscow said so.")


def good_items():
    return [Span("e1", 0, 6, "GPE", origin="model:x@1", decision="suggested", score=0.5),
            Span("e2", 11, 17, "GPE", origin="ana", annotator="ana", decision="manual"),
            Span("c1", 0, 25, "CLAIM", "claim", origin="ana", annotator="ana", claimant="e1", checkworthy=True),
            Stance("s1", "e1", "c1", "FAVOR", origin="ana", annotator="ana"),
            Relation("r1", "e1", "e2", "ALLY_OF", origin="ana", annotator="ana", score=1.0),
            Cluster("g1", "ana", "manual", "ana", None)]


BAD = [
    ("id", "e\u202e1"), ("id", ""), ("id", 5), ("origin", "ana\x00"), ("origin", None),
    ("annotator", "a" * (MAX_PERSON_LENGTH + 1)), ("annotator", "a\tb"), ("annotator", "   "), ("annotator", 3),
    ("label", None), ("score", math.nan), ("score", math.inf), ("score", True), ("checkworthy", 1),
    ("attrs", []), ("attrs", {"x": math.nan}), ("claimant", 7), ("cluster", ["g1"]),
]


@pytest.mark.parametrize("field,value", BAD, ids=[f"{f}={v!r}"[:40] for f, v in BAD])
def test_a_bad_value_is_never_taken_for_plain(field, value):
    # The same strings seen plain first, in every role (the cache must not carry them over).
    for item in good_items():
        assert _plainly_storable(item)
        _check_item(DOC, "span", item)
    long_id = "a" * (MAX_PERSON_LENGTH + 1)
    assert _plainly_storable(Span(long_id, 0, 6, "GPE", origin="ana"))  # a long id is fine...
    for item in good_items():
        if not hasattr(item, field):
            continue
        setattr(item, field, value)
        assert not _plainly_storable(item)
        with pytest.raises(ValidationError):
            check_storable(DOC, Annotations([item] if isinstance(item, Span) else []))
            _check_item(DOC, "item", item)


def test_good_items_pass_both_paths():
    items = good_items()
    check_storable(DOC, Annotations(items[:3], [items[3]], [items[4]], clusters=[items[5]]))
    for item in items:
        assert _plainly_storable(item)
