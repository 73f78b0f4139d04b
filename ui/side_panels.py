"""The panels beside the article that are not on screen when the window opens: the inspector's
Notes and Actors tabs and the guidelines dock (F2).

A mixin of MainWindow. Each is made the first time it is shown or asked for (``window.notes``),
then brought to what it would show had it been there from the start: building and importing
them before the first paint was a measured share of the start-up (bench/README.md). Until then
the window only remembers what they would need (the selection a comment would be on).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from .lazy_tab import LazyTab

if TYPE_CHECKING:
    from .actor_tree import ActorTree
    from .guidelines import GuidelinesPanel
    from .notes_panel import NotesPanel


class SidePanels:
    """Expects: self.store, self.schema, self.state, self.current, self.inspector, self.view, self.run,
    self.open_document, self.select_annotation, self.guidelines_action."""

    def init_side_panels(self) -> None:
        self._notes_target: str | None = None  # what a comment written now is on
        self._notes_tab = LazyTab(self.inspector, self.inspector.count(), "Notes", self._make_notes)
        # Beside Entities (the mentions, folded under the entity they refer to), where a narrow
        # window's tab bar still shows it.
        self._actors_tab = LazyTab(self.inspector, 1, "Actors", self._make_actors)
        self._guidelines: GuidelinesPanel | None = None

    # ---- notes ------------------------------------------------------------------------------------

    @property
    def notes(self) -> NotesPanel:
        return self._notes_tab.widget()

    def _make_notes(self) -> NotesPanel:
        from .notes_panel import NotesPanel
        notes = NotesPanel(self.store)
        notes.actionRequested.connect(self.run)
        notes.documentRequested.connect(self.open_document)
        notes.escaped.connect(self.view.setFocus)
        if self.state is not None:
            notes.show_document(self.state.id, self.state.text, dict(self.state.spans))
            if self._notes_target is not None:
                notes.select(self._notes_target)
        return notes

    def write_comment(self) -> None:
        self.inspector.setCurrentWidget(self.notes)
        self.notes.editor.setFocus()

    # ---- actors -----------------------------------------------------------------------------------

    @property
    def actors(self) -> ActorTree:
        return self._actors_tab.widget()

    def _make_actors(self) -> ActorTree:
        from .actor_tree import ActorTree
        actors = ActorTree()
        actors.annotationSelected.connect(self.select_annotation)
        return actors

    def _actors_shown(self) -> ActorTree | None:
        actors = self._actors_tab.page
        return actors if actors is not None and self.inspector.currentWidget() is actors else None

    def _refresh_actors(self) -> None:
        """The Actors tab is rebuilt only while it is shown."""
        actors = self._actors_shown()
        if self.state is not None and actors is not None:
            actors.show_state(self.state)
            actors.select(self.current)

    # ---- guidelines -------------------------------------------------------------------------------

    @property
    def guidelines(self) -> GuidelinesPanel:
        """The guidelines dock, made hidden the first time it is asked for."""
        if self._guidelines is None:
            from .guidelines import GuidelinesPanel
            panel = self._guidelines = GuidelinesPanel(self.schema, self)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
            panel.hide()
            panel.visibilityChanged.connect(self.guidelines_action.setChecked)
        return self._guidelines

    def toggle_guidelines(self) -> None:
        self.guidelines.setVisible(not self.guidelines.isVisible())

    # ---- what the window tells them ---------------------------------------------------------------

    def side_panels_document_opened(self) -> None:
        self._notes_target = None
        if self._notes_tab.page is not None:
            self.notes.show_document(self.state.id, self.state.text, dict(self.state.spans))

    def side_panels_changed(self) -> None:
        """After an action that changed comments or spans of the open document."""
        if self._notes_tab.page is not None:
            self.notes.spans = dict(self.state.spans)
            self.notes.refresh()

    def side_panels_selected(self, annotation_id: str | None, spans: dict) -> None:
        self._notes_target = annotation_id
        if self._notes_tab.page is not None:
            self.notes.select(annotation_id, dict(spans))
        if (actors := self._actors_shown()) is not None:
            actors.select(annotation_id)
