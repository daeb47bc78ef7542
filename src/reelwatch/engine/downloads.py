"""Fetch each completed task's video to a folder, once, completely.

The video comes from `video_url` (the key is attached only when that URL is on
the API's own origin: `VideoApiClient.stream` decides) or else from
``/v1/videos/{id}/content``; a JSON answer from `/content` is followed to its
`video_url`. Bytes go to a ``.part`` file that is renamed only when its size
matches `Content-Length`, so a truncated file is never shown as done; a
dropped transfer resumes with a Range request where the server allows it.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import logging
import os
import re
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reelwatch.api.errors import ApiError, AuthError, InvalidResponseError, NotFoundError
from reelwatch.api.snapshot import TaskState, parse_snapshot
from reelwatch.engine.tracker import Changed, DownloadState, TaskRecord, Tracker, TrackerEvent
from reelwatch.i18n import translate

if TYPE_CHECKING:
    # The HTTP stack is imported where a download needs it, not here: the window builds its
    # session (and this downloader) before its first paint, and httpx is not needed for that.
    import httpx

    from reelwatch.api.client import VideoApiClient

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_ACCEPT_VIDEO = "video/mp4,video/*;q=0.9,application/octet-stream;q=0.8,*/*;q=0.5"
_PROGRESS_EVERY = 0.25


class DownloadError(Exception):
    """Why a video could not be saved, in words for the user."""


class TransferInterruptedError(DownloadError):
    """The connection dropped mid-file; the ``.part`` file is kept for a Range resume."""


RESUME_ATTEMPTS = 3


def file_name_for(task_id: str, extension: str = ".mp4") -> str:
    """A file name for a task id that is safe everywhere and never shared by two ids."""
    safe = _UNSAFE.sub("_", task_id).strip("._") or "task"
    if safe != task_id:
        safe = f"{safe[:150]}-{hashlib.sha256(task_id.encode()).hexdigest()[:8]}"
    return safe + extension


class Downloader:
    """Downloads completed tasks of a tracker, at most `parallel` at a time."""

    def __init__(
        self,
        tracker: Tracker,
        client_for: Callable[[str], VideoApiClient],
        folder: Path | None,
        *,
        auto: bool = True,
        parallel: int = 2,
    ) -> None:
        self._tracker = tracker
        self._client_for = client_for
        self.folder = folder
        self.auto = auto
        self._slots = asyncio.Semaphore(parallel)
        self._tasks: dict[tuple[str, str], asyncio.Task[Path | None]] = {}

    def __call__(self, event: TrackerEvent) -> None:
        """Tracker listener: start a download when a task has just completed."""
        if isinstance(event, Changed) and "snapshot" in event.fields and self.wants(event.record):
            self.start(event.record)

    def wants(self, record: TaskRecord) -> bool:
        return (
            self.auto
            and self.folder is not None
            and record.state is TaskState.COMPLETED
            and record.download is DownloadState.NONE
        )

    def start(self, record: TaskRecord, target: Path | None = None) -> asyncio.Task[Path | None]:
        """Download in the background; one download per task at a time."""
        return self._spawn(record, lambda: self._run(record, target))

    def probe_content(self, record: TaskRecord) -> None:
        """A stalled task: try `/content` once; some gateways have the video before the status."""
        if self.folder is not None and record.download is DownloadState.NONE:
            self._spawn(record, lambda: self._probe(record))

    def _spawn(
        self, record: TaskRecord, make: Callable[[], Coroutine[Any, Any, Path | None]]
    ) -> asyncio.Task[Path | None]:
        """Run `make()` for this task unless something already runs for it (then return that)."""
        running = self._tasks.get(record.key)
        if running is not None and not running.done():
            return running
        task = asyncio.get_running_loop().create_task(make())
        self._tasks[record.key] = task
        task.add_done_callback(lambda _t, key=record.key: self._tasks.pop(key, None))
        return task

    async def _probe(self, record: TaskRecord) -> Path | None:
        assert self.folder is not None
        client = self._client_for(record.base_url)
        path = self.folder / file_name_for(record.task_id)
        async with self._slots:
            try:
                await self._fetch_url(client, record, client.content_url(record.task_id), path)
            except (ApiError, DownloadError) as exc:
                log.info("No video yet for stalled task %s: %s", record.task_id, exc)
                return None
        self._tracker.update(
            record.key, download=DownloadState.DONE, file=str(path), download_error=None
        )
        return path

    async def wait_idle(self) -> None:
        """Until every download started so far has ended."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def aclose(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _run(self, record: TaskRecord, target: Path | None) -> Path | None:
        folder = target.parent if target is not None else self.folder
        if folder is None:
            return None
        path = target or folder / file_name_for(record.task_id)
        self._tracker.update(
            record.key,
            download=DownloadState.ACTIVE,
            download_error=None,
            download_progress=None,
        )
        async with self._slots:
            try:
                await self.fetch(record, path)
            except DownloadError as exc:
                self._tracker.update(
                    record.key,
                    download=DownloadState.FAILED,
                    download_error=str(exc),
                    download_progress=None,
                )
                return None
            except asyncio.CancelledError:
                self._tracker.update(
                    record.key, download=DownloadState.NONE, download_progress=None
                )
                raise
        self._tracker.update(
            record.key,
            download=DownloadState.DONE,
            file=str(path),
            download_error=None,
            download_progress=1.0,
        )
        return path

    async def fetch(self, record: TaskRecord, path: Path) -> None:
        """Save the task's video at `path`, trying every way the service offers."""
        client = self._client_for(record.base_url)
        snapshot = record.snapshot
        sources = []
        if snapshot is not None and snapshot.video_url:
            sources.append(snapshot.video_url)
        sources.append(client.content_url(record.task_id))
        reasons: list[str] = []
        index = 0
        while index < len(sources):
            url = sources[index]
            try:
                await self._fetch_with_resume(client, record, url, path)
                return
            except ApiError as exc:
                reasons.append(exc.message)
                if index == 0 and isinstance(exc, AuthError | NotFoundError) and snapshot:
                    fresh = await self._fresh_link(client, record)
                    if fresh and fresh not in sources:
                        sources.insert(1, fresh)
            index += 1
        reason = reasons[-1] if reasons else "no download link"
        raise DownloadError(
            translate("Errors", "The video could not be downloaded: {reason}").format(reason=reason)
        )

    async def _fetch_with_resume(
        self, client: VideoApiClient, record: TaskRecord, url: str, path: Path
    ) -> None:
        for attempt in range(RESUME_ATTEMPTS):
            try:
                await self._fetch_url(client, record, url, path)
                return
            except TransferInterruptedError:
                if attempt == RESUME_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(0.5 * (attempt + 1))
            except ApiError as exc:
                if exc.status != 416 or attempt == RESUME_ATTEMPTS - 1:
                    raise
                _remove(path.with_name(path.name + ".part"))  # the server has no such range

    async def _fresh_link(self, client: VideoApiClient, record: TaskRecord) -> str | None:
        """Re-read the task: an expired link is often replaced by a new one."""
        try:
            snapshot = await client.get_task(record.task_id)
        except ApiError:
            return None
        if snapshot.state is TaskState.COMPLETED:
            self._tracker.set_snapshot(record.key, snapshot)
        return snapshot.video_url

    async def _fetch_url(
        self, client: VideoApiClient, record: TaskRecord, url: str, path: Path, hops: int = 0
    ) -> None:
        part = path.with_name(path.name + ".part")
        offset = part.stat().st_size if part.exists() else 0
        # Identity encoding: the bytes on the wire are the file, so sizes and ranges agree.
        headers = {"Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        # bulk: read in 1 MiB pieces rather than httpx's 64 KiB ones (see api/bulk.py).
        stream = client.stream(url, accept=_ACCEPT_VIDEO, headers=headers, bulk=True)
        async with stream as response:
            content_type = response.headers.get("content-type", "").lower()
            if "json" in content_type:
                link = await self._link_from_json(response)
                if hops >= 2:
                    raise InvalidResponseError(
                        translate("Errors", "The service kept answering with links, not a video.")
                    )
                await self._fetch_url(client, record, link, path, hops + 1)
                return
            resumed = response.status_code == 206 and offset > 0
            total = _expected_size(response, offset if resumed else 0)
            if not resumed and total is not None and _same_file(path, total):
                _remove(part)
                return
            await self._write(record, response, part, total, offset if resumed else 0)
        written = part.stat().st_size
        if total is not None and written != total:
            raise TransferInterruptedError(
                translate(
                    "Errors", "The download was cut short ({written:,} of {total:,} bytes)."
                ).format(written=written, total=total)
            )
        if written == 0:
            _remove(part)
            raise DownloadError(translate("Errors", "The server sent an empty file."))
        os.replace(part, path)

    async def _link_from_json(self, response: httpx.Response) -> str:
        from reelwatch.api.client import decode_json

        data = b""
        async for chunk in response.aiter_bytes():
            data += chunk
            if len(data) > 1024 * 1024:
                raise InvalidResponseError(
                    translate("Errors", "The download answer is too large to be a link.")
                )
        body = decode_json(data, response.headers.get("content-type", ""))
        link = (
            parse_snapshot(body).video_url if isinstance(body, dict) and "status" in body else None
        )
        if link is None and isinstance(body, dict):
            candidate = body.get("video_url") or body.get("url")
            link = candidate if isinstance(candidate, str) else None
        if not link:
            raise InvalidResponseError(
                translate("Errors", "The service answered the download with JSON but no link.")
            )
        return link

    async def _write(
        self,
        record: TaskRecord,
        response: httpx.Response,
        part: Path,
        total: int | None,
        offset: int,
    ) -> None:
        import httpx

        from reelwatch.api.bulk import body_chunks

        try:
            part.parent.mkdir(parents=True, exist_ok=True)
            handle = part.open("ab" if offset else "wb")
        except OSError as exc:
            raise DownloadError(_disk_message(exc, part.parent)) from None
        written = offset
        last_report = 0.0
        try:
            with handle:
                # As it arrives, so a drop keeps what came. From BulkTransport the
                # chunks are views into its buffer: written at once, never kept.
                async for chunk in body_chunks(response):
                    handle.write(chunk)
                    written += len(chunk)
                    now = time.monotonic()
                    if total and now - last_report >= _PROGRESS_EVERY:
                        last_report = now
                        self._tracker.update(record.key, download_progress=written / total)
        except OSError as exc:
            _remove(part)
            raise DownloadError(_disk_message(exc, part.parent)) from None
        except httpx.HTTPError as exc:
            # Keep the part file: the next attempt resumes it with a Range request.
            reason = str(exc) or "connection lost"
            raise TransferInterruptedError(
                translate(
                    "Errors", "The download was interrupted after {written:,} bytes ({reason})."
                ).format(written=written, reason=reason)
            ) from None


def _expected_size(response: httpx.Response, offset: int) -> int | None:
    length = response.headers.get("content-length")
    if length is None or not length.strip().isdigit():
        return None
    return int(length) + offset


def _same_file(path: Path, size: int) -> bool:
    with contextlib.suppress(OSError):
        return path.is_file() and path.stat().st_size == size
    return False


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _disk_message(exc: OSError, folder: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return translate(
            "Errors", "The disk is full; the video could not be saved in {folder}."
        ).format(folder=folder)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return translate(
            "Errors", "The folder {folder} is not writable; choose another download folder."
        ).format(folder=folder)
    return translate("Errors", "The video could not be saved in {folder}: {reason}.").format(
        folder=folder, reason=exc.strerror or exc
    )
