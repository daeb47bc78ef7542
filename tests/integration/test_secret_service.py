"""The API key in a real Secret Service (gnome-keyring on a private D-Bus session).

`.ci/run` runs the suite inside `dbus-run-session` with an unlocked gnome-keyring; these
tests skip only where no session bus exists at all.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    not os.environ.get("DBUS_SESSION_BUS_ADDRESS"), reason="no D-Bus session bus here"
)

BASE = "https://api.chainhub.tech"


@pytest.fixture
def secret_service():
    import keyring
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    try:
        backend.get_password("reelwatch-probe", "probe")
    except Exception as exc:  # no Secret Service on this bus
        if os.environ.get("REELWATCH_TEST_BUS"):
            raise  # tests/run started one: it must work
        pytest.skip(f"no usable Secret Service: {exc}")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_key_round_trip_through_the_secret_service(secret_service) -> None:
    from reelwatch.engine.secrets import SERVICE_NAME, KeyStore

    keys = KeyStore(environ={})
    where = keys.store(BASE, "sk-secret-service-test")
    assert "SecretService" in where
    # Stored under the service name and the API origin, readable by any client of the store.
    assert secret_service.get_password(SERVICE_NAME, "https://api.chainhub.tech:443") == (
        "sk-secret-service-test"
    )
    assert KeyStore(environ={}).lookup(BASE).key == "sk-secret-service-test"
    assert keys.delete(BASE) is True
    assert KeyStore(environ={}).lookup(BASE).key is None


def test_key_commands_use_the_secret_service(secret_service, tmp_path) -> None:
    env = dict(os.environ)
    env.pop("REELWATCH_API_KEY", None)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.SecretService.Keyring"
    env["XDG_CONFIG_HOME"] = str(tmp_path)

    def reelwatch(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reelwatch", "key", *args, "--base-url", BASE],
            input=stdin, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    result = reelwatch("set", stdin="sk-from-stdin\n")
    assert result.returncode == 0, result.stderr
    assert "SecretService" in result.stdout
    assert "sk-from-stdin" not in result.stdout + result.stderr
    status = reelwatch("status")
    assert status.returncode == 0
    assert "stored in the system keyring" in status.stdout
    assert (
        secret_service.get_password("reelwatch", "https://api.chainhub.tech:443") == "sk-from-stdin"
    )
    deleted = reelwatch("delete")
    assert deleted.returncode == 0 and "Deleted" in deleted.stdout
    assert reelwatch("status").returncode == 1
