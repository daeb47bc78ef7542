"""Bad input from the user: only valid ids are tracked, the rest is reported, nothing breaks."""

from __future__ import annotations

import random

from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent

from reelwatch.api.ids import MAX_TEXT_CHARS
from tests.fakeapi import json_step, openai_video, reset_step
from tests.gui.conftest import wait_for


def test_ten_thousand_ids(make_window, fake_api) -> None:
    window = make_window(fake_api.base_url, interval=3600)
    ids = [f"task_{i:026d}" for i in range(10_000)]
    assert window.add_text("\n".join(ids)) == 10_000
    assert window.proxy.rowCount() == 10_000
    assert len(window.session.store.load()) == 10_000
    assert window.windowTitle() == "Reelwatch — 0/10000 done"


def test_binary_junk_and_unsafe_ids_are_reported_not_tracked(make_window, fake_api) -> None:
    window = make_window(fake_api.base_url, interval=3600)
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(20_000)).decode("latin-1")
    unsafe = "\n".join(["a/b/c/d", "../../etc", "has space in it", "per%2Fcent", "ctl\x07char"])
    added = window.add_text(junk + "\n" + unsafe + "\nvideo_realone1\n")
    tracked = [r.task_id for r in window.session.tracker.records()]
    assert "video_realone1" in tracked
    for bad in ("a/b/c/d", "../../etc", "has space in it", "per%2Fcent"):
        assert bad not in tracked
    assert all(
        set(t) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-")
        for t in tracked
    )
    assert added == len(tracked)
    assert "skipped" in window.statusBar().currentMessage()


def test_megabytes_are_refused_with_a_clear_message(make_window, fake_api) -> None:
    window = make_window(fake_api.base_url, interval=3600)
    mime = QMimeData()
    mime.setText("x" * (MAX_TEXT_CHARS + 10))
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    window.dropEvent(event)
    assert window.proxy.rowCount() == 0
    assert window.notice_banner.isVisible()
    assert "too large" in window.notice_banner.label.text()


def test_offline_banner_comes_and_goes_by_itself(make_window, fake_api, qtbot) -> None:
    good = json_step(openai_video("video_net0001", "in_progress", 20))
    fake_api.script("video_net0001", [reset_step(), reset_step(), good])
    window = make_window(fake_api.base_url, interval=0.2)
    window.add_text("video_net0001")
    wait_for(qtbot, lambda: window._service_banners)
    banner = next(iter(window._service_banners.values()))
    wait_for(qtbot, banner.isVisible)
    assert "Can't reach" in banner.label.text()
    assert "Retrying by itself" in banner.label.text()
    wait_for(qtbot, lambda: not banner.isVisible())
    assert window.session.tracker.records()[0].query_error is None
