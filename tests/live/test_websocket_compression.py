"""The server opens WebSockets without per-message compression even when the phone offers it, as
every browser does (server/wsdeflate.py): no zlib state per connection, no compression per message.
The bench's bare baseline server answers the same way (server/sim/baseline.py).

Each test opens the WebSocket by hand with the handshake Chromium sends and reads the first frame
(Engine.IO's open packet) off the socket.
"""
from __future__ import annotations

import sys

import pytest

from tests.wsclient import ENGINE_IO_WEBSOCKET, RawWebSocket, start_server

# What Chromium sends (and Firefox, with the same parameters).
BROWSER_OFFER = "permessage-deflate; client_max_window_bits"


def _check_uncompressed(port: int, extensions: str | None) -> None:
    """Handshake on /socket.io/ (Engine.IO 4, websocket) offering `extensions`; check the answer and
    the first frame."""
    ws = RawWebSocket(port, "/socket.io/" + ENGINE_IO_WEBSOCKET, extensions)
    try:
        first, payload = ws.frame()
    finally:
        ws.close()
    assert " 101 " in ws.status, ws.status
    assert "sec-websocket-extensions" not in ws.headers, ws.headers  # the offer is declined
    assert first & 0x80, "a whole frame"
    assert not first & 0x40, "RSV1 set: the frame is compressed"
    assert first & 0x0F == 1, "a text frame"
    text = payload.decode()
    assert text.startswith("0{") and '"sid"' in text, text  # Engine.IO's open packet, readable


def test_the_app_declines_the_compression_a_browser_offers(live_server):
    _check_uncompressed(live_server.port, BROWSER_OFFER)


def test_the_app_opens_a_websocket_offered_nothing(live_server):
    _check_uncompressed(live_server.port, None)


@pytest.fixture(scope="module")
def baseline_port(tmp_path_factory):
    log = tmp_path_factory.mktemp("baseline") / "baseline.log"
    proc, port = start_server([sys.executable, "-m", "server.sim.baseline"], log)
    yield port
    proc.terminate()
    proc.wait(timeout=10)


def test_the_bench_baseline_declines_it_too(baseline_port):
    _check_uncompressed(baseline_port, BROWSER_OFFER)
