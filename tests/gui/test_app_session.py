"""The app's controller: a damaged task list is set aside and the user is told; layout persists."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from reelwatch.api.snapshot import TaskSnapshot, TaskState
from reelwatch.engine.poller import PollSettings, TaskPolled
from reelwatch.engine.secrets import ENV_VAR, KeyStore
from reelwatch.gui.app import Controller
from reelwatch.gui.task_model import Column
from reelwatch.paths import database_path
from reelwatch.settings import GEOMETRY
from tests.gui.conftest import close_window, run_in_loop


def test_damaged_task_list_is_set_aside_and_the_user_told(
    qtbot, qloop, monkeypatch, tmp_path, settings
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = database_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage, not SQLite" * 50)
    controller = Controller(
        settings, KeyStore(environ={ENV_VAR: "sk"}), "https://api.example.com", PollSettings()
    )
    session, base_url, notice = run_in_loop(qtbot, controller.open_session(False))
    try:
        assert notice is not None and "set aside" in notice
        aside = list(path.parent.glob("tasks.sqlite3.corrupt-*"))
        assert aside and aside[0].read_bytes().startswith(b"\x00garbage")
        assert session.tracker.records() == []
        assert base_url == "https://api.example.com"
    finally:
        run_in_loop(qtbot, session.aclose())


def test_column_layout_and_geometry_come_back(make_window, fake_api, qtbot, settings) -> None:
    window = make_window(fake_api.base_url, interval=3600)
    window.add_text("video_layout01")
    header = window.table.horizontalHeader()
    header.resizeSection(Column.MODEL, 201)
    header.moveSection(header.visualIndex(Column.RESULT), 0)
    close_window(qtbot, window, window.session)
    assert settings.get(GEOMETRY)  # saved on close, restored by the next window
    again = make_window(
        fake_api.base_url, interval=3600, store_path=Path(window.session.store.path)
    )
    header = again.table.horizontalHeader()
    assert header.sectionSize(Column.MODEL) == 201
    assert header.visualIndex(Column.RESULT) == 0


def test_stalled_task_says_so(make_window, fake_api, qtbot) -> None:
    window = make_window(fake_api.base_url, interval=3600)
    window.add_text("video_stall001")
    base = window.session.tracker.records()[0].base_url
    snapshot = TaskSnapshot("video_stall001", TaskState.RUNNING, "in_progress", 99.0)
    window.session.tracker.apply(TaskPolled(base, "video_stall001", snapshot, None, 10))
    window.session.tracker.update((base, "video_stall001"), stalled=True)
    state = window.proxy.index(0, Column.STATE)
    assert state.data() == "Running · stalled?"
    assert "No progress for a long time" in state.data(Qt.ItemDataRole.ToolTipRole)


def test_title_keeps_up_while_changes_keep_coming(make_window, fake_api, qtbot) -> None:
    window = make_window(fake_api.base_url, interval=3600)
    window.add_text("video_busy0001\nvideo_busy0002")
    base = window.session.tracker.records()[0].base_url
    tracker = window.session.tracker
    done = TaskSnapshot("video_busy0001", TaskState.COMPLETED, "completed", 100.0)
    tracker.apply(TaskPolled(base, "video_busy0001", done, None, None))
    ticks = {"n": 0}

    def change() -> None:  # a change every 20 ms: faster than the 100 ms count throttle
        ticks["n"] += 1
        snap = TaskSnapshot("video_busy0002", TaskState.RUNNING, "in_progress", float(ticks["n"]))
        tracker.apply(TaskPolled(base, "video_busy0002", snap, None, 1.0))

    from PySide6.QtCore import QTimer

    timer = QTimer(window)
    timer.setInterval(20)
    timer.timeout.connect(change)
    timer.start()
    try:
        qtbot.waitUntil(lambda: "1/2" in window.windowTitle(), timeout=2000)
        assert timer.isActive() and ticks["n"] < 60  # updated while changes were still arriving
    finally:
        timer.stop()
