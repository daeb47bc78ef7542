"""The one settings object, over `QSettings`, with every key declared once.

Declared defaults mean no caller ever passes a fallback of its own, and a
value of the wrong type in the file (edited by hand, or by an older version)
falls back to the default instead of breaking start-up. The API key is never
a setting: it lives in the keyring (`engine.secrets`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from reelwatch.api.urls import DEFAULT_BASE_URL, normalize_base_url
from reelwatch.paths import default_download_dir


@dataclass(frozen=True)
class Option:
    key: str
    default: Any
    kind: type


BASE_URL = Option("service/base_url", DEFAULT_BASE_URL, str)
SERVICES = Option("service/known", [DEFAULT_BASE_URL], list)
INTERVAL = Option("poll/interval", 10.0, float)
MAX_RATE = Option("poll/max_rate", 5.0, float)
DOWNLOAD_DIR = Option("downloads/folder", "", str)
AUTO_DOWNLOAD = Option("downloads/auto", True, bool)
NOTIFY = Option("ui/notifications", True, bool)
LANGUAGE = Option("ui/language", "", str)
GEOMETRY = Option("window/geometry", b"", bytes)
WINDOW_STATE = Option("window/state", b"", bytes)
SPLITTER = Option("window/splitter", b"", bytes)
HEADER = Option("window/header", b"", bytes)


class Settings:
    """Typed access to Reelwatch's settings file."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._q = qsettings or QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, "reelwatch", "settings"
        )

    @property
    def file_name(self) -> str:
        return self._q.fileName()

    def get(self, option: Option) -> Any:
        value = self._q.value(option.key, option.default)
        return _coerce(value, option)

    def set(self, option: Option, value: Any) -> None:
        self._q.setValue(option.key, value)

    def sync(self) -> None:
        self._q.sync()

    # -- conveniences with validation -------------------------------------

    def base_url(self) -> str:
        try:
            return normalize_base_url(self.get(BASE_URL))
        except ValueError:
            return DEFAULT_BASE_URL

    def services(self) -> list[str]:
        known: list[str] = []
        for url in [self.base_url(), *self.get(SERVICES)]:
            try:
                normal = normalize_base_url(str(url))
            except ValueError:
                continue
            if normal not in known:
                known.append(normal)
        return known

    def download_dir(self, demo: bool = False) -> Path:
        chosen = self.get(DOWNLOAD_DIR)
        return Path(chosen) if chosen and not demo else default_download_dir(demo)

    def interval(self) -> float:
        return max(1.0, self.get(INTERVAL))

    def max_rate(self) -> float:
        return max(0.0, self.get(MAX_RATE))


def _coerce(value: Any, option: Option) -> Any:
    """QSettings hands back strings from INI files: turn them into the declared type."""
    kind = option.kind
    try:
        if kind is bool:
            if isinstance(value, str):
                return value.strip().lower() in ("1", "true", "yes", "on")
            return bool(value)
        if kind is float:
            number = float(value)
            return number if number == number else option.default
        if kind is list:
            if value is None or value == "":
                return list(option.default)
            return [str(item) for item in value] if isinstance(value, list) else [str(value)]
        if kind is bytes:
            return bytes(value) if value is not None else option.default
        return kind(value)
    except (TypeError, ValueError):
        return option.default
