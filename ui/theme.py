"""Light and dark themes, and how each kind of annotation looks in them.

Label colours come from the schema (``annotate.palette``: fills that stay apart for every reader);
the label is also written in a tag above each entity (``ui.span_marks``), so colour is never the
only cue. Suggestions are striped, claims underlined.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPalette, QPen, QPixmap, QTextCharFormat
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
    if app.style().name().lower() != "fusion":  # setting it again re-polishes every widget
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

    The innermost entity fills the background (the others, nested or crossing, are underlined
    in their own colours by ``ui.span_marks``); claims underline. Unreviewed suggestions are paler
    and striped. Only colours and lines: the view draws these over laid-out text, where a font
    change would not show.
    """
    fmt = QTextCharFormat()
    if entities:
        inner = entities[0]
        color = colors.get(inner.label, "#BBBBBB")
        if inner.decision == "suggested":
            fmt.setBackground(striped(theme, color))
        else:
            fmt.setBackground(theme.fill(color, suggested=False))
    if claims:
        fmt.setFontUnderline(True)
        suggested_claim = all(c.decision == "suggested" for c in claims)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline if suggested_claim
                              else QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(QColor(CLAIM_COLOR if theme.name == "light" else "#C2A5CF"))
    return fmt


STRIPE_EVERY = 6  # px between the stripes of a suggestion


def striped(theme: Theme, color: str) -> QBrush:
    """A suggestion's fill: the pale fill with thin diagonal stripes of the label colour."""
    tile = QPixmap(STRIPE_EVERY, STRIPE_EVERY)
    tile.fill(theme.fill(color, suggested=True))
    stripe = QColor(color)
    stripe.setAlpha(theme.decided_alpha)
    painter = QPainter(tile)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(stripe, 1.0))
    for corner in (0, STRIPE_EVERY, 2 * STRIPE_EVERY):  # the lines x + y = corner, which tile seamlessly
        painter.drawLine(QPointF(corner + 1, -1), QPointF(-1, corner + 1))
    painter.end()
    return QBrush(tile)


def article_font(point_size: int = 12) -> QFont:
    # Noto covers Turkish, Arabic and most scripts; the families are tried in order.
    font = QFont()
    font.setFamilies(["Noto Serif", "Noto Sans", "DejaVu Serif", "Noto Sans Arabic", "Noto Sans CJK SC",
                      "Noto Color Emoji"])
    font.setPointSize(point_size)
    return font
