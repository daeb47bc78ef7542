"""`reelwatch --smoke-test`: prove that this install, or a frozen bundle, can really play video.

A PyInstaller bundle that lacks a Qt plugin or one of the FFmpeg libraries does not crash: the
player simply never shows a frame and the process exits 0. So this check decodes the shipped
demo clip and counts the frames, and also checks what the window needs at start-up: the platform
plugin, the resources, the app icon (Qt's SVG plugin), the window's modules and the keyring
backends (loaded through entry points, which a bundle loses without the package metadata).

It prints one line per check, as soon as it is known (a crash later still shows what passed):
``ok``, ``FAIL``, or ``note`` for facts that are never a failure (a headless machine has no
keyring). It returns 0 when every required check passed, 1 otherwise.
"""

from __future__ import annotations

import importlib
import os
import platform
import re
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

#: Half a second of the demo clip: enough to prove decoding works, short enough to stay quick.
FRAMES_WANTED = 12
DEFAULT_TIMEOUT_S = 15.0

#: The modules the window imports at start-up or on first use (the preview imports
#: QtMultimedia lazily): a bundle missing one fails only when the user clicks something.
WINDOW_MODULES = (
    "reelwatch.gui.app",
    "reelwatch.gui.main_window",
    "reelwatch.engine.demo",
    "reelwatch.engine.store",
    "PySide6.QtNetwork",
    "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets",
    "qasync",
    "httpx",
)

#: The keyring backend module each platform needs for a real store (the others are optional).
PLATFORM_KEYRING_MODULES = {
    "linux": ("keyring.backends.SecretService", "secretstorage", "jeepney"),
    "darwin": ("keyring.backends.macOS",),
    "win32": ("keyring.backends.Windows",),
}


class _Report:
    """Prints each check as it completes and remembers whether any required one failed."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.failures: list[str] = []

    def line(self, status: bool | None, name: str, detail: str) -> None:
        label = "note" if status is None else ("ok" if status else "FAIL")
        if status is False:
            self.failures.append(name)
        print(f"{label:<5} {name}: {detail}", file=self.out, flush=True)


@dataclass
class FrameResult:
    """What decoding the clip produced."""

    frames: int = 0
    size: str = ""
    first_frame_s: float | None = None
    image_ok: bool = False
    status: str = ""
    error: str = ""
    timed_out: bool = False


@dataclass
class _QtLog:
    """Qt's messages during the checks: the media backend it loads, FFmpeg's version, warnings."""

    backend: str = ""
    ffmpeg: str = ""
    warnings: list[str] = field(default_factory=list)


def run_smoke_test(
    video: Path | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    out: TextIO | None = None,
) -> int:
    """Run every check and print the findings; 0 when all required checks pass.

    `video` replaces the shipped demo clip (the tests point it at a broken file).
    """
    # A windowed Windows executable has no stdout at all: write to stderr then, or nowhere.
    report = _Report(out or sys.stdout or sys.stderr or open(os.devnull, "w"))  # noqa: SIM115
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from reelwatch import __version__

    frozen = "PyInstaller bundle" if getattr(sys, "frozen", False) else "not frozen"
    report.line(
        None,
        "reelwatch",
        f"{__version__}, Python {platform.python_version()}, {sys.platform} "
        f"{platform.machine()}, {frozen}",
    )
    try:
        import shiboken6
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qVersion
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:
        report.line(False, "Qt", f"PySide6 does not import: {exc}")
        return 1
    report.line(True, "Qt", f"{qVersion()} (PySide6 {pyside_version})")

    existing = QApplication.instance()
    app = existing or QApplication([sys.argv[0] if sys.argv else "reelwatch"])
    try:
        with _capture_qt_messages() as log:
            _run_checks(report, log, video, timeout)
    finally:
        if existing is None:
            _release_cached_icons()
            shiboken6.delete(app)  # now, not at interpreter exit in an arbitrary order
    if report.failures:
        print(f"smoke test FAILED: {', '.join(report.failures)}", file=report.out, flush=True)
        return 1
    print("smoke test passed", file=report.out, flush=True)
    return 0


def _run_checks(report: _Report, log: _QtLog, video: Path | None, timeout: float) -> None:
    from PySide6.QtGui import QGuiApplication

    platform_name = QGuiApplication.platformName()
    report.line(bool(platform_name), "platform plugin", platform_name or "none loaded")

    _check_resources(report)
    _check_icon(report)
    modules_ok = _check_modules(report)

    clip = video if video is not None else _demo_clip()
    if not modules_ok:
        report.line(False, "frames decoded", "0 (QtMultimedia did not import)")
    else:
        result = decode_frames(clip, timeout=timeout)
        backend = log.backend or os.environ.get("QT_MEDIA_BACKEND", "")
        report.line(bool(backend), "multimedia backend", _backend_text(backend, log.ffmpeg))
        report.line(result.frames > 0, "frames decoded", _frames_text(result, clip))
    for message in log.warnings[:10]:
        print(f"      qt: {message}", file=report.out, flush=True)
    _check_tls(report)
    _check_keyring(report)


def _demo_clip() -> Path:
    from reelwatch.resources import resource_path

    return resource_path("demo.mp4")


def _check_resources(report: _Report) -> None:
    from reelwatch.resources import resources_dir

    folder = resources_dir()
    needed = ("demo.mp4", "reelwatch.svg")
    missing = [name for name in needed if not (folder / name).is_file()]
    present = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    if missing:
        report.line(False, "resources folder", f"{folder} lacks {', '.join(missing)}")
    else:
        report.line(True, "resources folder", f"{folder} ({', '.join(present)})")


def _check_icon(report: _Report) -> None:
    from PySide6.QtGui import QImageReader

    from reelwatch.gui.icons import app_icon

    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    icon = app_icon()
    pixmap = icon.pixmap(64, 64)
    svg = "svg" in formats
    ok = not icon.isNull() and not pixmap.isNull() and svg
    detail = (
        f"{pixmap.width()}x{pixmap.height()} pixmap drawn"
        if not pixmap.isNull()
        else "could not be drawn"
    )
    detail += "; SVG image plugin " + ("present" if svg else "MISSING (the icon needs it)")
    report.line(ok, "app icon", detail)


def _failed_imports(names: Iterable[str]) -> list[str]:
    """`name (Error: why)` for each module that does not import."""
    broken: list[str] = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:
            broken.append(f"{name} ({type(exc).__name__}: {exc})")
    return broken


def _check_modules(report: _Report) -> bool:
    """Import the window's modules; True when QtMultimedia at least is usable."""
    broken = _failed_imports(WINDOW_MODULES)
    if broken:
        report.line(False, "window modules", "cannot import " + "; ".join(broken))
    else:
        report.line(True, "window modules", f"{len(WINDOW_MODULES)} import")
    return not any(item.startswith("PySide6.QtMultimedia") for item in broken)


def _check_tls(report: _Report) -> None:
    """Certificates to verify the service with: the system's, or certifi's copy in a bundle."""
    import ssl

    from reelwatch.api.client import tls_context

    system = len(ssl.create_default_context().get_ca_certs())
    count = len(tls_context().get_ca_certs())
    source = "the system store" if system else "certifi"
    report.line(count > 0, "TLS certificates", f"{count} CA certificates from {source}")


def _check_keyring(report: _Report) -> None:
    """The facade must load; a missing keyring is only reported (headless machines have none)."""
    from importlib.metadata import entry_points

    try:
        from reelwatch.engine.secrets import KeyStore

        usable, where = KeyStore().available()
    except Exception as exc:
        report.line(False, "keyring facade", f"does not load: {type(exc).__name__}: {exc}")
        return
    names = sorted(ep.name for ep in entry_points(group="keyring.backends"))
    report.line(
        bool(names),
        "keyring backends",
        ", ".join(names) if names else "no entry points (the keyring package metadata is missing)",
    )
    wanted = next(
        (mods for key, mods in PLATFORM_KEYRING_MODULES.items() if sys.platform.startswith(key)),
        (),
    )
    broken = _failed_imports(wanted)
    if broken:
        report.line(False, "keyring platform backend", "cannot import " + "; ".join(broken))
    elif wanted:
        report.line(True, "keyring platform backend", ", ".join(wanted) + " import")
    report.line(None, "keyring backend", where if usable else f"none usable here. {where}")


def decode_frames(
    video: Path, *, timeout: float = DEFAULT_TIMEOUT_S, wanted: int = FRAMES_WANTED
) -> FrameResult:
    """Play `video` into a hidden QVideoWidget and count the valid frames its sink receives.

    The same path as the preview pane (player → QVideoWidget → its sink), driven by a local
    QEventLoop that a frame count, the end or an error of the media, or a timer ends. The player
    is stopped and deleted before returning: one alive when the QApplication is destroyed can
    crash the process at exit. No QAudioOutput is created: no sound is needed.
    """
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer, QUrl
    from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame
    from PySide6.QtMultimediaWidgets import QVideoWidget

    result = FrameResult()
    started = time.monotonic()

    loop = QEventLoop()
    widget = QVideoWidget()
    player = QMediaPlayer()
    sink = widget.videoSink()

    def on_frame(frame: QVideoFrame) -> None:
        if not frame.isValid():
            return
        result.frames += 1
        if result.frames == 1:
            result.first_frame_s = time.monotonic() - started
            result.size = f"{frame.width()}x{frame.height()}"
            result.image_ok = not frame.toImage().isNull()
        if result.frames >= wanted:
            loop.quit()

    def on_status(status: QMediaPlayer.MediaStatus) -> None:
        result.status = status.name
        if status in (QMediaPlayer.MediaStatus.EndOfMedia, QMediaPlayer.MediaStatus.InvalidMedia):
            QTimer.singleShot(0, loop.quit)  # let a frame still queued arrive first

    def on_error(error: QMediaPlayer.Error, text: str) -> None:
        if error != QMediaPlayer.Error.NoError:
            result.error = text or error.name
            QTimer.singleShot(0, loop.quit)

    def on_timeout() -> None:
        result.timed_out = True
        loop.quit()

    sink.videoFrameChanged.connect(on_frame)
    player.mediaStatusChanged.connect(on_status)
    player.errorOccurred.connect(on_error)
    player.setVideoOutput(widget)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(on_timeout)
    try:
        if not video.is_file():
            result.error = f"no such file: {video}"
        else:
            player.setSource(QUrl.fromLocalFile(str(video.resolve())))
            player.play()
            timer.start(int(timeout * 1000))
            loop.exec()
    finally:
        timer.stop()
        sink.videoFrameChanged.disconnect(on_frame)
        player.mediaStatusChanged.disconnect(on_status)
        player.errorOccurred.disconnect(on_error)
        player.stop()
        player.setSource(QUrl())
        shiboken6.delete(player)
        shiboken6.delete(widget)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return result


#: Qt's warnings that are normal on any machine: optional libraries it probes for (PipeWire,
#: VA-API) and, with no GPU, video frames converted on the CPU.
_NOISE = re.compile(
    r"^Couldn't (load|resolve) .* (library|symbols)$|No RHI backend\. Using CPU conversion"
)


@contextmanager
def _capture_qt_messages() -> Iterator[_QtLog]:
    """Collect Qt's messages while the checks run; the previous handler is restored after."""
    from PySide6.QtCore import (
        QLoggingCategory,
        QMessageLogContext,
        QtMsgType,
        qInstallMessageHandler,
    )

    log = _QtLog()

    def on_message(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        category = context.category or ""
        if category == "qt.multimedia.plugin" and "Loading media backend" in message:
            log.backend = message.split("backend", 1)[1].strip().strip('"')
        elif category == "qt.multimedia.ffmpeg" and "FFmpeg version" in message:
            log.ffmpeg = message.split("FFmpeg version", 1)[1].split()[0]
        elif mode not in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg) and not _NOISE.search(message):
            log.warnings.append(f"{category}: {message}" if category else message)

    previous = qInstallMessageHandler(on_message)
    # Qt says which media backend it loads only in this debug category (QT_LOGGING_RULES wins).
    QLoggingCategory.setFilterRules("qt.multimedia.plugin.debug=true")
    try:
        yield log
    finally:
        QLoggingCategory.setFilterRules("")
        qInstallMessageHandler(previous)


def _backend_text(backend: str, ffmpeg: str) -> str:
    if not backend:
        return "none loaded (no multimedia plugin found)"
    text = backend
    if ffmpeg:
        text += f" (FFmpeg {ffmpeg})"
    elif backend == "ffmpeg":
        text += " (FFmpeg never reported its version: the plugin may have failed to load)"
    libs = _loaded_ffmpeg_dir()
    if libs:
        text += f", FFmpeg libraries from {libs}"
    return text


def _frames_text(result: FrameResult, clip: Path) -> str:
    text = f"{result.frames} of {clip.name}"
    if result.frames:
        first = f"{result.first_frame_s:.2f}" if result.first_frame_s is not None else "?"
        converted = "converts to an image" if result.image_ok else "does NOT convert to an image"
        text += f" ({result.size}, first after {first} s, {converted})"
    else:
        why = result.error or ("timed out" if result.timed_out else f"status {result.status}")
        text += f" ({why})"
    return text


def _loaded_ffmpeg_dir() -> str:
    """Where the FFmpeg libraries in this process come from (Linux only), to spot a system copy."""
    maps = Path("/proc/self/maps")
    if not maps.exists():
        return ""
    try:
        for line in maps.read_text().splitlines():
            path = line.split(maxsplit=5)[-1]
            if "/libavcodec" in path:
                return str(Path(path).parent)
    except OSError:
        return ""
    return ""


def _release_cached_icons() -> None:
    """Drop the cached QIcon before the application goes, so no pixmap outlives it."""
    from reelwatch.gui import icons

    for cached in (icons.app_icon, icons.state_icon):
        clear = getattr(cached, "cache_clear", None)
        if clear is not None:
            clear()


if __name__ == "__main__":
    sys.exit(run_smoke_test())
