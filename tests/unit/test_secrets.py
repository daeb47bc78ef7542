"""The keyring facade: per-origin entries, the environment, and no keyring at all."""

from __future__ import annotations

import pytest

from reelwatch.engine.secrets import ENV_VAR, SERVICE_NAME, KeyringUnavailableError, KeyStore


def test_store_lookup_delete_per_origin(memory_keyring) -> None:
    keys = KeyStore(environ={})
    where = keys.store("https://api.chainhub.tech/v1/", "sk-one")
    assert "keyring" in where
    assert memory_keyring.items == {(SERVICE_NAME, "https://api.chainhub.tech:443"): "sk-one"}
    assert keys.lookup("https://API.chainhub.tech").key == "sk-one"
    assert keys.lookup("https://api.chainhub.tech").source == "keyring"
    assert keys.lookup("https://other.example.com").key is None
    assert keys.delete("https://api.chainhub.tech") is True
    assert keys.delete("https://api.chainhub.tech") is False
    assert keys.lookup("https://api.chainhub.tech").key is None


def test_environment_wins(memory_keyring) -> None:
    keys = KeyStore(environ={ENV_VAR: " sk-env "})
    keys.store("https://api.chainhub.tech", "sk-stored")
    lookup = keys.lookup("https://api.chainhub.tech")
    assert (lookup.key, lookup.source) == ("sk-env", "env")


def test_no_keyring_says_what_to_do_and_never_writes_a_file(failing_keyring, tmp_path) -> None:
    keys = KeyStore(environ={})
    lookup = keys.lookup("https://api.chainhub.tech")
    assert lookup.key is None
    assert ENV_VAR in (lookup.problem or "")
    with pytest.raises(KeyringUnavailableError, match="keyring"):
        keys.store("https://api.chainhub.tech", "sk-x")
    available, message = keys.available()
    assert not available and "Secret Service" in message
    # The session-only fallback the window offers keeps it in memory.
    keys.keep_for_session("https://api.chainhub.tech", "sk-x")
    assert keys.lookup("https://api.chainhub.tech") == type(lookup)("sk-x", "session")


def test_empty_key_is_refused(memory_keyring) -> None:
    with pytest.raises(ValueError):
        KeyStore(environ={}).store("https://api.chainhub.tech", "   ")


def test_a_broken_backend_is_a_clear_error(memory_keyring, monkeypatch) -> None:
    import keyring.errors

    def boom(*args):
        raise keyring.errors.InitError("Failed to unlock the collection!")

    monkeypatch.setattr(memory_keyring, "get_password", boom)
    monkeypatch.setattr(memory_keyring, "set_password", boom)
    keys = KeyStore(environ={})
    assert "locked" in (keys.lookup("https://x.example.com").problem or "")
    with pytest.raises(KeyringUnavailableError, match="locked"):
        keys.store("https://x.example.com", "sk")


def test_a_key_from_the_environment_never_loads_keyring() -> None:
    """The window reads the key before its first paint only in this case: it must be free."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from reelwatch.engine.secrets import ENV_VAR, KeyStore\n"
        "assert KeyStore(environ={ENV_VAR: 'sk-env'}).lookup('https://x.example.com').key\n"
        "print('keyring' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "False"
