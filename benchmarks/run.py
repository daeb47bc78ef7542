"""Reelwatch's performance suite: run by hand, never by the test command.

    python benchmarks/run.py [--quick] [--only NAME[,NAME...]] [--runs N]

NAME is one of: poll, lag, startup, memory, idle, download, soak. Prints a table and
writes benchmarks/results.json (figures of benchmarks that did not run this time are
kept from the previous file, each with its own `measured_at`).

Every figure is the median of several runs in fresh processes, and its floor is measured
in the same invocation, interleaved run by run with it (floor, subject, floor, subject,
...), so that the noise of this shared machine hits both alike. The fake API always runs
in ANOTHER process (benchmarks/server.py) on 127.0.0.1; nothing else is contacted.
See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from common import (  # noqa: E402
    PYTHON,
    base_env,
    cpu_seconds,
    fake_api,
    machine_info,
    read_line,
    rss_mb,
    run_worker,
    server_stats,
    stop_process,
    summary,
    task_ids,
)

from reelwatch.engine.poller import PollSettings  # noqa: E402

RESULTS = HERE / "results.json"
DEFAULT_RATE = PollSettings().max_rate
"""Requests per second the app allows itself by default: the idle run's real pace."""
SHUTDOWN_HANGS: list[str] = []
"""Apps that ignored SIGTERM (a regression check, see README: a cancelled wait_for once hung
the poller's shutdown)."""
KEY = "sk-bench-0123456789"
NAN = float("nan")


def src_fingerprint() -> dict[str, Any]:
    """Which code was measured: HEAD, and a hash of src/ as it is on disk (edits included)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((HERE.parent / "src").rglob("*.py")):
        digest.update(str(path.relative_to(HERE.parent)).encode())
        digest.update(path.read_bytes())
    head = ""
    with contextlib.suppress(Exception):
        head = subprocess.run(
            ["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, timeout=10,
        ).stdout.strip()  # fmt: skip
    return {"head": head, "src_sha256": digest.hexdigest()[:16]}


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def row(
    name: str,
    unit: str,
    values: list[float],
    floor: list[float] | float | None,
    target: str,
    *,
    ratio: float | None = None,
    passed: bool | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    s = summary(values)
    if isinstance(floor, list):
        f = summary(floor)
        floor_median, floor_min, floor_max = f["median"], f["min"], f["max"]
    else:
        floor_median = floor_min = floor_max = floor
    return {
        "name": name,
        "unit": unit,
        **s,
        "values": values,
        "floor": floor_median,
        "floor_min": floor_min,
        "floor_max": floor_max,
        "floor_values": floor if isinstance(floor, list) else None,
        "ratio": ratio,
        "target": target,
        "pass": passed,
        "details": details or {},
        "measured_at": dt.datetime.now().isoformat(timespec="seconds"),
    }


def paired_ratio(values: list[float], floors: list[float]) -> float:
    """The median of each run's value over the floor measured just before it."""
    pairs = [v / f for v, f in zip(values, floors, strict=False) if f and v == v and f == f]
    return statistics.median(pairs) if pairs else NAN


# -- app environments ------------------------------------------------------------------------


class AppHome:
    """A private XDG home for the app: its store, settings, logs and single-instance socket."""

    def __init__(self, root: Path, name: str) -> None:
        self.root = root / name
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o700)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def env(self, api: str) -> dict[str, str]:
        # A fresh settings folder every run: every start is a first-layout start.
        config = self.root / "config"
        shutil.rmtree(config, ignore_errors=True)
        return base_env(
            XDG_DATA_HOME=str(self.data),
            XDG_CONFIG_HOME=str(config),
            XDG_CACHE_HOME=str(self.root / "cache"),
            XDG_RUNTIME_DIR=str(self.root),
            REELWATCH_API_KEY=KEY,
            REELWATCH_BASE_URL=api,
            REELWATCH_INSTANCE=uuid.uuid4().hex[:12],
        )

    def fill_store(self, api: str, n: int, prefix: str = "video_bench") -> None:
        """`n` tracked, unfinished tasks with a stored snapshot, as after a day of use."""
        from server import video

        from reelwatch.api.snapshot import parse_snapshot
        from reelwatch.engine.store import TaskStore
        from reelwatch.engine.tracker import TaskRecord

        path = self.data / "reelwatch" / "tasks.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        store = TaskStore(path)
        now = time.time()
        store.insert(
            TaskRecord(
                task_id=task_id,
                base_url=api,
                added_at=now + i * 1e-3,
                snapshot=parse_snapshot(video(task_id, "in_progress", 40)),
            )
            for i, task_id in enumerate(task_ids(n, prefix))
        )
        store.close()


class AppProcess:
    """`benchmarks/probe.py real|bare`: the real entry point (or a bare window), with a
    marker on stdout when the main window's first paint pass is done."""

    def __init__(self, mode: str, env: dict[str, str], api: str | None = None) -> None:
        args = [PYTHON, str(HERE / "probe.py"), mode]
        if mode == "real":
            assert api is not None
            args += ["--base-url", api]
        self.spawned = time.monotonic()
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        self.painted_at: float | None = None

    def wait_painted(self, timeout: float = 60.0) -> float:
        line = read_line(self.proc, timeout, "PAINTED")
        self.painted_at = float(line.split()[1])
        return self.painted_at - self.spawned

    def stop(self) -> str:
        """SIGTERM (a normal quit for the app); SIGKILL if it has not ended after 8 s."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(8)
            except subprocess.TimeoutExpired:
                SHUTDOWN_HANGS.append(" ".join(self.proc.args[2:3]))
                log("  the app did not quit within 8 s of SIGTERM (shutdown hang); killed")
                stop_process(self.proc, signal.SIGKILL)
        err = self.proc.stderr.read() if self.proc.stderr else ""
        if self.proc.returncode not in (0, -15, -9):
            log(f"  app exited with {self.proc.returncode}: {err[-800:]}")
        return err

    def __enter__(self) -> AppProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# -- benchmarks -----------------------------------------------------------------------------


def bench_poll(opts: argparse.Namespace, tmp: Path) -> list[dict]:
    runs = opts.runs or (3 if opts.quick else 5)
    polls = 2000 if opts.quick else 4000
    common = ["--tasks", "1000", "--warmup", "500", "--polls", str(polls), "--concurrency", "4"]
    floor: list[dict] = []
    engine: list[dict] = []
    on_qasync: list[dict] = []
    app: list[dict] = []
    home = AppHome(tmp, "poll-app")
    with fake_api("poll") as server:
        api = server["api"]
        for i in range(runs):
            log(f"poll cost: round {i + 1}/{runs}")
            floor.append(run_worker(["poll-floor", "--api", api, *common], 300))
            engine.append(run_worker(["poll-engine", "--api", api, *common], 300))
            on_qasync.append(run_worker(["poll-qasync", "--api", api, *common], 300))
            home.fill_store(api, 0)
            app.append(run_worker(["poll-app", "--api", api, *common], 300, home.env(api)))
    f = [r["cpu_per_1000"] for r in floor]
    e = [r["cpu_per_1000"] for r in engine]
    q = [r["cpu_per_1000"] for r in on_qasync]
    a = [r["cpu_per_1000"] for r in app]

    def details(rs: list[dict]) -> dict:
        return {
            "polls_per_s": [round(r["polls_per_s"], 1) for r in rs],
            "errors": [r["errors"] for r in rs],
            "floor_polls_per_s": [round(r["polls_per_s"], 1) for r in floor],
        }

    e_ratio, a_ratio = paired_ratio(e, f), paired_ratio(a, f)
    return [
        row("poll cost: engine (Session)", "CPU s/1000 polls", e, f, "≤ 1.2× floor",
            ratio=e_ratio, passed=e_ratio <= 1.2, details=details(engine)),
        row("poll cost: engine on qasync, no window", "CPU s/1000 polls", q, f, "— (diagnostic)",
            ratio=paired_ratio(q, f), details=details(on_qasync)),
        row("poll cost: app (window+qasync)", "CPU s/1000 polls", a, f, "≤ 1.5× floor",
            ratio=a_ratio, passed=a_ratio <= 1.5, details=details(app)),
    ]  # fmt: skip


def bench_lag(opts: argparse.Namespace, tmp: Path) -> list[dict]:
    runs = opts.runs or (2 if opts.quick else 3)
    seconds = 10.0 if opts.quick else 20.0
    bare: list[dict] = []
    app: list[dict] = []
    home = AppHome(tmp, "lag-app")
    with fake_api("poll") as server:
        api = server["api"]
        for i in range(runs):
            log(f"responsiveness: round {i + 1}/{runs}")
            bare.append(run_worker(["lag-floor", "--seconds", str(seconds / 2)], 120))
            home.fill_store(api, 0)
            app.append(
                run_worker(
                    [
                        "lag",
                        "--api",
                        api,
                        "--tasks",
                        "1000",
                        "--interval",
                        "1",
                        "--max-rate",
                        "0",
                        "--seconds",
                        str(seconds),
                        "--warmup-s",
                        "3",
                    ],
                    180,
                    home.env(api),
                )
            )
    info = {
        "polls_per_s": [round(r["polls_per_s"], 1) for r in app],
        "cpu_percent": [round(r["cpu_percent"], 1) for r in app],
        "ticks": [r["ticks"] for r in app],
        "ticks_over_16ms": [r["over_16ms"] for r in app],
        "bare_window_p50_ms": [round(r["p50_ms"], 2) for r in bare],
        "bare_window_p99_ms": [round(r["p99_ms"], 2) for r in bare],
        "bare_window_max_ms": [round(r["max_ms"], 2) for r in bare],
        "note": "1,000 tasks due every 1 s = 1,000 polls/s asked; polls_per_s is what the "
        "app managed. floor = one 60 Hz frame; bare_window_* = the same probe in an idle "
        "bare QMainWindow (this machine's noise).",
    }
    p50 = [r["p50_ms"] for r in app]
    p99 = [r["p99_ms"] for r in app]
    mx = [r["max_ms"] for r in app]
    m99, mmax = statistics.median(p99), statistics.median(mx)
    return [
        row("responsiveness: lag p50", "ms", p50, 16.0, "—", ratio=statistics.median(p50) / 16,
            details=info),
        row("responsiveness: lag p99", "ms", p99, 16.0, "≤ 16 ms", ratio=m99 / 16,
            passed=m99 <= 16.0, details=info),
        row("responsiveness: lag max", "ms", mx, 16.0, "≤ 50 ms", ratio=mmax / 16,
            passed=mmax <= 50.0, details=info),
    ]  # fmt: skip


def bench_startup(opts: argparse.Namespace, tmp: Path) -> list[dict]:
    runs = opts.runs or (3 if opts.quick else 7)
    home = AppHome(tmp, "startup")
    bare_home = AppHome(tmp, "startup-bare")
    bare: list[float] = []
    real: list[float] = []
    first_poll: list[float] = []
    with fake_api("poll") as server:
        api = server["api"]
        home.fill_store(api, 1000)
        for i in range(runs + 1):  # the first round warms the page cache and is dropped
            log(f"start-up: round {i}/{runs}" + (" (warm-up, not counted)" if i == 0 else ""))
            with AppProcess("bare", bare_home.env(api)) as proc:
                b = proc.wait_painted()
            _reset(api)
            with AppProcess("real", home.env(api), api) as proc:
                r = proc.wait_painted()
                poll_at = _wait_first_request(api, 10.0)
                spawned = proc.spawned
            if i:
                bare.append(b)
                real.append(r)
                if poll_at is not None:
                    first_poll.append(poll_at - spawned)
    ratio = paired_ratio(real, bare)
    return [
        row("start-up to first paint (1,000 tasks)", "s", real, bare, "≤ 1.3× floor",
            ratio=ratio, passed=ratio <= 1.3,
            details={"first_poll_at_s": [round(x, 3) for x in first_poll],
                     "method": "probe.py: spawn → first paintEvent of the main window + one "
                               "zero-delay timer (paint pass flushed), CLOCK_MONOTONIC"}),
    ]  # fmt: skip


def _reset(api: str) -> None:
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(api + "/_reset", timeout=10) as response:
        response.read()


def _wait_first_request(api: str, timeout: float) -> float | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at = server_stats(api).get("first_request_at")
        if at is not None:
            return float(at)
        time.sleep(0.05)
    return None


def bench_memory(opts: argparse.Namespace, tmp: Path) -> list[dict]:
    runs = opts.runs or (2 if opts.quick else 3)
    settle = 8.0 if opts.quick else 15.0
    sizes = (0, 1000, 10000)
    homes = {n: AppHome(tmp, f"memory-{n}") for n in sizes}
    bare_home = AppHome(tmp, "memory-bare")
    bare: list[float] = []
    real: dict[int, list[float]] = {n: [] for n in sizes}
    polls: dict[int, list[int]] = {n: [] for n in sizes}
    with fake_api("poll") as server:
        api = server["api"]
        for i in range(runs):
            log(f"memory: round {i + 1}/{runs}")
            with AppProcess("bare", bare_home.env(api)) as proc:
                proc.wait_painted()
                time.sleep(settle)
                bare.append(rss_mb(proc.proc.pid))
            for n in sizes:
                homes[n].fill_store(api, n)
                before = server_stats(api).get("requests", 0)
                with AppProcess("real", homes[n].env(api), api) as proc:
                    proc.wait_painted(120)
                    time.sleep(settle)
                    real[n].append(rss_mb(proc.proc.pid))
                polls[n].append(server_stats(api).get("requests", 0) - before)
    rows = []
    floor_median = statistics.median(bare)
    for n in sizes:
        med = statistics.median(real[n])
        delta = med - floor_median
        target = "≤ floor + 40 MB" if n == 10000 else "—"
        rows.append(
            row(f"memory: {n:,} tasks (window shown, polling)", "MB RSS", real[n], bare, target,
                ratio=med / floor_median, passed=(delta <= 40.0) if n == 10000 else None,
                details={"delta_mb": round(delta, 1), "settle_s": settle,
                         "polls_during_run": polls[n],
                         "note": "store preloaded with in-progress snapshots; default poll "
                                 "settings (10 s, 5 req/s)"})
        )  # fmt: skip
    return rows


def bench_idle(opts: argparse.Namespace, tmp: Path) -> list[dict]:
    runs = opts.runs or (1 if opts.quick else 3)
    seconds = 20.0 if opts.quick else 60.0
    home = AppHome(tmp, "idle")
    bare_home = AppHome(tmp, "idle-bare")
    app: list[float] = []
    bare: list[float] = []
    floor: list[float] = []
    polls: list[int] = []
    with fake_api("poll") as server:
        api = server["api"]
        for i in range(runs):
            log(f"idle: round {i + 1}/{runs} ({seconds:.0f} s + {seconds:.0f} s httpx"
                f" + {seconds / 3:.0f} s bare)")  # fmt: skip
            # The floor: bare httpx making the same requests at the app's default rate.
            floor.append(run_worker(["idle-floor", "--api", api, "--tasks", "100",
                                     "--max-rate", str(DEFAULT_RATE), "--seconds", str(seconds),
                                     "--warmup-s", "5"], seconds + 60)["cpu_percent"])  # fmt: skip
            with AppProcess("bare", bare_home.env(api)) as proc:
                proc.wait_painted()
                time.sleep(2)
                c0, t0 = cpu_seconds(proc.proc.pid), time.monotonic()
                time.sleep(seconds / 3)
                bare.append(100 * (cpu_seconds(proc.proc.pid) - c0) / (time.monotonic() - t0))
            home.fill_store(api, 100)
            with AppProcess("real", home.env(api), api) as proc:
                proc.wait_painted()
                time.sleep(5)  # start-up work and the first burst of due polls are over
                before = server_stats(api).get("requests", 0)
                c0, t0 = cpu_seconds(proc.proc.pid), time.monotonic()
                time.sleep(seconds)
                app.append(100 * (cpu_seconds(proc.proc.pid) - c0) / (time.monotonic() - t0))
                polls.append(server_stats(api).get("requests", 0) - before)
    med = statistics.median(app)
    return [
        row(f"idle CPU ({seconds:.0f} s, 100 tasks, 10 s interval)", "% of a core", app, floor,
            "≤ 1 %", ratio=paired_ratio(app, floor), passed=med <= 1.0,
            details={"polls_in_window": polls, "bare_window_percent": [round(b, 2) for b in bare],
                     "note": f"the real app process, default settings (10 s, {DEFAULT_RATE:g} "
                             "req/s: 100 tasks are polled at that rate); floor = a bare "
                             "httpx.AsyncClient making the same GETs at the same rate "
                             "(worker.py idle-floor); an idle bare window is in "
                             "bare_window_percent"}),
    ]  # fmt: skip


def bench_download(opts: argparse.Namespace, tmp: Path) -> list[dict]:
    runs = opts.runs or (3 if opts.quick else 5)
    size_mb = 200
    curl = shutil.which("curl")
    if curl is None:
        raise RuntimeError("curl is missing: apt-get install -y curl")
    floor: list[float] = []
    app: list[float] = []
    cpu: list[float] = []
    with fake_api("download", "--file-mb", str(size_mb)) as server:
        api, files = server["api"], server["files"]
        url = f"{files}/files/result.mp4"
        size = size_mb << 20
        for i in range(runs):
            log(f"download: round {i + 1}/{runs}")
            out = Path(tempfile.mkdtemp(prefix="rw-dl-curl-", dir=tmp))
            done = subprocess.run(
                [curl, "-s", "--noproxy", "*", "-o", str(out / "result.mp4"),
                 "-w", "%{time_total} %{size_download}", url],
                capture_output=True, text=True, timeout=120, check=True,
            )  # fmt: skip
            seconds, got = done.stdout.split()
            if int(float(got)) != size:
                raise RuntimeError(f"curl got {got} bytes")
            floor.append(size / float(seconds) / 1e6)
            shutil.rmtree(out)
            out = Path(tempfile.mkdtemp(prefix="rw-dl-app-", dir=tmp))
            result = run_worker(
                ["download", "--api", api, "--dir", str(out), "--size", str(size),
                 "--task", f"video_download{i:02d}"], 180,
            )  # fmt: skip
            app.append(result["mb_per_s"])
            cpu.append(result["cpu_s"])
            shutil.rmtree(out)
    ratio = paired_ratio(app, floor)
    return [
        row("download 200 MiB (other origin)", "MB/s", app, floor, "≥ 0.8× floor", ratio=ratio,
            passed=ratio >= 0.8,
            details={"downloader_cpu_s": [round(c, 2) for c in cpu],
                     "floor": "curl -o FILE, same server (sendfile), same disk"}),
    ]  # fmt: skip


def bench_soak(opts: argparse.Namespace, tmp: Path) -> list[dict]:
    rows = []
    if opts.quick:
        extra = ["--tasks", "100", "--polls", "60", "--max-seconds", "60"]
    else:
        extra = ["--tasks", "300", "--polls", "360", "--max-seconds", "300"]
    for store in (False, True):
        log(f"soak: {'engine + store' if store else 'engine only'} (at most "
            f"{extra[-1]} s)")  # fmt: skip
        args = [PYTHON, str(HERE / "soak.py"), "--json", *extra] + (["--store"] if store else [])
        done = subprocess.run(args, capture_output=True, text=True, timeout=900, env=base_env())
        lines = [x for x in done.stdout.splitlines() if x.startswith("{")]
        if done.returncode != 0 or not lines:
            raise RuntimeError(f"soak failed: {done.stderr[-2000:]}")
        result = json.loads(lines[-1])
        rss = result["rss_mb"]
        slope = result["rss_slope_mb_per_min"]
        growth = rss["end"] - rss["start"]
        finished = result["tasks_completed"] + result["tasks_failed"]
        passed = finished == result["tasks"] and abs(growth) <= 5.0 and slope <= 1.0
        series = result.pop("rss_series")
        result["rss_series_every_10th"] = series[::10]
        rows.append(
            row(f"soak: {result['variant']} ({result['tasks']} tasks)", "MB RSS end",
                [rss["end"]], None,
                "all tasks finish; RSS end−start ≤ 5 MB, slope ≤ 1 MB/min",
                ratio=None, passed=passed, details=result)
        )  # fmt: skip
    return rows


BENCHMARKS: dict[str, Callable[[argparse.Namespace, Path], list[dict]]] = {
    "poll": bench_poll,
    "lag": bench_lag,
    "startup": bench_startup,
    "memory": bench_memory,
    "idle": bench_idle,
    "download": bench_download,
    "soak": bench_soak,
}


# -- output ----------------------------------------------------------------------------------


def fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if value != value:
            return "n/a"
        if abs(value) >= 100:
            return f"{value:.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.{digits}f}"
    return str(value)


def print_table(rows: list[dict]) -> None:
    headers = ["benchmark", "unit", "median", "min", "max", "runs", "floor", "ratio", "target",
               "result"]  # fmt: skip
    table = [headers]
    for r in rows:
        ratio = r["ratio"]
        ratio_text = "—" if ratio is None else f"{ratio:.2f}×"
        if "delta_mb" in r["details"]:
            ratio_text += f" (+{r['details']['delta_mb']:.0f} MB)"
        result = {True: "PASS", False: "FAIL", None: "info"}[r["pass"]]
        cells = [r["name"], r["unit"], fmt(r["median"]), fmt(r["min"]), fmt(r["max"]),
                 str(r["runs"]), fmt(r["floor"]), ratio_text, r["target"], result]  # fmt: skip
        table.append(cells)
    widths = [max(len(line[i]) for line in table) for i in range(len(headers))]
    for n, line in enumerate(table):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for r in rows:
        if r["name"].startswith("soak"):
            d = r["details"]
            rss = d["rss_mb"]
            print(
                f"\n{r['name']}: {d['ended_because']} in {d['wall_s']:.0f} s; "
                f"{d['server']['requests']:,} requests ({d['polls_per_s']:.0f}/s), "
                f"{d['polls_ok']:,} good\n  faults injected: {d['server']['faults_injected']}\n"
                f"  errors by kind:  {d['errors_by_kind']}\n  tasks: {d['task_states']}"
                + (f"  stored: {d['stored']}" if d.get("stored") else "")
                + f"\n  RSS MB start {rss['start']:.1f} / middle {rss['middle']:.1f} / end "
                f"{rss['end']:.1f} (peak {rss['peak']:.1f}); slope "
                f"{d['rss_slope_mb_per_min']:+.3f} MB/min, "
                f"{d['rss_slope_mb_per_10k_polls']:+.3f} MB per 10k polls"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, shorter windows")
    parser.add_argument("--only", default="", help="comma-separated: " + ",".join(BENCHMARKS))
    parser.add_argument("--runs", type=int, default=0, help="override the number of runs")
    opts = parser.parse_args()
    names = [n.strip() for n in opts.only.split(",") if n.strip()] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {unknown}; choose from {', '.join(BENCHMARKS)}")

    machine = machine_info()
    code_before = src_fingerprint()
    log(f"machine: {machine['cpu']}, {machine['cores']} cores, load {machine['loadavg_at_start']}")
    rows: list[dict] = []
    failures: dict[str, str] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rw-bench-") as tmp_name:
        tmp = Path(tmp_name)
        for name in names:
            t0 = time.monotonic()
            try:
                got = BENCHMARKS[name](opts, tmp)
            except Exception as exc:  # one broken benchmark must not lose the others
                log(f"{name} FAILED: {exc}")
                failures[name] = str(exc)[-2000:]
                continue
            for r in got:
                r["benchmark"] = name
                r["src_sha256"] = src_fingerprint()["src_sha256"]
            rows.extend(got)
            log(f"{name} done in {time.monotonic() - t0:.0f} s")
    machine["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    code_after = src_fingerprint()
    code = {**code_before, "src_changed_during_run": code_after != code_before}
    if code["src_changed_during_run"]:
        log("src/ changed while the suite ran: figures may mix two versions of the code")

    previous: list[dict] = []
    if RESULTS.exists():
        with contextlib.suppress(Exception):
            previous = json.loads(RESULTS.read_text()).get("results", [])
    kept = [r for r in previous if r.get("benchmark") not in names]
    order = list(BENCHMARKS)
    merged = sorted(kept + rows, key=lambda r: order.index(r.get("benchmark", "soak")))
    document = {
        "written_at": dt.datetime.now().isoformat(timespec="seconds"),
        "quick": opts.quick,
        "ran": names,
        "wall_s": round(time.monotonic() - started, 1),
        "machine": machine,
        "code": code,
        "failures": failures,
        "app_shutdown_hangs": len(SHUTDOWN_HANGS),
        "results": merged,
    }
    RESULTS.write_text(json.dumps(document, indent=2, default=str) + "\n")
    print()
    print_table(merged)
    if SHUTDOWN_HANGS:
        print(
            f"\nthe app ignored SIGTERM {len(SHUTDOWN_HANGS)} time(s) and was killed "
            "(shutdown hang; see README)"
        )
    print(f"\nwritten {RESULTS.relative_to(HERE.parent)}"
          + (f"; FAILED to run: {', '.join(failures)}" if failures else ""))  # fmt: skip
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
