"""Unmasking client WebSocket frames in one XOR instead of one Python step per byte (eventlet).

Every frame a phone sends is masked (RFC 6455 §5.3: each byte XOR one of four key bytes).
eventlet's server (`eventlet.websocket.RFC6455WebSocket._apply_mask`) undoes it with a generator
that builds one bytes object per byte; in the 2,000-phone vote storm that generator was about 2 % of
the servers' CPU (`bench --cpu-profile`, docs/benchmarks.md). `apply_mask` computes the same bytes
as one big-integer XOR of the data with the key repeated to its length. The result is identical for
every length and offset (tests/test_wsmask.py compares it with eventlet's own on random frames).

server/app.py installs it in the eventlet mode only; gevent's and the threading mode's websocket
servers are untouched. No domain code imports this module.
"""
from __future__ import annotations


def apply_mask(data, mask, length=None, offset=0) -> bytes:
    """`data[:length]` XOR the 4-byte `mask`, the mask starting at byte `offset % 4` (as eventlet's)."""
    if length is None:
        length = len(data)
    if length <= 0:
        return b""
    key = bytes(mask)
    start = offset % 4
    key = key[start:] + key[:start]
    stream = (key * (length // 4 + 1))[:length]
    return (int.from_bytes(bytes(data[:length]), "little")
            ^ int.from_bytes(stream, "little")).to_bytes(length, "little")


def install() -> bool:
    """Replace eventlet's per-byte unmasking with apply_mask; False when eventlet is not installed."""
    try:
        from eventlet import websocket
    except ImportError:
        return False
    websocket.RFC6455WebSocket._apply_mask = staticmethod(apply_mask)
    return True
