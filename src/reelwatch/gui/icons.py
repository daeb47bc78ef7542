"""Icons drawn or loaded once: the app icon and a coloured dot per state."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from reelwatch.api.snapshot import TaskState
from reelwatch.resources import resource_path

_STATE_HEX = {
    None: "#9e9e9e",
    TaskState.QUEUED: "#e0a800",
    TaskState.RUNNING: "#1e88e5",
    TaskState.COMPLETED: "#2e9d4a",
    TaskState.FAILED: "#d93025",
    TaskState.UNKNOWN: "#9e9e9e",
}


@cache
def app_icon() -> QIcon:
    """The Reelwatch icon from its SVG source (PNG next to it as a fallback)."""
    icon = QIcon()
    for name in ("reelwatch.svg", "reelwatch.png"):
        path = resource_path(name)
        if path.exists():
            icon = QIcon(str(path))
            if not icon.isNull():
                break
    return icon


@cache
def state_icon(state: TaskState | None) -> QIcon:
    """A filled dot in the state's colour; queued is hollow, running has a ring."""
    icon = QIcon()
    for size in (16, 32):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(_STATE_HEX[state])
        margin = size * 0.22
        rect = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
        if state is TaskState.QUEUED:
            pen = painter.pen()
            pen.setColor(colour)
            pen.setWidthF(size / 9)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
        painter.drawEllipse(rect)
        painter.end()
        icon.addPixmap(pixmap)
    return icon
