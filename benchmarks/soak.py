"""Soak test: an accelerated hour of polls against a faulty server, engine only.

    python benchmarks/soak.py [--store] [--tasks 300] [--polls 360] [--interval 0.2]
                              [--max-seconds 300] [--max-requests 150000] [--json]

Hundreds of tasks are polled as the app would poll them for an hour (360 polls of 10 s
each), with time compressed 50× (interval 0.2 s, backoff cap 6 s instead of 300 s). The
fake API runs in ANOTHER process (`server.py --mode soak`) and mixes faults into its
answers: HTML 502 pages, 429 with ``Retry-After: 1``, TCP resets and FIN hang-ups,
truncated JSON, bodies cut short of their Content-Length and slow answers. Each task
completes (one in twenty fails) after 300–360 good answers.

The run ends when every task is finished, after --max-seconds of wall time, or after
--max-requests polls, whichever comes first. It reports the requests made, the errors by
kind, the tasks finished, and the resident memory at start, middle and end with the
least-squares slope of all samples after the first tenth of the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from common import fake_api, rss_mb, server_stats, task_ids  # noqa: E402

KEY = "sk-bench-0123456789"


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return 0.0
    return sum((x - mx) * (y - my) for x, y in points) / sxx


async def soak(args: argparse.Namespace, api: str) -> dict:
    from reelwatch.api.snapshot import TaskState
    from reelwatch.engine.poller import PollSettings, ServiceChanged, TaskPolled
    from reelwatch.engine.secrets import ENV_VAR, KeyStore
    from reelwatch.engine.session import Session, SessionConfig
    from reelwatch.engine.store import TaskStore

    tmp = tempfile.TemporaryDirectory(prefix="rw-soak-")
    store = TaskStore(Path(tmp.name) / "tasks.sqlite3") if args.store else None
    scale = args.interval / 10.0  # the real interval is 10 s
    poll = PollSettings(
        interval=args.interval,
        max_rate=0,
        max_in_flight=4,
        backoff_cap=300.0 * scale,
        default_pause=5.0 * scale,
    )
    config = SessionConfig(poll=poll, download_dir=None, auto_download=False)
    session = Session(KeyStore(environ={ENV_VAR: KEY}), config, store)

    polls = 0
    ok = 0
    errors: Counter[str] = Counter()
    messages: Counter[str] = Counter()
    services: Counter[str] = Counter()
    enough = asyncio.Event()

    def on_poll(event: object) -> None:
        nonlocal polls, ok
        if isinstance(event, ServiceChanged):
            services[event.state.value] += 1
            return
        assert isinstance(event, TaskPolled)
        polls += 1
        if event.error is None:
            ok += 1
        else:
            errors[event.error.kind] += 1
            messages[f"{event.error.kind}: {event.error.message[:70]}"] += 1
        if polls >= args.max_requests:
            enough.set()

    session.poller.subscribe(on_poll)
    samples: list[tuple[float, float, int]] = []  # (seconds, rss MB, polls)
    started = time.perf_counter()
    session.start()
    session.add(task_ids(args.tasks, "video_soak"), api)

    async def sampler() -> None:
        while True:
            samples.append((time.perf_counter() - started, rss_mb(), polls))
            await asyncio.sleep(args.sample_every)

    async def finished() -> None:
        while session.poller.pending_count() > 0 and not enough.is_set():
            await asyncio.sleep(0.25)

    sampling = asyncio.get_running_loop().create_task(sampler())
    reason = "all tasks finished"
    try:
        await asyncio.wait_for(finished(), args.max_seconds)
        if enough.is_set():
            reason = f"request cap ({args.max_requests}) reached"
    except TimeoutError:
        reason = f"time bound ({args.max_seconds:.0f} s) reached"
    wall = time.perf_counter() - started
    samples.append((wall, rss_mb(), polls))
    sampling.cancel()
    states = Counter(
        (record.state.value if record.state else "none") for record in session.tracker.records()
    )
    await session.aclose()

    stored = None
    if args.store:
        check = TaskStore(Path(tmp.name) / "tasks.sqlite3")
        records = check.load()
        stored = {
            "rows": len(records),
            "terminal": sum(1 for r in records if r.terminal),
            "completed": sum(1 for r in records if r.state is TaskState.COMPLETED),
        }
        check.close()
    tmp.cleanup()

    skip = wall * 0.1
    tail = [(t, m) for t, m, _ in samples if t >= skip]
    tail_by_polls = [(p, m) for t, m, p in samples if t >= skip]
    middle = min(samples, key=lambda s: abs(s[0] - wall / 2))
    first = next((s for s in samples if s[0] >= skip), samples[0])
    return {
        "variant": "engine+store" if args.store else "engine",
        "tasks": args.tasks,
        "polls_per_task_target": args.polls,
        "interval_s": args.interval,
        "wall_s": wall,
        "ended_because": reason,
        "polls": polls,
        "polls_ok": ok,
        "polls_per_s": polls / wall if wall else 0.0,
        "errors_by_kind": dict(errors),
        "error_messages": dict(messages.most_common(12)),
        "service_changes": dict(services),
        "task_states": dict(states),
        "tasks_completed": states.get("completed", 0),
        "tasks_failed": states.get("failed", 0),
        "stored": stored,
        "rss_mb": {
            "start": first[1],
            "middle": middle[1],
            "end": samples[-1][1],
            "peak": max(m for _, m, _ in samples),
            "samples": len(samples),
        },
        "rss_slope_mb_per_min": slope(tail) * 60,
        "rss_slope_mb_per_10k_polls": slope(tail_by_polls) * 10_000,
        "rss_series": [(round(t, 1), round(m, 2), p) for t, m, p in samples],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", action="store_true", help="with a TaskStore on a temp file")
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--polls", type=int, default=360, help="good answers per task (an hour)")
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    parser.add_argument("--max-requests", type=int, default=150_000)
    parser.add_argument("--sample-every", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    args = parser.parse_args()
    args.max_seconds = min(args.max_seconds, 600.0)

    with fake_api("soak", "--soak-polls", str(args.polls), "--seed", str(args.seed)) as info:
        result = asyncio.run(soak(args, info["api"]))
        stats = server_stats(info["api"])
    faults = {k.removeprefix("fault_"): v for k, v in stats.items() if k.startswith("fault_")}
    result["server"] = {
        "requests": stats.get("requests", 0),
        "faults_injected": faults,
        "answered_completed": stats.get("answer_completed", 0),
        "answered_failed": stats.get("answer_failed", 0),
    }
    if not args.json:
        rss = result["rss_mb"]
        print(
            f"soak ({result['variant']}): {result['ended_because']} after {result['wall_s']:.0f} s"
        )
        print(
            f"  requests {result['server']['requests']:,} (client saw {result['polls']:,} polls, "
            f"{result['polls_ok']:,} good, {result['polls_per_s']:.0f}/s)"
        )
        print(f"  faults injected {faults}")
        print(f"  errors by kind  {result['errors_by_kind']}")
        print(f"  tasks           {result['task_states']}")
        print(
            f"  RSS MB start {rss['start']:.1f}  middle {rss['middle']:.1f}  end {rss['end']:.1f}"
            f"  peak {rss['peak']:.1f}  slope {result['rss_slope_mb_per_min']:+.3f} MB/min"
            f" ({result['rss_slope_mb_per_10k_polls']:+.3f} MB per 10k polls)"
        )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
