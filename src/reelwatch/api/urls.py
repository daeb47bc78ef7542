"""Base URLs and origins: which host may see the key."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from reelwatch.i18n import translate

DEFAULT_BASE_URL = "https://api.chainhub.tech"


def normalize_base_url(url: str) -> str:
    """`https://Host/v1/` → `https://host`; raises ValueError with a readable reason."""
    text = url.strip()
    if not text:
        raise ValueError(translate("Errors", "The service URL is empty."))
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(
            translate(
                "Errors", "The service URL must start with https:// (got {scheme}://)."
            ).format(scheme=parts.scheme)
        )
    if not parts.hostname:
        raise ValueError(translate("Errors", "The service URL has no host name."))
    if parts.query or parts.fragment:
        raise ValueError(
            translate("Errors", "The service URL must not carry a query or a fragment.")
        )
    try:
        port = parts.port
    except ValueError:
        raise ValueError(translate("Errors", "The service URL has an invalid port.")) from None
    path = parts.path.rstrip("/")
    for suffix in ("/v1/videos", "/v1"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    return f"{parts.scheme.lower()}://{netloc}{path}"


def origin_of(url: str) -> str:
    """scheme://host:port with the default port made explicit, for exact comparison."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        port = 443 if scheme == "https" else 80
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


def is_loopback(url: str) -> bool:
    """True for localhost and 127.0.0.0/8 or ::1: plain http there never leaves the machine."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
