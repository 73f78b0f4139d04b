"""The statistics dashboard: progress, labels, suggestion acceptance and agreement, as charts.

People would rather look than read: every panel is a bar chart drawn with QPainter (no plotting
library needed), and the whole dashboard can be saved as a PNG.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QPainter
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from annotate.errors import InputError
from annotate.paths import refuse_database_paths
from store.dashboard import dashboard_data

from .charts import OUTCOME_COLOURS

BAR = "#0072B2"
PANEL_GAP = 18


class Dashboard(QWidget):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Marginalia — statistics")
        self.colors = {e.label: e.color for e in store.schema.entities}
        self.colors["CLAIM"] = "#7B3294"
        save = QAction("Save as PNG…", self)
        save.setShortcut(QKeySequence.StandardKey.Save)
        save.triggered.connect(self._save_dialog)
        self.addAction(save)
        refresh = QAction("Refresh", self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh)
        self.addAction(refresh)
        self.setToolTip("Ctrl+S saves the dashboard as a PNG; F5 refreshes it")
        self.refresh()
        self.resize(1100, 900)
        self.setMinimumSize(800, 600)

    def refresh(self) -> None:
        self.data = dashboard_data(self.store)
        self.update()

    def _save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save statistics", "marginalia-statistics.png", "PNG (*.png)")
        if path:
            try:
                self.save_png(path)
            except (InputError, OSError) as exc:
                QMessageBox.warning(self, "Not saved", str(exc))

    def save_png(self, path: str | Path) -> Path:
        path = Path(path)
        refuse_database_paths(self.store.path, outputs=[("the PNG", path)])
        if not self.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        return path

    # ---- painting --------------------------------------------------------------------------

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        width = self.width()
        half = (width - 3 * PANEL_GAP) / 2
        top_h = (self.height() - 3 * PANEL_GAP) / 2
        panels = [QRectF(PANEL_GAP, PANEL_GAP, half, top_h),
                  QRectF(2 * PANEL_GAP + half, PANEL_GAP, half, top_h),
                  QRectF(PANEL_GAP, 2 * PANEL_GAP + top_h, half, top_h),
                  QRectF(2 * PANEL_GAP + half, 2 * PANEL_GAP + top_h, half, top_h)]
        self._progress(painter, panels[0])
        self._labels(painter, panels[1])
        self._acceptance(painter, panels[2])
        self._agreement(painter, panels[3])

    def _title(self, painter: QPainter, rect: QRectF, text: str) -> QRectF:
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSize(font.pointSize() + 1)
        painter.setFont(font)
        painter.setPen(self.palette().text().color())
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), 24), Qt.AlignmentFlag.AlignLeft, text)
        painter.setFont(self.font())
        return QRectF(rect.left(), rect.top() + 30, rect.width(), rect.height() - 30)

    def _bars(self, painter: QPainter, rect: QRectF, rows: list[tuple[str, list[tuple[float, str]], str]],
              maximum: float) -> None:
        """Horizontal bars: (label, [(value, colour) stacked], text at the end)."""
        if not rows:
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "nothing yet")
            return
        label_w = 150
        row_h = min(26.0, rect.height() / len(rows))
        for index, (label, parts, note) in enumerate(rows):
            y = rect.top() + index * row_h
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(rect.left(), y, label_w - 8, row_h), Qt.AlignmentFlag.AlignRight
                             | Qt.AlignmentFlag.AlignVCenter, label)
            x = rect.left() + label_w
            span = rect.width() - label_w - 90
            for value, colour in parts:
                w = span * (value / maximum if maximum else 0)
                painter.fillRect(QRectF(x, y + row_h * 0.18, w, row_h * 0.64), QColor(colour))
                x += w
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(x + 6, y, 90, row_h), Qt.AlignmentFlag.AlignVCenter, note)

    def _progress(self, painter: QPainter, rect: QRectF) -> None:
        total = self.data["documents"]
        area = self._title(painter, rect, f"Progress: documents done of {total}")
        rows = []
        for name, counts in self.data["annotators"].items():
            done, skipped = counts["done"] or 0, counts["skipped"] or 0
            rows.append((name, [(done, "#009E73"), (skipped, "#999999")], f"{done} / {total}"))
        timeline = self.data["done_by_day"]
        bars_rect = QRectF(area.left(), area.top(), area.width(), area.height() * 0.55)
        self._bars(painter, bars_rect, rows, max(total, 1))
        if timeline:
            chart = QRectF(area.left() + 150, area.top() + area.height() * 0.62, area.width() - 170,
                           area.height() * 0.3)
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(area.left(), chart.top(), 145, 20), Qt.AlignmentFlag.AlignRight, "done per day")
            cumulative, points = 0, []
            for _day, n in timeline:
                cumulative += n
                points.append(cumulative)
            step = chart.width() / max(1, len(points))
            for i, value in enumerate(points):
                h = chart.height() * value / max(points[-1], 1)
                painter.fillRect(QRectF(chart.left() + i * step + 1, chart.bottom() - h, max(2.0, step - 2), h),
                                 QColor(BAR))
            painter.drawText(QRectF(chart.left(), chart.bottom() + 2, chart.width(), 18),
                             Qt.AlignmentFlag.AlignLeft, timeline[0][0])
            painter.drawText(QRectF(chart.left(), chart.bottom() + 2, chart.width(), 18),
                             Qt.AlignmentFlag.AlignRight, timeline[-1][0])

    def _labels(self, painter: QPainter, rect: QRectF) -> None:
        area = self._title(painter, rect, "Gold annotations by label")
        labels = self.data["labels"]
        rows = [(label, [(n, self.colors.get(label, BAR))], str(n)) for label, n in list(labels.items())[:14]]
        self._bars(painter, area, rows, max(labels.values(), default=1))

    def _acceptance(self, painter: QPainter, rect: QRectF) -> None:
        area = self._title(painter, rect, "Suggestions by model version: accepted / corrected / rejected / pending")
        rows = []
        for origin, labels in self.data["acceptance"].items():
            for label, counts in labels.items():
                if label != "ALL" and len(labels) > 6:
                    continue
                parts = [(counts[k], OUTCOME_COLOURS[k]) for k in ("accepted", "corrected", "rejected", "pending")]
                rate = counts.get("acceptance")
                rows.append((f"{origin.removeprefix('model:')} {label}", parts,
                             "-" if rate is None else f"{rate:.0%} accepted"))
        maximum = max((sum(v for v, _ in parts) for _, parts, _ in rows), default=1)
        self._bars(painter, area, rows[:12], maximum)

    def _agreement(self, painter: QPainter, rect: QRectF) -> None:
        area = self._title(painter, rect, "Agreement per label (entity span F1, exact)")
        rows = []
        for pair in self.data["agreement"].get("pairs", []):
            for label, counts in pair["entities"]["exact"]["labels"].items():
                f1 = counts["f1"] or 0.0
                rows.append((f"{pair['a']}–{pair['b']} {label}", [(f1, self.colors.get(label, BAR))], f"{f1:.2f}"))
            kappa = pair["stance_polarity"].get("cohen_kappa", {}).get("value") \
                if isinstance(pair.get("stance_polarity"), dict) else None
            if kappa is not None:
                rows.append((f"{pair['a']}–{pair['b']} stance κ", [(max(kappa, 0.0), "#CC79A7")], f"{kappa:.2f}"))
        if not rows:
            painter.setPen(self.palette().text().color())
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter,
                             "agreement needs two annotators' done documents in this database (marginalia merge)")
            return
        self._bars(painter, area, rows[:14], 1.0)
