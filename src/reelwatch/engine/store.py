"""SQLite persistence of the tracked tasks.

WAL mode, one transaction per write, a schema version in ``user_version`` with
migrations. Additions and removals are written at once (a task the user added
survives a crash a moment later); snapshot updates are batched by
`StoreWriter`, since a poll that changes nothing should cost no disk write. A
file that is not a readable database is moved aside with a timestamp and a
fresh one is started; `recovered_from` tells the UI so it can say so.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from reelwatch.api.errors import InvalidResponseError
from reelwatch.api.snapshot import parse_snapshot
from reelwatch.engine.poller import TaskKey
from reelwatch.engine.tracker import (
    Added,
    Changed,
    DownloadState,
    Removed,
    TaskRecord,
    TrackerEvent,
)
from reelwatch.i18n import translate
from reelwatch.redact import redact

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

_MIGRATIONS: dict[int, list[str]] = {
    1: [
        """
    CREATE TABLE tasks (
        base_url TEXT NOT NULL,
        task_id TEXT NOT NULL,
        added_at REAL NOT NULL,
        snapshot TEXT,
        query_error TEXT,
        file TEXT,
        download TEXT NOT NULL DEFAULT 'none',
        download_error TEXT,
        PRIMARY KEY (base_url, task_id)
    )
    """
    ],
}

_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB

_COLUMNS = "base_url, task_id, added_at, snapshot, query_error, file, download, download_error"


class StoreError(Exception):
    """The database could not be opened or written; the message is for the user."""


class TaskStore:
    """The tasks table of one database file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.recovered_from: Path | None = None
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorcode", None) not in _CORRUPT_CODES:
                raise StoreError(
                    translate(
                        "Errors", "The task list {path} could not be opened ({reason})."
                    ).format(path=path, reason=exc)
                ) from exc
            log.warning("Database %s unreadable (%s); starting a fresh one", path, exc)
            self.recovered_from = self._move_aside()
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA busy_timeout=2000")
            self._migrate(db)
            db.execute("SELECT count(*) FROM tasks").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                translate(
                    "Errors",
                    "The task database was written by a newer Reelwatch (schema {version}).",
                ).format(version=version)
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with _transaction(db):
                for statement in _MIGRATIONS[target]:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {target}")

    def _move_aside(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(self.path) + suffix)
            if source.exists():
                source.replace(Path(str(aside) + suffix))
        return aside

    def load(self) -> list[TaskRecord]:
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM tasks ORDER BY added_at, rowid")
        # sqlite3 returns a new string per row: every record would carry its own copy of
        # the same service URL. One object per distinct URL instead.
        urls: dict[str, str] = {}
        return [_record_from_row(row, urls) for row in rows]

    def is_empty(self) -> bool:
        """Whether no task is stored (without reading and parsing them all)."""
        return self._db.execute("SELECT 1 FROM tasks LIMIT 1").fetchone() is None

    def insert(self, records: Iterable[TaskRecord]) -> None:
        self._write(
            "INSERT OR IGNORE INTO tasks (" + _COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [_row(record) for record in records],
        )

    def save(self, records: Iterable[TaskRecord]) -> None:
        self._write(
            "UPDATE tasks SET snapshot = ?, query_error = ?, file = ?, download = ?, "
            "download_error = ? WHERE base_url = ? AND task_id = ?",
            [(*_row(record)[3:], record.base_url, record.task_id) for record in records],
        )

    def delete(self, keys: Iterable[TaskKey]) -> None:
        self._write("DELETE FROM tasks WHERE base_url = ? AND task_id = ?", list(keys))

    def _write(self, sql: str, rows: list[tuple[object, ...]]) -> None:
        if not rows:
            return
        try:
            with _transaction(self._db):
                self._db.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise StoreError(
                translate("Errors", "Could not save the task list ({reason}).").format(reason=exc)
            ) from exc

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection):  # type: ignore[no-untyped-def]
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _row(record: TaskRecord) -> tuple[object, ...]:
    """The record as a row; every text the server wrote is redacted (it may echo the key)."""
    snapshot = redact(record.snapshot.raw) if record.snapshot is not None else None
    download = record.download
    if download is DownloadState.ACTIVE:
        download = DownloadState.NONE  # an interrupted download starts again next time
    return (
        record.base_url,
        record.task_id,
        record.added_at,
        snapshot,
        redact(record.query_error) if record.query_error else None,
        record.file,
        download.value,
        redact(record.download_error) if record.download_error else None,
    )


def _record_from_row(row: tuple[object, ...], urls: dict[str, str]) -> TaskRecord:
    base_url, task_id, added_at, snapshot_json, query_error, file, download, download_error = row
    snapshot = None
    if isinstance(snapshot_json, str):
        try:
            # The stored text is kept as the snapshot's `raw` (it is the redacted answer).
            snapshot = parse_snapshot(json.loads(snapshot_json), raw=snapshot_json)
        except (InvalidResponseError, ValueError, RecursionError):
            snapshot = None
    try:
        state = DownloadState(str(download))
    except ValueError:
        state = DownloadState.NONE
    task_id = str(task_id)
    if snapshot is not None and snapshot.id == task_id:
        task_id = snapshot.id  # one string for both, not two equal ones
    base_url = urls.setdefault(str(base_url), str(base_url))
    return TaskRecord(
        task_id=task_id,
        base_url=base_url,
        added_at=float(added_at),  # type: ignore[arg-type]
        snapshot=snapshot,
        query_error=query_error if isinstance(query_error, str) else None,
        file=file if isinstance(file, str) else None,
        download=state,
        download_error=download_error if isinstance(download_error, str) else None,
    )


class StoreWriter:
    """Keeps the store in step with the tracker: adds and removes at once, changes batched."""

    PERSISTED = frozenset({"snapshot", "query_error", "file", "download", "download_error"})

    def __init__(self, store: TaskStore, delay: float = 0.5) -> None:
        self.store = store
        self._delay = delay
        self._dirty: dict[TaskKey, TaskRecord] = {}
        self._handle: asyncio.TimerHandle | None = None
        self.last_error: str | None = None

    def __call__(self, event: TrackerEvent) -> None:
        if isinstance(event, Added):
            if not event.loaded:
                self._guard(self.store.insert, event.records)
        elif isinstance(event, Removed):
            for record in event.records:
                self._dirty.pop(record.key, None)
            self._guard(self.store.delete, [record.key for record in event.records])
        elif isinstance(event, Changed) and event.fields & self.PERSISTED:
            self._dirty[event.record.key] = event.record
            self._schedule()

    def _schedule(self) -> None:
        if self._handle is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        self._handle = loop.call_later(self._delay, self.flush)

    def flush(self) -> None:
        """Write every pending change now (on quit, and after the batching delay)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        pending, self._dirty = list(self._dirty.values()), {}
        self._guard(self.store.save, pending)

    def _guard(self, write, records) -> None:  # type: ignore[no-untyped-def]
        try:
            write(records)
            self.last_error = None
        except StoreError as exc:
            self.last_error = str(exc)
            log.error("%s", exc)
