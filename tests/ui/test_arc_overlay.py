"""Relation and stance arcs over the text (ui/arc_overlay.py), checked on real pixels."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from annotate.model import Relation, Span, Stance
from tests.conftest import TRAP_TEXT
from ui.arc_overlay import AGAINST_COLOR, FAVOR_COLOR, ArcOverlay, ArcSpec, SpacedLayout, specs_from
from ui.offsets import OffsetMap
from ui.theme import article_font

DENSE = ("Turkish President Erdoğan said on Monday that Turkey and Russia would press Haftar, whose forces are "
         "backed by the United Arab Emirates and Egypt, to accept the ceasefire agreed in Moscow. "
         "Foreign Minister Çavuşoğlu told reporters in Ankara that the Government of National Accord led by "
         "Fayez al-Sarraj had signed, while NATO officials in Brussels urged restraint.")
PLAIN = ("A second paragraph follows with no arcs at all, so that the text below stays plain and readable "
         "for comparison with the dense paragraph above it.")
TEXT = DENSE + "\n" + PLAIN + "\n" + PLAIN
NAMES = ["Erdoğan", "Turkey", "Russia", "Haftar", "United Arab Emirates", "Egypt", "Moscow", "Çavuşoğlu",
         "Ankara", "Government of National Accord", "Fayez al-Sarraj", "NATO", "Brussels"]
RELATIONS = [("Erdoğan", "Turkey", "LEADS"), ("Haftar", "United Arab Emirates", "BACKED_BY"),
             ("Haftar", "Egypt", "BACKED_BY"), ("Turkey", "Russia", "NEGOTIATES_WITH"),
             ("Çavuşoğlu", "Turkey", "ROLE_IN"), ("Fayez al-Sarraj", "Government of National Accord", "LEADS"),
             ("NATO", "Brussels", "LOCATED_IN"), ("Russia", "Moscow", "SAME_AS")]
STANCES = [("Turkey", "Haftar", "AGAINST"), ("Egypt", "Haftar", "FAVOR"),
           ("NATO", "Government of National Accord", "NEUTRAL")]


def dense_annotations(text: str = TEXT):
    spans = {}
    for i, name in enumerate(NAMES):
        start = text.index(name)
        spans[f"e{i}"] = Span(f"e{i}", start, start + len(name), "GPE", decision="accepted")
    ids = {name: f"e{i}" for i, name in enumerate(NAMES)}
    relations = [Relation(f"r{i}", ids[h], ids[t], label) for i, (h, t, label) in enumerate(RELATIONS)]
    stances = [Stance(f"s{i}", ids[h], ids[t], polarity) for i, (h, t, polarity) in enumerate(STANCES)]
    return spans, relations, stances


def make_view(qtbot, text: str, width: int = 900, height: int = 520):
    view = QPlainTextEdit()
    view.setReadOnly(True)
    view.setUndoRedoEnabled(False)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    overlay = ArcOverlay(view)  # before any text: it installs the spaced layout
    view.setFont(article_font())
    view.document().setDocumentMargin(18)
    view.setPlainText(text)
    overlay.set_offsets(OffsetMap(text))
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    return view, overlay


def grab(view) -> QImage:
    view.viewport().repaint()
    return view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def line_boxes(view) -> list[QRect]:
    """The box of every visible text line (viewport coordinates)."""
    boxes = []
    offset = view.contentOffset()
    block = view.firstVisibleBlock()
    while block.isValid():
        top = view.blockBoundingGeometry(block).translated(offset).top()
        if top > view.viewport().height():
            break
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            boxes.append(QRect(0, int(top + line.y()), view.viewport().width(), int(line.height())))
        block = block.next()
    return boxes


def differing(a: QImage, b: QImage, rect: QRect) -> int:
    rect = rect.intersected(a.rect())
    count = 0
    for y in range(rect.top(), rect.bottom() + 1):
        for x in range(rect.left(), rect.right() + 1, 1):
            if a.pixel(x, y) != b.pixel(x, y):
                count += 1
    return count


def ink(image: QImage, rect: QRect, background: int | None = None) -> int:
    """Pixels in rect that are not the background colour."""
    rect = rect.intersected(image.rect())
    background = image.pixel(2, 2) if background is None else background
    return sum(1 for y in range(rect.top(), rect.bottom() + 1) for x in range(rect.left(), rect.right() + 1)
               if image.pixel(x, y) != background)


def near(image: QImage, rect: QRect, color: str, tolerance: int = 40) -> int:
    target = QColor(color)
    rect = rect.intersected(image.rect())
    hits = 0
    for y in range(rect.top(), rect.bottom() + 1):
        for x in range(rect.left(), rect.right() + 1):
            c = QColor(image.pixel(x, y))
            if abs(c.red() - target.red()) + abs(c.green() - target.green()) + abs(c.blue() - target.blue()) < tolerance:
                hits += 1
    return hits


def highlight(view, spans) -> None:
    """Entity backgrounds (as ExtraSelections: enough for the pictures and pixel checks)."""
    selections = []
    for span in spans:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(view.document())
        cursor.setPosition(span.start)
        cursor.setPosition(span.end, QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(86, 180, 233, 110))
        selection.format = fmt
        selections.append(selection)
    view.setExtraSelections(selections)


@pytest.fixture
def dense(qtbot):
    view, overlay = make_view(qtbot, TEXT)
    spans, relations, stances = dense_annotations()
    highlight(view, spans.values())  # TEXT is BMP-only without CRLF: code points are Qt positions
    overlay.set_arcs(specs_from(spans, relations, stances))
    overlay.set_enabled(True)
    return view, overlay, spans


def test_arcs_are_drawn_above_the_lines_and_never_over_the_text(qtbot, dense):
    view, overlay, spans = dense
    with_arcs = grab(view)
    with_arcs.save("/tmp/arcs_demo.png")
    assert overlay.last_paint["segments"] >= 8
    overlay.set_only_for("no such annotation")  # same layout, no arcs
    without = grab(view)
    assert overlay.last_paint["segments"] == 0
    boxes = line_boxes(view)
    assert len(boxes) >= 6
    # Inside every text line box, the pixels are the same with the arcs on or off.
    for box in boxes:
        assert differing(with_arcs, without, box) == 0, box
    # The arcs are in the room above the lines of the dense paragraph.
    rooms = overlay.visible_line_rooms()
    above = [QRect(0, box.top() - int(room), box.width(), int(room)) for box, room in zip(boxes[:3], rooms)]
    for room in above:
        assert differing(with_arcs, without, room) > 200


def test_labels_are_drawn_legibly_in_their_colours(qtbot, dense):
    view, overlay, _ = dense
    image = grab(view)
    texts = [text for text, _ in overlay.last_labels]
    assert {"LEADS", "BACKED_BY", "NEGOTIATES_WITH", "AGAINST", "FAVOR"} <= set(texts)
    boxes = line_boxes(view)
    for text, box in overlay.last_labels:
        rect = box.toAlignedRect()
        # A label sits in the room above a line, never on a line box.
        assert not any(rect.adjusted(1, 1, -1, -1).intersects(line) for line in boxes), (text, rect)
        # Text was drawn inside the box (dark ink on the light label background).
        inner = rect.adjusted(3, 2, -3, -2)
        assert near(image, inner, "#1B1B1B", 200) > 10 or near(image, inner, AGAINST_COLOR, 160) > 5 \
            or near(image, inner, FAVOR_COLOR, 160) > 5, text
    # The two labels of one level never overlap each other.
    rects = [box for _, box in overlay.last_labels]
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            assert not a.adjusted(1, 1, -1, -1).intersects(b.adjusted(1, 1, -1, -1))
    assert near(image, image.rect(), AGAINST_COLOR, 30) > 20
    assert near(image, image.rect(), FAVOR_COLOR, 30) > 20


def test_only_the_selected_annotations_arcs(qtbot, dense):
    view, overlay, spans = dense
    everything = grab(view)
    overlay.set_only_for("no such annotation")
    empty = grab(view)
    all_ink = differing(everything, empty, everything.rect())
    overlay.set_only_for("e3")  # Haftar: two BACKED_BY, AGAINST, FAVOR
    haftar = grab(view)
    assert overlay.last_paint["arcs"] == 4
    haftar_ink = differing(haftar, empty, haftar.rect())
    overlay.set_only_for("r0")  # one relation
    one = grab(view)
    assert overlay.last_paint["arcs"] == 1 and [t for t, _ in overlay.last_labels] == ["LEADS"]
    assert 0 < differing(one, empty, one.rect()) < haftar_ink < all_ink
    overlay.set_only_for(None)
    grab(view)
    assert overlay.last_paint["arcs"] == len(RELATIONS) + len(STANCES)


def test_room_opens_only_above_lines_with_arcs_and_closes_without_touching_the_text(qtbot, dense):
    view, overlay, _ = dense
    document = view.document()
    assert isinstance(document.documentLayout(), SpacedLayout)
    grab(view)
    rooms = overlay.visible_line_rooms()
    first = document.firstBlock().layout()
    dense_lines = first.lineCount()
    # Every line of the dense paragraph carries an arc end; the plain paragraphs below carry none.
    assert all(room >= overlay.room_for(1) for room in rooms[:dense_lines])
    assert all(room == 0 for room in rooms[dense_lines:]) and len(rooms) > dense_lines
    # The levels grow as needed: the room of each line is what its arcs take, no more.
    assert first.lineAt(0).y() == rooms[0]
    assert first.lineAt(1).y() == pytest.approx(rooms[0] + first.lineAt(0).height() + rooms[1])
    assert max(rooms) > overlay.room_for(1)
    # The caret follows the moved lines.
    cursor = QTextCursor(document)
    cursor.setPosition(TEXT.index("Haftar"))
    rect = view.cursorRect(cursor)
    [(line, low, high)] = [overlay.span_x(TEXT.index("Haftar"), TEXT.index("Haftar") + 6)]
    assert abs(rect.x() - low) <= 1
    assert abs(rect.top() - overlay.visible_line_tops()[line]) <= 1
    overlay.set_enabled(False)
    grab(view)
    assert overlay.line_room() == 0 and first.lineAt(0).y() == 0
    assert document.toPlainText() == TEXT
    assert not document.isModified()


def test_levels_fold_into_a_badge_that_one_click_opens(qtbot, dense):
    view, overlay, _ = dense
    grab(view)
    everything = overlay.last_paint["segments"]
    assert overlay.last_paint["folded"] == 0
    overlay.set_levels(1)  # a cap of one level above each line: the rest fold
    grab(view)
    assert overlay.last_paint["folded"] > 0 and overlay.last_badges
    assert all(room <= overlay.room_for(1) for room in overlay.visible_line_rooms())
    # (The article view hands its clicks to toggle_line_at: see tests/ui/test_marks.py.)
    for _ in range(10):
        folding = [b for b in overlay.last_badges if b[3]]
        if not folding:
            break
        assert overlay.toggle_line_at(folding[0][2].center().toPoint())
        grab(view)
    assert overlay.last_paint["folded"] == 0 and overlay.last_paint["segments"] == everything
    # An opened line shows a "−" that folds it again.
    closing = [b for b in overlay.last_badges if b[3] == 0]
    assert closing
    assert overlay.toggle_line_at(closing[0][2].center().toPoint())
    grab(view)
    assert overlay.last_paint["folded"] > 0


def test_room_follows_a_zoom(qtbot, dense):
    view, overlay, _ = dense
    grab(view)
    level = overlay.room_for(1)
    view.zoomIn(4)
    qtbot.wait(10)
    grab(view)
    assert overlay.room_for(1) > level
    assert overlay.visible_line_rooms()[0] >= overlay.room_for(1)
    tops, rooms = overlay.visible_line_tops(), overlay.visible_line_rooms()
    for _, box in overlay.last_labels:
        assert any(top - r <= box.top() and box.bottom() < top for top, r in zip(tops, rooms))


def test_offscreen_blocks_are_neither_laid_out_nor_spaced(qtbot):
    paragraphs = [DENSE] * 80
    text = "\n".join(paragraphs)
    view, overlay = make_view(qtbot, text, height=400)
    arcs = []
    step = len(DENSE) + 1
    base_spans, relations, stances = dense_annotations(DENSE)
    for p in range(80):
        spans = {k: Span(f"{k}-{p}", s.start + p * step, s.end + p * step, s.label) for k, s in base_spans.items()}
        for spec in specs_from(spans, relations, stances):
            arcs.append(ArcSpec(f"{spec.id}-{p}", spec.head, spec.tail, spec.label, spec.kind, spec.polarity))
    overlay.set_arcs(arcs)
    overlay.set_enabled(True)
    grab(view)
    top = overlay.last_paint["arcs"]
    assert 0 < top <= 2 * (len(RELATIONS) + len(STANCES)) < len(arcs)
    layout = view.document().documentLayout()
    # The visible blocks, and the last page's (QPlainTextEdit measures it for its scroll bar).
    assert not {n for n in layout.marked_blocks() if 10 <= n < 60}
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    grab(view)
    assert 0 < overlay.last_paint["arcs"] <= 3 * (len(RELATIONS) + len(STANCES))
    # The overlay still covers the viewport exactly after the scroll moved the viewport's children.
    assert overlay.geometry() == view.viewport().rect()
    first = view.firstVisibleBlock().blockNumber()
    assert {n for n in layout.marked_blocks() if 10 <= n < 60} <= set(range(first, first + 10))


def test_a_repaint_with_nothing_moved_lays_nothing_out_again(qtbot, dense):
    view, overlay, _ = dense
    first = grab(view)
    spaced = view.document().documentLayout().spaced_blocks
    assert grab(view) == first and view.document().documentLayout().spaced_blocks == spaced
    overlay.set_only_for("r0")
    view.viewport().repaint()
    assert overlay.last_paint["arcs"] == 1
    overlay.set_only_for("r6")  # NATO -LOCATED_IN-> Brussels, near the end of the paragraph
    view.viewport().repaint()
    before = list(overlay.last_labels)
    view.resize(600, 520)  # rewrapped: laid out and spaced anew
    qtbot.wait(10)
    view.viewport().repaint()
    assert overlay.last_labels != before and {t for t, _ in overlay.last_labels} == {"LOCATED_IN"}
    tops, rooms = overlay.visible_line_tops(), overlay.visible_line_rooms()
    for _, box in overlay.last_labels:  # each in the room above one of the new lines
        assert any(top - room <= box.top() and box.bottom() < top for top, room in zip(tops, rooms))


def test_overlay_follows_the_viewport_and_ignores_the_mouse(qtbot, dense):
    view, overlay, _ = dense
    assert overlay.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    assert overlay.parent() is view.viewport()
    view.resize(700, 480)
    qtbot.wait(10)
    assert overlay.geometry() == view.viewport().rect()


def test_ends_are_found_on_non_bmp_and_crlf_text(qtbot):
    view, overlay = make_view(qtbot, TRAP_TEXT)
    offsets = OffsetMap(TRAP_TEXT)
    for needle in ("Putin", "İstanbul", "UAE", "Haftar"):
        start = TRAP_TEXT.index(needle)
        cursor = QTextCursor(view.document())
        cursor.setPosition(offsets.to_qt(start))
        expected = view.cursorRect(cursor)
        line, low, high = overlay.span_x(start, start + len(needle))
        assert abs(low - expected.x()) <= 1, needle
        assert high > low
    haftar, uae = TRAP_TEXT.index("Haftar"), TRAP_TEXT.index("UAE")
    overlay.set_arcs([ArcSpec("r", (haftar, haftar + 6), (uae, uae + 3), "BACKED_BY")])
    overlay.set_enabled(True)
    grab(view)
    assert overlay.last_paint["segments"] == 1 and overlay.last_labels[0][0] == "BACKED_BY"


def test_dark_theme_uses_light_strokes(qtbot, dense):
    view, overlay, _ = dense
    overlay.set_only_for("r0")
    light = grab(view)
    overlay.set_theme(True)
    dark = grab(view)
    [(_, box)] = overlay.last_labels
    border = QRect(int(box.left()) - 30, int(box.center().y()), 20, 1)
    assert near(light, border, "#4A4A4A", 60) > 0
    assert near(dark, border, "#C8C8C8", 60) > 0
