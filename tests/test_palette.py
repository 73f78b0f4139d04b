"""Label fills that every reader tells apart (issue 17): distances in CAM02-UCS between the fills as
the article view paints them, in the light and the dark theme, for normal vision and simulated
deuteranopia, protanopia and tritanopia, computed with ColorAide (not with our own formulas)."""
from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest

from annotate import palette
from annotate.formats.common import SourcedDocument
from annotate.formats.labels import extend_schema
from annotate.model import Annotations, Document, Span
from annotate.schema import load_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = load_schema(ROOT / "seeds" / "news-schema.toml")


def test_the_measure_is_the_one_the_issue_reported():
    # Before: LOC and NORP 1.3 apart under deuteranopia, ORG and ORDINAL 5.0 with normal vision.
    assert palette.distances("#44AA99", "#CC79A7")[("light", "deutan")] == pytest.approx(1.3, abs=0.05)
    assert palette.distances("#56B4E9", "#6699CC")[("light", "normal")] == pytest.approx(5.0, abs=0.05)


def test_the_default_labels_fills_are_apart_for_every_reader_in_both_themes():
    colors = {e.label: e.color for e in SCHEMA.entities}
    assert list(colors.values()) == list(palette.PALETTE[:len(colors)])
    for (a, ca), (b, cb) in combinations(colors.items(), 2):
        worst = min(palette.distances(ca, cb).items(), key=lambda item: item[1])
        assert worst[1] >= palette.MIN_DISTANCE, (a, b, worst)


def test_the_whole_palette_keeps_the_distance_stands_out_and_reads_under_text():
    assert len(set(palette.PALETTE)) == len(palette.PALETTE) >= len(SCHEMA.entities) + 6
    distance, a, b = palette.closest(palette.PALETTE)
    assert distance >= palette.MIN_DISTANCE, (a, b, distance)
    for color in palette.PALETTE:
        assert palette.from_background(color) >= palette.MIN_DISTANCE, color
        assert min(palette.text_contrast(color).values()) >= palette.MIN_CONTRAST, color


def test_the_view_paints_the_fills_the_palette_measures():
    from ui.theme import THEMES
    for name, background, alpha in palette.FILLS:
        theme = THEMES[name]
        assert (theme.base.upper(), theme.decided_alpha, theme.text.upper()) == \
            (background, alpha, palette.TEXT[name])


def _document_with_labels(labels: list[str]) -> SourcedDocument:
    text = " ".join(f"w{i}" for i in range(len(labels)))
    spans = [Span(f"s{i}", text.index(f"w{i}"), text.index(f"w{i}") + 2, label) for i, label in enumerate(labels)]
    return SourcedDocument(Document("d", text), Annotations(spans), "in.jsonl", 1, {})


def test_labels_added_by_an_import_keep_the_distance():
    new = ["COMPANY", "WEAPON", "VEHICLE", "DISEASE", "AWARD", "SHIP"]
    extended = extend_schema([_document_with_labels(new)], SCHEMA, add=True)
    colors = [e.color for e in extended.entities]
    assert len(set(colors)) == len(colors)
    distance, a, b = palette.closest(colors)
    assert distance >= palette.MIN_DISTANCE, (a, b, distance)
    # Not QUANTITY's colour, as COMPANY got before.
    assert extended.entity("COMPANY").color != SCHEMA.entity("QUANTITY").color


def test_past_the_palette_new_labels_still_get_distinct_readable_colours():
    used = list(palette.PALETTE)
    extra = palette.next_colors(used, 3)
    assert len(set(extra)) == 3 and not set(extra) & set(used)
    assert all(min(palette.text_contrast(c).values()) >= palette.MIN_CONTRAST for c in extra)
