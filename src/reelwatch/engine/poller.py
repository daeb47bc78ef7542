"""Polls many tasks on one asyncio loop, politely.

One dispatcher coroutine per service (not per task) takes the task that is due
next, waits for that service's request budget and a free slot among the
requests in flight, and starts the poll. Each task carries its own schedule:
the regular interval (with jitter) while it runs, exponential backoff after
server or network errors, nothing at all once terminal. A 429/503 pauses the
whole service for as long as the server asks; a refused key pauses it until
the key changes. Every snapshot and every error goes to the subscribers as it
happens.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from reelwatch.api.errors import (
    ApiError,
    AuthError,
    InsecureTransportError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from reelwatch.api.snapshot import TaskSnapshot, TaskState
from reelwatch.i18n import translate

if TYPE_CHECKING:  # the HTTP stack loads with the first client, after the window is painted
    from reelwatch.api.client import VideoApiClient

log = logging.getLogger(__name__)

TaskKey = tuple[str, str]
"""(base_url, task_id): the same id on two services is two tasks."""


class ServiceState(StrEnum):
    OK = "ok"
    PAUSED = "paused"  # rate limited or unavailable, resumes by itself
    AUTH = "auth"  # key refused or missing, resumes when the key changes
    OFFLINE = "offline"  # no answer at all, resumes when it answers again


@dataclass(frozen=True)
class TaskPolled:
    """One poll's outcome: a snapshot, or the error that replaced it."""

    base_url: str
    task_id: str
    snapshot: TaskSnapshot | None
    error: ApiError | None
    next_poll_in: float | None
    """Seconds until the next poll; None when the task will not be polled again."""

    @property
    def key(self) -> TaskKey:
        return (self.base_url, self.task_id)


@dataclass(frozen=True)
class ServiceChanged:
    """A service paused, resumed, lost its network or had its key refused."""

    base_url: str
    state: ServiceState
    message: str = ""
    resume_in: float | None = None


PollerEvent = TaskPolled | ServiceChanged


@dataclass(frozen=True)
class PollSettings:
    """The poller's manners; the defaults follow the API notes."""

    interval: float = 10.0
    max_in_flight: int = 4
    max_rate: float = 5.0
    """Requests per second per service; 0 means no limit."""
    jitter: float = 0.1
    backoff_cap: float = 300.0
    not_found_limit: int = 3
    default_pause: float = 5.0
    """How long a 429/503 without Retry-After pauses the service, doubling each time."""


@dataclass(slots=True)
class _Entry:
    """One tracked task's place in the schedule (one per task: kept small)."""

    base_url: str
    task_id: str
    due: float
    failures: int = 0
    not_found: int = 0
    in_flight: bool = False


@dataclass
class _Service:
    base_url: str
    heap: list[tuple[float, int, str]] = field(default_factory=list)
    entries: dict[str, _Entry] = field(default_factory=dict)
    waiter: asyncio.Future[None] | None = None
    """Set while the dispatcher sleeps; resolving it wakes the dispatcher early."""
    state: ServiceState = ServiceState.OK
    paused_until: float = 0.0
    pause_streak: int = 0
    next_slot: float = 0.0
    dispatcher: asyncio.Task[None] | None = None


class Poller:
    """Schedules and runs the polls of every tracked task."""

    def __init__(
        self,
        client_for: Callable[[str], VideoApiClient],
        settings: PollSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self._client_for = client_for
        self.settings = settings or PollSettings()
        self._clock = clock
        self._rng = rng or random.Random()
        self._services: dict[str, _Service] = {}
        self._slots = asyncio.Semaphore(max(1, self.settings.max_in_flight))
        self._inflight: set[asyncio.Task[None]] = set()
        self._subscribers: list[Callable[[PollerEvent], None]] = []
        self._seq = 0
        self._running = False

    # -- subscribers -------------------------------------------------------

    def subscribe(self, callback: Callable[[PollerEvent], None]) -> None:
        self._subscribers.append(callback)

    def _emit(self, event: PollerEvent) -> None:
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:
                log.exception("A poller subscriber failed on %s", type(event).__name__)

    # -- what is tracked ---------------------------------------------------

    def track(self, base_url: str, task_id: str) -> None:
        """Start polling a task, at once."""
        service = self._service(base_url)
        if task_id in service.entries:
            return
        entry = _Entry(base_url, task_id, due=self._clock())
        service.entries[task_id] = entry
        self._push(service, entry)

    def untrack(self, base_url: str, task_id: str) -> None:
        service = self._services.get(base_url)
        if service is not None:
            service.entries.pop(task_id, None)

    def is_tracked(self, base_url: str, task_id: str) -> bool:
        service = self._services.get(base_url)
        return service is not None and task_id in service.entries

    def poll_now(self, base_url: str, task_id: str) -> None:
        """Poll a task as soon as the service's budget allows (the user asked)."""
        service = self._services.get(base_url)
        entry = service.entries.get(task_id) if service else None
        if service is None or entry is None:
            self.track(base_url, task_id)
            return
        entry.due = self._clock()
        self._push(service, entry)

    def resume_service(self, base_url: str) -> None:
        """Lift any pause of a service (a new key was entered) and poll its tasks now."""
        service = self._services.get(base_url)
        if service is None:
            return
        service.paused_until = 0.0
        service.pause_streak = 0
        now = self._clock()
        for entry in service.entries.values():
            entry.due = now
            entry.failures = 0
            self._push(service, entry)
        self._set_state(service, ServiceState.OK)

    def service_state(self, base_url: str) -> ServiceState:
        service = self._services.get(base_url)
        return service.state if service else ServiceState.OK

    def pending_count(self) -> int:
        """Tasks still to be polled, over every service."""
        return sum(len(service.entries) for service in self._services.values())

    # -- lifetime ----------------------------------------------------------

    def start(self) -> None:
        """Start the dispatchers (call from within the running loop)."""
        self._running = True
        for service in self._services.values():
            self._ensure_dispatcher(service)

    async def stop(self) -> None:
        """Cancel every dispatcher and every poll in flight, and wait for them."""
        self._running = False
        tasks: list[asyncio.Task[None]] = [*self._inflight]
        for service in self._services.values():
            if service.dispatcher is not None:
                tasks.append(service.dispatcher)
                service.dispatcher = None
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._inflight.clear()

    # -- scheduling --------------------------------------------------------

    def _service(self, base_url: str) -> _Service:
        service = self._services.get(base_url)
        if service is None:
            service = _Service(base_url)
            self._services[base_url] = service
            if self._running:
                self._ensure_dispatcher(service)
        return service

    def _ensure_dispatcher(self, service: _Service) -> None:
        if service.dispatcher is None or service.dispatcher.done():
            service.dispatcher = asyncio.get_running_loop().create_task(
                self._dispatch(service), name=f"reelwatch-poll {service.base_url}"
            )

    def _push(self, service: _Service, entry: _Entry) -> None:
        self._seq += 1
        heapq.heappush(service.heap, (entry.due, self._seq, entry.task_id))
        _wake(service)

    def _next_due(self, service: _Service) -> _Entry | None:
        """The entry due first, dropping heap items that no longer match their entry."""
        while service.heap:
            due, _, task_id = service.heap[0]
            entry = service.entries.get(task_id)
            if entry is None or entry.in_flight or entry.due != due:
                heapq.heappop(service.heap)
                continue
            return entry
        return None

    async def _sleep_or_wake(self, service: _Service, seconds: float | None) -> None:
        """Sleep `seconds` (None: until woken); any push or state change wakes it early.

        One future and one timer: no helper task that a cancellation would have to
        chase (a nested `wait_for` left a cancelled dispatcher hanging on shutdown).
        """
        if seconds is not None and seconds <= 0:
            return
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        service.waiter = waiter
        timer = loop.call_later(seconds, _resolve, waiter) if seconds is not None else None
        try:
            await waiter
        finally:
            if timer is not None:
                timer.cancel()
            if service.waiter is waiter:
                service.waiter = None

    async def _dispatch(self, service: _Service) -> None:
        while True:
            entry = self._next_due(service)
            now = self._clock()
            if entry is None:
                await self._sleep_or_wake(service, None)
                continue
            if service.state is ServiceState.AUTH:
                await self._sleep_or_wake(service, None)
                continue
            wait = max(entry.due, service.paused_until, service.next_slot) - now
            if wait > 0:
                await self._sleep_or_wake(service, wait)
                continue
            await self._slots.acquire()
            entry = self._next_due(service)
            now = self._clock()
            if entry is None or entry.due > now or service.state is ServiceState.AUTH:
                self._slots.release()
                continue
            heapq.heappop(service.heap)
            entry.in_flight = True
            rate = self.settings.max_rate
            service.next_slot = max(now, service.next_slot) + (1.0 / rate if rate > 0 else 0.0)
            task = asyncio.get_running_loop().create_task(self._poll(service, entry))
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)

    async def _poll(self, service: _Service, entry: _Entry) -> None:
        try:
            client = self._client_for(service.base_url)
            snapshot = await client.get_task(entry.task_id)
        except ApiError as error:
            self._on_error(service, entry, error)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a defect, not a server fault: report it, keep polling
            log.exception("Unexpected failure polling %s", entry.task_id)
            self._on_error(
                service,
                entry,
                ApiError(translate("Errors", "Unexpected error: {error}").format(error=exc)),
            )
        else:
            self._on_snapshot(service, entry, snapshot)
        finally:
            entry.in_flight = False
            self._slots.release()

    def _on_snapshot(self, service: _Service, entry: _Entry, snapshot: TaskSnapshot) -> None:
        entry.failures = 0
        entry.not_found = 0
        if service.state in (ServiceState.OFFLINE, ServiceState.PAUSED):
            service.pause_streak = 0
            self._set_state(service, ServiceState.OK)
        next_in: float | None = None
        if snapshot.state.terminal:
            service.entries.pop(entry.task_id, None)
        elif entry.task_id in service.entries:
            next_in = self._jittered(self.settings.interval)
            self._reschedule(service, entry, next_in)
        self._emit(TaskPolled(service.base_url, entry.task_id, snapshot, None, next_in))

    def _on_error(self, service: _Service, entry: _Entry, error: ApiError) -> None:
        tracked = entry.task_id in service.entries
        next_in: float | None
        if isinstance(error, AuthError | InsecureTransportError):
            entry.due = self._clock()
            self._push(service, entry)
            self._set_state(service, ServiceState.AUTH, error.message)
            next_in = None
        elif isinstance(error, RateLimitedError) or (
            isinstance(error, ServerError) and error.status == 503
        ):
            pause = error.retry_after
            if pause is None:
                pause = min(
                    self.settings.backoff_cap,
                    self.settings.default_pause * 2**service.pause_streak,
                )
            service.pause_streak += 1
            service.paused_until = max(service.paused_until, self._clock() + pause)
            next_in = service.paused_until - self._clock()
            self._reschedule(service, entry, next_in)
            self._set_state(service, ServiceState.PAUSED, error.message, next_in)
        elif isinstance(error, NotFoundError):
            entry.not_found += 1
            if entry.not_found >= self.settings.not_found_limit:
                service.entries.pop(entry.task_id, None)
                self._emit(
                    TaskPolled(service.base_url, entry.task_id, _not_found(entry), None, None)
                )
                return
            next_in = self._backoff(entry)
            self._reschedule(service, entry, next_in)
        else:
            next_in = self._backoff(entry)
            self._reschedule(service, entry, next_in)
            if isinstance(error, NetworkError):
                self._set_state(service, ServiceState.OFFLINE, error.message)
        if not tracked:
            next_in = None
        self._emit(TaskPolled(service.base_url, entry.task_id, None, error, next_in))

    def _backoff(self, entry: _Entry) -> float:
        entry.failures += 1
        delay = self.settings.interval * 2 ** (entry.failures - 1)
        return self._jittered(min(self.settings.backoff_cap, delay))

    def _reschedule(self, service: _Service, entry: _Entry, delay: float) -> None:
        if entry.task_id not in service.entries:
            return
        entry.due = self._clock() + delay
        self._push(service, entry)

    def _jittered(self, seconds: float) -> float:
        spread = self.settings.jitter
        return seconds * (1.0 + self._rng.uniform(-spread, spread))

    def _set_state(
        self,
        service: _Service,
        state: ServiceState,
        message: str = "",
        resume_in: float | None = None,
    ) -> None:
        changed = service.state is not state or state is ServiceState.PAUSED
        service.state = state
        if state is not ServiceState.AUTH:
            _wake(service)
        if changed:
            self._emit(ServiceChanged(service.base_url, state, message, resume_in))


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _wake(service: _Service) -> None:
    if service.waiter is not None:
        _resolve(service.waiter)


def _not_found(entry: _Entry) -> TaskSnapshot:
    """The failed snapshot that stands for a task the service keeps not knowing."""
    message = translate(
        "Errors", "The service does not know this task (not found three times in a row)."
    )
    raw = {
        "id": entry.task_id,
        "status": "not_found",
        "error": {"code": "not_found", "message": message},
    }
    return TaskSnapshot(
        id=entry.task_id,
        state=TaskState.FAILED,
        raw_status="not_found",
        error=message,
        error_code="not_found",
        raw=raw,
    )
