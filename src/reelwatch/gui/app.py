"""Start-up and lifetime of the window: one qasync loop, one instance, a clean exit.

Order matters: application names before anything reads a path or a setting;
PySide6 before qasync; the single-instance check before any window; the stored
tasks read and the window painted before the engine starts (its first poll
imports the HTTP stack, loads the TLS certificates and opens the keyring, which
together take longer than everything else before the first paint); and at the
end, polls cancelled, clients closed, the store flushed and the media player
deleted before the QApplication goes away.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import linecache
import logging
import os
import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from reelwatch.engine.poller import PollSettings
from reelwatch.engine.secrets import KeyStore
from reelwatch.engine.session import Session, SessionConfig
from reelwatch.engine.store import StoreError, TaskStore
from reelwatch.gui.crash import CrashReporter
from reelwatch.gui.icons import app_icon
from reelwatch.gui.main_window import MainWindow
from reelwatch.gui.signals import SignalWatcher
from reelwatch.gui.single_instance import SingleInstance
from reelwatch.gui.translations import install_translations
from reelwatch.i18n import translate
from reelwatch.logs import setup_file_logging
from reelwatch.paths import DESKTOP_FILE, database_path, init_application_names, log_dir
from reelwatch.settings import AUTO_DOWNLOAD, LANGUAGE, Settings

log = logging.getLogger(__name__)

DEMO_INTERVAL = 2.0
"""The demo's jobs finish within a minute: check them often enough to watch them move."""

ENGINE_START_FALLBACK_MS = 1000
"""Start the engine this long after `show()` even if the window has not painted (a window
opened minimised or on another workspace may not paint until the user looks at it)."""


class FirstPaint(QObject):
    """Resolves `done` once `widget` has painted for the first time and that paint pass is
    over, or after `fallback_ms` if it never paints.

    It watches the widget's Paint event through an event filter that removes itself on the
    first one, so nothing stays hooked into the window's painting afterwards. `done` is
    resolved two turns of the event loop after that event: the first runs once the whole
    paint pass (children included) has been flushed to the screen, the second lets what that
    pass queued itself run first, so work started on `done` never holds up the first frame.
    """

    def __init__(self, widget: QWidget, fallback_ms: int = ENGINE_START_FALLBACK_MS) -> None:
        super().__init__(widget)
        self._widget = widget
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        widget.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._resolve)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, lambda: QTimer.singleShot(0, self, self._resolve))
        return False

    def _resolve(self) -> None:
        self._widget.removeEventFilter(self)
        if not self.done.done():
            self.done.set_result(None)


class Controller(QObject):
    """Owns the session behind the window and swaps it for the demo's and back."""

    def __init__(
        self,
        settings: Settings,
        keys: KeyStore,
        base_url: str,
        poll: PollSettings,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.keys = keys
        self.base_url = base_url
        self.poll = poll
        self.window: MainWindow | None = None
        self.session: Session | None = None
        self.demo_service = None
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._switching = False
        self._tasks: set[asyncio.Task[None]] = set()

    async def open_session(
        self, demo: bool, *, start: bool = True
    ) -> tuple[Session, str, str | None]:
        """A session with its tasks loaded: the user's (stored) or the demo's (in memory, its
        own files). Started unless `start` is False (at launch, the window is shown first and
        starts it after its first paint)."""
        notice = None
        if demo:
            from reelwatch.engine.demo import DEMO_TASK_IDS, DemoService

            self.demo_service = await DemoService.start()
            base_url = self.demo_service.base_url
            config = SessionConfig(
                poll=PollSettings(interval=DEMO_INTERVAL, max_rate=0),
                download_dir=self.settings.download_dir(demo=True),
            )
            session = Session(self.keys, config, store=None)
            session.add(DEMO_TASK_IDS, base_url)
            if start:
                session.start()
            return session, base_url, None
        store: TaskStore | None
        try:
            store = TaskStore(database_path())
        except StoreError as exc:
            store = None
            notice = self.tr("{error} Tasks added now will not be kept.").format(error=exc)
        if store is not None and store.recovered_from is not None:
            notice = self.tr(
                "The task list was damaged and could not be read. It was set aside as {path} "
                "and a new, empty list was started."
            ).format(path=store.recovered_from)
        config = SessionConfig(
            poll=self.poll,
            download_dir=self.settings.download_dir(),
            auto_download=bool(self.settings.get(AUTO_DOWNLOAD)),
        )
        session = Session(self.keys, config, store=store)
        session.load()
        if start:
            session.start()
        return session, self.base_url, notice

    def start_engine(self, session: Session, base_url: str) -> None:
        """Start polling, and set up the client of the window's service at once.

        The client brings the HTTP stack (httpx, TLS certificates) and the key (keyring,
        D-Bus): made here, right after the first paint, rather than by the first poll a moment
        later, so the start-up's remaining cost is paid in one known place, before the
        collector freezes what the start-up made. A failure here is the first poll's to
        report, as it always was.
        """
        session.start()
        try:
            session.client(base_url)
        except Exception:
            log.exception("Setting up the client of %s failed", base_url)

    def attach(self, window: MainWindow, session: Session) -> None:
        self.window = window
        self.session = session
        window.close_requested.connect(self._on_close)
        window.demo_requested.connect(lambda demo: self._spawn(self.switch(demo)))
        window.settings_applied.connect(self._on_settings)

    def _spawn(self, coro) -> None:  # type: ignore[no-untyped-def]
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def switch(self, demo: bool) -> None:
        """Enter or leave the demo: close one session, open the other, show it."""
        if self._switching or self.window is None or self.window.demo == demo:
            return
        self._switching = True
        try:
            await self._close_session()
            session, base_url, notice = await self.open_session(demo)
            self.session = session
            self.window.set_session(session, base_url, demo=demo)
            if notice:
                self.window.show_notice(notice)
        finally:
            self._switching = False

    def on_message(self, args: dict) -> None:
        """Ids handed over by a second `reelwatch TEXT...`: track them here."""
        window = self.window
        if window is None:
            return
        window.bring_to_front()
        text = args.get("text")
        if not isinstance(text, str) or not text.strip():
            return
        base_url = args.get("base_url") if isinstance(args.get("base_url"), str) else None
        if window.demo:
            self._spawn(self._leave_demo_and_add(text, base_url))
        else:
            window.add_text(text, base_url, source=self.tr("the command line"))

    async def _leave_demo_and_add(self, text: str, base_url: str | None) -> None:
        await self.switch(False)
        if self.window is not None:
            self.window.add_text(text, base_url, source=self.tr("the command line"))

    def _on_settings(self) -> None:
        self.base_url = self.settings.base_url()  # also what leaving the demo opens
        if self.session is not None and self.window is not None and not self.window.demo:
            self.window.base_url = self.base_url
            self.session.downloader.folder = self.settings.download_dir()
            self.session.downloader.auto = bool(self.settings.get(AUTO_DOWNLOAD))
            self.session.poller.settings = PollSettings(
                interval=self.settings.interval(), max_rate=self.settings.max_rate()
            )

    def _on_close(self) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    def request_quit(self, _signal: int = 0) -> None:
        """From a signal or the tray: close the window, which starts the shutdown."""
        if self.window is not None and self.window.isVisible():
            QTimer.singleShot(0, self.window.close)
        else:
            self._on_close()

    async def _close_session(self) -> None:
        if self.session is not None:
            await self.session.aclose()
            self.session = None
        if self.demo_service is not None:
            await self.demo_service.stop()
            self.demo_service = None

    async def shutdown(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._close_session()


def forget_module_sources() -> None:
    """Drop the module sources PySide6 read at import; they are never used again.

    PySide6 replaces `__import__`: for every module imported after it, it reads the
    module's whole source (`inspect.getsource`) to see whether it mentions PySide6, and
    `linecache` keeps those lines for the life of the process. For Reelwatch's imports that
    is 4–6 MB of text as 100,000 small string objects, ~10 MB of memory (measured: 126 →
    116 MB with 10,000 tasks). A traceback reads the lines it needs again.
    """
    linecache.clearcache()


def _wants_demo(args: argparse.Namespace, text: str, keys: KeyStore, base_url: str) -> bool:
    """The demo when asked, or on a first start with no key, no ids and no tracked task.

    The key is looked up last: with tasks in the store the answer is known without it, and
    opening the keyring (D-Bus, maybe an unlock prompt) is then left for after the window
    has appeared.
    """
    if args.demo:
        return True
    if text.strip():
        return False
    path = database_path()
    if path.exists():
        try:
            store = TaskStore(path)
        except StoreError:
            return False
        try:
            if not store.is_empty():
                return False
        finally:
            store.close()
    return not keys.lookup(base_url).key


def run_app(args: argparse.Namespace) -> int:
    """`reelwatch [TEXT...]`: open the window (or hand the ids to the open one)."""
    from reelwatch.cli import UsageError, read_text, resolve_base_url

    init_application_names()
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "reelwatch"])
    assert isinstance(app, QApplication)
    app.setDesktopFileName(DESKTOP_FILE)
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)

    settings = Settings()
    install_translations(app, settings.get(LANGUAGE))
    log_file = setup_file_logging(log_dir())
    reporter = CrashReporter(log_file=str(log_file) if log_file else None)
    try:
        base_url = resolve_base_url(args.base_url)
    except UsageError as exc:
        print(f"reelwatch: {exc}", file=sys.stderr)
        return 2
    text = read_text(args.text, sys.stdin) if args.text else ""

    single = SingleInstance(suffix=os.environ.get("REELWATCH_INSTANCE", ""))
    payload = {"text": text, "base_url": base_url if args.base_url else None}
    if single.forward(payload):
        print("Reelwatch is already open; the ids were handed to it.")
        return 0
    if not single.listen():
        log.warning("Could not listen for other instances; a second start will open a window")

    keys = KeyStore()
    poll = PollSettings(
        interval=args.interval or settings.interval(),
        max_rate=args.max_rate if args.max_rate is not None else settings.max_rate(),
    )
    demo = _wants_demo(args, text, keys, base_url)
    window: MainWindow | None = None

    gc.disable()  # until the window is up and the engine started (cli.main says why)

    async def main() -> None:
        nonlocal window
        controller = Controller(settings, keys, base_url, poll)
        reporter.install(asyncio.get_running_loop())
        watcher = SignalWatcher(controller.request_quit)
        app.aboutToQuit.connect(controller.request_quit)
        single.message_received.connect(controller.on_message)
        try:
            forget_module_sources()  # before the task list is read: its records reuse that memory
            session, service, notice = await controller.open_session(demo, start=False)
            window = MainWindow(session, settings, keys, service, demo=demo)
            controller.attach(window, session)
            reporter.parent_widget = window
            painted = FirstPaint(window)
            window.show()
            if notice:
                window.show_notice(notice)
            if text.strip():
                window.add_text(text, source=translate("MainWindow", "the command line"))
            # Once the stored tasks are on screen: the engine (HTTP stack, keyring, first poll).
            await asyncio.wait(
                [painted.done, controller.closed], return_when=asyncio.FIRST_COMPLETED
            )
            if not controller.closed.done() and controller.session is session:
                controller.start_engine(session, service)
            forget_module_sources()
            # Everything made so far lives as long as the app: keep it out of the collector's
            # full passes, which otherwise stall the window for tens of milliseconds. (The
            # collector was off during the start-up, see cli.main.)
            gc.collect()
            gc.freeze()
            gc.enable()
            await controller.closed
        finally:
            gc.enable()
            await controller.shutdown()
            watcher.close()
            single.close()
            reporter.uninstall()

    from reelwatch.gui.event_loop import EventLoop

    with asyncio.Runner(loop_factory=EventLoop) as runner:
        runner.run(main())
    if window is not None:
        window.preview.shutdown()
        window.deleteLater()
        window = None
    app.processEvents()
    return 0
