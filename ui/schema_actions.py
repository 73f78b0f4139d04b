"""The Schema menu: show the database's schema, load a schema file, add an entity label.

A mixin of MainWindow. A new schema is stored as a new version (``Store.set_schema`` refuses one
that drops a label annotations still use, naming it); the window is then rebuilt on it, so its
label keys, colours and palette are the new schema's at once.
"""
from __future__ import annotations

import dataclasses
import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QColorDialog, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLabel, QLineEdit,
                               QPushButton, QTextBrowser, QVBoxLayout)

from annotate.errors import MarginaliaError


def schema_html(schema, version: int | None) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td><span style='background:{ent.color}'>&nbsp;&nbsp;&nbsp;&nbsp;</span></td><td><b>{e(ent.label)}</b></td>"
        f"<td><code>{e((ent.hotkey or '').upper())}</code></td><td>{e(ent.color)}</td><td>{e(ent.description)}</td></tr>"
        for ent in schema.entities)
    relations = "".join(
        f"<tr><td><b>{e(r.label)}</b></td><td><code>{e((r.hotkey or '').upper())}</code></td>"
        f"<td>{e(', '.join(r.head) or 'any')} → {e(', '.join(r.tail) or 'any')}</td><td>{e(r.description)}</td></tr>"
        for r in schema.relations)
    polarities = ", ".join(f"{p} ({schema.polarity_hotkeys.get(p, '').upper() or 'no key'})" for p in schema.polarities)
    return (f"<h3>{e(schema.name)} (file version {schema.version}; version {version} in this database)</h3>"
            f"<h4>Entity labels</h4><table cellpadding=3>{rows}</table>"
            f"<h4>Claims</h4><p>key <code>{e((schema.claim_hotkey or '').upper())}</code>; types: "
            f"{e(', '.join(schema.claim_types))} (default {e(schema.default_claim_type)})</p>"
            f"<h4>Stances</h4><p>{e(polarities)}</p>"
            f"<h4>Relations</h4><table cellpadding=3>{relations}</table>"
            f"<h4>Document labels</h4><p>{e(', '.join(schema.document_labels)) or 'none'}</p>")


class AddLabelDialog(QDialog):
    def __init__(self, parent, *, used_colours: dict[str, str], key_problem):
        super().__init__(parent)
        self.setWindowTitle("Add label")
        self.key_problem = key_problem
        self.label = QLineEdit()
        self.label.setPlaceholderText("e.g. WEAPON")
        from annotate.palette import next_colors
        # The colour that stays farthest from the labels' colours, for every reader (annotate.palette).
        self.used_colours = dict(used_colours)  # label -> colour
        self.colour = next_colors(list(self.used_colours.values()), 1)[0]
        #: Says when a colour chosen by hand is hard to tell from a label's for some readers.
        self.colour_note = QLabel("")
        self.colour_note.setTextFormat(Qt.TextFormat.PlainText)
        self.colour_note.setWordWrap(True)
        self.colour_button = QPushButton()
        self.colour_button.clicked.connect(self._choose_colour)
        self.key = QLineEdit()
        self.key.setMaxLength(1)
        self.key.setPlaceholderText("one letter or digit (optional)")
        self.description = QLineEdit()
        self.problem = QLabel("")
        self.problem.setStyleSheet("color: #C0392B;")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Add")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for edit in (self.label, self.key):
            edit.textChanged.connect(self._check)
        form = QFormLayout(self)
        form.addRow("&Label", self.label)
        form.addRow("&Colour", self.colour_button)
        form.addRow("", self.colour_note)
        form.setRowVisible(self.colour_note, False)  # shown only when there is something to say
        form.addRow("&Key", self.key)
        form.addRow("&Description", self.description)
        form.addRow(self.problem)
        form.addRow(self.buttons)
        self.form = form
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)  # the key's hint and a note, unclipped
        self._show_colour()
        self._check()

    def _note(self, text: str) -> None:
        self.colour_note.setText(text)
        self.form.setRowVisible(self.colour_note, bool(text))
        # A wrapped note is as tall as the dialog's width makes it: grow to show all of it.
        self.resize(self.width(), max(self.height(), self.form.totalHeightForWidth(self.width())))

    def _show_colour(self) -> None:
        from annotate import palette
        self.colour_button.setText(self.colour)
        self.colour_button.setStyleSheet(f"background: {self.colour}; color: #1B1B1B;")
        near = [(min(palette.distances(self.colour, colour).items(), key=lambda item: item[1]), label)
                for label, colour in self.used_colours.items()]
        if near:
            ((theme, vision), distance), label = min(near, key=lambda item: item[0][1])
            if distance < palette.MIN_DISTANCE:
                reader = {"normal": "anyone", "deutan": "readers with deuteranopia",
                          "protan": "readers with protanopia", "tritan": "readers with tritanopia"}[vision]
                self._note(f"Hard to tell from {label} for {reader} in the {theme} theme "
                           f"({distance:.1f} apart; the offered colour keeps {palette.MIN_DISTANCE})")
                return
        self._note("")

    def _choose_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self.colour), self, "Label colour")
        if colour.isValid():
            self.colour = colour.name().upper()
            self._show_colour()

    def _check(self) -> None:
        problem = self.key_problem(self.label.text().strip(), self.key.text().strip().lower())
        self.problem.setText(problem or "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def values(self) -> dict:
        return {"label": self.label.text().strip(), "color": self.colour,
                "hotkey": self.key.text().strip().lower() or None, "description": self.description.text().strip()}


class SchemaActions:
    """Expects: self.store, self.schema, self.keymap, self._session, self._report, self.message."""

    def show_schema(self) -> QDialog:
        dialog = QDialog(self)
        dialog.setWindowTitle("Schema")
        browser = QTextBrowser()
        browser.setHtml(schema_html(self.schema, self.store.schema_version()))
        dialog.browser = browser
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(browser)
        layout.addWidget(buttons)
        dialog.resize(720, 640)
        self.schema_dialog = dialog
        dialog.show()
        return dialog

    def load_schema_file(self, path: Path | None = None) -> bool:
        from annotate.schema import load_schema
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, "Load schema", "", "Schema (*.toml);;All files (*)")
            if not name:
                return False
            path = Path(name)
        try:
            schema = load_schema(path)
            version = self.store.set_schema(schema)
        except MarginaliaError as exc:
            self._report("Schema not loaded", f"{exc}\n\nThe schema was not changed.")
            return False
        self._session().reload_window()
        self._session().window.message(f"schema {schema.name} from {path.name} loaded as version {version}")
        return True

    def _label_problem(self, label: str, key: str) -> str | None:
        from annotate.schema import _LABEL
        if not label:
            return "give the label a name"
        if not _LABEL.fullmatch(label):
            return "a label starts with a letter and holds letters, digits, - or _ (64 at most)"
        if self.schema.entity(label):
            return f"{label} is already a label"
        if key:
            if not key.isalnum():
                return "the key must be a letter or a digit"
            holder = next((e.label for e in self.schema.entities if e.hotkey == key), None)
            if holder or key == self.schema.claim_hotkey:
                return f"{key.upper()} is already the key of {holder or 'Make claim'}"
            problem = self.keymap.conflict(f"label.{label}", [key.upper()])
            if problem:
                return problem
        return None

    def add_label(self) -> AddLabelDialog:
        dialog = AddLabelDialog(self, used_colours={e.label: e.color for e in self.schema.entities},
                                key_problem=self._label_problem)
        dialog.accepted.connect(lambda: self._add_label(dialog.values()))
        self.add_label_dialog = dialog
        dialog.open()
        return dialog

    def _add_label(self, values: dict) -> None:
        from annotate.schema import EntityLabel, schema_from_dict
        schema = dataclasses.replace(self.schema, entities=self.schema.entities + (EntityLabel(**values),))
        try:
            checked = schema_from_dict(schema.to_dict())  # the file loader's checks, for the same guarantees
            self.store.set_schema(checked)
        except MarginaliaError as exc:
            self._report("Label not added", str(exc))
            return
        self._session().reload_window()
        key = f" (key {values['hotkey'].upper()})" if values["hotkey"] else ""
        self._session().window.message(f"label {values['label']}{key} added to the schema")
