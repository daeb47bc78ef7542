"""Classified errors of the video API.

Every request the client makes ends in a snapshot or one of these. The poller
decides what to do from the class alone (pause the service, back off the task,
give up), and the user reads ``str(error)``: one plain sentence, never a
traceback and never the key.
"""

from __future__ import annotations

from reelwatch.redact import redact


class ApiError(Exception):
    """Base of every error the API client reports."""

    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        message = redact(message)  # server text may echo the key back
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


class AuthError(ApiError):
    """401/403: the key is missing or refused. The service pauses until a new key."""

    kind = "auth"


class NotFoundError(ApiError):
    """404: the service does not know the task (yet, or any more)."""

    kind = "not_found"


class RateLimitedError(ApiError):
    """429 (or 503 with Retry-After): the whole service waits ``retry_after`` seconds."""

    kind = "rate_limited"


class ServerError(ApiError):
    """5xx: the service or a gateway in front of it failed; the task backs off."""

    kind = "server"


class RequestRejectedError(ApiError):
    """Any other 4xx: the service refused this request (400, 422, ...)."""

    kind = "rejected"


class InvalidResponseError(ApiError):
    """The answer was not a usable task object (not JSON, wrong types, too large)."""

    kind = "invalid_response"


class NetworkError(ApiError):
    """No answer at all: refused, reset, DNS, TLS, timeout."""

    kind = "network"


class InsecureTransportError(ApiError):
    """The key would travel in clear text to a host that is not this machine."""

    kind = "insecure"
