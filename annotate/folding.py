"""Folding text for matching what a person types against names in the text ("kalin" finds "Kalın").

Only for matching: stored text is never folded (offsets must stay those of the source).
"""
from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter and a mark, so NFKD leaves them
# alone: the Turkish dotless i, the Polish l with stroke, the Nordic o with stroke and others
# a reader types as their plain Latin letter.
_PLAIN = str.maketrans({"ı": "i", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d",
                        "Ð": "d", "ħ": "h", "Ħ": "h", "þ": "th", "Þ": "th", "æ": "ae", "Æ": "ae", "œ": "oe",
                        "Œ": "oe"})


def fold(text: str) -> str:
    """Lower case, without accents or other marks: "İbrahim Kalın" -> "ibrahim kalin"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
