"""The terminal commands against the fake API on 127.0.0.1: output contract and exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reelwatch.cli import main
from tests.fakeapi import (
    FakeApi,
    FakeFileHost,
    error_step,
    json_step,
    openai_video,
    raw_step,
)
from tests.unit.test_snapshot import SEED_COMPLETED, SEED_PENDING

KEY = "sk-cli-test-key-4242"


@pytest.fixture
def api(monkeypatch):
    monkeypatch.setenv("REELWATCH_API_KEY", KEY)
    with FakeApi() as fake:
        yield fake


def run_cli(args: list[str], capsys, stdin: str = "") -> tuple[int, list[str], str]:
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(args)
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_status_json_of_both_seed_examples(api, capsys) -> None:
    api.script(SEED_PENDING["id"], [json_step(SEED_PENDING)])
    api.script(SEED_COMPLETED["id"], [json_step(SEED_COMPLETED)])
    code, lines, err = run_cli(
        ["status", "--json", "--base-url", api.base_url, SEED_PENDING["id"], SEED_COMPLETED["id"]],
        capsys,
    )
    assert code == 0, err
    pending, completed = (json.loads(line) for line in lines)
    assert pending == {
        "id": "sora-2:task_01k6x15vhrff09dkkqjrzwhm60",
        "state": "running",
        "progress": 93.02,
        "raw_status": "pending",
        "video_url": None,
        "error": None,
        "query_error": None,
        "model": "sora-2",
        "prompt": "make animate",
        "updated_at": "2025-10-06T15:13:41.142000Z",
    }
    assert completed["state"] == "completed"
    assert completed["progress"] == 100
    assert completed["video_url"] == SEED_COMPLETED["video_url"]
    assert completed["updated_at"] == "2025-10-28T03:33:05Z"
    # The id went into the path as is (the colon kept) with the required headers.
    paths = {r.path for r in api.requests}
    assert "/v1/videos/sora-2:task_01k6x15vhrff09dkkqjrzwhm60" in paths
    for request in api.requests:
        assert request.headers["authorization"] == f"Bearer {KEY}"
        assert request.headers["content-type"] == "application/json"
        assert request.headers["accept"] == "application/json"
        assert request.headers["user-agent"].startswith("reelwatch/")


def test_status_exit_codes(api, capsys) -> None:
    api.script("video_good01", [json_step(openai_video("video_good01", "failed", 10))])
    code, lines, _ = run_cli(
        ["status", "--json", "--base-url", api.base_url, "video_good01"], capsys
    )
    assert code == 0  # answered, whatever the state
    assert json.loads(lines[0])["state"] == "failed"

    api.script("video_html01", [raw_step("<html><title>502 Bad Gateway</title></html>", 502)])
    code, lines, err = run_cli(
        ["status", "--json", "--base-url", api.base_url, "video_good01", "video_html01"], capsys
    )
    assert code == 1
    bad = json.loads(lines[1])
    assert bad["state"] is None
    assert "502 Bad Gateway" in bad["query_error"]
    assert "Traceback" not in err

    code, lines, err = run_cli(["status", "--base-url", api.base_url, "no ids here"], capsys)
    assert code == 2
    assert "no task id" in err


def test_status_reads_stdin_and_prints_a_table(api, capsys) -> None:
    api.script("video_abc123", [json_step(openai_video("video_abc123", "in_progress", 45))])
    code, lines, _ = run_cli(
        ["status", "--base-url", api.base_url, "-"], capsys, stdin="log: video_abc123 queued\n"
    )
    assert code == 0
    assert lines[0].split() == ["ID", "STATE", "PROGRESS", "MODEL", "DETAIL"]
    assert lines[1].startswith("video_abc123")
    assert "running" in lines[1] and "45%" in lines[1]


def test_refused_key_is_one_clear_line(api, capsys) -> None:
    api.script("video_abc123", [error_step(401, "Incorrect API key provided", "invalid_api_key")])
    code, lines, err = run_cli(
        ["status", "--json", "--base-url", api.base_url, "video_abc123"], capsys
    )
    assert code == 1
    assert "refused the API key" in json.loads(lines[0])["query_error"]
    assert KEY not in "".join(lines) + err


def test_watch_downloads_from_another_origin_without_the_key(api, capsys, tmp_path) -> None:
    with FakeFileHost() as files:
        api.script(
            "video_watch1",
            [
                json_step(openai_video("video_watch1", "queued", 0)),
                json_step(openai_video("video_watch1", "in_progress", 50)),
                json_step(openai_video("video_watch1", "completed", 100, video_url=files.url)),
            ],
        )
        code, lines, err = run_cli(
            ["watch", "--json", "--interval", "1", "--base-url", api.base_url,
             "--download", str(tmp_path), "video_watch1"],
            capsys,
        )  # fmt: skip
        assert code == 0, err
        events = [json.loads(line) for line in lines]
        assert [e["state"] for e in events][:3] == ["queued", "running", "completed"]
        final = events[-1]
        assert final["file"] == str(tmp_path / "video_watch1.mp4")
        assert Path(final["file"]).read_bytes() == files.data
        assert files.requests and all("authorization" not in r.headers for r in files.requests)
        assert not list(tmp_path.glob("*.part"))


def test_watch_downloads_through_content_route_with_the_key(api, capsys, tmp_path) -> None:
    data = b"\x00\x00\x00\x18ftypisom" + b"v" * 5000
    api.script("video_content", [json_step(openai_video("video_content", "completed", 100))])
    api.script_content("video_content", [raw_step(data, 200, "video/mp4")])
    code, _, err = run_cli(
        [
            "watch",
            "--json",
            "--base-url",
            api.base_url,
            "--download",
            str(tmp_path),
            "video_content",
        ],
        capsys,
    )
    assert code == 0, err
    assert (tmp_path / "video_content.mp4").read_bytes() == data
    content = [r for r in api.requests if r.path.endswith("/content")]
    assert content[0].headers["authorization"] == f"Bearer {KEY}"


def test_watch_fails_when_a_completed_task_cannot_be_delivered(api, capsys, tmp_path) -> None:
    api.script("video_nofile", [json_step(openai_video("video_nofile", "completed", 100))])
    api.script_content("video_nofile", [error_step(404, "No content", "not_found")])
    code, lines, _ = run_cli(
        [
            "watch",
            "--json",
            "--base-url",
            api.base_url,
            "--download",
            str(tmp_path),
            "video_nofile",
        ],
        capsys,
    )
    assert code == 1
    assert json.loads(lines[-1])["file"] is None


def test_watch_exit_1_when_a_task_fails(api, capsys) -> None:
    failed = openai_video(
        "video_fail01", "failed", 30, error={"code": "moderation_blocked", "message": "Blocked"}
    )
    api.script("video_fail01", [json_step(failed)])
    code, lines, _ = run_cli(
        ["watch", "--json", "--base-url", api.base_url, "video_fail01"], capsys
    )
    assert code == 1
    assert json.loads(lines[-1])["error"] == "Blocked"


def test_watch_interval_below_one_second_is_refused(api, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["watch", "--interval", "0.2", "video_abc123"])
    assert info.value.code == 2


def _cli_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        REELWATCH_API_KEY=KEY,
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        QT_QPA_PLATFORM="offscreen",
    )
    return env


def test_watch_as_a_real_process_ends_130_on_ctrl_c(api, tmp_path) -> None:
    import signal
    import time

    api.script("video_slow01", [json_step(openai_video("video_slow01", "in_progress", 5))])
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reelwatch",
            "watch",
            "--json",
            "--base-url",
            api.base_url,
            "video_slow01",
        ],
        env=_cli_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 15
    while api.polls("video_slow01") < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=15)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert json.loads(out.splitlines()[0])["state"] == "running"


def test_list_prints_the_stored_tasks(api, tmp_path) -> None:
    env = _cli_env(tmp_path)
    code = subprocess.run(
        [sys.executable, "-c",
         "from reelwatch.engine.store import TaskStore;from reelwatch.engine.tracker import Tracker;"
         "from reelwatch.paths import database_path;"
         f"TaskStore(database_path()).insert(Tracker().add(['video_listed1'], '{api.base_url}').added)"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert code.returncode == 0, code.stderr
    result = subprocess.run(
        [sys.executable, "-m", "reelwatch", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout.splitlines()[0])
    assert row["id"] == "video_listed1"
    assert row["base_url"] == api.base_url
    assert row["file"] is None and row["state"] is None
    assert row["added_at"].endswith("Z")
