"""Drawing arcs in the room above text lines: a flat-topped curve from above the head to above the
tail with an arrowhead at the tail (or a half with a chevron at the line's edge, for an arc that
leaves or enters the line), its label box at the top, and the "+N"/"−" badges of folded lines.
Lines are ``(top y, left x, right x, room above)`` in viewport coordinates."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from annotate.arcs import ENTERING, LEAVING

from .arc_look import FOOT, ArcLook, arc_color
from .arc_spec import ArcSpec, label_text

ARROW = 5.0  # arrowhead length


class ArcPainter:
    """One paint's drawing on ``painter``, with the look's font and step, under ``base_room`` (the
    view's label tags, between the line and the lowest level)."""

    def __init__(self, painter: QPainter, look: ArcLook, base_room: float, dark: bool, ratio: float):
        self._painter = painter
        self._look = look
        self._base_room = base_room
        self._dark = dark
        self._ratio = ratio

    def level_y(self, line_top: float, level: int) -> float:
        return line_top - self._base_room - FOOT - (level + 0.5) * self._look.step

    def segment(self, segment, arc: ArcSpec, line) -> tuple:
        """Draw one segment of an arc over ``line``; (label x, y, text, colour, line's left and
        right edge) for its label, drawn after every segment so that no arc crosses a label."""
        painter = self._painter
        top, left_edge, right_edge, _room = line
        color = arc_color(arc, self._dark)
        pen = QPen(color, 1.4)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        foot_y = top - self._base_room - 1.0  # on the tags' row: an arc points at its ends' tags
        y = self.level_y(top, segment.level)
        path = QPainterPath()
        if segment.part in (LEAVING, ENTERING):
            # Half an arc: from its end on this line to the line's edge, where a chevron points on.
            x = segment.head_x if segment.head_x is not None else segment.tail_x
            edge_x = right_edge if segment.part == LEAVING else left_edge
            _leg_then_top(path, x, foot_y, y, edge_x)
            self._chevron(edge_x, y, color, pointing_right=segment.part == LEAVING)
            arrow_at = x if segment.tail_x is not None else None
            label_x = (x + edge_x) / 2
        else:
            hx, tx = segment.head_x, segment.tail_x
            _leg_then_top(path, hx, foot_y, y, tx)
            path.lineTo(tx, foot_y - ARROW + 1)
            arrow_at = tx
            label_x = (hx + tx) / 2
        painter.drawPath(path)
        if arrow_at is not None:
            self._arrowhead(arrow_at, foot_y, color)
        return (label_x, y, label_text(arc), color, left_edge, right_edge)

    def _arrowhead(self, x: float, foot_y: float, color: QColor) -> None:
        painter = self._painter
        half = 3.2
        head = QPainterPath()
        head.moveTo(x, foot_y + 0.5)
        head.lineTo(x - half, foot_y - ARROW)
        head.lineTo(x + half, foot_y - ARROW)
        head.closeSubpath()
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPath(head)
        painter.restore()

    def _chevron(self, x: float, y: float, color: QColor, *, pointing_right: bool) -> None:
        painter = self._painter
        d = 4.0 if pointing_right else -4.0
        painter.save()
        painter.setPen(QPen(color, 1.4))
        painter.drawLine(QPointF(x - d, y - 3.5), QPointF(x, y))
        painter.drawLine(QPointF(x - d, y + 3.5), QPointF(x, y))
        painter.restore()

    def label(self, x: float, y: float, text: str, color: QColor, left_edge: float, right_edge: float) -> QRectF:
        if not text:
            return QRectF()
        sprite = self._look.sprite("label", text, color, self._dark, self._ratio)
        width, height = self._look.width(text), self._look.step - 1
        # Inside the line, clear of the continuation chevrons at its edges; on whole pixels so
        # the cached sprite is copied, not resampled.
        left = round(min(max(x - width / 2, left_edge + 7), max(left_edge + 7, right_edge - 7 - width)))
        top = round(y - height / 2)
        self._painter.drawPixmap(QPointF(left, top), sprite)
        return QRectF(left, top, width, height)

    def badge(self, line, count: int) -> QRectF:
        """"+N" at the right end of the top level above a line (N arcs folded there: a click
        shows them), or "−" on a line opened so (a click folds them again). The badge's box."""
        top, _, right_edge, room = line
        text = f"+{count}" if count else "−"
        sprite = self._look.sprite("folded", text, QColor("#888888"), self._dark, self._ratio)
        width, height = self._look.width(text), self._look.step - 1
        levels = max(1, self._look.levels_in(room - self._base_room))
        y = self.level_y(top, levels - 1)
        box = QRectF(round(right_edge + 14 - width), round(y - height / 2), width, height)
        self._painter.drawPixmap(box.topLeft(), sprite)
        return box


def _leg_then_top(path: QPainterPath, x: float, foot_y: float, y: float, to_x: float) -> None:
    """From the foot at x up to level y, round the corner, and along the top to to_x; for a
    whole arc, round the far corner too (the caller draws the far leg down)."""
    radius = min(6.0, abs(to_x - x) / 2, (foot_y - y) / 2)
    direction = 1.0 if to_x >= x else -1.0
    path.moveTo(x, foot_y)
    path.lineTo(x, y + radius)
    path.quadTo(x, y, x + direction * radius, y)
    path.lineTo(to_x - direction * radius, y)
    path.quadTo(to_x, y, to_x, y + radius)
