"""Tasks that need the user's eye: jobs that seem stuck, and links about to expire.

Field experience with these services: jobs sit at 99 % for many polls, or stay
"queued"/"in progress" long after the upstream finished. A task whose state and
progress have not moved for long enough is marked *stalled?* (a question: the
service may still be working) and the `/content` route is tried once, since
some gateways have the video before their status says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from reelwatch.api.snapshot import TaskState
from reelwatch.engine.poller import TaskKey
from reelwatch.engine.tracker import (
    Changed,
    DownloadState,
    Removed,
    TaskRecord,
    Tracker,
    TrackerEvent,
)

EXPIRY_WARNING_SECONDS = 15 * 60


@dataclass(frozen=True)
class StallRules:
    """When a task counts as stalled; the defaults suit jobs that take minutes."""

    running_for: float = 15 * 60
    """A running task whose progress has not changed for this long."""
    queued_for: float = 45 * 60
    """A queued task that has not started for this long."""
    polls_near_done: int = 10
    """A task at 99 % or more for this many polls in a row."""


@dataclass(slots=True)
class _Seen:
    signature: tuple[object, ...]
    since: float
    polls: int = 0


class StallWatch:
    """Tracker listener that marks stalled tasks and asks for one `/content` try each."""

    def __init__(
        self,
        tracker: Tracker,
        on_stalled: Callable[[TaskRecord], None],
        rules: StallRules | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._tracker = tracker
        self._on_stalled = on_stalled
        self.rules = rules or StallRules()
        self._clock = clock
        self._seen: dict[TaskKey, _Seen] = {}

    def __call__(self, event: TrackerEvent) -> None:
        if isinstance(event, Removed):
            for record in event.records:
                self._seen.pop(record.key, None)
            return
        if not isinstance(event, Changed) or "last_polled_at" not in event.fields:
            return  # only poll outcomes count
        record = event.record
        if record.query_error is not None:
            return  # a failed check says nothing about the job's progress
        snapshot = record.snapshot
        if snapshot is None or snapshot.state.terminal:
            self._seen.pop(record.key, None)
            if record.stalled:
                self._tracker.update(record.key, stalled=False)
            return
        now = self._clock()
        signature = (snapshot.state, snapshot.progress)
        seen = self._seen.get(record.key)
        if seen is None or seen.signature != signature:
            self._seen[record.key] = _Seen(signature, now)
            if record.stalled:
                self._tracker.update(record.key, stalled=False)
            return
        seen.polls += 1
        if not record.stalled and self._is_stalled(snapshot.state, snapshot.progress, seen, now):
            self._tracker.update(record.key, stalled=True)
            self._on_stalled(record)

    def _is_stalled(
        self, state: TaskState, progress: float | None, seen: _Seen, now: float
    ) -> bool:
        still = now - seen.since
        if progress is not None and progress >= 99.0 and seen.polls >= self.rules.polls_near_done:
            return True
        if state is TaskState.QUEUED:
            return still >= self.rules.queued_for
        return still >= self.rules.running_for


def expiring_soon(
    record: TaskRecord, now: float | None = None, within: float = EXPIRY_WARNING_SECONDS
) -> bool:
    """A finished video not saved yet whose link dies within `within` seconds."""
    snapshot = record.snapshot
    if snapshot is None or snapshot.state is not TaskState.COMPLETED:
        return False
    if record.download is DownloadState.DONE or snapshot.expires_at is None:
        return False
    left = snapshot.expires_at - (time.time() if now is None else now)
    return left <= within
