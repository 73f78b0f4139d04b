"""A list of annotations as a model and a view: rows are described only when Qt shows them.

A QTreeWidget made an item per annotation, with its texts, tooltips and colours, when a
document opened: 0.8 s for 10,000 entities before the window could paint. Here the model
holds the annotation ids in order and asks ``describe(id)`` for a row's texts when the view
paints it (a few dozen rows), keeping what it got until the annotation changes.
"""
from __future__ import annotations

import html
from bisect import bisect_left, insort
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

ID_ROLE = Qt.ItemDataRole.UserRole
_DIM = QBrush(QColor("#8A8A8A"))


@dataclass(frozen=True)
class Row:
    values: tuple[str, ...]
    dim: bool = False
    tooltip: str = ""  # shown for every column; each column's own text when empty


class AnnotationModel(QAbstractTableModel):
    #: Rows were removed or inserted by ``put``.
    moved = Signal()

    def __init__(self, headers: list[str], describe: Callable[[str], Row], parent=None):
        super().__init__(parent)
        self.headers = headers
        self.describe = describe
        self._keys: list[tuple] = []       # sort keys, in row order; each ends with the id
        self._key_of: dict[str, tuple] = {}
        self._rows: dict[str, Row] = {}    # described rows, kept until the annotation changes
        #: True while rows are removed or inserted: Qt moves the view's selection off a row being
        #: removed, which is no pick of the user's.
        self.moving = False

    # ---- contents ----------------------------------------------------------------------------

    def reset(self, keyed: list[tuple]) -> None:
        """All rows at once: ``keyed`` are sort keys ending with the annotation id."""
        self.beginResetModel()
        self._keys = sorted(keyed)
        self._key_of = {key[-1]: key for key in self._keys}
        self._rows.clear()
        self.endResetModel()

    def put_many(self, keyed: list[tuple[tuple | None, str]]) -> None:
        """``put`` for many rows: those that stay where they are are refreshed with one signal
        (accept-all changes thousands at once)."""
        refreshed = False
        for key, annotation_id in keyed:
            if key is not None and self._key_of.get(annotation_id) == key:
                self._rows.pop(annotation_id, None)
                refreshed = True
            else:
                self.put(key, annotation_id)
        if refreshed:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._keys) - 1, self.columnCount() - 1))

    def put(self, key: tuple | None, annotation_id: str) -> None:
        """Add, move or refresh one row (``key`` ends with the id), or remove it (None)."""
        old = self._key_of.get(annotation_id)
        self._rows.pop(annotation_id, None)
        if old is not None and old == key:
            row = self.row_of(annotation_id)
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
            return
        self.moving = True
        try:
            if old is not None:
                row = bisect_left(self._keys, old)
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._keys[row]
                del self._key_of[annotation_id]
                self.endRemoveRows()
            if key is not None:
                row = bisect_left(self._keys, key)
                self.beginInsertRows(QModelIndex(), row, row)
                insort(self._keys, key)
                self._key_of[annotation_id] = key
                self.endInsertRows()
        finally:
            self.moving = False
        self.moved.emit()

    def refresh_all(self) -> None:
        """Describe every row again when next shown (what they show changed elsewhere)."""
        self._rows.clear()
        if self._keys:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._keys) - 1, self.columnCount() - 1))

    def key_of(self, annotation_id: str) -> tuple | None:
        return self._key_of.get(annotation_id)

    def row_of(self, annotation_id: str) -> int | None:
        key = self._key_of.get(annotation_id)
        return None if key is None else bisect_left(self._keys, key)

    def id_at(self, row: int) -> str:
        return self._keys[row][-1]

    def row(self, annotation_id: str) -> Row:
        described = self._rows.get(annotation_id)
        if described is None:
            described = self._rows[annotation_id] = self.describe(annotation_id)
        return described

    # ---- QAbstractTableModel -----------------------------------------------------------------

    # Qt calls these two very often: no QModelIndex is made for the default.
    def rowCount(self, parent=None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self._keys)

    def columnCount(self, parent=None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        annotation_id = self._keys[index.row()][-1]
        if role == ID_ROLE:
            return annotation_id
        if role == Qt.ItemDataRole.DisplayRole:
            values = self.row(annotation_id).values
            return values[index.column()] if index.column() < len(values) else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            row = self.row(annotation_id)
            text = row.tooltip or (row.values[index.column()] if index.column() < len(row.values) else "")
            # Article text is data: a tooltip would parse HTML, so it is escaped and marked as rich text.
            return "<qt>" + html.escape(text) + "</qt>"
        if role == Qt.ItemDataRole.ForegroundRole:
            return _DIM if self.row(annotation_id).dim else None
        return None


class AnnotationList(QTableView):
    """A view of an AnnotationModel: one row selected at a time, selectable from outside.

    A table, not a tree: a QTreeView walks every row (a Python call each) to lay itself out
    again after each row added or removed; a table's rows all have the one fixed height."""

    #: A row was picked by the user (click, keys): its annotation id.
    picked = Signal(str)
    #: A row was double-clicked.
    activated = Signal(str)

    def __init__(self, headers: list[str], describe: Callable[[str], Row], parent=None):
        super().__init__(parent)
        self.model_ = AnnotationModel(headers, describe, self)
        self.setModel(self.model_)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(False)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 4)
        columns = self.horizontalHeader()
        columns.setHighlightSections(False)
        columns.setStretchLastSection(True)
        columns.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self._quiet = False
        self._chosen: str | None = None  # the annotation whose row is selected, wherever it moves
        self.model_.moved.connect(self._keep_selection)
        self.selectionModel().selectionChanged.connect(self._selection_changed)
        self.doubleClicked.connect(lambda index: self.activated.emit(index.data(ID_ROLE)))

    def _selection_changed(self, selected, _deselected) -> None:
        indexes = selected.indexes()
        if not self._quiet and not self.model_.moving and indexes:
            self._chosen = indexes[0].data(ID_ROLE)
            self.picked.emit(self._chosen)

    def _keep_selection(self) -> None:
        if self.selected_id() != self._chosen:
            self.select(self._chosen if self.model_.key_of(self._chosen or "") else None, scroll=False)

    def index_of(self, annotation_id: str, column: int = 0) -> QModelIndex:
        row = self.model_.row_of(annotation_id)
        return QModelIndex() if row is None else self.model_.index(row, column)

    def text(self, annotation_id: str, column: int) -> str:
        return self.index_of(annotation_id, column).data(Qt.ItemDataRole.DisplayRole)

    def tooltip(self, annotation_id: str, column: int) -> str:
        return self.index_of(annotation_id, column).data(Qt.ItemDataRole.ToolTipRole)

    def count(self) -> int:
        return self.model_.rowCount()

    def selected_id(self) -> str | None:
        rows = self.selectionModel().selectedRows()
        return rows[0].data(ID_ROLE) if rows else None

    def select(self, annotation_id: str | None, *, scroll: bool = True) -> None:
        """Select (and scroll to) an annotation's row, or none, without telling ``picked``."""
        self._chosen = annotation_id
        self._quiet = True
        try:
            index = self.index_of(annotation_id) if annotation_id else QModelIndex()
            selection = self.selectionModel()
            if index.isValid():
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                          | QItemSelectionModel.SelectionFlag.Rows)
                if scroll:
                    self.scrollTo(index)
            else:
                selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.Clear)
        finally:
            self._quiet = False
