"""Draw Marginalia's icon (a page with a highlighted span and a margin note) as a PNG.

Run by packaging/build.sh, so that no binary image is kept in the repository.
Usage: QT_QPA_PLATFORM=offscreen python packaging/make_icon.py OUT.png [SIZE]
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPen


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#2B2D30"))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 40 * s, 40 * s)
    p.setBrush(QColor("#FCFCFA"))
    p.drawRoundedRect(QRectF(40 * s, 32 * s, 140 * s, 192 * s), 10 * s, 10 * s)
    lines = [(56, 60, 108), (56, 86, 108), (56, 112, 108), (56, 138, 108), (56, 164, 80), (56, 190, 100)]
    for x, y, width in lines:
        p.setBrush(QColor("#BBBBBB"))
        p.drawRoundedRect(QRectF(x * s, y * s, width * s, 8 * s), 4 * s, 4 * s)
    p.setBrush(QColor(230, 159, 0, 170))  # the PERSON orange of the default schema
    p.drawRoundedRect(QRectF(50 * s, 104 * s, 78 * s, 24 * s), 6 * s, 6 * s)
    p.setBrush(QColor(0, 158, 115, 170))  # GPE green
    p.drawRoundedRect(QRectF(50 * s, 156 * s, 58 * s, 24 * s), 6 * s, 6 * s)
    pen = QPen(QColor("#E69F00"), 10 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.drawLine(int(196 * s), int(70 * s), int(196 * s), int(150 * s))  # the margin note
    p.setPen(QPen(QColor("#56B4E9"), 10 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawLine(int(216 * s), int(100 * s), int(216 * s), int(190 * s))
    p.end()
    return image


if __name__ == "__main__":
    app = QGuiApplication(sys.argv[:1])
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 256
    if not draw(size).save(sys.argv[1], "PNG"):
        sys.exit(f"cannot write {sys.argv[1]}")
