"""A scripted, fault-injecting server drives the real client, poller and tracker.

Each fault hits one task; the others keep being polled, and the faulty one says in
plain words what went wrong, then recovers when the server does.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from reelwatch.api.snapshot import TaskState
from reelwatch.engine.poller import PollSettings, ServiceChanged, ServiceState
from reelwatch.engine.secrets import ENV_VAR, KeyStore
from reelwatch.engine.session import Session, SessionConfig
from tests.fakeapi import (
    FakeApi,
    error_step,
    json_step,
    openai_video,
    raw_step,
    reset_step,
    slow_step,
    truncated_step,
)

GOOD = json_step(openai_video("video_healthy", "in_progress", 50))
FINAL = json_step(openai_video("video_faulty1", "completed", 100))


def make_session(api: FakeApi, **poll) -> Session:
    settings = {"interval": 0.1, "max_rate": 0, "jitter": 0.0, "backoff_cap": 0.4, **poll}
    config = SessionConfig(
        poll=PollSettings(**settings),
        timeout=httpx.Timeout(connect=1.0, read=0.5, write=1.0, pool=1.0),
        deadline=1.5,
    )
    return Session(KeyStore(environ={ENV_VAR: "sk-faults"}), config)


async def wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.02)


GARBAGE = {
    "html 502": (raw_step("<html><title>502 Bad Gateway</title></html>", 502), "502 Bad Gateway"),
    "html 504": (raw_step("<!DOCTYPE html><html><title>Gateway Timeout</title>", 504), "504"),
    "html 200": (raw_step("<html><head><title>Login</title></head></html>", 200), "web page"),
    "empty": (raw_step(b"", 200, "application/json"), "empty body"),
    "truncated": (
        raw_step(b'{"id": "video_faulty1", "sta', 200, "application/json"),
        "not valid JSON",
    ),
    "array": (json_step([1, 2, 3]), "JSON array"),
    "number": (json_step(42), "JSON number"),
    "too large": (
        raw_step(b'{"x": "' + b"a" * (1024 * 1024 + 10) + b'"}', 200, "application/json"),
        "larger than",
    ),
    "progress abc": (json_step(openai_video("video_faulty1", "in_progress", "abc")), "progress"),
    "status null": (json_step({"id": "video_faulty1", "status": None}), "no status"),
    "status 7": (json_step({"id": "video_faulty1", "status": 7}), "not text"),
    "no id": (json_step({"status": "queued"}), "no task id"),
    "lying type": (raw_step(b"not json at all", 200, "application/json"), "not valid JSON"),
    "cut short": (truncated_step(GOOD, 10), "connection failed"),
}


@pytest.mark.parametrize("name", list(GARBAGE))
def test_garbage_is_a_readable_per_task_error_and_polling_goes_on(name: str) -> None:
    step, fragment = GARBAGE[name]

    async def go():
        with FakeApi() as api:
            api.script("video_faulty1", [step, step, FINAL])
            api.script("video_healthy", [GOOD])
            session = make_session(api)
            errors: list[str] = []
            session.tracker.subscribe(
                lambda e: (
                    errors.append(e.record.query_error)
                    if getattr(e, "record", None) is not None and e.record.query_error
                    else None
                )
            )
            session.start()
            session.add(["video_faulty1", "video_healthy"], api.base_url)
            faulty = session.tracker.get((api.base_url, "video_faulty1"))
            healthy = session.tracker.get((api.base_url, "video_healthy"))
            await wait_until(lambda: faulty.state is TaskState.COMPLETED)
            await session.aclose()
            assert any(fragment in error for error in errors), errors
            assert all("Traceback" not in e and "Error(" not in e for e in errors)
            assert healthy.state is TaskState.RUNNING
            assert api.polls("video_healthy") >= 2
            assert faulty.query_error is None  # cleared by the good answer

    asyncio.run(go())


def retry_after_date(seconds: int) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)


@pytest.mark.parametrize(
    ("step", "pause"),
    [
        (error_step(429, "Too many requests", headers={"Retry-After": "1"}), 1.0),
        (error_step(429, "Slow down", headers={"retry-after-ms": "700"}), 0.7),
        (  # an HTTP date, made when the request arrives
            lambda request: error_step(
                503, "Overloaded", headers={"Retry-After": retry_after_date(2)}
            ),
            1.0,
        ),
    ],
)
def test_rate_limits_pause_the_service_for_the_time_asked(step, pause: float) -> None:
    async def go():
        with FakeApi() as api:
            api.script("video_faulty1", [step, FINAL])
            api.script("video_healthy", [GOOD])
            session = make_session(api, interval=5.0)
            events: list[ServiceChanged] = []
            session.tracker.subscribe(
                lambda e: events.append(e) if isinstance(e, ServiceChanged) else None
            )
            session.start()
            session.add(["video_faulty1"], api.base_url)
            await wait_until(lambda: events)
            started = time.monotonic()
            session.add(["video_healthy"], api.base_url)  # added during the pause: waits too
            await wait_until(lambda: api.polls("video_healthy") >= 1)
            waited = time.monotonic() - started
            await wait_until(lambda: api.polls("video_faulty1") >= 2)
            await session.aclose()
            assert events[0].state is ServiceState.PAUSED
            assert waited >= pause - 0.3, waited
            assert events[-1].state is ServiceState.OK

    asyncio.run(go())


def test_server_errors_back_off_and_recover() -> None:
    async def go():
        with FakeApi() as api:
            boom = error_step(500, "Internal error")
            api.script("video_faulty1", [boom, boom, boom, FINAL])
            session = make_session(api, interval=0.1, backoff_cap=10)
            session.start()
            session.add(["video_faulty1"], api.base_url)
            record = session.tracker.get((api.base_url, "video_faulty1"))
            started = time.monotonic()
            await wait_until(lambda: record.state is TaskState.COMPLETED)
            elapsed = time.monotonic() - started
            await session.aclose()
            assert elapsed >= 0.1 + 0.2 + 0.4 - 0.05  # 0.1, 0.2, 0.4: doubling

    asyncio.run(go())


def test_slow_server_times_out_and_never_blocks_other_tasks() -> None:
    async def go():
        with FakeApi() as api:
            api.script("video_faulty1", [slow_step(3.0, GOOD), FINAL])
            api.script("video_healthy", [GOOD])
            session = make_session(api)
            session.start()
            session.add(["video_faulty1", "video_healthy"], api.base_url)
            faulty = session.tracker.get((api.base_url, "video_faulty1"))
            await wait_until(lambda: faulty.query_error is not None, timeout=5)
            assert "in time" in faulty.query_error
            assert api.polls("video_healthy") >= 2  # polled meanwhile
            await wait_until(lambda: faulty.state is TaskState.COMPLETED)
            await session.aclose()

    asyncio.run(go())


def test_trickling_body_times_out() -> None:
    """Each piece comes before the read timeout; the whole answer misses the deadline."""

    async def go():
        with FakeApi() as api:
            body = json.dumps(openai_video("video_faulty1", "in_progress", 5)).encode()
            api.script(
                "video_faulty1",
                [slow_step(3.0, raw_step(body, 200, "application/json"), trickle=True), FINAL],
            )
            session = make_session(api)
            session.start()
            session.add(["video_faulty1"], api.base_url)
            faulty = session.tracker.get((api.base_url, "video_faulty1"))
            await wait_until(lambda: faulty.query_error is not None, timeout=5)
            assert "in time" in faulty.query_error
            await wait_until(lambda: faulty.state is TaskState.COMPLETED, timeout=10)
            await session.aclose()

    asyncio.run(go())


def test_connection_drops_mark_offline_and_recover_by_themselves() -> None:
    async def go():
        with FakeApi() as api:
            api.script("video_faulty1", [reset_step(), reset_step(rst=True), FINAL])
            session = make_session(api)
            states: list[ServiceState] = []
            session.tracker.subscribe(
                lambda e: states.append(e.state) if isinstance(e, ServiceChanged) else None
            )
            session.start()
            session.add(["video_faulty1"], api.base_url)
            record = session.tracker.get((api.base_url, "video_faulty1"))
            await wait_until(lambda: record.state is TaskState.COMPLETED)
            await session.aclose()
            assert states == [ServiceState.OFFLINE, ServiceState.OK]

    asyncio.run(go())


def test_refused_connection_then_the_service_comes_back() -> None:
    from reelwatch.engine.loopback_http import LoopbackServer, Response

    async def go():
        probe = LoopbackServer(lambda request: None, port=0)  # type: ignore[arg-type]
        await probe.start()
        port = probe.port
        await probe.stop()  # nothing listens on the port now: refused
        base = f"http://127.0.0.1:{port}"
        session = make_session(FakeApi(), interval=0.1)
        states: list[ServiceState] = []
        session.tracker.subscribe(
            lambda e: states.append(e.state) if isinstance(e, ServiceChanged) else None
        )
        session.start()
        session.add(["video_faulty1"], base)
        record = session.tracker.get((base, "video_faulty1"))
        await wait_until(lambda: record.query_error is not None)
        assert "refused" in record.query_error
        assert states == [ServiceState.OFFLINE]

        async def answer(request):
            return Response.json(openai_video("video_faulty1", "completed", 100))

        server = LoopbackServer(answer, port=port)
        await server.start()
        await wait_until(lambda: record.state is TaskState.COMPLETED, timeout=15)
        await session.aclose()
        await server.stop()
        assert states[-1] is ServiceState.OK

    asyncio.run(go())
