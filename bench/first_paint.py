"""Whole processes timed from their spawn to their window's first paint, with the event loop
free again: `marginalia gui` (the real entry point) against a bare Qt program.

Each child reports its wall time (measured by the parent, from the spawn), its own CPU time,
peak RSS, whether spaCy was imported by then, and the size of its text view. The floors are
Python processes that import PySide6.QtWidgets and show an empty window, or a QPlainTextEdit
holding the same text with the same font and margins, at the size of the article view.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_REPORT = r"""
import sys, time, resource
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
class FirstPaint(QObject):
    # The first paint of a top-level window; the report is made once that paint is over.
    done = False
    def __init__(self, window_type):
        super().__init__()
        self.window_type = window_type
    def eventFilter(self, obj, event):
        if not self.done and event.type() == QEvent.Type.Paint and isinstance(obj, self.window_type) \
                and obj.isWindow():
            self.done = True
            self.window = obj
            QTimer.singleShot(0, self.report)
        return False
    def report(self):
        usage = resource.getrusage(resource.RUSAGE_SELF)
        view = getattr(self.window, "view", self.window)
        size = view.viewport().size() if hasattr(view, "viewport") else view.size()
        print("PAINTED", time.perf_counter(), (usage.ru_utime + usage.ru_stime) * 1000, int("spacy" in sys.modules),
              usage.ru_maxrss / 1024, size.width(), size.height(), flush=True)
        QApplication.instance().quit()
"""

_FLOOR = _REPORT + r"""
from PySide6.QtWidgets import QPlainTextEdit, QWidget
app = QApplication(sys.argv[:1])
hook = FirstPaint(QWidget)
app.installEventFilter(hook)
if TEXT is None:
    window = QWidget()
    window.resize(1400, 860)
    window.show()
else:
    sys.path.insert(0, ROOT)
    from ui.theme import article_font  # the article's font: the same layout work
    window = QPlainTextEdit()
    window.setReadOnly(True)
    window.setFont(article_font())
    window.document().setDocumentMargin(18)
    window.resize(*SIZE)
    window.show()  # first, so the text is laid out once, at the width it is shown at
    window.setPlainText(open(TEXT, encoding="utf-8").read())
app.exec()
"""

_OURS = _REPORT + r"""
sys.path.insert(0, ROOT)
from PySide6.QtWidgets import QMainWindow
import ui.app as app_module
_application = app_module._application
def application():
    app = _application()
    if not hasattr(app, "bench_hook"):
        app.bench_hook = FirstPaint(QMainWindow)
        app.installEventFilter(app.bench_hook)
    return app
app_module._application = application
import main
sys.exit(main.main(["gui", "--db", DB, "--user", "bench"] + EXTRA))
"""


def floor_code(text_path: Path | None = None, size: tuple[int, int] = (760, 700)) -> str:
    return (_FLOOR.replace("ROOT", repr(str(ROOT))).replace("TEXT", repr(None if text_path is None else str(text_path)))
            .replace("SIZE", repr(tuple(size))))


def ours_code(db: Path, doc_id: str | None = None) -> str:
    extra = ["--doc", doc_id] if doc_id else []
    return _OURS.replace("ROOT", repr(str(ROOT))).replace("DB", repr(str(db))).replace("EXTRA", repr(extra))


def environment(home: Path) -> dict:
    """A child's environment: offscreen unless told otherwise, settings of its own."""
    return dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), MARGINALIA_HOME=str(home),
                XDG_CONFIG_HOME=str(home / "config"))


def first_paint(code: str, env: dict) -> dict:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    line = next((x for x in out.stdout.splitlines() if x.startswith("PAINTED")), None)
    if line is None:
        raise RuntimeError(f"first-paint child failed:\n{out.stdout}\n{out.stderr}")
    _, at, cpu, spacy, rss, width, height = line.split()
    return {"ms": (float(at) - started) * 1000, "cpu_ms": float(cpu), "spacy": spacy == "1", "rss_mb": float(rss),
            "view": (int(width), int(height))}


def compiled() -> None:
    """Bytecode for the project's modules, as an install has: this machine may set
    PYTHONDONTWRITEBYTECODE, and compiling ~100 modules at each start is not what users pay."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", "annotate", "store", "ui", "main.py"], cwd=ROOT,
                   check=True, env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})


def interleaved(codes: dict[str, str], env: dict, runs: int) -> dict[str, list[dict]]:
    """Each child ``runs`` times, in turn, after one run each to warm the disk cache: both sides
    of a ratio see the same moments of a busy machine."""
    for code in codes.values():
        first_paint(code, env)
    results: dict[str, list[dict]] = {name: [] for name in codes}
    for _ in range(runs):
        for name, code in codes.items():
            results[name].append(first_paint(code, env))
    return results


def medians(runs: list[dict]) -> dict:
    return {"ms": statistics.median(r["ms"] for r in runs), "cpu_ms": statistics.median(r["cpu_ms"] for r in runs),
            "rss_mb": statistics.median(r["rss_mb"] for r in runs), "spacy_runs": sum(r["spacy"] for r in runs),
            "runs_ms": [round(r["ms"], 1) for r in runs], "view": runs[0]["view"]}
