"""The one place that talks to `keyring`.

One entry per API origin under the service name ``reelwatch``. The
environment variable ``REELWATCH_API_KEY`` wins over the keyring (for
scripts). A backend the user chose through keyring's own configuration is
used as it is; when no usable backend exists the user is told what to do,
and the key can be kept in memory for this session only — never written to a
plaintext file behind their back.

`keyring` itself is imported on the first call that needs it, not with this module: loading
it (and, on its first use, finding and opening a backend over D-Bus) is a good part of a
start-up, and a key from the environment never needs it at all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from reelwatch.api.urls import origin_of
from reelwatch.i18n import translate
from reelwatch.redact import register_secret

if TYPE_CHECKING:
    import keyring.backend

SERVICE_NAME = "reelwatch"
ENV_VAR = "REELWATCH_API_KEY"


def _keyring() -> ModuleType:
    """The `keyring` package, with its `errors` and `backend` modules loaded."""
    import keyring
    import keyring.backend
    import keyring.errors

    return keyring


def no_keyring_help() -> str:
    return translate(
        "Errors",
        "No usable keyring was found (a Secret Service such as GNOME Keyring or KWallet on "
        "Linux, Keychain on macOS, Credential Manager on Windows). Install or unlock one, or "
        "set {env} in the environment.",
    ).format(env=ENV_VAR)


class KeyringUnavailableError(Exception):
    """The key cannot be stored or read; the message says what to do."""


@dataclass(frozen=True)
class KeyLookup:
    """A key and where it came from: ``env``, ``keyring``, ``session`` or None."""

    key: str | None
    source: str | None
    problem: str | None = None


class KeyStore:
    """Read, store and delete the API key of each service."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ
        self._session_keys: dict[str, str] = {}

    @staticmethod
    def account_for(base_url: str) -> str:
        """The keyring user name: the service's origin, so paths never split one key."""
        return origin_of(base_url)

    def lookup(self, base_url: str) -> KeyLookup:
        """The key to use for `base_url`, never raising."""
        env_key = (self._environ.get(ENV_VAR) or "").strip()
        if env_key:
            register_secret(env_key)
            return KeyLookup(env_key, "env")
        account = self.account_for(base_url)
        if account in self._session_keys:
            register_secret(self._session_keys[account])
            return KeyLookup(self._session_keys[account], "session")
        errors = _keyring().errors
        try:
            stored = self._backend().get_password(SERVICE_NAME, account)
        except KeyringUnavailableError as exc:
            return KeyLookup(None, None, str(exc))
        except errors.KeyringError as exc:
            return KeyLookup(None, None, _keyring_message(exc))
        except Exception as exc:  # a third-party backend may raise anything
            return KeyLookup(None, None, _keyring_message(exc))
        if not stored:
            return KeyLookup(None, None)
        register_secret(stored)
        return KeyLookup(stored, "keyring")

    def store(self, base_url: str, key: str) -> str:
        """Save the key in the keyring; returns where it now lives, for the user."""
        key = key.strip()
        if not key:
            raise ValueError(translate("Errors", "The API key is empty."))
        register_secret(key)
        account = self.account_for(base_url)
        try:
            self._backend().set_password(SERVICE_NAME, account, key)
        except KeyringUnavailableError:
            raise
        except Exception as exc:
            raise KeyringUnavailableError(_keyring_message(exc)) from None
        self._session_keys.pop(account, None)
        return self.describe_backend()

    def keep_for_session(self, base_url: str, key: str) -> None:
        """Remember the key in memory only, until the app quits."""
        register_secret(key.strip())
        self._session_keys[self.account_for(base_url)] = key.strip()

    def delete(self, base_url: str) -> bool:
        """Forget the key of `base_url`; True when one was stored."""
        account = self.account_for(base_url)
        had_session = self._session_keys.pop(account, None) is not None
        errors = _keyring().errors
        try:
            self._backend().delete_password(SERVICE_NAME, account)
        except errors.PasswordDeleteError:
            return had_session
        except KeyringUnavailableError:
            if had_session:
                return True
            raise
        except Exception as exc:
            raise KeyringUnavailableError(_keyring_message(exc)) from None
        return True

    def available(self) -> tuple[bool, str]:
        """Whether a keyring can hold keys, and a sentence saying which or why not."""
        try:
            self._backend()
        except KeyringUnavailableError as exc:
            return False, str(exc)
        return True, self.describe_backend()

    def describe_backend(self) -> str:
        """Where keys live, in words a user recognises."""
        try:
            backend = self._backend()
        except KeyringUnavailableError as exc:
            return str(exc)
        name = getattr(backend, "name", type(backend).__name__)
        return translate("Errors", "the system keyring ({name})").format(name=name)

    @staticmethod
    def _backend() -> keyring.backend.KeyringBackend:
        backend = _keyring().get_keyring()
        module = type(backend).__module__
        if module == "keyring.backends.fail":
            raise KeyringUnavailableError(no_keyring_help())
        if module == "keyring.backends.chainer" and not getattr(backend, "backends", None):
            raise KeyringUnavailableError(no_keyring_help())
        return backend


def _keyring_message(exc: BaseException) -> str:
    errors = _keyring().errors
    text = str(exc).strip()
    if isinstance(exc, errors.InitError) or "locked" in text.lower():
        return translate(
            "Errors",
            "The system keyring could not be opened (is it locked?). Unlock it, or set "
            "{env} in the environment.",
        ).format(env=ENV_VAR)
    if isinstance(exc, errors.NoKeyringError):
        return no_keyring_help()
    return translate("Errors", "The system keyring failed: {reason}.").format(
        reason=text or type(exc).__name__
    )
