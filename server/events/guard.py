"""Refusing hostile packets before they are decoded.

Python's JSON decoder recurses once per `[` or `{`: a message of a few thousand
brackets (well under the 64 KiB cap) raised RecursionError inside the
Socket.IO decoder, and Engine.IO logged it with a traceback, once per message.
No message of the protocol nests deeper than four levels, so a cheap scan
refuses anything deeper than MAX_NESTING before the decoder sees it:

- `GuardedPacket` is the Socket.IO server's packet class (python-socketio's
  `serializer` option): its decode() scans first; an event that nests too deep
  keeps its ack id and is answered `bad_request` (with one log line) by the
  catch-all handler, any other packet raises PacketRefused;
- `GuardedJSON` is the JSON module of Engine.IO (python-socketio's `json`
  option, handed on to Engine.IO), which decodes a message itself when it does
  not start with a digit; a refusal there leaves the message undecoded, and the
  Socket.IO packet class refuses it next;
- `install()` wraps the server's Engine.IO `message` handler so a refused packet
  that is not an event costs one warning line, no traceback; it is dropped and
  the connection goes on.

The same packet class gives an event literally named `*` a name of its own:
python-socketio would call the catch-all handler (server/events/commands.py)
for it without the event name, which Flask-SocketIO cannot unpack (a TypeError).
"""
from __future__ import annotations

import json
import re

import orjson
from socketio import packet as sio_packet

MAX_NESTING = 32
# An event literally named "*" reaches the catch-all under this name (commands.on_unknown).
STAR_EVENT = "\x00*"

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


# A Socket.IO EVENT nested too deep reaches the catch-all under this name (commands.on_unknown).
DEEP_EVENT = "\x00deep"
MESSAGE = f"refused a Socket.IO packet nested deeper than {MAX_NESTING} levels"


class PacketRefused(ValueError):
    pass


def too_deep(text) -> bool:
    """True when the JSON text nests arrays/objects deeper than MAX_NESTING (brackets inside
    strings do not count). Counting is C-speed; the scan runs only when there are enough brackets."""
    if not isinstance(text, str) or text.count("[") + text.count("{") <= MAX_NESTING:
        return False
    depth = 0
    for ch in _BRACKETS.findall(_STRING.sub("", text)):
        depth += 1 if ch in "[{" else -1
        if depth > MAX_NESTING:
            return True
    return False


def _dumps(obj, *args, **kwargs) -> str:
    """Compact JSON text of an outgoing packet, by orjson: a storm's dot is encoded about eight
    times (a packet per group of screens, its ack, the other process's deliveries) and the standard
    library's encoder was 5 % of the servers' CPU in the 2,000-phone storm (13 against 2.3 us for a
    dot's `events`; docs/benchmarks.md, ninth session). Text outside ASCII goes as UTF-8, not as
    \\u escapes: the same JSON to any parser. What orjson refuses (an integer beyond 64 bits, say)
    is left to the standard library, which encodes or refuses it as before."""
    try:
        return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(obj, *args, **kwargs)


class GuardedJSON:
    """The json module for Engine.IO and Socket.IO, refusing deep nesting before decoding."""

    dumps = staticmethod(_dumps)

    @staticmethod
    def loads(text, *args, **kwargs):
        if too_deep(text):
            raise PacketRefused(MESSAGE)
        return json.loads(text, *args, **kwargs)


class GuardedPacket(sio_packet.Packet):
    # Every packet this server sends is JSON text: python-socketio's default walks each outgoing
    # event's data, item by item, looking for bytes to send as binary attachments (2 % of the
    # servers' CPU in the 2,000-phone storm's profile). Bytes in an event now fail loudly in
    # json.dumps instead. Incoming binary packets decode as before (decode() reads their type).
    uses_binary_events = False

    def decode(self, encoded_packet):
        if too_deep(encoded_packet):
            # An EVENT keeps its header (namespace, ack id) and becomes the event DEEP_EVENT,
            # which the catch-all answers `bad_request` (commands.on_unknown): a client waiting
            # for its ack is answered. Anything else is dropped (install()).
            start = min(i for i in (encoded_packet.find("["), encoded_packet.find("{"), len(encoded_packet)) if i >= 0)
            if encoded_packet[:1] != str(sio_packet.EVENT):
                raise PacketRefused(MESSAGE)
            super().decode(encoded_packet[:start])
            self.data = [DEEP_EVENT]
            return 0
        attachments = super().decode(encoded_packet)
        if self.packet_type in (sio_packet.EVENT, sio_packet.BINARY_EVENT) and isinstance(self.data, list) \
                and self.data and self.data[0] == "*":
            self.data[0] = STAR_EVENT
        return attachments


def install(sio_server, logger) -> None:
    """Log a refused packet in one line instead of Engine.IO's traceback, and drop it."""
    handle = sio_server._handle_eio_message

    def on_message(eio_sid, data):
        try:
            return handle(eio_sid, data)
        except PacketRefused:
            logger.warning("%s (%d characters, no event)", MESSAGE, len(data))
            return None

    sio_server.eio.on("message", on_message)
