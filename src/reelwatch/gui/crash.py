"""An unexpected exception anywhere: logged, shown with copyable details, and survived.

Covers Python code run from Qt slots (PySide6 reports those through
`sys.excepthook`), asyncio callbacks and tasks (the loop's exception handler) and
other threads. The user sees one dialog at a time; details are redacted.
"""

from __future__ import annotations

import asyncio
import logging
import platform
import sys
import threading
import traceback
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from reelwatch import __version__
from reelwatch.redact import redact

log = logging.getLogger("reelwatch.crash")


class CrashReporter(QObject):
    """Installs the hooks; shows the dialog on the GUI thread."""

    _report = Signal(str, str)

    def __init__(self, parent_widget: QWidget | None = None, log_file: str | None = None) -> None:
        super().__init__()
        self.parent_widget = parent_widget
        self.log_file = log_file
        self.dialog: QMessageBox | None = None
        self.reported = 0
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self._report.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_hook
        if loop is not None:
            loop.set_exception_handler(self._loop_handler)

    def uninstall(self) -> None:
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook

    def _excepthook(
        self,
        kind: type[BaseException],
        value: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous_hook(kind, value, tb)
            return
        self.report(value, "".join(traceback.format_exception(kind, value, tb)))

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            details = "".join(
                traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)
            )
            self.report(args.exc_value, details)

    def _loop_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, asyncio.CancelledError):
            return
        if error is None:
            log.warning("asyncio: %s", context.get("message"))
            return
        details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        self.report(error, f"{context.get('message', '')}\n{details}")

    def report(self, error: BaseException, details: str) -> None:
        """Log it, then show it (from any thread)."""
        self.reported += 1
        summary = redact(f"{type(error).__name__}: {error}")
        full = redact(
            f"Reelwatch {__version__} on Python {platform.python_version()}, "
            f"{platform.platform()}\n\n{details}"
        )
        log.error("Unexpected error: %s\n%s", summary, full)
        self._report.emit(summary, full)

    def _show(self, summary: str, details: str) -> None:
        if QApplication.instance() is None or self.dialog is not None:
            return
        box = QMessageBox(self.parent_widget)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Something went wrong"))
        box.setText(
            self.tr("Reelwatch hit an unexpected error. It keeps running, and your tasks are safe.")
        )
        where = (
            self.tr("The details are also in {path}.").format(path=self.log_file)
            if self.log_file
            else ""
        )
        box.setInformativeText(f"{summary}\n\n{where}".strip())
        box.setDetailedText(details)
        copy = box.addButton(self.tr("Copy details"), QMessageBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
        box.addButton(QMessageBox.StandardButton.Close)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(self._closed)
        self.dialog = box
        box.open()

    def _closed(self) -> None:
        self.dialog = None
