"""Shared helpers of the benchmark suite: processes, /proc readings, statistics."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import selectors
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PYTHON = sys.executable
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")

# Loopback only: no proxy may ever see a benchmark request.
_NO_PROXY = {
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}
_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


BYTECODE_CACHE = Path(tempfile.gettempdir()) / "reelwatch-bench-pycache"
"""Where measured processes keep compiled modules. An installed Reelwatch (pip, the bundle)
ships compiled; a checkout on a machine with PYTHONDONTWRITEBYTECODE set would recompile
~40 modules from source on every start (60–80 ms), which no user pays. Every start-up round
after the first, dropped warm-up round reads this cache, the bare window's alike."""


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _PROXY_VARS}
    env.update(_NO_PROXY)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(BYTECODE_CACHE)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO / "src"), str(HERE), env.get("PYTHONPATH", "")) if p
    )
    env.update(extra)
    return env


# -- /proc ------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = 0
    with contextlib.suppress(OSError), open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024
    versions: dict[str, str] = {}
    for name in ("PySide6", "qasync", "httpx", "httpcore", "h11"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            versions[name] = version(name if name != "PySide6" else "PySide6-Essentials")
    with contextlib.suppress(Exception):
        from importlib.metadata import version

        versions["reelwatch"] = version("reelwatch")
    load = os.getloadavg()
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "mem_mb": mem,
        "loadavg_at_start": [round(x, 2) for x in load],
        "packages": versions,
        "qt_platform": "offscreen",
    }


# -- statistics ---------------------------------------------------------------------------


def summary(values: Sequence[float]) -> dict[str, float]:
    vals = [v for v in values if v == v]
    if not vals:
        return {"median": float("nan"), "min": float("nan"), "max": float("nan"), "runs": 0}
    return {
        "median": statistics.median(vals),
        "min": min(vals),
        "max": max(vals),
        "runs": len(vals),
    }


def percentile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


# -- processes ----------------------------------------------------------------------------


def read_line(proc: subprocess.Popen[str], timeout: float, prefix: str = "") -> str:
    """The next stdout line (starting with `prefix`), or TimeoutError."""
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {prefix or 'line'} from {proc.args!r} in {timeout}s")
            if not sel.select(left):
                continue
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"{proc.args!r} ended (exit {proc.poll()}) before {prefix!r}")
            if line.startswith(prefix):
                return line.rstrip("\n")
    finally:
        sel.close()


def stop_process(proc: subprocess.Popen[Any], sig: int = signal.SIGTERM, wait: float = 20) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(sig)
    try:
        proc.wait(wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@contextlib.contextmanager
def fake_api(mode: str = "poll", *args: str) -> Iterator[dict[str, Any]]:
    """The fake API in its own process; yields {"api": url, "files": url|None, "pid": pid}."""
    proc = subprocess.Popen(
        [PYTHON, str(HERE / "server.py"), "--mode", mode, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=base_env(),
    )
    try:
        info = json.loads(read_line(proc, 60, "{"))
        info["pid"] = proc.pid
        yield info
    finally:
        stop_process(proc)
        if proc.stdin:
            with contextlib.suppress(OSError):
                proc.stdin.close()


def server_stats(api: str) -> dict[str, Any]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(api + "/_stats", timeout=10) as response:
        return json.loads(response.read())


def run_worker(args: Sequence[str], timeout: float, env: dict[str, str] | None = None) -> dict:
    """Run `worker.py ARGS` in a fresh process; its last stdout line is a JSON result."""
    proc = subprocess.run(
        [PYTHON, str(HERE / "worker.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or base_env(),
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(
            f"worker {args[0]} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
        )
    return json.loads(lines[-1])


def task_ids(n: int, prefix: str = "video_bench") -> list[str]:
    return [f"{prefix}{i:06d}" for i in range(n)]
