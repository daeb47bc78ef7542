"""A strip above the table that says what is wrong and offers the one action that helps."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

_KINDS = {
    "info": ("#e8f0fe", "#1a3d7c", "#1c2b45", "#cfe0ff"),
    "warning": ("#fff4d6", "#6b4b00", "#3d3215", "#ffe6a6"),
    "error": ("#fde7e6", "#8c1d18", "#45201e", "#ffd2cf"),
}


class Banner(QFrame):
    """One message with optional action buttons and a close button."""

    def __init__(self, kind: str = "info", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._kind = kind
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        layout.setSpacing(8)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self._buttons = QHBoxLayout()
        self._buttons.setSpacing(6)
        layout.addLayout(self._buttons)
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Dismiss"))
        close.setAccessibleName(self.tr("Dismiss message"))
        close.clicked.connect(self.hide)
        layout.addWidget(close)
        self.set_kind(kind)

    def set_kind(self, kind: str) -> None:
        self._kind = kind
        light_bg, light_fg, dark_bg, dark_fg = _KINDS.get(kind, _KINDS["info"])
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        bg, fg = (dark_bg, dark_fg) if dark else (light_bg, light_fg)
        self.setStyleSheet(
            f"QFrame#banner {{ background: {bg}; border-radius: 6px; }}"
            f"QFrame#banner QLabel {{ color: {fg}; }}"
        )

    def show_message(
        self,
        text: str,
        kind: str | None = None,
        actions: list[tuple[str, Callable[[], None]]] | None = None,
    ) -> None:
        if kind:
            self.set_kind(kind)
        self.label.setText(text)
        while self._buttons.count():
            item = self._buttons.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for caption, callback in actions or []:
            button = QPushButton(caption, self)
            button.clicked.connect(callback)
            self._buttons.addWidget(button)
        self.show()
