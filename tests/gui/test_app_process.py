"""The real `reelwatch` process: one instance per user, and a clean exit on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.fakeapi import FakeApi, json_step, openai_video

ID_A = "video_5c6a605a-30c0-4a6a-9dbd-d1d6cfdd9980"
ID_B = "sora-2:task_01k6x15vhrff09dkkqjrzwhm60"
KEY = "sk-process-test-31337"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.fixture
def api():
    with FakeApi() as fake:
        fake.script(ID_A, [json_step(openai_video(ID_A, "in_progress", 30, prompt="first"))])
        fake.script(ID_B, [json_step(openai_video(ID_B, "queued", 0, prompt="second"))])
        yield fake


@pytest.fixture
def app_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_RUNTIME_DIR=str(tmp_path),
        REELWATCH_API_KEY=KEY,
        REELWATCH_INSTANCE=uuid.uuid4().hex[:12],
    )
    (tmp_path).chmod(0o700)
    return env


def launch(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reelwatch", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def stored(env: dict[str, str]) -> dict[str, dict | None]:
    path = Path(env["XDG_DATA_HOME"]) / "reelwatch" / "tasks.sqlite3"
    if not path.exists():
        return {}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT task_id, snapshot FROM tasks").fetchall()
    except sqlite3.Error:
        return {}
    finally:
        db.close()
    return {task_id: json.loads(snapshot) if snapshot else None for task_id, snapshot in rows}


def test_second_instance_hands_over_its_ids_and_sigterm_saves_everything(api, app_env) -> None:
    first = launch(app_env, "--base-url", api.base_url, "--interval", "1", ID_A)
    try:
        wait(lambda: api.polls(ID_A) >= 1)
        started = time.monotonic()
        second = launch(app_env, "--base-url", api.base_url, f"please watch {ID_B}")
        out, err = second.communicate(timeout=15)
        assert second.returncode == 0, err
        assert time.monotonic() - started < 10
        assert "already open" in out
        wait(lambda: api.polls(ID_B) >= 1)
        wait(lambda: set(stored(app_env)) == {ID_A, ID_B})
    finally:
        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=20)
    assert first.returncode == 0, err
    assert "Traceback" not in err
    saved = stored(app_env)
    assert saved[ID_A]["progress"] == 30
    assert saved[ID_B]["status"] == "queued"
    assert KEY not in err + out


def test_ctrl_c_also_exits_cleanly(api, app_env) -> None:
    proc = launch(app_env, "--base-url", api.base_url, ID_A)
    try:
        wait(lambda: stored(app_env).get(ID_A) is not None)
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
