"""File menu work: new and open databases (with recent files), import and export in the background,
and files dropped on the window.

A mixin of MainWindow. Imports and exports run on a worker thread with a Store of their own; an
import is one transaction (a refused or cancelled import changes nothing), an export writes
beside its target and moves into place only when complete (a cancelled one leaves nothing).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from . import settings

if TYPE_CHECKING:  # imported when first used: not needed for the window's first paint
    from .background import BackgroundTask
    from .transfer_dialogs import ExportDialog, ImportDialog

DATABASE_FILTER = "Marginalia database (*.db *.sqlite *.marginalia);;All files (*)"
DATABASE_SUFFIXES = (".db", ".sqlite", ".marginalia")


def choose_database(parent, *, new: bool) -> Path | None:
    if new:
        name, _ = QFileDialog.getSaveFileName(parent, "New database", "annotations.db", DATABASE_FILTER,
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        if name and not Path(name).suffix:
            name += ".db"
    else:
        name, _ = QFileDialog.getOpenFileName(parent, "Open database", "", DATABASE_FILTER)
    return Path(name) if name else None


class FileActions:
    """Expects: self.store, self.session, self.corpus, self.state, self.message, self.error, self.menus."""

    def init_files(self) -> None:
        self.session = None
        self.tasks: list[BackgroundTask] = []
        self.import_dialog: ImportDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.report_box: QMessageBox | None = None
        self.setAcceptDrops(True)

    def build_recent_menu(self) -> None:
        menu = QMenu("Open &recent", self)
        menu.aboutToShow.connect(lambda: self._fill_recent(menu))
        self.menus["File"].insertMenu(self.actions_by_id["file.import"], menu)
        self.recent_menu = menu
        self._fill_recent(menu)

    def _fill_recent(self, menu: QMenu) -> None:
        menu.clear()
        current = Path(str(self.store.path or "")).resolve()
        for path in settings.recent_databases():
            if Path(path).resolve() == current or not Path(path).exists():
                continue
            action = menu.addAction(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_database(Path(p)))
        menu.setEnabled(bool(menu.actions()))

    def _session(self):
        if self.session is None:
            from .session import Session
            Session.adopt(self)
        return self.session

    # ---- databases ------------------------------------------------------------------------------

    def new_database(self, path: Path | None = None) -> bool:
        path = path or choose_database(self, new=True)
        if path is None:
            return False
        if path.exists():
            self.message(f"{path} exists already: opening it")
        return self._session().open(path, create=True, parent=self)

    def open_database(self, path: Path | None = None) -> bool:
        path = path or choose_database(self, new=False)
        if path is None:
            return False
        if not path.exists():
            self.error(f"there is no database at {path}")
            return False
        return self._session().open(path, parent=self)

    # ---- import -----------------------------------------------------------------------------------

    def import_files(self, paths: list[Path] | None = None) -> ImportDialog:
        from .transfer_dialogs import ImportDialog
        dialog = ImportDialog(self, paths)
        dialog.accepted.connect(lambda: self.run_import(dialog.paths(), fmt=dialog.chosen_format(),
                                                        as_suggestions=dialog.as_suggestions.isChecked(),
                                                        add_labels=dialog.add_labels.isChecked()))
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def run_import(self, paths: list[Path], *, fmt: str | None = None, as_suggestions: bool = False,
                   add_labels: bool = False) -> BackgroundTask | None:
        if not self._has_file():
            return None
        db_path, annotator, paths = str(self.store.path), self.store.annotator, [Path(p) for p in paths]

        def work(task):
            from store import Store
            from store.importing import import_items, read_items
            from annotate.paths import refuse_database_paths
            refuse_database_paths(db_path, inputs=paths)
            task.report(0, 0, f"Reading {len(paths)} file(s)…")
            items, notes = read_items(paths, fmt, check=task.check)
            task.check()
            total = len(items)
            with Store.open(db_path, annotator, create=False) as store:
                def progress(n):
                    task.check()  # raising here rolls the whole import back
                    task.report(n, total, f"Importing: {n} / {total} documents")
                return import_items(store, items, paths, notes, as_suggestions=as_suggestions,
                                    add_labels=add_labels, on_progress=progress)

        from .background import BackgroundTask
        task = BackgroundTask(self, "Import", work, label=f"Importing {', '.join(p.name for p in paths)[:80]}…")
        task.done.connect(self._import_done)
        task.failed.connect(lambda message: self._report("Import refused", message + "\n\nNothing was imported."))
        task.cancelled.connect(lambda: self.message("import cancelled: nothing was imported"))
        return self._start(task)

    def _import_done(self, outcome) -> None:
        from store.importing import describe
        text = describe(outcome)
        if outcome.schema_extended:
            text += "; the schema gained the files' labels"
        notes = outcome.notes + ([outcome.skipped_note()] if outcome.result.skipped_with_annotations else [])
        self.message(text + (f" ({len(notes)} notes)" if notes else ""))
        if notes:
            self._report("Import notes", text + "\n\n" + "\n".join(notes[:30]), icon=QMessageBox.Icon.Information)
        if outcome.schema_extended:
            self._session().reload_window()
            return
        self.corpus.reload()
        if self.state is None:
            self.open_document(self.store.next_unfinished())

    # ---- export -----------------------------------------------------------------------------------

    def export_dataset(self) -> ExportDialog:
        from .transfer_dialogs import ExportDialog
        last = settings.database_value(self.store.path or "", "export", {}) if self._has_file(quiet=True) else {}
        dialog = ExportDialog(self, annotators=self.store.annotators(), acting=self.store.annotator, last=last)
        dialog.accepted.connect(lambda: self.run_export(dialog.choices()))
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def run_export(self, choices: dict, *, force: bool | None = None) -> BackgroundTask | None:
        from annotate.formats import registry
        from store.export import parse_split
        if not self._has_file():
            return None
        settings.set_database_value(self.store.path, "export", choices)
        out = Path(choices["out"])
        try:
            targets = [registry.split_target(out, name) for name, _ in parse_split(choices["split"])] \
                if choices["split"] else [out]
        except Exception as exc:  # a malformed split is named by the export itself below
            targets = [out]
            del exc
        from annotate.errors import MarginaliaError
        from annotate.paths import refuse_database_paths
        try:
            refuse_database_paths(self.store.path, [("the export's target", t) for t in targets])
            from annotate.formats.output import check_target
            for target in targets:  # a folder where a file goes: refused now, not offered for replacing
                check_target(target, force=True, folder=registry.writes_folder(choices["format"], target))
        except MarginaliaError as exc:
            self._report("Export refused", f"{exc}\n\nNothing was written.")
            return None
        existing = [t for t in targets if t.exists()]
        if force is None:
            force = False
            if existing:
                answer = QMessageBox.question(self, "Replace?", f"{existing[0]} exists. Replace it?")
                if answer != QMessageBox.StandardButton.Yes:
                    return None
                force = True
        db_path = str(self.store.path)
        whose = choices["annotator"] or self.store.annotator

        def work(task):
            from store import Store, anchor
            from store.export import export_documents
            # Read-only and one state of the file, as `marginalia export`: the window may go on writing.
            with Store.open(db_path, whose, create=False, read_only=True) as store, store.snapshot():
                total = store.document_count()
                head = anchor.head(store.conn)
                count = [0]

                def progress():
                    task.check()  # raising here removes every partial file
                    count[0] += 1
                    task.report(count[0], total, f"Exporting: {count[0]} / {total} documents")
                written = export_documents(store, choices["format"], out, only_done=choices["only_done"],
                                           annotator=choices["annotator"], split=choices["split"],
                                           seed=choices["seed"], force=force, on_progress=progress)
            # The audit log's anchor goes with the export, as with `marginalia export` (store/anchor.py).
            anchor.write_manifest(out, head, fmt=choices["format"], written=written, database=db_path)
            return written

        from .background import BackgroundTask
        task = BackgroundTask(self, "Export", work, label=f"Exporting to {out.name}…")
        task.done.connect(lambda written: self.message(
            "; ".join(f"exported {n} documents to {target}" for target, n in written.items())))
        task.failed.connect(lambda message: self._report("Export failed", message + "\n\nNo file was written."))
        task.cancelled.connect(lambda: self.message("export cancelled: no file was written"))
        return self._start(task)

    # ---- shared --------------------------------------------------------------------------------------

    def _has_file(self, *, quiet: bool = False) -> bool:
        if self.store.path and self.store.path != ":memory:":
            return True
        if not quiet:
            self.error("this needs a database file")
        return False

    def _start(self, task: BackgroundTask) -> BackgroundTask:
        self.tasks.append(task)
        for signal in (task.done, task.failed, task.cancelled):
            signal.connect(lambda *_: self.tasks.remove(task) if task in self.tasks else None)
        task.start()
        return task

    def _report(self, title: str, text: str, *, icon=QMessageBox.Icon.Warning) -> None:
        self.error(text.split("\n")[0])
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.report_box = box
        box.open()

    def closeEvent(self, event) -> None:  # noqa: N802
        """Background work ends with the window: cancelled (an import rolls back, an export leaves
        no file) and waited for, so no thread outlives the store it reads."""
        for task in list(self.tasks):
            task.end()
        self.tasks.clear()
        super().closeEvent(event)

    # ---- dropped files --------------------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        if len(paths) == 1 and paths[0].suffix.lower() in DATABASE_SUFFIXES:
            self.open_database(paths[0])
        elif paths:
            self.run_import(paths)
