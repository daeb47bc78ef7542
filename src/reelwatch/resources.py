"""Locate files shipped in `resources/` (icons, the demo video).

A wheel carries them inside the package (`reelwatch/resources`); an editable
install or a source checkout keeps them at the top of the repository; a
PyInstaller bundle puts them next to the executable's data (`sys._MEIPASS`).
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The folder holding Reelwatch's shipped resources."""
    candidates = [_PACKAGE_DIR / "resources", _PACKAGE_DIR.parents[1] / "resources"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.insert(0, Path(bundle) / "reelwatch" / "resources")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


def resource_path(name: str) -> Path:
    """Path of one shipped resource, e.g. ``resource_path("demo.mp4")``."""
    return resources_dir() / name
