"""Everything can be done from the keyboard, and controls without text have names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QToolButton


def test_every_action_has_a_shortcut_or_an_accelerator(make_window, fake_api) -> None:
    window = make_window(fake_api.base_url, interval=3600)
    actions = [a for a in window.findChildren(QAction) if a.text() and not a.isSeparator()]
    assert len(actions) >= 18
    missing = [a.text() for a in actions if a.shortcut().isEmpty() and "&" not in a.text()]
    assert missing == []


def test_controls_without_text_have_accessible_names(make_window, fake_api) -> None:
    window = make_window(fake_api.base_url, interval=3600)
    window.add_text("video_keyboard1")
    widgets = [
        *window.findChildren(QToolButton),
        *window.findChildren(QComboBox),
        *window.findChildren(QLineEdit),
    ]
    unnamed = [
        w.objectName() or type(w).__name__
        for w in widgets
        if w.isVisible()
        and not w.objectName().startswith("qt_")  # Qt's own toolbar overflow button
        and not (isinstance(w, QAbstractButton) and w.text().strip("✕ "))
        and not w.accessibleName()
        and not (isinstance(w, QToolButton) and w.defaultAction() is not None)
    ]
    assert unnamed == []


def test_delete_removes_and_enter_opens_details(make_window, fake_api, qtbot) -> None:
    from tests.fakeapi import json_step, openai_video

    fake_api.script(
        "video_keyboard2", [json_step(openai_video("video_keyboard2", "in_progress", 5))]
    )
    window = make_window(fake_api.base_url, interval=3600)
    window.add_text("video_keyboard2")
    qtbot.waitUntil(lambda: window.session.tracker.records()[0].snapshot is not None)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.table.hasFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    from reelwatch.gui.raw_json_dialog import RawJsonDialog

    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(RawJsonDialog)))
    for dialog in window.findChildren(RawJsonDialog):
        dialog.close()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert window.proxy.rowCount() == 0
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.proxy.rowCount() == 1
