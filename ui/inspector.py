"""The inspector: the document's entities, claims, stances, relations and labels as lists.

Each row selects its annotation in the text and back. The lists are models whose rows are
described only when shown (ui/annotation_list.py), and updated one by one from the changes of
an action, never rebuilt wholesale on a keypress.
"""
from __future__ import annotations

from itertools import count

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QTabWidget

from annotate.model import CLAIM, REJECTED, SUGGESTED, Relation, Span, Stance

from .annotation_list import AnnotationList, Row


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class CheckList(QListWidget):
    """A list of check boxes whose Space toggles the current box even though the window binds
    Space ("mark for stance or relation"): a window shortcut takes a key before the focused widget
    unless the widget claims it when asked (ShortcutOverride)."""

    def event(self, event) -> bool:
        if (event.type() == QEvent.Type.ShortcutOverride and event.key() == Qt.Key.Key_Space
                and event.modifiers() == Qt.KeyboardModifier.NoModifier):
            event.accept()
            return True
        return super().event(event)


class Inspector(QTabWidget):
    annotationSelected = Signal(str)
    annotationActivated = Signal(str)
    documentLabelsChanged = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.text = ""
        self.spans: dict[str, Span] = {}
        self.stances_by_id: dict[str, Stance] = {}
        self.relations_by_id: dict[str, Relation] = {}
        self._order = count()
        self.entities = AnnotationList(["Entity", "Label", "Decision", "Score"], self._entity_row)
        self.claims = AnnotationList(["Claim", "Claimant", "Type", "Check-worthy"], self._claim_row)
        self.stances = AnnotationList(["Holder → target", "Polarity"], self._stance_row)
        self.relations = AnnotationList(["Head", "Relation", "Tail"], self._relation_row)
        self.labels = CheckList()
        self.labels.setToolTip("Labels for the whole document (click to toggle)")
        self.addTab(self.entities, "Entities")
        self.addTab(self.claims, "Claims")
        self.addTab(self.stances, "Stances")
        self.addTab(self.relations, "Relations")
        self.addTab(self.labels, "Document")
        for lst in (self.entities, self.claims, self.stances, self.relations):
            lst.picked.connect(self.annotationSelected)
            lst.activated.connect(self.annotationActivated)
        self.labels.itemChanged.connect(self._labels_changed)

    def _labels_changed(self, _item) -> None:
        checked = [self.labels.item(i).text() for i in range(self.labels.count())
                   if self.labels.item(i).checkState() == Qt.CheckState.Checked]
        self.documentLabelsChanged.emit(checked)

    def show_document(self, text: str, spans: dict[str, Span], stances: dict[str, Stance],
                      relations: dict[str, Relation], labels: list[str], schema_labels: tuple[str, ...]) -> None:
        self.text, self.spans = text, spans
        self.stances_by_id, self.relations_by_id = dict(stances), dict(relations)
        self.entities.model_.reset([(s.start, -s.end, s.id) for s in spans.values() if s.layer != CLAIM])
        self.claims.model_.reset([(s.start, -s.end, s.id) for s in spans.values() if s.layer == CLAIM])
        self.stances.model_.reset([(next(self._order), key) for key in stances])
        self.relations.model_.reset([(next(self._order), key) for key in relations])
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

    # ---- rows, described when shown -------------------------------------------------------------

    def _label_of(self, span_id: str | None) -> str:
        span = self.spans.get(span_id) if span_id else None
        return _short(self.text[span.start:span.end], 30) if span else (span_id or "")

    def _entity_row(self, span_id: str) -> Row:
        span = self.spans[span_id]
        return Row((_short(self.text[span.start:span.end]), span.label, span.decision,
                    "" if span.score is None else f"{span.score:.2f}"), dim=span.decision in (SUGGESTED, REJECTED))

    def _claim_row(self, span_id: str) -> Row:
        span = self.spans[span_id]
        claimant = self._label_of(span.claimant) if span.claimant else (span.claimant_text or "—")
        return Row((_short(self.text[span.start:span.end]), claimant, span.claim_type or "",
                    {True: "yes", False: "no", None: ""}[span.checkworthy]),
                   dim=span.decision in (SUGGESTED, REJECTED), tooltip=self.text[span.start:span.end])

    def _stance_row(self, stance_id: str) -> Row:
        stance = self.stances_by_id[stance_id]
        evidence = f" (evidence: {self._label_of(stance.evidence)})" if stance.evidence else ""
        return Row((f"{self._label_of(stance.holder)} → {self._label_of(stance.target)}{evidence}", stance.polarity),
                   dim=stance.decision == SUGGESTED)

    def _relation_row(self, relation_id: str) -> Row:
        relation = self.relations_by_id[relation_id]
        return Row((self._label_of(relation.head), relation.label, self._label_of(relation.tail)),
                   dim=relation.decision == SUGGESTED)

    # ---- changes ---------------------------------------------------------------------------------

    def update_spans(self, changed: dict[str, Span | None]) -> None:
        entities, claims = [], []
        for span_id, span in changed.items():
            if span is None:
                self.spans.pop(span_id, None)
                entities.append((None, span_id))
                claims.append((None, span_id))
                continue
            self.spans[span_id] = span
            (claims if span.layer == CLAIM else entities).append(((span.start, -span.end, span_id), span_id))
        self.entities.model_.put_many(entities)
        self.claims.model_.put_many(claims)
        if changed:  # stances, relations and claimants name spans by their text
            for lst in (self.stances, self.relations, self.claims):
                lst.model_.refresh_all()

    def put_stance(self, stance_id: str, stance: Stance | None) -> None:
        self._put(self.stances, self.stances_by_id, stance_id, stance)

    def put_relation(self, relation_id: str, relation: Relation | None) -> None:
        self._put(self.relations, self.relations_by_id, relation_id, relation)

    def _put(self, lst: AnnotationList, by_id: dict, annotation_id: str, value) -> None:
        if value is None:
            by_id.pop(annotation_id, None)
            lst.model_.put(None, annotation_id)
            return
        by_id[annotation_id] = value
        lst.model_.put(lst.model_.key_of(annotation_id) or (next(self._order), annotation_id), annotation_id)

    def select(self, annotation_id: str | None) -> None:
        for lst in (self.entities, self.claims, self.stances, self.relations):
            lst.select(annotation_id)
