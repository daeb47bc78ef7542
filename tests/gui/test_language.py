"""Started in zh_CN, the window speaks Simplified Chinese: menus, headers, dialogs, engine text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTranslator

from reelwatch.gui.task_model import Column
from reelwatch.gui.translations import install_translations
from reelwatch.resources import resource_path


@pytest.fixture
def chinese(qapp):
    before = set(qapp.findChildren(QTranslator))
    install_translations(qapp, "zh_CN")
    yield
    for translator in set(qapp.findChildren(QTranslator)) - before:
        qapp.removeTranslator(translator)
        translator.deleteLater()
    QLocale.setDefault(QLocale(QLocale.Language.English))


def test_compiled_translation_ships() -> None:
    assert resource_path("translations/reelwatch_zh_CN.qm").is_file()


def test_window_menus_headers_and_dialogs_in_chinese(
    chinese, make_window, fake_api, qtbot, settings
) -> None:
    window = make_window(fake_api.base_url, interval=3600)
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["文件(&F)", "任务(&T)", "视图(&V)", "帮助(&H)"]
    headers = [window.model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert headers[Column.STATE] != "State" and all(h and not h.isascii() for h in headers)
    assert window.act_add.text() == "添加任务(&A)…"
    window.add_text("video_chinese01")
    assert window.windowTitle().startswith("Reelwatch") and "0/1" in window.windowTitle()
    assert not window.statusBar().currentMessage().isascii()

    from reelwatch.gui.add_dialog import AddTasksDialog
    from reelwatch.gui.settings_dialog import SettingsDialog

    add = AddTasksDialog(["https://api.example.com"], "https://api.example.com", window)
    qtbot.addWidget(add)
    assert not add.windowTitle().isascii()
    prefs = SettingsDialog(settings, window.keys, fake_api.base_url, window)
    qtbot.addWidget(prefs)
    assert not prefs.windowTitle().isascii()


def test_engine_messages_are_translated_too(chinese) -> None:
    from reelwatch.api.urls import normalize_base_url

    with pytest.raises(ValueError) as info:
        normalize_base_url("ftp://example.com")
    assert "https://" in str(info.value)
    assert not str(info.value).isascii()
    assert QCoreApplication.translate("Format", "just now") != "just now"
