"""Starting the window (and rendering it to PNG without a screen)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from annotate.errors import InputError

ORGANIZATION, APPLICATION = "Marginalia", "Marginalia"


def _application():
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    return app


def open_window(store, *, doc_id: str | None = None, theme: str = "light"):
    from .main_window import MainWindow
    window = MainWindow(store, theme=theme)
    window.open_document(doc_id or store.next_unfinished() or (store.document_ids()[:1] or [None])[0])
    return window


def _missing_database(db_path: Path) -> str:
    """What to do about a --db that does not exist: 'create', 'open' (another) or 'quit'."""
    from PySide6.QtWidgets import QMessageBox
    box = QMessageBox(QMessageBox.Icon.Question, "No such database",
                      f"There is no database at\n{db_path}\n\nCreate a new, empty one there (then import your "
                      "files with File → Import…), or open another?")
    create = box.addButton("Create it", QMessageBox.ButtonRole.AcceptRole)
    other = box.addButton("Open another…", QMessageBox.ButtonRole.ActionRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(create)
    box.exec()
    return "create" if box.clickedButton() is create else "open" if box.clickedButton() is other else "quit"


def run_gui(*, db_path: Path, annotator: str | None, doc_id: str | None = None, seed_if_new: bool = False) -> int:
    from .startup import QT_PACKAGES, display_problem, headless
    problem = display_problem()
    if problem:
        print(f"marginalia: {problem}", file=sys.stderr)
        return 1
    try:
        app = _application()
    except ImportError as exc:  # a system library Qt needs is missing (a bare server or container)
        print(f"marginalia: Qt cannot start: {exc}; on Debian or Ubuntu: sudo apt-get install {QT_PACKAGES}",
              file=sys.stderr)
        return 1
    from .session import Session
    session = Session(given=annotator)
    create = seed_if_new  # the default database is made on the first run; a named one never silently
    if not db_path.exists() and not seed_if_new:
        if headless():
            print(f"marginalia: error: there is no database at {db_path}; make one with "
                  f"`marginalia import FILE... --db {db_path}`, or check the name", file=sys.stderr)
            return 1
        choice = _missing_database(db_path)
        if choice == "quit":
            return 0
        if choice == "open":
            from .files import choose_database
            chosen = choose_database(None, new=False)
            if chosen is None:
                return 0
            db_path = chosen
        create = True
    if not session.open(db_path, create=create, doc_id=doc_id, seed=seed_if_new):
        return 1 if headless() else 0
    from PySide6.QtCore import QTimer
    from annotate.tokens import warm_up
    # After the first paints: the loading thread holds Python's lock while it imports spaCy. The
    # window as context: a window closed within the delay cancels the call.
    QTimer.singleShot(1500, session.window, warm_up)
    try:
        return app.exec()
    finally:
        session.close()


def screenshot(store, *, doc_id: str | None, out: Path, theme: str = "light", width: int = 1400, height: int = 860,
               select: str | None = None, arcs: bool = False, tags: bool = True, tab: str | None = None) -> Path:
    """Render the window for one document to a PNG, with no screen needed; ``tab``: the
    inspector's tab to show, by its text ("Actors")."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if doc_id is not None:
        store.document(doc_id)  # a document that is not there is refused by name, not drawn as another
    if select:  # refused before the window opens the document (opening it is an action the file records)
        shown = doc_id or store.next_unfinished() or (store.document_ids()[:1] or [None])[0]
        ann = store.annotations(shown) if shown is not None else None
        if ann is None or select not in {item.id for group in (ann.spans, ann.stances, ann.relations)
                                         for item in group}:
            raise InputError(f"--select: no annotation {select!r} in document {shown!r}")
    app = _application()
    window = open_window(store, doc_id=doc_id, theme=theme)
    # Closed on every way out: a window left open on a refused --tab would outlive its store.
    try:
        window.resize(width, height)
        window.show()
        if window.tags_action.isChecked() != tags:  # as asked, whatever the person last chose
            window.tags_action.setChecked(tags)
            window.view.set_tags(tags)
        if arcs:
            window.arcs_action.setChecked(True)
            window.toggle_arcs()
        if tab:
            names = [window.inspector.tabText(k).replace("&", "") for k in range(window.inspector.count())]
            if tab not in names:
                raise InputError(f"--tab: no inspector tab {tab!r} (there are {', '.join(names)})")
            window.inspector.setCurrentIndex(names.index(tab))
        if select:
            window.select_annotation(select)
            for _ in range(3):
                app.processEvents()
            window.view.centerCursor()  # the selection with the lines around it, not at an edge
        for _ in range(5):
            app.processEvents()
        window.corpus.count_if_not_yet()  # on a screen, counted after the first paint; the picture shows it
        out.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(out)):
            raise OSError(f"could not write {out}")
    finally:
        window.close()
    return out
