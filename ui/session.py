"""The open database and its window: File → New and Open replace both, in one process.

Opening a database finds who is annotating (``ui.startup.acting_on_a_screen``; asked when the
rule gives no one, never asked on a headless platform), remembers the name for that file, and
puts the file at the top of the recent list.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox

from . import settings
from .startup import acting_on_a_screen, ask_name, headless


def say(line: str) -> None:
    print(f"marginalia: {line}", file=sys.stderr, flush=True)


class Session(QObject):
    def __init__(self, *, given: str | None = None):
        super().__init__()
        self.given = given
        self.window = None
        self.store = None
        self.owns_store = True
        self.owns_window = True

    @classmethod
    def adopt(cls, window) -> "Session":
        """A session around a window made elsewhere (tests); its store stays its maker's to close."""
        session = cls()
        session.window, session.store = window, window.store
        session.owns_store = session.owns_window = False
        window.session = session
        return session

    def open(self, db_path: Path, *, create: bool = False, doc_id: str | None = None, seed: bool = False,
             parent=None) -> bool:
        """Open (or with ``create``, make) a database in a new window; False when nothing opened."""
        from annotate.errors import MarginaliaError
        from annotate.people import ENVIRONMENT, login_name
        from store import Store

        db_path = Path(db_path)
        if not create and not db_path.exists():
            return False
        first = self.given or os.environ.get(ENVIRONMENT, "").strip() or login_name()
        try:
            store = Store.open(str(db_path), first, create=create, check_later=True)
        except MarginaliaError as exc:
            if headless():
                say(f"error: {exc}")
            else:
                QMessageBox.critical(parent, "Cannot open the database", str(exc))
            return False
        name = acting_on_a_screen(db_path, self.given, store.annotators)
        if name is None:
            if headless():
                name = login_name()
                say(f"no screen (QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM')}), so no name dialog: "
                    f"annotating as {name!r}, the login name (set ${ENVIRONMENT} or --user to choose)")
            else:
                name = ask_name(db_path, store.annotators())
            if name is None:
                store.close()
                return False
        elif headless() and not self.given:
            say(f"no screen (QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM')}): annotating as {name!r}")
        store.annotator = name
        settings.set_database_annotator(db_path, name)
        settings.add_recent_database(db_path)
        seeded = False
        if seed:
            from store.seeding import sample_awaits_preannotation, seed_if_empty
            seed_if_empty(store, preannotate=False)
            # Also when an earlier first run ended before the sample's suggestions landed.
            seeded = sample_awaits_preannotation(store)
        self._show(store, doc_id)
        from .file_check import watch
        watch(self.window, store)  # a large file is checked for damage while the window shows
        if seeded:
            # The window first, then the sample's suggestions, in the background with progress.
            # Deferred: a window deleted before then is not called (the context), one closed
            # starts nothing (preannotate_corpus).
            window = self.window
            QTimer.singleShot(0, window, lambda: window.preannotate_corpus("builtin"))
        return True

    def _show(self, store, doc_id: str | None, *, same_store: bool = False) -> None:
        from .main_window import MainWindow
        theme, font_size = settings.look()
        old_window, old_store, owned = self.window, self.store, self.owns_store
        window = MainWindow(store, theme=theme)
        window.session = self
        if font_size:
            window.set_font_size(font_size)
        window.open_document(doc_id or store.next_unfinished() or (store.document_ids()[:1] or [None])[0])
        self.window, self.store = window, store
        self.owns_store = owned if same_store else True
        if old_window is not None:
            # Another database: the window stays where the person put it, at the size they gave it.
            window.setGeometry(old_window.geometry())
            window.setWindowState(old_window.windowState())
        else:
            fit_to_screen(window)
        window.show()
        if old_window is not None:
            old_window.close()
            if self.owns_window:
                old_window.deleteLater()
        self.owns_window = True
        if old_store is not None and owned and not same_store:
            old_store.close()

    def reload_window(self) -> None:
        """A new window on the same database (after the schema changed: labels, keys, colours)."""
        doc_id = self.window.state.id if self.window is not None and self.window.state is not None else None
        self.store.schemas.forget()
        self._show(self.store, doc_id, same_store=True)

    def close(self) -> None:
        """The window first (closing it still writes: the time spent on the document), then the store."""
        if self.window is not None and self.owns_window:
            self.window.close()
        if self.store is not None and self.owns_store:
            self.store.close()
        self.store = None


def fit_to_screen(window) -> None:
    """The window's default size is larger than a laptop's screen (1366x768): shrink it to the
    screen's free area and centre it there, or its right side and status bar are off the screen."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QGuiApplication
    if QGuiApplication.platformName() == "offscreen":
        return  # no screen: its 800x600 is a placeholder; screenshots and tests choose their own size
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    # Room for the window manager's frame and title bar, which the window's own size leaves out.
    least = window.minimumSizeHint()
    width = max(min(window.width(), area.width() - 16), least.width())
    height = max(min(window.height(), area.height() - 48), least.height())
    window.resize(width, height)
    corner = area.center() - QPoint(width // 2, height // 2)
    window.move(max(corner.x(), area.left()), max(corner.y(), area.top()))
