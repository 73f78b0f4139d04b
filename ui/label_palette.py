"""The label palette: one key, a few letters, Enter, and any label of the schema is applied.

A schema can hold more labels than there are comfortable keys (an import adds its own); the
palette reaches every one of them the same way. Letters match a label's start first, then the
start of any of its words ("art" finds WORK_OF_ART), then its initials ("woa"), then anywhere
in the label or its description; case and accents are ignored.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from annotate.folding import fold

from .list_keys import ListKeys


def rank(query: str, label: str, description: str = "") -> int | None:
    """How well ``query`` names ``label`` (lower is better), None when it does not."""
    needle = fold(query.strip()).replace(" ", "_")
    if not needle:
        return 0
    name = fold(label)
    words = [w for w in name.replace("-", "_").split("_") if w]
    if name.startswith(needle):
        return 0
    if any(word.startswith(needle) for word in words):
        return 1
    if "".join(word[0] for word in words).startswith(needle):
        return 2
    if needle in name:
        return 3
    if needle in fold(description):
        return 4
    return None


class LabelPalette(QDialog):
    """Type to narrow the labels; Enter applies the highlighted one, Up and Down move, Esc closes."""

    def __init__(self, parent, entities, keys: dict[str, str], apply):
        super().__init__(parent)
        self.setWindowTitle("Label")
        self.entities = list(entities)
        self.keys = keys
        self.apply = apply
        self.search = QLineEdit(placeholderText="Label: type a few letters, Enter to apply")
        self.choices = QListWidget()
        hint = QLabel("Applies to the selected text, or relabels the selected entity")
        hint.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.choices, 1)
        layout.addWidget(hint)
        self.search.textChanged.connect(self._fill)
        self.search.returnPressed.connect(self._choose)
        self.choices.itemActivated.connect(lambda _item: self._choose())
        self.list_keys = ListKeys(self.search, self.choices)
        self._fill("")
        self.resize(380, 360)
        self.search.setFocus()

    def _fill(self, query: str) -> None:
        self.choices.clear()
        ranked = []
        for order, entity in enumerate(self.entities):
            score = rank(query, entity.label, entity.description)
            if score is not None:
                ranked.append((score, order, entity))
        for _, _, entity in sorted(ranked, key=lambda item: item[:2]):
            key = self.keys.get(entity.label, "")
            item = QListWidgetItem(f"{entity.label}    {key}".rstrip())
            item.setData(Qt.ItemDataRole.UserRole, entity.label)
            item.setToolTip(entity.description)
            swatch = QColor(entity.color)
            swatch.setAlpha(110)
            item.setBackground(swatch)
            self.choices.addItem(item)
        self.choices.setCurrentRow(0)

    def current_label(self) -> str | None:
        item = self.choices.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _choose(self) -> None:
        label = self.current_label()
        if label is None:
            return
        self.accept()
        self.apply(label)


class LabelPaletteActions:
    """A mixin of MainWindow. Expects: self.schema, self.keymap, self.label_selection, self.view."""

    label_palette: LabelPalette | None = None

    def show_label_palette(self) -> LabelPalette:
        from .keymap import native
        keys = {}
        for entity in self.schema.entities:
            bound = self.keymap.keys.get(f"label.{entity.label}", [])
            keys[entity.label] = native(bound[0]) if bound else ""
        palette = LabelPalette(self, self.schema.entities, keys, self.label_selection)
        palette.finished.connect(lambda _result: self.view.setFocus())
        self.label_palette = palette
        palette.open()
        return palette
