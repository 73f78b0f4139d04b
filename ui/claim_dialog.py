"""Editing a claim from the keyboard: claimant (an entity, or a free-text source), type, check-worthy.

Each name is listed once, and stands for all its mentions: the claim's own claimant (or the
proposed one) selects the row of its name whichever mention it is, and OK keeps that very
mention. OK changes only what the person changed: an untouched field is not written.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QVBoxLayout)

from annotate.folding import fold
from annotate.model import Span

from .list_keys import ListKeys

FREE_TEXT = "__free_text__"
NO_CLAIMANT = "__none__"


@dataclass
class _Name:
    """One row of the list: a name and label, and the ids of every mention of it."""

    surface: str
    label: str
    mentions: list[Span]

    @property
    def key(self) -> str:
        return self.mentions[0].id


def type_keys(claim_types, taken: set[str]) -> dict[str, str]:
    """Alt and a letter for each claim type: its first letter not taken, else a later one of its name,
    else a digit (statement Alt+S, opinion Alt+O, prediction Alt+P, accusation Alt+A, commitment Alt+M)."""
    used = set(taken)
    keys = {}
    for claim_type in claim_types:
        letters = [ch for ch in fold(claim_type) if ch.isascii() and ch.isalnum()]
        choice = next((ch for ch in letters if ch not in used), None)
        if choice is None:
            choice = next((d for d in "123456789" if d not in used), None)
        if choice is None:
            continue
        used.add(choice)
        keys[claim_type] = f"Alt+{choice.upper()}"
    return keys


class ClaimDialog(QDialog):
    """Type to filter the entities; Enter picks the highlighted one, or the typed text as a source."""

    def __init__(self, parent, *, text: str, claim: Span, entities: list[Span], claim_types: tuple[str, ...],
                 default_claimant: str | None):
        super().__init__(parent)
        self.setWindowTitle("Claim")
        self.text = text
        self.claim = claim
        self.proposed = default_claimant
        self.names = self._names(entities)
        quote = " ".join(text[claim.start:claim.end].split())
        preview = QLabel(f"“{quote[:240]}{'…' if len(quote) > 240 else ''}”")
        preview.setTextFormat(Qt.TextFormat.PlainText)
        preview.setWordWrap(True)
        self.search = QLineEdit(placeholderText="Who claims it? Type to filter, or type a source not in the text")
        self.search.setToolTip("Filters the entities below (accents and case ignored); if none fits, the typed "
                               "text is kept as a free-text source")
        self.choices = QListWidget()
        self.choices.setToolTip("The document's people and organisations, each name once; Up/Down to choose, "
                                "Enter to confirm")
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
        #: One key per type (Alt and a letter of its name), so the type is one press from the search box.
        self.type_keys = type_keys(claim_types, taken={"t", "c"})
        for claim_type, key in self.type_keys.items():
            QShortcut(QKeySequence(key), self, lambda claim_type=claim_type: self.type.setCurrentText(claim_type))
        type_hint = QLabel("   ".join(f"{QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)} "
                                      f"{claim_type}" for claim_type, key in self.type_keys.items()))
        type_hint.setTextFormat(Qt.TextFormat.PlainText)
        type_hint.setWordWrap(True)
        type_hint.setStyleSheet("color: palette(placeholder-text);")
        self.proposal_note = QLabel()
        self.proposal_note.setTextFormat(Qt.TextFormat.PlainText)
        self.proposal_note.setStyleSheet("color: palette(placeholder-text);")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        # No mnemonics on the buttons: some platforms' "&OK" and "&Cancel" would take Alt+O and Alt+C.
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("OK")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(type_label, self.type)
        form.addRow("", type_hint)
        form.addRow("", self.checkworthy)
        layout = QVBoxLayout(self)
        layout.addWidget(preview)
        layout.addWidget(self.search)
        layout.addWidget(self.choices, 1)
        layout.addWidget(self.proposal_note)
        layout.addLayout(form)
        layout.addWidget(buttons)

        if claim.claimant_text and not claim.claimant:
            self.search.setText(claim.claimant_text)
            self._fill(claim.claimant_text)
            self._select(FREE_TEXT)
        else:
            self._fill("")
            shown = claim.claimant or default_claimant
            self._select(self._row_key(shown) if shown else NO_CLAIMANT)
        if not claim.claimant and not claim.claimant_text and default_claimant:
            self.proposal_note.setText(f"Proposed from the reporting verb: {self._surface(default_claimant)}")
        else:
            self.proposal_note.hide()
        # What the dialog showed at first, so that OK writes only what the person changed.
        self._shown = self._fields()
        self.search.textChanged.connect(self._fill)
        self.list_keys = ListKeys(self.search, self.choices)
        self.resize(560, 460)
        self.search.setFocus()

    # ---- the list ---------------------------------------------------------------------------

    def _names(self, entities: list[Span]) -> list[_Name]:
        names: dict[tuple[str, str], _Name] = {}
        for span in entities:
            surface = " ".join(self.text[span.start:span.end].split())
            names.setdefault((surface, span.label), _Name(surface, span.label, [])).mentions.append(span)
        return list(names.values())

    def _surface(self, span_id: str) -> str:
        name = next((n for n in self.names if any(m.id == span_id for m in n.mentions)), None)
        return f"{name.surface} ({name.label})" if name else span_id

    def _row_key(self, span_id: str) -> str:
        """The key of the row that stands for a mention (its name's row)."""
        return next((n.key for n in self.names if any(m.id == span_id for m in n.mentions)), span_id)

    def _fill(self, query: str) -> None:
        selected = self._current_key()
        self.choices.clear()
        needle = fold(query.strip())
        for name in self.names:
            if needle and needle not in fold(name.surface):
                continue
            item = QListWidgetItem(f"{name.surface}  ·  {name.label}")
            item.setData(Qt.ItemDataRole.UserRole, name.key)
            if len(name.mentions) > 1:
                item.setToolTip(f"{len(name.mentions)} mentions in this document")
            self.choices.addItem(item)
        if needle:
            item = QListWidgetItem(f"Source not in the text: “{query.strip()}”")
            item.setData(Qt.ItemDataRole.UserRole, FREE_TEXT)
            self.choices.addItem(item)
        none = QListWidgetItem("No claimant")
        none.setData(Qt.ItemDataRole.UserRole, NO_CLAIMANT)
        self.choices.addItem(none)
        # A name still listed stays chosen; otherwise the best match, at the top.
        if selected in (FREE_TEXT, NO_CLAIMANT) or not (selected and self._select(selected)):
            self.choices.setCurrentRow(0)

    def _select(self, key: str) -> bool:
        for row in range(self.choices.count()):
            if self.choices.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.choices.setCurrentRow(row)
                return True
        return False

    def _current_key(self) -> str | None:
        item = self.choices.currentItem() if hasattr(self, "choices") else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    # ---- the result ---------------------------------------------------------------------------

    def claimant_id(self) -> str | None:
        """The entity id the selected row stands for: the claim's own claimant or the proposed
        one when it is a mention of that name, else the mention nearest the claim."""
        key = self._current_key()
        name = next((n for n in self.names if n.key == key), None)
        if name is None:
            return key
        ids = [m.id for m in name.mentions]
        for preferred in (self.claim.claimant, self.proposed):
            if preferred in ids:
                return preferred
        return min(name.mentions, key=lambda m: min(abs(m.start - self.claim.end), abs(self.claim.start - m.end))).id

    def _fields(self) -> dict:
        choice = self.claimant_id()
        fields = {"claim_type": self.type.currentText(), "checkworthy": self.checkworthy.isChecked()}
        if choice == FREE_TEXT:
            fields.update(claimant=None, claimant_text=self.search.text().strip())
        elif choice in (None, NO_CLAIMANT):
            fields.update(claimant=None, claimant_text=None)
        else:
            fields.update(claimant=choice, claimant_text=None)
        return fields

    def all_fields(self) -> dict:
        """Every field, for a claim that does not exist yet: the draft's, with the person's
        changes and the claimant chosen (an untouched check box stays "not said", None)."""
        claim = self.claim
        return {"claimant": claim.claimant, "claimant_text": claim.claimant_text, "claim_type": claim.claim_type,
                "checkworthy": claim.checkworthy, **self.result_fields()}

    def result_fields(self) -> dict:
        """The fields to write: only those that differ from the claim as it was.

        The claimant counts as chosen when it differs from the claim's (a proposal shown for a
        claim without one is the dialog's choice, so OK records it); the type and check-worthiness
        when the person changed them from what the dialog showed."""
        now = self._fields()
        changed = {key: now[key] for key in ("claim_type", "checkworthy") if now[key] != self._shown[key]}
        if (now["claimant"], now["claimant_text"]) != (self.claim.claimant, self.claim.claimant_text):
            changed.update(claimant=now["claimant"], claimant_text=now["claimant_text"])
        return changed
