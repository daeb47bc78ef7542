"""The built-in demo service: a local fake video API so Reelwatch can be tried without a key.

It answers ``GET /v1/videos/{id}`` in the three real wire shapes (gateway "pending",
OpenAI video object, new-api native task; see ``api-notes.md``), derived from the time
since the service started, so every id walks through its states like a real job does:
four finish within a minute, one is blocked by moderation, one never leaves the queue.
Results are served from the same server: ``/files/<name>.mp4`` for the ``video_url`` of
gateway-style results and ``/v1/videos/{id}/content`` for the official-style one that has
no ``video_url``. It runs in whichever asyncio loop calls :meth:`DemoService.start`.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from reelwatch.engine.loopback_http import LoopbackServer, Request, Response, file_response
from reelwatch.resources import resource_path

__all__ = ["DEMO_TASKS", "DEMO_TASK_IDS", "DemoService", "DemoTask"]

log = logging.getLogger(__name__)

Shape = Literal["openai", "gateway", "newapi"]
Outcome = Literal["completed", "failed", "queued"]


@dataclass(frozen=True)
class DemoTask:
    """The script of one demo job; times are seconds since the service started."""

    task_id: str
    shape: Shape
    model: str
    prompt: str
    outcome: Outcome
    start_s: float  # leaves the queue
    end_s: float | None  # reaches its outcome; None: never
    submitted_ago_s: float  # how long before the demo started it was "submitted"
    file_name: str | None = None  # served as video_url; None: only via /content
    seconds: str = "8"
    size: str = "1280x720"
    fail_at: float = 1.0  # progress fraction where a failing job stops


_TASKS = (
    DemoTask(
        "video_61ee21cc-98cf-4658-8c08-396e6e5d8803",
        "openai",
        "veo-3.1",
        "A paper boat drifting down a rain-soaked street at dusk, neon signs rippling "
        "in the puddles, low tracking shot",
        "completed",
        start_s=3,
        end_s=20,
        submitted_ago_s=8,
        file_name="paper-boat-at-dusk.mp4",
    ),
    DemoTask(
        "task_FgTa5c69waHptHo0ew71WocnNoOXRRrs",
        "newapi",
        "wan-2.5",
        "Time-lapse of a sunflower field turning to follow the sun, soft summer haze, "
        "bees drifting between the flowers",
        "completed",
        start_s=6,
        end_s=35,
        submitted_ago_s=15,
        file_name="sunflower-timelapse.mp4",
        seconds="5",
    ),
    DemoTask(
        "sora-2:task_01k7eb44pgb0e2gjxrv9gz1v8g",
        "gateway",
        "sora-2",
        "A red fox trotting across fresh snow in a birch forest, early morning light, "
        "slow dolly shot",
        "completed",
        start_s=10,
        end_s=45,
        submitted_ago_s=30,
        file_name="fox-in-birch-snow.mp4",
        seconds="10",
    ),
    DemoTask(
        "video_8a24dddcdb83056610a0126fe3c45570",
        "openai",
        "sora-2",
        "Macro shot of cream swirling into iced coffee in a glass, warm café light, "
        "shallow depth of field",
        "completed",
        start_s=12,
        end_s=55,
        submitted_ago_s=50,
    ),
    DemoTask(
        "sora-2:task_01kbsewk5gbtv76za4pgffmxze",
        "gateway",
        "sora-2",
        "A famous pop star dancing on a rooftop in the rain, cinematic close-up",
        "failed",
        start_s=4,
        end_s=25,
        submitted_ago_s=20,
        seconds="10",
        fail_at=0.62,
    ),
    DemoTask(
        "task_imWwybipXsCcW7iQ6cmNZ2JUTtBXMBWW",
        "newapi",
        "kling-2.1",
        "Paper lanterns rising over a still mountain lake at night, gentle camera pull-back",
        "queued",
        start_s=float("inf"),
        end_s=None,
        submitted_ago_s=42 * 60,
        seconds="10",
    ),
)

#: The demo ids in display order: quickest first, then the failure, then the stuck one.
DEMO_TASK_IDS: tuple[str, ...] = tuple(task.task_id for task in _TASKS)
#: What each demo job will do, for screens and tests that need to know.
DEMO_TASKS = MappingProxyType({task.task_id: task for task in _TASKS})


def _error(message: str, code: str | None, type_: str = "invalid_request_error") -> dict:
    """The OpenAI / new-api error body."""
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


class DemoService:
    """Serves the demo jobs on a loopback port; create it with ``await DemoService.start()``."""

    def __init__(self, clock: Callable[[], float], video: bytes | None, port: int = 0) -> None:
        self._clock = clock
        self._video = video
        self._t0 = clock()
        self._wall0 = time.time()
        self._request_ids = itertools.count(1)
        self._server = LoopbackServer(self._serve, port=port)

    @classmethod
    async def start(
        cls,
        clock: Callable[[], float] = time.monotonic,
        *,
        port: int = 0,
        video_path: Path | None = None,
    ) -> DemoService:
        """Bind a loopback port and serve; ``clock`` drives the jobs (tests inject their own)."""
        path = video_path or resource_path("demo.mp4")
        try:
            video: bytes | None = path.read_bytes()
        except OSError:
            log.warning("demo video %s is missing; result downloads will answer 404", path)
            video = None
        service = cls(clock, video, port)
        await service._server.start()
        return service

    @property
    def base_url(self) -> str:
        return self._server.base_url

    async def stop(self) -> None:
        """Close the port and every open connection."""
        await self._server.stop()

    async def __aenter__(self) -> DemoService:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- state -------------------------------------------------------------------------

    def _elapsed(self) -> float:
        return max(0.0, self._clock() - self._t0)

    def _wall(self, elapsed: float) -> float:
        return self._wall0 + elapsed

    def _phase(self, task: DemoTask, now: float) -> tuple[str, float]:
        """(``queued`` | ``running`` | outcome, progress fraction) at ``now``."""
        if now < task.start_s:
            return "queued", 0.0
        if task.end_s is None or now < task.end_s:
            end = task.end_s if task.end_s is not None else task.start_s + 60
            fraction = (now - task.start_s) / (end - task.start_s)
            return "running", min(fraction * task.fail_at, 0.99)
        return task.outcome, task.fail_at if task.outcome == "failed" else 1.0

    def task_body(self, task_id: str) -> dict[str, Any] | None:
        """The JSON a poll of ``task_id`` gets right now, or ``None`` for an unknown id."""
        task = DEMO_TASKS.get(task_id)
        if task is None:
            return None
        now = self._elapsed()
        phase, fraction = self._phase(task, now)
        builder = {"openai": self._openai, "gateway": self._gateway, "newapi": self._newapi}
        return builder[task.shape](task, now, phase, fraction)

    def _file_url(self, task: DemoTask) -> str | None:
        return f"{self.base_url}/files/{task.file_name}" if task.file_name else None

    def _created(self, task: DemoTask) -> int:
        return int(self._wall(-task.submitted_ago_s))

    def _openai(self, task: DemoTask, now: float, phase: str, fraction: float) -> dict[str, Any]:
        status = {"running": "in_progress"}.get(phase, phase)
        body: dict[str, Any] = {
            "id": task.task_id,
            "object": "video",
            "model": task.model,
            "status": status,
            "progress": 100 if phase == "completed" else int(fraction * 100),
            "created_at": self._created(task),
            "completed_at": None,
            "expires_at": None,
            "prompt": task.prompt,
            "seconds": task.seconds,
            "size": task.size,
            "remixed_from_video_id": None,
            "error": None,
        }
        if phase == "completed" and task.end_s is not None:
            completed = int(self._wall(task.end_s))
            body["completed_at"] = completed
            body["expires_at"] = completed + 3600
            if task.file_name:
                body["video_url"] = self._file_url(task)
        return body

    def _gateway(self, task: DemoTask, now: float, phase: str, fraction: float) -> dict[str, Any]:
        inner_id = task.task_id.partition(":")[2]
        if phase == "queued":
            changed_at = -task.submitted_ago_s
        elif phase == "running" or task.end_s is None:
            changed_at = now
        else:
            changed_at = task.end_s
        update_ms = int(self._wall(changed_at) * 1000)
        if phase == "completed" and task.end_s is not None:
            # Once done, the gateway answers with the OpenAI video object under its own id.
            return {
                "id": task.task_id,
                "object": "video",
                "model": task.model,
                "status": "completed",
                "progress": 100,
                "seconds": task.seconds,
                "size": task.size,
                "video_url": self._file_url(task),
                "enhanced_prompt": task.prompt,
                "created_at": self._created(task),
                "completed_at": int(self._wall(task.end_s)),
                "status_update_time": update_ms,
            }
        failed = phase == "failed"
        width, _, height = task.size.partition("x")
        moderation = {
            "code": "moderation_blocked" if failed else None,
            "type": "terminal" if failed else "passed",
            "task_id": inner_id,
            "is_output_rejection": failed,
            "results_by_frame_index": {},
        }
        inner_status = {"queued": "queued", "running": "processing"}.get(phase, phase)
        queued = phase == "queued"
        pending_info = {
            "id": inner_id,
            "seed": None,
            "type": "video_gen",
            "model": "sy_8",
            "title": "New Video",
            "width": int(width),
            "height": int(height),
            "prompt": task.prompt,
            "status": inner_status,
            "n_frames": int(task.seconds) * 30,
            "priority": 2,
            "operation": "simple_compose",
            "created_at": datetime.fromtimestamp(self._wall(-task.submitted_ago_s), UTC)
            .isoformat(timespec="microseconds")
            .replace("+00:00", "Z"),
            "n_variants": 1,
            "generations": [],
            "progress_pct": None if queued else fraction,
            "failure_reason": "Output rejected by content moderation" if failed else None,
            "moderation_result": moderation,
            "needs_user_review": False,
            "queue_status_message": "Waiting for capacity" if queued else None,
            "progress_pos_in_queue": max(1, int(task.start_s - now) // 2) if queued else None,
            "num_unsafe_generations": 1 if failed else 0,
            "estimated_queue_wait_time": int(task.start_s - now) if queued else None,
        }
        top_status = "failed" if failed else "pending"
        body: dict[str, Any] = {
            "id": task.task_id,
            "detail": {
                "id": inner_id,
                "input": {
                    "size": "large",
                    "model": "sy_8",
                    "prompt": task.prompt,
                    "orientation": "landscape",
                },
                "status": top_status,
                "pending_info": pending_info,
            },
            "status": top_status,
            "status_update_time": update_ms,
        }
        if failed:
            body["error"] = {
                "code": "moderation_blocked",
                "message": "Your request was blocked by our moderation system.",
            }
        return body

    def _newapi(self, task: DemoTask, now: float, phase: str, fraction: float) -> dict[str, Any]:
        submitted = self._created(task)
        if phase == "queued":
            # new-api reports SUBMITTED until the upstream accepts the job, then QUEUED.
            status = "SUBMITTED" if now < min(2.0, task.start_s) else "QUEUED"
        else:
            status = {"running": "IN_PROGRESS", "completed": "SUCCESS"}.get(phase, "FAILURE")
        percent = 100 if phase == "completed" else int(fraction * 100)
        body: dict[str, Any] = {
            "id": task.task_id,
            "task_id": task.task_id,
            "platform": task.model.partition("-")[0],
            "action": "textGenerate",
            "model": task.model,
            "prompt": task.prompt,
            "status": status,
            "progress": f"{percent}%",
            "submit_time": submitted,
            "start_time": 0 if phase == "queued" else int(self._wall(task.start_s)),
            "finish_time": int(self._wall(task.end_s))
            if phase == "completed" and task.end_s is not None
            else 0,
        }
        if phase == "completed":
            body["video_url"] = self._file_url(task)
            body["metadata"] = {"url": self._file_url(task)}
        return body

    # -- HTTP ----------------------------------------------------------------------------

    def _json(self, obj: Any, status: int = 200) -> Response:
        return Response.json(obj, status, {"x-request-id": f"req_demo_{next(self._request_ids)}"})

    async def _serve(self, request: Request) -> Response:
        parts = request.segments
        if request.method not in ("GET", "HEAD"):
            response = self._json(_error(f"{request.method} is not supported here", None), 405)
            response.headers["Allow"] = "GET, HEAD"
            return response
        if len(parts) == 3 and parts[:2] == ["v1", "videos"]:
            body = self.task_body(parts[2])
            if body is None:
                return self._not_found(parts[2])
            return self._json(body)
        if len(parts) == 4 and parts[:2] == ["v1", "videos"] and parts[3] == "content":
            return self._content(request, parts[2])
        if len(parts) == 2 and parts[0] == "files":
            names = {task.file_name for task in _TASKS if task.file_name}
            if parts[1] in names and self._video is not None:
                return file_response(request, self._video, "video/mp4")
            return Response.text("Not Found\n", 404)
        return self._json(_error(f"Unknown route: {request.path}", "not_found"), 404)

    def _not_found(self, task_id: str) -> Response:
        message = f"Video with id '{task_id}' not found."
        return self._json(_error(message, "video_not_found"), 404)

    def _content(self, request: Request, task_id: str) -> Response:
        body = self.task_body(task_id)
        if body is None:
            return self._not_found(task_id)
        variant = request.query.get("variant", "video")
        if variant != "video":
            return self._json(_error(f"Variant '{variant}' is not available.", None), 404)
        if body["status"].lower() not in ("completed", "success"):
            message = "Video is not ready yet; wait until its status is completed."
            return self._json(_error(message, None), 404)
        if self._video is None:
            return self._json(_error("Video content is missing.", None, "server_error"), 500)
        return file_response(request, self._video, "video/mp4")
