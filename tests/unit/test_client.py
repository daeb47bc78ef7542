"""Error classification of the client, over httpx.MockTransport (no network)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from reelwatch import __version__
from reelwatch.api.client import MAX_BODY_BYTES, VideoApiClient, parse_retry_after
from reelwatch.api.errors import (
    AuthError,
    InsecureTransportError,
    InvalidResponseError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    RequestRejectedError,
    ServerError,
)
from reelwatch.api.snapshot import TaskState

BASE = "https://api.example.com"


def query(
    handler,
    task_id: str = "sora-2:task_01k6x15vhrff09dkkqjrzwhm60",
    *,
    base: str = BASE,
    key: str | None = "sk-test",
):
    async def go():
        client = VideoApiClient(base, key, transport=httpx.MockTransport(handler))
        try:
            return await client.get_task(task_id)
        finally:
            await client.aclose()

    return asyncio.run(go())


def answer(status: int = 200, body: object | bytes = b"", headers: dict | None = None):
    def handler(request: httpx.Request) -> httpx.Response:
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return httpx.Response(status, content=content, headers=headers or {})

    return handler


def test_request_shape() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "sora-2:task_x1234567", "status": "queued"})

    snap = query(handler, "sora-2:task_x1234567", base="https://api.example.com/v1/")
    request = seen[0]
    assert request.method == "GET"
    assert request.url.raw_path == b"/v1/videos/sora-2:task_x1234567"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.headers["accept"] == "application/json"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == f"reelwatch/{__version__}"
    assert snap.state is TaskState.QUEUED


def test_id_cannot_change_the_path() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404)

    with pytest.raises(NotFoundError):
        query(handler, "../admin?x=1")
    assert seen[0].url.raw_path == b"/v1/videos/..%2Fadmin%3Fx%3D1"


def test_no_key_sends_no_authorization() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "video_abcdef", "status": "queued"})

    query(handler, "video_abcdef", key=None)
    assert "authorization" not in seen[0].headers


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, AuthError),
        (403, AuthError),
        (404, NotFoundError),
        (429, RateLimitedError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
        (400, RequestRejectedError),
        (422, RequestRejectedError),
    ],
)
def test_status_classification(status: int, error: type) -> None:
    body = {"error": {"message": "explained here", "type": "x", "param": None, "code": "c"}}
    with pytest.raises(error) as info:
        query(answer(status, body))
    assert info.value.status == status
    assert "explained here" in info.value.message
    assert str(status) in info.value.message


def test_retry_after_seconds_ms_and_date() -> None:
    with pytest.raises(RateLimitedError) as info:
        query(answer(429, b"", {"Retry-After": "7"}))
    assert info.value.retry_after == 7
    with pytest.raises(RateLimitedError) as info:
        query(answer(429, b"", {"retry-after-ms": "1500", "Retry-After": "9"}))
    assert info.value.retry_after == 1.5
    when = datetime.now(UTC) + timedelta(seconds=30)
    with pytest.raises(ServerError) as info:
        query(answer(503, b"", {"Retry-After": format_datetime(when, usegmt=True)}))
    assert 25 <= (info.value.retry_after or 0) <= 31
    assert parse_retry_after(httpx.Headers({"Retry-After": "soon"})) is None


@pytest.mark.parametrize(
    ("status", "body", "headers", "fragment"),
    [
        (
            200,
            b"<html><head><title>502 Bad Gateway</title></head></html>",
            {"content-type": "text/html"},
            "web page",
        ),
        (200, b"", {}, "empty"),
        (200, b'{"id": "video_abc", "stat', {"content-type": "application/json"}, "not valid JSON"),
        (200, b"[1, 2]", {}, "array"),
        (200, b"42", {}, "number"),
        (200, b'{"id": "video_abc", "status": null}', {}, "status"),
        (200, b'{"id": "video_abc", "status": 7}', {}, "status"),
        (200, b'{"status": "queued"}', {}, "task id"),
        (200, b'{"id": "video_abc", "status": "queued", "progress": "abc"}', {}, "progress"),
        (200, b"\xff\xfe\x00garbage", {"content-type": "application/json"}, "not valid JSON"),
    ],
)
def test_garbage_is_an_invalid_response(status, body, headers, fragment) -> None:
    with pytest.raises(InvalidResponseError) as info:
        query(answer(status, body, headers))
    assert fragment in info.value.message


def test_json_with_a_lying_content_type_is_accepted() -> None:
    snap = query(
        answer(200, b'{"id": "video_abcdef", "status": "completed"}', {"content-type": "text/html"})
    )
    assert snap.state is TaskState.COMPLETED


def test_html_error_page_on_502_names_the_page() -> None:
    with pytest.raises(ServerError) as info:
        query(answer(502, b"<html><title>502 Bad Gateway</title><body>nginx</body></html>"))
    assert "502 Bad Gateway" in info.value.message


def test_body_over_the_limit() -> None:
    big = b'{"id": "video_abc", "status": "queued", "pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    with pytest.raises(InvalidResponseError, match="larger than"):
        query(answer(200, big))


@pytest.mark.parametrize(
    ("exc", "fragment"),
    [
        (httpx.ConnectError("All connection attempts failed"), "connect"),
        (httpx.ReadTimeout("timed out"), "in time"),
        (httpx.ConnectTimeout("timed out"), "in time"),
        (httpx.RemoteProtocolError("peer closed connection"), "connection failed"),
        (httpx.ReadError("reset by peer"), "connection failed"),
    ],
)
def test_network_failures(exc: Exception, fragment: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    with pytest.raises(NetworkError) as info:
        query(handler)
    assert fragment in info.value.message


def test_key_never_sent_over_plain_http_to_another_machine() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"id": "video_abcdef", "status": "queued"})

    with pytest.raises(InsecureTransportError, match="https"):
        query(handler, base="http://api.example.com")
    assert calls == []
    # Loopback is fine: the key never leaves the machine.
    query(handler, "video_abcdef", base="http://127.0.0.1:8080")
    assert calls[0].headers["authorization"] == "Bearer sk-test"


def test_redirect_to_another_origin_drops_the_key() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "api.example.com":
            return httpx.Response(302, headers={"Location": "https://elsewhere.example.net/v"})
        return httpx.Response(200, json={"id": "video_abcdef", "status": "queued"})

    query(handler, "video_abcdef")
    assert seen[0].headers["authorization"] == "Bearer sk-test"
    assert seen[1].url.host == "elsewhere.example.net"
    assert "authorization" not in seen[1].headers


def test_the_key_follows_the_origin_not_the_spelling_of_the_url() -> None:
    """The fast prefix test must neither leak to a look-alike host nor drop the key on the
    service's own origin written differently."""
    seen: list[httpx.Request] = []
    hops = iter(["https://API.example.com:443/v2/videos/video_abcdef",
                 "https://api.example.com.evil.net/v1/videos/video_abcdef"])  # fmt: skip

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        location = next(hops, None)
        if location:
            return httpx.Response(302, headers={"Location": location})
        return httpx.Response(200, json={"id": "video_abcdef", "status": "queued"})

    query(handler, "video_abcdef")
    assert [r.url.host for r in seen] == [
        "api.example.com", "api.example.com", "api.example.com.evil.net"
    ]  # fmt: skip
    assert seen[0].headers["authorization"] == "Bearer sk-test"
    assert seen[1].headers["authorization"] == "Bearer sk-test"  # same origin, other spelling
    assert "authorization" not in seen[2].headers


def test_redirect_loop_is_a_network_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": str(request.url)})

    with pytest.raises(NetworkError, match="redirected"):
        query(handler)
