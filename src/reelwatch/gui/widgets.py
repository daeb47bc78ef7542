"""Small widgets the dialogs share."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QWidget


def error_color(widget: QWidget) -> QColor:
    """A red that stays readable on light and dark palettes."""
    dark = widget.palette().color(QPalette.ColorRole.Window).lightness() < 128
    return QColor("#f2b8b5") if dark else QColor("#b3261e")


class _HintFollowsWidth:
    """Size hint from the width the widget really has (for word-wrapped content).

    QFormLayout sizes rows from `sizeHint()`, and Qt's hint for wrapped text assumes a
    narrow width (a one-line sentence is reported three lines tall), which leaves gaps in
    forms; answering for the actual width fixes that.
    """

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()  # type: ignore[misc]
        width = self.width()  # type: ignore[attr-defined]
        height = self.heightForWidth(width) if width > 0 else -1  # type: ignore[attr-defined]
        return QSize(hint.width(), height) if height > 0 else hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)  # type: ignore[misc]
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # type: ignore[attr-defined]


class WrappedLabel(_HintFollowsWidth, QLabel):
    """A word-wrapped, top-left aligned plain-text label that never leaves gaps in a form."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)


class WrappedFrame(_HintFollowsWidth, QFrame):
    """A frame holding wrapped text (a warning box) that sizes like `WrappedLabel`."""
