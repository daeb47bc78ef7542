"""Where Reelwatch keeps its files, by the platform's rules.

Qt's `QStandardPaths` gives the standard locations (XDG on Linux, Application
Support on macOS, AppData on Windows). Only QtCore is imported, so the terminal
commands stay free of widgets.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths

APP_NAME = "reelwatch"
APP_DISPLAY_NAME = "Reelwatch"
ORGANIZATION = ""  # keeps paths at ~/.local/share/reelwatch, not reelwatch/reelwatch
DESKTOP_FILE = "tech.reelwatch.Reelwatch"


def init_application_names() -> None:
    """Set the names QStandardPaths and QSettings derive locations from; call first."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APP_NAME)


def data_dir() -> Path:
    init_application_names()
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location or Path.home() / ".reelwatch")


def database_path(demo: bool = False) -> Path:
    """The task list; the demo keeps its own so demo tasks never mix with the user's."""
    return data_dir() / ("demo.sqlite3" if demo else "tasks.sqlite3")


def default_download_dir(demo: bool = False) -> Path:
    return data_dir() / ("demo-videos" if demo else "videos")


def log_dir() -> Path:
    init_application_names()
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(location or data_dir()) / "logs"
