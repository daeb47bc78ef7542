"""The poller's rules, with scripted clients and intervals of a few milliseconds."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict
from collections.abc import Callable

import pytest

from reelwatch.api.errors import (
    ApiError,
    AuthError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from reelwatch.api.snapshot import TaskSnapshot, TaskState
from reelwatch.engine.poller import (
    Poller,
    PollSettings,
    ServiceChanged,
    ServiceState,
    TaskPolled,
)

BASE = "https://api.example.com"
OTHER = "https://other.example.com"


def snap(
    task_id: str, state: TaskState = TaskState.RUNNING, progress: float | None = 10.0
) -> TaskSnapshot:
    return TaskSnapshot(id=task_id, state=state, raw_status=state.value, progress=progress)


Script = Callable[[str, int], TaskSnapshot | ApiError]


class FakeClient:
    """Answers each poll from a script (task id, poll number) and records when it was called."""

    def __init__(self, script: Script, delay: float = 0.0) -> None:
        self.script = script
        self.delay = delay
        self.calls: dict[str, list[float]] = defaultdict(list)
        self.all_calls: list[tuple[float, str]] = []
        self.in_flight = 0
        self.peak = 0

    async def get_task(self, task_id: str) -> TaskSnapshot:
        now = time.monotonic()
        self.calls[task_id].append(now)
        self.all_calls.append((now, task_id))
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            result = self.script(task_id, len(self.calls[task_id]))
        finally:
            self.in_flight -= 1
        if isinstance(result, ApiError):
            raise result
        return result


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, timeout=20))


def make(clients: dict[str, FakeClient], **settings) -> tuple[Poller, list]:
    defaults = {"interval": 0.05, "jitter": 0.0, "max_rate": 0}
    poller = Poller(lambda base: clients[base], PollSettings(**{**defaults, **settings}))
    events: list = []
    poller.subscribe(events.append)
    return poller, events


async def until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.005)


def test_new_task_is_polled_at_once_then_on_its_interval_until_terminal() -> None:
    async def go():
        def script(task_id: str, n: int):
            return snap(task_id, TaskState.COMPLETED, 100) if n >= 4 else snap(task_id)

        client = FakeClient(script)
        poller, events = make({BASE: client}, interval=0.05)
        poller.start()
        started = time.monotonic()
        poller.track(BASE, "task_a")
        await until(lambda: len(client.calls["task_a"]) >= 4)
        await asyncio.sleep(0.25)
        await poller.stop()
        calls = client.calls["task_a"]
        assert calls[0] - started < 0.03
        gaps = [b - a for a, b in itertools.pairwise(calls)]
        assert all(0.045 <= gap < 0.2 for gap in gaps), gaps
        assert len(calls) == 4  # terminal: never polled again
        polled = [e for e in events if isinstance(e, TaskPolled)]
        assert polled[-1].snapshot.state is TaskState.COMPLETED
        assert polled[-1].next_poll_in is None
        assert not poller.is_tracked(BASE, "task_a")

    run(go())


def test_requests_in_flight_are_bounded() -> None:
    async def go():
        client = FakeClient(lambda t, n: snap(t, TaskState.COMPLETED), delay=0.05)
        poller, _ = make({BASE: client}, max_in_flight=3)
        poller.start()
        for i in range(20):
            poller.track(BASE, f"task_{i}")
        await until(lambda: len(client.all_calls) == 20)
        await poller.stop()
        assert client.peak == 3

    run(go())


def test_per_service_rate_budget() -> None:
    async def go():
        client = FakeClient(lambda t, n: snap(t, TaskState.COMPLETED))
        poller, _ = make({BASE: client}, max_rate=20, max_in_flight=8)
        poller.start()
        for i in range(12):
            poller.track(BASE, f"task_{i}")
        await until(lambda: len(client.all_calls) == 12)
        await poller.stop()
        starts = sorted(when for when, _ in client.all_calls)
        gaps = [b - a for a, b in itertools.pairwise(starts)]
        assert min(gaps) >= 0.045, gaps  # 20 req/s: at least 50 ms apart
        assert starts[-1] - starts[0] >= 11 * 0.045

    run(go())


def test_rate_limit_pauses_the_whole_service_for_retry_after() -> None:
    async def go():
        def script(task_id: str, n: int):
            if task_id == "task_a" and n == 1:
                return RateLimitedError("slow down", status=429, retry_after=0.4)
            return snap(task_id)

        client = FakeClient(script)
        other = FakeClient(lambda t, n: snap(t))
        poller, events = make({BASE: client, OTHER: other}, interval=0.05, max_in_flight=1)
        poller.start()
        poller.track(BASE, "task_a")
        await until(lambda: len(client.all_calls) == 1)
        paused_at = client.all_calls[0][0]
        poller.track(BASE, "task_b")
        poller.track(OTHER, "task_c")
        await until(lambda: len(client.calls["task_b"]) >= 1)
        await asyncio.sleep(0.05)
        await poller.stop()
        assert client.calls["task_b"][0] - paused_at >= 0.38
        assert client.calls["task_a"][1] - paused_at >= 0.38
        # The other service was not paused.
        assert other.calls["task_c"][0] - paused_at < 0.2
        changes = [e for e in events if isinstance(e, ServiceChanged)]
        assert changes[0].state is ServiceState.PAUSED
        assert changes[0].resume_in == pytest.approx(0.4, abs=0.05)
        assert changes[-1].state is ServiceState.OK

    run(go())


def test_503_without_retry_after_pauses_with_a_default() -> None:
    async def go():
        client = FakeClient(
            lambda t, n: ServerError("down", status=503) if n == 1 else snap(t, TaskState.COMPLETED)
        )
        poller, events = make({BASE: client}, default_pause=0.2)
        poller.start()
        poller.track(BASE, "task_a")
        await until(lambda: len(client.calls["task_a"]) == 2)
        await poller.stop()
        calls = client.calls["task_a"]
        assert calls[1] - calls[0] >= 0.19
        assert any(isinstance(e, ServiceChanged) and e.state is ServiceState.PAUSED for e in events)

    run(go())


def test_server_errors_back_off_exponentially_with_a_cap() -> None:
    async def go():
        client = FakeClient(lambda t, n: ServerError("boom", status=500))
        poller, events = make({BASE: client}, interval=0.02, backoff_cap=0.16)
        poller.start()
        poller.track(BASE, "task_a")
        await until(lambda: len(client.calls["task_a"]) >= 7, timeout=5)
        await poller.stop()
        calls = client.calls["task_a"]
        gaps = [b - a for a, b in itertools.pairwise(calls)]
        expected = [0.02, 0.04, 0.08, 0.16, 0.16, 0.16]
        for gap, want in zip(gaps, expected, strict=False):
            assert want * 0.9 <= gap <= want + 0.06, (gaps, expected)
        errors = [e for e in events if isinstance(e, TaskPolled)]
        assert all(isinstance(e.error, ServerError) for e in errors)
        assert errors[0].next_poll_in == pytest.approx(0.02)

    run(go())


def test_backoff_has_jitter() -> None:
    async def go():
        client = FakeClient(lambda t, n: ServerError("boom", status=500))
        poller, events = make({BASE: client}, interval=0.02, jitter=0.5)
        poller.start()
        for i in range(6):
            poller.track(BASE, f"task_{i}")
        await until(lambda: len(events) >= 6)
        await poller.stop()
        delays = {round(e.next_poll_in, 6) for e in events if isinstance(e, TaskPolled)}
        assert len(delays) > 1
        assert all(0.01 <= d <= 0.03 for d in delays)

    run(go())


def test_refused_key_pauses_the_service_until_resumed() -> None:
    async def go():
        state = {"key_ok": False}

        def script(task_id: str, n: int):
            return snap(task_id) if state["key_ok"] else AuthError("refused", status=401)

        client = FakeClient(script)
        poller, events = make({BASE: client})
        poller.start()
        poller.track(BASE, "task_a")
        poller.track(BASE, "task_b")
        await until(lambda: len(client.all_calls) >= 1)
        await asyncio.sleep(0.3)
        assert len(client.all_calls) <= 2  # no hammering with a refused key
        assert poller.service_state(BASE) is ServiceState.AUTH
        state["key_ok"] = True
        poller.resume_service(BASE)
        await until(lambda: len(client.calls["task_a"]) >= 2 and len(client.calls["task_b"]) >= 1)
        await poller.stop()
        kinds = [e.state for e in events if isinstance(e, ServiceChanged)]
        assert kinds[0] is ServiceState.AUTH and kinds[-1] is ServiceState.OK

    run(go())


def test_three_404s_in_a_row_make_the_task_failed() -> None:
    async def go():
        client = FakeClient(lambda t, n: NotFoundError("nope", status=404))
        poller, events = make({BASE: client}, interval=0.01)
        poller.start()
        poller.track(BASE, "task_gone")
        await until(lambda: any(isinstance(e, TaskPolled) and e.snapshot for e in events))
        await asyncio.sleep(0.2)
        await poller.stop()
        assert len(client.calls["task_gone"]) == 3
        final = [e for e in events if isinstance(e, TaskPolled)][-1]
        assert final.snapshot.state is TaskState.FAILED
        assert "not found" in final.snapshot.error

    run(go())


def test_404_count_resets_after_an_answer() -> None:
    async def go():
        def script(task_id: str, n: int):
            if n in (1, 2, 4, 5):
                return NotFoundError("nope", status=404)
            if n == 3:
                return snap(task_id)
            return snap(task_id, TaskState.COMPLETED)

        client = FakeClient(script)
        poller, events = make({BASE: client}, interval=0.01)
        poller.start()
        poller.track(BASE, "task_a")
        await until(lambda: len(client.calls["task_a"]) >= 6)
        await poller.stop()
        final = [e for e in events if isinstance(e, TaskPolled) and e.snapshot][-1]
        assert final.snapshot.state is TaskState.COMPLETED

    run(go())


def test_network_error_marks_offline_and_recovers_by_itself() -> None:
    async def go():
        client = FakeClient(
            lambda t, n: NetworkError("refused") if n <= 2 else snap(t, TaskState.COMPLETED)
        )
        poller, events = make({BASE: client}, interval=0.01)
        poller.start()
        poller.track(BASE, "task_a")
        await until(lambda: poller.service_state(BASE) is ServiceState.OFFLINE)
        await until(lambda: len(client.calls["task_a"]) == 3)
        await asyncio.sleep(0.02)
        await poller.stop()
        states = [e.state for e in events if isinstance(e, ServiceChanged)]
        assert states == [ServiceState.OFFLINE, ServiceState.OK]

    run(go())


def test_poll_now_and_untrack() -> None:
    async def go():
        client = FakeClient(lambda t, n: snap(t))
        poller, _ = make({BASE: client}, interval=10.0)
        poller.start()
        poller.track(BASE, "task_a")
        await until(lambda: len(client.calls["task_a"]) == 1)
        poller.poll_now(BASE, "task_a")
        await until(lambda: len(client.calls["task_a"]) == 2)
        poller.untrack(BASE, "task_a")
        poller.poll_now(BASE, "task_b")  # unknown task: tracked and polled
        await until(lambda: len(client.calls["task_b"]) == 1)
        await asyncio.sleep(0.05)
        await poller.stop()
        assert len(client.calls["task_a"]) == 2

    run(go())


def test_a_failing_subscriber_does_not_stop_polling() -> None:
    async def go():
        client = FakeClient(lambda t, n: snap(t, TaskState.COMPLETED) if n > 1 else snap(t))
        poller, events = make({BASE: client}, interval=0.01)

        def broken(event):
            raise RuntimeError("listener bug")

        poller.subscribe(broken)
        poller.start()
        poller.track(BASE, "task_a")
        await until(lambda: len(client.calls["task_a"]) == 2)
        await poller.stop()
        assert len([e for e in events if isinstance(e, TaskPolled)]) == 2

    run(go())


def test_stop_cancels_polls_in_flight() -> None:
    async def go():
        client = FakeClient(lambda t, n: snap(t), delay=5.0)
        poller, _ = make({BASE: client})
        poller.start()
        poller.track(BASE, "task_a")
        await until(lambda: client.in_flight == 1)
        started = time.monotonic()
        await poller.stop()
        assert time.monotonic() - started < 0.5
        assert client.in_flight == 0

    run(go())
