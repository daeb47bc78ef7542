"""A tiny HTTP/1.1 server over asyncio streams, bound to the loopback interface.

It exists so that the demo service and the test fakes can speak real HTTP to the
real client code (httpx) inside whatever event loop is running (qasync in the app,
``asyncio.run`` in the terminal commands and tests) without a new dependency.
It can also misbehave on request (hang up, stall, trickle, truncate) because those
are the failures a monitor of flaky gateways must survive.

Only what those uses need: one request at a time per connection, keep-alive,
``Content-Length`` request bodies, fixed-length or chunked responses, ``HEAD``,
single ``Range: bytes=`` requests through :func:`file_response`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import socket
import struct
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = [
    "Handler",
    "Headers",
    "LoopbackServer",
    "Request",
    "Response",
    "file_response",
]

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_MAX_LINE = 16 * 1024
_MAX_HEADERS = 100
_NO_BODY_STATUSES = {204, 304}


class Headers(Mapping[str, str]):
    """Read-only, case-insensitive header mapping; repeated names are joined with ``", "``."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._pairs = list(pairs)
        merged: dict[str, str] = {}
        for name, value in self._pairs:
            key = name.lower()
            merged[key] = f"{merged[key]}, {value}" if key in merged else value
        self._merged = merged

    def __getitem__(self, name: str) -> str:
        return self._merged[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._merged)

    def __len__(self) -> int:
        return len(self._merged)

    def raw(self) -> list[tuple[str, str]]:
        """The headers as received: original spelling, order and repetitions."""
        return list(self._pairs)

    def __repr__(self) -> str:
        return f"Headers({self._pairs!r})"


@dataclass(frozen=True)
class Request:
    """One parsed request. ``path`` stays percent-encoded so routing sees real segments."""

    method: str
    target: str
    path: str
    query: dict[str, str]
    headers: Headers
    body: bytes = b""
    version: str = "HTTP/1.1"

    @property
    def segments(self) -> list[str]:
        """Decoded path segments: ``/v1/videos/a%2Fb`` gives ``["v1", "videos", "a/b"]``."""
        return [unquote(part) for part in self.path.split("/") if part]


Body = bytes | AsyncIterable[bytes]


@dataclass
class Response:
    """What a handler answers, including the ways a bad server can fail.

    ``delay`` stalls before the status line; ``chunk_size``/``chunk_delay`` trickle the
    body; ``content_length`` above the body size sends a short body then closes;
    ``disconnect`` closes without answering (``rst`` makes it an abortive reset).
    An async-iterable body without ``content_length`` is sent chunked.
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Body = b""
    delay: float = 0.0
    chunk_size: int = 0
    chunk_delay: float = 0.0
    content_length: int | None = None
    close: bool = False
    disconnect: bool = False
    rst: bool = False

    @classmethod
    def json(
        cls, obj: Any, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> Response:
        """A JSON answer with ``Content-Type: application/json``."""
        merged = {"Content-Type": "application/json", **(headers or {})}
        return cls(status, merged, json.dumps(obj).encode())

    @classmethod
    def text(
        cls,
        text: str,
        status: int = 200,
        content_type: str = "text/plain; charset=utf-8",
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """A text answer (plain by default; pass ``text/html`` for gateway error pages)."""
        merged = {"Content-Type": content_type, **(headers or {})}
        return cls(status, merged, text.encode())

    @classmethod
    def hang_up(cls, rst: bool = False) -> Response:
        """Close the connection without answering; ``rst`` sends a TCP reset instead of FIN."""
        return cls(disconnect=True, rst=rst)


Handler = Callable[[Request], Awaitable[Response]]


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _parse_range(value: str, size: int) -> tuple[int, int] | bool | None:
    """``(start, end_inclusive)``, ``None`` to ignore the header, ``False`` if unsatisfiable."""
    match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", value)
    if not match or match.group(1) == match.group(2) == "":
        return None  # malformed or multi-range: RFC 9110 lets us ignore it and send all
    first, last = match.group(1), match.group(2)
    if first == "":
        suffix = int(last)
        if suffix == 0 or size == 0:
            return False
        return max(0, size - suffix), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size:
        return False
    if end < start:
        return None
    return start, end


def file_response(
    request: Request,
    data: bytes,
    content_type: str = "application/octet-stream",
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Serve ``data`` as a file: 200, or 206 + ``Content-Range`` for one byte range, or 416."""
    size = len(data)
    base = {"Content-Type": content_type, "Accept-Ranges": "bytes", **(headers or {})}
    range_header = request.headers.get("range")
    if range_header is None:
        return Response(200, base, data)
    span = _parse_range(range_header, size)
    if span is None:
        return Response(200, base, data)
    if span is False:
        return Response(416, {**base, "Content-Range": f"bytes */{size}"}, b"")
    start, end = span
    return Response(
        206, {**base, "Content-Range": f"bytes {start}-{end}/{size}"}, data[start : end + 1]
    )


def _wants_keep_alive(request: Request) -> bool:
    tokens = {t.strip().lower() for t in request.headers.get("connection", "").split(",")}
    if request.version == "HTTP/1.0":
        return "keep-alive" in tokens
    return "close" not in tokens


def _split(data: bytes, size: int) -> Iterable[bytes]:
    if size <= 0 or len(data) <= size:
        yield data
        return
    for offset in range(0, len(data), size):
        yield data[offset : offset + size]


class LoopbackServer:
    """HTTP/1.1 server on ``127.0.0.1``; ``await start()``, read ``base_url``, ``await stop()``."""

    def __init__(
        self,
        handler: Handler,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        idle_timeout: float = 30.0,
        max_body: int = 16 * 1024 * 1024,
    ) -> None:
        self._handler = handler
        self._host = host
        self._requested_port = port
        self._idle_timeout = idle_timeout
        self._max_body = max_body
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._port = 0
        self._closing = False
        self.connections_accepted = 0

    async def start(self) -> LoopbackServer:
        """Bind and listen; returns ``self`` so ``server = await LoopbackServer(h).start()``."""
        self._server = await asyncio.start_server(
            self._on_connect, self._host, self._requested_port, limit=_MAX_LINE
        )
        self._port = self._server.sockets[0].getsockname()[1]
        return self

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self._port}"

    async def stop(self) -> None:
        """Stop listening, end every open connection and wait until all of them are gone."""
        if self._closing:
            return
        self._closing = True
        if self._server is not None:
            self._server.close()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def __aenter__(self) -> LoopbackServer:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # A plain callback (not a coroutine) so that asyncio.streams does not own the task:
    # a cancelled task owned by it is reported as an error on Python 3.11.
    def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._closing:
            writer.close()
            return
        self.connections_accepted += 1
        task = asyncio.ensure_future(self._serve(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while not self._closing:
                try:
                    request = await asyncio.wait_for(
                        self._read_request(reader), timeout=self._idle_timeout
                    )
                except _BadRequest as exc:
                    await self._send(writer, None, Response.text(exc.message + "\n", exc.status))
                    break
                if request is None:
                    break
                response = await self._call_handler(request)
                if not await self._send(writer, request, response):
                    break
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError):
            pass  # client went away or idled out: nothing to answer
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _call_handler(self, request: Request) -> Response:
        try:
            return await self._handler(request)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("loopback handler failed for %s %s", request.method, request.target)
            return Response(500, {"Content-Type": "text/plain"}, b"internal error\n", close=True)

    async def _read_request(self, reader: asyncio.StreamReader) -> Request | None:
        line = await self._readline(reader)
        while line in (b"\r\n", b"\n"):  # tolerate stray blank lines between requests
            line = await self._readline(reader)
        if not line:
            return None
        parts = line.decode("latin-1").rstrip("\r\n").split(" ")
        if len(parts) != 3:
            raise _BadRequest(400, "malformed request line")
        method, target, version = parts
        if not _TOKEN.match(method):
            raise _BadRequest(400, "malformed method")
        if version not in ("HTTP/1.1", "HTTP/1.0"):
            raise _BadRequest(400 if not version.startswith("HTTP/") else 505, "bad version")
        if target.startswith(("http://", "https://")):
            split = urlsplit(target)
            path, query = split.path or "/", split.query
        elif target.startswith("/") or (target == "*" and method == "OPTIONS"):
            path, _, query = target.partition("?")
        else:
            raise _BadRequest(400, "malformed request target")
        if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target):
            raise _BadRequest(400, "malformed request target")

        pairs: list[tuple[str, str]] = []
        while True:
            header_line = await self._readline(reader)
            if not header_line:
                raise asyncio.IncompleteReadError(b"", None)
            if header_line in (b"\r\n", b"\n"):
                break
            if len(pairs) >= _MAX_HEADERS:
                raise _BadRequest(400, "too many headers")
            name, sep, value = header_line.decode("latin-1").partition(":")
            if not sep or not _TOKEN.match(name):
                raise _BadRequest(400, "malformed header")
            pairs.append((name, value.strip()))
        headers = Headers(pairs)

        if "transfer-encoding" in headers:
            raise _BadRequest(501, "chunked request bodies are not supported")
        body = b""
        length_text = headers.get("content-length")
        if length_text is not None:
            if not length_text.isdigit():
                raise _BadRequest(400, "bad Content-Length")
            length = int(length_text)
            if length > self._max_body:
                raise _BadRequest(413, "request body too large")
            body = await reader.readexactly(length)
        query_dict = dict(parse_qsl(query, keep_blank_values=True))
        return Request(method, target, path, query_dict, headers, body, version)

    @staticmethod
    async def _readline(reader: asyncio.StreamReader) -> bytes:
        try:
            line = await reader.readline()
        except ValueError as exc:  # asyncio's LimitOverrunError surfaces as ValueError
            raise _BadRequest(400, "line too long") from exc
        if line and not line.endswith(b"\n"):
            raise asyncio.IncompleteReadError(line, None)
        return line

    async def _send(
        self, writer: asyncio.StreamWriter, request: Request | None, response: Response
    ) -> bool:
        """Write one response; returns whether the connection may serve another request."""
        if response.delay > 0:
            await asyncio.sleep(response.delay)
        if response.disconnect:
            if response.rst:
                sock = writer.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                writer.transport.abort()
            return False

        head_only = request is not None and request.method == "HEAD"
        has_body = response.status not in _NO_BODY_STATUSES and response.status >= 200
        body = response.body
        declared = response.content_length
        if declared is None and isinstance(body, bytes):
            declared = len(body)
        chunked = declared is None and has_body
        truncated = isinstance(body, bytes) and declared is not None and declared > len(body)
        keep_alive = (
            request is not None
            and _wants_keep_alive(request)
            and not response.close
            and not truncated
            and not self._closing
        )

        given = {name.lower() for name in response.headers}
        lines = [f"HTTP/1.1 {response.status} {_reason(response.status)}"]
        if "server" not in given:
            lines.append("Server: reelwatch-loopback")
        if "date" not in given:
            lines.append(f"Date: {formatdate(usegmt=True)}")
        lines.extend(
            f"{name}: {value}"
            for name, value in response.headers.items()
            if name.lower() not in ("content-length", "transfer-encoding", "connection")
        )
        if has_body:
            lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {declared}")
        lines.append(f"Connection: {'keep-alive' if keep_alive else 'close'}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()

        if head_only or not has_body:
            if not isinstance(body, bytes):
                await _aclose(body)
            return keep_alive

        sent = 0

        async def write(chunk: bytes) -> None:
            nonlocal sent
            if response.chunk_delay > 0:
                await asyncio.sleep(response.chunk_delay)
            if chunk:
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
                sent += len(chunk)
                await writer.drain()

        if isinstance(body, bytes):
            for chunk in _split(body, response.chunk_size):
                await write(chunk)
        else:
            try:
                async for chunk in body:
                    await write(chunk)
            finally:
                await _aclose(body)
        if chunked:
            writer.write(b"0\r\n\r\n")
            await writer.drain()
        elif sent != declared:
            return False  # framing is broken: the only honest thing left is to close
        return keep_alive


async def _aclose(body: object) -> None:
    aclose = getattr(body, "aclose", None)
    if aclose is not None:
        await aclose()


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
