"""A message for a phone goes straight into its socket when nothing is waiting before it (eventlet).

Engine.IO gives each WebSocket a writer green thread and a queue: `Socket.send` puts the packet in
the queue, the hub wakes the writer, the writer takes it (arming and cancelling a timeout timer)
and sends the frame. In the vote storm that machinery, per message and per phone, was about a
fifth of the server's CPU (`bench --cpu-profile`, docs/benchmarks.md "Eleventh session"): more
than the sends themselves.

Here a packet for a connection whose queue is empty and whose writer holds nothing is framed and
written at once with ONE non-blocking send on the socket. The sender (often the command that holds
the workshop's lock) never waits for a phone:
- all of the frame went: done (the usual case: the kernel's send buffer has room);
- part of it or nothing went (a slow phone, a full buffer): the rest of the frame is queued, and
  the connection's writer sends it as before; until the writer has sent it and everything queued
  after it, every later packet is queued too, so a phone receives its messages whole and in order;
- any error: the packet is queued as before; the writer meets the error and closes the connection,
  as it always has.

Engine.IO's writer ends when its queue stays empty for a ping interval and timeout (a dead
connection); here a connection can be busy with direct sends and an empty queue, so the writer
goes on waiting while anything was sent in that time (Engine.IO's ping check still closes a phone
that stops answering).

Only a plain TCP socket is written this way (TLS ends at the proxy in front, docs/deploy.md), and
only after the upgrade to WebSocket has finished. `install` swaps the WebSocket class of one
Engine.IO server (server/app.py, eventlet mode); when the Engine.IO or eventlet internals it needs
are missing it changes nothing and the stock writer runs. No domain code imports this module.
"""
from __future__ import annotations

import time

from engineio import exceptions, packet
from engineio import socket as eio_socket

# What this relies on, checked by `install` (python-engineio 4.x, eventlet 0.40+).
_SOCKET_NEEDS = ("send", "poll", "check_ping_timeout", "_websocket_handler")
_WEBSOCKET_NEEDS = ("_pack_message", "_send")


class _Tail:
    """The unsent end of a frame already framed: the writer sends it as it is."""
    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data

    def encode(self) -> _Tail:  # the writer sends `pkt.encode()`
        return self


class _WriterSide:
    """What Engine.IO's handler and writer see as the WebSocket: sends a queued tail unframed."""

    def __init__(self, ws):
        self._ws = ws

    def send(self, message, **kw):
        if isinstance(message, _Tail):
            self._ws._send(message.data)  # sendall, under the WebSocket's send lock
        else:
            self._ws.send(message, **kw)

    def __getattr__(self, name):
        return getattr(self._ws, name)


class _Direct:
    """One connection's sends: `send` and `poll` replace the Engine.IO socket's own."""

    def __init__(self, socket, ws, raw, idle_secs: float):
        self.socket, self.ws, self.raw = socket, ws, raw
        self.stock_send, self.stock_poll = socket.send, socket.poll
        self.idle_secs = idle_secs
        self.writer_holds = True  # until the writer first waits: what it takes is not yet sent
        self.last_direct = time.monotonic()
        self.direct = 0
        self.queued_tails = 0

    def send(self, pkt) -> None:
        s = self.socket
        if self.writer_holds or s.upgrading or not s.upgraded or s.closed or s.queue.qsize() \
                or not isinstance(pkt, packet.Packet):
            return self.stock_send(pkt)
        if not s.check_ping_timeout():
            return None
        s.server.logger.info("%s: Sending packet %s directly", s.sid, pkt.packet_type)
        try:
            frame = self.ws._pack_message(pkt.encode())
        except Exception:  # noqa: BLE001 - whatever the stock writer would meet, it meets there
            return self.stock_send(pkt)
        try:
            sent = self.raw.send(frame)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            return self.stock_send(pkt)  # the writer meets the error and closes, as before
        self.last_direct = time.monotonic()
        if sent < len(frame):
            self.queued_tails += 1
            s.queue.put(_Tail(frame[sent:]))
        else:
            self.direct += 1
        return None

    def detach(self) -> None:
        """The connection has ended: drop what refers back to it (only the counts are kept)."""
        self.socket = self.ws = self.raw = self.stock_send = self.stock_poll = None

    def poll(self):
        self.writer_holds = False
        while True:
            try:
                packets = self.stock_poll()
            except exceptions.QueueEmpty:  # the socket's poll: its queue stayed empty
                if not self.socket.closed and time.monotonic() - self.last_direct < self.idle_secs:
                    continue  # busy with direct sends: not a dead connection
                self.writer_holds = True  # the writer ends: everything queues from now on
                raise
            self.writer_holds = True
            return packets


def _plain_socket(ws):
    """The non-blocking OS socket under an eventlet WebSocket, if it is a plain TCP GreenSocket."""
    try:
        from eventlet.greenio import GreenSocket
    except ImportError:
        return None
    green = getattr(ws, "socket", None)
    if type(green) is not GreenSocket:
        return None
    return getattr(green, "fd", None)


def install(eio_server) -> bool:
    """Give `eio_server` (an engineio.Server, eventlet mode) direct sends. False, changing nothing,
    when the internals it needs are not there."""
    websocket = eio_server._async.get("websocket")
    if websocket is None or not all(hasattr(eio_socket.Socket, name) for name in _SOCKET_NEEDS):
        return False
    try:
        from eventlet.websocket import RFC6455WebSocket
    except ImportError:
        return False
    if not all(hasattr(RFC6455WebSocket, name) for name in _WEBSOCKET_NEEDS):
        return False
    if getattr(websocket, "writes_directly", False):
        return True

    def run(handler, ws):
        socket = getattr(handler, "__self__", None)
        raw = _plain_socket(ws)
        if raw is None or not isinstance(socket, eio_socket.Socket) or not isinstance(ws, RFC6455WebSocket):
            return handler(ws)
        idle = eio_server.ping_interval + eio_server.ping_timeout
        direct = _Direct(socket, ws, raw, idle)
        socket.send, socket.poll = direct.send, direct.poll
        socket.direct_writes = direct
        try:
            return handler(_WriterSide(ws))
        finally:  # the class's own again; the counts stay, no reference back to the socket
            del socket.send, socket.poll
            direct.detach()

    class Direct(websocket):
        writes_directly = True

        def __init__(self, handler, server):
            super().__init__(lambda ws: run(handler, ws), server)

    Direct.__name__ = Direct.__qualname__ = f"Direct{websocket.__name__}"
    eio_server._async = {**eio_server._async, "websocket": Direct}
    return True
