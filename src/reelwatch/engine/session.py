"""One running Reelwatch engine: tracker, poller, store, downloader and clients.

The window and `reelwatch watch` both drive a `Session`; they differ only in
what listens to the tracker. A session owns one `VideoApiClient` per service
and closes them all on `aclose()`.

A session is built in two steps so that the window can show the stored tasks before any
network code runs: `load()` reads the store into the tracker (cheap: SQLite and JSON), and
`start()` starts polling. This module imports neither the HTTP stack (httpx, TLS
certificates) nor the keyring: the first client does, when the first poll (or the app, right
after its first paint) asks for it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reelwatch.api.ids import Extraction, extract_ids
from reelwatch.api.snapshot import TaskState
from reelwatch.api.urls import normalize_base_url
from reelwatch.engine.attention import StallRules, StallWatch
from reelwatch.engine.downloads import Downloader
from reelwatch.engine.poller import Poller, PollSettings, TaskKey
from reelwatch.engine.secrets import KeyStore
from reelwatch.engine.store import StoreWriter, TaskStore
from reelwatch.engine.tracker import (
    Added,
    AddOutcome,
    DownloadState,
    Removed,
    TaskRecord,
    Tracker,
    TrackerEvent,
)

if TYPE_CHECKING:
    import httpx

    from reelwatch.api.client import VideoApiClient

log = logging.getLogger(__name__)


@dataclass
class SessionConfig:
    """What a session needs to know; the app fills it from settings, the CLI from flags."""

    poll: PollSettings = field(default_factory=PollSettings)
    download_dir: Path | None = None
    auto_download: bool = True
    stall: StallRules = field(default_factory=StallRules)
    timeout: httpx.Timeout | None = None
    """None: the client's own (`api.client.DEFAULT_TIMEOUT`)."""
    deadline: float | None = None
    """None: the client's own (`api.client.DEFAULT_DEADLINE`)."""
    transport: httpx.AsyncBaseTransport | None = None
    """For tests only: a transport every client uses instead of the network."""


@dataclass(frozen=True)
class PasteOutcome:
    """What a paste gave: the ids found, which were new, and which lines were ignored."""

    extraction: Extraction
    outcome: AddOutcome


class Session:
    """Everything that watches tasks, without any Qt."""

    def __init__(
        self,
        keys: KeyStore,
        config: SessionConfig | None = None,
        store: TaskStore | None = None,
    ) -> None:
        self.keys = keys
        self.config = config or SessionConfig()
        self.store = store
        self.tracker = Tracker()
        self.poller = Poller(self.client, self.config.poll)
        self.downloader = Downloader(
            self.tracker,
            self.client,
            self.config.download_dir,
            auto=self.config.auto_download,
        )
        self.stalls = StallWatch(self.tracker, self.downloader.probe_content, self.config.stall)
        self._clients: dict[str, VideoApiClient] = {}
        self._loaded = False
        self.started = False
        """True once `start()` ran: polls and downloads may be under way."""
        self._writer = StoreWriter(store) if store is not None else None
        self.poller.subscribe(self.tracker.apply)
        if self._writer is not None:
            self.tracker.subscribe(self._writer)
        self.tracker.subscribe(self._on_tracker)
        self.tracker.subscribe(self.downloader)
        self.tracker.subscribe(self.stalls)

    # -- services ----------------------------------------------------------

    def client(self, base_url: str) -> VideoApiClient:
        """The one client of a service, created on first use with its stored key."""
        client = self._clients.get(base_url)
        if client is None:
            # Imported here, not at the top: httpx and its TLS set-up are the largest part
            # of a start-up, and nothing needs them before the first poll.
            from reelwatch.api.client import VideoApiClient

            lookup = self.keys.lookup(base_url)
            options: dict[str, Any] = {"transport": self.config.transport}
            if self.config.timeout is not None:
                options["timeout"] = self.config.timeout
            if self.config.deadline is not None:
                options["deadline"] = self.config.deadline
            client = VideoApiClient(base_url, lookup.key, **options)
            self._clients[base_url] = client
        return client

    def set_key(self, base_url: str, key: str | None) -> None:
        """Use a new key for a service and resume it if it was paused for its key."""
        self.client(base_url).set_key(key)
        self.poller.resume_service(base_url)

    # -- tasks -------------------------------------------------------------

    def add_text(self, text: str, base_url: str) -> PasteOutcome:
        """Track every id found in pasted text (raises InputTooLargeError for huge text)."""
        extraction = extract_ids(text)
        return PasteOutcome(extraction, self.add(extraction.ids, base_url))

    def add(self, task_ids: Iterable[str], base_url: str) -> AddOutcome:
        return self.tracker.add(task_ids, normalize_base_url(base_url))

    def remove(self, keys: Iterable[TaskKey]) -> list[TaskRecord]:
        return self.tracker.remove(keys)

    def restore(self, records: Iterable[TaskRecord]) -> list[TaskRecord]:
        return self.tracker.restore(records)

    def refresh(self, key: TaskKey) -> None:
        """Poll a task now, finished or not; retry a failed or lost download (the user asked)."""
        record = self.tracker.get(key)
        if record is not None and (
            record.download is DownloadState.FAILED
            or (record.download is DownloadState.DONE and not _exists(record.file))
        ):
            self.tracker.update(key, download=DownloadState.NONE, file=None, download_error=None)
            if self.downloader.folder is not None and record.state is TaskState.COMPLETED:
                self.downloader.start(record)
        self.poller.poll_now(*key)

    def _on_tracker(self, event: TrackerEvent) -> None:
        if isinstance(event, Added):
            for record in event.records:
                if not record.terminal:
                    self.poller.track(record.base_url, record.task_id)
                elif self.started and self.downloader.wants(record):
                    self.downloader.start(record)  # (records loaded earlier: start() does it)
        elif isinstance(event, Removed):
            for record in event.records:
                self.poller.untrack(record.base_url, record.task_id)

    # -- lifetime ----------------------------------------------------------

    def load(self) -> None:
        """Read the stored list into the tracker, once; nothing is polled yet.

        The window calls this before it is shown, so the stored tasks are on screen at
        once, and `start()` after its first paint.
        """
        if self._loaded:
            return
        self._loaded = True
        if self.store is not None:
            self.tracker.load(self.store.load())

    def start(self) -> None:
        """Load the stored list if not done yet, start polling, and fetch the finished videos
        that are not saved yet (inside the loop)."""
        if self.started:
            return
        self.load()
        self.started = True
        self.poller.start()
        for record in self.tracker.records():
            if record.terminal and self.downloader.wants(record):
                self.downloader.start(record)

    async def aclose(self) -> None:
        """Stop polls and downloads, save everything, close every client."""
        await self.poller.stop()
        await self.downloader.aclose()
        if self._writer is not None:
            self._writer.flush()
        for client in self._clients.values():
            try:
                await client.aclose()
            except Exception:
                log.exception("Closing the client of %s failed", client.base_url)
        self._clients.clear()
        if self.store is not None:
            self.store.close()


def _exists(path: str | None) -> bool:
    return path is not None and Path(path).is_file()
