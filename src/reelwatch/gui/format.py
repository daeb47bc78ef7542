"""Words and numbers for the window: durations, ages, countdowns, short ids.

Kept apart from the widgets so the model, the preview details and the tray all
say the same thing the same way.
"""

from __future__ import annotations

import time
from datetime import datetime

from reelwatch.api.snapshot import TaskState
from reelwatch.engine.tracker import DownloadState, TaskRecord
from reelwatch.i18n import translate


def short_id(task_id: str, limit: int = 22) -> str:
    """`sora-2:task_01k6x15v…zhm60`: the start and the end are what people compare."""
    if len(task_id) <= limit:
        return task_id
    head = limit - 7
    return f"{task_id[:head]}…{task_id[-6:]}"


def duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return translate("Format", "{s} s").format(s=seconds)
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return translate("Format", "{m} min {s:02d} s").format(m=minutes, s=secs)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return translate("Format", "{h} h {m:02d} min").format(h=hours, m=minutes)
    return translate("Format", "{d} days").format(d=hours // 24)


def ago(epoch: float | None, now: float | None = None) -> str:
    """Compact on purpose: it sits in a narrow column and changes every second."""
    if epoch is None:
        return ""
    delta = int((now or time.time()) - epoch)
    if delta < 5:
        return translate("Format", "just now")
    if delta < 60:
        return translate("Format", "{s} s ago").format(s=delta)
    if delta < 3600:
        return translate("Format", "{m} min ago").format(m=delta // 60)
    if delta < 48 * 3600:
        return translate("Format", "{h} h ago").format(h=delta // 3600)
    return translate("Format", "{d} days ago").format(d=delta // 86400)


def timestamp(epoch: float | None) -> str:
    if epoch is None:
        return ""
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M:%S")


def state_label(state: TaskState | None) -> str:
    labels = {
        None: translate("Format", "Waiting"),
        TaskState.QUEUED: translate("Format", "Queued"),
        TaskState.RUNNING: translate("Format", "Running"),
        TaskState.COMPLETED: translate("Format", "Completed"),
        TaskState.FAILED: translate("Format", "Failed"),
        TaskState.UNKNOWN: translate("Format", "Unknown"),
    }
    return labels[state]


def elapsed_seconds(record: TaskRecord, now: float | None = None) -> float:
    """From the job's creation (or when it was added) to its completion, or until now."""
    snapshot = record.snapshot
    start = (snapshot.created_at if snapshot else None) or record.added_at
    end = snapshot.completed_at if snapshot else None
    if end is None and record.terminal:
        end = record.last_polled_at or (snapshot.updated_at if snapshot else None)
    return max(0.0, (end or now or time.time()) - start)


def queue_text(record: TaskRecord) -> str:
    snapshot = record.snapshot
    if snapshot is None or snapshot.state.terminal:
        return ""
    if snapshot.queue_position is not None:
        return translate("Format", "#{n} in queue").format(n=snapshot.queue_position)
    if snapshot.queue_wait:
        return translate("Format", "wait {w}").format(w=snapshot.queue_wait)
    return ""


def expiry_text(expires_at: float | None, now: float | None = None) -> str:
    if expires_at is None:
        return ""
    left = expires_at - (now or time.time())
    if left <= 0:
        return translate("Format", "link expired")
    return translate("Format", "link expires in {d}").format(d=duration(left))


def result_text(record: TaskRecord, now: float | None = None) -> str:
    """The last column: what the user can do with this task now."""
    snapshot = record.snapshot
    if record.download is DownloadState.ACTIVE:
        if record.download_progress is not None:
            return translate("Format", "Downloading {p:.0f}%").format(
                p=record.download_progress * 100
            )
        return translate("Format", "Downloading…")
    if snapshot is not None and snapshot.state is TaskState.FAILED:
        return translate("Format", "Failed: {reason}").format(
            reason=snapshot.error or snapshot.raw_status
        )
    if record.query_error:
        return translate("Format", "Check failed: {reason}").format(reason=record.query_error)
    if snapshot is None or snapshot.state is not TaskState.COMPLETED:
        return ""
    if record.download is DownloadState.DONE and record.file:
        return translate("Format", "Saved")
    if record.download is DownloadState.FAILED:
        return translate("Format", "Not saved: {reason}").format(reason=record.download_error or "")
    expiry = expiry_text(snapshot.expires_at, now)
    if snapshot.video_url:
        return (
            translate("Format", "Ready · {expiry}").format(expiry=expiry)
            if expiry
            else translate("Format", "Ready")
        )
    return translate("Format", "Ready (download from the service)")


def detail_rows(record: TaskRecord, now: float | None = None) -> list[tuple[str, str]]:
    """Label/value pairs for the details pane of a task; empty values are left out."""
    snapshot = record.snapshot
    rows: list[tuple[str, str]] = [
        (translate("Format", "Task"), record.task_id),
        (translate("Format", "Service"), record.base_url),
        (
            translate("Format", "State"),
            state_label(record.state) + (f" ({snapshot.raw_status})" if snapshot else ""),
        ),
    ]
    if snapshot is not None:
        if snapshot.progress is not None:
            rows.append((translate("Format", "Progress"), f"{snapshot.progress:.1f}%"))
        rows += [
            (translate("Format", "Model"), snapshot.model or ""),
            (translate("Format", "Prompt"), snapshot.prompt or ""),
            (translate("Format", "Size"), snapshot.size or ""),
            (
                translate("Format", "Duration"),
                translate("Format", "{s} s").format(s=snapshot.seconds)
                if snapshot.seconds
                else (
                    translate("Format", "{n} frames").format(n=snapshot.frames)
                    if snapshot.frames
                    else ""
                ),
            ),
            (translate("Format", "Queue"), queue_text(record)),
            (translate("Format", "Created"), timestamp(snapshot.created_at)),
            (translate("Format", "Completed"), timestamp(snapshot.completed_at)),
            (translate("Format", "Link expires"), expiry_text(snapshot.expires_at, now)),
            (translate("Format", "Error"), snapshot.error or ""),
            (translate("Format", "Video link"), snapshot.video_url or ""),
        ]
    rows += [
        (translate("Format", "Added"), timestamp(record.added_at)),
        (translate("Format", "Elapsed"), duration(elapsed_seconds(record, now))),
        (translate("Format", "Last checked"), ago(record.last_polled_at, now)),
        (
            translate("Format", "Next check"),
            translate("Format", "in {d}").format(d=duration(record.next_poll_in))
            if record.next_poll_in is not None and not record.terminal
            else "",
        ),
        (translate("Format", "Last check failed"), record.query_error or ""),
        (
            translate("Format", "Download"),
            result_text(record, now) if record.download is not DownloadState.NONE else "",
        ),
        (translate("Format", "File"), record.file or ""),
    ]
    return [(label, value) for label, value in rows if value]


def video_summary(record: TaskRecord) -> str:
    """A few lines under a playing video: what was asked for, by which model, where it is."""
    snapshot = record.snapshot
    lines: list[str] = []
    if snapshot is not None:
        if snapshot.prompt:
            lines.append(snapshot.prompt)
        facts = [snapshot.model, snapshot.size]
        if snapshot.seconds:
            facts.append(translate("Format", "{s} s").format(s=snapshot.seconds))
        if snapshot.completed_at:
            facts.append(timestamp(snapshot.completed_at))
        lines.append(" · ".join(fact for fact in facts if fact))
    if record.file:
        lines.append(record.file)
    return "\n".join(line for line in lines if line)
