"""Room above the lines of a QPlainTextEdit, line by line, for the tags and arcs drawn there.

QPlainTextEdit's QPlainTextDocumentLayout ignores ``QTextBlockFormat.setLineHeight`` (every type:
proportional, fixed, minimum, line distance) and block margins: its ``layoutBlock`` simply stacks
``QTextLine.height()``. Merging a block format over the document writes into it and changes nothing
on screen (measured in bench/run_arcs.py). So the room is made by a ``SpacedLayout``, a
QPlainTextDocumentLayout whose ``blockBoundingRect`` moves each laid-out line of a block down by
the room above it and every line before it: ``room`` above every line (the label tags' row), plus
what ``extra(block, layout)`` asks for above some lines (the arcs' levels, on lines that carry an
arc). This is done lazily, only for blocks Qt asks about, i.e. the visible ones, and again only
after Qt laid the block out anew or the rooms changed (``invalidate``). Painting, hit-testing, the
caret, selections and scrolling all read those line positions, so they follow. The text and its
formats are untouched.
"""
from __future__ import annotations

from collections import deque
from itertools import accumulate, repeat
from operator import add

from PySide6.QtCore import QPointF
from PySide6.QtGui import QTextDocument, QTextLine
from PySide6.QtWidgets import QPlainTextDocumentLayout, QPlainTextEdit


class SpacedLayout(QPlainTextDocumentLayout):
    """A plain-text layout with room above its lines.

    ``extra(block, layout)`` returns an object whose ``rooms`` maps line numbers to extra pixels
    (or None); it is kept with the block (``data(block)``) until the block is spaced again, so the
    painter of what is drawn in the room reads the same figures the room was made for.
    """

    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self.room = 0.0
        self.extra = None
        self.generation = 0
        self.spaced_blocks = 0  # how many block spacings were done (for tests and the bench)
        # block number -> (generation, line count, last line's y once spaced, extra's data,
        # the lines' tops as Qt laid them out, or None when never moved)
        self._marks: dict[int, tuple] = {}

    def blockBoundingRect(self, block):  # noqa: N802 (Qt override)
        rect = super().blockBoundingRect(block)
        layout = block.layout()
        count = layout.lineCount() if layout is not None else 0
        if not count:
            return rect
        number = block.blockNumber()
        mark = self._marks.get(number)
        last = layout.lineAt(count - 1).y()
        laid_out_again = mark is None or mark[1] != count or mark[2] != last
        if not laid_out_again and mark[0] == self.generation:
            return rect
        data = self.extra(block, layout) if self.extra is not None else None
        rooms = data.rooms if data is not None else {}
        if mark is None and not rooms and not self.room:
            # Never spaced and nothing to add: the lines are where Qt put them.
            self._marks[number] = (self.generation, count, last, data, None)
            return rect
        line_at = layout.lineAt
        # Where Qt put each line (QPlainTextDocumentLayout::layoutBlock stacks them from y = 0):
        # read once after each layout, since the lines are moved after.
        tops = mark[4] if not laid_out_again and mark[4] is not None else None
        if tops is None:
            tops = [line.y() for line in map(line_at, range(count))]
        # Each line moves down by the room above it and above every line before it. One Qt call
        # a line, the loop in C (map): a 1 MB paragraph has 10,000 lines.
        extras = [self.room] * count
        for i, extra in rooms.items():
            if 0 <= i < count:
                extras[i] += extra
        x = line_at(0).x()
        points = map(QPointF, repeat(x), map(add, tops, accumulate(extras)))
        deque(map(QTextLine.setPosition, map(line_at, range(count)), points), maxlen=0)
        self._marks[number] = (self.generation, count, line_at(count - 1).y(), data, tops)
        self.spaced_blocks += 1
        return super().blockBoundingRect(block)

    def marked_blocks(self) -> set[int]:
        """The numbers of the blocks Qt asked about so far (for tests: the visible ones, and the
        last page's, which QPlainTextEdit measures for its scroll bar)."""
        return set(self._marks)

    def data(self, block):
        """What ``extra`` said for this block when it was last spaced (None if never)."""
        mark = self._marks.get(block.blockNumber())
        return mark[3] if mark is not None else None

    def invalidate(self, *, forget: bool = False) -> None:
        """The rooms changed: space each block again when Qt next asks for it (``forget``: the
        document is new, its blocks are not the ones marked)."""
        self.generation += 1
        if forget:
            self._marks.clear()
        # The scroll bar's last page depends on block heights.
        self.documentSizeChanged.emit(self.documentSize())

    def set_room(self, room: float) -> None:
        """Room above every line."""
        self.room = float(max(0.0, room))
        self.invalidate()


def install_spaced_layout(view: QPlainTextEdit, shown_text: str) -> SpacedLayout:
    """Give ``view`` a document laid out by a SpacedLayout (once; returns the layout), holding
    ``shown_text``: what the old document was given (toPlainText would turn NBSP into spaces)."""
    layout = view.document().documentLayout()
    if isinstance(layout, SpacedLayout):
        return layout
    old = view.document()
    document = QTextDocument(view)
    spaced = SpacedLayout(document)
    document.setDocumentLayout(spaced)
    document.setDefaultFont(old.defaultFont())
    document.setDocumentMargin(old.documentMargin())
    document.setDefaultTextOption(old.defaultTextOption())
    document.setUndoRedoEnabled(old.isUndoRedoEnabled())
    if shown_text:
        document.setPlainText(shown_text)
        document.setModified(False)
    view.setDocument(document)
    view._spaced_layout = spaced  # keep the Python wrapper (and its override) alive
    return spaced


class NoRoom:
    """Stands for the SpacedLayout until room is first asked for."""

    room = 0.0
    spaced_blocks = 0
    generation = 0

    def set_room(self, room: float) -> None:
        if room:
            raise RuntimeError("the spaced layout is installed before room is asked for")

    def invalidate(self, *, forget: bool = False) -> None:
        pass

    def data(self, block):
        return None
