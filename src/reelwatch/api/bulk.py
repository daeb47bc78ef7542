"""An httpx transport for large downloads: HTTP/1.1 read through one 1 MiB buffer.

Why it exists: httpx's default transport (httpcore over anyio) reads the socket 64 KiB
at a time, and each piece goes through anyio's stream (which resumes and pauses the
socket's reader around every read), h11's receive buffer and httpcore's event loop,
copied five or six times on the way. For a 200 MiB video that is ~3,200 trips through
those layers, and the downloader ran at half of curl's speed on a loopback server, all
of it CPU on the event-loop thread. Here the socket is read straight into a buffer
allocated once (`asyncio.BufferedProtocol`: ``recv_into``), whatever arrived while the
consumer was busy writing is handed out as one piece, and a ``Content-Length`` body is
counted rather than parsed. A consumer that writes the bytes out at once can take them
as views into that buffer (`body_chunks`): then Python copies nothing, and allocates
nothing per piece (a fresh 1 MiB object per piece costs more than the copy: the
allocator returns such blocks to the system and page-faults them back in).

What stays with httpx and h11: the `httpx.AsyncClient` above this transport builds the
request (URL checks, headers, cookies) and `VideoApiClient.stream` follows redirects
and decides where the key goes, exactly as for every other request. h11, the parser
httpcore itself uses, writes the request and reads the status line and headers, and it
parses every body that is not a plain ``Content-Length`` one (chunked, close-delimited).
TLS is the standard library's, with the same `ssl.SSLContext` httpx is given.

Deliberately left out: connection reuse (one connection per request, closed with the
response: a video is one long request), HTTP/2, request bodies (GET only), proxies
(`VideoApiClient` uses this transport only when no proxy is configured; otherwise
downloads take httpx's own transport, which honours them).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator

import h11
import httpx

BUFFER_SIZE = 1024 * 1024
"""Bytes read from the socket at most per read, and at most held before reading pauses
(when the consumer, i.e. the disk, is slower than the network)."""
MAX_HEAD_SIZE = 100 * 1024
"""Largest status line + headers accepted (the limit httpcore gives h11)."""
HAPPY_EYEBALLS_DELAY = 0.25
"""RFC 8305's delay before racing the next address of a host (IPv6, then IPv4)."""
BODY_EXTENSION = "reelwatch.bulk_body"
"""The response extension holding the `BulkBody` of a response from `BulkTransport`."""

_DEFAULT_PORTS = {"http": 80, "https": 443}


def body_chunks(response: httpx.Response) -> AsyncIterator[bytes | memoryview]:
    """The raw body of a streamed response, for writing it out piece by piece.

    From `BulkTransport`: views into its receive buffer, each valid only until the next
    one is asked for (write it, do not keep it). From any other transport: httpx's raw
    chunks. Either way no decoding: the bytes on the wire.
    """
    body = response.extensions.get(BODY_EXTENSION)
    if isinstance(body, BulkBody):
        return body.views()
    return response.aiter_raw()


class BulkTransport(httpx.AsyncBaseTransport):
    """GET requests over HTTP/1.1 for large bodies; one fresh connection per request.

    `ssl_context` verifies https servers (pass the one the rest of the client uses).
    Failures are raised as the httpx exceptions httpx's own transport raises for them
    (`httpx.ConnectError` with the OS or TLS error as its cause, `httpx.ReadTimeout`,
    `httpx.RemoteProtocolError`...), so callers classify them the same way. Timeouts
    are httpx's: ``connect`` covers TCP and the TLS handshake, ``read`` every wait for
    data; ``write`` and ``pool`` do not apply (a GET head fits in the socket's buffer,
    there is no pool).
    """

    def __init__(self, ssl_context: ssl.SSLContext, *, buffer_size: int = BUFFER_SIZE) -> None:
        self._ssl_context = ssl_context
        self._buffer_size = buffer_size

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        scheme = request.url.scheme
        if scheme not in _DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(f"BulkTransport cannot fetch {scheme}:// URLs")
        if request.method != "GET":
            raise httpx.UnsupportedProtocol("BulkTransport only makes GET requests")
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        reader = await self._connect(request, timeouts.get("connect"))
        try:
            return await _exchange(request, reader, timeouts.get("read"))
        except BaseException:  # failed or cancelled before the body: nobody else closes it
            reader.close()
            raise

    async def _connect(self, request: httpx.Request, timeout: float | None) -> _Reader:
        url = request.url
        host = url.raw_host.decode("ascii")  # IDNA-encoded already; IPv6 without brackets
        port = url.port or _DEFAULT_PORTS[url.scheme]
        tls = url.scheme == "https"
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                _, reader = await loop.create_connection(
                    lambda: _Reader(self._buffer_size),
                    host,
                    port,
                    ssl=self._ssl_context if tls else None,
                    server_hostname=host if tls else None,
                    happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY,
                )
        except TimeoutError:
            raise httpx.ConnectTimeout(f"Timed out connecting to {host}:{port}") from None
        except OSError as exc:  # refused, unreachable, DNS (gaierror), TLS (SSLError)
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
        return reader


async def _exchange(
    request: httpx.Request, reader: _Reader, timeout: float | None
) -> httpx.Response:
    """Send the request, read the status line and headers; the body is `BulkBody`'s."""
    connection = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD_SIZE)
    try:
        target = request.url.raw_path  # path and query, as httpx encoded them
        for message in (
            h11.Request(method=b"GET", target=target, headers=request.headers.raw),
            h11.EndOfMessage(),
        ):
            reader.write(connection.send(message) or b"")
        head = await _read_head(connection, reader, timeout)
    except h11.RemoteProtocolError as exc:
        raise httpx.RemoteProtocolError(str(exc)) from None
    except h11.LocalProtocolError as exc:
        raise httpx.LocalProtocolError(str(exc)) from None
    body = BulkBody(reader, connection, _content_length(head), timeout)
    return httpx.Response(
        head.status_code,
        headers=head.headers.raw_items(),
        stream=body,
        extensions={
            "http_version": b"HTTP/" + head.http_version,
            "reason_phrase": head.reason,
            BODY_EXTENSION: body,
        },
    )


async def _read_head(
    connection: h11.Connection, reader: _Reader, timeout: float | None
) -> h11.Response:
    """The final response's status line and headers (1xx interim answers are skipped)."""
    while True:
        event = connection.next_event()
        if isinstance(event, h11.Response):
            return event
        if event is h11.NEED_DATA:
            data = bytes(await reader.next_view(timeout))
            if not data:
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            connection.receive_data(data)
        elif not isinstance(event, h11.InformationalResponse):  # cannot happen; never spin
            raise httpx.RemoteProtocolError(f"Unexpected {type(event).__name__} before the answer")


def _content_length(response: h11.Response) -> int | None:
    """The body's size when ``Content-Length`` alone frames it, else None.

    h11 has validated the header (one value, all digits) by the time it produced
    `response`; a ``Transfer-Encoding`` takes precedence over it (RFC 9112 §6.3).
    """
    if response.status_code in (204, 304):
        return None
    length: int | None = None
    for name, value in response.headers:
        if name == b"transfer-encoding":
            return None
        if name == b"content-length":
            length = int(value)
    return length


class BulkBody(httpx.AsyncByteStream):
    """The body of a `BulkTransport` response.

    Iterated by httpx (``aiter_raw``, ``aiter_bytes``...) it yields `bytes` that can be
    kept; `views` yields the same pieces without copying them (see `body_chunks`).
    """

    def __init__(
        self,
        reader: _Reader,
        connection: h11.Connection,
        length: int | None,
        timeout: float | None,
    ) -> None:
        self._reader = reader
        self._connection = connection
        self._length = length
        self._timeout = timeout
        self._started = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for view in self.views():
            yield bytes(view)

    async def views(self) -> AsyncIterator[memoryview]:
        """The body as views into the receive buffer; each is valid until the next step."""
        if self._started:
            raise httpx.StreamConsumed()
        self._started = True
        pieces = self._counted() if self._length is not None else self._parsed()
        async for view in pieces:
            yield view

    async def _counted(self) -> AsyncIterator[memoryview]:
        """A ``Content-Length`` body: counted, passed on as it lies in the buffer."""
        assert self._length is not None
        remaining = self._length
        leftover, _ = self._connection.trailing_data  # what came in with the headers
        view = memoryview(leftover)
        while remaining > 0:
            if not view:
                view = await self._reader.next_view(self._timeout)
                if not view:
                    raise httpx.RemoteProtocolError(
                        "peer closed connection without sending complete message body: "
                        f"received {self._length - remaining} bytes, expected {self._length}"
                    )
            if len(view) > remaining:  # more than announced: not part of this body
                view = view[:remaining]
            remaining -= len(view)
            yield view
            view = memoryview(b"")

    async def _parsed(self) -> AsyncIterator[memoryview]:
        """Any other framing (chunked, up to the close): h11 parses it."""
        try:
            while True:
                event = self._connection.next_event()
                if event is h11.NEED_DATA:
                    data = bytes(await self._reader.next_view(self._timeout))
                    self._connection.receive_data(data)  # b"": the server closed
                elif isinstance(event, h11.Data):
                    yield memoryview(event.data)
                elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                    return
        except h11.RemoteProtocolError as exc:
            raise httpx.RemoteProtocolError(str(exc)) from None

    async def aclose(self) -> None:
        self._reader.close()


class _Reader(asyncio.BufferedProtocol):
    """The socket's bytes land in one buffer; `next_view` lends out what arrived.

    Bytes lent out are not overwritten until the next `next_view` call: the socket is
    read into the free space after them, and the buffer starts over from its beginning
    only once everything in it has been lent and given back. When it is full (the
    consumer is slower than the network) reading pauses, so at most `size` bytes are
    ever held, however slow the disk.
    """

    def __init__(self, size: int) -> None:
        self._view = memoryview(bytearray(size))
        self._start = 0  # the first byte not lent out yet
        self._filled = 0  # the end of the bytes received
        self._paused = False
        self._ended = False
        self._error: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._transport: asyncio.Transport | None = None

    # -- asyncio's side ---------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def get_buffer(self, sizehint: int) -> memoryview:
        # Never empty: reading pauses the moment the buffer is full (buffer_updated).
        return self._view[self._filled :]

    def buffer_updated(self, nbytes: int) -> None:
        self._filled += nbytes
        if self._filled == len(self._view) and self._transport is not None:
            self._transport.pause_reading()
            self._paused = True
        self._wake()

    def eof_received(self) -> bool:
        self._ended = True
        self._wake()
        return False  # nothing more to send either: let the transport close

    def connection_lost(self, exc: Exception | None) -> None:
        self._ended = True
        self._error = exc
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    # -- the consumer's side ----------------------------------------------------------

    def write(self, data: bytes) -> None:
        assert self._transport is not None
        self._transport.write(data)

    async def next_view(self, timeout: float | None) -> memoryview:
        """The bytes received since the last call, waiting up to `timeout` for some.

        Empty at the end of the stream. Calling again gives the previous view back.
        """
        if self._start == self._filled:  # all lent out, and given back by this call
            self._start = self._filled = 0
            if self._paused and self._transport is not None:
                self._paused = False
                self._transport.resume_reading()
        while self._start == self._filled:
            if self._ended:
                if self._error is not None:
                    reason = str(self._error) or type(self._error).__name__
                    raise httpx.ReadError(reason) from self._error
                return self._view[:0]
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                async with asyncio.timeout(timeout):
                    await self._waiter
            except TimeoutError:
                raise httpx.ReadTimeout("Timed out waiting for the server's data") from None
            finally:
                self._waiter = None
        view = self._view[self._start : self._filled]
        self._start = self._filled
        return view

    def close(self) -> None:
        """Close at once, without a TLS close_notify, as httpcore does: after the body
        there is nothing left to protect, and a server that never answered the notify
        would keep the socket open in the background for asyncio's 30 s shutdown timeout.
        """
        if self._transport is not None and not self._transport.is_closing():
            self._transport.abort()
