"""AddTasksDialog: live scan of pasted text, the service field, submitting."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QPlainTextEdit, QPushButton, QToolButton

from reelwatch.api.ids import MAX_TEXT_CHARS
from reelwatch.gui.add_dialog import MAX_IGNORED_SHOWN, AddTasksDialog

SERVICES = ["https://api.chainhub.tech", "https://api.example.com"]
IDS = [
    "video_6984d77f318481908e9ff63f81a7ffe6",
    "sora-2:task_01k6x15vhrff09dkkqjrzwhm60",
    "video_5c6a605a-30c0-4a6a-9dbd-d1d6cfdd9980",
]
PASTE = (
    f"{IDS[0]}\n"
    "not an id here\n"
    f'{{"id": "{IDS[1]}", "status": "queued"}}\n'
    "--- another junk line ---\n"
    f"2025-01-01 12:00:00 INFO created {IDS[2]}\n"
)


@pytest.fixture
def make(qtbot):
    def factory(text: str = "", current: str = SERVICES[0]) -> AddTasksDialog:
        dialog = AddTasksDialog(SERVICES, current, text=text)
        qtbot.addWidget(dialog)
        return dialog

    return factory


def parts(dialog: AddTasksDialog) -> tuple[QPlainTextEdit, QLabel, QPlainTextEdit, QPushButton]:
    return (
        dialog.findChild(QPlainTextEdit, "paste"),
        dialog.findChild(QLabel, "summary"),
        dialog.findChild(QPlainTextEdit, "ignored"),
        dialog.findChild(QPushButton, "ok"),
    )


def paste(edit: QPlainTextEdit, text: str) -> None:
    QGuiApplication.clipboard().setText(text)
    edit.paste()


def test_empty_dialog_says_nothing_found_and_ok_is_disabled(make) -> None:
    dialog = make()
    _edit, summary, _ignored, ok = parts(dialog)
    assert summary.text() == "No task id found yet"
    assert not ok.isEnabled()
    assert dialog.findChild(QToolButton, "ignoredToggle").isHidden()


def test_typing_updates_the_count_after_the_debounce(make, qtbot) -> None:
    dialog = make()
    edit, summary, _ignored, ok = parts(dialog)
    qtbot.keyClicks(edit, IDS[0])
    qtbot.waitUntil(lambda: summary.text() == "Found 1 task id", timeout=2000)
    assert ok.isEnabled()
    assert ok.text() == "Track 1 task"


def test_paste_lists_ids_and_ignored_lines(make, qtbot) -> None:
    dialog = make()
    edit, summary, ignored, ok = parts(dialog)
    paste(edit, PASTE)
    qtbot.waitUntil(lambda: summary.text() == "Found 3 task ids", timeout=2000)
    assert dialog.ids() == IDS
    assert ok.text() == "Track 3 tasks"
    assert ignored.toPlainText().splitlines() == [
        "Ignored line 2: not an id here",
        "Ignored line 4: --- another junk line ---",
    ]
    toggle = dialog.findChild(QToolButton, "ignoredToggle")
    assert not toggle.isHidden()
    assert toggle.text() == "2 lines without an id were ignored"
    # The list collapses and expands.
    toggle.click()
    assert ignored.isHidden()
    toggle.click()
    assert not ignored.isHidden()


def test_only_junk_keeps_ok_disabled(make, qtbot) -> None:
    dialog = make()
    edit, summary, ignored, ok = parts(dialog)
    paste(edit, "hello world\nnothing to see\n")
    qtbot.waitUntil(lambda: ignored.toPlainText().count("Ignored line") == 2, timeout=2000)
    assert summary.text() == "No task id found yet"
    assert not ok.isEnabled()
    with qtbot.assertNotEmitted(dialog.tasks_submitted):
        dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_ignored_list_is_capped(make, qtbot) -> None:
    junk = "\n".join(f"junk line number {n}" for n in range(1, 121))
    dialog = make(text=f"{IDS[0]}\n{junk}")
    _edit, _summary, ignored, _ok = parts(dialog)
    lines = ignored.toPlainText().splitlines()
    assert len(lines) == MAX_IGNORED_SHOWN + 1
    assert lines[0] == "Ignored line 2: junk line number 1"
    assert lines[-1] == f"…and {120 - MAX_IGNORED_SHOWN} more"


def test_initial_text_is_scanned_at_once(make) -> None:
    dialog = make(text=PASTE)
    _edit, summary, _ignored, ok = parts(dialog)
    assert summary.text() == "Found 3 task ids"
    assert ok.isEnabled()


def test_submit_carries_ids_and_normalized_url(make, qtbot) -> None:
    dialog = make(text=PASTE, current="HTTPS://API.Example.com/v1/")
    assert "Will use https://api.example.com" in dialog.findChild(QLabel, "urlNote").text()
    with qtbot.waitSignal(dialog.tasks_submitted, timeout=1000) as blocker:
        parts(dialog)[3].click()
    assert blocker.args == [IDS, "https://api.example.com"]
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_invalid_url_blocks_accept_with_a_message(make, qtbot) -> None:
    dialog = make(text=PASTE)
    combo = dialog.findChild(QComboBox, "service")
    note = dialog.findChild(QLabel, "urlNote")
    ok = parts(dialog)[3]
    combo.setEditText("ftp://files.example.com")
    assert not ok.isEnabled()
    assert not note.isHidden()
    assert "https://" in note.text()
    assert dialog.base_url() is None
    with qtbot.assertNotEmitted(dialog.tasks_submitted):
        dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    combo.setEditText("")
    assert note.text() == "The service URL is empty."
    combo.setEditText(SERVICES[1])
    assert ok.isEnabled()
    assert note.isHidden()


def test_ctrl_enter_accepts_even_before_the_debounce_fired(make, qtbot) -> None:
    dialog = make()
    with qtbot.waitActive(dialog):
        dialog.show()
    edit = parts(dialog)[0]
    edit.setFocus()
    qtbot.keyClicks(edit, IDS[0])
    with qtbot.waitSignal(dialog.tasks_submitted, timeout=1000) as blocker:
        qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [[IDS[0]], SERVICES[0]]
    assert "\n" not in edit.toPlainText()


def test_ten_thousand_ids_stay_responsive(make, qtbot) -> None:
    ids = [f"video_{n:032x}" for n in range(10_000)]
    dialog = make()
    edit, summary, _ignored, ok = parts(dialog)
    expected = f"Found {QLocale().toString(10_000)} task ids"
    started = time.perf_counter()
    paste(edit, "\n".join(ids))
    qtbot.waitUntil(lambda: summary.text() == expected, timeout=3000)
    assert time.perf_counter() - started < 2.5
    assert ok.isEnabled()
    assert ok.text() == f"Track {QLocale().toString(10_000)} tasks"
    with qtbot.waitSignal(dialog.tasks_submitted, timeout=1000) as blocker:
        ok.click()
    assert blocker.args[0] == ids


def test_typing_during_a_background_scan_keeps_the_latest_result(make, qtbot) -> None:
    ids = [f"video_{n:032x}" for n in range(10_000)]
    dialog = make()
    edit, summary, _ignored, _ok = parts(dialog)
    paste(edit, "\n".join(ids))
    edit.clear()
    paste(edit, IDS[0])
    qtbot.waitUntil(lambda: summary.text() == "Found 1 task id", timeout=3000)
    qtbot.wait(300)  # a stale background result must not overwrite it
    assert dialog.ids() == [IDS[0]]


def test_accept_waits_for_a_pending_background_scan(make, qtbot) -> None:
    ids = [f"video_{n:032x}" for n in range(10_000)]
    dialog = make()
    edit = parts(dialog)[0]
    paste(edit, "\n".join(ids))
    with qtbot.waitSignal(dialog.tasks_submitted, timeout=3000) as blocker:
        dialog.accept()
    assert len(blocker.args[0]) == 10_000


def test_a_too_large_paste_is_refused_with_a_clear_message(make, qtbot) -> None:
    dialog = make()
    edit, summary, _ignored, ok = parts(dialog)
    paste(edit, "x\n" * (MAX_TEXT_CHARS // 2 + 1))
    assert edit.toPlainText() == ""
    assert "too large" in summary.text()
    assert "Nothing was pasted" in summary.text()
    assert not ok.isEnabled()


def test_a_too_large_initial_text_shows_the_scanner_message(make, qtbot) -> None:
    dialog = make(text="x " * (MAX_TEXT_CHARS // 2 + 1))
    _edit, summary, _ignored, ok = parts(dialog)
    qtbot.waitUntil(lambda: "too large" in summary.text(), timeout=3000)
    assert not ok.isEnabled()
