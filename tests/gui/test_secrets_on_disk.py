"""The key never lands in any file the app writes, nor in the raw-JSON view."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from reelwatch.gui.raw_json_dialog import RawJsonDialog
from reelwatch.redact import register_secret
from tests.fakeapi import FakeApi, FakeFileHost, error_step, json_step, openai_video, raw_step

KEY = "sk-never-on-disk-" + uuid.uuid4().hex


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_no_file_written_by_the_app_contains_the_key(tmp_path: Path) -> None:
    with FakeApi() as api, FakeFileHost() as files:
        api.script(
            "video_done01",
            [json_step(openai_video("video_done01", "completed", 100, video_url=files.url))],
        )
        api.script("video_html01", [raw_step(f"<html><title>502</title>{KEY}</html>", 502)])
        api.script("video_auth01", [error_step(404, f"unknown key {KEY}")])
        env = dict(os.environ)
        env.update(
            QT_QPA_PLATFORM="offscreen",
            HOME=str(tmp_path / "home"),
            XDG_DATA_HOME=str(tmp_path / "data"),
            XDG_CONFIG_HOME=str(tmp_path / "config"),
            XDG_CACHE_HOME=str(tmp_path / "cache"),
            XDG_STATE_HOME=str(tmp_path / "state"),
            XDG_RUNTIME_DIR=str(tmp_path),
            REELWATCH_API_KEY=KEY,
            REELWATCH_INSTANCE=uuid.uuid4().hex[:10],
        )
        tmp_path.chmod(0o700)
        proc = subprocess.Popen(
            [sys.executable, "-m", "reelwatch", "--verbose", "--base-url", api.base_url,
             "--interval", "1", "video_done01 video_html01 video_auth01".replace(" ", "\n")],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        video = tmp_path / "data" / "reelwatch" / "videos" / "video_done01.mp4"
        while not (video.exists() and api.polls("video_auth01") >= 2):
            assert time.monotonic() < deadline, "the app did not get going"
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
    assert KEY not in out + err
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".sqlite3" for p in written)
    assert any(p.name == "settings.ini" for p in written)
    assert any(p.name == "reelwatch.log" for p in written)
    for path in written:
        assert KEY.encode() not in path.read_bytes(), path


def test_raw_json_view_hides_an_echoed_key(qtbot) -> None:
    register_secret(KEY)
    dialog = RawJsonDialog("echo", {"id": "video_x", "debug": {"authorization": f"Bearer {KEY}"}})
    qtbot.addWidget(dialog)
    assert KEY not in dialog.text()
    assert "video_x" in dialog.text()
