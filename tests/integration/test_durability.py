"""`kill -9` at any moment loses nothing that was already added."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from reelwatch.engine.store import TaskStore
from tests.fakeapi import FakeApi, json_step, openai_video

CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from reelwatch.engine.poller import PollSettings
    from reelwatch.engine.secrets import KeyStore
    from reelwatch.engine.session import Session, SessionConfig
    from reelwatch.engine.store import TaskStore

    async def main(path, base):
        config = SessionConfig(poll=PollSettings(interval=0.02, max_rate=0, jitter=0.0))
        session = Session(KeyStore(environ={"REELWATCH_API_KEY": "sk"}), config, TaskStore(path))
        session.start()
        batch = 0
        while True:
            ids = [f"video_b{batch:04d}_{i:02d}" for i in range(10)]
            session.add(ids, base)
            print("added", " ".join(ids), flush=True)
            batch += 1
            await asyncio.sleep(0.03)

    asyncio.run(main(Path(sys.argv[1]), sys.argv[2]))
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("kill_after", [0.05, 0.5, 1.3])
def test_kill_9_mid_poll_loses_no_added_task(tmp_path: Path, kill_after: float) -> None:
    db = tmp_path / "tasks.sqlite3"
    with FakeApi() as api:
        for batch in range(200):
            for i in range(10):
                task_id = f"video_b{batch:04d}_{i:02d}"
                api.script(task_id, [json_step(openai_video(task_id, "in_progress", batch % 100))])
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(db), api.base_url],
            stdout=subprocess.PIPE, text=True, env=dict(os.environ),
        )  # fmt: skip
        added: list[str] = []
        assert child.stdout is not None
        first = child.stdout.readline()  # the child is up and polling from here on
        added.extend(first.split()[1:])
        started = time.monotonic()
        while not api.requests and time.monotonic() - started < 15:
            time.sleep(0.005)
        deadline = time.monotonic() + kill_after
        while time.monotonic() < deadline:
            line = child.stdout.readline()  # one line per 30 ms
            if line.startswith("added"):
                added.extend(line.split()[1:])
        polls_before = len(api.requests)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        rest = child.stdout.read()
        added.extend(word for line in rest.splitlines() for word in line.split()[1:])
    assert polls_before > 0  # it was polling when killed
    assert added
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()
    store = TaskStore(db)
    stored = {record.task_id for record in store.load()}
    store.close()
    assert store.recovered_from is None
    assert set(added) <= stored
