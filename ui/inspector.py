"""The inspector: the document's entities, claims, stances, relations and labels as lists.

Each row selects its annotation in the text and back. Rows are updated one by one from the
changes of an action, never rebuilt wholesale on a keypress.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QListWidget, QListWidgetItem, QTabWidget, QTreeWidget,
                               QTreeWidgetItem)

from annotate.model import CLAIM, REJECTED, SUGGESTED, Relation, Span, Stance

ID_ROLE = Qt.ItemDataRole.UserRole


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _AnnotationList(QTreeWidget):
    def __init__(self, headers: list[str], parent=None):
        super().__init__(parent)
        self.setHeaderLabels(headers)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.items: dict[str, QTreeWidgetItem] = {}

    def put(self, annotation_id: str, values: list[str] | None, *, dim: bool = False, tooltip: str = "") -> None:
        item = self.items.get(annotation_id)
        if values is None:
            if item is not None:
                self.takeTopLevelItem(self.indexOfTopLevelItem(item))
                del self.items[annotation_id]
            return
        if item is None:
            item = QTreeWidgetItem()
            item.setData(0, ID_ROLE, annotation_id)
            self.addTopLevelItem(item)
            self.items[annotation_id] = item
        for column, value in enumerate(values):
            item.setText(column, value)
            # Article text is data: items show plain text, but tooltips would parse HTML.
            item.setToolTip(column, "<qt>" + _escape(tooltip or value) + "</qt>")
            item.setForeground(column, QBrush(QColor("#8A8A8A")) if dim else QBrush())

    def clear_all(self) -> None:
        self.clear()
        self.items.clear()

    def select(self, annotation_id: str | None) -> None:
        self.blockSignals(True)
        self.clearSelection()
        item = self.items.get(annotation_id) if annotation_id else None
        if item is not None:
            item.setSelected(True)
            self.scrollToItem(item)
        self.blockSignals(False)


def _escape(text: str) -> str:
    import html
    return html.escape(text)


class Inspector(QTabWidget):
    annotationSelected = Signal(str)
    annotationActivated = Signal(str)
    documentLabelsChanged = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entities = _AnnotationList(["Entity", "Label", "Decision", "Score"])
        self.claims = _AnnotationList(["Claim", "Claimant", "Type", "Check-worthy"])
        self.stances = _AnnotationList(["Holder → target", "Polarity"])
        self.relations = _AnnotationList(["Head", "Relation", "Tail"])
        self.labels = QListWidget()
        self.labels.setToolTip("Labels for the whole document (click to toggle)")
        self.addTab(self.entities, "Entities")
        self.addTab(self.claims, "Claims")
        self.addTab(self.stances, "Stances")
        self.addTab(self.relations, "Relations")
        self.addTab(self.labels, "Document")
        for lst in (self.entities, self.claims, self.stances, self.relations):
            lst.itemSelectionChanged.connect(lambda lst=lst: self._selected_in(lst))
            lst.itemDoubleClicked.connect(lambda item, _column: self.annotationActivated.emit(item.data(0, ID_ROLE)))
        self.labels.itemChanged.connect(self._labels_changed)
        self.text = ""
        self.spans: dict[str, Span] = {}

    def _selected_in(self, lst: _AnnotationList) -> None:
        items = lst.selectedItems()
        if items:
            self.annotationSelected.emit(items[0].data(0, ID_ROLE))

    def _labels_changed(self, _item) -> None:
        checked = [self.labels.item(i).text() for i in range(self.labels.count())
                   if self.labels.item(i).checkState() == Qt.CheckState.Checked]
        self.documentLabelsChanged.emit(checked)

    def show_document(self, text: str, spans: dict[str, Span], stances: dict[str, Stance],
                      relations: dict[str, Relation], labels: list[str], schema_labels: tuple[str, ...]) -> None:
        self.text, self.spans = text, spans
        for lst in (self.entities, self.claims, self.stances, self.relations):
            lst.setUpdatesEnabled(False)
            lst.clear_all()
        for span in sorted(spans.values(), key=lambda s: (s.start, -s.end)):
            self._put_span(span.id, span)
        for stance in stances.values():
            self.put_stance(stance.id, stance)
        for relation in relations.values():
            self.put_relation(relation.id, relation)
        for lst in (self.entities, self.claims, self.stances, self.relations):
            lst.setUpdatesEnabled(True)
        self.show_labels(labels, schema_labels)

    def show_labels(self, labels: list[str], schema_labels: tuple[str, ...]) -> None:
        """The document labels' boxes as the store has them (after an action, an undo, a redo):
        the next click then starts from what is saved."""
        current = self.labels.currentRow()
        self.labels.blockSignals(True)
        self.labels.clear()
        for label in schema_labels:
            item = QListWidgetItem(label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if label in labels else Qt.CheckState.Unchecked)
            self.labels.addItem(item)
        self.labels.setCurrentRow(current)
        self.labels.blockSignals(False)

    def _label_of(self, span_id: str | None) -> str:
        span = self.spans.get(span_id) if span_id else None
        return _short(self.text[span.start:span.end], 30) if span else (span_id or "")

    def _put_span(self, span_id: str, span: Span | None) -> None:
        if span is None:
            self.entities.put(span_id, None)
            self.claims.put(span_id, None)
            return
        text = _short(self.text[span.start:span.end])
        dim = span.decision in (SUGGESTED, REJECTED)
        if span.layer == CLAIM:
            claimant = self._label_of(span.claimant) if span.claimant else (span.claimant_text or "—")
            self.claims.put(span_id, [text, claimant, span.claim_type or "",
                                      {True: "yes", False: "no", None: ""}[span.checkworthy]], dim=dim,
                            tooltip=self.text[span.start:span.end])
        else:
            decision = span.decision
            self.entities.put(span_id, [text, span.label, decision,
                                        "" if span.score is None else f"{span.score:.2f}"], dim=dim)

    def update_spans(self, changed: dict[str, Span | None]) -> None:
        for span_id, span in changed.items():
            if span is None:
                self.spans.pop(span_id, None)
            else:
                self.spans[span_id] = span
            self._put_span(span_id, span)

    def put_stance(self, stance_id: str, stance: Stance | None) -> None:
        if stance is None:
            self.stances.put(stance_id, None)
            return
        evidence = f" (evidence: {self._label_of(stance.evidence)})" if stance.evidence else ""
        self.stances.put(stance_id, [f"{self._label_of(stance.holder)} → {self._label_of(stance.target)}{evidence}",
                                     stance.polarity], dim=stance.decision == SUGGESTED)

    def put_relation(self, relation_id: str, relation: Relation | None) -> None:
        if relation is None:
            self.relations.put(relation_id, None)
            return
        self.relations.put(relation_id, [self._label_of(relation.head), relation.label,
                                         self._label_of(relation.tail)], dim=relation.decision == SUGGESTED)

    def select(self, annotation_id: str | None) -> None:
        for lst in (self.entities, self.claims, self.stances, self.relations):
            lst.select(annotation_id)
