"""Sending committed events to exactly their audience."""
from __future__ import annotations

from ..extensions import socketio
from ..models import NewEvent
from .delivery import deliver
from .queue import ObservedRedisManager, disconnect_local


def broadcast(events: list[NewEvent]) -> None:
    """Each event to its audience, in order; a connection receives all of its events of this publish
    (a command's, or a group commit's) as one message, each event once (delivery.deliver).

    With the Redis message queue, all of them travel to the other processes as ONE message
    (queue.ObservedRedisManager.emit_events), and each process delivers them to its own connections
    the same way."""
    items = [(ev.wire(), list(ev.audience)) for ev in events]
    manager = socketio.server.manager
    if isinstance(manager, ObservedRedisManager):
        manager.emit_events(items)
        return
    deliver(socketio.server, items)


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
