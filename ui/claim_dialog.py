"""Editing a claim from the keyboard: claimant (an entity, or a free-text source), type, check-worthy."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QVBoxLayout)

from annotate.model import Span

FREE_TEXT = "__free_text__"
NO_CLAIMANT = "__none__"


class ClaimDialog(QDialog):
    """Type to filter the entities; Enter picks the highlighted one, or the typed text as a source."""

    def __init__(self, parent, *, text: str, claim: Span, entities: list[Span], claim_types: tuple[str, ...],
                 default_claimant: str | None):
        super().__init__(parent)
        self.setWindowTitle("Claim")
        self.text = text
        self.entities = entities
        quote = " ".join(text[claim.start:claim.end].split())
        preview = QLabel(f"“{quote[:240]}{'…' if len(quote) > 240 else ''}”")
        preview.setTextFormat(Qt.TextFormat.PlainText)
        preview.setWordWrap(True)
        self.search = QLineEdit(placeholderText="Who claims it? Type to filter, or type a source not in the text")
        self.search.setToolTip("Filters the entities below; if none fits, the typed text is kept as a free-text source")
        self.choices = QListWidget()
        self.choices.setToolTip("The document's people and organisations; Up/Down to choose, Enter to confirm")
        self.type = QComboBox()
        for claim_type in claim_types:
            self.type.addItem(claim_type)
        self.type.setCurrentText(claim.claim_type or claim_types[0])
        self.type.setToolTip("What kind of claim (Alt+T)")
        self.checkworthy = QCheckBox("&Check-worthy")
        self.checkworthy.setChecked(bool(claim.checkworthy))
        self.checkworthy.setToolTip("Worth fact-checking (Alt+C)")
        type_label = QLabel("&Type")
        type_label.setBuddy(self.type)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(type_label, self.type)
        form.addRow("", self.checkworthy)
        layout = QVBoxLayout(self)
        layout.addWidget(preview)
        layout.addWidget(self.search)
        layout.addWidget(self.choices, 1)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._fill("")
        initial = claim.claimant or default_claimant
        if claim.claimant_text and not claim.claimant:
            self.search.setText(claim.claimant_text)
        elif initial:
            self._select(initial)
        self.search.textChanged.connect(self._fill)
        self.search.installEventFilter(self)
        self.resize(560, 460)
        self.search.setFocus()

    def _label(self, span: Span) -> str:
        return f"{' '.join(self.text[span.start:span.end].split())}  ·  {span.label}"

    def _fill(self, query: str) -> None:
        selected = self.claimant_id()
        self.choices.clear()
        needle = query.strip().casefold()
        seen = set()
        for span in self.entities:
            surface = " ".join(self.text[span.start:span.end].split())
            if (surface, span.label) in seen or (needle and needle not in surface.casefold()):
                continue
            seen.add((surface, span.label))
            item = QListWidgetItem(self._label(span))
            item.setData(Qt.ItemDataRole.UserRole, span.id)
            self.choices.addItem(item)
        if needle:
            item = QListWidgetItem(f"Source not in the text: “{query.strip()}”")
            item.setData(Qt.ItemDataRole.UserRole, FREE_TEXT)
            self.choices.addItem(item)
        none = QListWidgetItem("No claimant")
        none.setData(Qt.ItemDataRole.UserRole, NO_CLAIMANT)
        self.choices.addItem(none)
        if selected and self._select(selected):
            return
        self.choices.setCurrentRow(0)

    def _select(self, span_id: str) -> bool:
        for row in range(self.choices.count()):
            if self.choices.item(row).data(Qt.ItemDataRole.UserRole) == span_id:
                self.choices.setCurrentRow(row)
                return True
        return False

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        # Up and Down in the search box move through the list, so the hands stay on the keys.
        if watched is self.search and event.type() == event.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            row = self.choices.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
            self.choices.setCurrentRow(max(0, min(self.choices.count() - 1, row)))
            return True
        return super().eventFilter(watched, event)

    def claimant_id(self) -> str | None:
        item = self.choices.currentItem() if hasattr(self, "choices") else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def result_fields(self) -> dict:
        choice = self.claimant_id()
        fields = {"claim_type": self.type.currentText(), "checkworthy": self.checkworthy.isChecked()}
        if choice == FREE_TEXT:
            fields.update(claimant=None, claimant_text=self.search.text().strip())
        elif choice in (None, NO_CLAIMANT):
            fields.update(claimant=None, claimant_text=None)
        else:
            fields.update(claimant=choice, claimant_text=None)
        return fields
