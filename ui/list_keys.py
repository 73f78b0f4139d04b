"""Up and Down in a search box move through the list it filters, so the hands stay on the keys
(the label palette, the claimant picker)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLineEdit, QListWidget


class ListKeys(QObject):
    """Installed on ``search``: Up and Down move ``choices``' current row, held at its ends."""

    def __init__(self, search: QLineEdit, choices: QListWidget):
        super().__init__(search)
        self.choices = choices
        search.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            row = self.choices.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
            self.choices.setCurrentRow(max(0, min(self.choices.count() - 1, row)))
            return True
        return False
