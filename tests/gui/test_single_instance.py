"""SingleInstance: forwarding to a running instance over QLocalServer, garbage, stale sockets."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from reelwatch.gui import single_instance
from reelwatch.gui.single_instance import (
    PROTOCOL_VERSION,
    SingleInstance,
    decode_request,
    encode_request,
    server_name,
)

SRC = Path(__file__).resolve().parents[2] / "src"


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    return env


@pytest.fixture
def suffix() -> str:
    """A name of its own per test, so runs in parallel never meet."""
    return f"test-{os.getpid()}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def make_instance(qapp, suffix: str) -> Iterator[Callable[..., SingleInstance]]:
    made: list[SingleInstance] = []

    def make(name_suffix: str | None = None) -> SingleInstance:
        instance = SingleInstance(suffix if name_suffix is None else name_suffix)
        made.append(instance)
        return instance

    yield make
    for instance in made:
        instance.close()
        instance.deleteLater()


def _raw_exchange(qtbot, name: str, data: bytes) -> bytes:
    """Send raw bytes as a misbehaving client would; return the server's reply line."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    assert socket.waitForConnected(1000)
    socket.write(data)
    socket.flush()
    qtbot.waitUntil(lambda: socket.canReadLine(), timeout=3000)
    reply = bytes(socket.readLine().data())
    socket.abort()
    return reply


# ---------------------------------------------------------------------------- names, protocol


def test_server_name_is_per_user_and_per_suffix() -> None:
    plain, demo = server_name(), server_name("demo")
    assert os.path.basename(plain).startswith("reelwatch-")
    assert demo != plain and demo.endswith("-demo")
    assert server_name("demo") == demo  # stable
    weird = server_name("../../etc passwd")
    assert os.path.basename(weird).startswith("reelwatch-")
    assert "/etc" not in weird and " " not in os.path.basename(weird)
    assert len(weird.encode()) < 108


def test_request_round_trip() -> None:
    line = encode_request({"ids": ["video_1"], "demo": False})
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert decode_request(line) == {"ids": ["video_1"], "demo": False}
    with pytest.raises(TypeError):
        encode_request(["not", "a", "dict"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "line",
    [
        b"",
        b"\n",
        b"not json\n",
        b"\xff\xfe\x00garbage\n",
        b"[1, 2, 3]\n",
        b'{"args": {}}\n',
        b'{"version": 2, "args": {}}\n',
        b'{"version": "1", "args": {}}\n',
        b'{"version": true, "args": {}}\n',
        b'{"version": 1, "args": [1]}\n',
        b'{"version": 1}\n',
        b"[" * 100_000 + b"\n",
    ],
)
def test_malformed_requests_are_rejected(line: bytes) -> None:
    assert decode_request(line) is None


# ---------------------------------------------------------------------------- in one process


def test_forward_reaches_the_listening_instance(qtbot, make_instance) -> None:
    server = make_instance()
    assert server.listen()
    assert server.is_listening
    client = make_instance()
    payload = {"ids": ["video_abc", "video_def"], "text": "naïve 视频"}
    with qtbot.waitSignal(server.message_received, timeout=3000) as blocker:
        assert client.forward(payload)
    assert blocker.args == [payload]

    # And again: every connection is handled, not only the first.
    with qtbot.waitSignal(server.message_received, timeout=3000) as blocker:
        assert client.forward({"ids": []})
    assert blocker.args == [{"ids": []}]


def test_garbage_is_ignored_and_the_server_keeps_working(qtbot, make_instance) -> None:
    server = make_instance()
    assert server.listen()
    received: list[dict] = []
    server.message_received.connect(received.append)

    for garbage in (b"\xff\xfe\x00garbage\n", b'{"version": 99, "args": {}}\n', b"[]\n"):
        reply = _raw_exchange(qtbot, server.name, garbage)
        assert reply.endswith(b"\n")
        assert b'"ok": false' in reply
    # A client that connects and leaves without a word.
    silent = QLocalSocket()
    silent.connectToServer(server.name)
    assert silent.waitForConnected(1000)
    silent.abort()
    qtbot.wait(50)
    assert received == []

    with qtbot.waitSignal(server.message_received, timeout=3000):
        assert make_instance().forward({"ids": ["video_ok"]})
    assert received == [{"ids": ["video_ok"]}]


def test_silent_client_is_dropped_after_a_timeout(qtbot, make_instance, monkeypatch) -> None:
    monkeypatch.setattr(single_instance, "CONNECTION_TIMEOUT_MS", 200)
    server = make_instance()
    assert server.listen()
    socket = QLocalSocket()
    socket.connectToServer(server.name)
    assert socket.waitForConnected(1000)
    socket.write(b'{"version": 1, "args": {}}')  # no newline, ever
    socket.flush()
    qtbot.waitUntil(
        lambda: socket.state() == QLocalSocket.LocalSocketState.UnconnectedState, timeout=3000
    )


def test_oversized_request_is_refused(qtbot, make_instance, monkeypatch) -> None:
    monkeypatch.setattr(single_instance, "MAX_LINE_BYTES", 1000)
    server = make_instance()
    assert server.listen()
    received: list[dict] = []
    server.message_received.connect(received.append)
    reply = _raw_exchange(qtbot, server.name, b"x" * 5000)
    assert b'"ok": false' in reply
    assert received == []


def test_forward_with_nobody_listening_returns_false_quickly(make_instance) -> None:
    client = make_instance()
    started = time.monotonic()
    assert client.forward({"ids": ["video_1"]}) is False
    assert time.monotonic() - started < 1.0


def test_second_listener_does_not_steal_a_live_name(qtbot, make_instance) -> None:
    first = make_instance()
    assert first.listen()
    second = make_instance()
    assert second.listen() is False
    assert not second.is_listening
    with qtbot.waitSignal(first.message_received, timeout=3000):
        assert make_instance().forward({"ids": ["still-first"]})


def test_close_is_idempotent_and_frees_the_name(qtbot, make_instance) -> None:
    server = make_instance()
    assert server.listen()
    server.close()
    server.close()
    assert not server.is_listening
    assert make_instance().forward({"ids": []}) is False
    again = make_instance()
    assert again.listen()


@pytest.fixture
def fake_server(qapp, suffix: str) -> Iterator[Callable[[bytes | None], QLocalServer]]:
    """A bare QLocalServer on our name that answers with fixed bytes, or never (None)."""
    servers: list[QLocalServer] = []

    def make(reply: bytes | None) -> QLocalServer:
        server = QLocalServer()
        assert server.listen(server_name(suffix))
        kept: list[QLocalSocket] = []

        def on_connection() -> None:
            socket = server.nextPendingConnection()
            kept.append(socket)
            if reply is not None:
                socket.readyRead.connect(lambda: socket.write(reply) if socket.canReadLine() else 0)

        server.newConnection.connect(on_connection)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


def test_forward_is_false_when_the_server_says_no(make_instance, fake_server) -> None:
    fake_server(b'{"version": 1, "ok": false, "error": "nope"}\n')
    assert make_instance().forward({"ids": []}) is False


def test_forward_gives_up_on_a_server_that_never_answers(make_instance, fake_server) -> None:
    fake_server(None)
    started = time.monotonic()
    assert make_instance().forward({"ids": []}, timeout_ms=300) is False
    assert time.monotonic() - started < 1.0


def test_forward_ignores_a_garbage_reply(make_instance, fake_server) -> None:
    fake_server(b"\xff\xfe garbage\n")
    assert make_instance().forward({"ids": []}) is False


# ---------------------------------------------------------------------------- two processes


def test_second_process_forwards_and_exits_fast(qtbot, make_instance, suffix: str) -> None:
    """The real case: a fresh process with no QApplication hands its args over."""
    server = make_instance()
    assert server.listen()
    received: list[dict] = []
    server.message_received.connect(received.append)
    code = textwrap.dedent(
        f"""
        import sys, time
        t0 = time.monotonic()
        from reelwatch.gui.single_instance import SingleInstance
        ok = SingleInstance({suffix!r}).forward({{"ids": ["from-process"]}})
        print("forward took", round(time.monotonic() - t0, 3), "s")
        sys.exit(0 if ok else 3)
        """
    )
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-c", code], env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        qtbot.waitUntil(lambda: process.poll() is not None, timeout=10_000)
    finally:
        if process.poll() is None:
            process.kill()
    out, err = process.communicate()
    assert process.returncode == 0, (out, err)
    assert time.monotonic() - started < 5.0  # interpreter + PySide import dominate
    qtbot.waitUntil(lambda: received == [{"ids": ["from-process"]}], timeout=2000)


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes leave nothing behind")
def test_stale_name_of_a_crashed_instance_is_recovered(qtbot, make_instance, suffix: str) -> None:
    code = textwrap.dedent(
        f"""
        import os, signal, sys
        from PySide6.QtCore import QCoreApplication
        from reelwatch.gui.single_instance import SingleInstance
        app = QCoreApplication([])
        instance = SingleInstance({suffix!r})
        assert instance.listen()
        print(instance._server.fullServerName(), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # a crash: no close(), the socket file stays
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=_env(), capture_output=True, text=True, timeout=30
    )
    socket_file = Path(result.stdout.strip())
    assert result.returncode != 0 and socket_file.name, result.stderr
    assert socket_file.exists()  # the stale socket is really there

    started = time.monotonic()
    assert make_instance().forward({"ids": []}) is False  # refused, not hanging
    assert time.monotonic() - started < 1.0

    server = make_instance()
    assert server.listen()
    with qtbot.waitSignal(server.message_received, timeout=3000) as blocker:
        assert make_instance().forward({"ids": ["after-crash"]})
    assert blocker.args == [{"ids": ["after-crash"]}]
    server.close()
    assert not socket_file.exists()


def test_protocol_version_is_one() -> None:
    assert PROTOCOL_VERSION == 1
