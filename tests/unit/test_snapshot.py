"""The normalisation table, row by row, and both examples of the seed specification."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reelwatch.api.errors import InvalidResponseError
from reelwatch.api.snapshot import TaskSnapshot, TaskState, normalize_status, parse_snapshot

SEED_PENDING = {
    "id": "sora-2:task_01k6x15vhrff09dkkqjrzwhm60",
    "detail": {
        "id": "task_01k6x15vhrff09dkkqjrzwhm60",
        "input": {"size": "small", "model": "sy_ore", "prompt": "make animate"},
        "status": "pending",
        "pending_info": {
            "id": "task_01k6x15vhrff09dkkqjrzwhm60",
            "width": 352,
            "height": 640,
            "prompt": "make animate",
            "status": "processing",
            "n_frames": 450,
            "created_at": "2025-10-06T15:10:26.875729Z",
            "progress_pct": 0.9302178175176704,
            "failure_reason": None,
            "moderation_result": {
                "code": None,
                "type": "passed",
                "task_id": "task_01k6x15vhrff09dkkqjrzwhm60",
                "is_output_rejection": False,
                "results_by_frame_index": {},
            },
            "progress_pos_in_queue": None,
            "estimated_queue_wait_time": None,
        },
    },
    "status": "pending",
    "status_update_time": 1759763621142,
}

SEED_COMPLETED = {
    "id": "video_5c6a605a-30c0-4a6a-9dbd-d1d6cfdd9980",
    "size": "1280x720",
    "model": "sora-2",
    "object": "video",
    "status": "completed",
    "seconds": "10",
    "progress": 100,
    "video_url": "https://midjourney-plus.oss-us-west-1.aliyuncs.com/sora/cc4fb429-22a5-4747-a6f9-a6badccf8f42.mp4",
    "created_at": 1761622232,
    "completed_at": 1761622385,
}


def test_seed_pending_example_is_running_at_93_percent() -> None:
    snap = parse_snapshot(SEED_PENDING)
    assert snap.id == "sora-2:task_01k6x15vhrff09dkkqjrzwhm60"
    assert snap.state is TaskState.RUNNING
    assert snap.raw_status == "pending"
    assert snap.progress == pytest.approx(93.02178, abs=1e-4)
    assert snap.prompt == "make animate"
    assert snap.model == "sora-2"
    assert snap.size == "352x640"
    assert snap.frames == 450
    assert snap.error is None
    assert snap.video_url is None
    assert snap.updated_at == pytest.approx(1759763621.142)
    assert snap.created_at == pytest.approx(1759763426.875729)


def test_seed_completed_example() -> None:
    snap = parse_snapshot(SEED_COMPLETED)
    assert snap.state is TaskState.COMPLETED
    assert snap.progress == 100.0
    assert snap.video_url == SEED_COMPLETED["video_url"]
    assert (snap.size, snap.seconds, snap.model) == ("1280x720", "10", "sora-2")
    assert (snap.created_at, snap.completed_at) == (1761622232, 1761622385)


@pytest.mark.parametrize(
    ("raw", "state"),
    [
        *[(w, TaskState.QUEUED) for w in ("queued", "submitted", "not_start", "notstarted")],
        *[(w, TaskState.QUEUED) for w in ("preparing", "created", "starting", "pending")],
        *[(w, TaskState.RUNNING) for w in ("in_progress", "processing", "preprocessing")],
        *[(w, TaskState.RUNNING) for w in ("running", "generating")],
        *[(w, TaskState.COMPLETED) for w in ("completed", "complete", "succeeded", "success")],
        ("finished", TaskState.COMPLETED),
        *[(w, TaskState.FAILED) for w in ("failed", "failure", "fail", "error")],
        *[(w, TaskState.FAILED) for w in ("cancelled", "canceled", "expired")],
        *[(w, TaskState.UNKNOWN) for w in ("unknown", "paused", "weird_new_state")],
        ("  SUCCESS ", TaskState.COMPLETED),
        ("IN_PROGRESS", TaskState.RUNNING),
        ("NOT_START", TaskState.QUEUED),
        ("FAILURE", TaskState.FAILED),
    ],
)
def test_status_table(raw: str, state: TaskState) -> None:
    assert normalize_status(raw) is state
    snap = parse_snapshot({"id": "task_abcdef12", "status": raw})
    assert snap.state is state
    assert snap.raw_status == raw


@pytest.mark.parametrize(
    ("word", "reason"),
    [("cancelled", "cancelled"), ("canceled", "cancelled"), ("expired", "expired")],
)
def test_cancelled_and_expired_fail_with_their_reason(word: str, reason: str) -> None:
    snap = parse_snapshot({"id": "video_abc123", "status": word})
    assert snap.state is TaskState.FAILED
    assert snap.error == reason


def test_unknown_status_is_not_terminal_and_keeps_raw() -> None:
    snap = parse_snapshot({"id": "video_abc123", "status": "Thinking"})
    assert snap.state is TaskState.UNKNOWN
    assert not snap.state.terminal
    assert snap.raw_status == "Thinking"


def test_pending_without_progress_is_queued() -> None:
    body = json.loads(json.dumps(SEED_PENDING))
    body["detail"]["pending_info"]["status"] = "queued"
    body["detail"]["pending_info"]["progress_pct"] = None
    body["detail"]["status"] = "pending"
    snap = parse_snapshot(body)
    assert snap.state is TaskState.QUEUED
    assert snap.progress is None


def test_pending_with_progress_is_running_even_if_inner_word_is_not() -> None:
    body = json.loads(json.dumps(SEED_PENDING))
    body["detail"]["pending_info"]["status"] = "queued"
    body["detail"]["pending_info"]["progress_pct"] = 0.1
    assert parse_snapshot(body).state is TaskState.RUNNING


@pytest.mark.parametrize(
    ("progress", "expected"),
    [
        (45, 45.0),
        (0, 0.0),
        (100, 100.0),
        ("45%", 45.0),
        ("45", 45.0),
        (" 7.5 % ", 7.5),
        (150, 100.0),
        (-3, 0.0),
    ],
)
def test_percent_progress_forms(progress: object, expected: float) -> None:
    snap = parse_snapshot({"id": "task_abcdefgh", "status": "IN_PROGRESS", "progress": progress})
    assert snap.progress == expected


def test_fraction_progress_is_scaled() -> None:
    body = {
        "id": "x:task_abcdefgh",
        "status": "pending",
        "detail": {"pending_info": {"progress_pct": 0.5}},
    }
    assert parse_snapshot(body).progress == 50.0


@pytest.mark.parametrize("progress", ["abc", True, [1], {"a": 1}, float("nan")])
def test_progress_of_the_wrong_type_is_invalid(progress: object) -> None:
    with pytest.raises(InvalidResponseError, match="progress"):
        parse_snapshot({"id": "task_abcdefgh", "status": "queued", "progress": progress})


def test_new_api_native_task() -> None:
    body = {
        "id": "task_0123456789abcdef0123456789abcdef",
        "status": "SUCCESS",
        "progress": "100%",
        "metadata": {"url": "https://cdn.example.com/v.mp4"},
    }
    snap = parse_snapshot(body)
    assert snap.state is TaskState.COMPLETED
    assert snap.video_url == "https://cdn.example.com/v.mp4"


@pytest.mark.parametrize(
    ("patch", "reason"),
    [
        (
            {"error": {"code": "moderation_blocked", "message": "Blocked by policy"}},
            "Blocked by policy",
        ),
        ({"error": {"code": "sentinel_block", "message": None}}, "sentinel_block"),
        ({"error": "upstream exploded"}, "upstream exploded"),
    ],
)
def test_error_object_overrides_status(patch: dict, reason: str) -> None:
    snap = parse_snapshot({"id": "video_abc123", "status": "in_progress", "progress": 40, **patch})
    assert snap.state is TaskState.FAILED
    assert reason in (snap.error or "")


def test_failure_reason_and_moderation_override_status() -> None:
    body = json.loads(json.dumps(SEED_PENDING))
    body["detail"]["pending_info"]["failure_reason"] = "GPU on fire"
    snap = parse_snapshot(body)
    assert (snap.state, snap.error) == (TaskState.FAILED, "GPU on fire")

    body = json.loads(json.dumps(SEED_PENDING))
    body["detail"]["pending_info"]["moderation_result"]["type"] = "terminal"
    snap = parse_snapshot(body)
    assert snap.state is TaskState.FAILED
    assert "moderation" in (snap.error or "")

    body = json.loads(json.dumps(SEED_PENDING))
    body["detail"]["pending_info"]["moderation_result"]["is_output_rejection"] = True
    snap = parse_snapshot(body)
    assert snap.state is TaskState.FAILED
    assert "rejected" in (snap.error or "")


def test_error_message_wins_over_failure_reason() -> None:
    body = json.loads(json.dumps(SEED_PENDING))
    body["detail"]["pending_info"]["failure_reason"] = "reason"
    body["error"] = {"message": "message", "code": "x"}
    assert parse_snapshot(body).error == "message"


def test_null_error_does_not_fail() -> None:
    snap = parse_snapshot({"id": "video_abc123", "status": "completed", "error": None})
    assert snap.state is TaskState.COMPLETED


def test_completed_without_result_stays_completed_without_url() -> None:
    # Delivery is the downloader's job: it tries /content and reports a failure to deliver.
    snap = parse_snapshot({"id": "video_abc123", "status": "completed", "progress": 100})
    assert snap.state is TaskState.COMPLETED
    assert snap.video_url is None


@pytest.mark.parametrize(
    "body",
    [
        [],
        7,
        "text",
        None,
        {"status": "queued"},
        {"id": "video_abc", "status": None},
        {"id": "video_abc", "status": 7},
        {"id": 5, "status": "queued"},
        {"id": "video_abc"},
    ],
)
def test_unusable_bodies_are_invalid(body: object) -> None:
    with pytest.raises(InvalidResponseError):
        parse_snapshot(body)


def test_epochs_in_milliseconds_and_iso() -> None:
    snap = parse_snapshot(
        {
            "id": "video_abc123",
            "status": "queued",
            "created_at": "2026-01-02T03:04:05Z",
            "expires_at": 1767323045000,
            "status_update_time": "garbage",
        }
    )
    assert snap.created_at == 1767323045.0
    assert snap.expires_at == 1767323045.0
    assert snap.updated_at is None


def test_queue_fields() -> None:
    body = json.loads(json.dumps(SEED_PENDING))
    body["detail"]["pending_info"].update(
        progress_pos_in_queue=3, estimated_queue_wait_time=120, progress_pct=None, status="queued"
    )
    snap = parse_snapshot(body)
    assert (snap.state, snap.queue_position, snap.queue_wait) == (TaskState.QUEUED, 3, "120")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)
keys = st.sampled_from(
    [
        "id",
        "status",
        "progress",
        "detail",
        "error",
        "video_url",
        "metadata",
        "created_at",
        "seconds",
        "size",
        "model",
        "prompt",
    ]
)
task_like = st.dictionaries(keys, json_values, max_size=8)
pending_like = st.fixed_dictionaries(
    {"id": st.text(max_size=10), "status": st.sampled_from(["pending", "queued", "x"])},
    optional={
        "detail": st.fixed_dictionaries(
            {},
            optional={
                "status": json_values,
                "pending_info": st.dictionaries(
                    st.sampled_from(
                        [
                            "status",
                            "progress_pct",
                            "failure_reason",
                            "moderation_result",
                            "width",
                            "height",
                            "n_frames",
                            "created_at",
                            "progress_pos_in_queue",
                        ]
                    ),
                    json_values,
                    max_size=6,
                ),
            },
        )
    },
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(json_values, task_like, pending_like))
def test_parse_never_raises_anything_else(body: object) -> None:
    try:
        snap = parse_snapshot(body)
    except InvalidResponseError as exc:
        assert str(exc)
        return
    assert snap.state in set(TaskState)
    assert snap.progress is None or 0.0 <= snap.progress <= 100.0
    assert isinstance(snap.id, str) and snap.id


def test_seed_examples_match_the_specification_file() -> None:
    spec = Path(__file__).resolve().parents[3] / "shared" / "seed-openapi.yaml"
    if not spec.exists():
        pytest.skip("the shared specification is not beside this checkout")
    text = spec.read_text()
    assert "sora-2:task_01k6x15vhrff09dkkqjrzwhm60" in text
    assert "0.9302178175176704" in text
    assert "video_5c6a605a-30c0-4a6a-9dbd-d1d6cfdd9980" in text


# -- what a kept snapshot costs ---------------------------------------------------------


def test_a_snapshot_keeps_the_answer_as_compact_text_in_server_order() -> None:
    body = {"status": "in_progress", "id": "video_ord3r", "progress": 40, "prompt": "雨の街"}
    snapshot = parse_snapshot(body)
    assert isinstance(snapshot.raw, str)
    assert " " not in snapshot.raw  # no padding after separators
    assert snapshot.raw_object() == body
    assert list(snapshot.raw_object()) == list(body)  # the server's key order, not sorted


def test_the_stored_text_is_kept_as_it_is() -> None:
    text = '{"id": "video_kept01", "status": "queued"}'
    snapshot = parse_snapshot(json.loads(text), raw=text)
    assert snapshot.raw is text


def test_a_snapshot_built_from_a_dict_still_holds_text() -> None:
    snapshot = TaskSnapshot("video_byhand", TaskState.FAILED, "not_found", raw={"id": "x"})
    assert snapshot.raw == '{"id":"x"}'
    assert TaskSnapshot("video_plain1", TaskState.QUEUED, "queued").raw_object() == {}


def test_snapshots_have_no_per_instance_dict() -> None:
    snapshot = parse_snapshot({"id": "video_slots1", "status": "queued"})
    assert not hasattr(snapshot, "__dict__")


def test_recurring_words_are_one_string_object_across_answers() -> None:
    # Two answers decoded separately, as two polls are: each brings its own strings.
    first, second = (
        parse_snapshot(
            json.loads(
                json.dumps(
                    {"id": f"video_{n}", "status": "in_progress", "model": "sora-2",
                     "size": "1280x720", "seconds": "8"}
                )
            )
        )
        for n in ("a1", "b2")
    )  # fmt: skip
    assert first.raw_status is second.raw_status
    assert first.model is second.model
    assert first.size is second.size
    assert first.seconds is second.seconds
