"""Connecting, `sync` (docs/protocol.md §2, §4) and who receives which event (§5)."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from server.domain import auth, rules
from server.domain.errors import CommandError
from server.extensions import socketio
from server.models import FacilitatorInvite, Participant, Workshop, utcnow

from .board import Board
from .conftest import orm_loads


@pytest.fixture
def board(day):
    return Board(day)


# -- connecting ---------------------------------------------------------------------

def refused_connection(app, auth) -> list:
    """Connect with `auth`; the connection must be refused. Returns the connect_error `data` payloads.

    The CONNECT_ERROR packet is {"message", "data"}; socket.io-client hands
    `data` to the page as connect_error's `err.data`.
    """
    errors = []
    server = socketio.server
    client = socketio.test_client(app, auth=auth)
    send = server._send_packet

    def spy(eio_sid, pkt):
        if pkt.packet_type == 4:  # CONNECT_ERROR
            assert pkt.data["message"] == pkt.data["data"]["message"]
            errors.append(pkt.data["data"])
        return send(eio_sid, pkt)

    server._send_packet = spy
    try:
        client.connect(auth=auth)  # once more, with the spy in place, to read the error
    finally:
        server._send_packet = send
    assert not client.is_connected()
    return errors


@pytest.mark.parametrize("auth", [None, {}, {"token": ""}, {"token": "not-a-real-token"}, {"token": 12345},
                                  {"token": "x" * 500}, "just-a-string"])
def test_connecting_without_a_valid_token_is_refused(day, auth):
    errors = refused_connection(day.app, auth)
    assert errors and errors[0]["code"] == "unauthorized" and errors[0]["message"]


def test_a_revoked_facilitator_link_cannot_connect(board):
    with board.db.transaction() as s:
        s.execute(update(FacilitatorInvite).where(FacilitatorInvite.room_id == board.room).values(revoked_at=utcnow()))
    errors = refused_connection(board.day.app, {"token": board.day.created["facilitators"][0]["token"]})
    assert errors[0]["code"] == "unauthorized" and "revoked" in errors[0]["message"]
    # ...and the connection that was already open is cut off at its next sync or command.
    ack = board.fac.sync(None)
    assert ack == {"ok": False, "error": {"code": "unauthorized", "message": "This facilitator link has been revoked."}}
    assert board.fac.send("timer_set", seconds=60)["error"]["code"] == "unauthorized"
    # The other room's link still works.
    assert board.fac_b.snapshot()["me"] == {"role": "facilitator", "room_id": board.room_b}


def test_a_removed_participant_cannot_connect(board):
    p = board.person(0)
    with board.db.transaction() as s:
        s.execute(update(Participant).where(Participant.id == p.participant_id).values(removed_at=utcnow()))
    assert refused_connection(board.day.app, {"token": p.token})[0]["code"] == "unauthorized"
    assert p.sync(None)["error"]["code"] == "unauthorized"


def test_a_phones_token_is_resolved_from_its_row_without_loading_the_person(board):
    """A connect burst resolves a token per phone: the participant's four columns, not an ORM object
    (nor the workshop's). The principal is the same; a removed person is refused as before."""
    p = board.person(1)
    with orm_loads(Participant, Workshop) as loaded, board.db.reading() as s:
        principal = auth.resolve(s, p.token)
    assert (principal.role, principal.workshop_id, principal.id, principal.room_id) == \
        ("participant", board.day.workshop_id, p.participant_id, board.room_b)
    assert loaded == []
    with board.db.transaction() as s:
        s.execute(update(Participant).where(Participant.id == p.participant_id).values(removed_at=utcnow()))
    with board.db.reading() as s, pytest.raises(CommandError, match="removed") as err:
        auth.resolve(s, p.token)
    assert err.value.code == "unauthorized"


def test_each_token_connects_as_its_role(board):
    p = board.person(1)
    assert board.org.snapshot()["me"] == {"role": "organiser", "room_id": None}
    assert board.display.snapshot()["me"] == {"role": "display", "room_id": None}
    assert board.fac.snapshot()["me"] == {"role": "facilitator", "room_id": board.room}
    assert p.snapshot()["me"]["role"] == "participant" and p.snapshot()["me"]["room_id"] == board.room_b


# -- sync ------------------------------------------------------------------------------

def test_sync_without_since_is_a_snapshot(board):
    ack = board.org.sync(None)
    assert ack["ok"] and ack["mode"] == "snapshot" and ack["server_time"]
    assert ack["state"]["workshop"]["id"] == board.day.workshop_id


def test_sync_at_the_current_seq_has_no_events(board):
    seq = board.org.snapshot()["seq"]
    ack = board.org.sync(seq)
    assert ack["ok"] and ack["mode"] == "events" and ack["events"] == [] and ack["seq"] == seq


@pytest.mark.parametrize("since", ["3", 1.5, True, [1], {"seq": 1}])
def test_sync_with_a_malformed_since_is_invalid(board, since):
    ack = board.org.sync(since)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid" and "since" in ack["error"]["message"]


def test_sync_ahead_of_the_server_or_negative_is_a_snapshot(board):
    seq = board.org.snapshot()["seq"]
    for since in (seq + 1, seq + 1000, -1):
        ack = board.org.sync(since)
        assert ack["ok"] and ack["mode"] == "snapshot", since
        assert ack["state"]["seq"] == seq


def test_sync_too_far_behind_is_a_snapshot(board, monkeypatch):
    monkeypatch.setattr(rules, "RESUME_MAX_EVENTS", 3)
    start = board.org.snapshot()["seq"]
    for seconds in (60, 70, 80):
        board.fac.ok("timer_set", seconds=seconds)
    exactly = board.org.sync(start)
    assert exactly["mode"] == "events" and len(exactly["events"]) == 3
    board.fac.ok("timer_set", seconds=90)
    assert board.org.sync(start)["mode"] == "snapshot"
    assert board.org.sync(start + 1)["mode"] == "events"


def scenario(board):
    """A little of everything, across two rooms; returns the actors."""
    author = board.person(0, name="Ana", anonymous=False)
    peer = board.person(0)
    other = board.person(1)
    board.phase("brainstorm")
    board.phase("brainstorm", 1)
    return author, peer, other


def test_sync_gives_exactly_the_missed_events_this_viewer_may_see(board):
    author, peer, other = scenario(board)
    viewers = {"author": author, "peer": peer, "other": other, "fac": board.fac, "fac_b": board.fac_b,
               "org": board.org, "display": board.display}
    board.day.drain()
    since = board.org.snapshot()["seq"]
    # Everything below happens while the viewers are "offline" (their live events are what they would have got).
    x = board.post(author, "Private until reveal")
    board.post(other, "Other room's post")
    board.fac.ok("help_call", message="Interpreter")
    author.ok("council_volunteer", contact="ana@example.org", consent=True)
    board.phase("vote")
    peer.ok("vote_cast", target_type="barrier", target_id=x)
    board.org.ok("workshop_update", title="Renamed")
    live = {k: v.events() for k, v in viewers.items()}
    for key, viewer in viewers.items():
        ack = viewer.sync(since)
        assert ack["ok"] and ack["mode"] == "events", key
        assert ack["events"] == live[key], f"{key}: sync differs from what was sent live"
        assert all(e["seq"] > since for e in ack["events"])
        assert [e["seq"] for e in ack["events"]] == sorted(e["seq"] for e in ack["events"])
    text = {k: repr(live[k]) for k in viewers}
    # The peer never gets the author's private post, their authorship, dots or contact details.
    peer_types = [e["type"] for e in live["peer"]]
    before_reveal = live["peer"][:peer_types.index("barriers_revealed")]
    assert "barrier_posted" not in [e["type"] for e in before_reveal]
    assert "authorship" not in peer_types and "council_volunteered" not in peer_types
    assert "Other room's post" not in text["peer"] and "Other room's post" not in text["author"]
    assert "ana@example.org" not in text["peer"] and "ana@example.org" not in text["fac"]
    assert "ana@example.org" in text["org"] and "ana@example.org" in text["author"]
    assert [e["data"] for e in live["author"] if e["type"] == "my_votes"] == []
    assert [e["data"] for e in live["peer"] if e["type"] == "my_votes"] == [{"add": [f"barrier:{x}"], "remove": []}]
    assert "Interpreter" not in text["peer"] and "Interpreter" not in text["fac_b"] and "Interpreter" in text["org"]
    assert "Private until reveal" not in text["other"] and "Private until reveal" not in text["display"]
    assert {e["type"] for e in live["display"]} <= {"room_stats", "room_updated", "workshop_updated", "vote_progress"}
    assert all(e["type"] != "room_stats" for k in viewers if k != "display" for e in live[k])


def test_a_moved_participant_syncs_into_the_new_room(board):
    p = board.person(0)
    b_peer = board.person(1)
    board.phase("reveal", 1)
    board.org.ok("participant_move", participant_id=p.participant_id, room_id=board.room_b)
    p.events()
    ack = p.sync(board.org.snapshot()["seq"])
    assert ack["ok"] and ack["mode"] == "events"
    board.post(b_peer, "Now you hear this")
    assert "barrier_posted" in [e["type"] for e in p.events()]


# -- who receives what -------------------------------------------------------------------

def test_a_brainstorm_post_reaches_only_the_author_and_the_room_staff(board):
    author, peer, other = scenario(board)
    board.day.drain()
    bid = board.post(author, "Only staff see this yet")
    got = {"author": author.events(), "peer": peer.events(), "other": other.events(), "fac": board.fac.events(),
           "fac_b": board.fac_b.events(), "org": board.org.events(), "display": board.display.events()}
    posted = {k: [e for e in v if e["type"] == "barrier_posted"] for k, v in got.items()}
    assert {k for k, v in posted.items() if v} == {"author", "fac", "org"}
    assert posted["fac"][0]["data"]["barrier"]["id"] == bid
    assert [e["type"] for e in got["display"]] == ["room_stats"]
    assert got["display"][0]["data"] == {"room_id": board.room, "barriers": 1, "solutions": 0, "votes": 0}
    assert got["peer"] == [] and got["other"] == [] and got["fac_b"] == []
    # The reveal hands it to the whole room, and only the room.
    board.fac.ok("phase_advance", from_phase="brainstorm")
    revealed = {k: [e for e in c.events() if e["type"] == "barriers_revealed"]
                for k, c in (("author", author), ("peer", peer), ("other", other), ("fac_b", board.fac_b),
                             ("display", board.display), ("org", board.org))}
    assert {k for k, v in revealed.items() if v} == {"author", "peer", "org"}
    assert [b["id"] for b in revealed["peer"][0]["data"]["barriers"]] == [bid]
    # After the reveal each new post goes to the whole room at once.
    board.post(peer, "Second")
    assert [e["type"] for e in author.events()] == ["barrier_posted"]
    assert [e["type"] for e in other.events()] == []


def test_room_stats_reach_only_the_projector(board):
    author, peer, other = scenario(board)
    board.day.drain()
    board.post(author, "Counted")
    board.post(other, "Counted too")
    for c in (author, peer, other, board.fac, board.fac_b, board.org):
        assert "room_stats" not in [e["type"] for e in c.events()]
    stats = [e["data"] for e in board.display.events() if e["type"] == "room_stats"]
    assert [s["room_id"] for s in stats] == [board.room, board.room_b]
    assert all(set(s) == {"room_id", "barriers", "solutions", "votes"} for s in stats)
