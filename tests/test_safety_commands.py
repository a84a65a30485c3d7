"""The commands of server/domain/safety.py: removing a participant, revoking and renewing a
facilitator's link, correcting a post.

Each command has a success story and a refusal test; every refusal changes nothing at all
(`Board.refuse`). The command table is tests/test_commands.py (COVERED); merge objections,
also in server/domain/safety.py, are in tests/test_moderation.py.
"""
from __future__ import annotations

from sqlalchemy import select

from server.domain import rules
from server.extensions import socketio
from server.models import AuditEntry, Barrier, CommandRecord, Event

from .board import types

# -- trust and safety (server/domain/safety.py) ------------------------------------------

def test_participant_remove_cuts_the_person_off_and_keeps_their_posts(board):
    author = board.person(0)
    peer = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "A post that stays")
    board.day.drain()
    assert board.fac.ok("participant_remove", participant_id=author.participant_id, reason=" Harassment ")["participant_id"] \
        == author.participant_id
    # The person is told why, then their open connection is cut at once.
    told = [e for e in author.events() if e["type"] == "access_ended"]
    assert [e["data"] for e in told] == [{"reason": "Harassment"}]
    assert not author.sio.is_connected()
    assert types(peer) == ["participant_removed"]
    assert "participant_removed" in types(board.org) and "participant_removed" in types(board.display)
    assert str(author.participant_id) not in board.org.snapshot()["participants"]
    # The link is dead for good; the post stays, still anonymous.
    assert not socketio.test_client(board.day.app, auth={"token": author.token}).is_connected()
    post = board.fac.snapshot()["barriers"][str(bid)]
    assert post["text"] == "A post that stays" and post["author_name"] is None
    with board.db.reading() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "remove",
                                               AuditEntry.workshop_id == board.day.workshop_id)).one()
        assert audit.detail == {"participant_id": author.participant_id, "room_id": board.room, "reason": "Harassment"}
    # The organiser removes anyone, in any room.
    elsewhere = board.person(1)
    board.org.ok("participant_remove", participant_id=elsewhere.participant_id, reason="Left early")
    assert not elsewhere.sio.is_connected()


def test_participant_remove_refusals(board):
    p = board.person(0)
    elsewhere = board.person(1)
    board.refuse(board.fac, "participant_remove", "not_found", participant_id=elsewhere.participant_id, reason="x")
    board.refuse(board.fac, "participant_remove", "not_found", participant_id=987654, reason="x")
    board.refuse(board.fac, "participant_remove", "invalid", participant_id=p.participant_id, reason="  ")
    board.refuse(board.fac, "participant_remove", "invalid", participant_id=p.participant_id)
    board.refuse(p, "participant_remove", "forbidden", participant_id=elsewhere.participant_id, reason="x")
    board.refuse(board.display, "participant_remove", "forbidden", participant_id=p.participant_id, reason="x")
    board.org.ok("participant_remove", participant_id=p.participant_id, reason="Once")
    board.refuse(board.org, "participant_remove", "not_found", participant_id=p.participant_id, reason="Twice")
    assert elsewhere.sio.is_connected()


def test_facilitator_revoke_cuts_the_tablet_and_renew_issues_a_new_link(board):
    old_token = board.day.created["facilitators"][0]["token"]
    board.day.drain()
    board.org.ok("facilitator_revoke", room_id=board.room, reason="Tablet lost")
    assert [e["data"] for e in board.fac.events() if e["type"] == "access_ended"] == [{"reason": "Tablet lost"}]
    assert not board.fac.sio.is_connected()
    assert board.fac_b.sio.is_connected() and board.org.sio.is_connected()
    assert [e["data"] for e in board.org.events()] == [{"room_id": board.room, "active": False}]
    assert not socketio.test_client(board.day.app, auth={"token": old_token}).is_connected()
    renewed = board.org.ok("facilitator_invite_renew", room_id=board.room)
    assert renewed["room_id"] == board.room and len(renewed["token"]) >= 32
    fresh = board.day._client(renewed["token"], "facilitator", room_id=board.room)
    fresh.ok("timer_set", seconds=60)
    # The token is in the ack only: not in the event log, the idempotency record or the audit trail.
    with board.db.reading() as s:
        stored = repr([list(s.scalars(select(Event.data))), list(s.scalars(select(CommandRecord.result))),
                       list(s.scalars(select(AuditEntry.detail)))])
    assert renewed["token"] not in stored
    # Renewing again revokes the fresh link and cuts it too.
    again = board.org.ok("facilitator_invite_renew", room_id=board.room)
    assert again["token"] != renewed["token"] and not fresh.sio.is_connected()


def test_facilitator_revoke_refusals(board):
    board.refuse(board.fac, "facilitator_revoke", "forbidden", room_id=board.room)
    board.refuse(board.org, "facilitator_revoke", "not_found", room_id=987654)
    board.refuse(board.org, "facilitator_revoke", "invalid", room_id=str(board.room))
    board.org.ok("facilitator_revoke", room_id=board.room)
    board.refuse(board.org, "facilitator_revoke", "no_link", room_id=board.room)


def test_facilitator_invite_renew_refusals(board):
    board.refuse(board.fac, "facilitator_invite_renew", "forbidden", room_id=board.room)
    board.refuse(board.org, "facilitator_invite_renew", "not_found", room_id=987654)
    board.refuse(board.org, "facilitator_invite_renew", "invalid")
    board.workshop_phase("closed")
    board.refuse(board.org, "facilitator_invite_renew", "closed", room_id=board.room)


def test_post_edit_corrects_the_text_and_keeps_the_original(board):
    author = board.person(0)
    peer = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "Stops are nevr explained")
    board.day.drain()
    board.fac.ok("post_edit", kind="barrier", id=bid, text="Stops are never explained")
    # Before the reveal only the facilitators and the author hear it.
    assert types(author) == ["post_edited"] and types(peer) == []
    mine = author.snapshot()["barriers"][str(bid)]
    assert mine["text"] == "Stops are never explained" and mine["edited"] is True
    board.phase("reveal")
    assert peer.snapshot()["barriers"][str(bid)]["edited"] is True
    board.org.ok("post_edit", kind="barrier", id=bid, text="Stops are never explained.")
    with board.db.reading() as s:
        b = s.get(Barrier, bid)
        assert b.original_text == "Stops are nevr explained" and b.text == "Stops are never explained."
        edits = [a.detail for a in s.scalars(select(AuditEntry).where(
            AuditEntry.action == "edit", AuditEntry.workshop_id == board.day.workshop_id).order_by(AuditEntry.id))]
    assert [e["before"] for e in edits] == ["Stops are nevr explained", "Stops are never explained"]
    board.phase("solutions")
    sid = board.propose(peer, bid, "Explain evry stop")
    board.fac.ok("post_edit", kind="solution", id=sid, text="Explain every stop")
    assert author.snapshot()["solutions"][str(sid)] | {"votes": 0} == \
        peer.snapshot()["solutions"][str(sid)] | {"votes": 0}
    assert peer.snapshot()["solutions"][str(sid)]["text"] == "Explain every stop"


def test_post_edit_refusals(board):
    author = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "Some text")
    board.refuse(author, "post_edit", "forbidden", kind="barrier", id=bid, text="Mine")
    board.refuse(board.fac_b, "post_edit", "not_found", kind="barrier", id=bid, text="Other room")
    board.refuse(board.fac, "post_edit", "not_found", kind="solution", id=bid, text="Wrong kind")
    board.refuse(board.fac, "post_edit", "no_change", kind="barrier", id=bid, text=" Some text ")
    board.refuse(board.fac, "post_edit", "invalid", kind="barrier", id=bid, text="")
    board.refuse(board.fac, "post_edit", "invalid", kind="barrier", id=bid, text="x" * (rules.MAX_BARRIER_CHARS + 1))
