"""Scriptable fake video API and result-file host for tests, on real loopback HTTP.

Each server runs in a background thread with its own asyncio loop, so synchronous tests,
``asyncio.run`` tests and pytest-qt tests (qasync loop in the main thread) can all talk
to it with the real client code. Typical use::

    with FakeApi() as api:
        api.script("video_1", [json_step(openai_video("video_1", "queued", 0)),
                               reset_step(),
                               json_step(openai_video("video_1", "completed", 100))])
        ... poll {api.base_url}/v1/videos/video_1 ...
        assert api.requests[0].headers["authorization"] == "Bearer sk-test"

Steps are :class:`Response` objects (or callables ``Request -> Response``); each poll of a
task consumes one step and the last step repeats forever.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelwatch.engine.loopback_http import (
    Headers,
    LoopbackServer,
    Request,
    Response,
    file_response,
)
from reelwatch.resources import resource_path

__all__ = [
    "FakeApi",
    "FakeFileHost",
    "LoggedRequest",
    "Request",
    "Response",
    "Step",
    "error_body",
    "error_step",
    "gateway_pending",
    "json_step",
    "newapi_task",
    "openai_video",
    "raw_step",
    "reset_step",
    "slow_step",
    "truncated_step",
]

Step = Response | Callable[[Request], Response]


# -- steps -------------------------------------------------------------------------------


def json_step(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """Answer ``body`` as JSON."""
    return Response.json(body, status, headers)


def raw_step(
    body: bytes | str,
    status: int = 200,
    content_type: str = "text/html; charset=utf-8",
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Answer raw bytes: an HTML 502 page, truncated JSON, an empty body..."""
    data = body.encode() if isinstance(body, str) else body
    return Response(status, {"Content-Type": content_type, **(headers or {})}, data)


def error_step(
    status: int,
    message: str = "error",
    code: str | None = None,
    type_: str = "invalid_request_error",
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Answer the OpenAI error body with ``status`` (add ``Retry-After`` via ``headers``)."""
    return Response.json(error_body(message, code, type_), status, headers)


def reset_step(rst: bool = False) -> Response:
    """Close the connection without answering (``rst=True``: a TCP reset instead of a FIN)."""
    return Response.hang_up(rst)


def slow_step(delay_s: float, step: Response | None = None, *, trickle: bool = False) -> Response:
    """``step`` (default ``{}``) late: headers after ``delay_s``, or with ``trickle`` the
    headers at once and the body spread over ``delay_s`` in ten pieces."""
    base = step if step is not None else json_step({})
    if not trickle:
        return dataclasses.replace(base, delay=delay_s)
    size = len(base.body) if isinstance(base.body, bytes) else 0
    pieces = 10
    return dataclasses.replace(
        base, chunk_size=max(1, -(-size // pieces)), chunk_delay=delay_s / pieces
    )


def truncated_step(step: Response, keep_bytes: int) -> Response:
    """``step`` with its full ``Content-Length`` declared but only ``keep_bytes`` sent."""
    assert isinstance(step.body, bytes)
    return dataclasses.replace(step, body=step.body[:keep_bytes], content_length=len(step.body))


# -- bodies in the real wire shapes (api-notes.md §3) -------------------------------------


def error_body(message: str, code: str | None = None, type_: str = "invalid_request_error") -> dict:
    """``{"error": {"message", "type", "param", "code"}}``."""
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


def openai_video(
    task_id: str,
    status: str = "queued",
    progress: int = 0,
    video_url: str | None = None,
    *,
    model: str = "sora-2",
    prompt: str | None = "A lighthouse at dawn, waves rolling in",
    size: str = "1280x720",
    seconds: str = "8",
    created_at: int = 1761622232,
    completed_at: int | None = None,
    expires_at: int | None = None,
    error: dict | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An OpenAI video object (integer ``progress`` percent, Unix-second times)."""
    body: dict[str, Any] = {
        "id": task_id,
        "object": "video",
        "model": model,
        "status": status,
        "progress": progress,
        "created_at": created_at,
        "completed_at": completed_at,
        "expires_at": expires_at,
        "seconds": seconds,
        "size": size,
        "error": error,
    }
    if prompt is not None:
        body["prompt"] = prompt
    if video_url is not None:
        body["video_url"] = video_url
    body.update(extra)
    return body


def gateway_pending(
    task_id: str,
    progress_pct: float | None,
    inner_status: str = "processing",
    *,
    status: str = "pending",
    prompt: str = "make animate",
    failure_reason: str | None = None,
    moderation_type: str = "passed",
    is_output_rejection: bool = False,
    status_update_time: int = 1759763621142,
    **extra: Any,
) -> dict[str, Any]:
    """The gateway "pending" shape of seed example 1 (``progress_pct`` is a 0–1 fraction)."""
    inner_id = task_id.partition(":")[2] or task_id
    body: dict[str, Any] = {
        "id": task_id,
        "detail": {
            "id": inner_id,
            "input": {"size": "small", "model": "sy_ore", "prompt": prompt},
            "status": status,
            "pending_info": {
                "id": inner_id,
                "type": "video_gen",
                "width": 352,
                "height": 640,
                "prompt": prompt,
                "status": inner_status,
                "n_frames": 450,
                "created_at": "2025-10-06T15:10:26.875729Z",
                "progress_pct": progress_pct,
                "failure_reason": failure_reason,
                "moderation_result": {
                    "code": None,
                    "type": moderation_type,
                    "task_id": inner_id,
                    "is_output_rejection": is_output_rejection,
                    "results_by_frame_index": {},
                },
                "progress_pos_in_queue": None,
                "estimated_queue_wait_time": None,
            },
        },
        "status": status,
        "status_update_time": status_update_time,
    }
    body.update(extra)
    return body


def newapi_task(
    task_id: str,
    status: str = "IN_PROGRESS",
    progress: str = "0%",
    *,
    video_url: str | None = None,
    model: str = "kling-2.1",
    fail_reason: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A new-api native task (upper-case status, ``progress`` like ``"45%"``)."""
    body: dict[str, Any] = {
        "id": task_id,
        "task_id": task_id,
        "model": model,
        "status": status,
        "progress": progress,
        "submit_time": 1761622232,
        "start_time": 1761622240,
        "finish_time": 0,
    }
    if video_url is not None:
        body["video_url"] = video_url
        body["metadata"] = {"url": video_url}
    if fail_reason is not None:
        body["fail_reason"] = fail_reason
    body.update(extra)
    return body


# -- servers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LoggedRequest:
    """What a fake server saw; ``headers`` is case-insensitive."""

    method: str
    path: str
    query: dict[str, str]
    headers: Headers
    body: bytes

    @classmethod
    def of(cls, request: Request) -> LoggedRequest:
        return cls(request.method, request.path, request.query, request.headers, request.body)


class _ThreadedServer:
    """A LoopbackServer on its own loop in a daemon thread."""

    def __init__(self, handler: Callable[[Request], Awaitable[Response]], name: str) -> None:
        self._server = LoopbackServer(handler)
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._server.start())
            except BaseException as exc:  # report a bind failure to the starting thread
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
                loop.run_until_complete(self._server.stop())
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name=self._name, daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]

    def stop(self) -> None:
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._thread = None

    @property
    def base_url(self) -> str:
        return self._server.base_url

    @property
    def connections_accepted(self) -> int:
        return self._server.connections_accepted


class _Recorder:
    """Start/stop, context manager and the request log shared by both fakes."""

    def __init__(self, name: str) -> None:
        self._lock = threading.Lock()
        self._log: list[LoggedRequest] = []
        self._thread = _ThreadedServer(self._serve, name)

    async def _serve(self, request: Request) -> Response:
        with self._lock:
            self._log.append(LoggedRequest.of(request))
            response = self._answer(request)
        return response

    def _answer(self, request: Request) -> Response:  # pragma: no cover - overridden
        raise NotImplementedError

    def start(self) -> _Recorder:
        self._thread.start()
        return self

    def close(self) -> None:
        self._thread.stop()

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def base_url(self) -> str:
        return self._thread.base_url

    @property
    def connections_accepted(self) -> int:
        """TCP connections accepted so far (keep-alive reuse shows up as fewer)."""
        return self._thread.connections_accepted

    @property
    def requests(self) -> list[LoggedRequest]:
        """A snapshot of every request served so far, oldest first."""
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()


class _Script:
    def __init__(self, steps: Iterable[Step]) -> None:
        self.steps = list(steps)
        if not self.steps:
            raise ValueError("a script needs at least one step")
        self.served = 0

    def next(self, request: Request) -> Response:
        step = self.steps[min(self.served, len(self.steps) - 1)]
        self.served += 1
        return step(request) if callable(step) else step


class FakeApi(_Recorder):
    """A fake ``/v1/videos`` service answering scripted steps per task id."""

    def __init__(self) -> None:
        super().__init__("fake-api")
        self._scripts: dict[tuple[str, str], _Script] = {}

    def __enter__(self) -> FakeApi:
        self.start()
        return self

    def script(self, task_id: str, steps: Iterable[Step]) -> None:
        """Answers for successive ``GET /v1/videos/{task_id}``; the last one repeats."""
        with self._lock:
            self._scripts["task", task_id] = _Script(steps)

    def script_content(self, task_id: str, steps: Iterable[Step]) -> None:
        """Answers for successive ``GET /v1/videos/{task_id}/content``."""
        with self._lock:
            self._scripts["content", task_id] = _Script(steps)

    def script_path(self, path: str, steps: Iterable[Step]) -> None:
        """Answers for any other route, matched on the exact (encoded) path without query."""
        with self._lock:
            self._scripts["path", path] = _Script(steps)

    def polls(self, task_id: str) -> int:
        """How many status requests ``task_id`` has been answered."""
        with self._lock:
            script = self._scripts.get(("task", task_id))
            return script.served if script else 0

    def _answer(self, request: Request) -> Response:
        parts = request.segments
        key: tuple[str, str] = ("path", request.path)
        if len(parts) == 3 and parts[:2] == ["v1", "videos"]:
            key = ("task", parts[2])
        elif len(parts) == 4 and parts[:2] == ["v1", "videos"] and parts[3] == "content":
            key = ("content", parts[2])
        script = self._scripts.get(key) or self._scripts.get(("path", request.path))
        if script is None:
            message = f"Video with id '{key[1]}' not found."
            return error_step(404, message, "video_not_found")
        return script.next(request)


def _default_video() -> bytes:
    path = resource_path("demo.mp4")
    if path.is_file():
        return path.read_bytes()
    return bytes(range(256)) * 1024  # 256 KiB of a recognisable pattern


class FakeFileHost(_Recorder):
    """A second origin serving result files, like the object-storage CDN of a gateway.

    ``drop_after`` sends only that many body bytes (full ``Content-Length`` declared) then
    closes; ``fail_status`` answers every request with that status (e.g. 403 for a link
    that expired). Both can be changed while running.
    """

    def __init__(
        self,
        data: bytes | Path | None = None,
        *,
        name: str = "result.mp4",
        content_type: str = "video/mp4",
    ) -> None:
        super().__init__("fake-file-host")
        if isinstance(data, Path):
            data = data.read_bytes()
        self.data: bytes = data if data is not None else _default_video()
        self.name = name
        self.content_type = content_type
        self.drop_after: int | None = None
        self.fail_status: int | None = None

    def __enter__(self) -> FakeFileHost:
        self.start()
        return self

    @property
    def url(self) -> str:
        """The file's URL (put it in a ``video_url``)."""
        return f"{self.base_url}/files/{self.name}"

    def _answer(self, request: Request) -> Response:
        if self.fail_status is not None:
            xml = "<?xml version='1.0'?><Error><Code>AccessDenied</Code></Error>"
            return raw_step(xml, self.fail_status, "application/xml")
        if request.method not in ("GET", "HEAD"):
            return raw_step("", 405, "text/plain")
        if request.segments != ["files", self.name]:
            return raw_step("<Error><Code>NoSuchKey</Code></Error>", 404, "application/xml")
        response = file_response(request, self.data, self.content_type)
        if self.drop_after is not None and isinstance(response.body, bytes):
            response = truncated_step(response, self.drop_after)
        return response
