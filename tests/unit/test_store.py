"""SQLite persistence: round trip, batching, corruption recovery, migrations."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from reelwatch.api.snapshot import TaskState, parse_snapshot
from reelwatch.engine.store import SCHEMA_VERSION, StoreError, StoreWriter, TaskStore
from reelwatch.engine.tracker import DownloadState, Tracker

BASE = "https://api.example.com"


def test_round_trip_keeps_everything_a_user_tracked(tmp_path: Path) -> None:
    store = TaskStore(tmp_path / "tasks.sqlite3")
    tracker = Tracker()
    tracker.subscribe(writer := StoreWriter(store))
    tracker.add(["video_first1", "video_second"], BASE)
    body = {
        "id": "video_first1",
        "status": "completed",
        "video_url": "https://cdn.example.com/a.mp4",
    }
    tracker.set_snapshot((BASE, "video_first1"), parse_snapshot(body))
    tracker.update((BASE, "video_first1"), file="/videos/a.mp4", download=DownloadState.DONE)
    writer.flush()
    store.close()

    reopened = TaskStore(tmp_path / "tasks.sqlite3")
    records = reopened.load()
    assert [r.task_id for r in records] == ["video_first1", "video_second"]
    first = records[0]
    assert first.state is TaskState.COMPLETED
    assert first.snapshot.video_url == "https://cdn.example.com/a.mp4"
    assert (first.file, first.download) == ("/videos/a.mp4", DownloadState.DONE)
    assert records[1].snapshot is None
    assert reopened.recovered_from is None


def test_wal_mode_and_schema_version(tmp_path: Path) -> None:
    TaskStore(tmp_path / "t.sqlite3").close()
    db = sqlite3.connect(tmp_path / "t.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_additions_are_written_at_once_changes_batched(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"

    async def go():
        store = TaskStore(path)
        tracker = Tracker()
        tracker.subscribe(StoreWriter(store, delay=0.2))
        tracker.add(["video_abcdef"], BASE)
        assert [r.task_id for r in TaskStore(path).load()] == ["video_abcdef"]
        tracker.set_snapshot(
            (BASE, "video_abcdef"), parse_snapshot({"id": "video_abcdef", "status": "queued"})
        )
        assert TaskStore(path).load()[0].snapshot is None  # not yet: batched
        await asyncio.sleep(0.35)
        assert TaskStore(path).load()[0].snapshot.state is TaskState.QUEUED
        tracker.remove([(BASE, "video_abcdef")])
        assert TaskStore(path).load() == []

    asyncio.run(go())


def test_interrupted_download_is_not_remembered_as_active(tmp_path: Path) -> None:
    store = TaskStore(tmp_path / "t.sqlite3")
    tracker = Tracker()
    tracker.subscribe(writer := StoreWriter(store))
    tracker.add(["video_abcdef"], BASE)
    tracker.update((BASE, "video_abcdef"), download=DownloadState.ACTIVE)
    writer.flush()
    assert store.load()[0].download is DownloadState.NONE


def test_corrupt_file_is_moved_aside_and_a_fresh_one_started(tmp_path: Path) -> None:
    path = tmp_path / "tasks.sqlite3"
    path.write_bytes(b"this is not a database, it is garbage" * 100)
    store = TaskStore(path)
    assert store.recovered_from is not None
    assert store.recovered_from.name.startswith("tasks.sqlite3.corrupt-")
    assert store.recovered_from.read_bytes().startswith(b"this is not a database")
    assert store.load() == []
    store.insert(Tracker().add(["video_abcdef"], BASE).added)
    assert len(store.load()) == 1


def test_newer_schema_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(StoreError, match="newer Reelwatch"):
        TaskStore(path)


def test_stored_garbage_snapshot_loads_as_unknown(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    store = TaskStore(path)
    store.insert(Tracker().add(["video_abcdef"], BASE).added)
    store._db.execute("UPDATE tasks SET snapshot = '{not json'")
    assert store.load()[0].snapshot is None


def test_is_empty(tmp_path: Path) -> None:
    store = TaskStore(tmp_path / "t.sqlite3")
    assert store.is_empty()
    store.insert(Tracker().add(["video_abcdef"], BASE).added)
    assert not store.is_empty()


def test_loaded_records_are_small_and_share_what_they_can(tmp_path: Path) -> None:
    store = TaskStore(tmp_path / "tasks.sqlite3")
    tracker = Tracker()
    tracker.subscribe(writer := StoreWriter(store))
    tracker.add(["video_share01", "video_share02"], BASE)
    for task_id in ("video_share01", "video_share02"):
        body = {"id": task_id, "status": "in_progress", "progress": 10, "prompt": "a cat"}
        tracker.set_snapshot((BASE, task_id), parse_snapshot(body))
    writer.flush()
    store.close()

    first, second = TaskStore(tmp_path / "tasks.sqlite3").load()
    assert not hasattr(first, "__dict__")  # slots: no dict per record
    assert first.base_url is second.base_url  # one URL string, not one per row
    assert first.task_id is first.snapshot.id  # one id string, not two equal ones
    assert isinstance(first.snapshot.raw, str)  # the stored JSON text, not a decoded dict
    assert first.snapshot.raw_object()["prompt"] == "a cat"
