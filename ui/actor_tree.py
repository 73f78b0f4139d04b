"""The inspector's "Actors" tab: entities as people, places and organisations, with their mentions
folded under them, and what each one claims and which stances it holds.

Built when the tab is shown (and again after a change while it is shown), not on every key press:
one pass over the document's annotations.
"""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

from annotate.actors import actor_name
from annotate.model import CLAIM, REJECTED, SUGGESTED

ID_ROLE = Qt.ItemDataRole.UserRole
#: Labels listed as actors even with one mention (a person, an organisation, a country).
ACTOR_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ActorTree(QTreeWidget):
    annotationSelected = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setHeaderLabels(["Entity", "Label", "Mentions"])
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setToolTip("Each entity with its mentions, its claims and its stances; a suggested group is grey")
        self.items: dict[str, QTreeWidgetItem] = {}
        self.itemSelectionChanged.connect(self._selected)

    def _selected(self) -> None:
        items = self.selectedItems()
        if items and items[0].data(0, ID_ROLE):
            self.annotationSelected.emit(items[0].data(0, ID_ROLE))

    def show_state(self, state) -> None:
        """Rebuild from a ``DocumentState`` (entities, groups, claims, stances)."""
        self.setUpdatesEnabled(False)
        self.clear()
        self.items = {}
        text = state.text
        mentions = [s for s in state.spans.values() if s.layer != CLAIM and s.decision != REJECTED]
        groups: dict[str, list] = {}
        for span in mentions:
            key = span.cluster if span.cluster in state.clusters and \
                state.clusters[span.cluster].decision != REJECTED else span.id
            groups.setdefault(key, []).append(span)
        claims_by: dict[str, list] = {}
        for claim in state.spans.values():
            if claim.layer == CLAIM and claim.decision != REJECTED and claim.claimant in state.spans:
                claimant = state.spans[claim.claimant]
                claims_by.setdefault(claimant.cluster or claimant.id, []).append(claim)
        stances_by: dict[str, list] = {}
        for stance in state.stances.values():
            holder = state.spans.get(stance.holder)
            if holder is not None and stance.decision != REJECTED:
                stances_by.setdefault(holder.cluster or holder.id, []).append(stance)
        ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), min(s.start for s in item[1])))
        for key, members in ordered:
            members.sort(key=lambda s: s.start)
            if len(members) == 1 and members[0].label not in ACTOR_LABELS and key not in claims_by:
                continue
            name = _short(actor_name(text, members), 40)
            cluster = state.clusters.get(key)
            top = QTreeWidgetItem([name, members[0].label, str(len(members))])
            top.setData(0, ID_ROLE, key if cluster is not None else members[0].id)
            if cluster is not None and cluster.decision == SUGGESTED:
                for column in range(3):
                    top.setForeground(column, QBrush(QColor("#8A8A8A")))
                top.setToolTip(0, "suggested group: A accepts it, X rejects it (its mentions then stand alone)")
            self.addTopLevelItem(top)
            self.items[top.data(0, ID_ROLE)] = top
            for member in members:
                # The mention first (the column is narrow), then the words after it.
                context = _short(f"{text[member.start:member.end]} · {text[member.end:member.end + 40]}", 70)
                child = QTreeWidgetItem([context, member.label, member.decision])
                child.setToolTip(0, "<qt>" + html.escape(_short(text[max(0, member.start - 60):member.end + 60],
                                                                200)) + "</qt>")
                child.setData(0, ID_ROLE, member.id)
                top.addChild(child)
                self.items[member.id] = child
            for claim in claims_by.get(key, []):
                child = QTreeWidgetItem([f"claims: {_short(text[claim.start:claim.end], 60)}", "CLAIM",
                                         claim.claim_type or ""])
                child.setData(0, ID_ROLE, claim.id)
                top.addChild(child)
            for stance in stances_by.get(key, []):
                target = state.spans.get(stance.target)
                what = _short(text[target.start:target.end], 40) if target else stance.target
                child = QTreeWidgetItem([f"{stance.polarity} {what}", "STANCE", stance.decision])
                child.setData(0, ID_ROLE, stance.id)
                top.addChild(child)
        self.setUpdatesEnabled(True)

    def select(self, annotation_id: str | None) -> None:
        self.blockSignals(True)
        self.clearSelection()
        item = self.items.get(annotation_id) if annotation_id else None
        if item is not None:
            item.setSelected(True)
            self.scrollToItem(item)
        self.blockSignals(False)
