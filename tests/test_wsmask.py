"""server/wsmask.py gives the bytes eventlet's own unmasking gives, for every length and offset, and
an eventlet app installs it."""
from __future__ import annotations

import importlib.util
import random
import warnings

import pytest

from server import wsmask

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # eventlet's deprecation notice
    from eventlet import websocket



def _eventlets_own():
    """eventlet's own _apply_mask from a fresh copy of its module (an app made in the eventlet mode
    earlier in this test session has replaced the one in eventlet.websocket)."""
    spec = importlib.util.find_spec("eventlet.websocket")
    fresh = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spec.loader.exec_module(fresh)
    return fresh.RFC6455WebSocket._apply_mask


eventlet_apply_mask = _eventlets_own()
assert eventlet_apply_mask is not wsmask.apply_mask


@pytest.mark.parametrize("length", [0, 1, 2, 3, 4, 5, 7, 8, 125, 126, 1000, 65537])
@pytest.mark.parametrize("offset", [0, 1, 2, 3, 5, 126])
def test_the_same_bytes_as_eventlets_own(length, offset):
    rng = random.Random(length * 10 + offset)
    data = bytes(rng.randrange(256) for _ in range(length + 3))  # longer than `length`: only length is used
    mask = tuple(rng.randrange(256) for _ in range(4))  # as eventlet unpacks it: four ints
    assert wsmask.apply_mask(data, mask, length=length, offset=offset) == \
        eventlet_apply_mask(data, mask, length=length, offset=offset)


def test_the_whole_data_without_a_length_and_a_bytes_mask():
    data = "سلام, hello".encode()
    mask = b"\x01\xfe\x80\x7f"
    masked = wsmask.apply_mask(data, mask)
    assert masked == eventlet_apply_mask(data, tuple(mask))
    assert wsmask.apply_mask(masked, mask) == data  # masking twice gives the frame back
    assert wsmask.apply_mask(bytearray(data), mask, length=4) == masked[:4]  # eventlet passes bytearrays too


def test_install_replaces_eventlets_unmasking(monkeypatch):
    monkeypatch.setattr(websocket.RFC6455WebSocket, "_apply_mask", staticmethod(eventlet_apply_mask))
    assert wsmask.install() is True
    assert websocket.RFC6455WebSocket._apply_mask is wsmask.apply_mask


def test_an_app_in_the_eventlet_mode_installs_it_and_the_threading_mode_does_not(monkeypatch, tmp_path):
    from tests.conftest import make_app
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    monkeypatch.setattr(websocket.RFC6455WebSocket, "_apply_mask", staticmethod(eventlet_apply_mask))
    for mode, unmasking in (("threading", eventlet_apply_mask), ("eventlet", wsmask.apply_mask)):
        app = make_app(url, ASYNC_MODE=mode)
        app.extensions["common_ground_db"].dispose()
        assert websocket.RFC6455WebSocket._apply_mask is unmasking, mode
