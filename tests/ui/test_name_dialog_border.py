"""The window's name dialog applies the rule every command applies to --user (issue 19, names at the border).

A name pasted with a right-to-left override or a newline was recorded on every annotation; the
dialog now says what is wrong with it and asks again, and a plain name goes through.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from ui.startup import ask_name


def answer_dialogs(qtbot, answers: list[str], seen: list[str]) -> None:
    """Answer the modal dialogs as a person would: type each name in turn into the name dialog,
    press OK on each warning (its text kept in ``seen``)."""
    def step():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QMessageBox):
            seen.append(dialog.text())
            dialog.accept()
        elif isinstance(dialog, QInputDialog) and answers:
            dialog.setTextValue(answers.pop(0))
            dialog.accept()
        if answers or isinstance(dialog, QMessageBox):
            QTimer.singleShot(50, step)
    QTimer.singleShot(50, step)


def test_a_name_with_a_bidi_control_or_a_newline_is_asked_again(qtbot, tmp_path):
    seen: list[str] = []
    answer_dialogs(qtbot, ["ana\u202e", "ana\nben", "  Anaïs  "], seen)
    assert ask_name(Path(tmp_path / "team.db"), []) == "Anaïs"
    assert len(seen) == 2
    assert "U+202E" in seen[0] and "U+000A" in seen[1]


def test_a_name_far_too_long_is_asked_again(qtbot, tmp_path):
    seen: list[str] = []
    answer_dialogs(qtbot, ["x" * 500, "ben"], seen)
    assert ask_name(Path(tmp_path / "team.db"), []) == "ben"
    assert len(seen) == 1 and "at most 100" in seen[0]
