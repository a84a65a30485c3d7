"""A WebSocket client on a raw socket, for tests that look at the handshake and the frames themselves
(tests/live/test_websocket_compression.py, tests/test_wswrite.py), and starting a test server process
on a free port."""
from __future__ import annotations

import base64
import os
import socket
import struct
import subprocess
import time
from pathlib import Path

from tests.live_server import ROOT, _free_port

ENGINE_IO_WEBSOCKET = "?EIO=4&transport=websocket"


def start_server(args: list[str], log_path: Path, timeout: float = 30) -> tuple[subprocess.Popen, int]:
    """Run `args + ["--port", P]` on a free port P from the checkout; wait until it accepts connections."""
    port = _free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen([*args, "--port", str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"the test server did not start; see {log_path}") from None
            time.sleep(0.1)


class RawWebSocket:
    """Opens `path` on 127.0.0.1:`port` with the handshake a browser sends (`extensions`: its
    Sec-WebSocket-Extensions offer); `status` and `headers` (lower-case names) are the answer's."""

    def __init__(self, port: int, path: str, extensions: str | None = None, rcvbuf: int | None = None):
        self.sock = socket.socket()
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(20)
        self.sock.connect(("127.0.0.1", port))
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}", "Sec-WebSocket-Version: 13",
                 f"Origin: http://127.0.0.1:{port}"]
        if extensions:
            lines.append(f"Sec-WebSocket-Extensions: {extensions}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        self.status, *header_lines = head.decode("latin-1").split("\r\n")
        self.headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed by the server: {self.buf[-200:]!r}")
        self.buf += chunk

    def frame(self) -> tuple[int, bytes]:
        """(first byte: FIN, RSV1-3 and opcode; payload) of the next frame (a server's: unmasked)."""
        while len(self.buf) < 2:
            self._fill()
        first, second = self.buf[0], self.buf[1]
        assert not second & 0x80, "a server's frame is not masked"
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
        return first, payload

    def send_text(self, text: str):
        data = text.encode()
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(bytes([0x81, 0x80 | len(data)]) + mask + masked)

    def close(self):
        self.sock.close()
