"""Bad input is refused with the documented code and changes nothing (issue 12, defects 4, 6 and 11).

- an event that is not a command is answered `unknown_command` (it used to get no answer at all,
  and the client waited for its timeout);
- payloads: required fields are required, unknown fields and non-object payloads refused, a
  command that would change nothing is `no_change`, "exactly one of" means exactly one;
- a participant id that does not exist in the workshop is `not_found` in every command taking one.
"""
from __future__ import annotations

import pytest

from .board import Board


@pytest.fixture
def board(day):
    return Board(day)


# -- unknown commands ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["make_me_admin", "__proto__", "constructor", "Barrier_Post", "event", "*"])
def test_an_unknown_command_is_answered_unknown_command(board, name):
    p = board.person(0)
    for client in (p, board.fac, board.org, board.display):
        before = board.observe(board.org)
        ack = client.sio.emit(name, {"cid": "u1"}, callback=True)
        assert ack is not None, f"{name} from a {client.role} got no answer"
        assert ack["ok"] is False and ack["error"]["code"] == "unknown_command", ack
        assert name in ack["error"]["message"]
        assert board.observe(board.org) == before
    # with any payload, or none
    for args in [(), ("text",), ([1, 2],), ({"cid": "u2"}, "extra")]:
        ack = p.sio.emit(name, *args, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "unknown_command", (args, ack)
    assert p.sio.is_connected()
    # a real command still works after
    board.phase("brainstorm")
    assert p.ok("barrier_post", text="still answered")["barrier"]["text"] == "still answered"


# -- council_volunteer: consent is required ---------------------------------------------

def test_council_volunteer_without_consent_is_invalid(board):
    p = board.person(0)
    err = board.refuse(p, "council_volunteer", "invalid")
    assert "consent" in err["message"]
    board.refuse(p, "council_volunteer", "invalid", contact="me@example.org")
    assert p.ok("council_volunteer", consent=False)["volunteer"]["consent"] is False


# -- sync ----------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [({"since": None, "extra": 1},), ({"since": 3, "token": "x"},), ({},),
                                  ("since",), ([None],), (5,), (None,), ()])
def test_sync_refuses_unknown_fields_and_non_objects(board, args):
    p = board.person(0)
    for client in (p, board.fac, board.org, board.display):
        ack = client.sio.emit("sync", *args, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", (client.role, args, ack)
        assert ack["error"]["message"]
        assert client.sync(None)["ok"]  # the connection still answers


def test_sync_with_since_still_works(board):
    p = board.person(0)
    assert p.sync(None)["mode"] == "snapshot"
    assert p.sync(0)["mode"] == "events"


# -- workshop_update: something must change ---------------------------------------------------

def test_workshop_update_that_changes_nothing_is_no_change(board):
    org = board.org
    title = org.snapshot()["workshop"]["title"]
    board.refuse(org, "workshop_update", "no_change")
    board.refuse(org, "workshop_update", "no_change", title=title)
    board.refuse(org, "workshop_update", "no_change", title=f"  {title} ")  # the same once trimmed
    board.refuse(org, "workshop_update", "no_change", date=None)
    board.refuse(org, "workshop_update", "no_change", display_language="en", place="")
    # a real change still goes through, and only the changed fields are in the event
    board.day.drain()
    assert org.ok("workshop_update", title=title, place="Library")["workshop"]["place"] == "Library"
    events = [e for e in org.events() if e["type"] == "workshop_updated"]
    assert [e["data"]["workshop"] for e in events] == [{"place": "Library"}]
    board.refuse(org, "workshop_update", "no_change", place="Library")


# -- plan_entry_create: exactly one of plenary_item_id and title --------------------------------

def test_plan_entry_create_takes_exactly_one_source(board):
    p = board.person(0)
    board.phase("brainstorm")
    bid = board.post(p, "Stops are never explained")
    board.phase("report_out")
    item = board.fac.ok("report_push", barrier_ids=[bid])["item_ids"][0]
    board.workshop_phase("plenary")
    err = board.refuse(board.org, "plan_entry_create", "invalid", plenary_item_id=item, title="Both")
    assert "exactly one" in err["message"]
    board.refuse(board.org, "plan_entry_create", "invalid")
    board.refuse(board.org, "plan_entry_create", "invalid", plenary_item_id=None, title=None)
    assert board.org.ok("plan_entry_create", plenary_item_id=item)["entry"]["plenary_item_id"] == item
    assert board.org.ok("plan_entry_create", title="A new line")["entry"]["fields"]["title"] == "A new line"


# -- unknown participant ids are not_found ---------------------------------------------------------

UNKNOWN = 987654


def test_unknown_participant_ids_are_not_found(board):
    other = board.day.created  # another workshop's participant is unknown here too
    from server.domain.workshops import create_workshop
    elsewhere = create_workshop(board.db, title="Elsewhere", rooms=1)
    stranger = board.day.http.post("/api/join", json={"code": elsewhere["join_code"], "group": "community_member",
                                                      "language": "en"}).get_json()["participant_id"]
    assert other
    org = board.org
    for pid in (UNKNOWN, stranger):
        for name, payload in [("council_role_set", {"role": "member"}), ("council_link_issue", {}),
                              ("council_link_revoke", {}), ("participant_move", {"room_id": board.room}),
                              ("participant_remove", {"reason": "spam"})]:
            err = board.refuse(org, name, "not_found", participant_id=pid, **payload)
            assert "participant" in err["message"], (name, err)
        board.refuse(board.fac, "participant_remove", "not_found", participant_id=pid, reason="spam")
    # A co-lead is a participant id too (as text).
    board.workshop_phase("plenary")
    entry = org.ok("plan_entry_create", title="Quarterly listening session")["entry"]
    for pid in (UNKNOWN, stranger):
        board.refuse(org, "plan_entry_update", "not_found", entry_id=entry["id"], field="co_lead_community",
                     value=str(pid), version=entry["versions"]["co_lead_community"])
    # Known people keep their specific codes.
    p = board.person(0)
    board.refuse(org, "council_role_set", "not_volunteer", participant_id=p.participant_id, role="member")
    board.refuse(org, "council_link_issue", "not_member", participant_id=p.participant_id)
    board.refuse(org, "council_link_revoke", "no_link", participant_id=p.participant_id)
    board.refuse(org, "plan_entry_update", "not_member", entry_id=entry["id"], field="co_lead_community",
                 value=str(p.participant_id), version=entry["versions"]["co_lead_community"])
