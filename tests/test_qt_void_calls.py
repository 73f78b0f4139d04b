"""The known hazard: PySide6 6.12.0 on Python 3.11 leaks a reference to None on every Qt call
that returns nothing, and the process aborts after a few thousand calls ("none_dealloc").

The window makes such calls on every keypress and repaint, so a session would crash within
minutes. The pin in pyproject.toml keeps the bad combination out; these tests prove both the
pin and the installed binding.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
CALLS = 10_000

SCRIPT = textwrap.dedent(f"""
    import sys
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    app = QApplication([])
    edit = QPlainTextEdit()
    edit.resize(400, 300)
    calls = 0
    text = "Turkey is against Haftar. " * 20
    while calls < {CALLS}:
        edit.setPlainText(text)          # void
        edit.setReadOnly(calls % 2 == 0)  # void
        cursor = edit.textCursor()
        cursor.setPosition(calls % len(text))                 # void
        cursor.movePosition(QTextCursor.MoveOperation.End)    # returns bool, for contrast
        edit.setTextCursor(cursor)       # void
        edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)  # void
        edit.update()                    # void
        calls += 6
    app.processEvents()                  # void
    edit.close()
    print("made", calls, "void calls")
    assert calls >= {CALLS}

""")


def test_ten_thousand_void_qt_calls_do_not_abort(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, env=env,
                          cwd=tmp_path)
    assert "none_dealloc" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-2000:]}"
    made = int(proc.stdout.split("made ")[1].split()[0])
    assert made >= CALLS


def _pyside_requirements() -> list[Requirement]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = [Requirement(r) for r in data["project"]["dependencies"]]
    return [r for r in reqs if r.name.lower() in ("pyside6", "pyside6-essentials")]


def test_installed_pyside6_satisfies_the_pin():
    installed = Version(version("PySide6-Essentials"))  # the part that holds QtCore, QtGui, QtWidgets
    env = default_environment()
    applicable = [r for r in _pyside_requirements() if r.marker is None or r.marker.evaluate(env)]
    assert len(applicable) == 1, f"exactly one PySide6 pin should apply to Python {sys.version_info[:2]}"
    requirement = applicable[0]
    assert requirement.specifier.contains(installed, prereleases=True), (
        f"PySide6 {installed} does not satisfy {requirement}")
    if sys.version_info < (3, 12):
        assert installed < Version("6.12"), f"PySide6 {installed} on Python 3.11 aborts after void calls"


def test_the_pin_excludes_6_12_on_python_3_11_only():
    env311 = {**default_environment(), "python_version": "3.11", "python_full_version": "3.11.7"}
    env312 = {**default_environment(), "python_version": "3.12", "python_full_version": "3.12.3"}
    for env, bad_allowed in ((env311, False), (env312, True)):
        applicable = [r for r in _pyside_requirements() if r.marker is None or r.marker.evaluate(env)]
        assert len(applicable) == 1
        spec = applicable[0].specifier
        assert spec.contains("6.11.3")
        assert spec.contains("6.12.0") is bad_allowed
