"""SettingsDialog: settings round-trip, where the API key lives, and that it never leaks."""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
)

from reelwatch.engine.secrets import SERVICE_NAME, KeyStore
from reelwatch.gui.settings_dialog import SettingsDialog
from reelwatch.settings import (
    AUTO_DOWNLOAD,
    DOWNLOAD_DIR,
    INTERVAL,
    MAX_RATE,
    NOTIFY,
    SERVICES,
    Settings,
)

DEFAULT = "https://api.chainhub.tech"
OTHER = "https://api.example.com"
SECRET = "sk-test-7f3a9c1e-DO-NOT-LEAK"


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    return tmp_path / "s.ini"


def open_settings(ini: Path) -> Settings:
    return Settings(QSettings(str(ini), QSettings.Format.IniFormat))


@pytest.fixture
def make(qtbot, ini):
    def factory(keys: KeyStore | None = None, base_url: str = DEFAULT) -> SettingsDialog:
        dialog = SettingsDialog(open_settings(ini), keys or KeyStore(environ={}), base_url)
        qtbot.addWidget(dialog)
        return dialog

    return factory


def child(dialog: SettingsDialog, kind, name: str):
    widget = dialog.findChild(kind, name)
    assert widget is not None, name
    return widget


def key_edit(dialog: SettingsDialog) -> QLineEdit:
    return child(dialog, QLineEdit, "apiKey")


def status(dialog: SettingsDialog) -> str:
    return child(dialog, QLabel, "keyStatus").text()


def warning(dialog: SettingsDialog) -> QFrame:
    return child(dialog, QFrame, "keyWarning")


def warning_text(dialog: SettingsDialog) -> str:
    return child(dialog, QLabel, "keyWarningText").text()


def file_text(ini: Path) -> str:
    return ini.read_text(encoding="utf-8") if ini.exists() else ""


def test_defaults_are_shown(make, memory_keyring) -> None:
    dialog = make()
    assert child(dialog, QComboBox, "service").currentText() == DEFAULT
    assert child(dialog, QSpinBox, "interval").value() == 10
    assert child(dialog, QDoubleSpinBox, "maxRate").value() == 5.0
    assert child(dialog, QCheckBox, "autoDownload").isChecked()
    assert child(dialog, QCheckBox, "notify").isChecked()
    assert child(dialog, QLineEdit, "downloadDir").text() == ""
    assert child(dialog, QLineEdit, "downloadDir").placeholderText()  # the default folder
    assert status(dialog) == "No key stored yet"
    assert warning(dialog).isHidden()


def test_values_round_trip(make, qtbot, ini, tmp_path, memory_keyring) -> None:
    folder = tmp_path / "videos"
    dialog = make()
    child(dialog, QComboBox, "service").setEditText("API.Example.com/v1/")
    child(dialog, QSpinBox, "interval").setValue(30)
    child(dialog, QDoubleSpinBox, "maxRate").setValue(0)
    child(dialog, QLineEdit, "downloadDir").setText(str(folder))
    child(dialog, QCheckBox, "autoDownload").setChecked(False)
    child(dialog, QCheckBox, "notify").setChecked(False)
    assert child(dialog, QDoubleSpinBox, "maxRate").text() == "No limit"
    with qtbot.assertNotEmitted(dialog.key_changed), qtbot.waitSignal(dialog.settings_changed):
        child(dialog, QPushButton, "ok").click()
    assert dialog.result() == QDialog.DialogCode.Accepted

    saved = open_settings(ini)
    assert saved.base_url() == OTHER
    assert saved.services() == [OTHER, DEFAULT]
    assert saved.get(SERVICES) == [OTHER, DEFAULT]
    assert saved.get(INTERVAL) == 30.0
    assert saved.get(MAX_RATE) == 0.0
    assert saved.download_dir() == folder
    assert saved.get(DOWNLOAD_DIR) == str(folder)
    assert saved.get(AUTO_DOWNLOAD) is False
    assert saved.get(NOTIFY) is False

    again = make(base_url=saved.base_url())
    assert child(again, QComboBox, "service").currentText() == OTHER
    assert child(again, QSpinBox, "interval").value() == 30
    assert child(again, QDoubleSpinBox, "maxRate").value() == 0.0
    assert child(again, QLineEdit, "downloadDir").text() == str(folder)
    assert not child(again, QCheckBox, "autoDownload").isChecked()
    assert not child(again, QCheckBox, "notify").isChecked()


def test_cancel_writes_nothing(make, ini, memory_keyring) -> None:
    dialog = make()
    child(dialog, QSpinBox, "interval").setValue(99)
    key_edit(dialog).setText(SECRET)
    dialog.reject()
    assert open_settings(ini).get(INTERVAL) == 10.0
    assert memory_keyring.items == {}


def test_invalid_url_blocks_accept_with_a_message(make, qtbot, memory_keyring) -> None:
    dialog = make()
    child(dialog, QComboBox, "service").setEditText("ftp://files.example.com")
    note = child(dialog, QLabel, "urlNote")
    assert not note.isHidden()
    assert "https://" in note.text()
    assert not child(dialog, QPushButton, "ok").isEnabled()
    qtbot.waitUntil(lambda: not key_edit(dialog).isEnabled(), timeout=2000)
    assert status(dialog) == "Enter a valid service URL to set its key."
    with qtbot.assertNotEmitted(dialog.settings_changed):
        dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_key_goes_to_the_keyring_and_never_to_the_file(make, qtbot, ini, memory_keyring) -> None:
    dialog = make()
    edit = key_edit(dialog)
    assert edit.echoMode() == QLineEdit.EchoMode.Password
    edit.setText(SECRET)
    with qtbot.waitSignal(dialog.key_changed) as blocker:
        child(dialog, QPushButton, "ok").click()
    assert blocker.args == [DEFAULT, SECRET]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert memory_keyring.items == {(SERVICE_NAME, KeyStore.account_for(DEFAULT)): SECRET}
    assert ini.exists()
    assert SECRET not in file_text(ini)
    assert "sk-test" not in file_text(ini)

    # Opened again: the key is never shown, only that one is stored and where.
    again = make()
    assert key_edit(again).text() == ""
    assert key_edit(again).placeholderText() == "•••••• stored — type to replace"
    assert status(again).startswith("Stored in the system keyring (")
    assert child(again, QPushButton, "forgetKey").isEnabled()


def test_reveal_action_toggles_the_echo_mode(make, memory_keyring) -> None:
    dialog = make()
    edit = key_edit(dialog)
    (reveal,) = [action for action in edit.actions() if action.objectName() == "revealKey"]
    assert reveal.text() == "Show key"
    reveal.trigger()
    assert edit.echoMode() == QLineEdit.EchoMode.Normal
    assert reveal.text() == "Hide key"
    reveal.trigger()
    assert edit.echoMode() == QLineEdit.EchoMode.Password


def test_forget_is_applied_on_ok_only(make, qtbot, memory_keyring) -> None:
    keys = KeyStore(environ={})
    keys.store(DEFAULT, SECRET)
    dialog = make(keys)
    child(dialog, QPushButton, "forgetKey").click()
    assert "forgotten when you press OK" in status(dialog)
    dialog.reject()
    assert keys.lookup(DEFAULT).key == SECRET

    dialog = make(keys)
    child(dialog, QPushButton, "forgetKey").click()
    with qtbot.waitSignal(dialog.key_changed) as blocker:
        child(dialog, QPushButton, "ok").click()
    assert blocker.args == [DEFAULT, None]
    assert keys.lookup(DEFAULT).key is None
    assert memory_keyring.items == {}


def test_key_of_the_chosen_service_is_shown(make, qtbot, memory_keyring) -> None:
    keys = KeyStore(environ={})
    keys.store(OTHER, SECRET)
    dialog = make(keys)
    assert status(dialog) == "No key stored yet"
    child(dialog, QComboBox, "service").setEditText(OTHER)
    qtbot.waitUntil(lambda: status(dialog).startswith("Stored in"), timeout=2000)


def test_no_keyring_warns_up_front_and_keeps_the_key_for_the_session(
    make, qtbot, ini, failing_keyring
) -> None:
    keys = KeyStore(environ={})
    dialog = make(keys)
    assert not warning(dialog).isHidden()
    assert "No usable keyring" in warning_text(dialog)
    assert "for this session only" in warning_text(dialog)
    key_edit(dialog).setText(SECRET)
    with qtbot.waitSignal(dialog.key_changed) as blocker:
        child(dialog, QPushButton, "ok").click()
    assert blocker.args == [DEFAULT, SECRET]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert keys.lookup(DEFAULT).source == "session"
    assert keys.lookup(DEFAULT).key == SECRET
    assert SECRET not in file_text(ini)

    again = make(keys)
    assert status(again) == "Kept in memory for this session only (not saved)"
    assert key_edit(again).text() == ""


class _LockedKeyring(keyring.backend.KeyringBackend):
    """Reads work, saving fails: what a locked Secret Service looks like."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("the collection is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.PasswordDeleteError("not found")


@pytest.fixture
def locked_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(_LockedKeyring())
    yield
    keyring.set_keyring(previous)


def test_a_failed_save_keeps_the_key_for_the_session_and_says_so(
    make, qtbot, ini, locked_keyring
) -> None:
    keys = KeyStore(environ={})
    dialog = make(keys)
    assert warning(dialog).isHidden()
    key_edit(dialog).setText(SECRET)
    ok = child(dialog, QPushButton, "ok")
    with qtbot.waitSignal(dialog.key_changed) as blocker:
        ok.click()
    assert blocker.args == [DEFAULT, SECRET]
    # Not closed: the user must read that the key was not saved.
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not warning(dialog).isHidden()
    assert "for this session only" in warning_text(dialog)
    assert status(dialog) == "Kept in memory for this session only (not saved)"
    assert key_edit(dialog).text() == ""
    assert ok.text() == "Close"
    assert not child(dialog, QSpinBox, "interval").isEnabled()  # applied: nothing more to edit
    assert keys.lookup(DEFAULT).source == "session"
    assert SECRET not in file_text(ini)
    with qtbot.assertNotEmitted(dialog.key_changed):
        ok.click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_env_key_is_shown_as_read_only(make, qtbot, memory_keyring) -> None:
    keys = KeyStore(environ={"REELWATCH_API_KEY": SECRET})
    dialog = make(keys)
    assert status(dialog) == (
        "Comes from the environment variable REELWATCH_API_KEY (read-only here)"
    )
    edit = key_edit(dialog)
    assert not edit.isEnabled()
    assert edit.text() == ""
    assert SECRET not in edit.placeholderText()
    assert not child(dialog, QPushButton, "forgetKey").isEnabled()
    assert warning(dialog).isHidden()
    with qtbot.assertNotEmitted(dialog.key_changed), qtbot.waitSignal(dialog.settings_changed):
        dialog.accept()
    assert memory_keyring.items == {}


def test_env_key_hides_the_no_keyring_warning(make, failing_keyring) -> None:
    dialog = make(KeyStore(environ={"REELWATCH_API_KEY": SECRET}))
    assert warning(dialog).isHidden()


def test_choose_opens_a_non_modal_folder_dialog(make, qtbot, tmp_path, memory_keyring) -> None:
    dialog = make()
    dialog.show()
    qtbot.waitExposed(dialog)
    child(dialog, QPushButton, "chooseFolder").click()
    chooser = dialog.findChild(QFileDialog, "folderDialog")
    assert chooser is not None
    assert chooser.isVisible()
    assert chooser.fileMode() == QFileDialog.FileMode.Directory
    chooser.fileSelected.emit(str(tmp_path))
    chooser.reject()
    assert child(dialog, QLineEdit, "downloadDir").text() == str(tmp_path)
