"""The window over a real engine, a real store and a fake API on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel

from reelwatch.api.snapshot import TaskState
from reelwatch.engine.tracker import DownloadState
from reelwatch.gui.task_model import Column
from tests.fakeapi import json_step, openai_video
from tests.gui.conftest import API_KEY, close_window, wait_for

ID_A = "video_5c6a605a-30c0-4a6a-9dbd-d1d6cfdd9980"
ID_B = "sora-2:task_01k6x15vhrff09dkkqjrzwhm60"


def shown_texts(window, column: Column) -> list[str]:
    proxy = window.proxy
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def test_first_start_shows_the_empty_state(make_window, fake_api) -> None:
    window = make_window(fake_api.base_url)
    assert window.left.currentWidget() is window.empty
    assert window.windowTitle() == "Reelwatch"
    assert not window.act_remove.isEnabled()


def test_pasting_adds_rows_and_reports_duplicates(make_window, fake_api, qtbot) -> None:
    fake_api.script(ID_A, [json_step(openai_video(ID_A, "queued", 0))])
    fake_api.script(ID_B, [json_step(openai_video(ID_B, "in_progress", 40))])
    window = make_window(fake_api.base_url, interval=30)
    QGuiApplication.clipboard().setText(f"here: {ID_A}\nand {ID_B}\nnoise line")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(
        window.focusWidget() or window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier
    )
    assert window.proxy.rowCount() == 2
    assert window.left.currentWidget() is window.table
    assert "Tracking 2 new tasks" in window.statusBar().currentMessage()
    wait_for(qtbot, lambda: shown_texts(window, Column.STATE) == ["Queued", "Running"])
    assert shown_texts(window, Column.PROGRESS) == ["0%", "40%"]
    assert window.windowTitle() == "Reelwatch — 0/2 done"
    # The key went to the API, with the headers the specification requires.
    request = next(r for r in fake_api.requests if ID_A in r.path)
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["accept"] == "application/json"

    window.add_text(ID_A)
    assert window.proxy.rowCount() == 2
    assert "1 already tracked" in window.statusBar().currentMessage()
    window.add_text("nothing useful here")
    assert "No task id found" in window.statusBar().currentMessage()


def test_dropping_text_adds_tasks(make_window, fake_api) -> None:
    window = make_window(fake_api.base_url, interval=30)
    mime = QMimeData()
    mime.setText(ID_A)
    event = QDropEvent(
        QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    window.dropEvent(event)
    assert window.proxy.rowCount() == 1


def test_a_job_moves_through_its_states_downloads_and_plays(
    make_window, fake_api, file_host, qtbot, tmp_path: Path
) -> None:
    steps = [
        json_step(openai_video(ID_A, "queued", 0)),
        json_step(openai_video(ID_A, "in_progress", 35)),
        json_step(openai_video(ID_A, "in_progress", 80)),
        json_step(openai_video(ID_A, "completed", 100, video_url=file_host.url)),
    ]
    fake_api.script(ID_A, steps)
    window = make_window(fake_api.base_url, interval=0.3)
    seen_states: list[str] = []
    window.model.dataChanged.connect(
        lambda *_: seen_states.append(window.proxy.index(0, Column.STATE).data())
    )
    window.add_text(ID_A)
    record = window.session.tracker.get((fake_api.base_url, ID_A))
    wait_for(qtbot, lambda: record.download is DownloadState.DONE, timeout=15000)
    assert {"Queued", "Running", "Completed"} <= set(seen_states)
    assert (
        seen_states.index("Queued") < seen_states.index("Running") < seen_states.index("Completed")
    )
    saved = Path(record.file)
    assert saved.parent == tmp_path / "videos"
    assert saved.read_bytes() == file_host.data
    # The file host is another origin: it never saw the key.
    assert file_host.requests
    assert all("authorization" not in r.headers for r in file_host.requests)
    assert window.proxy.index(0, Column.RESULT).data() == "Saved"
    assert window.windowTitle() == "Reelwatch — 1/1 done"

    # Selected (the first row is selected on its own): the preview decodes real frames.
    frames: list[int] = []
    wait_for(qtbot, lambda: window.preview.video_sink() is not None, timeout=10000)
    sink = window.preview.video_sink()
    sink.videoFrameChanged.connect(lambda frame: frames.append(1) if frame.isValid() else None)
    wait_for(qtbot, lambda: len(frames) >= 5, timeout=15000)
    assert window.preview.current_path == saved


def test_unfinished_task_shows_details(make_window, fake_api, qtbot) -> None:
    fake_api.script(
        ID_A, [json_step(openai_video(ID_A, "in_progress", 42, prompt="A cat surfing"))]
    )
    window = make_window(fake_api.base_url, interval=30)
    window.add_text(ID_A)
    wait_for(qtbot, lambda: window.session.tracker.records()[0].snapshot is not None)
    qtbot.waitUntil(lambda: window.preview.current_page == "details")

    def shown() -> list[str]:
        return [label.text() for label in window.preview.findChildren(QLabel) if label.isVisible()]

    qtbot.waitUntil(lambda: "A cat surfing" in shown())
    assert "42.0%" in shown()


def test_filter_and_search(make_window, fake_api, qtbot) -> None:
    fake_api.script(ID_A, [json_step(openai_video(ID_A, "completed", 100, prompt="red fox"))])
    fake_api.script(ID_B, [json_step(openai_video(ID_B, "in_progress", 10, prompt="blue whale"))])
    window = make_window(fake_api.base_url, interval=30)
    window.session.downloader.auto = False
    window.add_text(f"{ID_A}\n{ID_B}")
    wait_for(qtbot, lambda: all(r.snapshot for r in window.session.tracker.records()))
    window.filter_combo.setCurrentIndex(4)  # Completed
    assert window.proxy.rowCount() == 1
    window.filter_combo.setCurrentIndex(1)  # Unfinished
    assert shown_texts(window, Column.STATE) == ["Running"]
    window.filter_combo.setCurrentIndex(0)
    window.search.setText("FOX")
    assert window.proxy.rowCount() == 1
    window.search.setText("01k6x15")
    assert shown_texts(window, Column.MODEL) == [window.proxy.index(0, Column.MODEL).data()]
    assert window.proxy.rowCount() == 1
    window.search.clear()
    window.table.sortByColumn(Column.PROGRESS, Qt.SortOrder.DescendingOrder)
    assert shown_texts(window, Column.PROGRESS) == ["100%", "10%"]


def test_remove_is_undoable_and_persisted(make_window, fake_api, qtbot, tmp_path) -> None:
    window = make_window(fake_api.base_url, interval=30)
    window.add_text(f"{ID_A}\n{ID_B}")
    window.table.selectAll()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert window.proxy.rowCount() == 0
    assert window.session.store.load() == []
    assert window.undo_banner.isVisible()
    window.undo_remove()
    assert window.proxy.rowCount() == 2
    assert [r.task_id for r in window.session.store.load()] == [ID_A, ID_B]


def test_copy_id(make_window, fake_api) -> None:
    window = make_window(fake_api.base_url, interval=30)
    window.add_text(ID_B)
    window.table.setFocus()
    window.copy_ids()
    assert QApplication.clipboard().text() == ID_B


def test_list_survives_closing_and_reopening(make_window, fake_api, qtbot, tmp_path) -> None:
    fake_api.script(ID_A, [json_step(openai_video(ID_A, "in_progress", 55, prompt="kept"))])
    store_path = tmp_path / "kept.sqlite3"
    window = make_window(fake_api.base_url, interval=30, store_path=store_path)
    window.add_text(f"{ID_A}\n{ID_B}")
    wait_for(qtbot, lambda: window.session.tracker.records()[0].snapshot is not None)
    close_window(qtbot, window, window.session)

    reopened = make_window(fake_api.base_url, interval=30, store_path=store_path)
    assert shown_texts(reopened, Column.ID)[0].startswith("video_5c6a605a")
    assert reopened.proxy.rowCount() == 2
    record = reopened.session.tracker.records()[0]
    assert record.state is TaskState.RUNNING
    assert record.snapshot.prompt == "kept"
    # Unfinished tasks resume polling.
    wait_for(qtbot, lambda: fake_api.polls(ID_A) >= 2)


def test_refused_key_shows_a_banner_with_a_way_out(make_window, fake_api, qtbot) -> None:
    from tests.fakeapi import error_step

    fake_api.script(ID_A, [error_step(401, "Invalid API key", "invalid_api_key")])
    window = make_window(fake_api.base_url, interval=0.2)
    window.add_text(ID_A)
    banner = None
    wait_for(qtbot, lambda: window._service_banners)
    banner = next(iter(window._service_banners.values()))
    wait_for(qtbot, banner.isVisible)
    assert "refused the API key" in banner.label.text()
    assert "Invalid API key" in banner.label.text()
    polls = fake_api.polls(ID_A)
    qtbot.wait(800)
    assert fake_api.polls(ID_A) == polls  # paused: no hammering


def test_model_passes_qtmodeltester(make_window, fake_api, qtmodeltester, qtbot) -> None:
    fake_api.script(ID_A, [json_step(openai_video(ID_A, "in_progress", 42))])
    window = make_window(fake_api.base_url, interval=30)
    window.add_text(f"{ID_A}\n{ID_B}\ntask_0123456789abcdef")
    wait_for(qtbot, lambda: window.session.tracker.records()[0].snapshot is not None)
    qtmodeltester.check(window.model)
    qtmodeltester.check(window.proxy)


def test_the_clock_repaints_only_the_rows_on_screen(make_window, fake_api, qtbot) -> None:
    window = make_window(fake_api.base_url, interval=60)
    ids = [f"video_{n:08d}-0000-4000-8000-000000000000" for n in range(60)]
    window.add_text("\n".join(ids))
    qtbot.waitUntil(lambda: window.model.rowCount() == 60)
    on_screen = window._rows_on_screen()
    assert 5 < len(on_screen) < 60  # a window's worth, not the whole list
    assert on_screen == list(range(len(on_screen)))
    window.table.scrollToBottom()
    assert window._rows_on_screen()[-1] == 59
    window.search.setText("video_0000005")  # the model's rows 50 to 59, shown as 0 to 9
    qtbot.waitUntil(lambda: window._rows_on_screen() == list(range(50, 60)))  # once laid out
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    assert window._rows_on_screen() == []
