"""The app's asyncio loop: qasync's Qt integration, asyncio's own scheduling.

qasync gives every callback a Qt timer of its own: `call_soon` starts a
zero-delay timer and kills it after one shot, every `call_later` starts another
(and a cancelled one still fires later, to be ignored), and a readable socket
disables its notifier, schedules the callback through such a timer and enables
the notifier again. One poll makes a dozen of these callbacks, and httpx
cancels a timeout timer on every read. The profile of the app (see
``benchmarks/README.md``) put about 0.8 CPU s per 1,000 polls into that
machinery, more than the whole engine costs above a bare httpx loop.

`EventLoop` keeps what asyncio's own loop keeps instead, a queue of ready
handles and a heap of timed ones, and drives both from ONE Qt timer, armed for
"now" or for the earliest deadline. A socket notifier runs its callback at once,
as asyncio's selector loop does, then what that callback made ready, and stays
enabled. A pass runs the chain of callbacks one step wakes (a future resolved,
a task resumed, its next step) for up to a few milliseconds before Qt gets its
turn, instead of one trip through Qt's event loop per step. With it the engine
costs the same CPU per poll on the app's loop as on plain asyncio (see the
README's Performance section). Everything else (running inside
``QApplication.exec``, thread-safe calls, executors, exception handling,
closing) is qasync's.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import math
from collections import deque
from collections.abc import Callable
from contextvars import Context
from typing import Any

from PySide6.QtCore import QSocketNotifier, Qt, QTimer

import qasync  # isort: skip  (after PySide6: qasync binds to the Qt it finds imported)

_PASS_BUDGET = 0.001
"""Seconds a pass may keep running newly ready callbacks before Qt gets its turn."""
_PRUNE_AT = 100
"""Cancelled timers in the heap before it is rebuilt without them (asyncio does the same)."""


_Watch = tuple[int, QSocketNotifier.Type]
"""A watched descriptor and direction."""


def _fileno(fd: Any) -> int:
    return fd if isinstance(fd, int) else int(fd.fileno())


class EventLoop(qasync.QEventLoop):  # type: ignore[misc, valid-type]
    """A qasync loop whose callbacks cost a deque append, not a Qt timer each."""

    def __init__(
        self, app: Any = None, set_running_loop: bool = False, already_running: bool = False
    ) -> None:
        # Set before the base classes start: the selector loop adds its self-pipe reader there.
        self._ready_handles: deque[asyncio.Handle] = deque()
        self._timers: list[asyncio.TimerHandle] = []
        self._cancelled_timers = 0
        self._wake_at: float | None = None  # what the wake timer is set for; 0.0: at once
        self._in_pass = False
        self._watched: dict[_Watch, asyncio.Handle] = {}
        self._notifiers: dict[_Watch, QSocketNotifier] = {}
        self._wake = QTimer()
        self._wake.setSingleShot(True)
        self._wake.setTimerType(Qt.TimerType.PreciseTimer)  # asyncio's timers are exact
        self._wake.timeout.connect(self._on_wake)
        super().__init__(app, set_running_loop, already_running)

    # -- scheduling ----------------------------------------------------------

    def call_soon(
        self, callback: Callable[..., object], *args: Any, context: Context | None = None
    ) -> asyncio.Handle:
        self._check_callback(callback)
        handle = asyncio.Handle(callback, args, self, context)
        self._ready_handles.append(handle)
        if not self._in_pass and self._wake_at != 0.0:
            self._set_wake(0.0)
        return handle

    def call_later(
        self,
        delay: float,
        callback: Callable[..., object],
        *args: Any,
        context: Context | None = None,
    ) -> asyncio.TimerHandle:
        return self.call_at(self.time() + delay, callback, *args, context=context)

    def call_at(
        self,
        when: float,
        callback: Callable[..., object],
        *args: Any,
        context: Context | None = None,
    ) -> asyncio.TimerHandle:
        self._check_callback(callback)
        handle = asyncio.TimerHandle(when, callback, args, self, context)
        heapq.heappush(self._timers, handle)
        handle._scheduled = True
        if not self._in_pass and (self._wake_at is None or when < self._wake_at):
            self._set_wake(when)
        return handle

    def _timer_handle_cancelled(self, handle: asyncio.TimerHandle) -> None:
        """Called by `TimerHandle.cancel`: prune the heap once it is mostly dead timers."""
        if not handle._scheduled:
            return
        self._cancelled_timers += 1
        timers = self._timers
        if self._cancelled_timers > _PRUNE_AT and 2 * self._cancelled_timers > len(timers):
            for timer in timers:
                if timer._cancelled:
                    timer._scheduled = False
            # In place: a pass under way holds this very list.
            timers[:] = [timer for timer in timers if not timer._cancelled]
            heapq.heapify(timers)
            self._cancelled_timers = 0

    def _check_callback(self, callback: Callable[..., object]) -> None:
        self._check_closed()
        if not self.get_debug():  # as asyncio's own loop: type checks in debug mode only
            return
        if asyncio.iscoroutinefunction(callback):
            raise TypeError("coroutines cannot be used as callbacks")
        if not callable(callback):
            raise TypeError(f"callback must be callable: {type(callback).__name__}")

    def _set_wake(self, when: float) -> None:
        """Wake at `when` (0.0: as soon as Qt has handled the events already queued)."""
        if when == self._wake_at:
            return
        self._wake_at = when
        delay = 0 if when == 0.0 else math.ceil(max(0.0, when - self.time()) * 1000)
        self._wake.start(delay)

    def _on_wake(self) -> None:
        self._wake_at = None
        self._run_once(_PASS_BUDGET)

    def _run_once(self, budget: float = 0.0) -> None:
        """Run what is due, as asyncio's ``_run_once`` does: due timers join the ready queue,
        and each batch runs the callbacks that were ready when it began. Batches follow one
        another for up to `_PASS_BUDGET` (a poll's callbacks chain: a future resolved wakes a
        task that schedules the next step), so that a chain costs one trip through Qt's
        event loop instead of one per step; after that Qt gets its turn (input, painting)."""
        if self._in_pass:
            return
        self._in_pass = True  # callbacks scheduled meanwhile leave the wake timer alone
        timers = self._timers
        ready = self._ready_handles
        try:
            deadline = self.time() + budget
            while True:
                end = self.time() + self._clock_resolution
                while timers and (timers[0]._cancelled or timers[0].when() <= end):
                    timer = heapq.heappop(timers)
                    timer._scheduled = False
                    if timer._cancelled:
                        self._cancelled_timers = max(0, self._cancelled_timers - 1)
                    else:
                        ready.append(timer)
                for _ in range(len(ready)):
                    handle = ready.popleft()
                    if not handle._cancelled:
                        handle._run()
                if not ready or self.time() >= deadline:
                    break
        finally:
            self._in_pass = False
            if ready:
                self._set_wake(0.0)
            elif timers:
                self._set_wake(timers[0].when())
            elif self._wake_at is not None:
                self._wake.stop()
                self._wake_at = None

    # -- sockets -------------------------------------------------------------
    #
    # asyncio's transports stop and resume reading around every chunk they hand on (anyio
    # applies backpressure that way), so a socket is watched and unwatched several times
    # per response. Creating a QSocketNotifier each time (what qasync does) is costly; one
    # notifier per descriptor and direction is kept and merely switched on and off.

    def _add_reader(self, fd: Any, callback: Callable[..., object], *args: Any) -> None:
        self._watch((_fileno(fd), QSocketNotifier.Type.Read), callback, args)

    def _add_writer(self, fd: Any, callback: Callable[..., object], *args: Any) -> None:
        self._watch((_fileno(fd), QSocketNotifier.Type.Write), callback, args)

    def _remove_reader(self, fd: Any) -> bool:
        return self._unwatch((_fileno(fd), QSocketNotifier.Type.Read))

    def _remove_writer(self, fd: Any) -> bool:
        return self._unwatch((_fileno(fd), QSocketNotifier.Type.Write))

    def _watch(self, key: _Watch, callback: Callable[..., object], args: tuple[Any, ...]) -> None:
        self._check_closed()
        self._watched[key] = asyncio.Handle(callback, args, self, None)
        notifier = self._notifiers.get(key)
        if notifier is None:
            notifier = QSocketNotifier(key[0], key[1])
            notifier.activated.connect(lambda *_: self._ready_socket(key))
            self._notifiers[key] = notifier
        else:
            notifier.setEnabled(True)

    def _unwatch(self, key: _Watch) -> bool:
        if self._watched.pop(key, None) is None:
            return False
        self._notifiers[key].setEnabled(False)
        return True

    def _ready_socket(self, key: _Watch) -> None:
        handle = self._watched.get(key)
        if handle is not None:
            handle._run()  # at once, as asyncio's selector loop does
            if self._ready_handles:  # and what the data woke up, in the same trip
                self._run_once()

    # -- closing -------------------------------------------------------------

    def close(self) -> None:
        if not self.is_running() and not self.is_closed():
            with contextlib.suppress(RuntimeError):  # a loop never closed, collected after Qt
                self._wake.stop()
            self._wake_at = None
            self._ready_handles.clear()
            for timer in self._timers:
                timer._scheduled = False
            self._timers.clear()
            self._watched.clear()
            for notifier in self._notifiers.values():
                notifier.setEnabled(False)
        super().close()
        self._notifiers.clear()
