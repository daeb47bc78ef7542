"""One Reelwatch window per user: a second start hands its arguments to the first and exits.

Transport: QLocalServer/QLocalSocket (a Unix socket, a named pipe on Windows). Protocol: the
client sends ONE line of JSON, ``{"version": 1, "args": {...}}\\n``; the server answers one
line, ``{"version": 1, "ok": true}\\n`` (or ``"ok": false`` with an ``"error"``), and closes.
The version lets a newer client notice an older server instead of being misunderstood.

Typical start-up, before the main window is built::

    instance = SingleInstance(suffix="demo" if demo else "")
    if instance.forward({"ids": ids}):
        return 0                    # the running window got them
    if not instance.listen():
        ...                         # another instance owns the name but did not answer
    instance.message_received.connect(window.handle_forwarded)
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import re
import stat
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop, QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
#: Longest request line accepted; pasted text with many task ids fits easily.
MAX_LINE_BYTES = 1024 * 1024
#: A client that connects and says nothing is dropped after this long.
CONNECTION_TIMEOUT_MS = 5000
#: How long listen() waits to learn whether the name's owner is alive before taking it over.
PROBE_TIMEOUT_MS = 500


def _user_key() -> str:
    """Something stable and unique per user account on this machine."""
    parts: list[str] = []
    if hasattr(os, "getuid"):
        parts.append(str(os.getuid()))
    try:
        parts.append(getpass.getuser())
    except (KeyError, OSError):  # no passwd entry / no USERNAME in a sandbox
        parts.append(os.environ.get("USERNAME", ""))
    return ":".join(parts)


def _private_runtime_dir() -> str | None:
    """$XDG_RUNTIME_DIR if it is really ours and private; sockets there are out of /tmp."""
    path = os.environ.get("XDG_RUNTIME_DIR")
    if not path or not hasattr(os, "getuid"):
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return None
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return None
    return path


def server_name(suffix: str = "") -> str:
    """The per-user name to listen on; ``suffix`` separates tests and demo mode.

    ``reelwatch-<hash of the user>[-suffix]``; inside ``$XDG_RUNTIME_DIR`` when it is usable,
    otherwise a bare name, which Qt places in the temporary folder (or the pipe namespace).
    """
    digest = hashlib.sha256(_user_key().encode("utf-8")).hexdigest()[:16]
    name = f"reelwatch-{digest}"
    clean = re.sub(r"[^A-Za-z0-9_.-]+", "_", suffix)[:40]
    if clean:
        name += f"-{clean}"
    runtime = _private_runtime_dir()
    if runtime:
        full = os.path.join(runtime, name)
        if len(full.encode()) < 100:  # sun_path holds 104-108 bytes depending on the OS
            return full
    return name


def encode_request(args: dict[str, Any]) -> bytes:
    """The one request line. Raises TypeError/ValueError for args JSON cannot carry."""
    if not isinstance(args, dict):
        raise TypeError(f"args must be a dict, not {type(args).__name__}")
    return json.dumps({"version": PROTOCOL_VERSION, "args": args}).encode("utf-8") + b"\n"


def decode_request(line: bytes) -> dict[str, Any] | None:
    """The args of a well-formed request line, or None for anything else."""
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(message, dict):
        return None
    version = message.get("version")
    if type(version) is not int or version != PROTOCOL_VERSION:
        return None
    args = message.get("args")
    return args if isinstance(args, dict) else None


def _encode_reply(ok: bool, error: str = "") -> bytes:
    reply: dict[str, Any] = {"version": PROTOCOL_VERSION, "ok": ok}
    if error:
        reply["error"] = error
    return json.dumps(reply).encode("utf-8") + b"\n"


def _reply_ok(line: bytes) -> bool:
    try:
        reply = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(reply, dict) and reply.get("ok") is True


class _Connection(QObject):
    """One accepted client: read one line, reply, close. Owns its socket and timeout."""

    finished = Signal(QObject)

    def __init__(self, socket: QLocalSocket, owner: SingleInstance) -> None:
        super().__init__(owner)
        self._owner = owner
        self._done = False  # replied or given up: ignore further bytes
        self._closed = False
        self.socket = socket
        socket.setParent(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)
        self._timer.start(CONNECTION_TIMEOUT_MS)
        socket.readyRead.connect(self._on_ready_read)
        socket.disconnected.connect(self._finish)
        # Bytes may have arrived before we connected readyRead.
        QTimer.singleShot(0, self, self._on_ready_read)

    def _on_ready_read(self) -> None:
        socket = self.socket
        if self._done:
            return
        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_LINE_BYTES:
                log.warning(
                    "single instance: request longer than %d bytes, dropped", MAX_LINE_BYTES
                )
                self._reply(_encode_reply(False, "request too long"))
            elif socket.state() != QLocalSocket.LocalSocketState.ConnectedState:
                self._finish()
            return
        line = bytes(socket.readLine(MAX_LINE_BYTES + 1).data())
        args = decode_request(line)
        if args is None:
            log.warning("single instance: ignored a malformed request (%d bytes)", len(line))
            self._reply(_encode_reply(False, f"expected a version {PROTOCOL_VERSION} request"))
            return
        self._reply(_encode_reply(True))
        # After the reply: the waiting process can exit while this one handles the args.
        self._owner.message_received.emit(args)

    def _reply(self, data: bytes) -> None:
        self._done = True
        self._timer.stop()
        socket = self.socket
        if socket.state() == QLocalSocket.LocalSocketState.ConnectedState:
            socket.write(data)
            socket.flush()
            socket.disconnectFromServer()  # waits for the write, then emits disconnected
        else:
            self._finish()

    def _on_timeout(self) -> None:
        log.info("single instance: a client connected but sent nothing; dropped")
        self.abort()

    def abort(self) -> None:
        self._done = True
        self._timer.stop()
        self.socket.abort()
        self._finish()

    def _finish(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._done = True
        self._timer.stop()
        self.finished.emit(self)
        self.deleteLater()


class SingleInstance(QObject):
    """Client and server side of "one Reelwatch per user" (see the module docstring)."""

    #: The ``args`` of a request from a second start, already validated.
    message_received = Signal(dict)

    def __init__(self, suffix: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(suffix)
        self._server: QLocalServer | None = None
        self._connections: list[_Connection] = []

    @property
    def is_listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    # ------------------------------------------------------------------ client side

    def forward(self, payload: dict[str, Any], timeout_ms: int = 2000) -> bool:
        """Hand ``payload`` to the running instance; True once it acknowledged it.

        False when nobody listens (returns at once), or the owner did not answer within
        ``timeout_ms``. Call it at start-up, before an asyncio loop runs: with a
        QCoreApplication it waits in a short local event loop (so a server in this very
        process also works); without one it uses blocking waits.
        """
        data = encode_request(payload)
        deadline = QDeadlineTimer(max(0, timeout_ms))
        socket = QLocalSocket()
        try:
            socket.connectToServer(self.name)
            if not socket.waitForConnected(_remaining(deadline)):
                return False
            socket.write(data)
            socket.flush()
            line = _read_reply_line(socket, deadline)
            if line is None:
                log.info("single instance: %s did not answer in %d ms", self.name, timeout_ms)
                return False
            return _reply_ok(line)
        finally:
            socket.abort()  # Python owns the socket: it is deleted when this frame ends

    # ------------------------------------------------------------------ server side

    def listen(self) -> bool:
        """Become the instance others forward to. False if a live instance owns the name.

        The owner is probed first: with UserAccessOption, Qt binds in a private folder and
        renames the socket over the name, which would silently steal it from a live
        instance. A socket file left by a crashed instance refuses the probe and is removed.
        """
        if self.is_listening:
            return True
        if _someone_listening(self.name):
            return False
        QLocalServer.removeServer(self.name)  # a stale socket file; nothing if there is none
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            log.warning("single instance: cannot listen on %s: %s", self.name, server.errorString())
            server.deleteLater()
            return False
        server.newConnection.connect(self._on_new_connection)
        self._server = server
        return True

    def close(self) -> None:
        """Stop listening (removes the socket file) and drop open connections; idempotent."""
        for connection in list(self._connections):
            connection.abort()
        self._connections.clear()
        server, self._server = self._server, None
        if server is not None:
            server.close()
            server.deleteLater()

    def _on_new_connection(self) -> None:
        server = self._server
        if server is None:
            return
        while server.hasPendingConnections():
            socket = server.nextPendingConnection()
            if socket is None:
                break
            connection = _Connection(socket, self)
            connection.finished.connect(self._forget)
            self._connections.append(connection)

    def _forget(self, connection: QObject) -> None:
        if connection in self._connections:
            self._connections.remove(connection)  # type: ignore[arg-type]


def _remaining(deadline: QDeadlineTimer) -> int:
    return max(0, int(deadline.remainingTime()))


def _read_reply_line(socket: QLocalSocket, deadline: QDeadlineTimer) -> bytes | None:
    """Wait for one line or the deadline; None on timeout or disconnect without a line."""
    connected = QLocalSocket.LocalSocketState.ConnectedState
    if QCoreApplication.instance() is None:
        while not socket.canReadLine():
            if socket.state() != connected or not socket.waitForReadyRead(_remaining(deadline)):
                break
    else:
        loop = QEventLoop()
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        socket.readyRead.connect(loop.quit)
        socket.disconnected.connect(loop.quit)
        socket.errorOccurred.connect(loop.quit)
        while (
            not socket.canReadLine() and socket.state() == connected and not deadline.hasExpired()
        ):
            timer.start(max(1, _remaining(deadline)))
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        timer.stop()
        for signal in (socket.readyRead, socket.disconnected, socket.errorOccurred):
            signal.disconnect(loop.quit)
    if not socket.canReadLine():
        return None
    return bytes(socket.readLine(MAX_LINE_BYTES + 1).data())


def _someone_listening(name: str) -> bool:
    """Whether a live process owns ``name``: a stale socket file refuses the connection.

    A connect that neither succeeds nor is refused in time (a hung owner with a full
    backlog) also counts as alive: taking the name over would strand its user.
    """
    probe = QLocalSocket()
    try:
        probe.connectToServer(name)
        if probe.waitForConnected(PROBE_TIMEOUT_MS):
            return True
        return probe.error() == QLocalSocket.LocalSocketError.SocketTimeoutError
    finally:
        probe.abort()
