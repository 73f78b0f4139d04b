"""Starting the window (and rendering it to PNG without a screen)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

ORGANIZATION, APPLICATION = "Marginalia", "Marginalia"


def _application():
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    return app


def ask_annotator_once(explicit: str | None) -> str | None:
    """The annotator's name: given on the command line, or remembered, or asked once."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QInputDialog

    settings = QSettings()
    if explicit:
        return explicit
    remembered = settings.value("annotator", "")
    if remembered:
        return str(remembered)
    name, ok = QInputDialog.getText(None, "Welcome to Marginalia",
                                    "Your name, as it will appear on every annotation you make:")
    if not ok or not name.strip():
        return None
    settings.setValue("annotator", name.strip())
    return name.strip()


def open_window(store, *, doc_id: str | None = None, theme: str = "light"):
    from .main_window import MainWindow
    window = MainWindow(store, theme=theme)
    window.open_document(doc_id or store.next_unfinished() or (store.document_ids()[:1] or [None])[0])
    return window


def run_gui(*, db_path: Path, annotator: str | None, doc_id: str | None = None, seed_if_new: bool = False) -> int:
    from store import Store
    from store.seeding import seed_if_empty

    app = _application()
    name = ask_annotator_once(annotator)
    if name is None:
        return 0
    store = Store.open(str(db_path), name)
    if seed_if_new:
        seed_if_empty(store)
    window = open_window(store, doc_id=doc_id)
    window.show()
    from PySide6.QtCore import QTimer
    from annotate.tokens import warm_up
    # After the first paints: the loading thread holds Python's lock while it imports spaCy. The
    # window as context: a window closed within the delay cancels the call.
    QTimer.singleShot(1500, window, warm_up)
    try:
        return app.exec()
    finally:
        store.close()


def screenshot(*, db_path: Path, annotator: str, doc_id: str | None, out: Path, theme: str = "light",
               width: int = 1400, height: int = 860, select: str | None = None, arcs: bool = False) -> Path:
    """Render the window for one document to a PNG, with no screen needed."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from store import Store

    app = _application()
    with Store.open(str(db_path), annotator, create=False) as store:
        window = open_window(store, doc_id=doc_id, theme=theme)
        window.resize(width, height)
        window.show()
        if arcs:
            window.arcs_action.setChecked(True)
            window.toggle_arcs()
        if select:
            window.select_annotation(select)
        for _ in range(5):
            app.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(out)):
            raise OSError(f"could not write {out}")
        window.close()
    return out
