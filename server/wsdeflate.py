"""No per-message compression on the phones' WebSockets (eventlet): the server declines it.

Every browser offers permessage-deflate (RFC 7692) when it opens a WebSocket, and eventlet's
server accepts the offer. Each connection then keeps a zlib compressor with a 32 KB window and its
hash tables (about 256 KB) and a decompressor, for as long as it is open, and every message sent to
it is compressed first. Our messages are small JSON (a tally, a card, a room's counts) sent once to
each of many phones; compression buys little on the venue's Wi-Fi and costs the server on every
one. Measured with the bench's 1,000 phones offering it as browsers do (docs/benchmarks.md,
"Eleventh session"): the server's memory 227 -> 446 MB and its CPU in the vote storm 7-20 % more.
Node's `ws` and the Socket.IO server leave it off by default for the same reason
(`perMessageDeflate: false`).

RFC 7692 §5: a server that does not answer with the extension simply runs the connection
uncompressed; every browser accepts that. `decline` gives this Engine.IO server (only it: the class
is swapped on the one server instance, not in eventlet) a WebSocket class whose negotiation never
picks permessage-deflate. server/app.py calls it in the eventlet mode; gevent's server
(gevent-websocket) never negotiates it. The bench's bare baseline server declines it too
(server/sim/baseline.py), so both answer the phones alike. No domain code imports this module.
"""
from __future__ import annotations


def decline(eio_server) -> bool:
    """Make `eio_server` (an engineio.Server) answer WebSocket handshakes without permessage-deflate.
    False when its WebSocket class has no such negotiation (nothing to decline)."""
    websocket = eio_server._async.get("websocket")
    if websocket is None or not hasattr(websocket, "_negotiate_permessage_deflate"):
        return False
    if getattr(websocket, "declines_deflate", False):
        return True

    class Uncompressed(websocket):
        declines_deflate = True

        def _negotiate_permessage_deflate(self, extensions):
            return None

    Uncompressed.__name__ = Uncompressed.__qualname__ = f"Uncompressed{websocket.__name__}"
    eio_server._async = {**eio_server._async, "websocket": Uncompressed}
    return True
