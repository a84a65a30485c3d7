"""Sending committed events to exactly their audience."""
from __future__ import annotations

from ..extensions import socketio
from ..models import Event

# Durable events go out under one Socket.IO event name; the event's own
# `type` says what changed (docs/protocol.md).
EVENT = "event"


def broadcast(events: list[Event]) -> None:
    for ev in events:
        # A client in several of these rooms receives the event once.
        socketio.emit(EVENT, ev.wire(), to=list(ev.audience))
