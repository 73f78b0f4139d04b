"""How arcs look: their colours, the label font and the level step it gives, the room a number of
levels takes above a line, and the label and badge boxes, drawn once per look and copied at each
paint."""
from __future__ import annotations

from math import ceil

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPixmap

from annotate.arcs import STANCE

from .arc_spec import ArcSpec
from .label_font import label_font
from .theme import DARK, LIGHT

FAVOR_COLOR = "#009E73"
AGAINST_COLOR = "#D55E00"
FOOT = 4.0  # px between the text line box (or the tags above it) and the lowest level's labels


def arc_is_plain(color: QColor) -> bool:
    """Grey (relations, NEUTRAL): the label text takes the theme's text colour."""
    return color.saturationF() < 0.1


def arc_color(arc: ArcSpec, dark: bool) -> QColor:
    if arc.kind == STANCE:
        if arc.polarity == "FAVOR":
            return QColor(FAVOR_COLOR)
        if arc.polarity == "AGAINST":
            return QColor(AGAINST_COLOR)
        return QColor("#9A9A9A" if dark else "#7A7A7A")
    return QColor("#C8C8C8" if dark else "#4A4A4A")


class ArcLook:
    """The label font (the view's, smaller and bolder), its level step, label widths and sprites."""

    def __init__(self):
        self.font = QFont()
        self._metrics = QFontMetricsF(self.font)
        self.step = 12.0
        self._widths: dict[str, float] = {}
        self._sprites: dict[tuple, QPixmap] = {}

    def follow(self, base: QFont) -> None:
        """Take the labels' font from the view's ``base`` (a zoom changes both)."""
        font = label_font(base, 0.62)
        if font != self.font:
            self.font = font
            self._metrics = QFontMetricsF(font)
            self._widths.clear()
            self._sprites.clear()
        self.step = float(round(self._metrics.height() + 1))

    def room_for(self, levels: int) -> float:
        return FOOT + levels * self.step + 2

    def levels_in(self, room: float) -> int:
        return max(0, int((room - FOOT - 2 + 0.5) // self.step))

    def width(self, text: str) -> float:
        width = self._widths.get(text)
        if width is None:
            width = self._widths[text] = self._metrics.horizontalAdvance(text) + 8
        return width

    def sprite(self, kind: str, text: str, color: QColor, dark: bool, ratio: float) -> QPixmap:
        """A label box with its text, drawn once per look and copied at each paint."""
        key = (kind, text, color.rgba(), dark, self.step, ratio)
        sprite = self._sprites.get(key)
        if sprite is not None:
            return sprite
        if len(self._sprites) > 1024:
            self._sprites.clear()
        width, height = self.width(text), self.step - 1
        sprite = QPixmap(max(1, ceil(width * ratio)), max(1, ceil(height * ratio)))
        sprite.setDevicePixelRatio(ratio)
        sprite.fill(Qt.GlobalColor.transparent)
        theme = DARK if dark else LIGHT
        painter = QPainter(sprite)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        box = QRectF(0.5, 0.5, width - 1, height - 1)
        if kind == "folded":
            painter.setPen(QPen(color, 1.0, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(theme.window))
            text_color = QColor(theme.text)
        else:
            background = QColor(theme.base)
            background.setAlpha(240)
            painter.setPen(QPen(color, 1.0))
            painter.setBrush(background)
            if arc_is_plain(color):
                text_color = QColor(theme.text)
            else:
                text_color = color.lighter(115) if dark else color.darker(135)
        painter.drawRoundedRect(box, 3.5, 3.5)
        painter.setFont(self.font)
        painter.setPen(text_color)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        self._sprites[key] = sprite
        return sprite
