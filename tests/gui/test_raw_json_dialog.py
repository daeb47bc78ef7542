"""RawJsonDialog: pretty text in server order, monospace, read-only, Copy."""

from __future__ import annotations

import json

from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QPlainTextEdit, QPushButton

from reelwatch.gui.raw_json_dialog import RawJsonDialog, format_payload

PAYLOAD = {
    "status": "completed",
    "id": "video_6984d77f318481908e9ff63f81a7ffe6",
    "prompt": "一只猫在月球上弹钢琴 — ünïcödé",
    "progress": 100,
    "error": None,
    "assets": [{"url": "https://cdn.example.com/v.mp4", "size": 1234}],
}


def make(qtbot, payload: object = PAYLOAD) -> RawJsonDialog:
    dialog = RawJsonDialog("Task video_6984…", payload)
    qtbot.addWidget(dialog)
    return dialog


def test_pretty_text_in_server_order(qtbot) -> None:
    dialog = make(qtbot)
    view = dialog.findChild(QPlainTextEdit, "json")
    text = view.toPlainText()
    assert text == json.dumps(PAYLOAD, indent=2, ensure_ascii=False)
    assert text.index('"status"') < text.index('"id"') < text.index('"assets"')
    assert "一只猫" in text
    assert '  "progress": 100,' in text.splitlines()
    assert view.isReadOnly()
    # Monospace: QFontInfo.fixedPitch() misreports Noto Sans Mono, so compare advances.
    metrics = QFontMetrics(view.font())
    assert metrics.horizontalAdvance("iiiiiiiiii") == metrics.horizontalAdvance("WWWWWWWWWW")
    assert dialog.windowTitle() == "Task video_6984…"
    assert (dialog.width(), dialog.height()) == (700, 500)


def test_copy_puts_the_text_on_the_clipboard(qtbot) -> None:
    dialog = make(qtbot)
    QGuiApplication.clipboard().clear()
    copy = dialog.findChild(QPushButton, "copy")
    copy.click()
    assert QGuiApplication.clipboard().text() == dialog.text()
    assert copy.text() == "Copied"
    qtbot.waitUntil(lambda: copy.text() == "&Copy", timeout=3000)


def test_close_button_closes(qtbot) -> None:
    dialog = make(qtbot)
    dialog.show()
    qtbot.waitExposed(dialog)
    buttons = dialog.findChild(QDialogButtonBox)
    buttons.button(QDialogButtonBox.StandardButton.Close).click()
    assert not dialog.isVisible()


def test_raw_bodies() -> None:
    assert format_payload('{"b": 1, "a": [true]}') == '{\n  "b": 1,\n  "a": [\n    true\n  ]\n}'
    assert format_payload(b'{"x": "\xc3\xa9"}') == '{\n  "x": "é"\n}'
    assert format_payload("<html>Bad gateway</html>") == "<html>Bad gateway</html>"
    assert format_payload({"when": object}).startswith('{\n  "when": "<class')
