"""The task table: a thin Qt adapter over the engine's tracker.

The tracker owns the records; this model only maps them to rows. Painting is
what a monitor left open all day spends its CPU on (see benchmarks/README.md),
so a change repaints only the cells whose text differs: a poll that moves the
progress repaints one cell, not the row, and the once-a-second clock repaints
the elapsed and "checked" cells of the rows on screen whose text moved.
Additions and removals insert and remove rows; a full reset happens only when a
whole session is swapped in.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from reelwatch.api.snapshot import TaskSnapshot, TaskState
from reelwatch.engine.attention import expiring_soon
from reelwatch.engine.poller import TaskKey
from reelwatch.engine.tracker import (
    Added,
    Changed,
    Removed,
    TaskRecord,
    Tracker,
    TrackerEvent,
)
from reelwatch.gui import format as fmt
from reelwatch.gui.icons import state_icon
from reelwatch.i18n import translate

_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    ID = 0
    MODEL = 1
    PROMPT = 2
    STATE = 3
    PROGRESS = 4
    QUEUE = 5
    ELAPSED = 6
    UPDATED = 7
    RESULT = 8


RecordRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
ProgressRole = Qt.ItemDataRole.UserRole + 3
StateRole = Qt.ItemDataRole.UserRole + 4

_COLUMNS = tuple(Column)  # Column(i) costs a microsecond, and data() runs per cell and role
_COLUMN_COUNT = len(_COLUMNS)
_FIELD_COLUMNS: dict[str, tuple[Column, ...]] = {
    # "snapshot": only the columns whose text differs from the previous snapshot's.
    # "last_polled_at" and "next_poll_in" change on every poll; the once-a-second clock
    # repaints the Checked column anyway, so a poll that changes nothing repaints nothing.
    "query_error": (Column.STATE, Column.RESULT),
    "file": (Column.RESULT,),
    "download": (Column.RESULT,),
    "download_error": (Column.RESULT,),
    "download_progress": (Column.RESULT,),
    "stalled": (Column.STATE, Column.RESULT),
}
_SNAPSHOT_COLUMNS = tuple(c for c in Column if c not in (Column.ID, Column.UPDATED))
"""Columns whose text depends on the snapshot (the id and the last check do not)."""
_CLOCK_COLUMNS = (Column.ELAPSED, Column.UPDATED, Column.RESULT)
"""Columns whose text moves with time alone (elapsed, "checked … ago", link expiry)."""

_SERVED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.AccessibleTextRole,
        RecordRole,
        SortRole,
        ProgressRole,
        StateRole,
    }
)

STATE_COLORS = {
    TaskState.QUEUED: ("#8a6d00", "#f0c94d"),
    TaskState.RUNNING: ("#0b5cad", "#6cb4ff"),
    TaskState.COMPLETED: ("#1d7a33", "#6fd68a"),
    TaskState.FAILED: ("#b3261e", "#ff8a80"),
    TaskState.UNKNOWN: ("#6b6b6b", "#b0b0b0"),
}


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def state_color(state: TaskState | None) -> QColor:
    light, dark = STATE_COLORS[state or TaskState.UNKNOWN]
    return QColor(dark if is_dark() else light)


class TaskTableModel(QAbstractTableModel):
    """Rows are the tracker's records, in the order they were added."""

    def __init__(self, tracker: Tracker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tracker = tracker
        self._rows: list[TaskRecord] = tracker.records()
        self._row_of: dict[TaskKey, int] = {}
        self._reindex()
        tracker.subscribe(self._on_event)
        self.visible_rows: Callable[[], Iterable[int]] = lambda: range(len(self._rows))
        """The rows on screen, set by the view's owner; the clock repaints only those."""
        self._clock_texts: dict[TaskKey, tuple[str, ...]] = {}
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()

    def set_tracker(self, tracker: Tracker) -> None:
        """Show another session's tasks (leaving or entering the demo): one reset."""
        self.beginResetModel()
        self._tracker = tracker
        self._rows = tracker.records()
        self._reindex()
        tracker.subscribe(self._on_event)
        self.endResetModel()

    def headers(self) -> dict[Column, str]:
        return {
            Column.ID: self.tr("Task"),
            Column.MODEL: self.tr("Model"),
            Column.PROMPT: self.tr("Prompt"),
            Column.STATE: self.tr("State"),
            Column.PROGRESS: self.tr("Progress"),
            Column.QUEUE: self.tr("Queue"),
            Column.ELAPSED: self.tr("Elapsed"),
            Column.UPDATED: self.tr("Checked"),
            Column.RESULT: self.tr("Result"),
        }

    # -- Qt model interface -----------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers().get(Column(section)) if 0 <= section < len(Column) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Views ask for a dozen roles per cell on every repaint; most are never served here.
        if role not in _SERVED_ROLES:
            return None
        row = index.row()
        if not 0 <= row < len(self._rows):
            return None
        record = self._rows[row]
        column = _COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(record, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(record, column)
        if role == RecordRole:
            return record
        if role == SortRole:
            return self._sort_key(record, column)
        if role == ProgressRole:
            return record.snapshot.progress if record.snapshot else None
        if role == StateRole:
            return record.state
        if role == Qt.ItemDataRole.DecorationRole and column == Column.STATE:
            return state_icon(record.state)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == Column.STATE:
                return state_color(record.state)
            if column == Column.RESULT and (record.query_error or record.download_error):
                return state_color(TaskState.FAILED)
            if column == Column.RESULT and expiring_soon(record):
                return state_color(TaskState.QUEUED)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            Column.ELAPSED,
            Column.UPDATED,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(record, column) or self._tooltip(record, column)
        return None

    @staticmethod
    def _display(record: TaskRecord, column: Column, now: float | None = None) -> str:
        snapshot = record.snapshot
        if column == Column.ID:
            return fmt.short_id(record.task_id)
        if column == Column.MODEL:
            return (snapshot.model if snapshot else None) or ""
        if column == Column.PROMPT:
            prompt = (snapshot.prompt if snapshot else None) or ""
            return " ".join(prompt.split())
        if column == Column.STATE:
            label = fmt.state_label(record.state)
            if record.state is TaskState.UNKNOWN and snapshot:
                label = f"{label} ({snapshot.raw_status})"
            if record.stalled:
                label = translate("TaskTableModel", "{state} · stalled?").format(state=label)
            return label
        if column == Column.PROGRESS:
            progress = snapshot.progress if snapshot else None
            return "" if progress is None else f"{progress:.0f}%"
        if column == Column.QUEUE:
            return fmt.queue_text(record)
        if column == Column.ELAPSED:
            return fmt.duration(fmt.elapsed_seconds(record, now))
        if column == Column.UPDATED:
            return fmt.ago(record.last_polled_at, now)
        return fmt.result_text(record, now)

    def _tooltip(self, record: TaskRecord, column: Column) -> str | None:
        snapshot = record.snapshot
        if column == Column.ID:
            return self.tr("{id}\non {service}").format(id=record.task_id, service=record.base_url)
        if column == Column.STATE:
            raw = snapshot.raw_status if snapshot else self.tr("no answer yet")
            text = self.tr("Status reported: {raw}").format(raw=raw)
            if record.query_error:
                text += "\n" + self.tr("Last check failed: {e}").format(e=record.query_error)
            if record.stalled:
                text += "\n" + self.tr(
                    "No progress for a long time. Reelwatch tried to fetch the video directly; "
                    "press F5 to check again."
                )
            return text
        if column == Column.PROMPT and snapshot and snapshot.prompt:
            return snapshot.prompt
        if column == Column.UPDATED and record.last_polled_at:
            text = fmt.timestamp(record.last_polled_at)
            if record.next_poll_in is not None:
                text += "\n" + self.tr("Next check in {d}").format(
                    d=fmt.duration(record.next_poll_in)
                )
            return text
        if column == Column.RESULT:
            if record.file:
                return record.file
            if snapshot and snapshot.video_url:
                return snapshot.video_url
            return fmt.result_text(record) or None
        return None

    @staticmethod
    def _sort_key(record: TaskRecord, column: Column) -> Any:
        snapshot = record.snapshot
        if column == Column.STATE:
            order = [None, TaskState.QUEUED, TaskState.RUNNING, TaskState.UNKNOWN,
                     TaskState.FAILED, TaskState.COMPLETED]  # fmt: skip
            return order.index(record.state)
        if column == Column.PROGRESS:
            return (snapshot.progress if snapshot else None) or -1.0
        if column == Column.QUEUE:
            return snapshot.queue_position if snapshot and snapshot.queue_position else 1 << 30
        if column == Column.ELAPSED:
            return fmt.elapsed_seconds(record)
        if column == Column.UPDATED:
            return record.last_polled_at or 0.0
        if column == Column.ID:
            return record.added_at
        return TaskTableModel._display(record, column).lower()

    # -- access ------------------------------------------------------------

    def record_at(self, row: int) -> TaskRecord | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: TaskKey) -> int | None:
        return self._row_of.get(key)

    # -- tracker events ----------------------------------------------------

    def _on_event(self, event: TrackerEvent) -> None:
        if isinstance(event, Added):
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(event.records) - 1)
            self._rows.extend(event.records)
            for offset, record in enumerate(event.records):
                self._row_of[record.key] = first + offset
            self.endInsertRows()
        elif isinstance(event, Removed):
            rows = sorted(
                (self._row_of[r.key] for r in event.records if r.key in self._row_of),
                reverse=True,
            )
            for row in rows:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
            self._reindex()
        elif isinstance(event, Changed):
            row = self._row_of.get(event.record.key)
            if row is None:
                return
            columns = {c for name in event.fields for c in _FIELD_COLUMNS.get(name, ())}
            if "snapshot" in event.fields:
                columns.update(self._differing(event.record, event.previous_snapshot))
            self._repaint(row, columns)

    @classmethod
    def _differing(cls, record: TaskRecord, previous: TaskSnapshot | None) -> list[Column]:
        """The columns whose text the new snapshot changed (state, icon, colour and the
        progress bar follow the text: a different look always reads differently)."""
        if previous is None:
            return list(_COLUMNS)
        before = dataclasses.replace(record, snapshot=previous)
        now = time.time()
        return [
            c
            for c in _SNAPSHOT_COLUMNS
            if cls._display(before, c, now) != cls._display(record, c, now)
        ]

    def _repaint(self, row: int, columns: Iterable[Column]) -> None:
        """One `dataChanged` per run of adjacent columns: the view repaints just those cells."""
        run: list[Column] = []
        for column in sorted(columns):
            if run and column != run[-1] + 1:
                self.dataChanged.emit(self.index(row, run[0]), self.index(row, run[-1]))
                run = []
            run.append(column)
        if run:
            self.dataChanged.emit(self.index(row, run[0]), self.index(row, run[-1]))

    def _reindex(self) -> None:
        self._row_of = {record.key: row for row, record in enumerate(self._rows)}

    def _tick(self) -> None:
        """Ages and countdowns move on their own: once a second, repaint the cells of the
        rows on screen whose text moved (a row scrolled into view is painted fresh anyway)."""
        now = time.time()
        seen: dict[TaskKey, tuple[str, ...]] = {}
        for row in self.visible_rows():
            record = self.record_at(row)
            if record is None:
                continue
            texts = tuple(self._display(record, column, now) for column in _CLOCK_COLUMNS)
            before = self._clock_texts.get(record.key)
            if before is not None and before != texts:
                self._repaint(
                    row,
                    (c for c, a, b in zip(_CLOCK_COLUMNS, before, texts, strict=True) if a != b),
                )
            seen[record.key] = texts
        self._clock_texts = seen


class TaskFilterModel(QSortFilterProxyModel):
    """Filters by state and by a search over id and prompt; sorts by `SortRole`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._states: set[TaskState | None] | None = None
        self._needle = ""
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(False)

    def set_states(self, states: set[TaskState | None] | None) -> None:
        """Show only these states; None shows all."""
        self._refilter(lambda: setattr(self, "_states", states))

    def set_search(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_needle", text.strip().lower()))

    def _refilter(self, change: Callable[[], None]) -> None:
        """Qt 6.10 replaced invalidateFilter() with a begin/end pair; use what exists."""
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, TaskTableModel):
            return True
        record = model.record_at(source_row)
        if record is None:
            return False
        if self._states is not None and record.state not in self._states:
            return False
        if self._needle:
            prompt = (record.snapshot.prompt if record.snapshot else None) or ""
            return self._needle in record.task_id.lower() or self._needle in prompt.lower()
        return True
