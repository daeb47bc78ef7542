"""The built-in demo service, over real loopback HTTP with an injected clock."""

from __future__ import annotations

import asyncio
import gc
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from reelwatch.engine.demo import DEMO_TASK_IDS, DEMO_TASKS, DemoService
from reelwatch.resources import resource_path

pytestmark = pytest.mark.filterwarnings("error")


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


Scenario = Callable[[DemoService, httpx.AsyncClient, FakeClock], Awaitable[None]]


def _run(scenario: Scenario, **start_kwargs: Any) -> None:
    """Start the demo on a fake clock, run ``scenario``, stop it, check nothing lingers."""

    async def main() -> None:
        clock = FakeClock()
        service = await DemoService.start(clock=clock, **start_kwargs)
        try:
            async with httpx.AsyncClient(base_url=service.base_url) as client:
                await scenario(service, client, clock)
        finally:
            await service.stop()
        assert asyncio.all_tasks() == {asyncio.current_task()}

    asyncio.run(main())
    gc.collect()


def _state(body: dict[str, Any]) -> tuple[str, float | None]:
    """(state, percent) by the rules of api-notes.md §3–4, kept independent of reelwatch.api."""
    pending_info = (body.get("detail") or {}).get("pending_info") or {}
    moderation = pending_info.get("moderation_result") or {}
    raw = str(body["status"]).strip().lower()
    if "progress_pct" in pending_info:
        fraction = pending_info["progress_pct"]
        percent = None if fraction is None else fraction * 100
    elif isinstance(body.get("progress"), str):
        percent = float(body["progress"].rstrip("%"))
    else:
        percent = body.get("progress")
    if (
        body.get("error")
        or pending_info.get("failure_reason")
        or moderation.get("type", "passed") != "passed"
    ):
        return "failed", percent
    if raw == "pending":
        running = pending_info.get("status") == "processing" or (percent or 0) > 0
        return ("running" if running else "queued"), percent
    table = {
        "queued": "queued",
        "submitted": "queued",
        "in_progress": "running",
        "completed": "completed",
        "success": "completed",
        "failed": "failed",
        "failure": "failed",
    }
    return table[raw], percent


async def _poll(client: httpx.AsyncClient, task_id: str) -> dict[str, Any]:
    response = await client.get(
        f"/v1/videos/{task_id}",
        headers={"Authorization": "Bearer sk-demo", "Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    return response.json()


def _completing() -> list[str]:
    return [task_id for task_id in DEMO_TASK_IDS if DEMO_TASKS[task_id].outcome == "completed"]


def test_every_demo_id_answers_with_its_own_id_at_any_time() -> None:
    async def scenario(service: DemoService, client: httpx.AsyncClient, clock: FakeClock) -> None:
        for offset in (0, 12, 30, 3600):
            clock.now = 1000.0 + offset
            for task_id in DEMO_TASK_IDS:
                body = await _poll(client, task_id)
                assert body["id"] == task_id
                _state(body)  # every answer is in a shape the notes describe

    _run(scenario)


def test_ids_cover_the_three_real_shapes() -> None:
    patterns = {
        "gateway": r"sora-2:task_[0-9a-z]{26}",
        "openai": r"video_([0-9a-f]{32}|[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})",
        "newapi": r"task_[0-9A-Za-z]{32}",
    }
    for task_id in DEMO_TASK_IDS:
        assert re.fullmatch(patterns[DEMO_TASKS[task_id].shape], task_id), task_id
    assert {DEMO_TASKS[task_id].shape for task_id in DEMO_TASK_IDS} == set(patterns)
    assert len(set(DEMO_TASK_IDS)) == len(DEMO_TASK_IDS)
    assert {task.model for task in DEMO_TASKS.values()} >= {"sora-2", "veo-3.1", "wan-2.5"}


@pytest.mark.parametrize("task_id", _completing())
def test_task_moves_queued_running_completed_with_rising_progress(task_id: str) -> None:
    task = DEMO_TASKS[task_id]
    assert task.end_s is not None and task.end_s <= 60

    async def scenario(service: DemoService, client: httpx.AsyncClient, clock: FakeClock) -> None:
        states, percents = [], []
        for tenth in range(0, int(task.end_s * 10) + 20, 5):
            clock.now = 1000.0 + tenth / 10
            state, percent = _state(await _poll(client, task_id))
            if not states or states[-1] != state:
                states.append(state)
            if state == "running":
                percents.append(percent)
        assert states == ["queued", "running", "completed"]
        assert percents == sorted(percents)
        assert 0 <= percents[0] < 20 and 80 < percents[-1] < 100

    _run(scenario)


def test_progress_uses_each_shapes_own_unit() -> None:
    async def scenario(service: DemoService, client: httpx.AsyncClient, clock: FakeClock) -> None:
        gateway, openai, newapi = (
            next(i for i in _completing() if DEMO_TASKS[i].shape == shape)
            for shape in ("gateway", "openai", "newapi")
        )
        queued = await _poll(client, gateway)
        assert queued["status"] == "pending"
        assert queued["detail"]["pending_info"]["progress_pct"] is None
        assert queued["status_update_time"] > 10**12  # milliseconds

        task = DEMO_TASKS[gateway]
        assert task.end_s is not None
        clock.now = 1000.0 + (task.start_s + task.end_s) / 2
        running = await _poll(client, gateway)
        assert running["detail"]["pending_info"]["status"] == "processing"
        assert 0.3 < running["detail"]["pending_info"]["progress_pct"] < 0.7

        body = await _poll(client, openai)
        assert body["object"] == "video"
        assert isinstance(body["progress"], int) and 0 <= body["progress"] <= 100
        assert body["size"] == "1280x720"
        assert isinstance(body["seconds"], str)
        assert 10**9 < body["created_at"] < 10**10  # seconds

        native = await _poll(client, newapi)
        assert native["status"] == native["status"].upper()
        assert re.fullmatch(r"\d{1,3}%", native["progress"])

    _run(scenario)


def test_moderation_task_fails_and_stuck_task_stays_queued() -> None:
    failing = next(i for i in DEMO_TASK_IDS if DEMO_TASKS[i].outcome == "failed")
    stuck = next(i for i in DEMO_TASK_IDS if DEMO_TASKS[i].outcome == "queued")

    async def scenario(service: DemoService, client: httpx.AsyncClient, clock: FakeClock) -> None:
        task = DEMO_TASKS[failing]
        assert task.end_s is not None
        clock.now = 1000.0 + task.end_s - 1
        assert _state(await _poll(client, failing))[0] == "running"
        clock.now = 1000.0 + task.end_s + 1
        body = await _poll(client, failing)
        assert _state(body)[0] == "failed"
        assert body["error"]["code"] == "moderation_blocked"
        assert body["detail"]["pending_info"]["moderation_result"]["type"] != "passed"
        assert "video_url" not in body

        for offset in (0, 60, 10**6):
            clock.now = 1000.0 + offset
            body = await _poll(client, stuck)
            assert _state(body) == ("queued", 0.0)
            assert "video_url" not in body

    _run(scenario)


def test_results_are_served_from_files_and_content_with_ranges() -> None:
    video = resource_path("demo.mp4").read_bytes()
    official = next(
        i for i in _completing() if DEMO_TASKS[i].shape == "openai" and not DEMO_TASKS[i].file_name
    )

    async def scenario(service: DemoService, client: httpx.AsyncClient, clock: FakeClock) -> None:
        early = await client.get(f"/v1/videos/{official}/content")
        assert early.status_code == 404
        assert set(early.json()["error"]) == {"message", "type", "param", "code"}

        clock.now = 1000.0 + 61
        urls = set()
        for task_id in _completing():
            body = await _poll(client, task_id)
            if task_id == official:
                assert "video_url" not in body
                assert body["expires_at"] > body["completed_at"] > body["created_at"]
            else:
                assert body["video_url"].startswith(service.base_url + "/files/")
                assert body["video_url"].endswith(".mp4")
                urls.add(body["video_url"])
        assert len(urls) == len(_completing()) - 1

        content = await client.get(f"/v1/videos/{official}/content", params={"variant": "video"})
        assert content.status_code == 200
        assert content.headers["content-type"] == "video/mp4"
        assert content.headers["content-length"] == str(len(video))
        assert content.content == video
        for url in urls:
            assert (await client.get(url)).content == video

        for url in (f"/v1/videos/{official}/content", next(iter(urls))):
            part = await client.get(url, headers={"Range": "bytes=1000-"})
            assert part.status_code == 206
            assert part.headers["content-range"] == f"bytes 1000-{len(video) - 1}/{len(video)}"
            assert part.content == video[1000:]
            head = await client.head(url)
            assert head.headers["content-length"] == str(len(video))
            assert head.content == b""

    _run(scenario)


def test_unknown_ids_routes_and_methods_answer_openai_errors() -> None:
    async def scenario(service: DemoService, client: httpx.AsyncClient, clock: FakeClock) -> None:
        for path in ("/v1/videos/video_unknown", "/v1/videos/video_unknown/content", "/v2/x"):
            response = await client.get(path)
            assert response.status_code == 404, path
            assert set(response.json()["error"]) == {"message", "type", "param", "code"}
        assert (await client.get("/files/nothing.mp4")).status_code == 404
        posted = await client.post(f"/v1/videos/{DEMO_TASK_IDS[0]}")
        assert posted.status_code == 405

    _run(scenario)


def test_percent_encoded_ids_and_no_authorization_are_accepted() -> None:
    gateway = next(i for i in DEMO_TASK_IDS if ":" in i)

    async def scenario(service: DemoService, client: httpx.AsyncClient, clock: FakeClock) -> None:
        encoded = gateway.replace(":", "%3A")
        response = await client.get(f"/v1/videos/{encoded}")
        assert response.status_code == 200
        assert response.json()["id"] == gateway

    _run(scenario)


def test_missing_video_file_gives_404_not_a_crash(tmp_path: Path) -> None:
    async def scenario(service: DemoService, client: httpx.AsyncClient, clock: FakeClock) -> None:
        clock.now = 1000.0 + 61
        body = await _poll(client, _completing()[0])
        response = await client.get(body["video_url"])
        assert response.status_code == 404

    _run(scenario, video_path=tmp_path / "absent.mp4")


def test_default_clock_starts_everything_queued_and_stop_frees_the_port() -> None:
    async def main() -> None:
        service = await DemoService.start()
        base_url = service.base_url
        async with httpx.AsyncClient(base_url=base_url) as client:
            for task_id in DEMO_TASK_IDS:
                assert _state(await _poll(client, task_id))[0] == "queued"
            await service.stop()
            with pytest.raises(httpx.ConnectError):
                await client.get(f"/v1/videos/{DEMO_TASK_IDS[0]}")
        assert asyncio.all_tasks() == {asyncio.current_task()}

    asyncio.run(main())
    gc.collect()


def test_demo_video_is_small_real_h264() -> None:
    av = pytest.importorskip("av")
    path = resource_path("demo.mp4")
    assert path.stat().st_size < 400 * 1024
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert (stream.width, stream.height) == (640, 360)
        frames = sum(1 for _ in container.decode(stream))
    assert 6 * 24 <= frames <= 8 * 24
