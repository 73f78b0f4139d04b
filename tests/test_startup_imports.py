"""The window's start path imports only what its first paint needs.

sqlite-utils imports numpy for its type adapters; the formats import their readers and spaCy's
tokenizer; the panels and dialogs not on screen (the Notes and Actors tabs, the guidelines dock,
the import, export, model and claim dialogs) import and build their widgets; each was a measured
share of the start-up (bench/README.md). A fresh process opens
the window the way `marginalia gui` does and lists what it imported by its first paint.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from annotate.model import AnnotatedDocument, Annotations, Document, Span

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys
sys.path.insert(0, ROOT)
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QMainWindow
import ui.app as app_module
shown = {}
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow) and not shown:
            shown["modules"] = sorted(sys.modules)
            QTimer.singleShot(0, app_module._application().quit)
        return False
real_application = app_module._application
def application():
    app = real_application()
    if not hasattr(app, "first_paint"):
        app.first_paint = FirstPaint()
        app.installEventFilter(app.first_paint)
    return app
app_module._application = application
import main
main.main(["gui", "--db", DB, "--annotator", "tester"])
print(json.dumps(shown["modules"]))
"""


def test_the_window_paints_before_sqlite_utils_numpy_spacy_any_format_or_hidden_panel_is_imported(tmp_path, store, db_path):
    store.import_documents([AnnotatedDocument(Document("d1", "Turkey and Russia met in Libya."),
                                              Annotations([Span("e1", 0, 6, "GPE")]))])
    store.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MARGINALIA_HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    code = CHILD.replace("ROOT", repr(str(ROOT))).replace("DB", repr(str(db_path)))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    modules = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "ui.main_window" in modules and "store.store" in modules  # the window was really made
    for heavy in ("sqlite_utils", "numpy", "spacy", "annotate.formats.registry", "annotate.formats.brat"):
        assert heavy not in modules, heavy
    for hidden in ("ui.notes_panel", "ui.actor_tree", "ui.guidelines", "ui.transfer_dialogs", "ui.model_dialogs",
                   "ui.claim_dialog", "ui.background", "ui.dashboard", "ui.adjudication", "ui.preferences"):
        assert hidden not in modules, hidden
