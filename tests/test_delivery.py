"""Each connection hears one message per publish (server/events/delivery.py, docs/protocol.md):
`event` with its one event, or `events` with its several, each once and in sequence order, and
nothing that was not meant for it (issue 18: a dot was 20-23 socket messages, now about 13)."""
from __future__ import annotations

from server.events.delivery import EVENT, EVENTS, deliver

from .conftest import events_in


class FakeServer:
    """python-socketio's Server as deliver() uses it: its manager's rooms, and emit(..., to=sids)."""

    def __init__(self, rooms: dict[str, list[str]]):
        self.manager = self
        self.rooms = rooms
        self.sent: list[tuple[str, object, list[str]]] = []

    def get_participants(self, namespace, rooms):
        seen = {}
        for room in rooms:
            for sid in self.rooms.get(room, []):
                seen.setdefault(sid, f"eio-{sid}")
        yield from seen.items()

    def emit(self, event, data, to, namespace, ignore_queue):
        assert namespace == "/" and ignore_queue is True
        self.sent.append((event, data, sorted(to) if isinstance(to, list) else to))

    def received(self, sid: str) -> list[tuple[str, object]]:
        return [(name, data) for name, data, to in self.sent if sid in (to if isinstance(to, list) else [to])]


def ev(seq: int, type_: str) -> dict:
    return {"seq": seq, "type": type_, "data": {}}


def test_a_dots_events_reach_each_connection_as_one_message():
    # r: the voter v, a peer p, the facilitator f; d: the projector; the voter's own room p:v.
    server = FakeServer({"r": ["v", "p", "f"], "d": ["proj"], "p:v": ["v"], "elsewhere": ["x"]})
    items = [(ev(1, "tally"), ["r"]), (ev(2, "my_votes"), ["p:v"]), (ev(3, "room_stats"), ["d"]),
             (ev(4, "vote_progress"), ["r", "d"])]
    deliver(server, items)
    assert server.received("v") == [(EVENTS, [ev(1, "tally"), ev(2, "my_votes"), ev(4, "vote_progress")])]
    assert server.received("p") == server.received("f") == [(EVENTS, [ev(1, "tally"), ev(4, "vote_progress")])]
    assert server.received("proj") == [(EVENTS, [ev(3, "room_stats"), ev(4, "vote_progress")])]
    assert server.received("x") == []
    # p and f hear the same events: one emit (one encoded packet) for both
    assert len(server.sent) == 3


def test_one_event_and_a_connection_in_several_of_its_rooms_hear_it_once():
    server = FakeServer({"r": ["a", "org"], "staff": ["org", "fac"]})
    deliver(server, [(ev(7, "barrier_posted"), ["r", "staff"])])
    assert server.sent == [(EVENT, ev(7, "barrier_posted"), ["r", "staff"])]  # python-socketio's union
    server = FakeServer({"r": ["a", "org"], "staff": ["org", "fac"]})
    deliver(server, [(ev(7, "barrier_posted"), ["r", "staff"]), (ev(8, "tally"), ["staff"])])
    assert server.received("org") == [(EVENTS, [ev(7, "barrier_posted"), ev(8, "tally")])]
    assert server.received("a") == [(EVENT, ev(7, "barrier_posted"))]
    assert server.received("fac") == [(EVENTS, [ev(7, "barrier_posted"), ev(8, "tally")])]


def test_nothing_to_deliver_sends_nothing():
    server = FakeServer({"r": ["a"]})
    deliver(server, [])
    deliver(server, [(ev(1, "tally"), ["empty-room"])])
    assert [s for s in server.sent if s[0] == EVENTS] == [] and server.received("a") == []


def test_an_event_with_no_audience_reaches_nobody():
    """python-socketio reads `to=[]` as "everyone": an empty audience is dropped before it gets there."""
    server = FakeServer({"r": ["a"]})
    deliver(server, [(ev(1, "tally"), [])])
    deliver(server, [(ev(2, "tally"), []), (ev(3, "my_votes"), [])])
    assert server.sent == []
    deliver(server, [(ev(4, "tally"), []), (ev(5, "tally"), ["r"])])
    assert server.sent == [(EVENT, ev(5, "tally"), ["r"])]


def messages(client) -> list[tuple[str, list]]:
    return [(m["name"], m["args"]) for m in client.sio.get_received()]


def test_a_vote_reaches_every_screen_as_one_message_each(board):
    """Through the real server: a first dot (tally, my_votes, room_stats, vote_progress) with live
    tallies. Every screen of the room, the projector and the organiser get one message; the other
    room's phone none; every event in order and once."""
    b = board
    b.phase("brainstorm")
    voter, peer, other = b.person(), b.person(), b.person(1)
    barrier = b.post(voter, "Nobody explains a stop")
    b.phase("vote")
    for c in (voter, peer, other, b.fac, b.display, b.org):
        c.sio.get_received()
    seq = voter.ok("vote_cast", target_type="barrier", target_id=barrier)["seq"]
    got = {name: messages(c) for name, c in
           (("voter", voter), ("peer", peer), ("other", other), ("fac", b.fac), ("display", b.display),
            ("org", b.org))}
    types = {name: [e["type"] for n, a in msgs for e in events_in(n, a)] for name, msgs in got.items()}
    assert types["voter"] == ["tally", "my_votes", "vote_progress"], got["voter"]
    assert types["peer"] == types["fac"] == ["tally", "vote_progress"]
    assert types["display"] == ["room_stats", "vote_progress"]
    assert "tally" in types["org"] and types["other"] == []
    for name, msgs in got.items():
        if name != "other":
            assert [n for n, _ in msgs] == [EVENTS], (name, msgs)  # one message with its events
        seqs = [e["seq"] for n, a in msgs for e in events_in(n, a)]
        assert seqs == sorted(set(seqs)) and all(s <= seq for s in seqs), (name, seqs)


def test_an_outgoing_packet_is_json_text_and_its_data_is_not_walked_for_bytes(monkeypatch):
    """The server's packet class (events/guard.GuardedPacket) encodes an event as one text packet
    without python-socketio's item-by-item search for binary attachments (CPU in every send); the
    same packet decodes back to the same event."""
    from socketio import packet as sio_packet

    from server.events.guard import GuardedPacket

    def walked(_data):
        raise AssertionError("the outgoing data was searched for bytes")

    monkeypatch.setattr(sio_packet.Packet, "data_is_binary", staticmethod(walked))
    data = ["events", [{"seq": 7, "type": "tally", "data": {"votes": 3, "text": "مانع"}}]]
    encoded = GuardedPacket(sio_packet.EVENT, data=data, namespace="/").encode()
    assert isinstance(encoded, str) and encoded.startswith("2[")
    assert GuardedPacket(encoded_packet=encoded).data == data


def test_outgoing_json_is_the_same_json_whatever_the_encoder():
    """orjson encodes outgoing packets (events/guard.GuardedJSON): what a client parses is what the
    standard library would have sent, Persian text, integer keys and all; what orjson cannot
    encode goes to the standard library (a 70-bit integer here)."""
    import json

    from server.events.guard import GuardedJSON

    data = ["events", [{"seq": 3, "type": "room_stats", "data": {"text": "مانع «اعتماد»", 5: [1.5, None, True]},
                        "big": 2 ** 70}]]
    text = GuardedJSON.dumps(data, separators=(",", ":"))
    assert json.loads(text) == json.loads(json.dumps(data))
    assert "مانع" in GuardedJSON.dumps(["x", {"text": "مانع"}])  # UTF-8, not \u escapes
