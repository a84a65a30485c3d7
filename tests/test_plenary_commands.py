"""The commands of server/domain/plenary.py: pushing a room's report to the plenary board, the plan,
and volunteering for (and seating on) the council.

Each command has a success story and a refusal test; every refusal changes nothing at all
(`Board.refuse`). The command table is tests/test_commands.py (COVERED).
"""
from __future__ import annotations

from server.domain import rules

from .board import types

# -- the plenary -------------------------------------------------------------------

def _to_report(board, author, voter):
    """Room A through solutions to report-out: barrier `bid` with two solutions and dots."""
    board.phase("brainstorm")
    bid = board.post(author, "Stops without explanation")
    other = board.post(author, "Slow response")
    board.phase("vote")
    voter.ok("vote_cast", target_type="barrier", target_id=bid)
    author.ok("vote_cast", target_type="barrier", target_id=bid)
    board.phase("solutions")
    weak = board.propose(author, bid, "Leaflets")
    strong = board.propose(voter, bid, "Explain every stop on the spot")
    voter.ok("vote_cast", target_type="solution", target_id=strong)
    board.phase("report_out")
    return bid, other, weak, strong


def test_report_push_puts_items_on_the_plenary_board(board):
    author = board.person(0)
    voter = board.person(0)
    elsewhere = board.person(1)
    bid, other, weak, strong = _to_report(board, author, voter)
    board.day.drain()
    res = board.fac.ok("report_push", barrier_ids=[bid, other])
    first, second = res["item_ids"]
    for viewer in (elsewhere, board.display, board.fac_b, author):
        assert types(viewer) == ["plenary_item_added", "plenary_item_added"]
        item = viewer.snapshot()["plenary"][str(first)]
        assert item["text"] == "Stops without explanation" and item["barrier_id"] == bid
        assert item["room_id"] == board.room and item["room_votes"] == 2 and item["votes"] == 0
        assert [s["id"] for s in item["solutions"]] == [strong, weak]  # most dots first
        assert item["solutions"][0] == {"id": strong, "text": "Explain every stop on the spot", "votes": 1}
    assert board.org.snapshot()["plenary"][str(second)]["solutions"] == []
    # During the plenary everyone may vote on it; the tally is heard by all.
    board.workshop_phase("plenary")
    board.day.drain()
    assert elsewhere.ok("vote_cast", target_type="plenary", target_id=first)["votes"] == 1
    assert "tally" in types(board.display) and "tally" in types(author)
    board.check_vote_honesty(author, voter, elsewhere)


def test_report_push_refusals(board):
    author = board.person(0)
    voter = board.person(0)
    board.phase("brainstorm")
    a, b, c, d = (board.post(author, t) for t in ("One", "Two", "Three", "Four"))
    board.phase("reveal")
    board.fac.ok("barrier_merge", barrier_ids=[a, b])
    board.fac.ok("post_hide", kind="barrier", id=c, reason="Off topic")
    err = board.refuse(board.fac, "report_push", "wrong_phase", barrier_ids=[d])
    assert err["details"]["allowed"] == ["report_out"]
    board.phase("report_out")
    board.refuse(board.fac, "report_push", "not_pushable", barrier_ids=[a])
    board.refuse(board.fac, "report_push", "not_pushable", barrier_ids=[d, c])
    board.refuse(board.fac, "report_push", "not_found", barrier_ids=[987654])
    for bad in ([], [d, d], [str(d)], list(range(1, 22))):
        board.refuse(board.fac, "report_push", "invalid", barrier_ids=bad)
    board.refuse(board.fac_b, "report_push", "forbidden", room_id=board.room, barrier_ids=[d])
    board.refuse(board.fac_b, "report_push", "wrong_phase", barrier_ids=[d])  # their own room is in the lobby
    board.phase("report_out", 1)
    board.refuse(board.fac_b, "report_push", "not_found", barrier_ids=[d])
    board.refuse(board.org, "report_push", "invalid", barrier_ids=[d])
    board.refuse(voter, "report_push", "forbidden", barrier_ids=[d])
    board.refuse(board.display, "report_push", "forbidden", barrier_ids=[d])
    board.fac.ok("report_push", barrier_ids=[d])
    board.refuse(board.fac, "report_push", "already_pushed", barrier_ids=[d])
    shared = next(int(k) for k, v in board.org.snapshot()["barriers"].items() if v["shared"])
    board.workshop_phase("action_plan")
    err = board.refuse(board.fac, "report_push", "wrong_phase", barrier_ids=[shared])
    assert err["details"] == {"phase": "action_plan", "allowed": ["breakouts", "plenary"]}


def test_report_withdraw_takes_the_item_back_and_returns_dots(board):
    author = board.person(0)
    voter = board.person(0)
    bid, _other, _weak, _strong = _to_report(board, author, voter)
    item = board.fac.ok("report_push", barrier_ids=[bid])["item_ids"][0]
    board.workshop_phase("plenary")
    voter.ok("vote_cast", target_type="plenary", target_id=item)
    board.day.drain()
    assert board.fac.ok("report_withdraw", item_id=item) == {"seq": board.org.snapshot()["seq"]}
    assert types(voter) == ["my_votes", "plenary_item_withdrawn"]
    for viewer in (voter, board.display, board.org):
        assert viewer.snapshot()["plenary"] == {}
    assert voter.snapshot()["my_votes"] == sorted([f"barrier:{bid}", f"solution:{_strong}"])
    board.check_vote_honesty(author, voter)
    # The barrier may be pushed again.
    again = board.org.ok("report_push", room_id=board.room, barrier_ids=[bid])["item_ids"]
    assert len(again) == 1
    assert board.org.snapshot()["plenary"][str(again[0])]["votes"] == 0  # no stale dots, even if an id is reused


def test_report_withdraw_refusals(board):
    author = board.person(0)
    voter = board.person(0)
    bid, other, _weak, _strong = _to_report(board, author, voter)
    item, second = board.fac.ok("report_push", barrier_ids=[bid, other])["item_ids"]
    board.refuse(board.fac_b, "report_withdraw", "forbidden", item_id=item)
    board.refuse(voter, "report_withdraw", "forbidden", item_id=item)
    board.refuse(board.display, "report_withdraw", "forbidden", item_id=item)
    board.refuse(board.fac, "report_withdraw", "not_found", item_id=987654)
    board.refuse(board.fac, "report_withdraw", "invalid", item_id=str(item))
    board.refuse(board.fac, "report_withdraw", "invalid", item_id=item, room_id=board.room)
    board.workshop_phase("plenary")
    board.org.ok("plan_entry_create", plenary_item_id=item)
    err = board.refuse(board.fac, "report_withdraw", "in_plan", item_id=item)
    assert "plan" in err["message"]
    board.workshop_phase("action_plan")
    err = board.refuse(board.org, "report_withdraw", "wrong_phase", item_id=second)
    assert err["details"]["phase"] == "action_plan"


def test_plan_entry_create_from_an_item_or_a_title(board):
    author = board.person(0)
    voter = board.person(0)
    elsewhere = board.person(1)
    bid, _other, _weak, _strong = _to_report(board, author, voter)
    item = board.fac.ok("report_push", barrier_ids=[bid])["item_ids"][0]
    board.workshop_phase("plenary")
    board.day.drain()
    entry = board.org.ok("plan_entry_create", plenary_item_id=item)["entry"]
    assert entry["plenary_item_id"] == item and entry["position"] == 1
    assert entry["fields"]["title"] == "Stops without explanation"
    # Every solution, the most supported first (tests/test_plenary_merge.py).
    assert entry["fields"]["solution"] == "Explain every stop on the spot\nLeaflets"
    assert entry["fields"]["status"] == "proposed"
    assert set(entry["fields"]) == set(rules.PLAN_FIELDS) and set(entry["versions"].values()) == {1}
    for viewer in (elsewhere, board.display, board.fac_b):
        assert types(viewer) == ["plan_entry_created"]
        assert viewer.snapshot()["plan"][str(entry["id"])] == entry
    board.workshop_phase("action_plan")
    free = board.org.ok("plan_entry_create", title="  Quarterly listening sessions ")["entry"]
    assert free["plenary_item_id"] is None and free["position"] == 2
    assert free["fields"]["title"] == "Quarterly listening sessions" and free["fields"]["solution"] == ""
    titled = board.org.ok("plan_entry_create", title="Own title")["entry"]
    assert titled["position"] == 3


def test_plan_entry_create_refusals(board):
    author = board.person(0)
    voter = board.person(0)
    bid, _other, _weak, _strong = _to_report(board, author, voter)
    item = board.fac.ok("report_push", barrier_ids=[bid])["item_ids"][0]
    err = board.refuse(board.org, "plan_entry_create", "wrong_phase", title="Too early")
    assert err["details"] == {"phase": "breakouts", "allowed": ["plenary", "action_plan"]}
    board.workshop_phase("plenary")
    board.refuse(board.fac, "plan_entry_create", "forbidden", title="Facilitators edit, not create")
    board.refuse(voter, "plan_entry_create", "forbidden", title="No")
    board.refuse(board.display, "plan_entry_create", "forbidden", title="No")
    err = board.refuse(board.org, "plan_entry_create", "invalid")
    assert "title" in err["message"]
    board.refuse(board.org, "plan_entry_create", "invalid", title="   ")
    board.refuse(board.org, "plan_entry_create", "invalid", title="x" * (rules.MAX_PLAN_FIELD_CHARS + 1))
    board.refuse(board.org, "plan_entry_create", "invalid", plenary_item_id=str(item))
    board.refuse(board.org, "plan_entry_create", "not_found", plenary_item_id=987654)
    board.org.ok("plan_entry_create", plenary_item_id=item)
    board.refuse(board.org, "plan_entry_create", "already_planned", plenary_item_id=item)
    board.workshop_phase("closed")
    board.refuse(board.org, "plan_entry_create", "wrong_phase", title="After the day")


def test_plan_entry_update_bumps_the_field_version(board):
    p = board.person(0)
    board.workshop_phase("plenary")
    entry = board.org.ok("plan_entry_create", title="Listening sessions")["entry"]
    board.day.drain()
    res = board.org.ok("plan_entry_update", entry_id=entry["id"], field="owner", value=" Chief's office ", version=1)
    assert res["field"] == "owner" and res["version"] == 2
    assert types(p) == ["plan_entry_updated"] and types(board.display) == ["plan_entry_updated"]
    seen = p.snapshot()["plan"][str(entry["id"])]
    assert seen["fields"]["owner"] == "Chief's office" and seen["versions"]["owner"] == 2
    assert seen["versions"]["actions"] == 1  # each field has its own version
    # A facilitator edits too, from the new version; any status from the list.
    board.fac.ok("plan_entry_update", entry_id=entry["id"], field="owner", value="Community board", version=2)
    board.fac.ok("plan_entry_update", entry_id=entry["id"], field="status", value="agreed", version=1)
    board.org.ok("plan_entry_update", entry_id=entry["id"], field="resources", value="", version=1)
    plan = board.display.snapshot()["plan"][str(entry["id"])]
    assert plan["fields"]["owner"] == "Community board" and plan["fields"]["status"] == "agreed"
    assert plan["versions"] == {**{f: 1 for f in rules.PLAN_FIELDS}, "owner": 3, "status": 2, "resources": 2}


def test_plan_entry_update_refusals(board):
    p = board.person(0)
    board.workshop_phase("plenary")
    eid = board.org.ok("plan_entry_create", title="Listening sessions")["entry"]["id"]
    board.fac.ok("plan_entry_update", entry_id=eid, field="actions", value="Monthly meeting", version=1)
    err = board.refuse(board.org, "plan_entry_update", "conflict", entry_id=eid, field="actions",
                       value="Weekly meeting", version=1)
    assert err["details"] == {"field": "actions", "current_value": "Monthly meeting", "current_version": 2}
    board.refuse(board.org, "plan_entry_update", "conflict", entry_id=eid, field="actions", value="Later", version=3)
    err = board.refuse(board.org, "plan_entry_update", "invalid", entry_id=eid, field="status", value="finished", version=1)
    assert "status" in err["message"]
    board.refuse(board.org, "plan_entry_update", "invalid", entry_id=eid, field="colour", value="red", version=1)
    board.refuse(board.org, "plan_entry_update", "invalid", entry_id=eid, field="owner", value="x", version="1")
    board.refuse(board.org, "plan_entry_update", "invalid", entry_id=eid, field="owner", value=5, version=1)
    board.refuse(board.org, "plan_entry_update", "invalid", entry_id=eid, field="owner",
                 value="x" * (rules.MAX_PLAN_FIELD_CHARS + 1), version=1)
    board.refuse(board.org, "plan_entry_update", "invalid", entry_id=eid, field="owner", value="x")
    board.refuse(board.org, "plan_entry_update", "not_found", entry_id=987654, field="owner", value="x", version=1)
    board.refuse(p, "plan_entry_update", "forbidden", entry_id=eid, field="owner", value="x", version=1)
    board.refuse(board.display, "plan_entry_update", "forbidden", entry_id=eid, field="owner", value="x", version=1)
    board.workshop_phase("closed")
    board.refuse(board.org, "plan_entry_update", "wrong_phase", entry_id=eid, field="owner", value="x", version=1)


# -- the council -----------------------------------------------------------------------

def test_council_volunteer_contact_only_for_organisers(board):
    vol = board.person(0, name="Rosa", group="community_org")
    peer = board.person(0)
    board.day.drain()
    res = vol.ok("council_volunteer", contact=" rosa@example.org ", consent=True)
    assert res["volunteer"] == {"participant_id": vol.participant_id, "name": "Rosa", "group": "community_org",
                                "contact": "rosa@example.org", "consent": True, "role": None}
    assert types(vol) == ["council_volunteered"] and types(board.org) == ["council_volunteered"]
    assert types(peer) == [] and types(board.fac) == [] and types(board.display) == []
    assert board.org.snapshot()["volunteers"][str(vol.participant_id)]["contact"] == "rosa@example.org"
    assert vol.snapshot()["me"]["volunteer"]["contact"] == "rosa@example.org"
    for viewer in (peer, board.fac, board.display):
        state = viewer.snapshot()
        assert "volunteers" not in state and "rosa@example.org" not in repr(state)
    # Volunteering again updates the record; without contact no consent is stored.
    res = vol.ok("council_volunteer", consent=False)
    assert res["volunteer"]["contact"] is None and res["volunteer"]["consent"] is False
    assert len(board.org.snapshot()["volunteers"]) == 1


def test_council_volunteer_refusals(board):
    vol = board.person(0)
    err = board.refuse(vol, "council_volunteer", "consent_required", contact="555-0100", consent=False)
    assert "consent" in err["message"].lower()
    board.refuse(vol, "council_volunteer", "invalid", contact="555-0100")  # consent is required (yes or no)
    board.refuse(vol, "council_volunteer", "invalid", contact="x" * (rules.MAX_CONTACT_CHARS + 1), consent=True)
    board.refuse(vol, "council_volunteer", "invalid", contact="555-0100", consent="yes")
    board.refuse(vol, "council_volunteer", "invalid", contact=5550100, consent=True)
    board.refuse(board.fac, "council_volunteer", "forbidden", consent=True)
    board.refuse(board.org, "council_volunteer", "forbidden", consent=True)
    board.org.ok("workshop_pause")
    board.refuse(vol, "council_volunteer", "paused", consent=True)


def test_council_role_set_shows_the_council_to_everyone(board):
    vol = board.person(0, name="Rosa", group="community_org")
    elsewhere = board.person(1)
    vol.ok("council_volunteer", contact="rosa@example.org", consent=True)
    board.day.drain()
    res = board.org.ok("council_role_set", participant_id=vol.participant_id, role="co_chair_community")
    member = {"participant_id": vol.participant_id, "name": "Rosa", "group": "community_org",
              "role": "co_chair_community"}
    assert res["member"] == member
    for viewer in (elsewhere, board.display, board.fac_b, vol):
        assert types(viewer) == ["council_role_set"]
        assert viewer.snapshot()["council"] == {str(vol.participant_id): member}
    assert "rosa@example.org" not in repr(elsewhere.snapshot())
    assert vol.snapshot()["me"]["volunteer"]["role"] == "co_chair_community"
    assert board.org.snapshot()["volunteers"][str(vol.participant_id)]["role"] == "co_chair_community"
    board.org.ok("council_role_set", participant_id=vol.participant_id, role=None)
    assert elsewhere.snapshot()["council"] == {}


def test_council_role_set_refusals(board):
    vol = board.person(0)
    other = board.person(0)
    board.refuse(board.org, "council_role_set", "not_volunteer", participant_id=other.participant_id, role="member")
    board.refuse(board.org, "council_role_set", "not_found", participant_id=987654, role="member")
    vol.ok("council_volunteer", consent=False)
    board.refuse(board.org, "council_role_set", "no_change", participant_id=vol.participant_id, role=None)
    board.org.ok("council_role_set", participant_id=vol.participant_id, role="member")
    board.refuse(board.org, "council_role_set", "no_change", participant_id=vol.participant_id, role="member")
    board.refuse(board.org, "council_role_set", "invalid", participant_id=vol.participant_id, role="chair")
    board.refuse(board.org, "council_role_set", "invalid", participant_id=vol.participant_id)
    board.refuse(board.org, "council_role_set", "invalid", participant_id=str(vol.participant_id), role="member")
    board.refuse(board.fac, "council_role_set", "forbidden", participant_id=vol.participant_id, role="member")
    board.refuse(vol, "council_role_set", "forbidden", participant_id=vol.participant_id, role="member")
