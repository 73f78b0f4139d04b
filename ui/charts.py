"""Bar charts drawn with QPainter on a QImage (offscreen), for reports written as PNG.

Used by ``marginalia evaluate --plot``: no plotting library is needed, Qt is already here.
"""
from __future__ import annotations

import os
from pathlib import Path

# Okabe-Ito colours (colour-blind safe), as the schema's.
PRF_COLOURS = ("#0072B2", "#E69F00", "#009E73")
OUTCOME_COLOURS = {"accepted": "#009E73", "corrected": "#E69F00", "rejected": "#D55E00", "pending": "#BBBBBB"}


def short(name: str, limit: int = 34) -> str:
    """``name`` shortened in the middle: a model's name and its version both stay readable
    (cutting the end dropped the version, cutting the start the model)."""
    if len(name) <= limit:
        return name
    keep = limit - 1
    return name[: (keep + 1) // 2] + "…" + name[len(name) - keep // 2:]


def _app():
    from PySide6.QtGui import QGuiApplication
    app = QGuiApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication([])
    return app


def evaluation_chart(report: dict, path: str | Path, *, width: int = 1000) -> Path:
    """The chart of ``evaluation_image``, written as a PNG."""
    path = Path(path)
    if not evaluation_image(report, width=width).save(str(path), "PNG"):
        raise OSError(f"cannot write {path}")
    return path


def evaluation_image(report: dict, *, width: int = 1000):
    """Two panels: precision/recall/F1 per label, and each model version's suggestion outcomes
    per label as stacked bars (accepted, corrected, rejected, pending)."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    _app()
    scores = {k: v for k, v in report.get("entities", {}).items()}
    claims = report.get("claims", {}).get("CLAIM")
    if claims:
        scores["CLAIM"] = claims
    outcomes = [(origin, label, counts) for origin, labels in report.get("acceptance", {}).items()
                for label, counts in labels.items()]
    row_h, top, left = 22, 40, 150
    panel1_h = top + max(1, len(scores)) * row_h * 1.5 + 40
    panel2_h = top + max(1, len(outcomes)) * row_h + 60
    height = int(panel1_h + panel2_h)
    image = QImage(width, height, QImage.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    font = QFont()
    font.setPixelSize(12)
    painter.setFont(font)
    bar_w = width - left - 80

    def title(y: float, text: str) -> None:
        bold = QFont(font)
        bold.setBold(True)
        bold.setPixelSize(14)
        painter.setFont(bold)
        painter.setPen(QColor("black"))
        painter.drawText(QRectF(10, y, width - 20, 24), Qt.AlignLeft | Qt.AlignVCenter, text)
        painter.setFont(font)

    title(8, f"{report.get('model', 'model')}: precision / recall / F1 per label "
             f"({report.get('documents', 0)} gold documents)")
    y = top
    for label, s in scores.items():
        painter.setPen(QColor("black"))
        painter.drawText(QRectF(10, y, left - 20, row_h * 1.5), Qt.AlignRight | Qt.AlignVCenter,
                         f"{label} ({s.get('support', 0)})")
        for k, key in enumerate(("precision", "recall", "f1")):
            value = float(s.get(key, 0.0))
            rect = QRectF(left, y + k * row_h * 0.5, bar_w * value, row_h * 0.45)
            painter.fillRect(rect, QColor(PRF_COLOURS[k]))
            painter.drawText(QRectF(left + bar_w * value + 4, y + k * row_h * 0.5 - 3, 60, row_h * 0.5 + 6),
                             Qt.AlignLeft | Qt.AlignVCenter, f"{value:.2f}")
        y += row_h * 1.5
    legend_x = left
    for k, key in enumerate(("precision", "recall", "F1")):
        painter.fillRect(QRectF(legend_x, y + 10, 12, 12), QColor(PRF_COLOURS[k]))
        painter.drawText(QRectF(legend_x + 16, y + 6, 80, 20), Qt.AlignLeft | Qt.AlignVCenter, key)
        legend_x += 100

    y = panel1_h
    title(y, "Suggestions by model version and label: accepted / corrected / rejected / pending")
    y += 32
    if not outcomes:
        painter.drawText(QRectF(left, y, bar_w, row_h), Qt.AlignLeft | Qt.AlignVCenter, "no model suggestions stored")
        y += row_h
    for origin, label, counts in outcomes:
        total = sum(counts.get(k, 0) for k in OUTCOME_COLOURS) or 1
        painter.setPen(QColor("black"))
        painter.drawText(QRectF(10, y, left - 20, row_h), Qt.AlignRight | Qt.AlignVCenter,
                         short(f"{origin.removeprefix('model:')} {label}", 24))
        x = float(left)
        for key, colour in OUTCOME_COLOURS.items():
            w = bar_w * counts.get(key, 0) / total
            painter.fillRect(QRectF(x, y + 3, w, row_h - 6), QColor(colour))
            x += w
        rate = counts.get("acceptance")
        painter.drawText(QRectF(left + bar_w + 4, y, 76, row_h), Qt.AlignLeft | Qt.AlignVCenter,
                         "-" if rate is None else f"{rate:.0%}")
        y += row_h
    legend_x = left
    for key, colour in OUTCOME_COLOURS.items():
        painter.fillRect(QRectF(legend_x, y + 10, 12, 12), QColor(colour))
        painter.drawText(QRectF(legend_x + 16, y + 6, 90, 20), Qt.AlignLeft | Qt.AlignVCenter, key)
        legend_x += 110
    painter.end()
    return image
