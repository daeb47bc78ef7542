"""Stalled jobs and expiring links: engine rules, tested without widgets."""

from __future__ import annotations

from reelwatch.api.snapshot import TaskSnapshot, TaskState
from reelwatch.engine.attention import StallRules, StallWatch, expiring_soon
from reelwatch.engine.poller import TaskPolled
from reelwatch.engine.tracker import DownloadState, TaskRecord, Tracker

BASE = "https://api.example.com"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def setup(rules: StallRules):
    clock = Clock()
    tracker = Tracker(clock=clock)
    probed: list[str] = []
    tracker.subscribe(StallWatch(tracker, lambda r: probed.append(r.task_id), rules, clock))
    tracker.add(["video_stuck1"], BASE)
    return tracker, clock, probed


def poll(tracker, state=TaskState.RUNNING, progress=50.0, error=None) -> None:
    snapshot = None if error else TaskSnapshot("video_stuck1", state, state.value, progress)
    tracker.apply(TaskPolled(BASE, "video_stuck1", snapshot, error, 10.0))


def record(tracker) -> TaskRecord:
    return tracker.get((BASE, "video_stuck1"))


def test_no_progress_for_long_enough_marks_stalled_and_probes_once() -> None:
    tracker, clock, probed = setup(StallRules(running_for=600))
    poll(tracker)
    for _ in range(5):
        clock.now += 100
        poll(tracker)
    assert not record(tracker).stalled
    clock.now += 150
    poll(tracker)
    assert record(tracker).stalled
    clock.now += 100
    poll(tracker)
    assert probed == ["video_stuck1"]  # once, not on every poll
    poll(tracker, progress=51.0)  # it moved: no longer stalled
    assert not record(tracker).stalled


def test_ninety_nine_percent_for_many_polls() -> None:
    tracker, clock, probed = setup(StallRules(running_for=10**9, polls_near_done=3))
    for _ in range(4):
        clock.now += 1
        poll(tracker, progress=99.0)
    assert record(tracker).stalled
    assert probed == ["video_stuck1"]


def test_long_queue_and_failed_checks() -> None:
    from reelwatch.api.errors import ServerError

    tracker, clock, probed = setup(StallRules(queued_for=1000, running_for=10))
    poll(tracker, TaskState.QUEUED, None)
    clock.now += 500
    poll(tracker, error=ServerError("boom", status=502))  # failed checks do not count
    poll(tracker, TaskState.QUEUED, None)
    assert not record(tracker).stalled
    clock.now += 600
    poll(tracker, TaskState.QUEUED, None)
    assert record(tracker).stalled
    assert probed == ["video_stuck1"]


def test_terminal_tasks_are_never_stalled() -> None:
    tracker, clock, _ = setup(StallRules(running_for=1))
    poll(tracker, progress=99.0)
    clock.now += 5
    poll(tracker, progress=99.0)
    assert record(tracker).stalled
    poll(tracker, TaskState.COMPLETED, 100.0)
    assert not record(tracker).stalled


def test_expiring_soon() -> None:
    now = 1_000_000.0
    rec = TaskRecord("video_x", BASE, now)
    assert not expiring_soon(rec, now)
    rec.snapshot = TaskSnapshot("video_x", TaskState.COMPLETED, "completed", expires_at=now + 300)
    assert expiring_soon(rec, now)
    rec.snapshot = TaskSnapshot("video_x", TaskState.COMPLETED, "completed", expires_at=now + 3600)
    assert not expiring_soon(rec, now)
    rec.snapshot = TaskSnapshot("video_x", TaskState.COMPLETED, "completed", expires_at=now - 5)
    assert expiring_soon(rec, now)  # already expired: still flagged, it is not saved
    rec.download = DownloadState.DONE
    assert not expiring_soon(rec, now)
