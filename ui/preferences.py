"""Edit → Preferences: your name for this database, theme, font size, and every key binding.

The key table is read from the window's one table of actions (``ui.actions``) through its key map
(``ui.keymap``): a binding is saved as soon as it is changed, and a key another action has is
refused, naming that action. Name, theme and font size apply on OK.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QKeySequenceEdit, QLabel, QLineEdit, QPushButton, QSpinBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from .keymap import KeyConflict, KeyMap, native


class KeyCapture(QDialog):
    """Press the new key (or combination) for one action."""

    def __init__(self, parent, action_text: str):
        super().__init__(parent)
        self.setWindowTitle(f"Key for “{action_text}”")
        self.edit = QKeySequenceEdit()
        self.edit.setMaximumSequenceLength(1)
        self.keys: list[str] | None = None
        none = QPushButton("&No key")
        none.clicked.connect(lambda: self._done([]))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(none, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(lambda: self._done([self.edit.keySequence().toString(
            QKeySequence.SequenceFormat.PortableText)] if not self.edit.keySequence().isEmpty() else []))
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Press the new key, then OK:"))
        layout.addWidget(self.edit)
        layout.addWidget(buttons)
        self.edit.setFocus()

    def _done(self, keys: list[str]) -> None:
        self.keys = keys
        self.accept()


class Preferences(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.keymap: KeyMap = window.keymap
        self.setWindowTitle("Preferences")
        self.name = QLineEdit(window.store.annotator)
        self.name.setToolTip("Recorded on every annotation you make in this database; kept for this file only")
        self.theme = QComboBox()
        self.theme.addItems(["light", "dark"])
        self.theme.setCurrentText(window.theme.name)
        self.font_size = QSpinBox()
        self.font_size.setRange(6, 48)
        self.font_size.setSuffix(" pt")
        self.font_size.setValue(window.view.font().pointSize())
        general = QGroupBox("This database and the look")
        form = QFormLayout(general)
        form.addRow(f"Your &name in {window.store.path and str(window.store.path).rsplit('/', 1)[-1]}", self.name)
        form.addRow("&Theme", self.theme)
        form.addRow("Article &font size", self.font_size)

        self.table = QTableWidget(len(window.action_specs), 3)
        self.table.setHorizontalHeaderLabels(["menu", "action", "keys"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.cellDoubleClicked.connect(lambda row, _col: self.change_key(row))
        self._fill_keys()
        self.table.resizeColumnsToContents()
        change = QPushButton("&Change key…")
        change.clicked.connect(lambda: self.change_key(self.table.currentRow()))
        reset = QPushButton("&Default key")
        reset.clicked.connect(lambda: self.reset_key(self.table.currentRow()))
        self.key_message = QLabel("")
        self.key_message.setWordWrap(True)
        self.key_message.setTextFormat(Qt.TextFormat.PlainText)
        keys = QGroupBox("Key bindings (saved as you change them)")
        key_layout = QVBoxLayout(keys)
        key_layout.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(change)
        row.addWidget(reset)
        row.addWidget(self.key_message, 1)
        key_layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(general)
        layout.addWidget(keys, 1)
        layout.addWidget(buttons)
        self.resize(760, 640)
        self.capture: KeyCapture | None = None

    def _fill_keys(self) -> None:
        for row, spec in enumerate(self.window_.action_specs):
            for column, text in enumerate((spec.menu, spec.plain_text, self.keymap.shortcut_text(spec.id))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, spec.id)
                self.table.setItem(row, column, item)

    def row_of(self, action_id: str) -> int:
        return next(i for i, spec in enumerate(self.window_.action_specs) if spec.id == action_id)

    def change_key(self, row: int) -> KeyCapture | None:
        if row < 0:
            return None
        spec = self.window_.action_specs[row]
        capture = KeyCapture(self, spec.plain_text)
        capture.accepted.connect(lambda: self._bind(row, capture.keys))
        self.capture = capture
        capture.open()
        return capture

    def _bind(self, row: int, keys: list[str] | None) -> None:
        if keys is None:
            return
        spec = self.window_.action_specs[row]
        try:
            self.keymap.bind(spec.id, keys)
        except KeyConflict as exc:
            self.key_message.setStyleSheet("color: #C0392B;")
            self.key_message.setText(f"Not changed: {exc}")
            return
        self._after_change(row, f"{spec.plain_text}: " + (", ".join(native(k) for k in keys) or "no key"))

    def reset_key(self, row: int) -> None:
        if row < 0:
            return
        spec = self.window_.action_specs[row]
        try:
            self.keymap.reset(spec.id)
        except KeyConflict as exc:
            self.key_message.setStyleSheet("color: #C0392B;")
            self.key_message.setText(f"Not changed: {exc}")
            return
        self._after_change(row, f"{spec.plain_text}: back to its default")

    def _after_change(self, row: int, text: str) -> None:
        self.window_.apply_keys()
        self.key_message.setStyleSheet("")
        self.key_message.setText(text)
        self._fill_keys()
        self.table.selectRow(row)

    def accept(self) -> None:
        from . import settings
        settings.set_look(self.theme.currentText(), self.font_size.value())
        self.window_.apply_theme(self.theme.currentText())
        self.window_.set_font_size(self.font_size.value())
        name = self.name.text().strip()
        super().accept()
        if name and name != self.window_.store.annotator:
            self.window_.act_as(name)
