"""Start-up probe: runs the real app (or a bare window) and says when its window first painted.

    python benchmarks/probe.py real [REELWATCH ARGS...]   # the `reelwatch` entry point
    python benchmarks/probe.py bare                        # a bare PySide6 QMainWindow

Prints ``PAINTED <time.monotonic()>`` once the main window's first paint pass has been
flushed (the top-level window's first paintEvent, then a zero-delay timer so that the
children painted in the same pass are included). CLOCK_MONOTONIC is system-wide on
Linux, so the parent subtracts the instant it spawned us.

The hook is the same in both modes: `paintEvent` of the main window class is wrapped
before the window exists. Nothing else changes: `real` calls `reelwatch.cli.main` exactly
as ``python -m reelwatch`` does, with the same imports (they only happen in another
order, since the window class must be imported to be wrapped). The process then keeps
running (polling, ticking) until SIGTERM, which the app handles as a normal quit.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def hook(cls) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTimer

    original = cls.paintEvent
    state = {"done": False}

    def report() -> None:
        print(f"PAINTED {time.monotonic():.6f}", flush=True)

    def paintEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        original(self, event)
        if not state["done"]:
            state["done"] = True
            QTimer.singleShot(0, report)

    cls.paintEvent = paintEvent


def real(argv: list[str]) -> int:
    from reelwatch.gui import main_window

    hook(main_window.MainWindow)
    from reelwatch.cli import main

    sys.argv = ["reelwatch", *argv]
    return main(argv)


def bare() -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow

    class Bare(QMainWindow):
        pass

    hook(Bare)
    app = QApplication(["bare"])
    window = Bare()
    window.resize(1360, 800)
    window.setWindowTitle("bare")
    window.show()
    return app.exec()  # SIGTERM's default action ends it


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "bare"
    sys.exit(real(sys.argv[2:]) if mode == "real" else bare())
