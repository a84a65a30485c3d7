"""Connecting, resuming and leaving."""
from __future__ import annotations

from flask import current_app, request, session
from flask_socketio import ConnectionRefusedError, join_room, leave_room

from .. import ratelimit
from ..domain import auth
from ..domain.errors import CommandError
from ..domain.sync import catch_up
from ..extensions import socketio
from .session import db, error_ack, principal_for, remember


@socketio.on("connect")
def on_connect(auth_payload=None):
    """Anyone with a token connects; the token (in the `auth` payload) decides the role and the rooms joined."""
    token = auth_payload.get("token") if isinstance(auth_payload, dict) else None
    try:
        with db().reading() as s:
            principal = auth.resolve(s, token)
            room_ids = auth.room_ids(s, principal.workshop_id)
    except CommandError as err:
        # Packet {"message", "data"}: socket.io-client gives `data` as connect_error's err.data (protocol §2).
        raise ConnectionRefusedError(err.message, err.as_dict()) from None
    remember(principal)
    _enter(principal, room_ids)
    return True


def _enter(principal: auth.Principal, room_ids: list[int]) -> None:
    """Be in exactly the audiences this principal hears (after a move: the new room's, not the old).

    The audiences joined are remembered in the connection's session: python-socketio's rooms()
    looks through every room of the server (each connection has its own), which made a burst
    of a thousand connects quadratic (docs/benchmarks.md)."""
    wanted = principal.audiences(room_ids)
    joined = set(session.get("audiences", ()))
    for r in joined - wanted:
        leave_room(r)
    for r in wanted - joined:
        join_room(r)
    session["audiences"] = sorted(wanted)


@socketio.on("sync")
def on_sync(*args):
    """Client asks for what it missed since `since` (its last applied seq); answered in the ack only."""
    principal = principal_for()
    if principal is None:
        return error_ack(CommandError("unauthorized", "Connect with a valid token first."))
    try:
        ratelimit.before_message(current_app, request.sid)  # a snapshot is the costliest answer
        since = _since(args)
    except CommandError as err:
        return error_ack(err)

    def enter(fresh: auth.Principal, room_ids: list[int]) -> None:
        # Room membership may have changed (a move): re-enter the right rooms first,
        # so nothing sent from now on is missed; catch_up then reads what was missed.
        remember(fresh)
        _enter(fresh, room_ids)

    try:
        return {"ok": True, **catch_up(db(), principal, since, enter)}
    except CommandError as err:
        return error_ack(err)
    except Exception:  # the database is unreachable (restarting): say so, retryably
        current_app.logger.exception("sync failed")
        return error_ack(CommandError("server_error", "The server cannot read the workshop right now; please try again.",
                                      retryable=True))


def _since(args: tuple) -> int | None:
    """The one payload of `sync`: exactly {"since": integer or null} (protocol §4)."""
    payload = args[0] if len(args) == 1 else None
    if not isinstance(payload, dict) or set(payload) != {"since"}:
        raise CommandError("invalid", "sync takes one object with exactly one field, since: "
                                      "the last sequence number applied, or null for a snapshot")
    since = payload["since"]
    if since is not None and (not isinstance(since, int) or isinstance(since, bool)):
        raise CommandError("invalid", "since: must be an integer sequence number or null")
    return since


@socketio.on("disconnect")
def on_disconnect(reason=None):
    current_app.logger.debug("client left")
