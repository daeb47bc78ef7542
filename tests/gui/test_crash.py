"""An exception in a slot is logged (key redacted), shown with details, and survived."""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer

from reelwatch.gui.crash import CrashReporter
from reelwatch.logs import setup_file_logging
from reelwatch.redact import MASK, register_secret


def test_slot_exception_is_logged_redacted_and_shown(qtbot, qloop, tmp_path) -> None:
    register_secret("sk-crash-secret-123456")
    log_file = setup_file_logging(tmp_path / "logs")
    reporter = CrashReporter(log_file=str(log_file))
    reporter.install(qloop)
    try:

        def broken_slot() -> None:
            raise RuntimeError("exploded with sk-crash-secret-123456 inside")

        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: reporter.dialog is not None, timeout=5000)
        dialog = reporter.dialog
        assert "keeps running" in dialog.text()
        assert "RuntimeError: exploded with" in dialog.informativeText()
        assert "sk-crash-secret" not in dialog.informativeText() + dialog.detailedText()
        assert "broken_slot" in dialog.detailedText()
        # The app goes on: the loop still runs callbacks.
        ran: list[int] = []
        qloop.call_soon(ran.append, 1)
        qtbot.waitUntil(lambda: ran == [1])
        dialog.close()
        qtbot.waitUntil(lambda: reporter.dialog is None)
    finally:
        reporter.uninstall()
        for handler in logging.getLogger().handlers[:]:
            if getattr(handler, "baseFilename", "").startswith(str(tmp_path)):
                logging.getLogger().removeHandler(handler)
                handler.close()
    text = log_file.read_text()
    assert "RuntimeError: exploded with" in text
    assert "sk-crash-secret" not in text and MASK in text


def test_asyncio_task_exception_is_reported(qtbot, qloop) -> None:
    reporter = CrashReporter()
    reporter.install(qloop)
    try:

        async def failing() -> None:
            raise ValueError("task failed badly")

        task = qloop.create_task(failing())
        qtbot.waitUntil(task.done)
        del task  # "exception never retrieved" goes to the loop's handler when collected
        import gc

        gc.collect()
        qtbot.waitUntil(lambda: reporter.reported >= 1, timeout=5000)
        qtbot.waitUntil(lambda: reporter.dialog is not None, timeout=5000)
        assert "task failed badly" in reporter.dialog.informativeText()
        reporter.dialog.close()
    finally:
        reporter.uninstall()
        qloop.set_exception_handler(None)
