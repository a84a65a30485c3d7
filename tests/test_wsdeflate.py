"""server/wsdeflate.py swaps the WebSocket class of one Engine.IO server only, and leaves a server
whose WebSocket class negotiates nothing as it is (tests/live/test_websocket_compression.py checks
the handshake over a real socket)."""
from __future__ import annotations

import engineio
import pytest

from server import wsdeflate

eventlet_websocket = pytest.importorskip("eventlet.websocket")

OFFER = {"permessage-deflate": [{"client_max_window_bits": True}]}


def test_one_server_declines_and_eventlet_itself_is_untouched():
    declining, other = engineio.Server(async_mode="eventlet"), engineio.Server(async_mode="eventlet")
    assert wsdeflate.decline(declining) is True
    assert wsdeflate.decline(declining) is True  # twice: still one subclass
    cls = declining._async["websocket"]
    assert cls.__bases__ == (other._async["websocket"],)
    assert cls(lambda ws: None, declining)._negotiate_permessage_deflate(OFFER) is None
    stock = other._async["websocket"](lambda ws: None, other)
    assert stock._negotiate_permessage_deflate(OFFER) is not None  # the other server still would
    assert eventlet_websocket.WebSocketWSGI(lambda ws: None)._negotiate_permessage_deflate(OFFER) is not None


def test_a_websocket_class_without_negotiation_is_left_alone():
    server = engineio.Server(async_mode="threading")
    before = server._async["websocket"]
    assert not hasattr(before, "_negotiate_permessage_deflate")
    assert wsdeflate.decline(server) is False
    assert server._async["websocket"] is before


def test_the_bench_screens_offer_compression_as_browsers_do():
    from server.sim import engine
    device = engine.Device("http://127.0.0.1:1", "token")
    assert device.sio.eio.websocket_extra_options == {"compress": 15}  # aiohttp: permessage-deflate offered
