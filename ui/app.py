"""Starting the window: the QApplication, the database, the first document."""
from __future__ import annotations

import sys
from pathlib import Path


def run_gui(*, db_path: Path, annotator: str, doc_id: str | None = None, seed_if_new: bool = False) -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit

    from store import Store
    from store.seeding import seed_if_empty

    app = QApplication.instance() or QApplication(sys.argv)
    store = Store.open(str(db_path), annotator)
    if seed_if_new:
        seed_if_empty(store)
    window = QMainWindow()
    window.setWindowTitle(f"Marginalia — {db_path}")
    view = QPlainTextEdit()
    view.setReadOnly(True)
    doc_id = doc_id or store.next_unfinished()
    if doc_id:
        view.setPlainText(store.document(doc_id).text)
    window.setCentralWidget(view)
    window.resize(1100, 750)
    window.show()
    return app.exec()
