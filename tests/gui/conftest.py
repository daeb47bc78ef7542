"""GUI fixtures: one qasync loop for the session, a window over a real engine and store."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings

from reelwatch.engine.poller import PollSettings
from reelwatch.engine.secrets import ENV_VAR, KeyStore
from reelwatch.engine.session import Session, SessionConfig
from reelwatch.engine.store import TaskStore
from reelwatch.settings import Settings
from tests.fakeapi import FakeApi, FakeFileHost

API_KEY = "sk-test-0123456789"


@pytest.fixture(scope="session")
def qloop_session(qapp):
    from reelwatch.gui.event_loop import EventLoop

    return EventLoop(qapp, already_running=True)


@pytest.fixture
def qloop(qloop_session):
    """The qasync loop, set as running only for this test (unit tests use asyncio.run)."""
    asyncio.events._set_running_loop(qloop_session)
    asyncio.set_event_loop(qloop_session)
    yield qloop_session
    asyncio.events._set_running_loop(None)


def run_in_loop(qtbot, coro, timeout: int = 10000):
    """Run a coroutine on the qasync loop from a test, driving Qt until it is done."""
    task = asyncio.get_running_loop().create_task(coro)
    try:
        qtbot.waitUntil(task.done, timeout=timeout)
    except Exception:
        for pending in asyncio.all_tasks(asyncio.get_running_loop()):  # what it is stuck on
            pending.print_stack(file=sys.stderr)
        raise
    return task.result()


@pytest.fixture
def fake_api() -> Iterator[FakeApi]:
    with FakeApi() as api:
        yield api


@pytest.fixture
def file_host() -> Iterator[FakeFileHost]:
    with FakeFileHost() as host:
        yield host


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def make_window(qtbot, qloop, tmp_path: Path, settings: Settings):
    """Builds MainWindows over real sessions; closes them and their engines afterwards."""
    from reelwatch.gui.main_window import MainWindow

    made: list[tuple[MainWindow, Session]] = []

    def make(base_url: str, *, interval: float = 0.2, store_path: Path | None = None):
        keys = KeyStore(environ={ENV_VAR: API_KEY})
        store = TaskStore(store_path or tmp_path / "tasks.sqlite3")
        config = SessionConfig(
            poll=PollSettings(interval=interval, max_rate=0, jitter=0.0),
            download_dir=tmp_path / "videos",
        )
        session = Session(keys, config, store)
        session.start()
        window = MainWindow(session, settings, keys, base_url)
        qtbot.addWidget(window)
        window.show()
        made.append((window, session))
        return window

    yield make
    for window, session in made:
        close_window(qtbot, window, session)


def close_window(qtbot, window, session: Session) -> None:
    """What the app does on close: window first (saves layout, stops the player), then engine.

    Safe to call twice (a test may close a window itself before the fixture does).
    """
    if getattr(session, "_closed_by_test", False):
        return
    session._closed_by_test = True  # type: ignore[attr-defined]
    if shiboken6.isValid(window) and window.isVisible():
        window.close()
    run_in_loop(qtbot, session.aclose())


def wait_for(qtbot, predicate: Callable[[], object], timeout: int = 10000) -> None:
    qtbot.waitUntil(lambda: bool(predicate()), timeout=timeout)
