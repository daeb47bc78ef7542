"""A read-only view of a server answer, pretty-printed, with a Copy button.

Keys keep the server's order (sorting would hide what the server actually sent); non-ASCII text
is shown as itself. A `str` or `bytes` payload is taken as a raw body: pretty-printed when it
parses as JSON, shown unchanged otherwise. Nothing is remembered between openings. Built for
`open()`; callers that do not keep the dialog can set `WA_DeleteOnClose`.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reelwatch.redact import redact

_COPIED_FEEDBACK_MS = 1500


def format_payload(payload: object) -> str:
    """The text shown: JSON with indent 2 in server order; raw text when it is not JSON.

    Redacted, because a careless gateway may echo the request's key back in its answer.
    """
    if isinstance(payload, bytes | bytearray):
        payload = bytes(payload).decode("utf-8", errors="replace")
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            return redact(payload)
    return redact(json.dumps(payload, indent=2, ensure_ascii=False, default=str))


class RawJsonDialog(QDialog):
    """Shows one JSON payload as text the user can read, select and copy."""

    def __init__(self, title: str, payload: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumSize(360, 240)
        self.resize(700, 500)

        self._view = QPlainTextEdit(self)
        self._view.setObjectName("json")
        self._view.setReadOnly(True)
        self._view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self._view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._view.setAccessibleName(self.tr("Server answer as JSON"))
        self._view.setTabChangesFocus(True)
        self._view.setPlainText(format_payload(payload))

        self._buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self._copy = QPushButton(self.tr("&Copy"), self)
        self._copy.setObjectName("copy")
        self._copy.setToolTip(self.tr("Copy the whole text to the clipboard"))
        self._buttons.addButton(self._copy, QDialogButtonBox.ButtonRole.ActionRole)
        self._copy.clicked.connect(self.copy)
        self._buttons.rejected.connect(self.reject)
        close = self._buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)

        self._feedback = QTimer(self, singleShot=True, interval=_COPIED_FEEDBACK_MS)
        self._feedback.timeout.connect(lambda: self._copy.setText(self.tr("&Copy")))

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(self._view, 1)
        layout.addWidget(self._buttons)

    def text(self) -> str:
        """The text as shown."""
        return self._view.toPlainText()

    def copy(self) -> None:
        """Put the whole text on the clipboard and say so on the button for a moment."""
        QGuiApplication.clipboard().setText(self.text())
        self._copy.setText(self.tr("Copied"))
        self._feedback.start()
