"""Ctrl+C and SIGTERM end the app cleanly, even while Qt's C++ loop is running.

Python runs signal handlers only between bytecodes, and Qt's loop may sit in C++
for a long time; `signal.set_wakeup_fd` plus a `QSocketNotifier` wakes Qt as soon
as a signal arrives, so the handler runs at once.
"""

from __future__ import annotations

import contextlib
import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier


class SignalWatcher(QObject):
    """Calls `on_signal` on the Qt thread when SIGINT or SIGTERM arrives."""

    def __init__(self, on_signal: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_signal = on_signal
        self._previous: dict[int, object] = {}
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._old_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        for number in (signal.SIGINT, signal.SIGTERM):
            self._previous[number] = signal.signal(number, self._handle)

    def _handle(self, number: int, _frame: object) -> None:
        self._on_signal(number)

    def _drain(self) -> None:
        with contextlib.suppress(OSError):
            self._reader.recv(512)

    def close(self) -> None:
        for number, handler in self._previous.items():
            with contextlib.suppress(TypeError, ValueError):
                signal.signal(number, handler)  # type: ignore[arg-type]
        self._previous.clear()
        with contextlib.suppress(ValueError):
            signal.set_wakeup_fd(self._old_fd)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()
