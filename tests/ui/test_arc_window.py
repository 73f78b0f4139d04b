"""Arcs over a paragraph of thousands of lines are laid out only around the viewport
(ui/arc_overlay.py ``_line_window``, ui/arc_blocks.py ``plan_block(lines=...)``): the work does
not grow with the paragraph, and every screen shows what laying out the whole paragraph shows."""
from __future__ import annotations

import random

from PySide6.QtWidgets import QPlainTextEdit

from ui.arc_overlay import ArcOverlay, ArcSpec
from ui.offsets import OffsetMap
from ui.theme import article_font

WORDS = "the ministry said talks between Turkey and Russia on a ceasefire in Libya would continue".split()
LABELS = ["LEADS", "BACKED_BY", "ROLE_IN", "LOCATED_IN", "NEGOTIATES_WITH"]


def paragraph_with_arcs(words: int, seed: int = 3) -> tuple[str, list[ArcSpec]]:
    """One paragraph; an entity every fourth word; each entity related to one of the next three
    (enough to fold arcs past six levels), and every 40th to one about 900 entities on (about
    200 lines below at 900 px: the other end is outside the window of the lines on screen)."""
    rng = random.Random(seed)
    parts, entities, length = [], [], 0
    for n in range(words):
        word = rng.choice(WORDS)
        if n % 4 == 0:
            entities.append((length, length + len(word)))
        parts.append(word)
        length += len(word) + 1
    arcs = []
    for i, head in enumerate(entities):
        if i + 3 < len(entities):
            arcs.append(ArcSpec(f"r{i}", head, entities[i + rng.randint(1, 3)], rng.choice(LABELS)))
        if i % 40 == 0 and i + 950 < len(entities):
            arcs.append(ArcSpec(f"far{i}", head, entities[i + rng.randint(850, 950)], "SAME_AS"))
    return " ".join(parts), arcs


def view_with_arcs(qtbot, text: str, arcs: list[ArcSpec], *, whole: bool = False):
    view = QPlainTextEdit()
    view.setReadOnly(True)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    overlay = ArcOverlay(view)
    if whole:
        overlay.WINDOWED_LINES = 1 << 30  # the whole paragraph laid out at once, as before windows
    overlay.prepare_room()
    view.setFont(article_font())
    view.document().setDocumentMargin(18)
    view.setPlainText(text)
    overlay.set_offsets(OffsetMap(text))
    qtbot.addWidget(view)
    view.resize(900, 520)
    view.show()
    qtbot.waitExposed(view)
    overlay.set_arcs(arcs)
    overlay.set_enabled(True)
    view.viewport().grab()  # paints the viewport and the overlay on it
    return view, overlay


def screen(view, overlay) -> tuple:
    """What the overlay drew and where: labels, badges, the lines' tops and rooms."""
    view.viewport().grab()
    badges = [(number, start, box, count) for number, start, box, count, _ in overlay.last_badges]
    return (overlay.last_paint, overlay.last_labels, badges, overlay.visible_line_tops(),
            overlay.visible_line_rooms())


def test_arcs_on_lay_out_the_same_number_of_arcs_for_a_paragraph_twice_as_long(qtbot):
    planned = []
    for words in (16_000, 32_000):
        text, arcs = paragraph_with_arcs(words)
        view, overlay = view_with_arcs(qtbot, text, arcs)
        assert view.document().firstBlock().layout().lineCount() > 4 * overlay.WINDOWED_LINES * words // 32_000
        assert overlay.last_paint["segments"] > 10
        planned.append(overlay.planned_arcs)
        assert overlay.planned_arcs < len(arcs) / 3
        view.close()
    small, large = planned
    assert 0 < large <= small * 1.2, planned


def test_each_screen_shows_what_laying_out_the_whole_paragraph_shows(qtbot):
    text, arcs = paragraph_with_arcs(24_000)
    windowed, overlay = view_with_arcs(qtbot, text, arcs)
    whole, reference = view_with_arcs(qtbot, text, arcs, whole=True)
    scroll, whole_scroll = windowed.verticalScrollBar(), whole.verticalScrollBar()
    assert scroll.maximum() == whole_scroll.maximum() > 1000
    folded = seen = 0
    with_badge = None
    # Top, bottom, a jump to the middle, then a page at a time past the window's edge (each page
    # either within the window laid out or laying out a new one).
    positions = [0, scroll.maximum(), scroll.maximum() // 2] + [scroll.maximum() // 2 + 25 * k for k in range(1, 12)]
    for value in positions:
        scroll.setValue(value)
        whole_scroll.setValue(value)
        shown, expected = screen(windowed, overlay), screen(whole, reference)
        assert shown == expected, value
        seen += shown[0]["segments"]
        folded += shown[0]["folded"]
        if with_badge is None and any(badge[3] for badge in overlay.last_badges):
            with_badge = value
    assert seen > 100 and folded > 0 and with_badge is not None
    # A click on a "+N" opens the folded arcs' lines, also those outside the window.
    scroll.setValue(with_badge)
    whole_scroll.setValue(with_badge)
    screen(windowed, overlay)
    screen(whole, reference)
    _, _, box, _, _ = next(badge for badge in overlay.last_badges if badge[3])
    assert overlay.toggle_line_at(box.center()) and reference.toggle_line_at(box.center())
    assert screen(windowed, overlay) == screen(whole, reference)
    assert overlay.planned_arcs < reference.planned_arcs
