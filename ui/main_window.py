"""The main window: corpus, article, inspector, and every action with its shortcut."""
from __future__ import annotations

import html

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QApplication, QDialog, QInputDialog, QLabel, QMainWindow, QMessageBox, QSplitter,
                               QTextBrowser, QToolBar, QVBoxLayout)

from annotate.changes import Changes
from annotate.errors import ConflictError, MarginaliaError
from annotate.model import CLAIM, DONE, SKIPPED, SUGGESTED
from annotate.tokens import nudge, snap_to_tokens

from . import actions
from .after_paint import after_first_paint
from .article_view import ArticleView
from .bulk_review import BulkReview
from .corpus_panel import CorpusPanel
from .confirm import confirm
from .document_state import DocumentState
from .files import FileActions
from .inspector import Inspector
from .keymap import KeyMap, native
from .label_palette import LabelPaletteActions
from .model_actions import ModelActions
from .schema_actions import SchemaActions
from .side_panels import SidePanels
from .structure import StructureActions
from .theme import THEMES, Theme, apply_theme
from .work_clock import WorkClock

def _tint(color: str) -> str:
    """The label colour mixed with white, legible behind dark text in both themes."""
    from PySide6.QtGui import QColor
    c = QColor(color)
    return QColor((c.red() + 255 * 2) // 3, (c.green() + 255 * 2) // 3, (c.blue() + 255 * 2) // 3).name()


class MainWindow(SidePanels, StructureActions, BulkReview, FileActions, ModelActions, SchemaActions,
                 LabelPaletteActions, QMainWindow):
    def __init__(self, store, *, theme: str = "light"):
        super().__init__()
        self.store = store
        self.schema = store.schema
        self.colors = {e.label: e.color for e in self.schema.entities}
        self.state: DocumentState | None = None
        self.theme: Theme = THEMES[theme]
        self.last_error = ""
        self.setWindowTitle("Marginalia")
        # The style and palette before any child exists: set after, they re-polish and repaint
        # every widget already made.
        app = QApplication.instance()
        if app is not None:
            apply_theme(app, self.theme)
        # What the window starts that could outlive it; closeEvent ends each.
        self.preannotation = self.dashboard = self.adjudication = self.shortcuts_dialog = None
        self.closed = False  # once closed, nothing deferred starts work on the store

        # Counted once the first paint is over (ui/after_paint.py): the count reads a whole index.
        self.corpus = CorpusPanel(store, count_later=True)
        after_first_paint(self, self.corpus.count_if_not_yet)
        self.view = ArticleView()
        self.inspector = Inspector()
        splitter = QSplitter()
        splitter.addWidget(self.corpus)
        splitter.addWidget(self.view)
        splitter.addWidget(self.inspector)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 6)
        splitter.setStretchFactor(2, 3)
        # The text column is never squeezed below a readable measure (at 900 px the side panels'
        # minimums left it 70 px, a word a line).
        self.view.setMinimumWidth(320)
        self._splitter = splitter
        self.setCentralWidget(splitter)

        self._build_status_bar()
        self.init_structure()
        self.init_files()
        self._build_actions()
        self.build_recent_menu()
        self.corpus.documentActivated.connect(self._activate_document)
        self.view.annotationClicked.connect(self.on_annotation_clicked)
        self.view.arcClicked.connect(self.select_annotation)
        self.view.backgroundClicked.connect(lambda: self.select_annotation(None))
        self.inspector.annotationSelected.connect(self.select_annotation)
        self.inspector.annotationActivated.connect(lambda annotation_id: (self.select_annotation(annotation_id),
                                                                          self.edit_current()))
        self.inspector.documentLabelsChanged.connect(self._set_document_labels)
        self.init_side_panels()
        self.inspector.currentChanged.connect(lambda _index: self._refresh_actors())
        self.view.configure(self.theme, self.colors)
        # At 1400 px the inspector starts wide enough for all its tabs in this machine's font.
        bar = self.inspector.tabBar()
        tabs = sum(bar.tabSizeHint(k).width() for k in range(bar.count())) + 8
        self._splitter.setSizes([300, 620, max(480, tabs)])
        from .settings import tags_shown
        self.tags_action.setChecked(tags_shown())
        self.view.set_tags(self.tags_action.isChecked())
        self.resize(1400, 860)
        self.view.setFocus()

    def closeEvent(self, event) -> None:  # noqa: N802
        """Everything the window started ends with it, before its owner closes the store: the
        clock, a pre-annotation run (cancelled and waited for), the corpus panel's timers, and the
        windows opened from it (the dashboard reads this store)."""
        self.closed = True
        self._clock.stop()
        self.work_clock.stop()
        if self.preannotation is not None:
            self.preannotation.end()
        self.corpus.close()
        for other in (self.dashboard, self.adjudication, self.shortcuts_dialog):
            # The adjudication view deletes itself when closed: its wrapper may outlive it.
            if other is not None and shiboken6.isValid(other):
                other.close()
        super().closeEvent(event)

    # ---- building ---------------------------------------------------------------------------

    def assign_documents(self):
        from .assign_dialog import AssignDialog
        dialog = AssignDialog(self.store, self)
        dialog.finished.connect(lambda _r: dialog.result_text and self.message(dialog.result_text))
        dialog.open()
        return dialog

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.annotator_label = QLabel(f"Annotator: {self.store.annotator}")  # no emoji: a stock machine has no font for it
        self.annotator_label.setToolTip("Annotator: every decision is recorded under this name")
        self.db_label = QLabel(str(self.store.path or ":memory:"))
        self.db_label.setToolTip("The database file; every action is saved to it at once")
        self.saved_label = QLabel("Saved")
        self.saved_label.setToolTip("Every action is committed to the database as soon as you make it")
        self.timer_label = QLabel("0:00")
        self.timer_label.setToolTip("Active time on this document (gaps of more than 3 minutes without a key, "
                                    "click or scroll left out), saved to the database")
        self.message_label = QLabel("")
        bar.addWidget(self.message_label, 1)
        for widget in (self.saved_label, self.timer_label, self.annotator_label, self.db_label):
            bar.addPermanentWidget(widget)
        self.work_clock = WorkClock(self.store, self)
        self._clock = QTimer(self, interval=1000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()

    def _tick(self) -> None:
        seconds = int(self.work_clock.seconds())
        self.timer_label.setText(f"{seconds // 60}:{seconds % 60:02d}")

    def _build_actions(self) -> None:
        """Menus, toolbar and shortcuts, all from the one table of actions (``ui.actions``)."""
        self.action_specs = actions.table(self.schema)
        self.keymap = KeyMap(self.action_specs)
        self.toolbar = QToolBar("Actions")
        self.toolbar.setObjectName("actions")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(self.toolbar)
        self.menus = {title: self.menuBar().addMenu(f"&{title}") for title in actions.MENUS}
        self.actions_by_id: dict[str, QAction] = {}
        for spec in self.action_specs:
            action = QAction(spec.text, self)
            action.setStatusTip(spec.tip)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setCheckable(spec.checkable)
            action.triggered.connect(lambda _checked=False, spec=spec: self._trigger(spec))
            self.menus[spec.menu].addAction(action)
            self.addAction(action)
            if spec.toolbar:
                self.toolbar.addAction(action)
            if spec.attr:
                setattr(self, spec.attr, action)
            self.actions_by_id[spec.id] = action
        self.label_actions = {spec.id.removeprefix("label."): self.actions_by_id[spec.id]
                              for spec in self.action_specs if spec.id.startswith("label.")}
        self._build_label_bar()
        self.apply_keys()
        lost = [self.keymap.specs[i].plain_text for i in self.keymap.dropped]
        if lost:
            self.message(f"keys of {', '.join(lost)} clash with other actions' keys and are not bound")
        self.update_undo_actions()

    def _trigger(self, spec: actions.ActionSpec) -> None:
        if self._armed is not None and self._armed[0] != spec.id:
            self._armed = None  # another action cancels a bulk action waiting for its second press
        letters = [k for k in self.keymap.keys.get(spec.id, []) if len(k) == 1]
        # With two annotations picked, a letter names a relation or a polarity first.
        if letters and self.pair_key(letters[0]):
            return
        spec.handler(self)

    def apply_keys(self) -> None:
        """Put the key map's keys on the actions, their tooltips and the label bar."""
        for spec in self.action_specs:
            action = self.actions_by_id[spec.id]
            action.setShortcuts(self.keymap.sequences(spec.id))
            keys = self.keymap.shortcut_text(spec.id)
            action.setToolTip(f"{spec.tip} ({keys})" if keys else spec.tip)
        for label, action in self.label_actions.items():
            button = self.label_bar.widgetForAction(action)
            first = self.keymap.keys.get(f"label.{label}", [])
            button.setText(f"{label}  {native(first[0]) if first else ''}".strip())

    @property
    def shortcut_sheet(self) -> list[tuple[str, str, str, str]]:
        """(menu, action, keys, tip) of every action, then the keys that only work with a pair picked."""
        rows = [(spec.menu, spec.plain_text, self.keymap.shortcut_text(spec.id), spec.tip)
                for spec in self.action_specs]
        return rows + actions.context_rows(self.schema)

    def _build_label_bar(self) -> None:
        """A legend that is also a palette: each label in its colour, with its key; click to apply."""
        bar = QToolBar("Labels")
        bar.setObjectName("labels")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBarBreak()
        self.addToolBar(bar)
        self.label_bar = bar
        for entity in self.schema.entities:
            action = self.label_actions[entity.label]
            bar.addAction(action)
            button = bar.widgetForAction(action)
            button.setStyleSheet(f"QToolButton {{ background: {_tint(entity.color)}; color: #1B1B1B; "
                                 f"border: 1px solid {entity.color}; border-radius: 4px; padding: 1px 6px; "
                                 "margin: 1px; font-size: 11px; }")

    # ---- documents --------------------------------------------------------------------------

    def open_document(self, doc_id: str | None) -> None:
        if doc_id is None:
            if self.store.document_count():
                self.message("no documents left to annotate")
            else:
                self.message("no documents yet: File → Import… (Ctrl+I), or drop files on the window")
            return
        if self.state is not None and self.state.id == doc_id:
            return
        try:
            self.state = DocumentState.load(self.store, doc_id)
        except MarginaliaError as exc:
            self.error(str(exc))
            return
        state = self.state
        self.cancel_pair(quiet=True)  # a half-picked pair belongs to the document it was picked in
        self.view.show_document(state.text, state.visible_spans())
        self.inspector.show_document(state.text, dict(state.spans), state.stances, state.relations, state.labels,
                                     self.schema.document_labels)
        self.corpus.show_current(doc_id)
        self._refresh_arcs()
        self.work_clock.switch(doc_id)
        self._refresh_actors()
        self._tick()
        self.side_panels_document_opened()
        title = state.document.meta.get("title") or doc_id
        self.setWindowTitle(f"{title} — Marginalia")
        self.view.setFocus()

    def _activate_document(self, doc_id: str) -> None:
        """A document chosen in the corpus list (a click, or Enter in its search box): the keys
        go back to the article, also when it is the one already open."""
        self.open_document(doc_id)
        self.view.setFocus()

    def done_and_next(self) -> None:
        """Ctrl+Enter. With suggestions still undecided, ask first, saying how many and where the
        first is; "Review them" selects it instead."""
        if self.state is None:
            return
        current = self.state.id

        def done():
            if self.run(lambda: self.store.set_status(current, DONE)) is not None:
                self.open_document(self.store.next_unfinished(after=current))

        undecided = self.state.ordered(suggestions_only=True)
        links = sum(1 for link in (*self.state.stances.values(), *self.state.relations.values())
                    if link.decision == SUGGESTED)
        if not undecided and not links:
            done()
            return
        where = ""
        first = undecided[0] if undecided else None
        if first is not None:
            line = self.state.text.count("\n", 0, first.start) + 1
            where = f", the first “{' '.join(self.state.text[first.start:first.end].split())[:60]}” on line {line}"
        self.confirm_box = confirm(
            self, "Suggestions left",
            f"{len(undecided) + links} suggestion(s) in this document are still undecided{where}. Mark the document "
            "done anyway? Undecided suggestions stay suggestions, not gold.",
            yes="Mark done", no="Review them", on_yes=done,
            on_no=lambda: first is not None and self.select_annotation(first.id))

    def skip_document(self) -> None:
        if self.state is None:
            return
        reason, ok = QInputDialog.getText(self, "Skip document", "Why skip this document?")
        if not ok:
            return
        current = self.state.id
        if self.run(lambda: self.store.set_status(current, SKIPPED, reason.strip() or "no reason given")) is not None:
            self.open_document(self.store.next_unfinished(after=current))

    def _neighbour_document(self, delta: int) -> None:
        model = self.corpus.model
        row = model.row_of(self.state.id) if self.state else None
        target = 0 if row is None else row + delta
        if model.canFetchMore() and target >= model.rowCount():
            model.fetchMore()
        if 0 <= target < model.rowCount():
            self.open_document(model.rows[target].id)

    # ---- running actions --------------------------------------------------------------------

    def run(self, action) -> Changes | None:
        """Run one store action: on success refresh what it changed, on failure say why. While
        another program holds the file's write lock the action waits, kept (ui/busy_wait.py)."""
        from .busy_wait import run_keeping_the_action
        try:
            changes = run_keeping_the_action(self, self.store.conn, action)
        except ConflictError as exc:
            self.error(str(exc))
            QMessageBox.warning(self, "Changed elsewhere", str(exc))
            self._reload_current()
            return None
        except MarginaliaError as exc:
            self.error(str(exc))
            return None
        self.apply_changes(changes)
        return changes

    def apply_changes(self, changes: Changes) -> None:
        if changes.event is not None:
            self.saved_label.setText("Saved ✓")
            self.message(changes.action)
        if self.state is not None and self.state.id in changes.doc_ids:
            spans, stances, relations = self.state.refresh(self.store, changes)
            if any(self.state.spans.get(end) is None for end in self.pair):  # an end undone or deleted
                self.cancel_pair(quiet=True)
            self.view.update_spans(spans)
            self.inspector.update_spans(spans)
            for key, value in stances.items():
                self.inspector.put_stance(key, value)
            for key, value in relations.items():
                self.inspector.put_relation(key, value)
            if stances or relations or spans:
                self._refresh_arcs()
            if changes.action.endswith("set document labels"):  # the action, its undo or its redo
                self.state.labels = self.store.annotations(self.state.id).labels
                self.inspector.show_labels(self.state.labels, self.schema.document_labels)
            self._refresh_actors()
        for doc_id in changes.doc_ids:
            self.corpus.refresh_document(doc_id)
        if self.state is not None and (changes.comment_ids or changes.span_ids):
            self.side_panels_changed()
        self.update_undo_actions()

    def _reload_current(self) -> None:
        if self.state is not None:
            doc_id, self.state = self.state.id, None
            self.open_document(doc_id)

    def update_undo_actions(self) -> None:
        status = self.store.undo_status()
        self.undo_action.setEnabled(status.can_undo)
        self.redo_action.setEnabled(status.can_redo)
        self.undo_action.setText(f"&Undo {status.undo_label}" if status.undo_label else "&Undo")
        self.redo_action.setText(f"&Redo {status.redo_label}" if status.redo_label else "&Redo")

    def message(self, text: str) -> None:
        self.message_label.setStyleSheet("")
        self.message_label.setText(text)

    def error(self, text: str) -> None:
        self.last_error = text
        self.message_label.setStyleSheet("color: #C0392B;")
        self.message_label.setText(text)

    # ---- selection ----------------------------------------------------------------------------

    def _escape(self) -> None:
        if self.pair:
            self.cancel_pair()
        else:
            self.select_annotation(None)
            self.view.clear_text_selection()

    def select_annotation(self, annotation_id: str | None) -> None:
        spans = self.state.spans if self.state else {}
        self.current = annotation_id
        if self.arcs_selected_action.isChecked():
            self.view.arcs.set_only_for(annotation_id)
        self.view.set_selected(annotation_id if annotation_id in spans else None)
        self.inspector.select(annotation_id)
        self.side_panels_selected(annotation_id, spans)
        if self.state and annotation_id in self.state.stances:
            stance = self.state.stances[annotation_id]
            self.view.set_marked([stance.holder, stance.target])
            self.message(f"stance: {self._surface(spans[stance.holder])} {stance.polarity} "
                         f"{self._surface(spans[stance.target])} — Ctrl+E edit, Delete delete")
        elif self.state and annotation_id in self.state.relations:
            relation = self.state.relations[annotation_id]
            self.view.set_marked([relation.head, relation.tail])
            self.message(f"relation: {self._surface(spans[relation.head])} -{relation.label}-> "
                         f"{self._surface(spans[relation.tail])} — Ctrl+E edit, Delete delete")
        elif self.state and annotation_id in self.state.clusters:
            members = self.state.members(annotation_id)
            self.view.set_marked([m.id for m in members])
            names = sorted({" ".join(self.state.text[m.start:m.end].split()) for m in members}, key=len)
            cluster = self.state.clusters[annotation_id]
            extra = " — suggested group: A accept, X reject" if cluster.decision == SUGGESTED else ""
            self.message(f"entity: {' / '.join(names)[:80]} ({len(members)} mentions){extra}")
            return
        elif not self.pair:
            self.view.set_marked([])
        if self.state and annotation_id in self.state.spans:
            span = self.state.spans[annotation_id]
            kind = "claim" if span.layer == CLAIM else span.label
            extra = f" — suggestion{f' ({span.score:.2f})' if span.score is not None else ''}: A accept, X reject" \
                if span.decision == SUGGESTED else ""
            self.message(f"{kind}: {self.state.text[span.start:span.end][:80]}{extra}{self.describe_group(span)}")
        elif self.state and (link := self.state.stances.get(annotation_id) or self.state.relations.get(annotation_id)) \
                and link.decision == SUGGESTED:
            self.message(self.message_label.text().replace(" — Ctrl+E edit, Delete delete", "")
                         + " — suggestion: A accept, X reject")

    @property
    def selected(self) -> str | None:
        return self.view.selected

    def step(self, forward: bool, *, suggestions_only: bool = False) -> None:
        if self.state is None:
            return
        target = self.state.step(self.current if suggestions_only else self.selected, forward=forward,
                                 suggestions_only=suggestions_only,
                                 uncertain_first=suggestions_only and self.uncertain_first_action.isChecked())
        if target is None:
            self.message("no suggestions left to review" if suggestions_only else "no annotations yet")
        self.select_annotation(target)

    # ---- annotating ------------------------------------------------------------------------------

    def label_selection(self, label: str) -> None:
        if self.state is None:
            return
        exact = bool(QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier)
        selection = self.view.selection_range()
        doc_id = self.state.id
        if selection is None:
            if self.selected and self.state.spans[self.selected].layer != CLAIM:
                span_id = self.selected
                self.run(lambda: self.store.relabel(doc_id, span_id, label))
                self._reselect_after_correction(span_id)
            else:
                self.message("select some text first, then press a label key")
            return
        start, end = selection
        if not exact:
            snapped = snap_to_tokens(self.state.text, start, end)
            if snapped is None:
                self.message("the selection holds no word to label")
                return
            start, end = snapped
        changes = self.run(lambda: self.store.add_entity(doc_id, start, end, label))
        if changes is not None and changes.created:
            self.view.clear_text_selection()
            self.select_annotation(changes.created[0])

    def _reselect_after_correction(self, old_id: str) -> None:
        span = self.state.spans.get(old_id)
        if span is not None and span.decision == "rejected":
            replacement = next((s.id for s in self.state.spans.values() if s.replaces == old_id
                                and s.decision != "rejected"), None)
            self.select_annotation(replacement)
        else:
            self.select_annotation(old_id)

    def accept_selected(self) -> None:
        self._decide(self.store.accept)

    def reject_selected(self) -> None:
        self._decide(self.store.reject, rejecting=True)

    def _decide(self, decide, *, rejecting: bool = False) -> None:
        if self.state is None:
            return
        # A suggested entity or claim, or a suggested stance, relation or entity group (J visits all).
        span_id = self.current
        item = next((table[span_id] for table in (self.state.spans, self.state.stances, self.state.relations,
                                                  self.state.clusters) if span_id in table), None)
        if item is None or item.decision != SUGGESTED:
            self.message("select a suggestion first (J steps to the next one)")
            return
        doc_id = self.state.id

        def go():
            following = self.state.step(span_id, forward=True, suggestions_only=True,
                                        uncertain_first=self.uncertain_first_action.isChecked())
            if self.run(lambda: decide(doc_id, span_id)) is not None:
                self.select_annotation(following if following != span_id else None)

        dependents = self.store.dependents(doc_id, span_id) if rejecting else []
        if not dependents:
            go()
            return
        self._ask_about_dependents("Reject suggestion", "reject", "suggestion", len(dependents), go)

    def accept_all(self) -> None:
        if self.state is not None:
            doc_id = self.state.id
            changes = self.run(lambda: self.store.accept_all(doc_id))
            if changes is not None and not changes.span_ids:
                self.message("no suggestions left to accept")

    def delete_selected(self) -> None:
        if self.state is None or self.current is None:
            self.message("select an annotation to delete")
            return
        doc_id, annotation_id = self.state.id, self.current
        dependents = self.store.dependents(doc_id, annotation_id) if annotation_id in self.state.spans else []

        def delete():
            if self.run(lambda: self.store.delete(doc_id, annotation_id)) is not None:
                self.select_annotation(None)

        if not dependents:
            delete()
            return
        self._ask_about_dependents("Delete annotation", "delete", "annotation", len(dependents), delete)

    def _ask_about_dependents(self, title: str, verb: str, what: str, count: int, go) -> None:
        """Delete or reject an annotation that stances, relations or claims use: ask first."""
        self.confirm_box = confirm(
            self, title,
            f"{count} stance(s), relation(s) or claim(s) use this {what}. {verb.capitalize()} it, with the stances "
            "and relations that use it? Claims keep its text as their source. Undo brings everything back.",
            yes=verb.capitalize(), no="Keep", on_yes=go)

    def resize_to_selection(self) -> None:
        if self.state is None or self.selected is None:
            self.message("select an annotation, then the text it should cover")
            return
        selection = self.view.selection_range()
        if selection is None:
            self.message("select the text the annotation should cover, then press Ctrl+R")
            return
        snapped = snap_to_tokens(self.state.text, *selection) or selection
        self._resize(self.selected, *snapped)

    def nudge(self, edge: str, forward: bool) -> None:
        if self.state is None:
            return
        if self.selected is None:
            self.message("select an entity or claim first (J steps to the next suggestion)")
            return
        span = self.state.spans[self.selected]
        start, end = nudge(self.state.text, span.start, span.end, edge=edge, forward=forward)
        if (start, end) != (span.start, span.end):
            self._resize(span.id, start, end)
            return
        # A key that changes nothing says why, or it reads as a key that did not arrive.
        shrinking = forward == (edge == "start")
        self.message(f"{span.label} is one token: it cannot shrink" if shrinking
                     else f"{span.label} has no token {'before' if edge == 'start' else 'after'} it to take in")

    def _resize(self, span_id: str, start: int, end: int) -> None:
        doc_id = self.state.id
        if self.run(lambda: self.store.resize(doc_id, span_id, start, end)) is not None:
            self.view.clear_text_selection()
            self._reselect_after_correction(span_id)

    def _set_document_labels(self, labels: list[str]) -> None:
        if self.state is not None:
            doc_id = self.state.id
            self.run(lambda: self.store.set_document_labels(doc_id, labels))

    def undo(self) -> None:
        self._undo_or_redo(self.store.undo)

    def redo(self) -> None:
        self._undo_or_redo(self.store.redo)

    def _undo_or_redo(self, operation) -> None:
        changes = self.run(operation)
        if changes is not None and self.state is not None and changes.doc_ids and self.state.id not in changes.doc_ids:
            self.open_document(sorted(changes.doc_ids)[0])

    # ---- look and help --------------------------------------------------------------------------

    def preannotate_corpus(self, model: str | None = None, *, modal: bool = True) -> None:
        """Ask which pre-annotator (unless given), then run it on a worker thread (its progress
        dialog modeless with ``modal=False``: the first run's sample, while the user reads)."""
        if self.closed:
            return
        from .preannotation import PreannotationRun
        if not self.store.path or self.store.path == ":memory:":
            self.error("pre-annotation from the window needs a database file")
            return
        if model is None:
            self.preannotate_with()
            return
        run = PreannotationRun(self, db_path=str(self.store.path), annotator=self.store.annotator, model=model,
                               total=self.store.document_count(), modal=modal)
        run.done.connect(self._preannotation_done)
        self.preannotation = run
        self.message(f"pre-annotating with {model} in the background…")
        run.start()

    def _preannotation_done(self, result, message: str) -> None:
        if result is None:
            self.error(message)
        else:
            self.message(message)
        self.corpus.reload()
        self._reload_current()
        self.activateWindow()
        self.view.setFocus()

    def show_dashboard(self) -> None:
        from .dashboard import Dashboard
        self.dashboard = Dashboard(self.store)
        self.dashboard.show()

    def adjudicate(self, left: str | None = None, right: str | None = None, reviewer: str = "gold"):
        """Open the adjudication view for this document, working as ``reviewer`` on the same file."""
        from store import Store

        from .adjudication import AdjudicationView, annotators_of
        if self.state is None:
            return None
        people = [p for p in annotators_of(self.store, self.state.id) if p != reviewer]
        if left is None or right is None:
            if len(people) < 2:
                self.error("adjudication needs two annotators' versions of this document (marginalia merge)")
                return None
            left, ok = QInputDialog.getItem(self, "Adjudicate", "Left annotator:", people, 0, False)
            if not ok:
                return None
            others = [p for p in people if p != left]
            right, ok = QInputDialog.getItem(self, "Adjudicate", "Right annotator:", others, 0, False)
            if not ok:
                return None
        reviewer_store = Store.open(str(self.store.path), reviewer, create=False)
        view = AdjudicationView(reviewer_store, self.state.id, left, right)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.destroyed.connect(lambda *_: reviewer_store.close())
        self.adjudication = view
        view.show()
        return view

    def toggle_tags(self) -> None:
        from . import settings
        on = self.tags_action.isChecked()
        self.view.set_tags(on)
        settings.set_tags_shown(on)
        self.message("label tags on: each entity's label is written above it" if on else "label tags off")

    def toggle_arcs(self) -> None:
        on = self.arcs_action.isChecked()
        self.view.arcs.set_enabled(on)
        self._refresh_arcs()
        self.message("arcs on: relations and stances are drawn above the text" if on else "arcs off")

    def toggle_arcs_selected(self) -> None:
        if self.arcs_selected_action.isChecked() and not self.arcs_action.isChecked():
            self.arcs_action.setChecked(True)
            self.toggle_arcs()
        self.view.arcs.set_only_for(self.current if self.arcs_selected_action.isChecked() else None)

    def _refresh_arcs(self) -> None:
        if self.state is not None and self.view.arcs.is_enabled():
            self.view.show_arcs_of(self.state.spans, self.state.relations, self.state.stances)

    def set_font_size(self, points: int) -> None:
        font = self.view.font()
        font.setPointSize(int(points))
        self.view.setFont(font)

    def show_preferences(self):
        from .preferences import Preferences
        dialog = Preferences(self)
        self.preferences_dialog = dialog
        dialog.open()
        return dialog

    def act_as(self, name: str) -> None:
        """Work under another name in this database (Preferences): statuses and labels are per name."""
        from annotate.changes import UndoStack

        from . import settings
        self.store.annotator = name
        self.store.undo_stack = UndoStack()  # what the previous name did is theirs to undo
        if self.store.path and self.store.path != ":memory:":
            settings.set_database_annotator(self.store.path, name)
        self._session().reload_window()

    def apply_theme(self, name: str) -> None:
        self.theme = THEMES[name]
        app = QApplication.instance()
        if app is not None:
            apply_theme(app, self.theme)
        self.view.configure(self.theme, self.colors)

    def show_shortcuts(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("Keyboard shortcuts")
        browser = QTextBrowser()
        rows = "".join(f"<tr><td>{html.escape(menu)}</td><td><b>{html.escape(name)}</b></td>"
                       f"<td><code>{html.escape(keys)}</code></td><td>{html.escape(tip)}</td></tr>"
                       for menu, name, keys, tip in self.shortcut_sheet if keys)
        browser.setHtml(f"<h3>Keyboard shortcuts</h3><table cellpadding=4>{rows}</table>"
                        "<p>Select text with the mouse or Shift+arrows, then press a label key. "
                        "Selections snap to whole words; hold Shift with the label key to keep them exact.</p>")
        layout = QVBoxLayout(dialog)
        layout.addWidget(browser)
        dialog.browser = browser
        dialog.resize(760, 620)
        self.shortcuts_dialog = dialog
        dialog.show()
