"""The one place where Python code-point offsets and Qt document positions meet.

Qt counts UTF-16 code units (a character outside the BMP, such as most emoji, takes two), and
``setPlainText`` folds "\\r\\n" into one paragraph separator. Everything outside ui/ speaks code
points over the text exactly as imported; everything that talks to a QTextDocument converts here.

The view may also hold characters the stored text does not: an invisible break (U+200B) inside
every very long run without white space. Qt's line breaking is quadratic in the length of a run
with no break opportunity (a 400 kB token takes 10 s to lay out, a 10 MB one hours) and linear
otherwise; no word in prose comes near ``LONG_RUN``, so ordinary text is handed to Qt unchanged.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

#: A run of at least this many characters without white space gets invisible breaks...
LONG_RUN = 2000
#: ...about this many characters apart.
BREAK_EVERY = 1000
INVISIBLE_BREAK = "\u200b"
_NON_SPACE = re.compile(r"\S*")
_SPACE = re.compile(r"\s")
_ZWJ = "\u200d"
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
_CRLF = re.compile("\r\n")


def _long_runs(text: str):
    """(start, end) of each run of at least LONG_RUN characters without white space, in linear time.

    A regular expression such as ``\\S{2000,}`` would retry at every position (seconds on 1 MB
    of 1,999-character tokens). Instead: such a run covers at least one whole aligned window of
    LONG_RUN // 2 characters with no white space, and prose has some in every window, found
    within its first few characters.
    """
    window = LONG_RUN // 2
    at = 0
    while at + window <= len(text):
        if text.find(" ", at, at + window) >= 0:  # prose: found within a few characters, no copy
            at += window
            continue
        words = text[at:at + window].split(None, 1)
        if len(words) != 1 or len(words[0]) != window:
            at += window
            continue
        before = text[max(0, at - window):at]
        last_space = None
        for last_space in _SPACE.finditer(before):
            pass
        start = at - len(before) + (last_space.end() if last_space else 0)
        end = _NON_SPACE.match(text, at).end()
        if end - start >= LONG_RUN:
            yield start, end
        at += max(window, (end - at) // window * window)


def _break_offsets(text: str) -> list[int]:
    """Code-point offsets before which the view inserts an invisible break."""
    offsets = []
    for run_start, run_end in _long_runs(text):
        at = run_start + BREAK_EVERY
        while at < run_end:
            # Not between a character and what joins it (combining marks, ZWJ sequences), unless
            # the run is nothing but joiners.
            limit = min(run_end, at + 64)
            while at < limit and _joins_previous(text, at):
                at += 1
            if at < run_end:
                offsets.append(at)
            at += BREAK_EVERY
    return offsets


def _joins_previous(text: str, index: int) -> bool:
    char = text[index]
    return (char == _ZWJ or text[index - 1] == _ZWJ or unicodedata.category(char).startswith("M")
            or 0xFE00 <= ord(char) <= 0xFE0F or 0x1F3FB <= ord(char) <= 0x1F3FF
            or 0xE0020 <= ord(char) <= 0xE007F or (0x1F1E6 <= ord(char) <= 0x1F1FF
                                                  and 0x1F1E6 <= ord(text[index - 1]) <= 0x1F1FF))


# Bidi controls reorder what follows them: after U+202E the stored "gniht lufmrah" reads "harmful thing"
# on screen, while the inspector, the exports and the model see the stored order. The view shows each
# control as a visible mark instead (as editors do), one character for one, so offsets do not move and
# what the annotator reads is what is stored. Text in a right-to-left script is still laid out as such.
BIDI_MARKS = {**dict.fromkeys("\u202b\u202e\u2067\u200f\u061c", "\u25c2"),   # right-to-left: ◂
              **dict.fromkeys("\u202a\u202d\u2066\u2068\u200e", "\u25b8"),   # left-to-right, first strong: ▸
              **dict.fromkeys("\u202c\u2069", "\u205e")}                    # end of the above: ⁞

# Characters that draw nothing or act unseen are shown the same way, so an annotator sees that the
# text holds something between two letters (a NUL or an ESC from a broken feed, a zero-width space
# splitting a name so that search and the model miss it): the C0 controls but tab and the line
# ends, each as its Control Pictures symbol (NUL as ␀, ESC as ␛), DEL as ␡, the C1 controls as ⍰
# (there are no pictures for them), and the invisible format characters (zero-width space, word
# joiner, a byte-order mark inside the text, invisible operators, deprecated format controls,
# interlinear annotation marks) as ‸. Kept as they are: ZWJ and ZWNJ, which Persian and the Indic
# scripts (and emoji sequences) need to join or part letters, the soft hyphen (a hyphen where a line
# breaks) and the Arabic number signs, which are drawn. All are in the BMP and so are their marks:
# one UTF-16 unit for one, offsets do not move. Copy gives the stored text (ArticleView).
CONTROL_MARKS = {**{chr(code): chr(0x2400 + code) for code in range(0x20) if chr(code) not in "\t\n\r"},
                 "\x7f": "\u2421",
                 **dict.fromkeys(map(chr, range(0x80, 0xA0)), "\u2370"),
                 **dict.fromkeys("\u180e\u200b\u2060\u2061\u2062\u2063\u2064\u206a\u206b\u206c\u206d\u206e"
                                 "\u206f\ufeff\ufff9\ufffa\ufffb", "\u2038")}
#: Every character the view shows as a visible mark, and its mark.
SHOWN_MARKS = {**BIDI_MARKS, **CONTROL_MARKS}
_MARKED = re.compile("[" + re.escape("".join(SHOWN_MARKS)) + "]")
_MARKS_TABLE = str.maketrans(SHOWN_MARKS)


#: The ASCII characters of SHOWN_MARKS, as bytes: all an ASCII text can hold of them.
_ASCII_MARKED = bytes(ord(c) for c in SHOWN_MARKS if c.isascii())


def _unseen_characters_shown(text: str) -> str:
    """Marks for the characters of SHOWN_MARKS. On the stored text, before the view adds its own
    invisible breaks (U+200B, which must stay invisible)."""
    if text.isascii():
        # Dropping bytes is a plain C loop: 0.4 ms on 1 MB against 3 ms for the search.
        marked = len(text.encode("ascii").translate(None, _ASCII_MARKED)) != len(text)
    else:
        marked = _MARKED.search(text) is not None
    return text.translate(_MARKS_TABLE) if marked else text


class OffsetMap:
    def __init__(self, text: str):
        self.length = len(text)
        # Runs are measured on the marks Qt gets: "\x1c" or "\x85" is white space to Python, its mark is not.
        marked = _unseen_characters_shown(text)
        breaks = _break_offsets(marked)
        #: The text as handed to Qt: the stored text with bidi controls and unseen characters shown as
        #: marks (one for one), plus the invisible breaks.
        self.shown = _with_breaks(marked, breaks)
        # Points where the difference (qt - code point) changes, and by how much.
        changes: dict[int, int] = {}
        for offset in breaks:
            changes[offset] = changes.get(offset, 0) + 1
        if not text.isascii():
            for astral in _ASTRAL.finditer(text):  # two UTF-16 units in Qt
                changes[astral.end()] = changes.get(astral.end(), 0) + 1
        if "\r" in text and "\r\n" in text:  # one character is searched for ten times faster
            for crlf in _CRLF.finditer(text):  # its "\n" has no Qt position of its own
                changes[crlf.end()] = changes.get(crlf.end(), 0) - 1
        points, deltas, delta = [], [], 0
        for point in sorted(changes):
            delta += changes[point]
            points.append(point)
            deltas.append(delta)
        self._points, self._deltas = points, deltas
        self._qt_points = [p + d for p, d in zip(points, deltas)]
        #: Qt positions of the invisible breaks: characters that are not in the stored text.
        self.break_positions = frozenset(self.to_qt(offset) - 1 for offset in breaks)
        self.qt_length = self.length + delta

    @property
    def identity(self) -> bool:
        return not self._points

    def to_qt(self, offset: int) -> int:
        i = bisect_right(self._points, offset) - 1
        return offset + (self._deltas[i] if i >= 0 else 0)

    def to_qt_end(self, offset: int) -> int:
        """Where a range ending at ``offset`` ends in Qt: before an invisible break placed there."""
        position = self.to_qt(offset)
        return position - 1 if position - 1 in self.break_positions else position

    def from_qt(self, position: int) -> int:
        """The code-point offset of a Qt position; a position inside a surrogate pair, at a CRLF
        separator or either side of an invisible break maps to the character boundary at or
        before it."""
        if position in self.break_positions:
            return self.from_qt(position + 1)
        i = bisect_right(self._qt_points, position) - 1
        if i < 0:
            return min(position, self.length)
        offset = position - self._deltas[i]
        # A position that lands on the second unit of a surrogate pair belongs to the character before.
        if self.to_qt(offset) != position and offset > 0:
            offset -= 1
        return max(0, min(offset, self.length))


def _with_breaks(text: str, breaks: list[int]) -> str:
    if not breaks:
        return text
    pieces, previous = [], 0
    for offset in breaks:
        pieces.append(text[previous:offset])
        previous = offset
    pieces.append(text[previous:])
    return INVISIBLE_BREAK.join(pieces)
