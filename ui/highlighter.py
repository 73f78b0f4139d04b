"""Persistent span highlights, formatted lazily: only the blocks that are on screen.

Formats go into each block's QTextLayout (as QSyntaxHighlighter does), never into the document,
so Qt's undo stack and the text are untouched. Unlike QSyntaxHighlighter, which formats every
block of a new text at once, this formats a block the first time it becomes visible, so opening
a 1 MB article costs about what Qt's own plain-text layout costs. Spans are kept sorted by start
so the spans of any block are found by bisection.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import islice
from operator import attrgetter, le, sub

from PySide6.QtGui import QTextLayout

from annotate.model import CLAIM, REJECTED, Span
from annotate.overlaps import segments

from .offsets import OffsetMap
from .theme import LIGHT, Theme, segment_format


class SpanHighlighter:
    def __init__(self, view):
        self.view = view
        self.theme: Theme = LIGHT
        self.colors: dict[str, str] = {}
        self.offsets = OffsetMap("")
        self._spans: dict[str, Span] = {}
        # Parallel lists ordered by start: bisection over plain ints, no tuples to build.
        self._starts: list[int] = []
        self._ids: list[str] = []
        self._longest = 0
        self._formatted: set[int] = set()
        self._formats: dict[tuple, object] = {}
        self.blocks_formatted = 0  # for tests and benchmarks: how much work painting did

    def document(self):
        return self.view.document()

    def configure(self, theme: Theme, colors: dict[str, str]) -> None:
        self.theme, self.colors = theme, colors
        self._formats.clear()
        self.invalidate()

    def set_spans(self, offsets: OffsetMap, spans: list[Span]) -> None:
        self.offsets = offsets
        kept = [s for s in spans if s.decision != REJECTED]
        # map/zip keep the loops in C: this runs for every document opened, 10,000 spans or not.
        starts = list(map(attrgetter("start"), kept))
        ids = list(map(attrgetter("id"), kept))
        self._spans = dict(zip(ids, kept))
        # Ordered by start only (ids within one start in any order); usually already sorted, O(n).
        if not all(map(le, starts, islice(starts, 1, None))):  # the store sends them in order
            order = sorted(range(len(starts)), key=starts.__getitem__)
            starts, ids = [starts[i] for i in order], [ids[i] for i in order]
        self._starts, self._ids = starts, ids
        self._longest = max(map(sub, map(attrgetter("end"), kept), starts), default=0)
        self._formatted.clear()

    def invalidate(self) -> None:
        """Forget every block's formats (theme change): visible blocks are redone at once."""
        self._formatted.clear()
        self.format_visible()

    def spans(self) -> dict[str, Span]:
        return self._spans

    def qt_range(self, span_id: str) -> tuple[int, int] | None:
        span = self._spans.get(span_id)
        return None if span is None else (self.offsets.to_qt(span.start), self.offsets.to_qt_end(span.end))

    def update_spans(self, changed: dict[str, Span | None]) -> None:
        """Apply changed spans (None: gone) and reformat only the blocks they touch."""
        touched: list[tuple[int, int]] = []
        for span_id, span in changed.items():
            old = self._spans.pop(span_id, None)
            if old is not None:
                index = bisect_left(self._starts, old.start)
                while index < len(self._starts) and self._starts[index] == old.start:
                    if self._ids[index] == span_id:
                        del self._starts[index], self._ids[index]
                        break
                    index += 1
                touched.append((old.start, old.end))
            if span is not None and span.decision != REJECTED:
                self._spans[span_id] = span
                index = bisect_right(self._starts, span.start)
                self._starts.insert(index, span.start)
                self._ids.insert(index, span_id)
                self._longest = max(self._longest, span.end - span.start)
                touched.append((span.start, span.end))
        document = self.document()
        for start, end in touched:
            block = document.findBlock(self.offsets.to_qt(start))
            last = document.findBlock(max(self.offsets.to_qt(start), self.offsets.to_qt(end) - 1)).blockNumber()
            while block.isValid() and block.blockNumber() <= last:
                self._formatted.discard(block.blockNumber())
                block = block.next()
        self.format_visible()

    def visible_blocks(self):
        """The blocks that can be on screen, estimated from their text, without laying them out.

        Laying a block out before formatting it would lay it out twice; a generous estimate of
        how many characters fit in the viewport costs only a few extra blocks formatted.
        """
        view = self.view
        metrics = view.fontMetrics()
        columns = max(1, view.viewport().width() // max(1, metrics.averageCharWidth()))
        rows = max(1, view.viewport().height() // max(1, metrics.lineSpacing()))
        budget = int(columns * rows * 1.5) + 200
        block = view.firstVisibleBlock()
        while block.isValid() and budget > 0:
            yield block
            # A short paragraph still takes a whole line on screen.
            budget -= max(block.length(), columns)
            block = block.next()

    def format_visible(self) -> int:
        """Format the visible blocks not yet formatted; returns how many were."""
        count = 0
        for block in list(self.visible_blocks()):
            if block.blockNumber() not in self._formatted:
                self._format_block(block)
                count += 1
        return count

    def spans_covering(self, offset: int) -> list[Span]:
        return [s for s in self._spans_between(offset, offset + 1) if s.start <= offset]

    def _spans_in(self, qt_start: int, qt_end: int) -> list[Span]:
        return self._spans_between(self.offsets.from_qt(qt_start), self.offsets.from_qt(qt_end))

    def _spans_between(self, start: int, end: int) -> list[Span]:
        low = bisect_left(self._starts, start - self._longest)
        high = bisect_left(self._starts, end)
        found = []
        for span_id in self._ids[low:high]:
            span = self._spans[span_id]
            if span.end > start:
                found.append(span)
        return found

    def _format_block(self, block) -> None:
        number = block.blockNumber()
        self._formatted.add(number)
        block_start = block.position()
        block_end = block_start + block.length() - 1  # UTF-16 units, without the separator
        ranges = []
        pieces = []
        for span in self._spans_in(block_start, block_end + 1):
            qs, qe = self.offsets.to_qt(span.start), self.offsets.to_qt_end(span.end)
            pieces.append((max(qs, block_start), min(qe, block_end), span.id))
        for segment in segments(pieces):
            covering = [self._spans[i] for i in segment.covering]
            entities = [s for s in covering if s.layer != CLAIM]
            claims = [s for s in covering if s.layer == CLAIM]
            key = (tuple((s.label, s.decision) for s in entities[:2]), tuple(s.decision for s in claims))
            fmt = self._formats.get(key)
            if fmt is None:
                fmt = self._formats[key] = segment_format(self.theme, entities, claims, self.colors)
            fmt_range = QTextLayout.FormatRange()
            fmt_range.start = segment.start - block_start
            fmt_range.length = segment.end - segment.start
            fmt_range.format = fmt
            ranges.append(fmt_range)
        layout = block.layout()
        if not ranges and not layout.formats():
            return
        laid_out = layout.lineCount() > 0
        layout.setFormats(ranges)
        self.blocks_formatted += 1
        if laid_out:
            # Tell the layout the block must be laid out and drawn again; the text is unchanged.
            self.document().markContentsDirty(block_start, block.length())
