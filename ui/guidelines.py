"""The guidelines panel (F2): what each label means, from the schema's descriptions, and the
guidelines file the schema names, side by side with the article.

Shown as plain text: the guidelines come from a file, and like article text they are data,
never markup to interpret.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDockWidget, QPlainTextEdit

from annotate.schema import Schema


def guidelines_text(schema: Schema) -> str:
    """The labels with their descriptions and keys, then the guidelines file's text."""
    lines = ["ENTITY LABELS"]
    for e in schema.entities:
        key = f" [{e.hotkey.upper()}]" if e.hotkey else ""
        lines.append(f"  {e.label}{key}" + (f" — {e.description}" if e.description else ""))
    lines += ["", "CLAIMS" + (f" [{schema.claim_hotkey.upper()}]" if schema.claim_hotkey else ""),
              "  types: " + ", ".join(schema.claim_types) + f" (default {schema.default_claim_type})",
              "", "STANCES", "  polarities: " + ", ".join(schema.polarities)]
    if schema.relations:
        lines += ["", "RELATIONS"]
        for r in schema.relations:
            ends = ""
            if r.head or r.tail:
                ends = f" ({'/'.join(r.head) or 'any'} → {'/'.join(r.tail) or 'any'})"
            key = f" [{r.hotkey.upper()}]" if r.hotkey else ""
            lines.append(f"  {r.label}{key}{ends}" + (f" — {r.description}" if r.description else ""))
    if schema.document_labels:
        lines += ["", "DOCUMENT LABELS", "  " + ", ".join(schema.document_labels)]
    if schema.guidelines.strip():
        lines += ["", "GUIDELINES", "", schema.guidelines.rstrip()]
    return "\n".join(lines)


class GuidelinesPanel(QDockWidget):
    def __init__(self, schema: Schema, parent=None):
        super().__init__("Guidelines", parent)
        self.setObjectName("guidelines")
        self.setAllowedAreas(Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.LeftDockWidgetArea
                             | Qt.DockWidgetArea.BottomDockWidgetArea)
        self.body = QPlainTextEdit()
        self.body.setReadOnly(True)
        self.body.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = QFont(self.body.font())
        font.setPointSizeF(max(9.0, font.pointSizeF()))
        self.body.setFont(font)
        self.setWidget(self.body)
        self.setMinimumWidth(340)
        self.show_schema(schema)

    def show_schema(self, schema: Schema) -> None:
        self.body.setPlainText(guidelines_text(schema))
