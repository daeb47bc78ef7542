"""A real progress bar in the Progress column, drawn by the platform's style."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from reelwatch.api.snapshot import TaskState
from reelwatch.gui.task_model import STATE_COLORS, ProgressRole, StateRole


class ProgressDelegate(QStyledItemDelegate):
    """Determinate when the service reports progress, a busy bar when it does not."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        state = index.data(StateRole)
        progress = index.data(ProgressRole)
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        # Selection background first, as for any other cell.
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)
        background.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, widget)
        if state is TaskState.FAILED and progress is None:
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(4, 5, -4, -5)  # type: ignore[attr-defined]
        bar.state = option.state | QStyle.StateFlag.State_Horizontal  # type: ignore[attr-defined]
        bar.direction = option.direction  # type: ignore[attr-defined]
        bar.fontMetrics = option.fontMetrics  # type: ignore[attr-defined]
        bar.palette = QPalette(option.palette)  # type: ignore[attr-defined]
        bar.minimum = 0
        bar.maximum = 100
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        if progress is None:
            if state is TaskState.COMPLETED:
                bar.progress, bar.text = 100, "100%"
            else:
                bar.progress = 0
                bar.text = "…" if state in (TaskState.RUNNING, TaskState.UNKNOWN) else ""
        else:
            bar.progress = round(progress)
            bar.text = f"{progress:.0f}%"
        if state in (TaskState.COMPLETED, TaskState.FAILED):
            # The deep shade in light and dark alike: the bar's text is white on it.
            bar.palette.setColor(QPalette.ColorRole.Highlight, QColor(STATE_COLORS[state][0]))
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)
