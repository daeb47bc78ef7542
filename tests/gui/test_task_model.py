"""The table model repaints only the cells whose text changed (painting is the idle cost)."""

from __future__ import annotations

import time

import pytest

from reelwatch.api.snapshot import parse_snapshot
from reelwatch.engine.poller import TaskPolled
from reelwatch.engine.tracker import Tracker
from reelwatch.gui.task_model import Column, TaskTableModel
from tests.fakeapi import openai_video

BASE = "https://api.example.test"
IDS = [f"video_{n:04d}" for n in range(4)]


@pytest.fixture
def model(qapp):
    tracker = Tracker()
    tracker.add(IDS, BASE)
    model = TaskTableModel(tracker)
    model._clock.stop()  # the tests drive the clock by hand
    yield model
    model.deleteLater()


def poll(model: TaskTableModel, task_id: str, **fields) -> list[tuple[int, int, int]]:
    """Apply one successful poll; return the (row, first column, last column) repainted."""
    repainted: list[tuple[int, int, int]] = []

    def record(top_left, bottom_right, *_roles) -> None:
        assert top_left.row() == bottom_right.row()
        repainted.append((top_left.row(), top_left.column(), bottom_right.column()))

    model.dataChanged.connect(record)
    try:
        snapshot = parse_snapshot(openai_video(task_id, **fields))
        model._tracker.apply(TaskPolled(BASE, task_id, snapshot, None, 10.0))
    finally:
        model.dataChanged.disconnect(record)
    return repainted


def test_the_first_answer_paints_the_whole_row(model) -> None:
    assert poll(model, IDS[1], status="in_progress", progress=10) == [(1, 0, len(Column) - 1)]


def test_a_poll_that_moves_the_progress_repaints_that_cell_only(model) -> None:
    poll(model, IDS[2], status="in_progress", progress=10)
    assert poll(model, IDS[2], status="in_progress", progress=11) == [
        (2, Column.PROGRESS, Column.PROGRESS)
    ]
    assert poll(model, IDS[2], status="in_progress", progress=11) == []
    index = model.index(2, Column.PROGRESS)
    assert index.data() == "11%"


def test_a_new_state_repaints_every_cell_that_reads_differently(model) -> None:
    poll(model, IDS[0], status="in_progress", progress=50)
    repainted = poll(
        model, IDS[0], status="completed", progress=100, video_url="https://cdn.example.test/a.mp4"
    )
    cells = {column for _row, first, last in repainted for column in range(first, last + 1)}
    assert {Column.STATE, Column.PROGRESS, Column.RESULT} <= cells
    assert Column.ID not in cells and Column.PROMPT not in cells and Column.MODEL not in cells
    assert model.index(0, Column.STATE).data() == "Completed"


def test_the_clock_repaints_moving_cells_of_visible_rows_only(model, monkeypatch) -> None:
    started = int(time.time()) - 30  # elapsed reads "30 s": it moves every second
    for task_id in IDS:
        poll(model, task_id, status="in_progress", progress=5, created_at=started)
    model.visible_rows = lambda: [1, 2]
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    repainted: list[tuple[int, int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: repainted.append((a.row(), a.column(), b.column())))
    model._tick()  # learns what rows 1 and 2 show
    assert repainted == []
    model._tick()  # the same second: nothing moved
    assert repainted == []
    now[0] += 1.0  # elapsed moves; "checked" still says "just now"
    model._tick()
    assert sorted(repainted) == [
        (1, Column.ELAPSED, Column.ELAPSED),
        (2, Column.ELAPSED, Column.ELAPSED),
    ]
    repainted.clear()
    model.visible_rows = lambda: []  # window hidden: nothing is recomputed or repainted
    now[0] += 10.0
    model._tick()
    assert repainted == []
