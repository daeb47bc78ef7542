"""One pure function from an answer body to a `TaskSnapshot`.

Implements the normalisation table of the API notes: every shape (gateway
"pending", OpenAI video object, new-api native task), progress as a fraction,
a percent or a ``"45%"`` string, upper-case statuses, and failure signals
that override whatever the status says. Decisions are made by field names,
never by guessing from values. Anything that is not a usable task raises
`InvalidResponseError`; nothing else escapes.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, overload

from reelwatch.api.errors import InvalidResponseError
from reelwatch.i18n import translate


class TaskState(StrEnum):
    """The five states Reelwatch shows, whatever words the service uses."""

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    UNKNOWN = "unknown"

    @property
    def terminal(self) -> bool:
        """A terminal task is never polled again."""
        return self in (TaskState.COMPLETED, TaskState.FAILED)


_QUEUED = {"queued", "submitted", "not_start", "notstarted", "preparing", "created", "starting"}
_RUNNING = {"in_progress", "processing", "preprocessing", "running", "generating"}
_COMPLETED = {"completed", "complete", "succeeded", "success", "finished"}
_FAILED = {"failed", "failure", "fail", "error"}
_ENDED = {"cancelled": "cancelled", "canceled": "cancelled", "expired": "expired"}

_EPOCH_MS_THRESHOLD = 10**12
_SHARED_MAX = 40


@dataclass(frozen=True, slots=True)
class TaskSnapshot:
    """What one answer says about one task. Times are Unix seconds (UTC).

    One is kept per tracked task for as long as the app runs (10,000 tasks are a normal
    list), so it is small on purpose: slots, no dict, and the answer itself (`raw`) kept as
    compact JSON text rather than as the decoded object, which costs four times as much
    memory and is only ever read to show it ("raw JSON") or to store it.
    """

    id: str
    state: TaskState
    raw_status: str
    progress: float | None = None
    video_url: str | None = None
    error: str | None = None
    error_code: str | None = None
    model: str | None = None
    prompt: str | None = None
    size: str | None = None
    seconds: str | None = None
    frames: int | None = None
    created_at: float | None = None
    completed_at: float | None = None
    expires_at: float | None = None
    updated_at: float | None = None
    queue_position: int | None = None
    queue_wait: str | None = None
    raw: str = field(default="{}", compare=False, repr=False)
    """The answer as JSON text. A decoded object (a mapping) is accepted too and turned into
    compact text, for callers that build a snapshot by hand from a dict."""

    def __post_init__(self) -> None:
        if not isinstance(self.raw, str):
            object.__setattr__(self, "raw", compact_json(self.raw))

    def raw_object(self) -> Any:
        """The answer decoded again (a fresh object each call; nothing keeps it)."""
        return json.loads(self.raw)


_COMPACT = json.JSONEncoder(separators=(",", ":"), default=str)


def compact_json(body: Any) -> str:
    """JSON text without the spaces `json.dumps` puts after separators by default.

    One encoder for every call: `json.dumps` with options builds a new one each time, which
    costs more than encoding a task's answer (this runs on every poll).
    """
    return _COMPACT.encode(body)


@overload
def _shared(text: str) -> str: ...
@overload
def _shared(text: None) -> None: ...
def _shared(text: str | None) -> str | None:
    """One string object for the short words that recur in every answer (statuses, model
    and size names): each decoded answer otherwise brings its own copy of each."""
    return sys.intern(text) if text is not None and len(text) <= _SHARED_MAX else text


def normalize_status(raw: str) -> TaskState:
    """Map one raw status word to a state (the table's rows, `pending` aside)."""
    word = raw.strip().lower()
    if word in _QUEUED or word == "pending":
        return TaskState.QUEUED
    if word in _RUNNING:
        return TaskState.RUNNING
    if word in _COMPLETED:
        return TaskState.COMPLETED
    if word in _FAILED or word in _ENDED:
        return TaskState.FAILED
    return TaskState.UNKNOWN


def parse_snapshot(body: Any, raw: str | None = None) -> TaskSnapshot:
    """Turn a decoded JSON body into a snapshot, or raise `InvalidResponseError`.

    `raw` is the body's JSON text when the caller has it already (the store does): it is
    kept as it is instead of being encoded again.
    """
    if not isinstance(body, dict):
        raise InvalidResponseError(
            translate(
                "Errors", "The service answered with a JSON {kind}, not a task object."
            ).format(kind=_json_type(body))
        )
    detail = _obj(body.get("detail"))
    pending = _obj(detail.get("pending_info"))
    inputs = _obj(detail.get("input"))

    task_id = _text(body.get("id")) or _text(detail.get("id"))
    if not task_id:
        raise InvalidResponseError(translate("Errors", "The answer carries no task id."))

    raw_status = _raw_status(body, detail)
    fraction = _progress_fraction(pending.get("progress_pct"))
    progress = fraction if fraction is not None else _progress_percent(body.get("progress"))

    state = normalize_status(raw_status)
    if raw_status.strip().lower() == "pending":
        inner = _text(pending.get("status")) or _text(detail.get("status")) or ""
        if normalize_status(inner) is TaskState.RUNNING or (fraction or 0) > 0:
            state = TaskState.RUNNING

    error, error_code = _failure(body, detail, pending)
    ended = _ENDED.get(raw_status.strip().lower())
    if error is not None:
        state = TaskState.FAILED
    elif state is TaskState.FAILED:
        error = _ended_reason(ended) if ended else None
        error = error or translate("Errors", "The service reported the task as {status}.").format(
            status=raw_status.strip()
        )

    if state is TaskState.COMPLETED and progress is None:
        progress = 100.0

    return TaskSnapshot(
        id=task_id,
        state=state,
        raw_status=_shared(raw_status),
        progress=progress,
        video_url=_video_url(body, detail),
        error=error,
        error_code=_shared(error_code),
        model=_shared(
            _text(body.get("model")) or _model_prefix(task_id) or _text(inputs.get("model"))
        ),
        prompt=(
            _text(body.get("prompt"))
            or _text(inputs.get("prompt"))
            or _text(pending.get("prompt"))
            or _text(body.get("enhanced_prompt"))
        ),
        size=_shared(_text(body.get("size")) or _dimensions(pending)),
        seconds=_shared(_number_text(body.get("seconds"))),
        frames=_int(pending.get("n_frames")),
        created_at=_epoch(body.get("created_at")) or _epoch(pending.get("created_at")),
        completed_at=_epoch(body.get("completed_at")),
        expires_at=_epoch(body.get("expires_at")),
        updated_at=_epoch(body.get("status_update_time")) or _epoch(body.get("updated_at")),
        queue_position=_int(pending.get("progress_pos_in_queue"))
        if "progress_pos_in_queue" in pending
        else _int(body.get("progress_pos_in_queue")),
        queue_wait=_number_text(pending.get("estimated_queue_wait_time"))
        or _number_text(body.get("estimated_queue_wait_time")),
        raw=raw if raw is not None else compact_json(body),
    )


def _raw_status(body: dict[str, Any], detail: dict[str, Any]) -> str:
    for value in (body.get("status"), detail.get("status")):
        if isinstance(value, str) and value.strip():
            return value
    value = body.get("status", detail.get("status"))
    if value is None:
        raise InvalidResponseError(translate("Errors", "The answer carries no status."))
    raise InvalidResponseError(
        translate("Errors", "The status {value} is not text.").format(value=_short(value))
    )


def _failure(
    body: dict[str, Any], detail: dict[str, Any], pending: dict[str, Any]
) -> tuple[str | None, str | None]:
    """The reason a task failed, whatever its status says, and the error code."""
    error = body.get("error")
    code: str | None = None
    if isinstance(error, dict):
        code = _text(error.get("code"))
        message = _text(error.get("message"))
        if message or code:
            reported = translate("Errors", "The service reported error {code}.").format(code=code)
            return message or reported, code
    elif isinstance(error, str) and error.strip():
        return error.strip(), None
    for reason in (
        pending.get("failure_reason"),
        body.get("fail_reason"),
        detail.get("failure_reason"),
    ):
        if isinstance(reason, str) and reason.strip():
            return reason.strip(), code
        if reason not in (None, "", False):
            failure = translate("Errors", "The service reported a failure: {reason}.")
            return failure.format(reason=_short(reason)), code
    moderation = _obj(pending.get("moderation_result"))
    verdict = _text(moderation.get("type"))
    if moderation.get("is_output_rejection") is True:
        rejected = translate("Errors", "The finished video was rejected by moderation.")
        return rejected, _text(moderation.get("code"))
    if verdict and verdict.lower() != "passed":
        mod_code = _text(moderation.get("code"))
        blocked = translate("Errors", "Blocked by moderation ({verdict}).").format(verdict=verdict)
        return blocked, mod_code or code
    return None, code


def _progress_fraction(value: Any) -> float | None:
    """`progress_pct` of the gateway shape: a fraction 0–1 (a percent if above 1)."""
    number = _progress_number(value, "progress_pct")
    if number is None:
        return None
    return _clamp(number * 100.0 if number <= 1.0 else number)


def _progress_percent(value: Any) -> float | None:
    """`progress` of the OpenAI and new-api shapes: 0–100, as a number or `"45%"`."""
    number = _progress_number(value, "progress")
    return None if number is None else _clamp(number)


def _not_a_number(name: str, value: Any) -> InvalidResponseError:
    return InvalidResponseError(
        translate("Errors", "The {name} value {value} is not a number.").format(
            name=name, value=_short(value)
        )
    )


def _ended_reason(word: str) -> str:
    """The reason shown for a cancelled or expired task."""
    if word == "expired":
        return translate("Errors", "expired")
    return translate("Errors", "cancelled")


def _progress_number(value: Any, name: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _not_a_number(name, value)
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().removesuffix("%").strip())
        except ValueError:
            raise _not_a_number(name, value) from None
    else:
        raise _not_a_number(name, value)
    if not math.isfinite(number):
        raise _not_a_number(name, value)
    return number


def _clamp(percent: float) -> float:
    return min(100.0, max(0.0, percent))


def _video_url(body: dict[str, Any], detail: dict[str, Any]) -> str | None:
    metadata = _obj(body.get("metadata"))
    for value in (
        body.get("video_url"),
        metadata.get("url"),
        detail.get("video_url"),
        body.get("url"),
    ):
        url = _text(value)
        if url and url.lower().startswith(("https://", "http://")):
            return url
    return None


def _model_prefix(task_id: str) -> str | None:
    """`sora-2:task_…` names its model before the colon."""
    prefix, sep, _ = task_id.partition(":")
    return prefix if sep and prefix else None


def _dimensions(pending: dict[str, Any]) -> str | None:
    width, height = _int(pending.get("width")), _int(pending.get("height"))
    return f"{width}x{height}" if width and height else None


def _epoch(value: Any) -> float | None:
    """Unix seconds from seconds, milliseconds (above 10^12) or ISO 8601 text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = float(text)
        except ValueError:
            try:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return None
            if parsed.tzinfo is None:
                return None
            return parsed.timestamp()
    if isinstance(value, int | float) and math.isfinite(value) and value > 0:
        seconds = float(value) / 1000.0 if value > _EPOCH_MS_THRESHOLD else float(value)
        return seconds if seconds < 32503680000 else None
    return None


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    return None


def _number_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float) and math.isfinite(value):
        return f"{value:g}"
    return _text(value)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return type(value).__name__


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
