"""The loopback HTTP server and the fake API / file host built on it, over real sockets."""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from reelwatch.engine.loopback_http import (
    Headers,
    LoopbackServer,
    Request,
    Response,
    file_response,
)
from tests.fakeapi import (
    FakeApi,
    FakeFileHost,
    error_step,
    gateway_pending,
    json_step,
    newapi_task,
    openai_video,
    raw_step,
    reset_step,
    slow_step,
    truncated_step,
)

# Unclosed sockets or transports surface as (unraisable) warnings: make them fail the test.
pytestmark = pytest.mark.filterwarnings("error")

Handler = Callable[[Request], Awaitable[Response]]


async def _echo(request: Request) -> Response:
    return Response.json(
        {
            "method": request.method,
            "path": request.path,
            "segments": request.segments,
            "query": request.query,
            "accept": request.headers.get("ACCEPT"),
            "body": request.body.decode(),
        }
    )


def _serve(handler: Handler, test: Callable[[LoopbackServer], Awaitable[None]]) -> None:
    """Run ``test`` against a fresh server, then stop it and check nothing was left running."""

    async def main() -> None:
        server = await LoopbackServer(handler).start()
        try:
            await test(server)
        finally:
            await server.stop()
        assert asyncio.all_tasks() == {asyncio.current_task()}

    asyncio.run(main())
    gc.collect()


async def _raw(server: LoopbackServer, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(data)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), timeout=5)
    writer.close()
    await writer.wait_closed()
    return answer


# -- loopback_http --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "garbage",
    [
        b"GARBAGE\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",  # a TLS hello
        b"GET /x HTTP/1.1\r\nNo colon here\r\n\r\n",
        b"GET /x HTTP/1.1\r\nContent-Length: lots\r\n\r\n",
        b"GET /x HTTP/1.1\r\nX-Long: " + b"a" * 40_000 + b"\r\n\r\n",
        b"GET relative HTTP/1.1\r\n\r\n",
        b"G(T / HTTP/1.1\r\n\r\n",
    ],
)
def test_malformed_requests_get_400_and_server_keeps_serving(garbage: bytes) -> None:
    async def check(server: LoopbackServer) -> None:
        answer = await _raw(server, garbage)
        assert answer.startswith(b"HTTP/1.1 400 ")
        assert b"Connection: close" in answer
        async with httpx.AsyncClient() as client:
            response = await client.get(server.base_url + "/still/alive")
        assert response.json()["path"] == "/still/alive"

    _serve(_echo, check)


def test_request_parsing_path_query_headers_body() -> None:
    async def check(server: LoopbackServer) -> None:
        async with httpx.AsyncClient() as client:
            response = await client.post(
                server.base_url + "/v1/videos/sora-2:task_a%2Fb",
                params={"variant": "video", "empty": ""},
                headers={"Accept": "application/json"},
                content=b"hello",
            )
        got = response.json()
        assert got["method"] == "POST"
        assert got["path"] == "/v1/videos/sora-2:task_a%2Fb"
        assert got["segments"] == ["v1", "videos", "sora-2:task_a/b"]
        assert got["query"] == {"variant": "video", "empty": ""}
        assert got["accept"] == "application/json"
        assert got["body"] == "hello"

    _serve(_echo, check)


def test_keep_alive_reuses_one_connection_and_close_is_honoured() -> None:
    async def check(server: LoopbackServer) -> None:
        async with httpx.AsyncClient() as client:
            for _ in range(3):
                assert (await client.get(server.base_url + "/")).status_code == 200
        assert server.connections_accepted == 1
        async with httpx.AsyncClient(headers={"Connection": "close"}) as client:
            for _ in range(2):
                response = await client.get(server.base_url + "/")
                assert response.headers["connection"] == "close"
        assert server.connections_accepted == 3

    _serve(_echo, check)


def test_head_sends_headers_without_body() -> None:
    async def handler(request: Request) -> Response:
        return file_response(request, b"x" * 1234, "video/mp4")

    async def check(server: LoopbackServer) -> None:
        async with httpx.AsyncClient() as client:
            head = await client.head(server.base_url + "/f.mp4")
            get = await client.get(server.base_url + "/f.mp4")  # same connection still usable
        assert head.status_code == 200
        assert head.headers["content-length"] == "1234"
        assert head.content == b""
        assert get.content == b"x" * 1234
        assert server.connections_accepted == 1

    _serve(handler, check)


@pytest.mark.parametrize(
    ("header", "status", "content_range", "span"),
    [
        ("bytes=10-", 206, "bytes 10-99/100", (10, 100)),
        ("bytes=10-19", 206, "bytes 10-19/100", (10, 20)),
        ("bytes=90-500", 206, "bytes 90-99/100", (90, 100)),
        ("bytes=-5", 206, "bytes 95-99/100", (95, 100)),
        ("bytes=100-", 416, "bytes */100", (0, 0)),
        ("bytes=0-1,5-6", 200, None, (0, 100)),
        ("pages=1-2", 200, None, (0, 100)),
    ],
)
def test_file_response_ranges(
    header: str, status: int, content_range: str | None, span: tuple[int, int]
) -> None:
    data = bytes(range(100))
    request = Request("GET", "/f", "/f", {}, Headers([("Range", header)]))
    response = file_response(request, data, "video/mp4")
    assert response.status == status
    assert response.headers.get("Content-Range") == content_range
    assert response.body == data[span[0] : span[1]]
    assert response.headers["Accept-Ranges"] == "bytes"


def test_range_over_http() -> None:
    data = bytes(range(256)) * 10

    async def handler(request: Request) -> Response:
        return file_response(request, data, "application/octet-stream")

    async def check(server: LoopbackServer) -> None:
        async with httpx.AsyncClient() as client:
            response = await client.get(server.base_url + "/f", headers={"Range": "bytes=2000-"})
        assert response.status_code == 206
        assert response.headers["content-range"] == "bytes 2000-2559/2560"
        assert response.content == data[2000:]

    _serve(handler, check)


def test_streamed_body_is_sent_chunked() -> None:
    async def pieces() -> AsyncIterator[bytes]:
        for index in range(5):
            await asyncio.sleep(0)
            yield f"part{index};".encode()

    async def handler(request: Request) -> Response:
        return Response(200, {"Content-Type": "text/plain"}, pieces())

    async def check(server: LoopbackServer) -> None:
        async with httpx.AsyncClient() as client:
            response = await client.get(server.base_url + "/")
            again = await client.get(server.base_url + "/")
        assert response.headers["transfer-encoding"] == "chunked"
        assert response.text == "part0;part1;part2;part3;part4;"
        assert again.text == response.text
        assert server.connections_accepted == 1

    _serve(handler, check)


@pytest.mark.parametrize("rst", [False, True])
def test_hang_up_without_answer(rst: bool) -> None:
    calls = []

    async def handler(request: Request) -> Response:
        calls.append(request.path)
        return Response.hang_up(rst) if request.path == "/drop" else Response.text("ok")

    async def check(server: LoopbackServer) -> None:
        async with httpx.AsyncClient() as client:
            with pytest.raises(httpx.TransportError):
                await client.get(server.base_url + "/drop")
            assert (await client.get(server.base_url + "/fine")).text == "ok"
        assert calls == ["/drop", "/fine"]

    _serve(handler, check)


@pytest.mark.parametrize("streamed", [False, True])
def test_short_body_then_close(streamed: bool) -> None:
    async def stream() -> AsyncIterator[bytes]:
        yield b'{"id": "vi'

    async def handler(request: Request) -> Response:
        body = stream() if streamed else b'{"id": "vi'
        return Response(200, {"Content-Type": "application/json"}, body, content_length=40)

    async def check(server: LoopbackServer) -> None:
        async with httpx.AsyncClient(timeout=5) as client:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get(server.base_url + "/")

    _serve(handler, check)


def test_slow_headers_time_out_and_trickled_body_arrives_late() -> None:
    async def handler(request: Request) -> Response:
        if request.path == "/stall":
            return Response(200, {}, b"late", delay=5)
        return Response(200, {}, b"0123456789", chunk_size=2, chunk_delay=0.05)

    async def check(server: LoopbackServer) -> None:
        async with httpx.AsyncClient() as client:
            with pytest.raises(httpx.ReadTimeout):
                await client.get(server.base_url + "/stall", timeout=0.2)
            started = time.monotonic()
            async with client.stream("GET", server.base_url + "/trickle") as response:
                assert response.status_code == 200
                pieces = [piece async for piece in response.aiter_raw()]
            elapsed = time.monotonic() - started
        assert b"".join(pieces) == b"0123456789"
        assert len(pieces) >= 2
        assert elapsed >= 0.2

    _serve(handler, check)


def test_handler_exception_answers_500_and_server_survives(caplog) -> None:
    async def handler(request: Request) -> Response:
        if request.path == "/boom":
            raise RuntimeError("handler bug")
        return Response.text("ok")

    async def check(server: LoopbackServer) -> None:
        async with httpx.AsyncClient() as client:
            assert (await client.get(server.base_url + "/boom")).status_code == 500
            assert (await client.get(server.base_url + "/ok")).text == "ok"

    _serve(handler, check)
    assert "handler bug" in caplog.text


def test_stop_closes_idle_and_busy_connections_promptly() -> None:
    async def handler(request: Request) -> Response:
        if request.path == "/forever":
            return Response(200, {}, b"x" * 100, chunk_size=1, chunk_delay=1.0)
        return Response.text("ok")

    async def main() -> None:
        server = await LoopbackServer(handler).start()
        idle = httpx.AsyncClient()
        busy = httpx.AsyncClient()
        assert (await idle.get(server.base_url + "/")).text == "ok"  # left idle in keep-alive
        in_flight = asyncio.ensure_future(busy.get(server.base_url + "/forever"))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await server.stop()
        assert time.monotonic() - started < 1.0
        with pytest.raises(httpx.TransportError):
            await in_flight
        with pytest.raises(httpx.ConnectError):
            await httpx.AsyncClient().get(server.base_url + "/")
        await idle.aclose()
        await busy.aclose()
        await server.stop()  # a second stop is harmless
        assert asyncio.all_tasks() == {asyncio.current_task()}

    asyncio.run(main())
    gc.collect()


# -- FakeApi ------------------------------------------------------------------------------

AUTH = {"Authorization": "Bearer sk-test", "Accept": "application/json"}


def test_fake_api_serves_steps_in_order_and_repeats_the_last() -> None:
    with FakeApi() as api, httpx.Client(base_url=api.base_url, headers=AUTH) as client:
        api.script(
            "video_1",
            [
                json_step(openai_video("video_1", "queued", 0)),
                json_step(openai_video("video_1", "in_progress", 45)),
                json_step(openai_video("video_1", "completed", 100, "http://cdn/x.mp4")),
            ],
        )
        seen = [client.get("/v1/videos/video_1").json() for _ in range(5)]
        assert [body["status"] for body in seen] == [
            "queued",
            "in_progress",
            "completed",
            "completed",
            "completed",
        ]
        assert seen[1]["progress"] == 45
        assert seen[4]["video_url"] == "http://cdn/x.mp4"
        assert api.polls("video_1") == 5
        assert api.polls("video_2") == 0


def test_fake_api_logs_method_path_query_and_headers() -> None:
    with FakeApi() as api:
        api.script("task_abc", [json_step(newapi_task("task_abc", "IN_PROGRESS", "45%"))])
        with httpx.Client(base_url=api.base_url) as client:
            client.get(
                "/v1/videos/task_abc",
                params={"x": "1"},
                headers={**AUTH, "Content-Type": "application/json"},
            )
            client.get("/v1/videos/task_abc")
        first, second = api.requests
        assert first.method == "GET"
        assert first.path == "/v1/videos/task_abc"
        assert first.query == {"x": "1"}
        assert first.headers["authorization"] == "Bearer sk-test"
        assert first.headers["Content-Type"] == "application/json"
        assert first.headers["accept"] == "application/json"
        assert "authorization" not in second.headers
        api.clear_log()
        assert api.requests == []


def test_fake_api_matches_encoded_and_raw_colon_ids() -> None:
    task_id = "sora-2:task_01k6x15vhrff09dkkqjrzwhm60"
    with FakeApi() as api, httpx.Client(base_url=api.base_url) as client:
        api.script(task_id, [json_step(gateway_pending(task_id, 0.25))])
        raw = client.get(f"/v1/videos/{task_id}")
        encoded = client.get("/v1/videos/sora-2%3Atask_01k6x15vhrff09dkkqjrzwhm60")
        assert raw.json() == encoded.json()
        assert raw.json()["detail"]["pending_info"]["progress_pct"] == 0.25
        assert raw.json()["status"] == "pending"


def test_fake_api_unscripted_id_is_a_404_error_body() -> None:
    with FakeApi() as api, httpx.Client(base_url=api.base_url) as client:
        response = client.get("/v1/videos/video_nope")
        assert response.status_code == 404
        assert set(response.json()["error"]) == {"message", "type", "param", "code"}


def test_fake_api_fault_steps() -> None:
    body = json.dumps(openai_video("video_f", "in_progress", 10)).encode()
    with FakeApi() as api, httpx.Client(base_url=api.base_url, timeout=0.5) as client:
        api.script(
            "video_f",
            [
                reset_step(),
                slow_step(3),
                truncated_step(json_step(openai_video("video_f", "in_progress", 10)), 12),
                raw_step("<html>502 Bad Gateway</html>", 502),
                error_step(429, "slow down", "rate_limit_exceeded", headers={"Retry-After": "1"}),
                slow_step(0.3, raw_step(body, 200, "application/json"), trickle=True),
            ],
        )
        with pytest.raises(httpx.TransportError):
            client.get("/v1/videos/video_f")
        with pytest.raises(httpx.ReadTimeout):
            client.get("/v1/videos/video_f")
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/v1/videos/video_f")
        bad_gateway = client.get("/v1/videos/video_f")
        assert bad_gateway.status_code == 502
        assert bad_gateway.headers["content-type"].startswith("text/html")
        limited = client.get("/v1/videos/video_f")
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "1"
        assert limited.json()["error"]["code"] == "rate_limit_exceeded"
        started = time.monotonic()
        trickled = client.get("/v1/videos/video_f", timeout=2)
        assert time.monotonic() - started >= 0.25
        assert trickled.json()["progress"] == 10


def test_fake_api_content_route_and_callable_steps() -> None:
    with FakeApi() as api, httpx.Client(base_url=api.base_url) as client:
        api.script_content(
            "video_c",
            [
                error_step(404, "not ready"),
                lambda request: file_response(request, b"MP4DATA" * 10, "video/mp4"),
            ],
        )
        assert client.get("/v1/videos/video_c/content").status_code == 404
        full = client.get("/v1/videos/video_c/content", params={"variant": "video"})
        assert full.headers["content-type"] == "video/mp4"
        assert full.content == b"MP4DATA" * 10
        part = client.get("/v1/videos/video_c/content", headers={"Range": "bytes=7-"})
        assert part.status_code == 206
        assert part.content == b"MP4DATA" * 9
        assert api.requests[1].query == {"variant": "video"}


def test_fake_api_works_from_an_asyncio_loop() -> None:
    async def main(base_url: str) -> list[int]:
        async with httpx.AsyncClient(base_url=base_url) as client:
            answers = await asyncio.gather(*(client.get(f"/v1/videos/task_{n}") for n in range(3)))
        return [answer.json()["progress_n"] for answer in answers]

    with FakeApi() as api:
        for n in range(3):
            api.script(f"task_{n}", [json_step({"id": f"task_{n}", "progress_n": n})])
        assert sorted(asyncio.run(main(api.base_url))) == [0, 1, 2]


# -- FakeFileHost ---------------------------------------------------------------------------


def test_file_host_is_another_origin_and_records_headers() -> None:
    data = bytes(range(256)) * 40
    with FakeApi() as api, FakeFileHost(data, name="out.mp4") as host, httpx.Client() as client:
        assert httpx.URL(host.url).port != httpx.URL(api.base_url).port
        plain = client.get(host.url)
        with_key = client.get(host.url, headers={"Authorization": "Bearer sk-leak"})
        assert plain.content == data
        assert plain.headers["content-type"] == "video/mp4"
        assert with_key.status_code == 200
        assert "authorization" not in host.requests[0].headers
        assert host.requests[1].headers["authorization"] == "Bearer sk-leak"
        assert client.get(host.base_url + "/files/other.mp4").status_code == 404


def test_file_host_range_drop_and_failure() -> None:
    data = bytes(range(256)) * 40
    with FakeFileHost(data) as host, httpx.Client() as client:
        resumed = client.get(host.url, headers={"Range": "bytes=5000-"})
        assert resumed.status_code == 206
        assert resumed.headers["content-range"] == f"bytes 5000-{len(data) - 1}/{len(data)}"
        assert resumed.content == data[5000:]

        host.drop_after = 1000
        received = bytearray()
        with pytest.raises(httpx.RemoteProtocolError), client.stream("GET", host.url) as response:
            assert response.headers["content-length"] == str(len(data))
            for piece in response.iter_raw():
                received += piece
        assert bytes(received) == data[:1000]

        host.drop_after = None
        host.fail_status = 403
        assert client.get(host.url).status_code == 403
        host.fail_status = None
        assert client.get(host.url).content == data


def test_file_host_defaults_to_the_demo_video() -> None:
    with FakeFileHost() as host, httpx.Client() as client:
        response = client.get(host.url)
        assert response.status_code == 200
        assert response.content[4:8] == b"ftyp"
