"""The `reelwatch` command: the window by default, and the terminal commands.

    reelwatch [--base-url URL] [--interval S] [--max-rate R] [--demo] [TEXT...]
    reelwatch status [--json] [--base-url URL] TEXT...
    reelwatch watch  [--json] [--download DIR] [--interval S] [--max-rate R]
                     [--base-url URL] TEXT...
    reelwatch key set|status|delete [--base-url URL]
    reelwatch list [--json]

Errors are one line on stderr; `--verbose` adds details (never the key).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import getpass
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from reelwatch import __version__
from reelwatch.api.errors import ApiError
from reelwatch.api.ids import InputTooLargeError, extract_ids
from reelwatch.api.snapshot import TaskSnapshot, TaskState
from reelwatch.api.urls import DEFAULT_BASE_URL, normalize_base_url
from reelwatch.engine.poller import PollSettings, ServiceChanged, ServiceState
from reelwatch.engine.secrets import ENV_VAR, KeyringUnavailableError, KeyStore
from reelwatch.engine.session import Session, SessionConfig
from reelwatch.engine.tracker import Changed, DownloadState, TaskRecord, TrackerEvent
from reelwatch.logs import RedactingFormatter
from reelwatch.redact import redact
from reelwatch.terminal import (
    LiveTable,
    bar,
    detail_text,
    json_line,
    progress_text,
    record_fields,
    table,
    task_fields,
)

COMMANDS = ("status", "watch", "key", "list")
EXIT_OK, EXIT_FAILED, EXIT_NO_ID, EXIT_INTERRUPTED = 0, 1, 2, 130
STATUS_CONCURRENCY = 4

log = logging.getLogger("reelwatch")


class UsageError(Exception):
    """A problem with what the user typed: one line, exit 2."""


# -- argument parsing --------------------------------------------------------


def _positive_interval(text: str) -> float:
    value = _number(text)
    if value < 1.0:
        raise argparse.ArgumentTypeError("the interval must be at least 1 second")
    return value


def _rate(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError("the rate must be 0 (no limit) or more")
    return value


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"not a number: {text!r}")
    return value


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help=f"the video API (default: $REELWATCH_BASE_URL, the saved setting, {DEFAULT_BASE_URL})",
    )
    parser.add_argument("--verbose", action="store_true", help="show details of errors")


def _polling(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--interval",
        type=_positive_interval,
        metavar="S",
        help="seconds between polls of a running task (default 10, at least 1)",
    )
    parser.add_argument(
        "--max-rate",
        type=_rate,
        metavar="R",
        help="requests per second to the service at most (default 5; 0 = no limit)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reelwatch",
        description="Watch OpenAI-format video generation jobs. "
        "With no command, opens the window and tracks the ids found in TEXT.",
        epilog="Commands: status, watch, key, list (see 'reelwatch COMMAND --help').",
    )
    parser.add_argument("--version", action="version", version=f"reelwatch {__version__}")
    _common(parser)
    _polling(parser)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use the built-in demo service (no key needed; its tasks are kept apart)",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="check that video decoding, the keyring and resources work, then exit",
    )
    parser.add_argument("text", nargs="*", metavar="TEXT", help="task ids, or text holding them")
    return parser


def build_command_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reelwatch")
    sub = parser.add_subparsers(dest="command", required=True)

    status = sub.add_parser("status", help="query each task once")
    status.add_argument("--json", action="store_true", help="print JSON Lines")
    _common(status)
    status.add_argument("text", nargs="+", metavar="TEXT", help="ids or text; '-' reads stdin")

    watch = sub.add_parser("watch", help="poll until every task is finished")
    watch.add_argument("--json", action="store_true", help="print JSON Lines on every change")
    watch.add_argument("--download", type=Path, metavar="DIR", help="save each video in DIR")
    _polling(watch)
    _common(watch)
    watch.add_argument("text", nargs="+", metavar="TEXT", help="ids or text; '-' reads stdin")

    key = sub.add_parser("key", help="store, check or delete the API key")
    key.add_argument("action", choices=("set", "status", "delete"))
    _common(key)

    listing = sub.add_parser("list", help="print the tasks the window tracks")
    listing.add_argument("--json", action="store_true", help="print JSON Lines")
    listing.add_argument("--verbose", action="store_true", help="show details of errors")
    return parser


def resolve_base_url(flag: str | None) -> str:
    """--base-url, else $REELWATCH_BASE_URL, else the saved setting, else the default."""
    raw = flag or os.environ.get("REELWATCH_BASE_URL")
    if not raw:
        from reelwatch.settings import Settings

        raw = Settings().base_url()
    try:
        return normalize_base_url(raw)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def read_text(arguments: Sequence[str], stdin: TextIO) -> str:
    return "\n".join(stdin.read() if item == "-" else item for item in arguments)


def ids_from(arguments: Sequence[str], stdin: TextIO) -> list[str]:
    try:
        return extract_ids(read_text(arguments, stdin)).ids
    except InputTooLargeError as exc:
        raise UsageError(str(exc)) from None


# -- main ----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    # A windowed Windows executable (Reelwatch.exe) has no console: print() and argparse
    # would raise on None streams.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    args_list = list(sys.argv[1:] if argv is None else argv)
    is_command = bool(args_list) and args_list[0] in COMMANDS
    parser = build_command_parser() if is_command else build_parser()
    args = parser.parse_args(args_list)
    _configure_logging(args.verbose)
    try:
        if not is_command and args.smoke_test:
            from reelwatch.smoke import run_smoke_test

            return run_smoke_test()
        if not is_command:
            # No cyclic garbage collection until the window is up: the start-up allocates
            # hundreds of thousands of objects that all live as long as the app, and the
            # automatic passes over them cost ~50 ms before the first paint. run_app collects
            # once, freezes what it made and turns collection back on.
            gc.disable()
            from reelwatch.gui.app import run_app

            return run_app(args)
        if args.command == "status":
            return asyncio.run(cmd_status(args))
        if args.command == "watch":
            return _run_interruptible(cmd_watch(args))
        if args.command == "key":
            return cmd_key(args)
        return cmd_list(args)
    except UsageError as exc:
        print(f"reelwatch: {exc}", file=sys.stderr)
        return EXIT_NO_ID
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:
        log.debug("Unexpected error", exc_info=True)
        print(f"reelwatch: error: {redact(str(exc))}", file=sys.stderr)
        return EXIT_FAILED


def _configure_logging(verbose: bool) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("reelwatch: %(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    if not verbose:
        logging.getLogger("httpx").setLevel(logging.WARNING)


def _run_interruptible(coro) -> int:  # type: ignore[no-untyped-def]
    """asyncio.run, with Ctrl+C and SIGTERM ending in a clean shutdown and exit 130."""
    with asyncio.Runner() as runner:
        task = runner.get_loop().create_task(coro)
        loop = runner.get_loop()
        with contextlib.suppress(NotImplementedError, RuntimeError):  # no signals on Windows
            loop.add_signal_handler(signal.SIGTERM, task.cancel)
        try:
            return runner.run(_await(task))
        except (KeyboardInterrupt, asyncio.CancelledError):
            return EXIT_INTERRUPTED


async def _await(task: asyncio.Task[int]) -> int:
    return await task


def _no_key_hint(keys: KeyStore, base_url: str) -> str:
    lookup = keys.lookup(base_url)
    if lookup.key:
        return ""
    if lookup.problem:
        return f" ({lookup.problem})"
    return f" (no API key is set: run 'reelwatch key set' or set {ENV_VAR})"


# -- status ----------------------------------------------------------------------


async def cmd_status(args: argparse.Namespace) -> int:
    task_ids = ids_from(args.text, sys.stdin)
    if not task_ids:
        raise UsageError("no task id found in the text given")
    base_url = resolve_base_url(args.base_url)
    keys = KeyStore()
    session = Session(keys, SessionConfig())
    client = session.client(base_url)
    gate = asyncio.Semaphore(STATUS_CONCURRENCY)

    async def query(task_id: str) -> tuple[TaskSnapshot | None, ApiError | None]:
        async with gate:
            try:
                return await client.get_task(task_id), None
            except ApiError as exc:
                return None, exc

    try:
        results = await asyncio.gather(*(query(task_id) for task_id in task_ids))
    finally:
        await session.aclose()
    hint = _no_key_hint(keys, base_url)
    rows = []
    for task_id, (snapshot, error) in zip(task_ids, results, strict=True):
        message = None
        if error is not None:
            message = error.message + (hint if error.kind == "auth" else "")
        rows.append((task_id, snapshot, message))
    if args.json:
        for task_id, snapshot, message in rows:
            print(json_line(task_fields(task_id, snapshot, message)))
    else:
        print(_status_table([(t, s, m, None) for t, s, m in rows]))
    return EXIT_FAILED if any(message for _, _, message in rows) else EXIT_OK


def _status_table(rows: list[tuple[str, TaskSnapshot | None, str | None, str | None]]) -> str:
    cells = []
    for task_id, snapshot, error, file in rows:
        state = snapshot.state.value if snapshot else "error"
        cells.append(
            (
                task_id,
                state,
                progress_text(snapshot.progress) if snapshot else "",
                (snapshot.model or "") if snapshot else "",
                detail_text(snapshot, error, file),
            )
        )
    return table(cells, ("ID", "STATE", "PROGRESS", "MODEL", "DETAIL"))


# -- watch -----------------------------------------------------------------------


async def cmd_watch(args: argparse.Namespace) -> int:
    task_ids = ids_from(args.text, sys.stdin)
    if not task_ids:
        raise UsageError("no task id found in the text given")
    base_url = resolve_base_url(args.base_url)
    poll = PollSettings(
        interval=args.interval or 10.0,
        max_rate=args.max_rate if args.max_rate is not None else 5.0,
    )
    config = SessionConfig(poll=poll, download_dir=args.download, auto_download=True)
    session = Session(KeyStore(), config)
    watcher = _Watcher(session, task_ids, base_url, json_mode=args.json, download=args.download)
    try:
        session.tracker.subscribe(watcher.on_event)
        session.add(task_ids, base_url)
        session.start()
        return await watcher.finished
    finally:
        await session.aclose()


class _Watcher:
    """Prints changes and decides when `watch` is over, and with which exit status."""

    def __init__(
        self,
        session: Session,
        task_ids: list[str],
        base_url: str,
        *,
        json_mode: bool,
        download: Path | None,
    ) -> None:
        self.session = session
        self.order = task_ids
        self.base_url = base_url
        self.json_mode = json_mode
        self.download = download
        self.finished: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._printed: dict[str, tuple[object, ...]] = {}
        self._live = LiveTable(sys.stdout) if sys.stdout.isatty() and not json_mode else None
        self._last_draw = 0.0

    def on_event(self, event: TrackerEvent) -> None:
        if isinstance(event, ServiceChanged):
            if event.state is ServiceState.AUTH:
                hint = _no_key_hint(self.session.keys, event.base_url)
                print(f"reelwatch: {event.message}{hint}", file=sys.stderr)
                self._finish(EXIT_FAILED)
            elif event.state is not ServiceState.OK and event.message:
                log.warning("%s", event.message)
            return
        if isinstance(event, Changed):
            self._show(event.record)
        self._check_done()

    def _show(self, record: TaskRecord) -> None:
        snapshot = record.snapshot
        signature = (
            snapshot.state if snapshot else None,
            round(snapshot.progress or 0, 1) if snapshot else None,
            record.query_error,
            record.download,
        )
        if self._printed.get(record.task_id) == signature:
            return
        self._printed[record.task_id] = signature
        if self.json_mode:
            fields = task_fields(record.task_id, snapshot, record.query_error)
            if self.download is not None:
                fields["file"] = record.file
            print(json_line(fields), flush=True)
        elif self._live is not None:
            now = time.monotonic()
            if now - self._last_draw > 0.1 or record.terminal:
                self._last_draw = now
                self._live.draw(self._live_text())
        else:
            state = snapshot.state.value if snapshot else "error"
            progress = progress_text(snapshot.progress) if snapshot else ""
            detail = _watch_detail(record)
            stamp = time.strftime("%H:%M:%S")
            print(f"{stamp}  {record.task_id}  {state} {progress}  {detail}".rstrip(), flush=True)

    def _live_text(self) -> str:
        lines = []
        for task_id in self.order:
            record = self.session.tracker.get((self.base_url, task_id))
            if record is None:
                continue
            snapshot = record.snapshot
            state = snapshot.state.value if snapshot else "…"
            progress = snapshot.progress if snapshot else None
            detail = _watch_detail(record)
            lines.append(
                f"{task_id[:40]:<40}  {state:<9} {bar(progress)} {progress_text(progress):>4}  "
                f"{detail}"[:200]
            )
        return "\n".join(lines)

    def _check_done(self) -> None:
        records = [self.session.tracker.get((self.base_url, t)) for t in self.order]
        if any(record is None or not record.terminal for record in records):
            return
        if self.download is not None and any(
            r is not None
            and r.state is TaskState.COMPLETED
            and r.download in (DownloadState.NONE, DownloadState.ACTIVE)
            for r in records
        ):
            return
        ok = all(
            r is not None
            and r.state is TaskState.COMPLETED
            and (self.download is None or r.download is DownloadState.DONE)
            for r in records
        )
        self._finish(EXIT_OK if ok else EXIT_FAILED)

    def _finish(self, code: int) -> None:
        if not self.finished.done():
            self.finished.set_result(code)


def _watch_detail(record: TaskRecord) -> str:
    if record.download is DownloadState.ACTIVE:
        return "downloading…"
    if record.download is DownloadState.FAILED and record.download_error:
        return record.download_error
    return detail_text(record.snapshot, record.query_error, record.file)


# -- key ---------------------------------------------------------------------------


def cmd_key(args: argparse.Namespace) -> int:
    base_url = resolve_base_url(args.base_url)
    keys = KeyStore()
    origin = keys.account_for(base_url)
    if args.action == "set":
        key = _read_key()
        if not key:
            raise UsageError("no key given")
        try:
            where = keys.store(base_url, key)
        except KeyringUnavailableError as exc:
            print(f"reelwatch: {exc}", file=sys.stderr)
            return EXIT_FAILED
        print(f"Saved the API key for {origin} in {where}.")
        return EXIT_OK
    if args.action == "status":
        lookup = keys.lookup(base_url)
        if lookup.source == "env":
            print(f"A key for {origin} comes from the environment variable {ENV_VAR}.")
            return EXIT_OK
        if lookup.key:
            print(f"A key for {origin} is stored in {keys.describe_backend()}.")
            return EXIT_OK
        if lookup.problem:
            print(f"reelwatch: {lookup.problem}", file=sys.stderr)
            return EXIT_FAILED
        print(f"No key is stored for {origin}. Store one with: reelwatch key set")
        return EXIT_FAILED
    try:
        deleted = keys.delete(base_url)
    except KeyringUnavailableError as exc:
        print(f"reelwatch: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"Deleted the key for {origin}." if deleted else f"No key was stored for {origin}.")
    return EXIT_OK


def _read_key() -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass("API key (not shown): ").strip()
    data = sys.stdin.read() if sys.stdin is not None else ""
    return data.strip()


# -- list ----------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    from reelwatch.engine.store import TaskStore
    from reelwatch.paths import database_path

    path = database_path()
    if not path.exists():
        records: list[TaskRecord] = []
    else:
        store = TaskStore(path)
        try:
            records = store.load()
        finally:
            store.close()
    if args.json:
        for record in records:
            print(json_line(record_fields(record)))
        return EXIT_OK
    if not records:
        print("No tasks are tracked yet. Open Reelwatch and paste task ids to start.")
        return EXIT_OK
    print(_status_table([(r.task_id, r.snapshot, r.query_error, r.file) for r in records]))
    return EXIT_OK
