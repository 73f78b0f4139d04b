"""The inspector's Notes tab: comments on the document and its annotations, and the selected
entity's brat attributes.

A comment is written on the selected annotation, or on the document when nothing is selected;
"needs discussion" marks the ones the team should talk over, and the filter shows only those,
here or across the whole corpus (a lead's queue; double-click opens the document). Every change
is a store action: saved at once, audited, undone with Ctrl+Z like any other.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPlainTextEdit,
                               QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from annotate.model import ENTITY
from store import comments
from store.attributes import set_attributes

ID_ROLE = Qt.ItemDataRole.UserRole
FLAG = "⚑"


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class NotesPanel(QWidget):
    #: a store action to run through the window (so undo, refresh and errors work as everywhere)
    actionRequested = Signal(object)
    documentRequested = Signal(str)
    #: Escape in the comment box: back to the article (the selection, and so the target, stay)
    escaped = Signal()

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.doc_id: str | None = None
        self.text = ""
        self.spans: dict = {}
        self.target: str | None = None
        self.shown: list[comments.Comment] = []

        self.scope = QComboBox()
        self.scope.addItems(["This document", "This document: needs discussion", "All documents: needs discussion"])
        self.scope.setToolTip("Which comments to list; the last is the team's queue of open questions")
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["On", "Who", "Comment", FLAG])
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setToolTip("Double-click: go to the annotation or document the comment is on")
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(3, 28)
        self.target_label = QLabel()
        self.target_label.setTextFormat(Qt.TextFormat.PlainText)
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("Write a comment (Ctrl+Return adds it)")
        self.editor.setMaximumHeight(80)
        self.editor.installEventFilter(self)
        self.discuss = QCheckBox("Needs discussion")
        self.add_button = QPushButton("Add comment")
        self.add_button.setToolTip("Comment on the selected annotation, or on the document when none is selected")
        self.flag_button = QPushButton(f"{FLAG} Discussion on/off")
        self.flag_button.setToolTip("Mark the selected comment as needing discussion, or settled")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the selected comment (your own)")

        self.attributes = QTreeWidget()
        self.attributes.setHeaderLabels(["Attribute", "Value"])
        self.attributes.setRootIsDecorated(False)
        self.attributes.setToolTip("brat attributes of the selected entity (double-click a cell to edit; "
                                   "a value of 'true' or empty is a yes/no attribute)")
        self.attributes.setMaximumHeight(110)
        self.add_attribute = QPushButton("Add attribute")
        self.remove_attribute = QPushButton("Remove attribute")

        # Two rows: in one, the four widgets made the whole inspector at least 460 px wide.
        buttons = QVBoxLayout()
        for pair in ((self.discuss, self.add_button), (self.flag_button, self.delete_button)):
            row = QHBoxLayout()
            for widget in pair:
                row.addWidget(widget)
            buttons.addLayout(row)
        attribute_buttons = QHBoxLayout()
        attribute_buttons.addWidget(self.add_attribute)
        attribute_buttons.addWidget(self.remove_attribute)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scope)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.target_label)
        layout.addWidget(self.editor)
        layout.addLayout(buttons)
        self.attributes_title = QLabel("Attributes")
        layout.addWidget(self.attributes_title)
        layout.addWidget(self.attributes)
        layout.addLayout(attribute_buttons)

        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        self.add_button.clicked.connect(self.add_comment)
        self.flag_button.clicked.connect(self.toggle_discussion)
        self.delete_button.clicked.connect(self.delete_comment)
        self.list.itemDoubleClicked.connect(self._go_to)
        self.attributes.itemChanged.connect(lambda _item, _column: self._save_attributes())
        self.add_attribute.clicked.connect(self._new_attribute)
        self.remove_attribute.clicked.connect(self._remove_attribute)

    # ---- what is shown ------------------------------------------------------------------------

    def show_document(self, doc_id: str, text: str, spans: dict) -> None:
        self.doc_id, self.text, self.spans = doc_id, text, spans
        self.target = None
        self.refresh()

    def select(self, annotation_id: str | None, spans: dict | None = None) -> None:
        if spans is not None:
            self.spans = spans
        self.target = annotation_id
        self._show_target()
        self._show_attributes()

    def _describe(self, comment: comments.Comment) -> str:
        if comment.doc_id != self.doc_id:
            return comment.doc_id
        if comment.target is None:
            return "document"
        span = self.spans.get(comment.target)
        return f"“{_short(self.text[span.start:span.end], 24)}”" if span else comment.target

    def refresh(self) -> None:
        if self.doc_id is None:
            return
        scope = self.scope.currentIndex()
        if scope == 2:
            self.shown = comments.needing_discussion(self.store)
        else:
            self.shown = [c for c in comments.of_document(self.store, self.doc_id)
                          if scope == 0 or c.needs_discussion]
        self.list.clear()
        for comment in self.shown:
            item = QTreeWidgetItem([self._describe(comment), comment.annotator, _short(comment.body, 80),
                                    FLAG if comment.needs_discussion else ""])
            item.setData(0, ID_ROLE, comment.id)
            item.setToolTip(2, "<qt>" + _escape(comment.body) + "</qt>")  # comments are text, never markup
            if comment.needs_discussion:
                item.setForeground(3, QBrush(QColor("#D55E00")))
            self.list.addTopLevelItem(item)
        self._show_target()
        self._show_attributes()

    def _show_target(self) -> None:
        span = self.spans.get(self.target) if self.target else None
        if span is not None:
            where = f"“{_short(self.text[span.start:span.end], 40)}” ({span.label})"
        elif self.target:
            where = "the selected stance or relation"
        else:
            where = "the document"
        self.target_label.setText(f"New comment on {where}")

    def _show_attributes(self) -> None:
        span = self.spans.get(self.target) if self.target else None
        entity = span is not None and span.layer == ENTITY and span.decision in ("accepted", "manual")
        for widget in (self.attributes, self.add_attribute, self.remove_attribute, self.attributes_title):
            widget.setVisible(entity)
        self.attributes.blockSignals(True)
        self.attributes.clear()
        if entity:
            for name, value in (span.attrs.get("attributes") or {}).items():
                item = QTreeWidgetItem([name, "true" if value is True else str(value)])
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                self.attributes.addTopLevelItem(item)
        self.attributes.blockSignals(False)

    # ---- actions --------------------------------------------------------------------------------

    def current_comment(self) -> comments.Comment | None:
        item = self.list.currentItem()
        if item is None:
            return None
        return next((c for c in self.shown if c.id == item.data(0, ID_ROLE)), None)

    def add_comment(self) -> None:
        body = self.editor.toPlainText()
        if self.doc_id is None or not body.strip():
            return
        doc_id, target, discuss = self.doc_id, self.target, self.discuss.isChecked()
        self.actionRequested.emit(lambda: comments.add(self.store, doc_id, body, target=target,
                                                       needs_discussion=discuss))
        self.editor.clear()
        self.discuss.setChecked(False)

    def toggle_discussion(self) -> None:
        comment = self.current_comment()
        if comment is not None:
            self.actionRequested.emit(lambda: comments.edit(self.store, comment.doc_id, comment.id,
                                                            needs_discussion=not comment.needs_discussion))

    def delete_comment(self) -> None:
        comment = self.current_comment()
        if comment is not None:
            self.actionRequested.emit(lambda: comments.delete(self.store, comment.doc_id, comment.id))

    def _go_to(self, item: QTreeWidgetItem, _column: int) -> None:
        comment = next((c for c in self.shown if c.id == item.data(0, ID_ROLE)), None)
        if comment is not None:
            self.documentRequested.emit(comment.doc_id)

    def event(self, event) -> bool:
        # Escape while an attribute is being edited cancels the edit, not the window's selection.
        if (event.type() == QEvent.Type.ShortcutOverride and event.key() == Qt.Key.Key_Escape
                and self.attributes.state() == QAbstractItemView.State.EditingState):
            event.accept()
            return True
        return super().event(event)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        """Ctrl+Return in the comment box adds the comment (not the window's "Done, next"); Escape
        leaves the box without dropping the selection the comment is for."""
        if watched is self.editor and event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) \
                and event.key() == Qt.Key.Key_Escape:
            event.accept()
            if event.type() == QEvent.Type.KeyPress:
                self.escaped.emit()
            return True
        is_add = (event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
                  and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                  and event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if watched is self.editor and is_add:
            event.accept()  # an accepted override keeps the key from the window's shortcut
            if event.type() == QEvent.Type.KeyPress:
                self.add_comment()
            return True
        return super().eventFilter(watched, event)

    def _attribute_values(self) -> dict:
        values = {}
        for i in range(self.attributes.topLevelItemCount()):
            item = self.attributes.topLevelItem(i)
            name = item.text(0).strip()
            if name:
                value = item.text(1).strip()
                values[name] = True if value.lower() in ("", "true") else value
        return values

    def _save_attributes(self) -> None:
        if self.doc_id and self.target:
            doc_id, span_id, values = self.doc_id, self.target, self._attribute_values()
            self.actionRequested.emit(lambda: set_attributes(self.store, doc_id, span_id, values))

    def _new_attribute(self) -> None:
        names = {self.attributes.topLevelItem(i).text(0) for i in range(self.attributes.topLevelItemCount())}
        name = next(n for n in ("Negated", "Uncertain", *(f"Attribute{i}" for i in range(2, 999))) if n not in names)
        item = QTreeWidgetItem([name, "true"])
        self.attributes.addTopLevelItem(item)
        self._save_attributes()  # the list is rebuilt from the saved span: edit the new row there
        for i in range(self.attributes.topLevelItemCount()):
            if self.attributes.topLevelItem(i).text(0) == name:
                self.attributes.setCurrentItem(self.attributes.topLevelItem(i))
                self.attributes.editItem(self.attributes.topLevelItem(i), 0)

    def _remove_attribute(self) -> None:
        item = self.attributes.currentItem()
        if item is not None:
            self.attributes.takeTopLevelItem(self.attributes.indexOfTopLevelItem(item))
            self._save_attributes()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
