"""server/wswrite.py: a message goes straight into an idle phone's socket, and when the socket
cannot take it all the rest waits for the connection's writer, everything after it queued behind,
so the phone still receives every message whole and in order.

A bare Engine.IO server on eventlet (tests/wswrite_server.py) sends bursts of numbered 2 KB
messages to a client that reads nothing for a while (its receive buffer small), so the server's
socket fills: sends go direct, then part of a frame waits for the writer, then the writer drains
the queue, then direct again. The client reads the WebSocket frames off its own socket.
"""
from __future__ import annotations

import base64
import json
import os
import socket
import struct
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.live_server import ROOT, _free_port

pytest.importorskip("eventlet")

SERVER = ROOT / "tests" / "wswrite_server.py"


@pytest.fixture
def start(tmp_path):
    procs = []

    def run(*args: str) -> int:
        port = _free_port()
        log = open(tmp_path / f"server-{port}.log", "w")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen([sys.executable, str(SERVER), "--port", str(port), *args],
                                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        procs.append((proc, log))
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the test server did not start; see {log.name}") from None
                time.sleep(0.1)

    yield run
    for proc, log in procs:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


class Client:
    """A WebSocket client on a raw socket: Engine.IO 4, websocket transport only."""

    def __init__(self, port: int, rcvbuf: int | None = None):
        self.sock = socket.socket()
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(20)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        assert b" 101 " in head.split(b"\r\n")[0], head

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed by the server")
        self.buf += chunk

    def frame(self) -> tuple[int, bytes]:
        """(opcode, payload) of the next whole frame (the server's frames are unmasked, unfragmented)."""
        while len(self.buf) < 2:
            self._fill()
        first, second = self.buf[0], self.buf[1]
        assert first & 0x80 and not second & 0x80, "a whole, unmasked frame"
        length, start = second & 0x7F, 2
        if length == 126:
            while len(self.buf) < 4:
                self._fill()
            length, start = struct.unpack("!H", self.buf[2:4])[0], 4
        elif length == 127:
            while len(self.buf) < 10:
                self._fill()
            length, start = struct.unpack("!Q", self.buf[2:10])[0], 10
        while len(self.buf) < start + length:
            self._fill()
        payload, self.buf = self.buf[start:start + length], self.buf[start + length:]
        return first & 0x0F, payload

    def send_text(self, text: str):
        data = text.encode()
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(bytes([0x81, 0x80 | len(data)]) + mask + masked)

    def messages(self, count: int):
        """The next `count` Engine.IO messages (text after '4'), answering pings on the way."""
        got = []
        while len(got) < count:
            opcode, payload = self.frame()
            assert opcode == 1, f"a text frame, not {opcode} (8 is the server closing)"
            text = payload.decode()
            if text == "2":
                self.send_text("3")  # pong
            elif text.startswith("4"):
                got.append(text[1:])
            else:
                assert text.startswith("0{"), text  # the open packet
        return got

    def close(self):
        self.sock.close()


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
    direct = wswrite._Direct(sock, object(), object(), object, Exception, 1.0)
    ref = weakref.ref(sock)
    direct.detach()
    del sock
    assert ref() is None  # nothing in the counts object keeps the socket (or a cycle through it)
