"""Span highlights: the formats of any stretch of the text, found when it is painted.

The view asks, for each visual line it paints, for the highlights on that line and hands them
to Qt as it draws the line, over the laid-out text. So opening, scrolling or editing never
formats text that is not on screen and never lays text out again: formats set on a block's
QTextLayout instead (as QSyntaxHighlighter does) make Qt lay the whole block out anew, which
for a 1 MB paragraph costs what opening it costs, on every edit. The price is that a highlight
can change colours and lines (fill, stripes, under- and overline) but not the font.

Spans are kept sorted by start so the spans of any stretch of text are found by bisection.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import accumulate, islice
from operator import attrgetter, le

from annotate.model import CLAIM, REJECTED, Span
from annotate.overlaps import segments

from .offsets import OffsetMap
from .theme import LIGHT, Theme, segment_format


_START, _END = attrgetter("start"), attrgetter("end")


class SpanHighlighter:
    def __init__(self, view):
        self.view = view
        self.theme: Theme = LIGHT
        self.colors: dict[str, str] = {}
        self.offsets = OffsetMap("")
        # Parallel lists ordered by start: bisection over plain ints, the spans themselves beside.
        # Rejected spans stay in them, skipped where found: dropping them on open would be one
        # more pass over every span.
        self._starts: list[int] = []
        self._sorted: list[Span] = []
        self._owned = True  # False while _sorted is the caller's list: copied before a change
        # _reach[i]: the furthest end among _sorted[:i + 1], made as far as a search needs it.
        self._reach: list[int] = []
        # By id: every span in the lists, and the shown ones; made when first asked for.
        self._all: dict[str, Span] | None = None
        self._shown: dict[str, Span] | None = None
        self._formats: dict[tuple, object] = {}

    def configure(self, theme: Theme, colors: dict[str, str]) -> None:
        self.theme, self.colors = theme, colors
        self._formats.clear()
        self.view.viewport().update()

    def set_spans(self, offsets: OffsetMap, spans: list[Span]) -> None:
        self.offsets = offsets
        # One pass over the spans, in C (map): this runs for every document opened, just after
        # Qt laid its text out, when 10,000 spans are out of the CPU's caches and each pass over
        # them costs a millisecond or more. The id tables and how far the spans reach wait until
        # something asks for them (at the top of a document, a paint needs none of the reach).
        starts = list(map(_START, spans))
        # Ordered by start only (ids within one start in any order); usually already sorted, O(n).
        if all(map(le, starts, islice(starts, 1, None))):  # the store sends them in order
            self._owned = False
        else:
            order = sorted(range(len(starts)), key=starts.__getitem__)
            starts, spans = [starts[i] for i in order], [spans[i] for i in order]
            self._owned = True
        self._starts, self._sorted = starts, spans
        self._reach = []
        self._all = self._shown = None
        self.view.viewport().update()

    def spans(self) -> dict[str, Span]:
        """The spans shown (all but the rejected ones), by id."""
        if self._shown is None:
            self._shown = {s.id: s for s in self._sorted if s.decision != REJECTED}
        return self._shown

    def _by_id(self) -> dict[str, Span]:
        if self._all is None:
            self._all = {s.id: s for s in self._sorted}
        return self._all

    def qt_range(self, span_id: str) -> tuple[int, int] | None:
        span = self.spans().get(span_id)
        return None if span is None else (self.offsets.to_qt(span.start), self.offsets.to_qt_end(span.end))

    def update_spans(self, changed: dict[str, Span | None]) -> None:
        """Apply changed spans (None: gone); the next paint draws them."""
        shown = self.spans()
        if len(changed) > 64:  # accept-all, its undo: index the whole document again, in C
            spans = dict(shown)
            for span_id, span in changed.items():
                spans.pop(span_id, None)
                if span is not None:
                    spans[span_id] = span
            self.set_spans(self.offsets, sorted(spans.values(), key=_START))
            return
        listed = self._by_id()
        if not self._owned:
            self._sorted, self._owned = list(self._sorted), True
        for span_id, span in changed.items():
            shown.pop(span_id, None)
            old = listed.pop(span_id, None)
            if old is not None:
                index = bisect_left(self._starts, old.start)
                while index < len(self._starts) and self._starts[index] == old.start:
                    if self._sorted[index].id == span_id:
                        del self._starts[index], self._sorted[index], self._reach[index:]
                        break
                    index += 1
            if span is not None and span.decision != REJECTED:
                shown[span_id] = listed[span_id] = span
                index = bisect_right(self._starts, span.start)
                self._starts.insert(index, span.start)
                self._sorted.insert(index, span)
                del self._reach[index:]
        self.view.viewport().update()

    def ranges_in(self, qt_start: int, qt_end: int) -> list[tuple[int, int, object]]:
        """(Qt start, Qt end, format) of the highlights between two Qt positions, cut to them."""
        to_qt, to_qt_end = self.offsets.to_qt, self.offsets.to_qt_end
        pieces = []
        found = self._spans_between(self.offsets.from_qt(qt_start), self.offsets.from_qt(qt_end) + 1)
        apart, last_end = True, qt_start  # no two pieces overlap: each is a segment of its own
        for span in found:
            start, end = max(to_qt(span.start), qt_start), min(to_qt_end(span.end), qt_end)
            if start < end:
                apart = apart and start >= last_end  # (the pieces come in order of start)
                last_end = end
                pieces.append((start, end, span))
        if apart:  # most lines: no span there nests in or crosses another
            return [(start, end, self._format([span])) for start, end, span in pieces]
        by_id = {span.id: span for span in found}
        return [(segment.start, segment.end, self._format([by_id[i] for i in segment.covering]))
                for segment in segments((start, end, span.id) for start, end, span in pieces)]

    def _format(self, covering: list[Span]):
        if len(covering) == 1:  # most segments: the same key as below, made faster
            span = covering[0]
            key = (((span.label, span.decision),), ()) if span.layer != CLAIM else ((), (span.decision,))
            fmt = self._formats.get(key)
            if fmt is not None:
                return fmt
        entities = [s for s in covering if s.layer != CLAIM]
        claims = [s for s in covering if s.layer == CLAIM]
        key = (tuple((s.label, s.decision) for s in entities[:1]), tuple(s.decision for s in claims))
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = segment_format(self.theme, entities, claims, self.colors)
        return fmt

    # ---- finding spans ---------------------------------------------------------------------------

    def spans_covering(self, offset: int) -> list[Span]:
        return [s for s in self._spans_between(offset, offset + 1) if s.start <= offset]

    def _spans_between(self, start: int, end: int) -> list[Span]:
        low = bisect_left(self._starts, start)  # the spans from here on start at or after start
        high = bisect_left(self._starts, end)
        # Of those starting before, the ones reaching past start: from the first whose running
        # furthest end does.
        reach = self._reach
        if len(reach) < low:
            done = len(reach)
            running = accumulate(map(_END, self._sorted[done:low]), max, initial=reach[-1] if reach else -1)
            next(running)  # the initial value: reach[-1], there already
            reach += running
        first = bisect_right(reach, start, 0, low)
        return [span for span in self._sorted[first:high] if span.end > start and span.decision != REJECTED]
