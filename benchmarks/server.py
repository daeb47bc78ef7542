"""The benchmarks' fake video API, run as its OWN process so its CPU is never counted
in the client's.

    python benchmarks/server.py --mode poll|soak|download [options]

Prints one JSON line on stdout once it listens::

    {"api": "http://127.0.0.1:PORT", "files": "http://127.0.0.1:PORT2" | null}

and serves until SIGTERM/SIGINT, until its stdin is closed (the parent died), or
until --max-seconds have passed, whichever comes first. Binds 127.0.0.1 only.

Modes
-----
poll      every ``GET /v1/videos/{id}`` answers an OpenAI video object ``in_progress``
          whose progress moves by one on every poll (so every poll changes the row).
soak      the same, but each task completes (or, one in twenty, fails) after a number
          of good answers, and faults are mixed in: HTML 502 pages, 429 with
          ``Retry-After: 1``, connection resets, truncated JSON, bodies cut short and
          slow answers. Deterministic for a given --seed.
download  ``/v1/videos/{id}`` says completed with a ``video_url`` on a SECOND origin
          (another port) that serves a file of --file-mb MiB with ``sendfile`` (zero
          copy, so the server costs next to nothing and the client is what is measured).

``GET /_stats`` answers the counters as JSON (requests, faults by kind, ...).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from reelwatch.engine.loopback_http import LoopbackServer, Request, Response  # noqa: E402

PROMPT = (
    "A lighthouse at dawn, waves rolling in, seagulls circling over the rocks, "
    "cinematic wide shot, golden light"
)


def video(task_id: str, status: str, progress: int, **extra: object) -> dict:
    body = {
        "id": task_id,
        "object": "video",
        "model": "sora-2",
        "status": status,
        "progress": progress,
        "created_at": 1761622232,
        "completed_at": None,
        "expires_at": None,
        "seconds": "8",
        "size": "1280x720",
        "error": None,
        "prompt": PROMPT,
    }
    body.update(extra)
    return body


class Api:
    def __init__(self, args: argparse.Namespace, files_base: str | None) -> None:
        self.mode = args.mode
        self.files_base = files_base
        self.polls: Counter[str] = Counter()  # good answers per task
        self.stats: Counter[str] = Counter()
        self.rng = random.Random(args.seed)
        self.soak_polls = args.soak_polls
        self.completed: set[str] = set()
        self.failed: set[str] = set()
        self.first_request_at: float | None = None

    async def handle(self, request: Request) -> Response:
        parts = request.segments
        if parts == ["_reset"]:
            self.stats.clear()
            self.first_request_at = None
            return Response.json({})
        if parts == ["_stats"]:
            data = dict(self.stats)
            data["first_request_at"] = self.first_request_at
            data["tasks_completed"] = len(self.completed)
            data["tasks_failed"] = len(self.failed)
            return Response.json(data)
        self.stats["requests"] += 1
        if self.first_request_at is None:
            self.first_request_at = time.monotonic()
        if len(parts) != 3 or parts[:2] != ["v1", "videos"]:
            self.stats["404"] += 1
            return Response.json({"error": {"message": "no such route"}}, 404)
        task_id = parts[2]
        if self.mode == "download":
            url = f"{self.files_base}/files/result.mp4"
            return Response.json(video(task_id, "completed", 100, video_url=url))
        if self.mode == "soak":
            fault = self._fault()
            if fault is not None:
                self.stats["fault_" + fault[0]] += 1
                return fault[1](task_id)
        self.polls[task_id] += 1
        count = self.polls[task_id]
        if self.mode == "soak":
            return self._soak_answer(task_id, count)
        self.stats["ok"] += 1
        return Response.json(video(task_id, "in_progress", count % 100))

    # -- soak ----------------------------------------------------------------

    def _fault(self):  # type: ignore[no-untyped-def]
        n = self.stats["requests"]
        if n % 8000 == 0:
            return "429", lambda _id: Response.json(
                {"error": {"message": "Rate limit reached", "type": "requests"}},
                429,
                {"Retry-After": "1"},
            )
        r = self.rng.random()
        table = (
            (0.020, "html_502", _html_502),
            (0.005, "reset_rst", lambda _id: Response.hang_up(rst=True)),
            (0.005, "reset_fin", lambda _id: Response.hang_up(rst=False)),
            (0.010, "truncated_json", _truncated_json),
            (0.005, "cut_body", _cut_body),
            (0.002, "slow", _slow),
        )
        edge = 0.0
        for p, name, make in table:
            edge += p
            if r < edge:
                return name, make
        return None

    def _soak_answer(self, task_id: str, count: int) -> Response:
        # Each task finishes between its 300th and 360th good answer (an "hour" of 10 s
        # polls is 360); one task in twenty fails instead of completing.
        digest = sum(task_id.encode())
        finish_at = self.soak_polls - (digest % max(1, self.soak_polls // 6))
        if count >= finish_at:
            if digest % 20 == 0:
                self.failed.add(task_id)
                self.stats["answer_failed"] += 1
                error = {"code": "moderation_blocked", "message": "blocked"}
                return Response.json(video(task_id, "failed", count % 100, error=error))
            self.completed.add(task_id)
            self.stats["answer_completed"] += 1
            return Response.json(video(task_id, "completed", 100))
        self.stats["ok"] += 1
        progress = min(99, int(100 * count / max(1, finish_at)))
        return Response.json(video(task_id, "in_progress", progress))


def _html_502(_task_id: str) -> Response:
    page = (
        "<html><head><title>502 Bad Gateway</title></head><body><center>"
        "<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
    )
    return Response.text(page, 502, "text/html")


def _truncated_json(task_id: str) -> Response:
    body = json.dumps(video(task_id, "in_progress", 50)).encode()
    return Response(200, {"Content-Type": "application/json"}, body[: len(body) // 2])


def _cut_body(task_id: str) -> Response:
    body = json.dumps(video(task_id, "in_progress", 50)).encode()
    return Response(200, {"Content-Type": "application/json"}, body[:40], content_length=len(body))


def _slow(task_id: str) -> Response:
    response = Response.json(video(task_id, "in_progress", 50))
    response.delay = 0.3
    return response


# -- the file origin: sendfile, keep-alive, GET only -------------------------------------


class FileServer:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size
        self.server: asyncio.Server | None = None
        self.port = 0
        self.tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._on_connect, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # A plain callback, so that asyncio.streams does not own (and report) the task.
        task = asyncio.ensure_future(self._serve(reader, writer))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
                line = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
                if len(line) != 3 or line[1] != "/files/result.mp4":
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    await writer.drain()
                    continue
                writer.write(
                    (
                        "HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\n"
                        f"Content-Length: {self.size}\r\nAccept-Ranges: bytes\r\n"
                        "Connection: keep-alive\r\n\r\n"
                    ).encode()
                )
                await writer.drain()
                if line[0] == "HEAD":
                    continue
                with self.path.open("rb") as handle:
                    await loop.sendfile(writer.transport, handle)
        except (
            asyncio.IncompleteReadError,
            ConnectionError,
            TimeoutError,
            asyncio.LimitOverrunError,
        ):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("poll", "soak", "download"), default="poll")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--soak-polls", type=int, default=360)
    parser.add_argument("--file-mb", type=int, default=200)
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    args = parser.parse_args()

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    # The parent holds our stdin open; EOF means it went away: stop too.
    def on_stdin() -> None:
        try:
            data = os.read(sys.stdin.fileno(), 1024)
        except OSError:
            data = b""
        if not data:
            loop.remove_reader(sys.stdin.fileno())
            stop.set()

    with contextlib.suppress(Exception):
        loop.add_reader(sys.stdin.fileno(), on_stdin)
    loop.call_later(args.max_seconds, stop.set)

    tmp = None
    files: FileServer | None = None
    if args.mode == "download":
        tmp = tempfile.TemporaryDirectory(prefix="rw-bench-files-")
        path = Path(tmp.name) / "result.mp4"
        block = os.urandom(1 << 20)
        with path.open("wb") as handle:
            for _ in range(args.file_mb):
                handle.write(block)
        files = FileServer(path)
        await files.start()
    api = Api(args, f"http://127.0.0.1:{files.port}" if files else None)
    server = await LoopbackServer(api.handle, idle_timeout=120.0).start()
    print(json.dumps({"api": server.base_url, "files": api.files_base}), flush=True)
    try:
        await stop.wait()
    finally:
        await server.stop()
        if files is not None:
            await files.stop()
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
