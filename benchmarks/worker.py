"""One measurement in a fresh process; the last stdout line is its JSON result.

    python benchmarks/worker.py poll-floor  --api URL [--tasks N --warmup W --polls P]
    python benchmarks/worker.py poll-engine --api URL [...]
    python benchmarks/worker.py poll-qasync --api URL [...]          (engine on qasync)
    python benchmarks/worker.py poll-app    --api URL [...]          (offscreen window)
    python benchmarks/worker.py lag         --api URL [--tasks 1000 --interval 1 --seconds S]
    python benchmarks/worker.py lag-floor   [--seconds S]             (bare window)
    python benchmarks/worker.py download    --api URL --dir DIR --size BYTES
    python benchmarks/worker.py paint       --api URL [--tasks N --polls REPAINTS] (diagnostic)
    python benchmarks/worker.py idle-floor  --api URL [--max-rate R --seconds S]  (bare httpx)

Run by `run.py`, which starts the fake API in another process. Every loop here is
bounded by a count and a deadline; every request goes to the --api URL (127.0.0.1).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # run by hand too: never a real screen
sys.path.insert(0, str(HERE.parent / "src"))

from common import percentile, rss_mb, task_ids  # noqa: E402

KEY = "sk-bench-0123456789"
HARD_DEADLINE = 240.0  # no measurement may run longer than this, whatever happens


def emit(result: dict) -> None:
    print(json.dumps(result), flush=True)


class PollCounter:
    """Counts poll outcomes; wakes waiters at thresholds; notes CPU and wall at each mark."""

    def __init__(self) -> None:
        self.count = 0
        self.errors = 0
        self._marks: dict[int, asyncio.Future[tuple[float, float]]] = {}

    def mark(self, at: int) -> asyncio.Future[tuple[float, float]]:
        future = asyncio.get_running_loop().create_future()
        self._marks[at] = future
        return future

    def __call__(self, event: object) -> None:
        if getattr(event, "task_id", None) is None:
            return  # a ServiceChanged
        self.count += 1
        if getattr(event, "error", None) is not None:
            self.errors += 1
        future = self._marks.pop(self.count, None)
        if future is not None and not future.done():
            future.set_result((time.process_time(), time.perf_counter()))


def poll_result(
    kind: str, start: tuple[float, float], end: tuple[float, float], polls: int, errors: int
) -> dict:
    cpu = end[0] - start[0]
    wall = end[1] - start[1]
    return {
        "kind": kind,
        "polls": polls,
        "cpu_s": cpu,
        "wall_s": wall,
        "cpu_per_1000": cpu / polls * 1000,
        "polls_per_s": polls / wall if wall else 0.0,
        "errors": errors,
        "rss_mb": rss_mb(),
    }


# -- poll cost: the floor -----------------------------------------------------------------


async def poll_floor(args: argparse.Namespace) -> dict:
    """A bare httpx.AsyncClient: the same GETs, 4 in flight, body read and parsed as JSON."""
    import httpx

    ids = task_ids(args.tasks)
    urls = [f"{args.api}/v1/videos/{task_id}" for task_id in ids]
    headers = {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "Authorization": f"Bearer {KEY}",
    }
    total = args.warmup + args.polls
    done = 0
    errors = 0
    marks: dict[int, tuple[float, float]] = {}
    deadline = time.monotonic() + HARD_DEADLINE
    async with httpx.AsyncClient(headers={"User-Agent": "reelwatch/bench"}) as client:

        async def worker(offset: int) -> None:
            nonlocal done, errors
            i = offset
            while done < total and time.monotonic() < deadline:
                response = await client.get(urls[i % len(urls)], headers=headers)
                if response.status_code != 200:
                    errors += 1
                response.json()
                i += args.concurrency
                done += 1
                if done in (args.warmup, total):
                    marks[done] = (time.process_time(), time.perf_counter())

        await asyncio.gather(*(worker(k) for k in range(args.concurrency)))
    if args.warmup not in marks or total not in marks:
        raise RuntimeError("deadline reached before the polls were done")
    return poll_result("floor", marks[args.warmup], marks[total], args.polls, errors)


# -- poll cost: the engine alone ------------------------------------------------------------


async def poll_engine(args: argparse.Namespace) -> dict:
    from reelwatch.engine.poller import PollSettings
    from reelwatch.engine.secrets import ENV_VAR, KeyStore
    from reelwatch.engine.session import Session, SessionConfig

    config = SessionConfig(
        poll=PollSettings(interval=args.interval, max_rate=0, max_in_flight=args.concurrency),
        download_dir=None,
    )
    session = Session(KeyStore(environ={ENV_VAR: KEY}), config, None)
    counter = PollCounter()
    session.poller.subscribe(counter)
    start_mark = counter.mark(args.warmup)
    end_mark = counter.mark(args.warmup + args.polls)
    session.start()
    session.add(task_ids(args.tasks), args.api)
    try:
        start = await asyncio.wait_for(start_mark, HARD_DEADLINE)
        end = await asyncio.wait_for(end_mark, HARD_DEADLINE)
    finally:
        await session.aclose()
    return poll_result("engine", start, end, args.polls, counter.errors)


def poll_qasync(args: argparse.Namespace) -> dict:
    """The engine alone, but on the app's qasync loop (a QApplication, no window): what
    the loop costs, apart from the window."""
    from PySide6.QtWidgets import QApplication

    app = QApplication(["bench"])
    result: dict = {}

    async def main() -> None:
        result.update(await poll_engine(args))
        result["kind"] = "engine-on-qasync"

    import qasync  # noqa: F401

    with asyncio.Runner(loop_factory=loop_factory(args.experiment)) as runner:
        runner.run(asyncio.wait_for(main(), HARD_DEADLINE))
    del app
    return result


# -- the full app: window, table, qasync ------------------------------------------------------


def apply_experiments(names: list[str]) -> None:
    """Simulate proposed src/ changes by patching them in THIS process only (see README).

    selkey: the window remembers the selected task's key instead of asking the view and
            the proxy on every Changed event.
    """
    if "selkey" in names:
        from reelwatch.gui import main_window

        cls = main_window.MainWindow
        original_sel = cls._on_selection
        original_key = cls._selected_key

        def _on_selection(self, *a) -> None:  # type: ignore[no-untyped-def]
            self._bench_key = original_key(self)
            original_sel(self, *a)

        def _selected_key(self):  # type: ignore[no-untyped-def]
            if not hasattr(self, "_bench_key"):
                self._bench_key = original_key(self)
            return self._bench_key

        cls._on_selection = _on_selection  # type: ignore[method-assign]
        cls._selected_key = _selected_key  # type: ignore[method-assign]


def loop_factory(experiments: list[str]):  # type: ignore[no-untyped-def]
    """The app's loop (`reelwatch.gui.event_loop.EventLoop`), or with --experiment
    plain-qasync the stock `qasync.QEventLoop` it replaced (one Qt timer per callback),
    to measure what the replacement is worth."""
    if "plain-qasync" in experiments:
        import qasync

        return qasync.QEventLoop
    from reelwatch.gui.event_loop import EventLoop

    return EventLoop


def run_app_worker(body, args: argparse.Namespace) -> dict:  # type: ignore[no-untyped-def]
    """Start the app as `gui.app.run_app` does (same Controller, session, store, window),
    but with our poll settings, then run `body(session, window)` inside the qasync loop."""
    from PySide6.QtWidgets import QApplication

    from reelwatch.engine.poller import PollSettings
    from reelwatch.engine.secrets import KeyStore
    from reelwatch.gui.app import Controller
    from reelwatch.gui.main_window import MainWindow
    from reelwatch.paths import init_application_names
    from reelwatch.settings import Settings

    apply_experiments(args.experiment)
    init_application_names()
    app = (_TimingApplication if args.diagnose else QApplication)(["reelwatch"])
    app.setQuitOnLastWindowClosed(False)
    result: dict = {}
    window_ref: list[MainWindow] = []

    async def main() -> None:
        settings = Settings()
        keys = KeyStore()
        poll = PollSettings(
            interval=args.interval, max_rate=args.max_rate, max_in_flight=args.concurrency
        )
        controller = Controller(settings, keys, args.api, poll)
        try:
            session, service, _notice = await controller.open_session(False)
            window = MainWindow(session, settings, keys, service, demo=False)
            window_ref.append(window)
            controller.attach(window, session)
            window.show()
            gc.collect()  # as run_app does once the window is shown
            gc.freeze()
            result.update(await body(session, window))
            window.close()
        finally:
            await controller.shutdown()

    import qasync  # noqa: F401  (after PySide6)

    with asyncio.Runner(loop_factory=loop_factory(args.experiment)) as runner:
        runner.run(asyncio.wait_for(main(), HARD_DEADLINE))
    for window in window_ref:
        window.preview.shutdown()
        window.deleteLater()
    app.processEvents()
    return result


def poll_app(args: argparse.Namespace) -> dict:
    async def body(session, window) -> dict:  # type: ignore[no-untyped-def]
        counter = PollCounter()
        session.poller.subscribe(counter)
        start_mark = counter.mark(args.warmup)
        end_mark = counter.mark(args.warmup + args.polls)
        session.add(task_ids(args.tasks), args.api)
        start = await start_mark
        end = await end_mark
        result = poll_result("app", start, end, args.polls, counter.errors)
        result["table_visible"] = window.table.isVisible()
        result["rows"] = window.model.rowCount()
        return result

    return run_app_worker(body, args)


def paint(args: argparse.Namespace) -> dict:
    """Diagnostic: CPU of one full repaint of the table's viewport (every visible cell),
    synchronous, with the tasks polled once so that every row is full."""

    async def body(session, window) -> dict:  # type: ignore[no-untyped-def]
        from PySide6.QtWidgets import QApplication

        counter = PollCounter()
        session.poller.subscribe(counter)
        done = counter.mark(args.tasks)
        session.add(task_ids(args.tasks), args.api)
        await done
        session.poller.settings = dataclasses.replace(session.poller.settings, interval=3600.0)
        await asyncio.sleep(0.5)
        QApplication.processEvents()
        viewport = window.table.viewport()
        rows = window.table.rowAt(viewport.height() - 1) - window.table.rowAt(0) + 1
        times = []
        for _ in range(args.polls):
            start = time.process_time()
            viewport.repaint()
            times.append(time.process_time() - start)
        times.sort()
        median = times[len(times) // 2]
        return {
            "kind": "paint",
            "visible_rows": rows,
            "columns": window.model.columnCount(),
            "ms_per_repaint": median * 1000,
            "us_per_cell": median * 1e6 / max(1, rows * window.model.columnCount()),
        }

    return run_app_worker(body, args)


# -- responsiveness ---------------------------------------------------------------------------


class LagProbe:
    """A 5 ms single-shot QTimer re-armed on every tick: how late does each tick fire?"""

    def __init__(self, period_ms: int = 5) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.period = period_ms / 1000.0
        self.lags: list[float] = []
        self.recording = False
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setSingleShot(True)
        self._timer.setInterval(period_ms)
        self._timer.timeout.connect(self._tick)
        self._expected = 0.0

    def start(self) -> None:
        self._expected = time.perf_counter() + self.period
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.recording:
            self.lags.append(max(0.0, now - self._expected))
        self._expected = time.perf_counter() + self.period
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def summary(self) -> dict:
        values = sorted(self.lags)
        return {
            "ticks": len(values),
            "p50_ms": percentile(values, 0.50) * 1000,
            "p99_ms": percentile(values, 0.99) * 1000,
            "max_ms": (values[-1] if values else float("nan")) * 1000,
            "over_16ms": sum(1 for v in values if v > 0.016),
        }


async def measure_lag(probe: LagProbe, seconds: float) -> tuple[float, float, float]:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    probe.recording = True
    await asyncio.sleep(seconds)
    probe.recording = False
    return time.process_time() - cpu0, time.perf_counter() - wall0, wall0


class Diagnosis:
    """--diagnose: time every asyncio callback and every GC pass; keep the slowest."""

    def __init__(self) -> None:
        import gc

        self.slow: list[tuple[float, str]] = []
        self.gc: list[tuple[float, int]] = []
        self.enabled = False
        original = asyncio.events.Handle._run
        diag = self

        def _run(handle) -> None:  # type: ignore[no-untyped-def]
            if not diag.enabled:
                return original(handle)
            t0 = time.perf_counter()
            try:
                return original(handle)
            finally:
                took = time.perf_counter() - t0
                if took > 0.004:
                    diag.slow.append((took, _describe(handle)))

        asyncio.events.Handle._run = _run  # type: ignore[method-assign]
        self._gc_start = 0.0

        def on_gc(phase: str, info: dict) -> None:
            if phase == "start":
                self._gc_start = time.perf_counter()
            elif self.enabled:
                self.gc.append((time.perf_counter() - self._gc_start, info.get("generation", -1)))

        gc.callbacks.append(on_gc)

        # Qt-side work that is not an asyncio callback: the model's 1 s ticker.
        from reelwatch.gui import task_model

        original_tick = task_model.TaskTableModel._tick
        self.ticks: list[float] = []

        def _tick(model) -> None:  # type: ignore[no-untyped-def]
            t0 = time.perf_counter()
            try:
                original_tick(model)
            finally:
                if diag.enabled:
                    diag.ticks.append(time.perf_counter() - t0)

        task_model.TaskTableModel._tick = _tick  # type: ignore[method-assign]

        # How often Qt asks the model for data while painting, by role, and what it costs.
        from collections import Counter

        original_data = task_model.TaskTableModel.data
        self.roles: Counter[str] = Counter()
        self.data_time = 0.0

        def data(model, index, role=0):  # type: ignore[no-untyped-def]
            if not diag.enabled:
                return original_data(model, index, role)
            t0 = time.perf_counter()
            try:
                return original_data(model, index, role)
            finally:
                diag.data_time += time.perf_counter() - t0
                diag.roles[str(role)] += 1

        task_model.TaskTableModel.data = data  # type: ignore[method-assign]

    def summary(self) -> dict:
        slow = sorted(self.slow, reverse=True)
        kinds: dict[str, list[float]] = {}
        for took, what in slow:
            kinds.setdefault(what, []).append(took)
        gcs = sorted(self.gc, reverse=True)
        return {
            "callbacks_over_4ms": {
                what: {"count": len(v), "max_ms": round(max(v) * 1000, 1),
                       "total_ms": round(sum(v) * 1000, 1)}
                for what, v in sorted(kinds.items(), key=lambda kv: -max(kv[1]))[:15]
            },
            "gc_passes": len(gcs),
            "gc_slowest_ms": [(round(t * 1000, 2), g) for t, g in gcs[:8]],
            "gc_total_ms": round(sum(t for t, _ in gcs) * 1000, 1),
            "model_data_calls_by_role": dict(self.roles.most_common()),
            "model_data_total_ms": round(self.data_time * 1000, 1),
            "model_tick_ms": sorted((round(t * 1000, 1) for t in self.ticks), reverse=True)[:10],
        }  # fmt: skip


def _make_timing_application():  # type: ignore[no-untyped-def]
    from typing import ClassVar

    from PySide6.QtWidgets import QApplication

    class TimingApplication(QApplication):
        """--diagnose: times every top-level event dispatch (paints, timers, sockets)."""

        slow: ClassVar[list[tuple[float, str]]] = []
        depth = 0
        enabled = False

        def notify(self, receiver, event) -> bool:  # type: ignore[no-untyped-def]
            if not TimingApplication.enabled or TimingApplication.depth:
                TimingApplication.depth += 1
                try:
                    return super().notify(receiver, event)
                finally:
                    TimingApplication.depth -= 1
            TimingApplication.depth += 1
            t0 = time.perf_counter()
            try:
                return super().notify(receiver, event)
            finally:
                TimingApplication.depth -= 1
                took = time.perf_counter() - t0
                if took > 0.008:
                    what = f"{type(receiver).__name__}/{event.type().name}"
                    TimingApplication.slow.append((took, what))

    return TimingApplication


class _LazyTimingApplication:
    def __call__(self, argv):  # type: ignore[no-untyped-def]
        global _TIMING_APP
        _TIMING_APP = _make_timing_application()
        return _TIMING_APP(argv)


_TimingApplication = _LazyTimingApplication()
_TIMING_APP = None


def _describe(handle) -> str:  # type: ignore[no-untyped-def]
    callback = getattr(handle, "_callback", None)
    owner = getattr(callback, "__self__", None)
    if owner is not None and hasattr(owner, "get_coro"):  # a Task step: name its coroutine
        coro = owner.get_coro()
        frame = getattr(coro, "cr_frame", None)
        where = f"{frame.f_code.co_filename.rsplit('/', 2)[-1]}:{frame.f_lineno}" if frame else ""
        return f"task {getattr(coro, '__qualname__', coro)} @ {where}"
    return getattr(callback, "__qualname__", repr(callback))[:120]


def lag(args: argparse.Namespace) -> dict:
    diagnosis = Diagnosis() if args.diagnose else None

    async def body(session, window) -> dict:  # type: ignore[no-untyped-def]
        counter = PollCounter()
        session.poller.subscribe(counter)
        probe = LagProbe()
        probe.start()
        session.add(task_ids(args.tasks), args.api)
        await asyncio.sleep(args.warmup_s)
        polls0 = counter.count
        if diagnosis is not None:
            diagnosis.enabled = True
            if _TIMING_APP is not None:
                _TIMING_APP.enabled = True
        cpu, wall, _ = await measure_lag(probe, args.seconds)
        if diagnosis is not None:
            diagnosis.enabled = False
            if _TIMING_APP is not None:
                _TIMING_APP.enabled = False
        polls = counter.count - polls0
        probe.stop()
        extra = diagnosis.summary() if diagnosis is not None else {}
        if _TIMING_APP is not None:
            events: dict[str, list[float]] = {}
            for took, what in _TIMING_APP.slow:
                events.setdefault(what, []).append(took)
            extra["qt_dispatch_over_8ms"] = {
                what: {"count": len(v), "max_ms": round(max(v) * 1000, 1)}
                for what, v in sorted(events.items(), key=lambda kv: -max(kv[1]))[:12]
            }
        return {
            **extra,
            "kind": "app",
            **probe.summary(),
            "polls": polls,
            "polls_per_s": polls / wall,
            "cpu_percent": 100 * cpu / wall,
            "errors": counter.errors,
            "rows": window.model.rowCount(),
            "table_visible": window.table.isVisible(),
        }

    return run_app_worker(body, args)


def lag_floor(args: argparse.Namespace) -> dict:
    """The same probe in a bare QMainWindow on a qasync loop, idle: the machine's noise."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(["bare"])
    window = QMainWindow()
    window.resize(1360, 800)
    window.show()
    result: dict = {}

    async def main() -> None:
        probe = LagProbe()
        probe.start()
        await asyncio.sleep(args.warmup_s)
        cpu, wall, _ = await measure_lag(probe, args.seconds)
        probe.stop()
        result.update({"kind": "bare", **probe.summary(), "cpu_percent": 100 * cpu / wall})

    import qasync

    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        runner.run(asyncio.wait_for(main(), HARD_DEADLINE))
    window.close()
    del app
    return result


async def idle_floor(args: argparse.Namespace) -> dict:
    """The idle figure's floor: a bare httpx.AsyncClient making the idle run's requests at
    its rate (`--max-rate`, one GET every 1/rate s, JSON parsed), CPU over `--seconds`."""
    import httpx

    urls = [f"{args.api}/v1/videos/{task_id}" for task_id in task_ids(args.tasks)]
    headers = {"Accept": "application/json", "Authorization": f"Bearer {KEY}"}
    period = 1.0 / args.max_rate
    async with httpx.AsyncClient(headers={"User-Agent": "reelwatch/bench"}) as client:

        async def run(seconds: float, first: int) -> int:
            loop = asyncio.get_running_loop()
            start = loop.time()
            n = 0
            while loop.time() - start < seconds:
                (await client.get(urls[(first + n) % len(urls)], headers=headers)).json()
                n += 1
                await asyncio.sleep(max(0.0, start + n * period - loop.time()))
            return n

        warm = await run(args.warmup_s, 0)
        cpu0 = time.process_time()
        wall0 = time.perf_counter()
        polls = await run(args.seconds, warm)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return {"kind": "idle-floor", "polls": polls, "cpu_percent": 100 * cpu / wall}


# -- download ---------------------------------------------------------------------------------


async def download(args: argparse.Namespace) -> dict:
    """One completed task whose video_url is on another origin, through the Downloader."""
    from reelwatch.engine.poller import PollSettings
    from reelwatch.engine.secrets import ENV_VAR, KeyStore
    from reelwatch.engine.session import Session, SessionConfig
    from reelwatch.engine.tracker import Changed, DownloadState

    folder = Path(args.dir)
    config = SessionConfig(poll=PollSettings(interval=1.0, max_rate=0), download_dir=folder)
    session = Session(KeyStore(environ={ENV_VAR: KEY}), config, None)
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def on_event(event: object) -> None:
        if not isinstance(event, Changed) or "download" not in event.fields:
            return
        state = event.record.download
        if state is DownloadState.ACTIVE and "start" not in times:
            times["start"] = time.perf_counter()
            cpu["start"] = time.process_time()
        elif state is DownloadState.DONE and not done.done():
            times["end"] = time.perf_counter()
            cpu["end"] = time.process_time()
            done.set_result(None)
        elif state is DownloadState.FAILED and not done.done():
            done.set_exception(RuntimeError(event.record.download_error or "failed"))

    session.tracker.subscribe(on_event)
    session.start()
    session.add([args.task], args.api)
    try:
        await asyncio.wait_for(done, 120)
    finally:
        await session.aclose()
    files = [p for p in folder.iterdir() if p.suffix == ".mp4"]
    size = files[0].stat().st_size if files else 0
    if size != args.size:
        raise RuntimeError(f"downloaded {size} bytes, expected {args.size}")
    seconds = times["end"] - times["start"]
    return {
        "kind": "downloader",
        "seconds": seconds,
        "bytes": size,
        "mb_per_s": size / seconds / 1e6,
        "cpu_s": cpu["end"] - cpu["start"],
    }


# -- entry --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "what",
        choices=(
            "poll-floor",
            "poll-engine",
            "poll-qasync",
            "poll-app",
            "lag",
            "lag-floor",
            "download",
            "paint",
            "idle-floor",
        ),
    )
    parser.add_argument("--api", default="")
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=500, help="polls not measured")
    parser.add_argument("--polls", type=int, default=5000, help="polls measured")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--max-rate", type=float, default=0.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup-s", type=float, default=3.0)
    parser.add_argument("--dir", default="")
    parser.add_argument("--task", default="video_download01")
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument(
        "--experiment",
        action="append",
        default=[],
        choices=("selkey", "plain-qasync"),
        help="simulate a proposed src change in this process (app workers only)",
    )
    parser.add_argument("--diagnose", action="store_true", help="lag: time callbacks and GC")
    args = parser.parse_args()
    if args.api and not args.api.startswith("http://127.0.0.1:"):
        raise SystemExit("benchmarks talk to 127.0.0.1 only")
    os.environ.setdefault("REELWATCH_API_KEY", KEY)
    if args.what == "poll-floor":
        result = asyncio.run(poll_floor(args))
    elif args.what == "poll-engine":
        result = asyncio.run(poll_engine(args))
    elif args.what == "poll-qasync":
        result = poll_qasync(args)
    elif args.what == "poll-app":
        result = poll_app(args)
    elif args.what == "lag":
        result = lag(args)
    elif args.what == "lag-floor":
        result = lag_floor(args)
    elif args.what == "paint":
        result = paint(args)
    elif args.what == "idle-floor":
        result = asyncio.run(idle_floor(args))
    else:
        result = asyncio.run(download(args))
    emit(result)


if __name__ == "__main__":
    main()
