"""Asking before an action that takes more with it than the person pointed at.

The box is window-modal and opened, not exec'd, so the event loop (and a test driving it) goes
on; No is the default and what Escape does. Its text is plain: it quotes article text.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def confirm(parent: QWidget, title: str, text: str, *, yes: str, no: str, on_yes: Callable[[], None],
            on_no: Callable[[], None] | None = None) -> QMessageBox:
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    box = QMessageBox(QMessageBox.Icon.Question, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    # Each answer's first letter answers it (QMessageBox takes a button's mnemonic without Alt):
    # a keyboard user reached "Mark done" or "Delete" only by Tab, as No is the default.
    yes_text, no_text = (f"&{yes}", f"&{no}") if yes[:1].casefold() != no[:1].casefold() else (yes, no)
    box.button(QMessageBox.StandardButton.Yes).setText(yes_text)
    box.button(QMessageBox.StandardButton.No).setText(no_text)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setEscapeButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).clicked.connect(on_yes)
    if on_no is not None:
        box.button(QMessageBox.StandardButton.No).clicked.connect(on_no)
    box.open()
    return box
