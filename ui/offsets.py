"""The one place where Python code-point offsets and Qt document positions meet.

Qt counts UTF-16 code units (a character outside the BMP, such as most emoji, takes two), and
``setPlainText`` folds "\\r\\n" into one paragraph separator. Everything outside ui/ speaks code
points over the text exactly as imported; everything that talks to a QTextDocument converts here.
"""
from __future__ import annotations

from bisect import bisect_right


class OffsetMap:
    def __init__(self, text: str):
        self.length = len(text)
        # Points where the difference (qt - code point) changes, and the difference from there on.
        points: list[int] = []
        deltas: list[int] = []
        delta = 0
        if text.isascii() and "\r\n" not in text:
            self._points, self._deltas, self._qt_points = points, deltas, []
            self.qt_length = self.length
            return
        for index, char in enumerate(text):
            if ord(char) > 0xFFFF:
                delta += 1
                points.append(index + 1)
                deltas.append(delta)
            elif char == "\n" and index and text[index - 1] == "\r":
                # The "\n" of a CRLF has no Qt position of its own.
                delta -= 1
                points.append(index + 1)
                deltas.append(delta)
        self._points, self._deltas = points, deltas
        self._qt_points = [p + d for p, d in zip(points, deltas)]
        self.qt_length = self.length + delta

    @property
    def identity(self) -> bool:
        return not self._points

    def to_qt(self, offset: int) -> int:
        i = bisect_right(self._points, offset) - 1
        return offset + (self._deltas[i] if i >= 0 else 0)

    def from_qt(self, position: int) -> int:
        """The code-point offset of a Qt position; a position inside a surrogate pair or at a
        CRLF separator maps to the character boundary at or before it."""
        i = bisect_right(self._qt_points, position) - 1
        if i < 0:
            return min(position, self.length)
        offset = position - self._deltas[i]
        # A position that lands on the second unit of a surrogate pair belongs to the character before.
        if self.to_qt(offset) != position and offset > 0:
            offset -= 1
        return max(0, min(offset, self.length))
