"""Light and dark themes, and how each kind of annotation looks in them.

Label colours come from the schema (a colour-blind-safe set); every mark also differs in shape
(fill, underline, overline, italic), so colour is never the only cue.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette, QTextCharFormat
from PySide6.QtWidgets import QApplication

CLAIM_COLOR = "#7B3294"


@dataclass(frozen=True)
class Theme:
    name: str
    base: str
    text: str
    window: str
    decided_alpha: int
    suggested_alpha: int

    def fill(self, color: str, *, suggested: bool) -> QColor:
        c = QColor(color)
        c.setAlpha(self.suggested_alpha if suggested else self.decided_alpha)
        return c


LIGHT = Theme("light", base="#FCFCFA", text="#1B1B1B", window="#EFEFEC", decided_alpha=110, suggested_alpha=45)
DARK = Theme("dark", base="#1E1F22", text="#E6E6E6", window="#2B2D30", decided_alpha=120, suggested_alpha=55)
THEMES = {"light": LIGHT, "dark": DARK}


def apply_theme(app: QApplication, theme: Theme) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    base, text, window = QColor(theme.base), QColor(theme.text), QColor(theme.window)
    for role, color in ((QPalette.ColorRole.Window, window), (QPalette.ColorRole.Base, base),
                        (QPalette.ColorRole.AlternateBase, window), (QPalette.ColorRole.Text, text),
                        (QPalette.ColorRole.WindowText, text), (QPalette.ColorRole.ButtonText, text),
                        (QPalette.ColorRole.Button, window), (QPalette.ColorRole.ToolTipBase, base),
                        (QPalette.ColorRole.ToolTipText, text), (QPalette.ColorRole.PlaceholderText, QColor("#888888"))):
        palette.setColor(role, color)
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#3D7DCA"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#FFFFFF"))
    app.setPalette(palette)


def segment_format(theme: Theme, entities: list, claims: list, colors: dict[str, str]) -> QTextCharFormat:
    """The format of a stretch of text covered by ``entities`` (innermost first) and ``claims``.

    The innermost entity fills the background; a second, enclosing entity draws an overline in
    its colour; claims underline. Unreviewed suggestions are paler and italic.
    """
    fmt = QTextCharFormat()
    if entities:
        inner = entities[0]
        suggested = inner.decision == "suggested"
        fmt.setBackground(theme.fill(colors.get(inner.label, "#BBBBBB"), suggested=suggested))
        if suggested:
            fmt.setFontItalic(True)
        if len(entities) > 1:
            fmt.setFontOverline(True)
    if claims:
        fmt.setFontUnderline(True)
        suggested_claim = all(c.decision == "suggested" for c in claims)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline if suggested_claim
                              else QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(QColor(CLAIM_COLOR if theme.name == "light" else "#C2A5CF"))
    return fmt


def article_font(point_size: int = 12) -> QFont:
    # Noto covers Turkish, Arabic and most scripts; the families are tried in order.
    font = QFont()
    font.setFamilies(["Noto Serif", "Noto Sans", "DejaVu Serif", "Noto Sans Arabic", "Noto Sans CJK SC",
                      "Noto Color Emoji"])
    font.setPointSize(point_size)
    return font
