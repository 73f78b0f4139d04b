"""The view's index of spans (ui.highlighter): rejected spans handed to it are never drawn,
hovered or listed, before or after edits, one at a time or in bulk."""
from __future__ import annotations

from dataclasses import replace

import pytest

from annotate.model import Span
from ui.article_view import ArticleView
from ui.theme import LIGHT

TEXT = "Turkey and Russia met in Libya. " * 40


@pytest.fixture
def view(qtbot):
    view = ArticleView()
    qtbot.addWidget(view)
    view.configure(LIGHT, {"GPE": "#009E73"})
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    return view


def spans_of(text: str) -> list[Span]:
    found, at, n = [], 0, 0
    for word in ("Turkey", "Russia", "Libya") * 40:
        at = text.index(word, at)
        found.append(Span(f"s{n}", at, at + len(word), "GPE", decision="suggested", score=0.5))
        at, n = at + len(word), n + 1
    return found


def drawn(view: ArticleView) -> list[tuple[int, int]]:
    view.viewport().repaint()
    return sorted((view.offsets.from_qt(a), view.offsets.from_qt(b)) for a, b, _ in view.painted)


def test_rejected_spans_are_not_drawn_hovered_or_listed(view):
    spans = spans_of(TEXT)
    rejected = replace(spans[1], decision="rejected")
    spans[1] = rejected
    view.show_document(TEXT, list(reversed(spans)))  # out of order, too
    shown = [(s.start, s.end) for s in spans if s is not rejected]
    assert [r for r in drawn(view) if r[0] < 200] == [r for r in shown if r[0] < 200]
    assert "s1" not in view.highlighter.spans() and "s0" in view.highlighter.spans()
    assert view.spans_at(rejected.start + 1) == []
    assert view.highlighter.qt_range("s1") is None

    # Taken back (undo of the rejection): drawn once; rejected again: gone.
    view.update_spans({"s1": replace(rejected, decision="suggested")})
    assert drawn(view).count((rejected.start, rejected.end)) == 1
    assert [s.id for s in view.spans_at(rejected.start + 1)] == ["s1"]
    view.update_spans({"s1": rejected})
    assert (rejected.start, rejected.end) not in drawn(view)
    assert "s1" not in view.highlighter.spans()

    # In bulk (accept-all and its undo index everything again).
    everything = {s.id: replace(s, decision="accepted") for s in spans}
    view.update_spans(everything)
    assert drawn(view).count((rejected.start, rejected.end)) == 1
    view.update_spans({s.id: (None if s.id == "s0" else replace(s, decision="rejected")) for s in spans})
    assert drawn(view) == [] and view.highlighter.spans() == {}


def test_highlights_of_a_stretch_are_its_segments_whether_spans_overlap_or_not(view):
    # ranges_in takes a shorter way where no two spans on the stretch overlap: the same answer
    # as cutting every stretch into segments (annotate.overlaps) and formatting each.
    from annotate.model import CLAIM
    from annotate.overlaps import segments
    spans = spans_of(TEXT)
    at = TEXT.index("Russia")
    spans += [Span("outer", at - 4, at + 10, "GPE", decision="accepted"),
              Span("claim", at + 20, at + 90, "CLAIM", layer=CLAIM)]
    view.show_document(TEXT, spans)
    highlighter, offsets = view.highlighter, view.offsets
    by_id = {s.id: s for s in spans}
    apart = overlapping = 0
    for start in range(0, 400, 7):
        stretch = (offsets.to_qt(start), offsets.to_qt(start + 23))
        pieces = [(max(offsets.to_qt(s.start), stretch[0]), min(offsets.to_qt(s.end), stretch[1]), s.id)
                  for s in spans if s.start < start + 24 and s.end > start]
        expected = [(g.start, g.end, highlighter._format([by_id[i] for i in g.covering])) for g in segments(pieces)]
        assert highlighter.ranges_in(*stretch) == expected, start
        if any(len(g.covering) > 1 for g in segments(pieces)):
            overlapping += 1
        elif expected:
            apart += 1
    assert apart and overlapping


def test_spans_of_any_stretch_are_found_through_edits_in_any_order(view):
    # Long spans reaching over many short ones, stretches asked for in random order (the index's
    # reach is made only as far as asked), changes in between; the list handed over is not changed.
    import random
    rng = random.Random(11)
    text = "x" * 5000
    spans = sorted((Span(f"s{i}", a, a + rng.choice([1, 3, 8, 40, 900]), "GPE", decision=rng.choice(
        ["suggested", "accepted", "rejected"])) for i, a in enumerate(rng.randrange(0, 4000) for _ in range(400))),
        key=lambda s: s.start)
    handed = list(spans)
    view.show_document(text, handed)
    live = {s.id: s for s in spans}
    for step in range(300):
        if step % 5 == 0:
            span_id = rng.choice(sorted(live))
            if rng.random() < 0.3:
                live.pop(span_id)
                view.update_spans({span_id: None})
            else:
                a = rng.randrange(0, 4900)
                live[span_id] = Span(span_id, a, a + rng.choice([1, 5, 60, 700]), "ORG")
                view.update_spans({span_id: live[span_id]})
        start = rng.randrange(0, 5000)
        end = start + rng.choice([1, 2, 30, 400])
        found = view.highlighter._spans_between(start, end)
        expected = {s.id for s in live.values() if s.start < end and s.end > start and s.decision != "rejected"}
        assert sorted(s.id for s in found) == sorted(expected), (step, start, end)
        assert len(found) == len(expected)
        assert [s.start for s in found] == sorted(s.start for s in found)
    assert handed == spans


def test_underlines_are_those_of_each_spans_own_level(view, monkeypatch):
    # SpanMarks skips the level search for a span alone on its line (most of them): the same
    # underlines as searching every span's level, over spans nested, crossing, at line ends.
    import random

    from ui import span_marks
    rng = random.Random(3)
    words = TEXT.split()
    spans, at = [], 0
    for n, word in enumerate(words):
        at = TEXT.index(word, at)
        if rng.random() < 0.5:
            spans.append(Span(f"w{n}", at, at + len(word), "GPE", decision=rng.choice(["suggested", "accepted"])))
        if rng.random() < 0.15:  # over this word and the next few: across lines too
            spans.append(Span(f"o{n}", at, min(len(TEXT), at + rng.choice([12, 30, 90])), "GPE"))
        at += len(word)
    view.show_document(TEXT, spans)
    view.set_tags(True)
    for value in (0, view.verticalScrollBar().maximum() // 2):
        view.verticalScrollBar().setValue(value)
        view.viewport().repaint()
        quick = sorted(view.marks.drawn_underlines)
        monkeypatch.setattr(span_marks, "_alone", lambda spans, start, end: set())
        view.viewport().repaint()
        searched = sorted(view.marks.drawn_underlines)
        monkeypatch.undo()
        assert quick == searched and len(quick) > 5
