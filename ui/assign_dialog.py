"""File → Assign documents…: the window's face of ``marginalia assign`` (store/assign.py).

A lead names the annotators, the share of documents two (or more) of them should both do, and a
folder; each annotator gets ``FOLDER/NAME.db`` with only their documents, and the assignment is
recorded in this database.
"""
from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QSpinBox, QWidget)

from annotate.errors import MarginaliaError
from store.assign import assign


class AssignDialog(QDialog):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.result_text = ""
        self.setWindowTitle("Assign documents")
        self.annotators = QLineEdit()
        self.annotators.setPlaceholderText("ana, ben, cem")
        self.annotators.setToolTip("The annotators' names, separated by commas")
        self.overlap = QDoubleSpinBox()
        self.overlap.setRange(0, 100)
        self.overlap.setSuffix(" %")
        self.overlap.setValue(20)
        self.overlap.setToolTip("Share of the documents given to several annotators, to measure agreement")
        self.copies = QSpinBox()
        self.copies.setRange(2, 10)
        self.copies.setValue(2)
        self.copies.setToolTip("How many annotators do each shared document")
        self.folder = QLineEdit()
        self.folder.setToolTip("Each annotator's file is written here as NAME.db; existing files are never overwritten")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        folder_row = QWidget()
        row = QHBoxLayout(folder_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Assign")
        buttons.accepted.connect(self.run)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Annotators", self.annotators)
        form.addRow("Overlap", self.overlap)
        form.addRow("Annotators per shared document", self.copies)
        form.addRow("Folder for their files", folder_row)
        form.addRow(self.message)
        form.addRow(buttons)
        self.resize(520, 220)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the annotators' files")
        if folder:
            self.folder.setText(folder)

    def run(self) -> None:
        names = [n.strip() for n in self.annotators.text().split(",") if n.strip()]
        if not self.folder.text().strip():
            self.message.setText("Choose a folder for the annotators' files")
            return
        try:
            done = assign(self.store, names, self.folder.text().strip(), overlap=self.overlap.value() / 100,
                          copies=self.copies.value())
        except MarginaliaError as exc:
            self.message.setText(str(exc))  # nothing was written
            return
        self.result_text = "; ".join(f"{a.annotator}: {len(a.documents)} documents in {a.path}" for a in done)
        self.accept()
