"""Test-wide isolation: offscreen Qt, a private home for data and settings, no real key.

Qt runs offscreen unless ``--onscreen`` is given (to watch a GUI test on a real
display). Every test session gets its own XDG folders so nothing touches the
user's task list, settings or keyring, and the environment's key and service
variables are removed so a developer's shell cannot change a result.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_HOME = Path(tempfile.mkdtemp(prefix="reelwatch-tests-"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--onscreen", action="store_true", help="show GUI tests on the display")


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("--onscreen"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[name] = str(_HOME / name.lower())
    os.environ.pop("REELWATCH_API_KEY", None)
    os.environ.pop("REELWATCH_BASE_URL", None)


@pytest.fixture
def memory_keyring():
    """A real keyring backend that keeps passwords in memory, set as the active one."""
    import keyring
    import keyring.backend
    import keyring.errors

    class MemoryKeyring(keyring.backend.KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.items: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.items.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.items[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if (service, username) not in self.items:
                raise keyring.errors.PasswordDeleteError("not found")
            del self.items[(service, username)]

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def failing_keyring():
    """keyring's own `fail.Keyring`: what a headless Linux without Secret Service has."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)
