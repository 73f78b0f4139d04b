"""The small bold font of the labels drawn over the article (tags, arc labels), from its font."""
from __future__ import annotations

from PySide6.QtGui import QFont


def label_font(article_font: QFont, scale: float) -> QFont:
    """``scale`` of the article's size, never under 6.5 pt, in a family that holds every label's
    characters before the article's own (a serif article font draws small labels poorly)."""
    font = QFont(article_font)
    font.setFamilies(["Noto Sans", "DejaVu Sans"] + article_font.families())
    size = article_font.pointSizeF() if article_font.pointSizeF() > 0 else 12.0
    font.setPointSizeF(max(6.5, size * scale))
    font.setWeight(QFont.Weight.DemiBold)
    return font
