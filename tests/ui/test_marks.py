"""Every mark readable (issue 17), through the real window: label tags toggled with one key,
nested and crossing spans each underlined in their own colour for their whole length, and arcs
that take room only where they are, grow as needed, and are all drawn or one click away."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QTextCursor

from annotate.model import ENTITY
from annotate.seeds import sample_articles
from tests.ui.conftest import click_char, drag_select, scroll_to

SAMPLE = sample_articles()[0].read_text(encoding="utf-8")
WIDTH = 1400
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))


@pytest.fixture
def window(make_window):
    return make_window([("libya", SAMPLE, [])])


def image_of(view) -> QImage:
    view.viewport().repaint()
    return view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def near(image: QImage, rect: QRect, color: str, tolerance: int = 60) -> int:
    target = QColor(color)
    rect = rect.intersected(image.rect())
    return sum(1 for y in range(rect.top(), rect.bottom() + 1) for x in range(rect.left(), rect.right() + 1)
               if sum(abs(a - b) for a, b in zip(QColor(image.pixel(x, y)).getRgb()[:3], target.getRgb()[:3]))
               < tolerance)


def label(qtbot, window, needle: str, key, context: str | None = None, exact: bool = False) -> str:
    start = SAMPLE.index(needle, SAMPLE.index(context) if context else 0)
    drag_select(qtbot, window.view, start, start + len(needle))
    qtbot.keyClick(window.view, key, SHIFT if exact else Qt.KeyboardModifier.NoModifier)
    return window.selected


def x_range(view, start: int, end: int) -> tuple[int, int]:
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets.to_qt(start))
    left = view.cursorRect(cursor).x()
    cursor.setPosition(view.offsets.to_qt(end))
    return left, view.cursorRect(cursor).x()


def test_ctrl_t_writes_each_label_above_its_entity_and_a_click_on_a_tag_selects_it(qtbot, window):
    window.resize(WIDTH, 860)  # pixels are compared: never the size the screen or the last run gave
    view = window.view
    lavrov = label(qtbot, window, "Sergei Lavrov", Qt.Key.Key_P)
    weekend = label(qtbot, window, "the weekend", Qt.Key.Key_D)
    if not window.tags_action.isChecked():
        qtbot.keyClick(view, Qt.Key.Key_T, CTRL)
    scroll_to(view, SAMPLE.index("Sergei Lavrov"))
    image = image_of(view)
    tags = {span_id: (text, box) for span_id, text, box in view.marks.drawn_tags}
    assert tags[lavrov][0] == "PERSON" and tags[weekend][0] == "DATE"
    for span_id, color in ((lavrov, window.colors["PERSON"]), (weekend, window.colors["DATE"])):
        text, box = tags[span_id]
        span = window.state.spans[span_id]
        left, _ = x_range(view, span.start, span.end)
        assert abs(box.left() - left) <= 1  # at the entity's first character, above its line
        assert near(image, box.toAlignedRect(), color, 90) > 20  # in the label's colour
        assert box.bottom() <= view.cursorRect(_cursor(view, span.start)).top()
    # A click on a tag selects its entity.
    window.select_annotation(None)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=tags[weekend][1].center().toPoint())
    assert window.selected == weekend
    # One key turns them off: no tags, no room above the lines (arcs are off).
    qtbot.keyClick(view, Qt.Key.Key_T, CTRL)
    image_of(view)
    assert not window.tags_action.isChecked() and view.marks.drawn_tags == []
    assert set(view.arcs.visible_line_rooms()) == {0.0}
    qtbot.keyClick(view, Qt.Key.Key_T, CTRL)
    image_of(view)
    assert window.tags_action.isChecked() and view.marks.drawn_tags


def _cursor(view, offset: int) -> QTextCursor:
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets.to_qt(offset))
    return cursor


def test_nested_and_crossing_spans_are_each_underlined_in_their_own_colour_for_their_whole_length(qtbot, window):
    view = window.view
    # The size the window opens at depends on the screen and what the last run saved; the
    # check needs the text column wide enough for a line to hold a few words.
    window.resize(WIDTH, 860)
    ministry = label(qtbot, window, "Russian Foreign Ministry", Qt.Key.Key_O)
    russian = label(qtbot, window, "Russian", Qt.Key.Key_N, context="Russian Foreign Ministry")
    # Two spans that cross: "Foreign Minister Sergei" and "Sergei Lavrov".
    crossing_a = label(qtbot, window, "Foreign Minister Sergei", Qt.Key.Key_O, context="Russian Foreign Minister")
    crossing_b = label(qtbot, window, "Sergei Lavrov", Qt.Key.Key_P)
    spans = window.state.spans

    def underlines_near(offset: int):
        """The view scrolled to put offset's line mid-height: its image and, per span, its
        underline segments in drawing order (a span the layout wraps is underlined once per
        visual line)."""
        scroll_to(view, offset)
        view.centerCursor()
        image = image_of(view)
        segments: dict[str, list[tuple[int, float, float, float]]] = {}
        for span_id, level, y, low, high in view.marks.drawn_underlines:
            segments.setdefault(span_id, []).append((level, y, low, high))
        return image, segments

    def underlined_whole_in_colour(image, segments, span_id: str, label_name: str) -> None:
        left, right = x_range(view, spans[span_id].start, spans[span_id].end)
        first, last = segments[span_id][0], segments[span_id][-1]
        assert abs(first[2] - left) <= 1 and abs(last[3] - right) <= 1, label_name
        for _level, y, low, high in segments[span_id]:
            stripe = QRect(int(low) + 1, int(y), int(high - low) - 2, 2)
            assert near(image, stripe, window.colors[label_name]) >= stripe.width(), label_name

    # Nested: the inner span's underline nearest the text, the enclosing one below it, each as
    # long as its span and in its label's colour.
    image, segments = underlines_near(spans[ministry].start)
    assert segments[russian][0][0] == 0 and segments[ministry][0][0] == 1
    assert segments[ministry][0][1] > segments[russian][0][1]
    underlined_whole_in_colour(image, segments, ministry, "ORG")
    underlined_whole_in_colour(image, segments, russian, "NORP")
    # Crossing: both underlined, on different levels where they share "Sergei" (the end of one,
    # the start of the other), so the longer one is seen to reach past the other.
    image, segments = underlines_near(spans[crossing_a].start)
    underlined_whole_in_colour(image, segments, crossing_a, "ORG")
    underlined_whole_in_colour(image, segments, crossing_b, "PERSON")
    assert {segments[crossing_a][-1][0], segments[crossing_b][0][0]} == {0, 1}
    # A span that overlaps nothing gets no underline: its fill is enough.
    plain = label(qtbot, window, "Libya being atop", Qt.Key.Key_G)
    image_of(view)
    assert plain not in {span_id for span_id, *_ in view.marks.drawn_underlines}


@pytest.fixture
def dense_window(qtbot, tmp_path):
    """The sample with the builtin suggestions and 60 relations (bench/run_arcs.sample_with_relations)."""
    import run_arcs

    from store import Store
    from ui.main_window import MainWindow
    db = str(tmp_path / "sample.db")
    doc = run_arcs.sample_with_relations(db)
    store = Store.open(db, "bench")
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    window.open_document(doc)
    window.view.setFocus()
    yield window
    window.close()
    store.close()


def pages(view):
    bar = view.verticalScrollBar()
    value = 0
    while True:
        bar.setValue(value)
        view.viewport().repaint()
        view.arcs.repaint()
        yield value
        if value >= bar.maximum():
            return
        value = min(bar.maximum(), value + max(1, bar.pageStep()))


def test_arcs_open_room_only_where_they_are_and_every_arc_on_screen_is_drawn(qtbot, dense_window):
    window, view = dense_window, dense_window.view
    qtbot.keyClick(view, Qt.Key.Key_R, CTRL | SHIFT)
    assert view.arcs.is_enabled()
    on_screen = drawn = 0
    tag_room = view.arcs.base_room()
    highest = 0.0
    for _ in pages(view):
        paint = view.arcs.last_paint
        on_screen += paint["arcs"]
        drawn += paint["arcs"] - paint["folded"]
        rooms = view.arcs.visible_line_rooms()
        assert tag_room in rooms  # lines without arcs: only the tags' row
        highest = max(highest, *rooms)
    assert highest > tag_room + view.arcs.room_for(2)  # levels grow where the arcs need them
    assert on_screen >= 60 and drawn == on_screen


def test_folded_arcs_are_one_click_away_and_a_label_click_selects_its_relation(qtbot, dense_window):
    window, view = dense_window, dense_window.view
    qtbot.keyClick(view, Qt.Key.Key_R, CTRL | SHIFT)
    view.arcs.set_levels(1)  # a tight cap, so that arcs fold
    for _ in pages(view):
        if view.arcs.last_paint["folded"]:
            break
    assert view.arcs.last_paint["folded"] > 0
    for _ in range(20):
        badges = [b for b in view.arcs.last_badges if b[3]]
        if not badges:
            break
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=badges[0][2].center().toPoint())
        view.viewport().repaint()
        view.arcs.repaint()
    assert view.arcs.last_paint["folded"] == 0 and view.arcs.last_paint["segments"] > 0
    arc_id, box = view.arcs.last_label_ids[0]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=box.center().toPoint())
    assert window.current == arc_id and arc_id in window.state.relations


def test_arcs_of_the_selection_only_shows_all_of_its_arcs(qtbot, dense_window):
    window, view = dense_window, dense_window.view
    relations = window.state.relations
    ends: dict[str, int] = {}
    for relation in relations.values():
        for end in (relation.head, relation.tail):
            ends[end] = ends.get(end, 0) + 1
    hub = max(ends, key=ends.get)
    qtbot.keyClick(view, Qt.Key.Key_R, CTRL | SHIFT)
    view.arcs.set_levels(1)  # even where everything else would fold
    click_char(qtbot, view, window.state.spans[hub].start + 1)
    assert window.current == hub
    qtbot.keyClick(view, Qt.Key.Key_O, CTRL | SHIFT)
    view.viewport().repaint()
    view.arcs.repaint()
    paint = view.arcs.last_paint
    assert paint["arcs"] == ends[hub] and paint["folded"] == 0 and paint["segments"] >= ends[hub]
    assert all(window.state.spans[hub].layer == ENTITY for _ in [0])


def test_a_tag_at_the_end_of_a_line_stays_inside_the_text_column(qtbot, make_window):
    # Every word a CARDINAL, words of every length: where a short one ends a line, its tag
    # ("CARDINAL", wider than "two") would run past the column's right edge and be cut ("CARD")
    # unless it is moved left.
    from annotate.model import Span
    words = ["two", "seventy", "twelve thousand", "six", "ninety-nine", "one"] * 60
    text = " ".join(words)
    spans, at = [], 0
    for k, word in enumerate(words):
        spans.append(Span(f"c{k}", at, at + len(word), "CARDINAL", origin="model:test@1", decision="suggested"))
        at += len(word) + 1
    window = make_window([("d", text, spans)])
    window.resize(1400, 860)
    qtbot.waitUntil(lambda: window.view.width() > 300)
    if not window.tags_action.isChecked():
        qtbot.keyClick(window.view, Qt.Key.Key_T, CTRL)
    view = window.view
    image_of(view)
    boxes = [box for _, _, box in view.marks.drawn_tags]
    assert len(boxes) > 20
    right_edge = view.viewport().width()
    cut = [box for box in boxes if box.right() > right_edge]
    assert not cut, f"{len(cut)} tags past the right edge ({right_edge} px), e.g. {cut[0]}"
