"""server/wswrite.py: a message goes straight into an idle phone's socket, and when the socket
cannot take it all the rest waits for the connection's writer, everything after it queued behind,
so the phone still receives every message whole and in order.

A bare Engine.IO server on eventlet (tests/wswrite_server.py) sends bursts of numbered 2 KB
messages to a client that reads nothing for a while (its receive buffer small), so the server's
socket fills: sends go direct, then part of a frame waits for the writer, then the writer drains
the queue, then direct again. The client reads the WebSocket frames off its own socket.
"""
from __future__ import annotations

import json
import sys
import time
import urllib.request

import pytest

from tests.live_server import ROOT
from tests.wsclient import ENGINE_IO_WEBSOCKET, RawWebSocket, start_server

pytest.importorskip("eventlet")

SERVER = ROOT / "tests" / "wswrite_server.py"


@pytest.fixture
def start(tmp_path):
    procs = []

    def run(*args: str) -> int:
        proc, port = start_server([sys.executable, str(SERVER), *args], tmp_path / f"server-{len(procs)}.log")
        procs.append(proc)
        return port

    yield run
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)


class Client(RawWebSocket):
    """Engine.IO 4 over the websocket transport only, on a raw socket."""

    def __init__(self, port: int, rcvbuf: int | None = None):
        super().__init__(port, "/engine.io/" + ENGINE_IO_WEBSOCKET, rcvbuf=rcvbuf)
        assert " 101 " in self.status, self.status

    def messages(self, count: int):
        """The next `count` Engine.IO messages (text after '4'), answering pings on the way."""
        got = []
        while len(got) < count:
            first, payload = self.frame()
            assert first & 0x80, "a whole frame"
            opcode = first & 0x0F
            assert opcode == 1, f"a text frame, not {opcode} (8 is the server closing)"
            text = payload.decode()
            if text == "2":
                self.send_text("3")  # pong
            elif text.startswith("4"):
                got.append(text[1:])
            else:
                assert text.startswith("0{"), text  # the open packet
        return got


def _stats(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=5) as resp:
        return json.loads(resp.read())


def test_a_slow_phone_gets_every_message_whole_and_in_order(start):
    bursts, per_burst, size = 40, 50, 2000
    port = start("--bursts", str(bursts), "--per-burst", str(per_burst), "--size", str(size), "--pause", "0.05",
                 "--sndbuf", "16384")
    client = Client(port, rcvbuf=4096)
    time.sleep(0.6)  # reads nothing: the server's socket fills
    got = client.messages(bursts * per_burst)
    client.close()
    assert got == [f"{n:06d}:" + "x" * size for n in range(bursts * per_burst)]
    stats = _stats(port)
    assert stats["installed"] is True
    assert stats["direct"] > 0, stats  # straight into the socket while it had room
    assert stats["tails"] > 0, stats  # a frame that did not fit: its rest went through the writer


def test_a_phone_that_keeps_up_gets_its_messages_directly(start):
    port = start("--bursts", "20", "--per-burst", "5", "--size", "100", "--pause", "0.02")
    client = Client(port)
    got = client.messages(100)
    client.close()
    assert got == [f"{n:06d}:" + "x" * 100 for n in range(100)]
    stats = _stats(port)
    assert stats["tails"] == 0, stats
    assert stats["direct"] >= 90, stats  # all but what came before the writer first waited


def test_a_connection_busy_with_direct_sends_outlives_the_writers_idle_wait(start):
    # Ping every second, 1 s to answer: Engine.IO's writer gives up on an empty queue after 2 s.
    # Every message and ping here goes straight into the socket, so the queue stays empty for 5 s.
    port = start("--bursts", "16", "--per-burst", "1", "--size", "10", "--pause", "0.3",
                 "--ping-interval", "1", "--ping-timeout", "1")
    client = Client(port)
    got = client.messages(16)
    client.close()
    assert got == [f"{n:06d}:" + "x" * 10 for n in range(16)]


def test_the_stock_writer_still_works_without_it(start):
    port = start("--stock", "--bursts", "4", "--per-burst", "5", "--size", "10", "--pause", "0.01")
    client = Client(port)
    assert client.messages(20) == [f"{n:06d}:" + "x" * 10 for n in range(20)]
    client.close()
    assert _stats(port) == {"installed": False, "direct": 0, "tails": 0}


def test_a_closed_connection_keeps_no_reference_to_its_socket():
    import weakref

    from server import wswrite

    class Socket:  # the attributes _Direct reads when it is made
        def send(self, pkt):
            pass

        def poll(self):
            return []

    sock = Socket()
    direct = wswrite._Direct(sock, object(), object(), 1.0)
    ref = weakref.ref(sock)
    direct.detach()
    del sock
    assert ref() is None  # nothing in the counts object keeps the socket (or a cycle through it)
