"""The statistics dashboard: progress, done per day, labels, suggestion acceptance, agreement and
time, as charts; Ctrl+S saves it as a PNG, F5 refreshes it.

Charts are Qt Charts (PySide6's QtCharts, installed with PySide6): axes, legends, hover and
label layout come from a maintained library instead of being painted by hand. Names that are
data (annotators, model versions, labels) are shortened in the middle when long, never cut at
the end, and given in full on hover.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCharts import (QBarCategoryAxis, QBarSet, QChart, QChartView, QHorizontalBarSeries,
                              QHorizontalPercentBarSeries, QHorizontalStackedBarSeries, QBarSeries, QValueAxis)
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QGridLayout, QHBoxLayout, QLabel, QMessageBox, QToolTip,
                               QVBoxLayout, QWidget)

from annotate.errors import InputError
from annotate.paths import refuse_database_paths
from store.dashboard import dashboard_data, day_axis
from store.work_time import clock

from .charts import OUTCOME_COLOURS, short

BAR = "#0072B2"
#: agreement measures drawn per pair: (report path, legend text, colour)
AGREEMENT_MEASURES = (
    (("entities", "exact", "overall", "f1"), "entity span F1 (exact)", "#0072B2"),
    (("entity_label", "krippendorff_alpha", "value"), "entity label α", "#E69F00"),
    (("alpha_u", "entities", "value"), "entity α-U", "#009E73"),
    (("claim_type", "krippendorff_alpha", "value"), "claim type α", "#CC79A7"),
    (("stance_polarity", "cohen_kappa", "value"), "stance κ", "#56B4E9"),
)


def _dig(data: dict, path: tuple) -> float | None:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data if isinstance(data, (int, float)) else None


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
        self.unfinished = QCheckBox("Agreement on documents not yet done too")
        self.unfinished.setToolTip("Compare every document two annotators have worked on, done or not "
                                   "(skipped ones never), to check agreement mid-way")
        self.unfinished.toggled.connect(lambda _on: self.refresh())
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.unfinished)
        self.grid = QGridLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self.grid, 1)
        self.views: dict[str, QChartView] = {}
        for index, name in enumerate(("progress", "per_day", "labels", "acceptance", "agreement", "time")):
            view = QChartView()
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumSize(360, 220)
            self.views[name] = view
            self.grid.addWidget(view, index // 2, index % 2)
        self.refresh()
        self.resize(1200, 1000)
        self.setMinimumSize(800, 640)

    # ---- data -----------------------------------------------------------------------------

    def refresh(self) -> None:
        self.data = dashboard_data(self.store, include_unfinished=self.unfinished.isChecked())
        times = self.data["work_time"]
        total = sum(t["seconds"] for t in times.values())
        self.summary.setText(f"{self.data['documents']} documents · {len(self.data['annotators'])} annotators"
                             + (f" · {clock(total)} of active time" if total else ""))
        self.views["progress"].setChart(self._progress())
        self.views["per_day"].setChart(self._per_day())
        self.views["labels"].setChart(self._labels())
        self.views["acceptance"].setChart(self._acceptance())
        self.views["agreement"].setChart(self._agreement())
        self.views["time"].setChart(self._time())

    def chart(self, name: str) -> QChart:
        return self.views[name].chart()

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

    # ---- charts ---------------------------------------------------------------------------

    def _new_chart(self, title: str) -> QChart:
        chart = QChart()
        chart.setTitle(title)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        return chart

    def _bars(self, chart: QChart, series, categories: list[str], full_names: list[str] | None = None,
              value_range: tuple[float, float] | None = None, horizontal: bool = True, counts: bool = False
              ) -> QChart:
        chart.addSeries(series)
        names = QBarCategoryAxis()
        names.append([short(c) for c in categories] or [""])
        names.setTruncateLabels(False)
        values = QValueAxis()
        values.setLabelFormat("%g")
        if value_range is not None:
            values.setRange(*value_range)
        if counts:  # whole numbers of documents or annotations: ticks on whole numbers
            upper = max(1, int(value_range[1]) if value_range else 1)
            values.setRange(0, upper)
            values.setTickType(QValueAxis.TickType.TicksDynamic)
            values.setTickAnchor(0)
            values.setTickInterval(max(1, -(-upper // 6)))
        chart.addAxis(names, Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(names)
        series.attachAxis(values)
        full = full_names or categories

        def hovered(on: bool, index: int, bar_set: QBarSet) -> None:
            if on and 0 <= index < len(full):
                value = bar_set.at(index)
                QToolTip.showText(self.cursor().pos(), f"{full[index]} — {bar_set.label()}: {value:g}")
        series.hovered.connect(hovered)
        return chart

    def _message(self, chart: QChart, text: str) -> QChart:
        chart.setTitle(f"{chart.title()} — {text}")
        return chart

    def _progress(self) -> QChart:
        total = self.data["documents"]
        chart = self._new_chart(f"Progress: documents done of {total}")
        names = list(self.data["annotators"])
        if not names:
            return self._message(chart, "nothing yet")
        assigned = self.data["assignments"]
        series = QHorizontalStackedBarSeries()
        for label, key, colour in (("done", "done", "#009E73"), ("skipped", "skipped", "#999999"),
                                   ("in progress", "in_progress", "#E69F00")):
            bar_set = QBarSet(label)
            bar_set.setColor(QColor(colour))
            bar_set.append([float(self.data["annotators"][n][key] or 0) for n in names])
            series.append(bar_set)
        upper = max([total] + [a["assigned"] for a in assigned.values()] + [1])
        categories = [f"{n} ({assigned[n]['assigned']} assigned)" if n in assigned else n for n in names]
        return self._bars(chart, series, categories, value_range=(0, upper), counts=True)

    def _per_day(self) -> QChart:
        chart = self._new_chart("Documents done per day")
        days = day_axis(self.data["done_by_day"])
        if not days:
            return self._message(chart, "nothing done yet")
        bar_set = QBarSet("done")
        bar_set.setColor(QColor(BAR))
        bar_set.append([float(n) for _, n in days])
        series = QBarSeries()
        series.append(bar_set)
        chart.legend().hide()
        # Month-day under each bar; the year is in the title (a year's change is rare mid-project).
        chart.setTitle(f"Documents done per day ({days[0][0]} to {days[-1][0]})")
        return self._bars(chart, series, [d[5:] for d, _ in days], [d for d, _ in days],
                          value_range=(0, max(n for _, n in days)), horizontal=False, counts=True)

    def _labels(self) -> QChart:
        chart = self._new_chart("Gold annotations by label")
        labels = sorted(self.data["labels"].items(), key=lambda item: -item[1])[:20]
        if not labels:
            return self._message(chart, "no gold annotations yet")
        labels.reverse()  # the largest at the top
        series = QHorizontalStackedBarSeries()
        for index, (label, n) in enumerate(labels):
            bar_set = QBarSet(label)
            bar_set.setColor(QColor(self.colors.get(label, BAR)))
            bar_set.append([float(n) if i == index else 0.0 for i in range(len(labels))])
            series.append(bar_set)
        chart.legend().hide()
        return self._bars(chart, series, [f"{label} ({n})" for label, n in labels],
                          value_range=(0, max(n for _, n in labels)), counts=True)

    def _acceptance(self) -> QChart:
        chart = self._new_chart("Suggestions by model version: accepted / corrected / rejected / pending")
        rows = []
        for origin, labels in self.data["acceptance"].items():
            for label, counts in labels.items():
                if label == "ALL" or len(labels) <= 6:
                    rows.append((f"{origin.removeprefix('model:')} {label}", counts))
        if not rows:
            return self._message(chart, "no model suggestions stored")
        rows.reverse()
        series = QHorizontalPercentBarSeries()
        for key in ("accepted", "corrected", "rejected", "pending"):
            bar_set = QBarSet(key)
            bar_set.setColor(QColor(OUTCOME_COLOURS[key]))
            bar_set.append([float(counts[key]) for _, counts in rows])
            series.append(bar_set)
        return self._bars(chart, series, [name for name, _ in rows])

    def agreement_rows(self) -> list[tuple[str, dict]]:
        """(pair or "all", its part of the report) for every pair of annotators, and all at once."""
        report = self.data["agreement"]
        rows = [(f"{p['a']} – {p['b']}", p) for p in report.get("pairs", []) if p["documents"]]
        everyone = report.get("all")
        if everyone and len(everyone.get("annotators", [])) > 2:
            rows.append((f"all {len(everyone['annotators'])}", everyone))
        return rows

    def _agreement(self) -> QChart:
        counted = "done or in progress" if self.unfinished.isChecked() else "done"
        chart = self._new_chart(f"Agreement (documents {counted} by both)")
        rows = self.agreement_rows()
        if not rows:
            return self._message(chart, "needs two annotators' documents in this database (marginalia merge)")
        rows.reverse()
        series = QHorizontalBarSeries()
        low = 0.0
        for path, legend, colour in AGREEMENT_MEASURES:
            values = [_dig(part, path) for _, part in rows]
            if all(v is None for v in values):
                continue
            bar_set = QBarSet(legend)
            bar_set.setColor(QColor(colour))
            bar_set.append([0.0 if v is None else float(v) for v in values])
            low = min([low] + [v for v in values if v is not None])
            series.append(bar_set)
        return self._bars(chart, series, [name for name, _ in rows], value_range=(min(low, 0.0), 1.0))

    def _time(self) -> QChart:
        chart = self._new_chart("Active time: minutes per done document")
        times = self.data["work_time"]
        names = [n for n, t in times.items() if t["seconds_per_done_document"] is not None]
        if not names:
            return self._message(chart, "no time on done documents recorded yet")
        bar_set = QBarSet("minutes per done document")
        bar_set.setColor(QColor("#56B4E9"))
        bar_set.append([times[n]["seconds_per_done_document"] / 60 for n in names])
        series = QHorizontalBarSeries()
        series.append(bar_set)
        chart.legend().hide()
        return self._bars(chart, series, [f"{n} ({clock(times[n]['seconds'])} in all)" for n in names])
