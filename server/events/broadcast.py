"""Sending committed events to exactly their audience."""
from __future__ import annotations

from ..extensions import socketio
from ..models import Event
from .queue import ObservedRedisManager, disconnect_local

# Durable events go out under one Socket.IO event name; the event's own
# `type` says what changed (docs/protocol.md).
EVENT = "event"


def broadcast(events: list[Event]) -> None:
    for ev in events:
        # A client in several of these rooms receives the event once.
        socketio.emit(EVENT, ev.wire(), to=list(ev.audience))


def publish(outcome) -> None:
    """A committed command's events, then the cut of any connections it ended (Database.publisher)."""
    broadcast(outcome.events)
    cut(outcome.disconnect)  # a removed participant's or revoked link's open connections


def cut(audiences: list[str]) -> None:
    """Disconnect every open connection in these audiences, in every server process.

    Flask-SocketIO's disconnect(sid) acts on this process's clients only, and no
    process knows the others' room members. With the Redis message queue the
    request is published like python-socketio's own close_room message (see
    queue.ObservedRedisManager.disconnect_room), and each process cuts its own
    members; without a queue there is only this process. Called after commit and
    after the events were broadcast, so the `access_ended` notice goes out first
    (one ordered channel per process, one ordered Redis channel between them).
    """
    server = socketio.server
    for audience in audiences:
        if isinstance(server.manager, ObservedRedisManager):
            server.manager.disconnect_room(audience)
        else:
            disconnect_local(server, audience)
