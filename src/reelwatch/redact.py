"""Keep secrets out of anything written down: logs, crash reports, error dialogs.

The keyring facade registers every key it hands out; `redact` replaces those
values, and anything shaped like a bearer token, before text leaves the process.
"""

from __future__ import annotations

import re
import threading

_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{6,}")
_KEY_LIKE = re.compile(r"\bsk-[A-Za-z0-9_-]{8,}")
_secrets: set[str] = set()
_lock = threading.Lock()

MASK = "•••redacted•••"


def register_secret(value: str | None) -> None:
    """Remember a secret so that `redact` removes it wherever it appears."""
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, MASK)
    text = _BEARER.sub(lambda m: m.group(1) + MASK, text)
    return _KEY_LIKE.sub(MASK, text)
