"""Copying from the article puts a Python-made QMimeData on the clipboard. Left there, Qt's own
exit handlers destroyed it after Python had finalised, and the process died with SIGSEGV as it
exited (this is how CI's test run ended). These run a real program to its exit."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

SCRIPT = textwrap.dedent("""
    import sys
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeySequence
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from ui.article_view import ArticleView

    app = QApplication([])
    text = "Turkey\\r\\nsaid\\u00a0so. " + "x" * 5000
    for copies in range(1, 31):
        view = ArticleView()
        view.resize(500, 300)
        view.show()
        view.show_document(text, [])
        view.select_range(0, 12 + copies)
        if copies % 2:
            QTest.keySequence(view.viewport(), QKeySequence.StandardKey.Copy)
        else:
            view.copy()
        got = QApplication.clipboard().text()
        assert got == text[:12 + copies], (copies, got)
        view.close()
        view.deleteLater()
        app.processEvents()
    print("copied", copies, "times")
""")


def test_the_program_exits_cleanly_after_copying_from_the_article(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-X", "faulthandler", "-c", SCRIPT], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert "copied 30 times" in result.stdout
