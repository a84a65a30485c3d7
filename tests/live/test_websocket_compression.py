"""The server opens WebSockets without per-message compression even when the phone offers it, as
every browser does (server/wsdeflate.py): no zlib state per connection, no compression per message.
The bench's bare baseline server answers the same way (server/sim/baseline.py).

Each test opens the WebSocket by hand with the handshake Chromium sends and reads the first frame
(Engine.IO's open packet) off the socket.
"""
from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time

import pytest

from tests.live_server import ROOT, _free_port

# What Chromium sends (and Firefox, with the same parameters).
BROWSER_OFFER = "permessage-deflate; client_max_window_bits"


def _open(port: int, extensions: str | None) -> tuple[str, dict[str, str], bytes]:
    """Handshake on /socket.io/ (Engine.IO 4, websocket); (status line, headers, first frame)."""
    key = base64.b64encode(os.urandom(16)).decode()
    lines = ["GET /socket.io/?EIO=4&transport=websocket HTTP/1.1", f"Host: 127.0.0.1:{port}",
             "Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}",
             "Sec-WebSocket-Version: 13", f"Origin: http://127.0.0.1:{port}"]
    if extensions:
        lines.append(f"Sec-WebSocket-Extensions: {extensions}")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            assert chunk, f"connection closed during the handshake: {data!r}"
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        status, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        while len(rest) < 2 or len(rest) < 2 + (rest[1] & 0x7F):  # the open packet is < 126 bytes
            chunk = sock.recv(4096)
            assert chunk, f"connection closed before the first frame: {rest!r}"
            rest += chunk
    return status, headers, rest


def _check_uncompressed(status: str, headers: dict[str, str], frame: bytes) -> None:
    assert " 101 " in status, status
    assert "sec-websocket-extensions" not in headers, headers  # the offer is declined
    first, second = frame[0], frame[1]
    assert first & 0x80, "a whole frame"
    assert not first & 0x40, "RSV1 set: the frame is compressed"
    assert first & 0x0F == 1, "a text frame"
    length = second & 0x7F
    payload = frame[2:2 + length].decode()
    assert payload.startswith("0{") and '"sid"' in payload, payload  # Engine.IO's open packet, readable


def test_the_app_declines_the_compression_a_browser_offers(live_server):
    _check_uncompressed(*_open(live_server.port, BROWSER_OFFER))


def test_the_app_opens_a_websocket_offered_nothing(live_server):
    _check_uncompressed(*_open(live_server.port, None))


@pytest.fixture(scope="module")
def baseline_port(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("baseline") / "baseline.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "server.sim.baseline", "--port", str(port)],
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the baseline server did not start; see {log}") from None
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_bench_baseline_declines_it_too(baseline_port):
    _check_uncompressed(*_open(baseline_port, BROWSER_OFFER))
