"""Committed events to this process's connections: each connection ONE message per publish.

A vote's events go to overlapping audiences: its tally to the room, the voter's my_votes to the
voter, room_stats to the projector and, on a first or last dot, vote_progress to the room and the
projector. Sent event by event that was 20-23 socket messages per dot in a 2,000-phone storm, each
one a send (and a wake-up) on the server and a receive on the phone. Grouped per connection, a dot
costs one message per connection that hears anything of it (about 13), and a group commit's batch
one per connection for all of its dots (issue 18).

On the wire (docs/protocol.md): `event` with the one event when a connection receives one, `events`
with the list of them, in sequence order, when it receives several.
"""
from __future__ import annotations

EVENT = "event"
EVENTS = "events"


def deliver(server, items: list[tuple[dict, list[str]]], namespace: str = "/") -> None:
    """Send each (event, audience rooms) in `items` to this process's members of its rooms, every
    connection receiving its own events (each once, in order) as one message. Connections that
    receive the same events share one encoded packet (python-socketio encodes once per emit).
    An event with no audience reaches nobody (python-socketio sends `to=[]` to every connection)."""
    items = [(data, rooms) for data, rooms in items if rooms]
    if not items:
        return
    if len(items) == 1:  # one event: its audience, as python-socketio sends it
        data, rooms = items[0]
        server.emit(EVENT, data, to=rooms, namespace=namespace, ignore_queue=True)
        return
    manager = server.manager
    heard: dict[str, list[int]] = {}
    for index, (_data, rooms) in enumerate(items):
        for sid, _eio_sid in manager.get_participants(namespace, rooms):  # a union: each sid once
            heard.setdefault(sid, []).append(index)
    together: dict[tuple[int, ...], list[str]] = {}
    for sid, indices in heard.items():
        together.setdefault(tuple(indices), []).append(sid)
    for indices, sids in together.items():
        if len(indices) == 1:
            server.emit(EVENT, items[indices[0]][0], to=sids, namespace=namespace, ignore_queue=True)
        else:
            server.emit(EVENTS, [items[i][0] for i in indices], to=sids, namespace=namespace, ignore_queue=True)
