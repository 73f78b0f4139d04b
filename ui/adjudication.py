"""Adjudication: two annotators' versions side by side, differences listed, the gold settled by key.

The reviewer works under their own name (``gold`` by default). Each row of the list is an
annotation both annotators made, one that only one of them made, or a conflict (their spans
overlap but differ); ``1`` takes the left version, ``2`` the right, ``B`` both, ``A`` (or Enter)
takes an agreed annotation, ``Ctrl+Shift+A`` every agreed one. Each take is one audited,
undoable store action; ``Ctrl+Z`` undoes, ``Ctrl+Return`` marks the gold document done.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QLabel, QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from annotate.adjudication import AGREED, LEFT_ONLY, RIGHT_ONLY, Item, compare
from annotate.errors import MarginaliaError
from annotate.model import DONE, HUMAN_DECISIONS
from store.adjudication import labels_by_annotator, take

from .article_view import ArticleView
from .theme import LIGHT


@dataclass
class Row:
    """A line of the list: one item, or a left and a right item in conflict."""

    left: Item | None
    right: Item | None

    @property
    def items(self) -> list[Item]:
        return [i for i in (self.left, self.right) if i is not None]

    @property
    def agreed(self) -> bool:
        return self.left is not None and self.left is self.right

    @property
    def start(self) -> int:
        return min(i.start for i in self.items)


#: Kinds of item whose left-only and right-only versions can be one conflict row.
PAIRED = ("span", "group")


def _in_conflict(mine: Item, theirs: Item, spans) -> bool:
    """Two spans of one layer that overlap, or two entity groups that share a mention."""
    if mine.kind != theirs.kind:
        return False
    if mine.kind == "group":
        return bool(set(mine.key[1]) & set(theirs.key[1]))
    a, b = spans[mine.left], spans[theirs.right]
    return a.layer == b.layer and b.start < a.end and a.start < b.end


def group_rows(items: list[Item], spans) -> list[Row]:
    """Agreed items are rows of their own; a left-only span and a right-only span of the same
    layer that overlap become one conflict row, as do a left-only and a right-only entity group
    that share a mention; the rest stay single."""
    rows: list[Row] = []
    rights = [i for i in items if i.side == RIGHT_ONLY and i.kind in PAIRED]
    paired: set[int] = set()
    for item in items:
        if item.side == AGREED:
            rows.append(Row(item, item))
        elif item.side == LEFT_ONLY:
            partner = None
            if item.kind in PAIRED:
                for index, other in enumerate(rights):
                    if index not in paired and _in_conflict(item, other, spans):
                        partner = other
                        paired.add(index)
                        break
            rows.append(Row(item, partner))
    for index, item in enumerate(rights):
        if index not in paired:
            rows.append(Row(None, item))
    rows += [Row(None, i) for i in items if i.side == RIGHT_ONLY and i.kind not in PAIRED]
    return sorted(rows, key=lambda r: r.start)


class AdjudicationView(QWidget):
    openInEditor = Signal(str)

    def __init__(self, store, doc_id: str, left: str, right: str, parent=None):
        super().__init__(parent)
        self.store, self.doc_id, self.left, self.right = store, doc_id, left, right
        self.setWindowTitle(f"Adjudication — {left} vs {right} → {store.annotator}")
        self.last_error = ""
        colors = {e.label: e.color for e in store.schema.entities}
        self.text = store.document(doc_id).text
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.left_view, self.right_view = ArticleView(), ArticleView()
        for view in (self.left_view, self.right_view):
            view.configure(LIGHT, colors)
            view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["Annotation", left, right, store.annotator])
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setToolTip("1 take left · 2 take right · B both · A agreed · Ctrl+Shift+A all agreed · "
                             "J/K next/previous · Ctrl+Z undo · Ctrl+Return done")
        views = QSplitter()
        views.addWidget(self._titled(self.left_view, f"{left}"))
        views.addWidget(self._titled(self.right_view, f"{right}"))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(views)
        splitter.addWidget(self.list)
        splitter.setSizes([430, 300])
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(splitter, 1)
        self.status = QLabel()
        layout.addWidget(self.status)
        self._actions()
        self.list.currentItemChanged.connect(lambda *_: self._show_current())
        self.rows: list[Row] = []
        self.reload()
        self.resize(1300, 820)

    def _titled(self, view: ArticleView, title: str) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel(title)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setStyleSheet("font-weight: bold; padding: 2px 6px;")
        layout.addWidget(label)
        layout.addWidget(view, 1)
        return box

    def _actions(self) -> None:
        for keys, handler, tip in ((["1"], lambda: self.take_side("left"), "Take the left annotator's version"),
                                   (["2"], lambda: self.take_side("right"), "Take the right annotator's version"),
                                   (["B"], lambda: self.take_side("both"), "Take both versions"),
                                   (["A", "Return", "Enter"], lambda: self.take_side("agreed"),
                                    "Take the annotation both annotators made"),
                                   (["Ctrl+Shift+A"], self.take_all_agreed, "Take every agreed annotation"),
                                   (["J", "Down"], lambda: self.step(1), "Next difference"),
                                   (["K", "Up"], lambda: self.step(-1), "Previous difference"),
                                   (["Ctrl+Z"], self.undo, "Undo"),
                                   (["Ctrl+Shift+Z", "Ctrl+Y"], self.redo, "Redo"),
                                   (["Ctrl+Return", "Ctrl+Enter"], self.mark_done, "Mark the gold document done"),
                                   (["Ctrl+E"], lambda: self.openInEditor.emit(self.doc_id),
                                    "Edit the gold version in the main window")):
            action = QAction(tip, self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(handler)
            self.addAction(action)

    # ---- content -------------------------------------------------------------------------

    def reload(self) -> None:
        current = self.list.currentIndex().row()
        self.annotations = self.store.annotations(self.doc_id)
        self.spans = {s.id: s for s in self.annotations.spans}
        items = compare(self.annotations, self.left, self.right, self.store.annotator,
                        labels_by_annotator(self.store, self.doc_id))
        self.rows = group_rows(items, self.spans)
        for view, who in ((self.left_view, self.left), (self.right_view, self.right)):
            view.show_document(self.text, [s for s in self.annotations.spans
                                           if s.annotator == who and s.decision in HUMAN_DECISIONS])
        self.list.clear()
        for row in self.rows:
            self.list.addTopLevelItem(self._row_item(row))
        settled = sum(1 for r in self.rows if any(i.in_gold for i in r.items))
        differences = sum(1 for r in self.rows if not r.agreed)
        self.header.setText(f"{self.store.document(self.doc_id).meta.get('title') or self.doc_id}: "
                            f"{len(self.rows)} annotations, {differences} differences, {settled} in the gold")
        if self.rows:
            self.list.setCurrentItem(self.list.topLevelItem(max(0, min(current, len(self.rows) - 1))))

    def _describe(self, item: Item | None) -> str:
        if item is None:
            return "—"
        source = item.left or item.right
        if item.kind == "span":
            span = self.spans[source]
            if span.layer != "claim":
                return span.label
            worthy = {True: "check-worthy", False: "not check-worthy"}.get(span.checkworthy, "")
            who = self._span_text(span.claimant) if span.claimant else span.claimant_text or "?"
            return ", ".join(p for p in (f"claim by {who}", span.claim_type or "", worthy) if p)
        if item.kind == "label":
            return "labelled"
        if item.kind == "group":
            return f"entity, {len(item.key[1])} mentions"
        return item.key[1]

    def _surface(self, item: Item) -> str:
        source = item.left or item.right
        if item.kind == "label":
            return f"document label {item.key[1]}"
        if item.kind == "span":
            span = self.spans[source]
            return " ".join(self.text[span.start:span.end].split())[:70]
        if item.kind == "group":
            return " = ".join(self._span_text(m) for m in self._mentions(source))[:120]
        relation = next((r for r in self.annotations.relations if r.id == source), None)
        if relation is not None:
            return f"{self._span_text(relation.head)} → {self._span_text(relation.tail)}"
        stance = next(s for s in self.annotations.stances if s.id == source)
        evidence = f", evidence: {self._span_text(stance.evidence)}" if stance.evidence else ""
        return f"{self._span_text(stance.holder)} → {self._span_text(stance.target)} (stance{evidence})"

    def _mentions(self, group: str | None) -> list[str]:
        """The decided mentions of a group item's version, in reading order."""
        return [s.id for s in sorted(self.spans.values(), key=lambda s: (s.start, s.end))
                if group is not None and s.cluster == group and s.decision in HUMAN_DECISIONS]

    def _span_text(self, span_id: str) -> str:
        span = self.spans.get(span_id)
        return " ".join(self.text[span.start:span.end].split())[:30] if span else span_id

    def _row_item(self, row: Row) -> QTreeWidgetItem:
        first = row.left or row.right
        left = self._describe(row.left) if row.left is not None else "—"
        right = self._describe(row.right) if row.right is not None else "—"
        if row.left is not None and row.right is not None and not row.agreed:
            text = f"{self._surface(row.left)}  |  {self._surface(row.right)}"
        else:
            text = self._surface(first)
        gold = "✓" if any(i.in_gold for i in row.items) else ""
        item = QTreeWidgetItem([text, left, right, gold])
        if not row.agreed:
            for column in (1, 2):
                item.setForeground(column, QBrush(QColor("#D55E00")))
        return item

    def current_row(self) -> Row | None:
        index = self.list.currentIndex().row()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _show_current(self) -> None:
        row = self.current_row()
        if row is None:
            return
        for view, item, side in ((self.left_view, row.left, "left"), (self.right_view, row.right, "right")):
            ids = [getattr(item, side)] if item is not None and getattr(item, side) else []
            if item is not None and item.kind == "group":
                ids = self._mentions(getattr(item, side))  # every mention of the entity, marked
            view.set_marked([i for i in ids if i in self.spans])
            if ids and ids[0] in self.spans:
                view.set_selected(ids[0])
            else:
                view.set_selected(None)
                view.select_range(row.start, row.start)
                view.ensureCursorVisible()

    # ---- actions -------------------------------------------------------------------------

    def step(self, delta: int) -> None:
        index = self.list.currentIndex().row() + delta
        if 0 <= index < len(self.rows):
            self.list.setCurrentItem(self.list.topLevelItem(index))

    def take_side(self, side: str) -> None:
        row = self.current_row()
        if row is None:
            return
        if side == "agreed" and not row.agreed:
            self._say("the annotators differ here: 1 takes the left, 2 the right, B both", error=True)
            return
        chosen = {"left": [row.left], "right": [row.right], "both": row.items, "agreed": [row.left]}[side]
        ids = [i.left if i is row.left and i.left else i.right for i in chosen if i is not None]
        if not ids:
            self._say(f"nothing on the {side} here", error=True)
            return
        if self._run(lambda: take(self.store, self.doc_id, *ids)):
            self.reload()
            self.step(1)

    def take_all_agreed(self) -> None:
        """Every agreed annotation not yet in the gold, as one action (one Ctrl+Z takes it back)."""
        ids = [row.left.left for row in self.rows if row.agreed and not row.left.in_gold]
        if not ids:
            self._say("every agreed annotation is already in the gold")
            return
        if self._run(lambda: take(self.store, self.doc_id, *ids, action="adjudicate: take all agreed")):
            self._say(f"took {len(ids)} agreed annotations (Ctrl+Z takes them all back)")
            self.reload()

    def undo(self) -> None:
        if self._run(self.store.undo):
            self.reload()

    def redo(self) -> None:
        if self._run(self.store.redo):
            self.reload()

    def mark_done(self) -> None:
        if self._run(lambda: self.store.set_status(self.doc_id, DONE)):
            self._say(f"{self.store.annotator}'s version of this document is done")

    def _run(self, action) -> bool:
        try:
            action()
        except MarginaliaError as exc:
            self._say(str(exc), error=True)
            return False
        self._say("saved")
        return True

    def _say(self, text: str, *, error: bool = False) -> None:
        if error:
            self.last_error = text
        self.status.setStyleSheet("color: #C0392B;" if error else "")
        self.status.setText(text)


def annotators_of(store, doc_id: str) -> list[str]:
    """People with decided annotations on a document, most active first."""
    rows = store.conn.execute(
        "SELECT annotator, count(*) FROM spans WHERE doc_id = ? AND annotator IS NOT NULL "
        "AND decision IN ('accepted', 'manual') GROUP BY annotator ORDER BY count(*) DESC, annotator", [doc_id])
    return [r[0] for r in rows]


__all__ = ["AdjudicationView", "annotators_of", "group_rows", "LEFT_ONLY"]
