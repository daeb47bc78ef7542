"""How tasks look in a terminal: JSON Lines for scripts, tables and bars for people."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from typing import Any, TextIO

from reelwatch.api.snapshot import TaskSnapshot
from reelwatch.engine.tracker import TaskRecord


def iso_utc(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat().replace("+00:00", "Z")


def task_fields(
    task_id: str, snapshot: TaskSnapshot | None, query_error: str | None
) -> dict[str, Any]:
    """The fields of `status --json`: a contract scripts rely on."""
    return {
        "id": task_id,
        "state": snapshot.state.value if snapshot else None,
        "progress": _round(snapshot.progress) if snapshot else None,
        "raw_status": snapshot.raw_status if snapshot else None,
        "video_url": snapshot.video_url if snapshot else None,
        "error": snapshot.error if snapshot else None,
        "query_error": query_error,
        "model": snapshot.model if snapshot else None,
        "prompt": snapshot.prompt if snapshot else None,
        "updated_at": iso_utc(snapshot.updated_at or snapshot.completed_at) if snapshot else None,
    }


def record_fields(record: TaskRecord) -> dict[str, Any]:
    """`status --json` fields plus where the video is and where the task lives."""
    fields = task_fields(record.task_id, record.snapshot, record.query_error)
    fields["file"] = record.file
    fields["base_url"] = record.base_url
    fields["added_at"] = iso_utc(record.added_at)
    return fields


def json_line(fields: dict[str, Any]) -> str:
    return json.dumps(fields, ensure_ascii=False, separators=(", ", ": "))


def _round(progress: float | None) -> float | None:
    return None if progress is None else round(progress, 2)


def progress_text(progress: float | None) -> str:
    return "" if progress is None else f"{progress:.0f}%"


def bar(progress: float | None, width: int = 20) -> str:
    if progress is None:
        return "[" + "·" * width + "]"
    filled = round(width * progress / 100.0)
    return "[" + "█" * filled + "·" * (width - filled) + "]"


def detail_text(snapshot: TaskSnapshot | None, query_error: str | None, file: str | None) -> str:
    if query_error:
        return query_error
    if snapshot is None:
        return "waiting for the first answer"
    if snapshot.error:
        return snapshot.error
    if file:
        return file
    if snapshot.video_url:
        return snapshot.video_url
    if snapshot.queue_position is not None:
        return f"position {snapshot.queue_position} in queue"
    return snapshot.prompt or ""


def table(rows: list[tuple[str, ...]], headers: tuple[str, ...]) -> str:
    """A plain aligned table; the last column is cut to the terminal width."""
    columns = shutil.get_terminal_size((120, 24)).columns
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    widths = [min(w, 48) for w in widths[:-1]] + [widths[-1]]
    lines = []
    for row in [headers, *rows]:
        cells = [_fit(cell, widths[i]) for i, cell in enumerate(row[:-1])]
        line = "  ".join([*cells, row[-1]])
        if len(line) > columns:
            line = line[: columns - 1] + "…"
        lines.append(line.rstrip())
    return "\n".join(lines)


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


class LiveTable:
    """Redraws a block of lines in place on a terminal (watch's progress bars)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lines = 0

    def draw(self, text: str) -> None:
        if self._lines:
            self._stream.write(f"\x1b[{self._lines}F\x1b[J")
        self._stream.write(text + "\n")
        self._stream.flush()
        self._lines = text.count("\n") + 1
