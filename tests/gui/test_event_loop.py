"""The app's event loop keeps asyncio's rules while driving everything from one Qt timer."""

from __future__ import annotations

import asyncio
import socket

import pytest

from reelwatch.gui.event_loop import EventLoop
from tests.gui.conftest import run_in_loop


def test_callbacks_run_in_order_and_new_ones_wait_for_the_next_pass(qloop, qtbot) -> None:
    calls: list[str] = []

    def first() -> None:
        calls.append("first")
        qloop.call_soon(calls.append, "scheduled by first")

    qloop.call_soon(first)
    qloop.call_soon(calls.append, "second")
    qtbot.waitUntil(lambda: len(calls) == 3, timeout=2000)
    assert calls == ["first", "second", "scheduled by first"]


def test_timers_fire_in_deadline_order_never_early(qloop, qtbot) -> None:
    fired: list[tuple[int, float]] = []
    start = qloop.time()
    deadlines = {30: start + 0.03, 10: start + 0.01, 20: start + 0.02}
    for ms, when in deadlines.items():
        qloop.call_at(when, lambda ms=ms: fired.append((ms, qloop.time())))
    qtbot.waitUntil(lambda: len(fired) == 3, timeout=2000)
    assert [ms for ms, _ in fired] == [10, 20, 30]
    for ms, at in fired:
        assert at >= deadlines[ms] - qloop._clock_resolution


def test_a_cancelled_timer_never_runs_and_dead_timers_do_not_pile_up(qloop, qtbot) -> None:
    ran: list[int] = []
    for i in range(1000):  # what httpx does with a read timeout on every response
        qloop.call_later(60, ran.append, i).cancel()
    keep = qloop.call_later(0.01, ran.append, -1)
    assert len(qloop._timers) < 200
    qtbot.waitUntil(lambda: ran == [-1], timeout=2000)
    assert not keep.cancelled()
    dropped = qloop.call_later(0.01, ran.append, -2)
    dropped.cancel()
    qtbot.wait(50)
    assert ran == [-1]


def test_a_failing_callback_reaches_the_exception_handler_and_the_loop_goes_on(
    qloop, qtbot
) -> None:
    seen: list[dict] = []
    qloop.set_exception_handler(lambda loop, context: seen.append(context))
    try:
        after: list[bool] = []
        qloop.call_soon(lambda: 1 / 0)
        qloop.call_soon(after.append, True)
        qtbot.waitUntil(lambda: after == [True], timeout=2000)
        assert isinstance(seen[0]["exception"], ZeroDivisionError)
    finally:
        qloop.set_exception_handler(None)


def test_a_reader_runs_on_data_and_can_remove_itself(qloop, qtbot) -> None:
    left, right = socket.socketpair()
    left.setblocking(False)
    received: list[bytes] = []

    def on_readable() -> None:
        received.append(left.recv(100))
        if b"last" in received[-1]:
            qloop.remove_reader(left)

    try:
        qloop.add_reader(left, on_readable)
        right.send(b"one")
        qtbot.waitUntil(lambda: received == [b"one"], timeout=2000)
        right.send(b"last")
        qtbot.waitUntil(lambda: len(received) == 2, timeout=2000)
        right.send(b"unread")
        qtbot.wait(50)
        assert received == [b"one", b"last"]
        assert not qloop.remove_reader(left)
    finally:
        left.close()
        right.close()


def test_a_writer_runs_while_the_socket_can_take_data(qloop, qtbot) -> None:
    left, right = socket.socketpair()
    calls: list[int] = []

    def on_writable() -> None:
        calls.append(left.send(b"x"))
        if len(calls) == 3:
            qloop.remove_writer(left)

    try:
        qloop.add_writer(left, on_writable)
        qtbot.waitUntil(lambda: len(calls) == 3, timeout=2000)
        qtbot.wait(30)
        assert calls == [1, 1, 1]
        assert right.recv(10) == b"xxx"
    finally:
        left.close()
        right.close()


def test_sleeps_timeouts_and_streams_work_as_on_asyncio(qloop, qtbot) -> None:
    async def scenario() -> list[str]:
        events = []
        await asyncio.sleep(0.01)
        events.append("slept")
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(asyncio.sleep(5), 0.02)
        events.append("timed out")

        async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(await reader.readline())
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(echo, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"hello\n")
        events.append((await reader.readline()).decode().strip())
        writer.close()
        await writer.wait_closed()
        server.close()
        await server.wait_closed()
        return events

    assert run_in_loop(qtbot, scenario()) == ["slept", "timed out", "hello"]


def test_closing_with_pending_work_releases_everything(qapp) -> None:
    loop = EventLoop(qapp)
    left, right = socket.socketpair()
    try:
        loop.add_reader(left, lambda: None)
        loop.call_later(30, lambda: None)
        loop.call_soon(lambda: None)
        loop.close()
        assert loop.is_closed()
        assert not loop._timers and not loop._ready_handles
        with pytest.raises(RuntimeError):
            loop.call_soon(lambda: None)
    finally:
        left.close()
        right.close()


def test_a_later_timer_set_by_a_callback_does_not_delay_an_earlier_one(qloop, qtbot) -> None:
    fired: list[str] = []
    start = qloop.time()
    qloop.call_at(start + 0.02, fired.append, "early")
    qloop.call_soon(lambda: qloop.call_at(start + 5, fired.append, "late"))
    qtbot.waitUntil(lambda: fired == ["early"], timeout=1000)
    assert qloop.time() - start < 1


def test_timers_cancelled_by_a_callback_never_make_the_due_ones_run_twice(qapp) -> None:
    loop = EventLoop(qapp)  # a fresh heap: other tests' timers would keep it from a rebuild
    fired: list[int] = []

    def busy_callback() -> None:
        for n in range(5):  # due at once: the same pass's next batch takes them
            loop.call_later(0, fired.append, n)
        for timer in [loop.call_later(60, fired.append, -1) for _ in range(110)]:
            timer.cancel()  # enough to make the loop rebuild its heap in the middle of a pass
        loop.call_soon(lambda: None)  # so that the pass goes on to another batch

    async def scenario() -> None:
        loop.call_soon(busy_callback)
        await asyncio.sleep(0.1)

    try:
        loop.run_until_complete(scenario())
    finally:
        loop.close()
    assert sorted(fired) == [0, 1, 2, 3, 4]
