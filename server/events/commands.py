"""Every domain command as a Socket.IO event of the same name.

Each handler: AUTH (the connection's principal), VALIDATION and RESOLUTION
happen in domain.dispatch(), which also publishes the committed events
(Database.publisher, set in server/app.py); this layer answers the ack:
{"ok": true, "result": {...}} or {"ok": false, "error": {"code", "message"}}. The one-line docs of the commands are in the domain
(registry.REGISTRY) and in docs/protocol.md.
"""
from __future__ import annotations

from flask import current_app, request

from .. import ratelimit
from ..domain import REGISTRY, dispatch
from ..domain.errors import CommandError
from ..extensions import socketio
from . import guard
from .session import db, error_ack, principal_for


def _handler(name: str):
    def handle(payload=None, *extra):
        principal = principal_for()
        try:
            if extra:
                raise CommandError("bad_request", "Send exactly one payload object with each command.")
            ratelimit.before_command(current_app, request.sid, name, principal, payload)  # server/ratelimit.py
            outcome = dispatch(db(), principal, name, payload)
            ratelimit.after_command(current_app, name, principal, outcome)
        except CommandError as err:
            return error_ack(err)
        except Exception:  # never crash the connection; never leak internals
            current_app.logger.exception("command %s failed", name)
            return error_ack(CommandError("server_error", "Something went wrong on the server; please try again.",
                                          retryable=True))
        # The events are already out: the database published them in order, under the workshop's
        # lock, right after the commit (Database.publisher = broadcast.publish, server/app.py).
        return {"ok": True, "result": outcome.result, "repeated": outcome.repeated}
    handle.__name__ = f"on_{name}"
    handle.__doc__ = REGISTRY[name].doc
    return handle


for _name in REGISTRY:
    socketio.on_event(_name, _handler(_name))


@socketio.on("*")
def on_unknown(name, *_args):
    """Any other event name (python-socketio's catch-all: never `connect` / `disconnect`, nor an
    event that has its own handler): answered `unknown_command`, so a client never waits for its timeout."""
    try:
        ratelimit.before_message(current_app, request.sid)  # answering is cheap, but not free
    except CommandError as err:
        return error_ack(err)
    if name == guard.DEEP_EVENT:  # refused before decoding (server/events/guard.py)
        current_app.logger.warning("%s (an event)", guard.MESSAGE)
        return error_ack(CommandError("bad_request", f"The message nests deeper than {guard.MAX_NESTING} levels."))
    if name == guard.STAR_EVENT:  # an event literally named "*" (guard.GuardedPacket)
        name = "*"
    shown = name if isinstance(name, str) and len(name) <= 64 else f"{str(name)[:64]}…"
    return error_ack(CommandError("unknown_command", f"There is no command called {shown!r}."))
