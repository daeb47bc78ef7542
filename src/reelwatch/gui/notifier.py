"""Tell the user when a task finishes: the tray where the desktop has one, else the window."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QSystemTrayIcon

from reelwatch.api.snapshot import TaskState
from reelwatch.engine.tracker import Changed, TrackerEvent
from reelwatch.gui import format as fmt
from reelwatch.gui.icons import app_icon


class Notifier(QObject):
    """Turns task completions and failures into one message each."""

    show_requested = Signal()
    quit_requested = Signal()

    def __init__(self, window: QMainWindow, enabled: bool = True) -> None:
        super().__init__(window)
        self._window = window
        self.enabled = enabled
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.setToolTip(self.tr("Reelwatch"))
            menu = QMenu(window)
            show = QAction(self.tr("Show Reelwatch"), menu)
            show.triggered.connect(self.show_requested)
            quit_action = QAction(self.tr("Quit"), menu)
            quit_action.triggered.connect(self.quit_requested)
            menu.addAction(show)
            menu.addSeparator()
            menu.addAction(quit_action)
            self.tray.setContextMenu(menu)
            self.tray.activated.connect(self._on_activated)
            self.tray.show()

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_requested.emit()

    def on_event(self, event: TrackerEvent) -> None:
        """Tracker listener: a task we saw unfinished has just finished."""
        if not isinstance(event, Changed) or "snapshot" not in event.fields:
            return
        record = event.record
        previous = event.previous_state
        if previous is None or previous.terminal or not record.terminal:
            return
        title = fmt.short_id(record.task_id, 40)
        if record.state is TaskState.COMPLETED:
            self.notify(self.tr("Video ready"), self.tr("{task} has completed.").format(task=title))
        else:
            reason = (record.snapshot.error if record.snapshot else None) or ""
            self.notify(
                self.tr("Task failed"),
                self.tr("{task} failed: {reason}").format(task=title, reason=reason),
                critical=True,
            )

    def notify(self, title: str, text: str, *, critical: bool = False) -> None:
        if not self.enabled:
            return
        if self.tray is not None and self.tray.supportsMessages():
            icon = (
                QSystemTrayIcon.MessageIcon.Warning
                if critical
                else QSystemTrayIcon.MessageIcon.Information
            )
            self.tray.showMessage(title, text, icon, 8000)
        else:
            self._window.statusBar().showMessage(f"{title}: {text}", 15000)
            QApplication.alert(self._window)

    def close(self) -> None:
        if self.tray is not None:
            self.tray.hide()
            self.tray.deleteLater()
            self.tray = None
