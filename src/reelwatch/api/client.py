"""The async client of one video service.

One `httpx.AsyncClient` per service, shared by every poll and download of that
service. Every call ends in a `TaskSnapshot` or a classified `ApiError`; no
other exception escapes (cancellation aside). The key is attached per request
and only when the request goes to the service's own origin, so a redirect or a
CDN link never receives it.

Large bodies (videos, `stream(..., bulk=True)`) go through a second
`httpx.AsyncClient` on `BulkTransport`, which reads the socket in 1 MiB pieces; it
is configured like the first one (timeouts, TLS context, User-Agent, the same
cookie jar) and is driven by the same `stream`, so redirects and the key rule are
the same code for both.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import re
import socket
import ssl
import time
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from reelwatch import __version__
from reelwatch.api.bulk import BulkTransport
from reelwatch.api.errors import (
    ApiError,
    AuthError,
    InsecureTransportError,
    InvalidResponseError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    RequestRejectedError,
    ServerError,
)
from reelwatch.api.ids import quote_task_id
from reelwatch.api.snapshot import TaskSnapshot, parse_snapshot
from reelwatch.api.urls import is_loopback, normalize_base_url, origin_of
from reelwatch.i18n import translate

MAX_BODY_BYTES = 1024 * 1024
MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=10.0, pool=30.0)
DEFAULT_DEADLINE = 60.0
"""Seconds one API answer may take in all: read timeouts are per chunk, so a body
trickling in byte by byte would otherwise hold a poll (and its slot) forever."""
USER_AGENT = f"reelwatch/{__version__}"

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def tls_context() -> ssl.SSLContext:
    """Verification always on, against the operating system's trust store where it has one."""
    context = ssl.create_default_context()
    if not context.get_ca_certs():
        try:
            import certifi

            context.load_verify_locations(certifi.where())
        except (ImportError, OSError):
            pass
    return context


class VideoApiClient:
    """Talks to one service (`base_url`) with one key."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = normalize_base_url(base_url)
        self.deadline = deadline
        self.origin = origin_of(self.base_url)
        self._own_prefix = self.base_url + "/"
        self._plain_remote = self.origin.startswith("http://") and not is_loopback(self.base_url)
        self._api_key = api_key or None
        context = tls_context() if transport is None else None
        self._http = httpx.AsyncClient(
            timeout=timeout,
            transport=transport,
            verify=context if context is not None else True,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
            trust_env=True,
        )
        # Downloads: the fast transport, unless a test transport replaces the network or
        # a proxy is configured (httpx honours proxies only with its own transport).
        self._bulk_http: httpx.AsyncClient | None = None
        if context is not None and not proxy_configured():
            self._bulk_http = httpx.AsyncClient(
                timeout=timeout,
                transport=BulkTransport(context),
                follow_redirects=False,
                headers={"User-Agent": USER_AGENT},
                cookies=self._http.cookies.jar,  # the same jar, not a copy
                trust_env=True,
            )

    @property
    def has_key(self) -> bool:
        return self._api_key is not None

    def set_key(self, api_key: str | None) -> None:
        """Use another key from the next request on (after the user entered a new one)."""
        self._api_key = api_key or None

    def task_url(self, task_id: str) -> str:
        return f"{self.base_url}/v1/videos/{quote_task_id(task_id)}"

    def content_url(self, task_id: str) -> str:
        return f"{self.task_url(task_id)}/content"

    async def get_task(self, task_id: str) -> TaskSnapshot:
        """One poll: the task's current snapshot, or a classified `ApiError`."""
        body = await self.get_json(self.task_url(task_id))
        return parse_snapshot(body)

    async def get_json(self, url: str) -> Any:
        """GET a JSON document from the service (at most 1 MiB, within the deadline)."""
        try:
            async with asyncio.timeout(self.deadline):
                async with self.stream(url, accept="application/json") as response:
                    data = await _read_limited(response)
        except TimeoutError:
            raise NetworkError(translate("Errors", "The service did not answer in time.")) from None
        return decode_json(data, response.headers.get("content-type", ""))

    @asynccontextmanager
    async def stream(
        self,
        url: str,
        *,
        accept: str = "application/json",
        headers: dict[str, str] | None = None,
        bulk: bool = False,
    ) -> AsyncIterator[httpx.Response]:
        """A streamed GET that follows redirects itself, so the key stays on its origin.

        Yields a 2xx response (206 included); any other outcome raises `ApiError`.
        `bulk`: a large body is expected (a video), read it over `BulkTransport` when
        this client has it; every hop of the redirect chain then uses it.
        """
        http = self._bulk_http if bulk and self._bulk_http is not None else self._http
        current = url
        response: httpx.Response | None = None
        try:
            for _ in range(MAX_REDIRECTS + 1):
                request = http.build_request(
                    "GET", current, headers=self._headers_for(current, accept, headers)
                )
                response = await http.send(request, stream=True)
                if response.is_redirect and "location" in response.headers:
                    current = str(response.url.join(response.headers["location"]))
                    await response.aclose()
                    response = None
                    continue
                break
            else:
                raise NetworkError(translate("Errors", "The service redirected too many times."))
            assert response is not None
            if not response.is_success:
                data = await _read_limited(response, tolerate_excess=True)
                raise classify_status(response.status_code, response.headers, data)
            yield response
        except ApiError:
            raise
        except httpx.TimeoutException:
            raise NetworkError(translate("Errors", "The service did not answer in time.")) from None
        except httpx.ConnectError as exc:
            raise NetworkError(_connect_message(exc)) from None
        except (httpx.HTTPError, OSError, ssl.SSLError) as exc:
            raise NetworkError(
                translate("Errors", "The connection failed: {reason}.").format(reason=_plain(exc))
            ) from None
        except ValueError as exc:
            raise InvalidResponseError(
                translate("Errors", "The service's answer was malformed: {reason}.").format(
                    reason=exc
                )
            ) from None
        finally:
            if response is not None:
                await response.aclose()

    def _headers_for(self, url: str, accept: str, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Accept": accept, "Content-Type": "application/json"}
        if extra:
            headers.update(extra)
        if self._api_key and self._is_own_origin(url):
            if self._plain_remote:
                raise InsecureTransportError(
                    translate(
                        "Errors",
                        "Refusing to send the API key over plain http:// to another machine; "
                        "use https://.",
                    )
                )
            headers["Authorization"] = f"Bearer {self._api_key}"
        return headers

    def _is_own_origin(self, url: str) -> bool:
        """Whether `url` is on the service's origin, the only one that gets the key.

        Every poll's URL starts with the base URL (a string test, no parsing: this runs on
        every request); anything else (a redirect, a CDN link) is compared origin to origin.
        """
        return url.startswith(self._own_prefix) or origin_of(url) == self.origin

    @property
    def has_bulk_transport(self) -> bool:
        """Whether `stream(..., bulk=True)` reads over `BulkTransport` (see `__init__`)."""
        return self._bulk_http is not None

    async def aclose(self) -> None:
        await self._http.aclose()
        if self._bulk_http is not None:
            await self._bulk_http.aclose()


def proxy_configured() -> bool:
    """Whether httpx would send some requests through a proxy from the environment.

    httpx reads its proxies from `urllib.request.getproxies()` (the environment, or the
    system settings on macOS and Windows) under these three keys, so this is the same
    lookup. It errs on the safe side: a ``NO_PROXY`` exception still counts as "a proxy
    is configured", which only means downloads use httpx's own, slower transport.
    """
    proxies = urllib.request.getproxies()
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))


async def _read_limited(response: httpx.Response, *, tolerate_excess: bool = False) -> bytes:
    """The body, refusing anything over `MAX_BODY_BYTES` (an error page is just cut)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            if tolerate_excess:
                break
            raise InvalidResponseError(
                translate(
                    "Errors", "The answer is larger than {size} KiB; it is not a task."
                ).format(size=MAX_BODY_BYTES // 1024)
            )
        chunks.append(chunk)
    return b"".join(chunks)


def decode_json(data: bytes, content_type: str = "") -> Any:
    """Parse JSON whatever the Content-Type claims, or say what the body looked like."""
    if not data.strip():
        raise InvalidResponseError(translate("Errors", "The service answered with an empty body."))
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        pass
    if _looks_like_html(data):
        title = _html_title(data)
        suffix = f" ({title})" if title else ""
        raise InvalidResponseError(
            translate("Errors", "The service answered with a web page, not JSON{title}.").format(
                title=suffix
            )
        )
    kind = content_type.split(";")[0].strip() or "unknown type"
    raise InvalidResponseError(
        translate("Errors", "The service's answer is not valid JSON ({kind}).").format(kind=kind)
    )


def classify_status(status: int, headers: httpx.Headers, body: bytes) -> ApiError:
    """The `ApiError` for a non-2xx answer."""
    detail = _error_detail(body)
    suffix = f": {detail}" if detail else "."
    if status in (401, 403):
        return AuthError(
            translate("Errors", "The service refused the API key (HTTP {status}){detail}").format(
                status=status, detail=suffix
            ),
            status=status,
        )
    if status == 404:
        return NotFoundError(
            translate("Errors", "The service does not know this task (HTTP 404){detail}").format(
                detail=suffix
            ),
            status=status,
        )
    retry_after = parse_retry_after(headers)
    if status == 429:
        return RateLimitedError(
            translate("Errors", "The service is rate limiting requests (HTTP 429){detail}").format(
                detail=suffix
            ),
            status=status,
            retry_after=retry_after,
        )
    if status >= 500:
        return ServerError(
            translate("Errors", "The service had an error (HTTP {status}){detail}").format(
                status=status, detail=suffix
            ),
            status=status,
            retry_after=retry_after,
        )
    return RequestRejectedError(
        translate("Errors", "The service rejected the request (HTTP {status}){detail}").format(
            status=status, detail=suffix
        ),
        status=status,
    )


def parse_retry_after(headers: httpx.Headers, now: float | None = None) -> float | None:
    """Seconds to wait: `retry-after-ms`, else `Retry-After` in seconds or as an HTTP date."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            value = float(raw_ms) / 1000.0
            if value >= 0 and value == value:
                return value
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        value = float(raw.strip())
        return value if value >= 0 and value == value else None
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _error_detail(body: bytes) -> str:
    """A short, readable reason from an error body (OpenAI error JSON, HTML title, text)."""
    if not body.strip():
        return ""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        data = None
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return _clip(error["message"])
        if isinstance(error, str):
            return _clip(error)
        if isinstance(data.get("message"), str):
            return _clip(data["message"])
        return ""
    if _looks_like_html(body):
        return _html_title(body)
    text = body.decode("utf-8", "replace").strip()
    return _clip(text) if text.isprintable() else ""


def _looks_like_html(data: bytes) -> bool:
    head = data[:512].lstrip().lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<body")) or b"<html" in head


def _html_title(data: bytes) -> str:
    match = _TITLE.search(data[:65536])
    if not match:
        return ""
    return _clip(" ".join(match.group(1).decode("utf-8", "replace").split()))


def _clip(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _connect_message(exc: httpx.ConnectError) -> str:
    """Name the cause a user can act on: refused, DNS, TLS, or the system's words."""
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return translate(
                "Errors", "The service's TLS certificate could not be verified: {reason}."
            ).format(reason=_plain(cause))
        if isinstance(cause, ssl.SSLError):
            return translate(
                "Errors", "The secure connection to the service failed: {reason}."
            ).format(reason=_plain(cause))
        if isinstance(cause, socket.gaierror):
            return translate(
                "Errors", "The service's host name could not be resolved (no network?)."
            )
        if isinstance(cause, ConnectionRefusedError):
            return translate(
                "Errors", "The service refused the connection (is it running? is the URL right?)."
            )
    text = _plain(exc)
    if "all connection attempts failed" in text.lower():
        return translate(
            "Errors", "Could not connect to the service (connection refused or unreachable)."
        )
    return translate("Errors", "Could not connect to the service: {reason}.").format(reason=text)


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _plain(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return _clip(text, 160)
