"""Numbers on the command line, read as strictly as numbers in files (see annotate.values).

Python's ``int`` and ``float`` also read "١٢" (Arabic-Indic digits), "１２" (full-width),
"1_000", " 5 ", "nan", "inf" and "1e400" (infinity): each would become a seed, a size or a share
the user did not write. Options take the digits 0-9, an optional sign and decimal point, and
nothing else.
"""
from __future__ import annotations

import argparse
import math
import re

_INTEGER = re.compile(r"-?[0-9]{1,18}")
_DECIMAL = re.compile(r"-?(?:[0-9]{1,18}(?:\.[0-9]{0,18})?|\.[0-9]{1,18})(?:[eE][-+]?[0-9]{1,3})?")


def integer(text: str) -> int:
    """An argparse type: an integer written in the digits 0-9."""
    if not _INTEGER.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not an integer written in the digits 0-9")
    return int(text)


def decimal(text: str) -> float:
    """An argparse type: a finite decimal number written in the digits 0-9 (0.2, 1e-3)."""
    value = float(text) if _DECIMAL.fullmatch(text) else math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a finite number written in the digits 0-9")
    return value


def size(text: str) -> tuple[int, int]:
    """WIDTHxHEIGHT in pixels, each from 200 to 8192: a window smaller shows nothing, one larger
    is an image Qt cannot allocate (99999x99999 crashed the process)."""
    match = re.fullmatch(r"([0-9]{1,6})[xX]([0-9]{1,6})", text)
    if not match:
        raise ValueError(f"--size must look like 1400x860 (digits 0-9), not {text[:40]!r}")
    width, height = int(match.group(1)), int(match.group(2))
    if not (200 <= width <= 8192 and 200 <= height <= 8192):
        raise ValueError(f"--size {text}: width and height go from 200 to 8192 pixels")
    return width, height
