"""Profile one benchmark worker with py-spy and print where its CPU goes.

    python benchmarks/profile.py poll-engine|poll-app|poll-floor|lag|download
                                 [--rate 250] [--svg FILE] [--top 30] [--native]

Starts the fake API in its own process (as run.py does), runs `worker.py WHAT` under
``py-spy record`` (sampling, so the worker runs at full speed), then prints the functions
with the most samples: self time and inclusive time, as a share of all samples. With
--svg also writes a flame graph. py-spy must be installed (pip install py-spy).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import PYTHON, base_env, fake_api  # noqa: E402

KEY = "sk-bench-0123456789"


GROUPS = (
    ("reelwatch", ("reelwatch/",)),
    ("qasync", ("qasync/",)),
    (
        "http stack (httpx/httpcore/h11/anyio)",
        ("httpx/", "httpcore/", "h11/", "anyio/", "sniffio/"),
    ),
    ("asyncio", ("asyncio/", "selectors.py")),
    ("json", ("json/",)),
    ("sqlite", ("sqlite3/",)),
    ("imports", ("<frozen importlib", "importlib/")),
    ("benchmark harness", ("worker.py",)),
)


def component(frames: list[str]) -> str:
    """The component of the innermost frame that belongs to one we know."""
    for frame in reversed(frames):
        for name, needles in GROUPS:
            if any(needle in frame for needle in needles):
                return name
    return "other"


def aggregate(raw: Path, top: int) -> str:
    self_count: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    components: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        frames = [f.replace(str(HERE.parent) + "/", "") for f in stack.split(";")]
        self_count[frames[-1]] += n
        components[component(frames)] += n
        for frame in set(frames):
            inclusive[frame] += n
    out = [f"{total} samples", "\nby component (innermost known frame):"]
    out += [f"  {100 * n / total:5.1f}%  {name}" for name, n in components.most_common()]
    out.append("\nself time:")
    out += [f"  {100 * n / total:5.1f}%  {f}" for f, n in self_count.most_common(top)]
    out.append("\ninclusive time:")
    out += [f"  {100 * n / total:5.1f}%  {f}" for f, n in inclusive.most_common(top)]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=("poll-engine", "poll-app", "poll-floor", "lag",
                                         "download"))  # fmt: skip
    parser.add_argument("--rate", type=int, default=250, help="samples per second")
    parser.add_argument("--svg", help="also write a flame graph here")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--native", action="store_true", help="include C/C++ frames")
    parser.add_argument("--polls", type=int, default=3000)
    parser.add_argument("--raw", help="keep py-spy's raw (collapsed) stacks here")
    args = parser.parse_args()
    if shutil.which("py-spy") is None:
        raise SystemExit("py-spy is not installed: pip install py-spy")

    tmp = Path(tempfile.mkdtemp(prefix="rw-prof-"))
    tmp.chmod(0o700)
    env = base_env(
        XDG_DATA_HOME=str(tmp / "data"),
        XDG_CONFIG_HOME=str(tmp / "config"),
        XDG_CACHE_HOME=str(tmp / "cache"),
        XDG_RUNTIME_DIR=str(tmp),
        REELWATCH_API_KEY=KEY,
        REELWATCH_INSTANCE=uuid.uuid4().hex[:12],
    )
    mode = "download" if args.what == "download" else "poll"
    with fake_api(mode) as server:
        worker = [PYTHON, str(HERE / "worker.py"), args.what, "--api", server["api"]]
        if args.what.startswith("poll"):
            worker += ["--polls", str(args.polls)]
        elif args.what == "lag":
            worker += ["--interval", "1", "--seconds", "15"]
        else:
            (tmp / "dl").mkdir()
            worker += ["--dir", str(tmp / "dl"), "--size", str(200 << 20)]
        raw = tmp / "profile.txt"
        spy = ["py-spy", "record", "-r", str(args.rate), "-f", "raw", "-o", str(raw)]
        if args.native:
            spy.append("--native")
        subprocess.run([*spy, "--", *worker], env=env, check=True, capture_output=True)
        if args.svg:
            # A second, identical run for the flame graph (py-spy writes one format a run).
            subprocess.run(
                ["py-spy", "record", "-r", str(args.rate), "-o", args.svg, "--", *worker],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
    print(aggregate(raw, args.top))
    if args.raw:
        shutil.copy(raw, args.raw)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
