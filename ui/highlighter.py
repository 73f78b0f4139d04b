"""Persistent span highlights through a block-indexed QSyntaxHighlighter.

Formats live in each block's layout, not in the document, so thousands of spans cost no more
than the blocks Qt actually lays out, and Qt's own undo stack is never touched. Spans are
indexed by block; a change re-highlights only the blocks the changed spans touch.
"""
from __future__ import annotations

from collections import defaultdict

from PySide6.QtGui import QSyntaxHighlighter, QTextDocument

from annotate.model import CLAIM, REJECTED, Span
from annotate.overlaps import segments

from .offsets import OffsetMap
from .theme import LIGHT, Theme, segment_format


class SpanHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self.theme: Theme = LIGHT
        self.colors: dict[str, str] = {}
        self.offsets = OffsetMap("")
        self._spans: dict[str, Span] = {}
        self._qt_ranges: dict[str, tuple[int, int]] = {}
        self._blocks_of: dict[str, range] = {}
        self._by_block: dict[int, set[str]] = defaultdict(set)
        self._formats: dict[tuple, object] = {}

    def configure(self, theme: Theme, colors: dict[str, str]) -> None:
        self.theme, self.colors = theme, colors
        self._formats.clear()

    def set_spans(self, offsets: OffsetMap, spans: list[Span]) -> None:
        """Index all spans of a freshly loaded text (the highlighter paints them lazily)."""
        self.offsets = offsets
        self._spans.clear()
        self._qt_ranges.clear()
        self._blocks_of.clear()
        self._by_block.clear()
        for span in spans:
            self._index(span)
        self.rehighlight()

    def update_spans(self, changed: dict[str, Span | None]) -> None:
        """Re-index the changed spans (None: gone) and repaint only the blocks they touch."""
        dirty: set[int] = set()
        for span_id, span in changed.items():
            dirty.update(self._unindex(span_id))
            if span is not None:
                dirty.update(self._index(span))
        document = self.document()
        for number in sorted(dirty):
            block = document.findBlockByNumber(number)
            if block.isValid():
                self.rehighlightBlock(block)

    def spans(self) -> dict[str, Span]:
        return self._spans

    def qt_range(self, span_id: str) -> tuple[int, int] | None:
        return self._qt_ranges.get(span_id)

    def _index(self, span: Span) -> range:
        if span.decision == REJECTED:
            return range(0)
        qs, qe = self.offsets.to_qt(span.start), self.offsets.to_qt(span.end)
        document = self.document()
        first = document.findBlock(qs).blockNumber()
        last = document.findBlock(max(qs, qe - 1)).blockNumber()
        blocks = range(first, last + 1)
        self._spans[span.id] = span
        self._qt_ranges[span.id] = (qs, qe)
        self._blocks_of[span.id] = blocks
        for number in blocks:
            self._by_block[number].add(span.id)
        return blocks

    def _unindex(self, span_id: str) -> range:
        blocks = self._blocks_of.pop(span_id, range(0))
        self._spans.pop(span_id, None)
        self._qt_ranges.pop(span_id, None)
        for number in blocks:
            self._by_block[number].discard(span_id)
        return blocks

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        block = self.currentBlock()
        ids = self._by_block.get(block.blockNumber())
        if not ids:
            return
        block_start = block.position()
        # Not len(text): Python counts code points, the block counts UTF-16 units.
        block_end = block_start + block.length() - 1
        pieces = []
        for span_id in ids:
            qs, qe = self._qt_ranges[span_id]
            pieces.append((max(qs, block_start), min(qe, block_end), span_id))
        for segment in segments(pieces):
            covering = [self._spans[i] for i in segment.covering]
            entities = [s for s in covering if s.layer != CLAIM]
            claims = [s for s in covering if s.layer == CLAIM]
            key = (tuple((s.label, s.decision) for s in entities[:2]), tuple(s.decision for s in claims))
            fmt = self._formats.get(key)
            if fmt is None:
                fmt = self._formats[key] = segment_format(self.theme, entities, claims, self.colors)
            self.setFormat(segment.start - block_start, segment.end - segment.start, fmt)
