"""The corpus panel: documents with status and progress, search, filters; paged from SQLite.

Pages are fetched by key (the rowid after the last row shown), so the 500th page costs what the
first does; filters and search go through indexes (store.queries). Nothing on a keypress path
counts the corpus.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QTableView, QVBoxLayout, QWidget)

from store import queries

PAGE = 200
#: Documents folded into the search index per idle slice, after an import (a few ms each).
SEARCH_SYNC_SLICE = 50
STATUS_LABELS = {"new": "new", "in_progress": "in progress", "done": "done", "skipped": "skipped"}
STATUS_COLORS = {"done": "#009E73", "in_progress": "#E69F00", "skipped": "#888888", "new": "#56B4E9"}
FILTERS = [("all", "All documents"), ("unreviewed", "Has unreviewed suggestions"), ("new", "New"),
           ("in_progress", "In progress"), ("done", "Done"), ("skipped", "Skipped"),
           ("discussion", "Comments needing discussion")]


ORDERS = (("import", "Import order"), ("uncertain", "Least certain first"),
          ("disagreement", "Most disagreement first"))


class DocumentListModel(QAbstractTableModel):
    """Documents a page at a time (canFetchMore/fetchMore), so 100,000 of them open at once."""

    COLUMNS = ("Document", "Status", "Suggestions")

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.rows: list[queries.DocumentRow] = []
        self._row_of: dict[str, int] = {}
        self.search = ""
        self.status = "all"
        self.order = "import"
        self._exhausted = False

    def _page(self, after: int) -> list[queries.DocumentRow]:
        if self.order != "import" and not self.search:
            # A ranked order is one list (its first RANKED_LIMIT documents), not pages.
            return [] if after else queries.ranked_documents(self.store.conn, self.store.annotator, self.order,
                                                              status=self.status)
        return queries.list_documents(self.store.conn, self.store.annotator, search=self.search,
                                      status=self.status, after=after, limit=PAGE)

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = self._page(0)
        self._row_of = {row.id: i for i, row in enumerate(self.rows)}
        self._exhausted = len(self.rows) < PAGE
        self.endResetModel()

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: N802
        if self._exhausted:
            return
        more = self._page(self.rows[-1].rowid if self.rows else 0)
        self._exhausted = len(more) < PAGE
        if more:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
            self.rows.extend(more)
            self._row_of.update((row.id, first + i) for i, row in enumerate(more))
            self.endInsertRows()

    def refresh_row(self, doc_id: str) -> tuple[queries.DocumentRow, queries.DocumentRow] | None:
        """Re-read one shown row; returns (before, after) when it is shown."""
        i = self._row_of.get(doc_id)
        if i is None:
            return None
        before = self.rows[i]
        self.rows[i] = _reload_one(self.store, doc_id) or before
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.COLUMNS) - 1))
        return before, self.rows[i]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.title, STATUS_LABELS.get(row.status, row.status),
                    str(row.suggestions) if row.suggestions else "")[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            # Ids are data: escaped inside explicit rich text, so markup in them is never interpreted.
            return (f"<qt>{html.escape(row.id)}: {row.status}, {row.gold} gold annotations, "
                    f"{row.suggestions} suggestions to review</qt>")
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QColor(STATUS_COLORS.get(row.status, "#888888"))
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def row_of(self, doc_id: str) -> int | None:
        return self._row_of.get(doc_id)


def _reload_one(store, doc_id: str) -> queries.DocumentRow | None:
    rows = queries.list_documents(store.conn, store.annotator, doc_id=doc_id, limit=1)
    return rows[0] if rows else None


class CorpusPanel(QWidget):
    documentActivated = Signal(str)

    def __init__(self, store, parent=None, *, count_later: bool = False):
        """``count_later``: the corpus is counted by ``count`` (the window calls it after its
        first paint: a count over a large cold file is a read of a whole index), or when the
        progress is first needed."""
        super().__init__(parent)
        self.store = store
        self.search = QLineEdit(placeholderText="Search text or title…")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Search the documents' text and titles (Ctrl+F)")
        self.filter = QComboBox()
        for key, label in FILTERS:
            self.filter.addItem(label, key)
        self.filter.setToolTip("Show only documents with this status")
        self.order = QComboBox()
        for key, label in ORDERS:
            self.order.addItem(label, key)
        self.order.setToolTip("Import order, or the documents to look at first: where the model was least sure, "
                              "or where annotators disagreed most")
        for box in (self.filter, self.order):  # narrower than their longest item when the panel is
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)
        self.progress = QLabel()
        self.model = DocumentListModel(store, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed widths from the widest text: ResizeToContents measures every loaded row on each
        # reset and repaint (15-30 ms with a few pages loaded), for columns whose width is known.
        metrics = self.table.fontMetrics()
        for column, widest in ((1, max(STATUS_LABELS.values(), key=metrics.horizontalAdvance)),
                               (2, DocumentListModel.COLUMNS[2])):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, metrics.horizontalAdvance(widest) + 20)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search)
        row = QHBoxLayout()
        row.addWidget(self.filter, 1)
        row.addWidget(self.order, 1)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.filter.currentIndexChanged.connect(lambda _: self._apply_filter())
        self.order.currentIndexChanged.connect(lambda _: self._apply_filter())
        self.table.clicked.connect(lambda index: self.documentActivated.emit(self.model.rows[index.row()].id))
        self.table.activated.connect(lambda index: self.documentActivated.emit(self.model.rows[index.row()].id))
        self.search_keys = _SearchKeys(self)
        self._total: int | None = None  # None: not counted yet
        # Documents imported since the search index was last brought up to date are folded in a
        # slice at a time while the window is idle (searches stay correct meanwhile).
        self._search_sync = QTimer(self, interval=20)
        self._search_sync.timeout.connect(self._sync_search_slice)
        self._ended = False
        self.reload(count=not count_later)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.end()
        super().closeEvent(event)

    def end(self) -> None:
        """Stop for good, before the store is closed: the pending search and the idle indexing die
        here, and nothing that arrives later (a queued refresh, a keystroke) reaches the store.
        Whoever closes the store closes this panel first (the window does, on its own close): a
        timer left running fires into a closed connection."""
        self._ended = True
        self._debounce.stop()
        self._search_sync.stop()

    def _apply_filter(self) -> None:
        if self._ended:
            return
        self.model.search = self.search.text().strip()
        self.model.status = self.filter.currentData()
        self.model.order = self.order.currentData()
        self.reload()

    def reload(self, *, count: bool = True) -> None:
        """Everything again (after an import, a pre-annotation run, a filter): with ``count``,
        the place the corpus is counted."""
        if self._ended:
            return
        self.model.reload()
        if count:
            self.count()
        self._sync_search_slice()

    def count(self) -> None:
        """Count the corpus and show the progress, "done / total"."""
        if self._ended:
            return
        done, self._total = queries.progress(self.store.conn, self.store.annotator)
        self._show_progress(done)

    def count_if_not_yet(self) -> None:
        if self._total is None:
            self.count()

    def update_progress(self) -> None:
        if self._total is None:
            self.count()
            return
        self._show_progress(queries.done_count(self.store.conn, self.store.annotator))

    def _show_progress(self, done: int) -> None:
        self.progress.setText(f"{done} / {self._total} done")

    def refresh_document(self, doc_id: str) -> None:
        if self._ended:
            return
        self.model.refresh_row(doc_id)
        self.update_progress()

    def _sync_search_slice(self) -> None:
        if self._ended:
            return
        if not self.store.known_sound():  # a large file still being checked for damage: no write yet
            self._search_sync.start()
            return
        left = queries.sync_search(self.store.conn, SEARCH_SYNC_SLICE, busy_ms=0)
        if left:  # more to fold in: go on when idle
            self._search_sync.start()
        elif left == 0:
            self._search_sync.stop()
        # None (read-only, or another writer busy): the timer, if running, tries again.

    def focus_search(self) -> None:
        """Ctrl+F: the search box with its text selected, so what is typed replaces it."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def step_found(self, delta: int) -> None:
        """Up or Down in the search box: the next or previous document found, held at the ends."""
        self._apply_pending_search()
        current = self.table.selectionModel().selectedRows()
        row = (current[0].row() if current else -1) + delta
        if row >= self.model.rowCount() and self.model.canFetchMore():
            self.model.fetchMore()
        row = max(0, min(self.model.rowCount() - 1, row))
        if self.model.rowCount():
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def open_found(self) -> None:
        """Enter in the search box: open the document chosen with the arrows, else the first found."""
        self._apply_pending_search()
        if not self.model.rowCount():
            return
        current = self.table.selectionModel().selectedRows()
        self.documentActivated.emit(self.model.rows[current[0].row() if current else 0].id)

    def _apply_pending_search(self) -> None:
        if self._debounce.isActive():  # typed faster than the debounce: search what was typed
            self._debounce.stop()
            self._apply_filter()

    def show_current(self, doc_id: str) -> None:
        row = self.model.row_of(doc_id)
        if row is not None:
            self.table.selectRow(row)


class _SearchKeys(QObject):
    """Up, Down and Enter in the search box reach the list: it takes no keyboard focus itself,
    so that the keys typed stay with the article."""

    def __init__(self, panel: CorpusPanel):
        super().__init__(panel)
        self.panel = panel
        panel.search.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.panel.step_found(1 if event.key() == Qt.Key.Key_Down else -1)
            return True
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.panel.open_found()
            return True
        return False
