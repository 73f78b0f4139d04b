"""Dialogs of the Model menu: which pre-annotator, how to train, and an evaluation's report."""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QScrollArea,
                               QSpinBox, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

BUILTIN = "builtin"


class ModelChooser(QDialog):
    """Pick a pre-annotator: the builtin rules, a pipeline trained for this database, an installed
    spaCy pipeline, or a pipeline folder. With ``held_out``, also whether to leave out the
    documents the chosen pipeline was trained on."""

    def __init__(self, parent, *, title: str, trained: list[str], installed: list[str], held_out: bool = False):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.list = QListWidget()
        self._add(f"{BUILTIN}: rules and gazetteers, no download", BUILTIN)
        for path in trained:
            self._add(f"trained here: {path}", path)
        for name in installed:
            self._add(f"installed spaCy pipeline: {name}", name)
        if not installed:
            none = QListWidgetItem("no spaCy pipeline package installed (python -m spacy download en_core_web_sm "
                                   "installs one)")
            none.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(none)
        self.list.setCurrentRow(1 if trained else 0)
        folder = QPushButton("Pipeline &folder…")
        folder.clicked.connect(self._choose_folder)
        self.held_out = QCheckBox("&Hold out the documents this pipeline was trained on") if held_out else None
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _: self.accept())
        self.list.currentItemChanged.connect(lambda *_: self._update())
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Pipeline to evaluate:" if held_out else "Pre-annotator:"))
        layout.addWidget(self.list)
        row = QHBoxLayout()
        row.addWidget(folder)
        row.addStretch(1)
        layout.addLayout(row)
        if self.held_out is not None:
            layout.addWidget(self.held_out)
        layout.addWidget(self.buttons)
        self.resize(620, 360)
        self._update()

    def _add(self, text: str, value: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, value)
        self.list.addItem(item)
        return item

    def add_folder(self, path: str) -> None:
        self.list.setCurrentItem(self._add(f"folder: {path}", path))

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "spaCy pipeline folder")
        if folder:
            self.add_folder(folder)

    def choice(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _update(self) -> None:
        choice = self.choice()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(choice))
        if self.held_out is not None:
            from annotate.training import DOCUMENTS_FILE
            records = bool(choice) and (Path(choice) / "training" / DOCUMENTS_FILE).is_file()
            self.held_out.setEnabled(records)
            self.held_out.setChecked(records)
            self.held_out.setToolTip("" if records else "only a pipeline trained by Marginalia records its documents")


class TrainDialog(QDialog):
    def __init__(self, parent, *, out: str, done: int):
        super().__init__(parent)
        self.setWindowTitle("Train from gold")
        self.out = QLineEdit(out)
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        target = QWidget()
        target.setLayout(row)
        self.dev_fraction = QDoubleSpinBox()
        self.dev_fraction.setRange(0.05, 0.9)
        self.dev_fraction.setSingleStep(0.05)
        self.dev_fraction.setValue(0.2)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.max_steps = QSpinBox()
        self.max_steps.setRange(0, 1_000_000)
        self.max_steps.setSpecialValueText("until it stops improving")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Train")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        note = QLabel(f"Trains a spaCy pipeline (entities; claims too when there are enough) on the {done} "
                      "documents you marked done, in the background. The folder records which documents it "
                      "was trained on, so Evaluate can hold them out.")
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Folder", target)
        form.addRow("&Dev fraction", self.dev_fraction)
        form.addRow("&Seed", self.seed)
        form.addRow("&Steps", self.max_steps)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)  # the note's wrapped height is measured at the width it will have
        self.resize(640, self.layout().totalHeightForWidth(640))

    def choices(self) -> dict:
        return {"out": self.out.text().strip(), "dev_fraction": self.dev_fraction.value(), "seed": self.seed.value(),
                "max_steps": self.max_steps.value() or None}

    def _browse(self) -> None:
        folder = QFileDialog.getSaveFileName(self, "Folder for the trained pipeline", self.out.text(),
                                             options=QFileDialog.Option.DontConfirmOverwrite)[0]
        if folder:
            self.out.setText(folder)


class EvaluationDialog(QDialog):
    """Per-label precision, recall and F1; acceptance per model version; and both as a chart."""

    def __init__(self, parent, report: dict):
        super().__init__(parent)
        self.report = report
        held = (f"; {report['excluded_trained']} documents it was trained on held out"
                if report.get("held_out") else "")
        self.setWindowTitle(f"Evaluation of {report['model']}")
        summary = QLabel(f"<b>{html.escape(report['model'])}</b> against the gold of {report['documents']} done "
                         f"documents{html.escape(held)}")
        self.scores = self._table(["label", "precision", "recall", "F1", "support"],
                                  [[label, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}",
                                    str(s["support"])] for label, s in self._score_rows()])
        rows = [[origin, label, str(c["accepted"]), str(c["corrected"]), str(c["rejected"]), str(c["pending"]),
                 "-" if c["acceptance"] is None else f"{c['acceptance']:.0%}"]
                for origin, labels in report.get("acceptance", {}).items() for label, c in labels.items()]
        self.acceptance = self._table(["model version", "label", "accepted", "corrected", "rejected", "pending",
                                       "acceptance"], rows)
        from .charts import evaluation_image
        chart = QLabel()
        chart.setPixmap(QPixmap.fromImage(evaluation_image(report, width=900)))
        scroll = QScrollArea()
        scroll.setWidget(chart)
        tabs = QTabWidget()
        tabs.addTab(self.scores, "&Scores per label")
        tabs.addTab(self.acceptance, "&Acceptance per model version")
        tabs.addTab(scroll, "&Chart")
        self.tabs = tabs
        save = QPushButton("Save chart as &PNG…")
        save.clicked.connect(self._save)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(save, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(tabs, 1)
        layout.addWidget(buttons)
        self.resize(960, 560)

    def _score_rows(self):
        yield from self.report.get("entities", {}).items()
        for label, s in self.report.get("claims", {}).items():
            if label != "ALL":
                yield label, s

    @staticmethod
    def _table(headers: list[str], rows: list[list[str]]) -> QTableWidget:
        table = QTableWidget(len(rows), len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(value)  # plain text, never markup
                if value == "-" or value.rstrip("%").replace(".", "", 1).isdigit():
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        return table

    def _save(self) -> None:
        from .charts import evaluation_chart
        path = QFileDialog.getSaveFileName(self, "Save chart", "evaluation.png", "PNG (*.png)")[0]
        if path:
            evaluation_chart(self.report, path)
