"""Logging to a rotating file in the platform's log folder, every line redacted."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from reelwatch.redact import redact

LOG_FILE = "reelwatch.log"
MAX_BYTES = 1024 * 1024
BACKUPS = 3


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes every known secret (tracebacks included)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_file_logging(folder: Path, level: int = logging.INFO) -> Path | None:
    """Log to `folder/reelwatch.log` (1 MiB × 4 files); None when the folder is unusable."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    return folder / LOG_FILE
