"""The one owner of the task list.

Everything that shows or keeps tasks (the table model, the store, the
downloader, the notifier, the terminal's `watch`) listens to the tracker; only
the tracker changes a `TaskRecord`. Events name the fields that changed so a
view can repaint just those.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from reelwatch.api.errors import ApiError
from reelwatch.api.snapshot import TaskSnapshot, TaskState
from reelwatch.engine.poller import ServiceChanged, TaskKey, TaskPolled

log = logging.getLogger(__name__)


class DownloadState(StrEnum):
    NONE = "none"
    ACTIVE = "active"
    DONE = "done"
    FAILED = "failed"


@dataclass(slots=True)
class TaskRecord:
    """Everything Reelwatch knows about one tracked task.

    Slots, not a per-instance dict: ten thousand tracked tasks are ten thousand of these
    alive for the whole session, and the dict alone would be the biggest part of each.
    """

    task_id: str
    base_url: str
    added_at: float
    snapshot: TaskSnapshot | None = None
    query_error: str | None = None
    query_error_kind: str | None = None
    last_polled_at: float | None = None
    next_poll_in: float | None = None
    file: str | None = None
    download: DownloadState = DownloadState.NONE
    download_error: str | None = None
    download_progress: float | None = None
    stalled: bool = False

    @property
    def key(self) -> TaskKey:
        return (self.base_url, self.task_id)

    @property
    def state(self) -> TaskState | None:
        return self.snapshot.state if self.snapshot else None

    @property
    def terminal(self) -> bool:
        return self.snapshot is not None and self.snapshot.state.terminal

    @property
    def delivered(self) -> bool:
        """Its video is saved on disk: the preview works even after the link expired."""
        return self.download is DownloadState.DONE and self.file is not None


@dataclass(frozen=True)
class Added:
    records: list[TaskRecord]
    loaded: bool = False
    """True when the records came from the store (nothing new to write)."""


@dataclass(frozen=True)
class Changed:
    record: TaskRecord
    fields: frozenset[str]
    previous_state: TaskState | None = None
    previous_snapshot: TaskSnapshot | None = None
    """What the record said before, when "snapshot" is among `fields`: a view repaints
    only what differs (most polls move the progress and nothing else)."""


@dataclass(frozen=True)
class Removed:
    records: list[TaskRecord]


TrackerEvent = Added | Changed | Removed | ServiceChanged


@dataclass(frozen=True)
class AddOutcome:
    added: list[TaskRecord]
    duplicates: list[str]


class Tracker:
    """Holds the tracked tasks in the order they were added."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._records: dict[TaskKey, TaskRecord] = {}
        self._listeners: list[Callable[[TrackerEvent], None]] = []
        self._clock = clock

    def subscribe(self, listener: Callable[[TrackerEvent], None]) -> None:
        self._listeners.append(listener)

    def _emit(self, event: TrackerEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("A tracker listener failed on %s", type(event).__name__)

    # -- reading -----------------------------------------------------------

    def __len__(self) -> int:
        return len(self._records)

    def records(self) -> list[TaskRecord]:
        return list(self._records.values())

    def get(self, key: TaskKey) -> TaskRecord | None:
        return self._records.get(key)

    def counts(self) -> tuple[int, int]:
        """(finished, total): what the window title shows."""
        done = sum(1 for record in self._records.values() if record.terminal)
        return done, len(self._records)

    # -- changing ----------------------------------------------------------

    def load(self, records: Iterable[TaskRecord]) -> None:
        """Take the records read from the store (no event per record: one Added)."""
        loaded = [record for record in records if record.key not in self._records]
        for record in loaded:
            self._records[record.key] = record
        if loaded:
            self._emit(Added(loaded, loaded=True))

    def add(self, task_ids: Iterable[str], base_url: str) -> AddOutcome:
        """Track new ids on a service; ids already tracked there are reported back."""
        added: list[TaskRecord] = []
        duplicates: list[str] = []
        now = self._clock()
        for task_id in task_ids:
            key = (base_url, task_id)
            if key in self._records:
                duplicates.append(task_id)
                continue
            record = TaskRecord(task_id=task_id, base_url=base_url, added_at=now)
            self._records[key] = record
            added.append(record)
        if added:
            self._emit(Added(added))
        return AddOutcome(added, duplicates)

    def restore(self, records: Iterable[TaskRecord]) -> list[TaskRecord]:
        """Put removed records back (undo), keeping what they knew."""
        back = [record for record in records if record.key not in self._records]
        for record in back:
            self._records[record.key] = record
        if back:
            self._emit(Added(back))
        return back

    def remove(self, keys: Iterable[TaskKey]) -> list[TaskRecord]:
        removed = [self._records.pop(key) for key in list(keys) if key in self._records]
        if removed:
            self._emit(Removed(removed))
        return removed

    def apply(self, event: TaskPolled | ServiceChanged) -> None:
        """Take one poller event (the tracker subscribes to the poller)."""
        if isinstance(event, ServiceChanged):
            self._emit(event)
            return
        record = self._records.get(event.key)
        if record is None:
            return
        fields = {"last_polled_at", "next_poll_in"}
        record.last_polled_at = self._clock()
        record.next_poll_in = event.next_poll_in
        previous = record.snapshot
        if event.snapshot is not None:
            fields |= self._apply_snapshot(record, event.snapshot)
        elif event.error is not None:
            fields |= self._apply_error(record, event.error)
        self._emit(_changed(record, fields, previous))

    def set_snapshot(self, key: TaskKey, snapshot: TaskSnapshot) -> None:
        """A snapshot learnt outside the poller (e.g. a re-read for a fresh link)."""
        record = self._records.get(key)
        if record is not None:
            previous = record.snapshot
            fields = self._apply_snapshot(record, snapshot)
            self._emit(_changed(record, fields, previous))

    def update(self, key: TaskKey, **values: object) -> None:
        """Change plain fields of a record (download progress, file) and tell everyone."""
        record = self._records.get(key)
        if record is None:
            return
        for name, value in values.items():
            if not hasattr(record, name):
                raise AttributeError(name)
            setattr(record, name, value)
        self._emit(Changed(record, frozenset(values), record.state))

    @staticmethod
    def _apply_snapshot(record: TaskRecord, snapshot: TaskSnapshot) -> set[str]:
        """Names "snapshot" only when what it says changed: most polls change nothing."""
        fields = {"snapshot"} if record.snapshot != snapshot else set()
        if record.query_error is not None:
            fields.add("query_error")
        record.snapshot = snapshot
        record.query_error = None
        record.query_error_kind = None
        return fields

    @staticmethod
    def _apply_error(record: TaskRecord, error: ApiError) -> set[str]:
        record.query_error = error.message
        record.query_error_kind = error.kind
        return {"query_error"}


def _changed(record: TaskRecord, fields: set[str], previous: TaskSnapshot | None) -> Changed:
    return Changed(
        record,
        frozenset(fields),
        previous.state if previous else None,
        previous if "snapshot" in fields else None,
    )
