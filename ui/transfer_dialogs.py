"""The dialogs of File → Import… and File → Export…: what to move, in which format, and where.

They only collect choices; ``ui.files`` runs the work in the background.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QListWidget, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from annotate.formats.names import EXPORT_FORMATS, IMPORT_FORMATS, SUFFIX

AUTO = "auto"


class ImportDialog(QDialog):
    """Files and folders to import (also dropped on the list), their format, and how to take them."""

    def __init__(self, parent=None, paths: list[Path] | None = None):
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.setAcceptDrops(True)
        self.list = QListWidget()
        self.list.setToolTip("Files and folders to import; drop more here")
        add_files = QPushButton("Add &files…")
        add_files.clicked.connect(self._choose_files)
        add_folder = QPushButton("Add f&older…")
        add_folder.clicked.connect(self._choose_folder)
        remove = QPushButton("&Remove")
        remove.clicked.connect(lambda: [self.list.takeItem(self.list.row(i)) for i in self.list.selectedItems()])
        buttons_row = QHBoxLayout()
        for button in (add_files, add_folder, remove):
            buttons_row.addWidget(button)
        buttons_row.addStretch(1)
        self.format = QComboBox()
        self.format.addItem("detect from each file's name and content", AUTO)
        for name, what in IMPORT_FORMATS.items():
            self.format.addItem(f"{name}: {what}", name)
        self.as_suggestions = QCheckBox("Take the files' annotations as &suggestions to review (not as gold)")
        self.add_labels = QCheckBox("&Add labels the files use and the schema lacks (a new schema version)")
        note = QLabel("Every file is read first: if one has a problem, nothing is imported and the file and line "
                      "are named. An import lands whole or not at all, cancelled included.")
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Format", self.format)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Files and folders (several formats may be mixed; drop files here):"))
        layout.addWidget(self.list)
        layout.addLayout(buttons_row)
        layout.addLayout(form)
        layout.addWidget(self.as_suggestions)
        layout.addWidget(self.add_labels)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.resize(640, 420)
        self.add_paths(paths or [])
        self._update()

    def add_paths(self, paths) -> None:
        present = set(self.paths())
        for path in paths:
            if Path(path) not in present:
                self.list.addItem(str(path))
        self._update()

    def paths(self) -> list[Path]:
        return [Path(self.list.item(i).text()) for i in range(self.list.count())]

    def chosen_format(self) -> str | None:
        value = self.format.currentData()
        return None if value == AUTO else value

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.list.count() > 0)

    def _choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Files to import", "",
                                                "Annotated or plain text (*.jsonl *.json *.txt *.ann *.spacy *.conll "
                                                "*.conllu *.iob *.bio *.ndjson);;All files (*)")
        self.add_paths(files)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder to import")
        if folder:
            self.add_paths([folder])

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        self.add_paths([url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()])
        event.acceptProposedAction()


class ExportDialog(QDialog):
    """Format, target, only-done, whose version, and a train/dev/test split with its seed."""

    def __init__(self, parent=None, *, annotators: list[str], acting: str, last: dict | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export")
        last = last or {}
        self.format = QComboBox()
        for name, what in EXPORT_FORMATS.items():
            self.format.addItem(f"{name}: {what}", name)
        self.target = QLineEdit()
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target, 1)
        target_row.addWidget(browse)
        target = QWidget()
        target.setLayout(target_row)
        target_row.setContentsMargins(0, 0, 0, 0)
        self.only_done = QCheckBox("Only documents marked &done")
        self.annotator = QComboBox()
        self.annotator.addItem("everyone's annotations", None)
        for name in annotators:
            self.annotator.addItem(f"only {name}'s version", name)
        self.acting = acting
        self.split = QCheckBox("&Split into files")
        self.fractions = QLineEdit("train=0.8,dev=0.1,test=0.1")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.split.toggled.connect(self._update)
        self.format.currentIndexChanged.connect(self._update)
        self.only_done.toggled.connect(self._update)
        self.annotator.currentIndexChanged.connect(self._update)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.target.textChanged.connect(self._update)
        form = QFormLayout(self)
        form.addRow("&Format", self.format)
        form.addRow("&To", target)
        form.addRow("", self.only_done)
        form.addRow("&Whose", self.annotator)
        form.addRow("", self.split)
        form.addRow("Fr&actions", self.fractions)
        form.addRow("S&eed", self.seed)
        form.addRow(self.hint)
        form.addRow(self.buttons)
        self.resize(620, 0)
        self._restore(last)
        self._update()

    def _restore(self, last: dict) -> None:
        index = self.format.findData(last.get("format", "jsonl"))
        self.format.setCurrentIndex(max(index, 0))
        self.target.setText(str(last.get("out", "")))
        self.only_done.setChecked(bool(last.get("only_done", False)))
        index = self.annotator.findData(last.get("annotator"))
        self.annotator.setCurrentIndex(max(index, 0))
        self.split.setChecked(bool(last.get("split")))
        if last.get("split"):
            self.fractions.setText(str(last["split"]))
        self.seed.setValue(int(last.get("seed", 0) or 0))

    def choices(self) -> dict:
        """The export's arguments, as ``store.export.export_documents`` takes them (and remembered so)."""
        return {"format": self.format.currentData(), "out": self.target.text().strip(),
                "only_done": self.only_done.isChecked(), "annotator": self.annotator.currentData(),
                "split": self.fractions.text().strip() if self.split.isChecked() else None,
                "seed": self.seed.value()}

    def _update(self) -> None:
        self.fractions.setEnabled(self.split.isChecked())
        self.seed.setEnabled(self.split.isChecked())
        whose = self.annotator.currentData() or self.acting
        parts = []
        if self.only_done.isChecked():
            parts.append(f"documents {whose} marked done")
        fmt = self.format.currentData()
        if fmt in ("brat",) or (fmt == "spacy" and not self.target.text().strip().endswith(".spacy")):
            parts.append("the target is a folder")
        self.hint.setText("; ".join(parts))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.target.text().strip()))

    def _browse(self) -> None:
        fmt = self.format.currentData()
        if fmt == "brat":
            chosen = QFileDialog.getSaveFileName(self, "Export to a new folder", self.target.text())[0]
        else:
            suffix = SUFFIX.get(fmt, "")
            chosen = QFileDialog.getSaveFileName(self, "Export to", self.target.text(),
                                                 f"{fmt} (*{suffix});;All files (*)" if suffix else "All files (*)")[0]
            if chosen and suffix and not Path(chosen).suffix:
                chosen += suffix
        if chosen:
            self.target.setText(chosen)
