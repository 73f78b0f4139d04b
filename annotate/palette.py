"""Label colours that stay apart for every reader, and a colour for each label added later.

Two label fills must not look alike to anyone: the distance between them is measured in
CAM02-UCS (a space where equal distances look about equally different) on the fills as the article
view paints them (the label colour at the theme's alpha over the theme's background, light and
dark), for normal vision and simulated deuteranopia, protanopia and tritanopia (Machado et al.
2009 at full severity), and each fill must stand out from the background too. ``PALETTE`` was
chosen to keep every such distance at least ``MIN_DISTANCE`` (tests/test_palette.py checks it),
with body text on each fill at a WCAG contrast of at least ``MIN_CONTRAST``. The default schema
uses its first colours in order; a label added by an import or the schema dialog takes the unused
palette colour farthest from the colours in use (``next_colors``).

The colour science is ColorAide's (a maintained library: CAM02-UCS, the CVD simulations and sRGB
handling by the book), imported only when a colour is picked, never at start-up.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import combinations
from typing import Iterable

#: How the article view fills a decided entity: (theme, background, alpha of the label colour 0-255).
FILLS = (("light", "#FCFCFA", 110), ("dark", "#1E1F22", 120))
#: The body text colour of each theme, read over the fills.
TEXT = {"light": "#1B1B1B", "dark": "#E6E6E6"}
VISIONS = ("normal", "deutan", "protan", "tritan")
MIN_DISTANCE = 5.4
MIN_CONTRAST = 4.5

#: The default schema's 18 labels in order, then spares for labels added later.
#: Found by a search that pushed apart the closest pair of fills, starting from the Okabe-Ito and
#: Paul Tol colours the schema had (so PERSON is still orange, ORG blue, GPE green).
PALETTE: tuple[str, ...] = (
    "#C08700", "#0540FE", "#009C37", "#823D5D", "#B5518C", "#050382", "#5C124B", "#5E337D", "#2E00CF",
    "#8DC693", "#7D6A00", "#08422C", "#158AF8", "#5569BC", "#7C0300", "#8D3102", "#CEB907", "#FF9DC1",
    "#8E84BD", "#FF695A", "#C19BFE", "#32C6B4", "#B6BF4E", "#A1878D",
)


def fill(color: str, theme: str) -> tuple[float, float, float]:
    """The sRGB (0-1) of a label colour's fill as painted in a theme."""
    background, alpha = next((b, a) for name, b, a in FILLS if name == theme)
    a = alpha / 255
    return tuple(_channel(color, i) * a + _channel(background, i) * (1 - a) for i in range(3))


def _channel(color: str, i: int) -> float:
    return int(color[1 + 2 * i:3 + 2 * i], 16) / 255


@lru_cache(maxsize=4096)
def coordinates(color: str) -> tuple[tuple[float, float, float], ...]:
    """CAM02-UCS coordinates of a colour's fill for each (theme, vision), in the order of FILLS x VISIONS."""
    return tuple(_ucs(fill(color, theme), vision) for theme, _, _ in FILLS for vision in VISIONS)


@lru_cache(maxsize=64)
def background_coordinates() -> tuple[tuple[float, float, float], ...]:
    return tuple(_ucs(tuple(_channel(background, i) for i in range(3)), vision)
                 for _, background, _ in FILLS for vision in VISIONS)


def _ucs(rgb, vision: str) -> tuple[float, float, float]:
    from coloraide.everything import ColorAll
    color = ColorAll("srgb", list(rgb))
    if vision != "normal":
        color = color.filter(vision, method="machado").convert("srgb").clip()
    return tuple(color.convert("cam02-ucs").coords())


def _apart(a, b) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5


def distances(a: str, b: str) -> dict[tuple[str, str], float]:
    """The distance between two label fills for each (theme, vision)."""
    keys = [(theme, vision) for theme, _, _ in FILLS for vision in VISIONS]
    return {key: _apart(p, q) for key, p, q in zip(keys, coordinates(a.upper()), coordinates(b.upper()))}


def distance(a: str, b: str) -> float:
    """The smallest distance between two label fills over both themes and every vision."""
    return min(map(_apart, coordinates(a.upper()), coordinates(b.upper())))


def from_background(color: str) -> float:
    """How far a label's fill stands from the theme's background (the smallest over themes and visions)."""
    return min(map(_apart, coordinates(color.upper()), background_coordinates()))


def closest(colors: Iterable[str]) -> tuple[float, str, str]:
    """(distance, a, b) of the two closest colours."""
    return min(((distance(a, b), a, b) for a, b in combinations(list(colors), 2)), default=(float("inf"), "", ""))


def next_colors(used: Iterable[str], count: int) -> list[str]:
    """``count`` colours for new labels: each the palette colour not in use that is farthest from
    the colours in use (and those picked before it); past the palette, the farthest of a grid."""
    taken = [c.upper() for c in used]
    picked: list[str] = []
    for _ in range(count):
        spare = [c for c in PALETTE if c not in taken] or _grid()
        best = max(spare, key=lambda c: (min((distance(c, t) for t in taken), default=float("inf")),
                                         -spare.index(c)))
        taken.append(best)
        picked.append(best)
    return picked


@lru_cache(maxsize=1)
def _grid() -> list[str]:
    """Colours for labels beyond the palette: an RGB grid, those readable under text in both themes."""
    steps = ("00", "33", "66", "99", "CC", "FF")
    return [c for c in (f"#{r}{g}{b}" for r in steps for g in steps for b in steps)
            if min(text_contrast(c).values()) >= MIN_CONTRAST]


def text_contrast(color: str) -> dict[str, float]:
    """WCAG contrast of each theme's text over the colour's fill."""
    out = {}
    for theme, _, _ in FILLS:
        fill_l = _luminance(fill(color, theme))
        text_l = _luminance(tuple(_channel(TEXT[theme], i) for i in range(3)))
        out[theme] = (max(fill_l, text_l) + 0.05) / (min(fill_l, text_l) + 0.05)
    return out


def _luminance(rgb) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
