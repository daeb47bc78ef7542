"""BulkTransport (the downloads' HTTP/1.1 path) over real loopback sockets, plain and TLS."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import ipaddress
import ssl
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from reelwatch.api.bulk import BODY_EXTENSION, BulkTransport, body_chunks
from reelwatch.api.client import VideoApiClient, tls_context
from reelwatch.api.errors import NetworkError
from tests.fakeapi import FakeApi, FakeFileHost, Response, reset_step, slow_step

# Unclosed sockets or transports surface as (unraisable) warnings: make them fail the test.
pytestmark = pytest.mark.filterwarnings("error")

DATA = bytes(range(251)) * 12_000  # ~2.9 MiB; 251 is prime, so every offset looks different
SMALL_BUFFER = 64 * 1024  # far smaller than DATA: the buffer wraps and pauses many times


def run(coro):
    result = asyncio.run(asyncio.wait_for(coro, 30))
    gc.collect()  # a transport nobody closed warns now, inside the test
    return result


def bulk_client(
    context: ssl.SSLContext | None = None,
    *,
    buffer_size: int = SMALL_BUFFER,
    timeout: httpx.Timeout | None = None,
) -> httpx.AsyncClient:
    transport = BulkTransport(context or tls_context(), buffer_size=buffer_size)
    return httpx.AsyncClient(transport=transport, timeout=timeout or httpx.Timeout(10.0))


class RawServer:
    """A loopback server (TLS with `ssl_context`) answering every request with `answer`.

    Records each request head; `closed` is set when a client hangs up. With `hold`, the
    connection stays open after the answer (a body that never ends).
    """

    def __init__(
        self, answer: bytes, *, ssl_context: ssl.SSLContext | None = None, hold: bool = False
    ) -> None:
        self.answer = answer
        self.ssl_context = ssl_context
        self.hold = hold
        self.heads: list[bytes] = []
        self.closed = asyncio.Event()
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.ssl_context)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        assert self._server is not None
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/video.mp4"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            self.heads.append(await reader.readuntil(b"\r\n\r\n"))
            writer.write(self.answer)
            await writer.drain()
            if self.hold:
                await reader.read()  # until the client hangs up
                self.closed.set()
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            self.closed.set()
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, ssl.SSLError):
                await writer.wait_closed()


def head(status: str = "200 OK", **headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


# -- bodies ------------------------------------------------------------------------------


def test_views_are_the_exact_body_and_stay_intact_until_the_next_one() -> None:
    """A slow consumer (it sleeps holding each view) lets the socket fill the buffer
    behind the view it holds: the view must not change, and nothing may be lost."""

    async def go() -> None:
        with FakeFileHost(DATA) as files:
            async with bulk_client() as client, client.stream("GET", files.url) as response:
                assert response.status_code == 200
                assert response.http_version == "HTTP/1.1"
                received = bytearray()
                pieces = 0
                async for view in body_chunks(response):
                    assert isinstance(view, memoryview)
                    assert len(view) <= SMALL_BUFFER
                    before = bytes(view)
                    await asyncio.sleep(0.002)
                    assert bytes(view) == before
                    received += view
                    pieces += 1
        assert received == DATA
        assert pieces >= len(DATA) // SMALL_BUFFER

    run(go())


def test_httpx_iteration_gets_bytes_that_can_be_kept() -> None:
    async def go() -> None:
        with FakeFileHost(DATA) as files:
            async with bulk_client() as client:
                async with client.stream("GET", files.url) as response:
                    kept = [chunk async for chunk in response.aiter_raw()]
                assert all(type(chunk) is bytes for chunk in kept)
                assert b"".join(kept) == DATA
                assert (await client.get(files.url)).content == DATA

    run(go())


def test_chunked_body_is_parsed() -> None:
    async def pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(DATA), 100_000):
            yield DATA[start : start + 100_000]

    async def go() -> None:
        with FakeApi() as api:
            api.script_path("/chunked", [Response(200, {"Content-Type": "video/mp4"}, pieces())])
            url = api.base_url + "/chunked"
            async with bulk_client() as client, client.stream("GET", url) as response:
                assert response.headers["transfer-encoding"] == "chunked"
                body = b"".join([bytes(v) async for v in body_chunks(response)])
        assert body == DATA

    run(go())


def test_body_without_length_ends_with_the_connection() -> None:
    async def go() -> None:
        async with RawServer(head(Connection="close") + DATA) as server, bulk_client() as client:
            response = await client.get(server.url)
        assert response.content == DATA

    run(go())


def test_bytes_beyond_the_announced_length_are_not_the_body() -> None:
    async def go() -> None:
        answer = head(Content_Length="5") + b"hello" + b"GARBAGE"
        async with RawServer(answer) as server, bulk_client() as client:
            assert (await client.get(server.url)).content == b"hello"

    run(go())


def test_request_is_the_one_httpx_built() -> None:
    async def go() -> bytes:
        async with RawServer(head(Content_Length="0")) as server, bulk_client() as client:
            await client.get(server.url + "?a=1&b=%2F", headers={"Range": "bytes=5-"})
            return server.heads[0]

    request = run(go()).decode("latin-1").lower()
    assert request.startswith("get /video.mp4?a=1&b=%2f http/1.1\r\n")
    assert "\r\nhost: 127.0.0.1:" in request
    assert "\r\nrange: bytes=5-\r\n" in request


# -- failures ----------------------------------------------------------------------------


def test_truncated_body_is_a_protocol_error_naming_the_sizes() -> None:
    async def go() -> None:
        with FakeFileHost(DATA) as files:
            files.drop_after = 100_000
            async with bulk_client() as client, client.stream("GET", files.url) as response:
                with pytest.raises(httpx.RemoteProtocolError, match="received 100000 bytes"):
                    async for _ in body_chunks(response):
                        pass

    run(go())


def test_hang_up_before_the_answer_is_a_protocol_error() -> None:
    async def go() -> None:
        with FakeApi() as api:
            api.script_path("/gone", [reset_step()])
            async with bulk_client() as client:
                with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
                    await client.get(api.base_url + "/gone")

    run(go())


def test_silent_server_is_a_read_timeout_and_the_connection_is_closed() -> None:
    async def go() -> None:
        answer = head(Content_Length=str(len(DATA))) + DATA[:1000]
        async with RawServer(answer, hold=True) as server:
            async with bulk_client(timeout=httpx.Timeout(10.0, read=0.3)) as client:
                with pytest.raises(httpx.ReadTimeout):
                    async with client.stream("GET", server.url) as response:
                        async for _ in body_chunks(response):
                            pass
            await asyncio.wait_for(server.closed.wait(), 5)
        with FakeApi() as api:
            api.script_path("/late", [slow_step(2.0)])
            async with bulk_client(timeout=httpx.Timeout(10.0, read=0.3)) as client:
                with pytest.raises(httpx.ReadTimeout):
                    await client.get(api.base_url + "/late")

    run(go())


def test_response_closed_early_closes_the_connection() -> None:
    async def go() -> None:
        answer = head(Content_Length=str(len(DATA))) + DATA[:1000]
        async with RawServer(answer, hold=True) as server, bulk_client() as client:
            async with client.stream("GET", server.url) as response:
                async for _ in body_chunks(response):
                    break
            await asyncio.wait_for(server.closed.wait(), 5)

    run(go())


def test_refused_connection_is_a_connect_error_with_its_cause() -> None:
    async def go() -> tuple[BaseException, NetworkError]:
        with FakeApi() as api:
            url = api.base_url + "/video.mp4"
        async with bulk_client() as client:
            with pytest.raises(httpx.ConnectError) as raw:
                await client.get(url)
        api_client = VideoApiClient("http://127.0.0.1:9", None)
        try:
            with pytest.raises(NetworkError) as classified:
                async with api_client.stream(url, bulk=True):
                    pass
        finally:
            await api_client.aclose()
        return raw.value, classified.value

    raw, classified = run(go())
    assert isinstance(raw.__cause__, ConnectionRefusedError)
    assert "refused the connection" in classified.message


def test_only_get_over_http_or_https() -> None:
    async def go() -> None:
        async with bulk_client() as client:
            with pytest.raises(httpx.UnsupportedProtocol):
                await client.post("http://127.0.0.1:9/", content=b"x")
            with pytest.raises(httpx.UnsupportedProtocol):
                await client.get("ftp://127.0.0.1:9/")

    run(go())


# -- TLS ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_pair(tmp_path_factory) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a fresh self-signed certificate for 127.0.0.1, and a client
    context that trusts it (and nothing else)."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "reelwatch test")])
    now = datetime.now(UTC)
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder: Path = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


def test_https_body_is_exact(tls_pair) -> None:
    server_context, client_context = tls_pair

    async def go() -> None:
        answer = head(Content_Length=str(len(DATA)), Connection="close") + DATA
        async with (
            RawServer(answer, ssl_context=server_context) as server,
            bulk_client(client_context) as client,
            client.stream("GET", server.url) as response,
        ):
            body = b"".join([bytes(v) async for v in body_chunks(response)])
        assert body == DATA
        assert server.heads[0].startswith(b"GET /video.mp4 HTTP/1.1\r\n")

    run(go())


def test_https_certificate_is_verified(tls_pair) -> None:
    server_context, _ = tls_pair

    async def go() -> tuple[BaseException, NetworkError]:
        async with RawServer(head(Content_Length="0"), ssl_context=server_context) as server:
            async with bulk_client(tls_context()) as client:  # the system's trust: not ours
                with pytest.raises(httpx.ConnectError) as raw:
                    await client.get(server.url)
            api_client = VideoApiClient("https://127.0.0.1:9", "sk-test")
            try:
                with pytest.raises(NetworkError) as classified:
                    async with api_client.stream(server.url, bulk=True):
                        pass
            finally:
                await api_client.aclose()
            assert server.heads == []  # no request ever left over an unverified connection
        return raw.value, classified.value

    raw, classified = run(go())
    assert isinstance(raw.__cause__, ssl.SSLCertVerificationError)
    assert "certificate could not be verified" in classified.message


# -- how VideoApiClient uses it ----------------------------------------------------------


def test_client_uses_it_only_without_proxy_or_test_transport(monkeypatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)

    async def has_bulk(**kwargs) -> bool:
        client = VideoApiClient("https://api.example.com", "sk-test", **kwargs)
        await client.aclose()
        return client.has_bulk_transport

    assert run(has_bulk())
    assert not run(has_bulk(transport=httpx.MockTransport(lambda r: httpx.Response(200))))
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    assert not run(has_bulk())


def test_stream_bulk_goes_through_it_and_plain_stream_does_not() -> None:
    async def go() -> None:
        with FakeFileHost(DATA) as files:
            client = VideoApiClient("http://127.0.0.1:9", None)
            try:
                async with client.stream(files.url, accept="*/*", bulk=True) as response:
                    assert BODY_EXTENSION in response.extensions
                    body = b"".join([bytes(v) async for v in body_chunks(response)])
                assert body == DATA
                async with client.stream(files.url, accept="*/*") as response:
                    assert BODY_EXTENSION not in response.extensions
                    assert b"".join([c async for c in body_chunks(response)]) == DATA
            finally:
                await client.aclose()

    run(go())
