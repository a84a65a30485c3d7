"""Hidden tallies (server/domain/tallies.py): while a vote is open its counts reach only the
facilitators and organisers, unless the workshop shows live tallies; the room sees how many
people have voted, never who voted for what. The server decides: the counts are not in what
participants and the projector receive, not just hidden by the page."""
from __future__ import annotations

import json

import pytest

from server.domain.workshops import create_workshop

from .board import Board


@pytest.fixture
def board(day):
    day.create(live_tallies=False)  # the product's default
    return Board(day)


def counts_in(events: list[dict]) -> list:
    """Every per-item count in these events (tally events and item views)."""
    found = []
    for ev in events:
        if ev["type"] == "tally":
            found.append(ev["data"]["votes"])
        for key in ("barrier", "solution", "shared", "item"):
            if isinstance(ev["data"].get(key), dict) and "votes" in ev["data"][key]:
                found.append(ev["data"][key]["votes"])
        for key in ("members", "barriers"):
            items = ev["data"].get(key)
            for v in items if isinstance(items, list) else []:
                if isinstance(v, dict):
                    found.append(v.get("votes"))
    return found


def test_a_new_workshop_hides_tallies_by_default(day):
    made = create_workshop(day.db, title="Default workshop", rooms=1)
    assert made["live_tallies"] is False
    org = day._client(made["organiser_token"], "organiser")
    assert org.snapshot()["workshop"]["live_tallies"] is False


def test_an_open_vote_shows_its_counts_to_the_staff_only(board):
    voter, other = board.person(0), board.person(0)
    board.phase("brainstorm")
    b1 = board.post(voter, "Stops are never explained")
    b2 = board.post(other, "No interpreters")
    board.phase("vote")
    board.day.drain()
    ack = voter.ok("vote_cast", target_type="barrier", target_id=b1)
    assert ack["votes"] is None and ack["remaining"] == 2  # not even the voter's own answer carries the count
    voter.ok("vote_cast", target_type="barrier", target_id=b2)
    other.ok("vote_cast", target_type="barrier", target_id=b1)
    for viewer in (voter, other, board.display):
        events = viewer.events()
        assert "tally" not in [e["type"] for e in events]
        assert all(n is None for n in counts_in(events))
        snap = viewer.snapshot()
        assert all(b["votes"] is None for b in snap["barriers"].values())
    assert {b["id"]: b["votes"] for b in board.fac.snapshot()["barriers"].values()} == {b1: 2, b2: 1}
    assert [e["data"]["votes"] for e in board.fac.events() if e["type"] == "tally"] == [1, 1, 2]
    # The room sees how far the vote has got: two people have voted, nobody is out of dots.
    progress = other.snapshot()["vote_progress"][str(board.room)]["barrier"]
    assert progress == {"voted": 2, "spent": 0}
    # The vote closes: the counts reach the room in one event.
    board.day.drain()
    board.fac.ok("phase_advance", from_phase="vote")
    shown = [e for e in other.events() if e["type"] == "tallies_shown"]
    assert shown and shown[0]["data"] == {"room_id": board.room, "target_type": "barrier",
                                          "votes": {str(b1): 2, str(b2): 1}}
    assert {b["id"]: b["votes"] for b in other.snapshot()["barriers"].values()} == {b1: 2, b2: 1}


def test_live_tallies_show_counts_while_the_vote_is_open(board):
    board.org.ok("workshop_update", live_tallies=True)
    voter = board.person(0)
    board.phase("brainstorm")
    b1 = board.post(voter, "Stops are never explained")
    board.phase("vote")
    assert voter.ok("vote_cast", target_type="barrier", target_id=b1)["votes"] == 1
    assert voter.snapshot()["barriers"][str(b1)]["votes"] == 1


def test_workshop_update_live_tallies_refusals(board):
    p = board.person(0)
    board.refuse(board.org, "workshop_update", "no_change", live_tallies=False)  # already off: nothing to change
    board.refuse(board.org, "workshop_update", "invalid", live_tallies="yes")
    board.refuse(board.fac, "workshop_update", "forbidden", live_tallies=True)
    board.refuse(p, "workshop_update", "forbidden", live_tallies=True)


def test_the_projector_sees_no_plenary_count_until_the_plenary_closes(board):
    voter = board.person(0)
    board.phase("brainstorm")
    b1 = board.post(voter, "Stops are never explained")
    board.phase("report_out")
    item = board.fac.ok("report_push", barrier_ids=[b1])["item_ids"][0]
    board.workshop_phase("plenary")
    board.day.drain()
    voter.ok("vote_cast", target_type="plenary", target_id=item)
    assert counts_in(board.display.events()) == []
    assert board.display.snapshot()["plenary"][str(item)]["votes"] is None
    assert board.fac_b.snapshot()["plenary"][str(item)]["votes"] == 1
    board.workshop_phase("action_plan")
    assert board.display.snapshot()["plenary"][str(item)]["votes"] == 1


def test_progress_counts_people_with_dots_left(board):
    a, b = board.person(0), board.person(0)
    board.phase("brainstorm")
    ids = [board.post(a, f"Barrier {i}") for i in range(3)]
    board.phase("vote")
    for i in ids:
        a.ok("vote_cast", target_type="barrier", target_id=i)
    b.ok("vote_cast", target_type="barrier", target_id=ids[0])
    assert board.fac.snapshot()["vote_progress"][str(board.room)]["barrier"] == {"voted": 2, "spent": 1}
    a.ok("vote_withdraw", target_type="barrier", target_id=ids[2])
    assert board.fac.snapshot()["vote_progress"][str(board.room)]["barrier"] == {"voted": 2, "spent": 0}
    # Room B's board knows nothing of room A's votes.
    other = board.person(1)
    assert set(other.snapshot()["vote_progress"]) == {str(board.room_b)}


def test_the_progress_event_counts_as_the_snapshot_does(board):
    """A vote's `vote_progress` (one prebuilt statement for one room and kind, tallies.room_progress)
    carries the same counts as the snapshot (tallies.progress), spent budgets and other rooms included."""
    a, b = board.person(0), board.person(0)
    board.phase("brainstorm")
    ids = [board.post(a, f"Barrier {i}") for i in range(3)]
    board.phase("vote")
    board.day.drain()

    heard: list[dict] = []

    def last_progress():
        heard.extend(e["data"] for e in board.display.events() if e["type"] == "vote_progress"
                     and e["data"]["room_id"] == board.room)
        return {"voted": heard[-1]["voted"], "spent": heard[-1]["spent"]}

    for voter, target in ((a, ids[0]), (b, ids[0]), (a, ids[1]), (a, ids[2]), (b, ids[1]), (b, ids[2])):
        voter.ok("vote_cast", target_type="barrier", target_id=target)
        snap = board.fac.snapshot()["vote_progress"][str(board.room)]["barrier"]
        assert last_progress() == snap
    assert last_progress() == {"voted": 2, "spent": 2}
    a.ok("vote_withdraw", target_type="barrier", target_id=ids[0])
    assert last_progress() == {"voted": 2, "spent": 1} == board.fac.snapshot()["vote_progress"][str(board.room)]["barrier"]


def test_no_role_but_the_voter_learns_who_voted_for_what(board):
    """Anonymity of the ballot: no event or snapshot ties a person to an item, except the voter's own."""
    voter, peer, other_room = board.person(0), board.person(0), board.person(1)
    board.phase("brainstorm")
    b1 = board.post(peer, "Stops are never explained")
    board.phase("vote")
    board.day.drain()
    voter.ok("vote_cast", target_type="barrier", target_id=b1)
    board.fac.ok("phase_advance", from_phase="vote")  # the vote closes: counts go out, still without names
    mine = json.dumps(voter.events())
    assert f"barrier:{b1}" in mine  # the voter's own my_votes
    for viewer in (peer, other_room, board.fac, board.fac_b, board.org, board.display):
        events = viewer.events()
        assert "my_votes" not in [e["type"] for e in events]
        for ev in events:
            if ev["type"] in ("tally", "tallies_shown", "vote_progress", "room_stats"):
                assert "participant" not in json.dumps(ev["data"]), ev
        assert viewer.snapshot()["my_votes"] == []
