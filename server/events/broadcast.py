"""Sending committed events to exactly their audience."""
from __future__ import annotations

from ..extensions import socketio
from ..models import Event
from .queue import ObservedRedisManager, disconnect_local

# Durable events go out under one Socket.IO event name; the event's own
# `type` says what changed (docs/protocol.md).
EVENT = "event"


def broadcast(events: list[Event]) -> None:
    """Each event to its audience (a client in several of its rooms receives it once), in order.

    With the Redis message queue, all of them travel to the other processes as ONE message
    (queue.ObservedRedisManager.emit_events): a vote's three or four events, or a whole group
    commit's, cost one publish and one message for each listener instead of one per event."""
    items = [(ev.wire(), list(ev.audience)) for ev in events]
    manager = socketio.server.manager
    if isinstance(manager, ObservedRedisManager):
        manager.emit_events(EVENT, items)
        return
    for data, audience in items:
        socketio.emit(EVENT, data, to=audience)


def publish(outcomes: list) -> None:
    """Committed commands' outcomes, in sequence order (Database.publisher; a group commit's together):
    their events, then the cut of any connections they ended (a removed participant's or revoked link's)."""
    broadcast([ev for outcome in outcomes for ev in outcome.events])
    for outcome in outcomes:
        cut(outcome.disconnect)


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
