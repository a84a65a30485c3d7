"""From the plenary board to the plan without losing material (issue 13, defect 6).

- A plenary item becomes a plan entry with every one of its solutions, in order of
  support (a second solution tied for the top used to vanish).
- The same barrier pushed by two rooms can be merged on the plenary board by the
  organiser (`plenary_merge`): the originals are kept, the dots are combined without
  counting anyone twice, and `plenary_merge_undo` restores them.

Command coverage is listed in tests/test_commands.py (COVERED), the roles in the
authorization matrix (tests/security/test_authorization.py), the views in
tests/test_keystone.py.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.models import AuditEntry

from .board import Board
from .conftest import Client


@pytest.fixture
def board(day):
    return Board(day)


def types(client) -> list[str]:
    return [e["type"] for e in client.events()]


def plenary_of(client) -> dict:
    return client.snapshot()["plenary"]


def _two_rooms_push_the_same_barrier(board, voters_a: int = 2, voters_b: int = 1):
    """Room A and room B each push "Stops are never explained" with solutions; returns
    (item A, item B, people of room A, people of room B)."""
    people_a = [board.person(0) for _ in range(max(2, voters_a))]
    people_b = [board.person(1) for _ in range(max(1, voters_b))]
    for i in (0, 1):
        board.phase("brainstorm", i)
    ba = board.post(people_a[0], "Stops are never explained")
    bb = board.post(people_b[0], "Nobody explains why they stop you")
    for i in (0, 1):
        board.phase("solutions", i)
    board.propose(people_a[0], ba, "A card after every stop")
    board.propose(people_a[1], ba, "Body cameras always on")
    board.propose(people_b[0], bb, "Explain the stop out loud")
    for i in (0, 1):
        board.phase("report_out", i)
    item_a = board.fac.ok("report_push", barrier_ids=[ba])["item_ids"][0]
    item_b = board.fac_b.ok("report_push", barrier_ids=[bb])["item_ids"][0]
    board.workshop_phase("plenary")
    return item_a, item_b, people_a, people_b


# -- the plan keeps every solution ----------------------------------------------------

def test_plan_entry_copies_every_solution_in_order_of_support(board):
    author, voter, third = board.person(0), board.person(0), board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "Stops without explanation")
    board.phase("solutions")
    weak = board.propose(author, bid, "Leaflets at the library")
    tied_1 = board.propose(voter, bid, "Explain every stop on the spot")
    tied_2 = board.propose(third, bid, "A card with the officer's name and the reason")
    voter.ok("vote_cast", target_type="solution", target_id=tied_1)
    third.ok("vote_cast", target_type="solution", target_id=tied_2)
    assert weak < tied_1 < tied_2
    board.phase("report_out")
    item = board.fac.ok("report_push", barrier_ids=[bid])["item_ids"][0]
    board.workshop_phase("plenary")
    entry = board.org.ok("plan_entry_create", plenary_item_id=item)["entry"]
    # Both solutions tied for the top, then the rest: none is lost.
    assert entry["fields"]["solution"].split("\n") == [
        "Explain every stop on the spot", "A card with the officer's name and the reason", "Leaflets at the library"]


# -- merging on the plenary board -------------------------------------------------------

def test_plenary_merge_combines_dots_once_per_person_and_undo_restores(board):
    item_a, item_b, (pa1, pa2), (pb1,) = _two_rooms_push_the_same_barrier(board)
    # pa1 votes for both items (the same barrier twice), pa2 for A, pb1 for B: 2 and 2.
    pa1.ok("vote_cast", target_type="plenary", target_id=item_a)
    pa1.ok("vote_cast", target_type="plenary", target_id=item_b)
    pa2.ok("vote_cast", target_type="plenary", target_id=item_a)
    pb1.ok("vote_cast", target_type="plenary", target_id=item_b)
    before = plenary_of(board.display)
    assert (before[str(item_a)]["votes"], before[str(item_b)]["votes"]) == (2, 2)
    board.day.drain()

    res = board.org.ok("plenary_merge", item_ids=[item_a, item_b])
    assert res == {"item_id": item_a, "returned_votes": 1, "seq": res["seq"]}
    seen = types(board.display)
    assert seen == ["plenary_items_merged"], seen
    after = plenary_of(board.display)
    kept, member = after[str(item_a)], after[str(item_b)]
    # Three people, three dots: pa1 is counted once.
    assert kept["votes"] == 3 and kept["members"] == [item_b] and kept["merged_into"] is None
    assert member["merged_into"] == item_a and member["votes"] == 0
    # Every solution of both rooms, in order of support; both rooms' votes.
    assert [s["text"] for s in kept["solutions"]] == [
        "A card after every stop", "Body cameras always on", "Explain the stop out loud"]
    assert kept["room_votes"] == before[str(item_a)]["room_votes"] + before[str(item_b)]["room_votes"]
    # pa1's second dot came back; everyone else's dot is on the kept item.
    assert pa1.snapshot()["my_votes"] == [f"plenary:{item_a}"]
    assert pb1.snapshot()["my_votes"] == [f"plenary:{item_a}"]
    board.check_vote_honesty(pa1, pa2, pb1)
    # The merged item takes no dots, cannot be withdrawn or planned on its own.
    board.refuse(pa1, "vote_cast", "merged", target_type="plenary", target_id=item_b)
    board.refuse(board.org, "report_withdraw", "merged", item_id=item_b)
    board.refuse(board.org, "report_withdraw", "merged", item_id=item_a)
    board.refuse(board.org, "plan_entry_create", "merged", plenary_item_id=item_b)
    # pa1 spends the returned dot elsewhere later; nobody ever exceeds the budget.
    board.day.drain()

    undone = board.org.ok("plenary_merge_undo", item_id=item_a)
    assert undone["member_ids"] == [item_b]
    assert types(board.display) == ["plenary_merge_undone"]
    restored = plenary_of(board.display)
    assert restored[str(item_a)] == {**before[str(item_a)], "votes": 2}
    # pb1's dot went back to B; pa1's duplicate dot had been returned, so B holds one.
    assert restored[str(item_b)] == {**before[str(item_b)], "votes": 1}
    assert pb1.snapshot()["my_votes"] == [f"plenary:{item_b}"]
    board.check_vote_honesty(pa1, pa2, pb1)
    with board.db.reading() as s:
        actions = [a.action for a in s.scalars(select(AuditEntry).where(
            AuditEntry.workshop_id == board.day.workshop_id).order_by(AuditEntry.id))]
    assert actions[-2:] == ["plenary_merge", "plenary_merge_undo"]


def test_plenary_merge_with_a_new_text(board):
    item_a, item_b, _a, _b = _two_rooms_push_the_same_barrier(board)
    board.org.ok("plenary_merge", item_ids=[item_b, item_a], text="Stops are not explained (rooms 1 and 2)")
    items = plenary_of(board.org)
    assert items[str(item_b)]["text"] == "Stops are not explained (rooms 1 and 2)"
    assert items[str(item_a)]["merged_into"] == item_b
    entry = board.org.ok("plan_entry_create", plenary_item_id=item_b)["entry"]
    assert entry["fields"]["title"] == "Stops are not explained (rooms 1 and 2)"
    assert len(entry["fields"]["solution"].split("\n")) == 3
    # Planned: the merge cannot be undone any more.
    board.refuse(board.org, "plenary_merge_undo", "in_plan", item_id=item_b)


def test_plenary_merge_refusals(board):
    item_a, item_b, (pa1, _pa2), _b = _two_rooms_push_the_same_barrier(board)
    board.refuse(pa1, "plenary_merge", "forbidden", item_ids=[item_a, item_b])
    board.refuse(board.fac, "plenary_merge", "forbidden", item_ids=[item_a, item_b])
    board.refuse(board.display, "plenary_merge", "forbidden", item_ids=[item_a, item_b])
    board.refuse(board.org, "plenary_merge", "invalid", item_ids=[item_a])
    board.refuse(board.org, "plenary_merge", "invalid", item_ids=[item_a, item_a])
    board.refuse(board.org, "plenary_merge", "invalid", item_ids=[item_a, item_b], text="   ")
    board.refuse(board.org, "plenary_merge", "not_found", item_ids=[item_a, 999_999])
    planned = board.org.ok("plan_entry_create", plenary_item_id=item_a)["entry"]["id"]
    assert planned
    board.refuse(board.org, "plenary_merge", "in_plan", item_ids=[item_a, item_b])
    board.refuse(board.org, "plenary_merge", "in_plan", item_ids=[item_b, item_a])


def test_plenary_merge_refused_twice_and_after_the_plenary(board):
    item_a, item_b, _a, _b = _two_rooms_push_the_same_barrier(board)
    board.org.ok("plenary_merge", item_ids=[item_a, item_b])
    board.refuse(board.org, "plenary_merge", "merged", item_ids=[item_b, item_a])
    board.workshop_phase("action_plan")
    board.refuse(board.org, "plenary_merge_undo", "wrong_phase", item_id=item_a)


def test_plenary_merge_undo_refusals(board):
    item_a, item_b, (pa1, _pa2), _b = _two_rooms_push_the_same_barrier(board)
    board.refuse(board.org, "plenary_merge_undo", "not_merged", item_id=item_a)
    board.org.ok("plenary_merge", item_ids=[item_a, item_b])
    board.refuse(pa1, "plenary_merge_undo", "forbidden", item_id=item_a)
    board.refuse(board.fac, "plenary_merge_undo", "forbidden", item_id=item_a)
    board.refuse(board.org, "plenary_merge_undo", "not_found", item_id=999_999)
    board.refuse(board.org, "plenary_merge_undo", "not_merged", item_id=item_b)  # a member, not the kept item
    board.org.ok("plenary_merge_undo", item_id=item_a)
    board.refuse(board.org, "plenary_merge_undo", "not_merged", item_id=item_a)  # already undone


def test_a_plenary_merge_is_one_row_of_the_report_and_survives_the_archive(board):
    from server.reports import archive, export
    from server.reports.model import build

    item_a, item_b, _a, _b = _two_rooms_push_the_same_barrier(board)
    board.org.ok("plenary_merge", item_ids=[item_a, item_b])
    with board.db.reading() as s:
        rows = build(s, board.day.workshop_id).plenary
    assert [r.id for r in rows] == [item_a]
    assert rows[0].room_name == "Room 1 + Room 2" and len(rows[0].solutions) == 3
    raw = export(board.db, board.day.workshop_id, "json").data
    with board.db.transaction() as s:
        made = archive.load(s, archive.parse(raw))
    org = Client(board.day.app, made["organiser_token"], "organiser")
    try:
        items = sorted(org.snapshot()["plenary"].values(), key=lambda i: i["id"])
        assert [i["merged_into"] for i in items] == [None, items[0]["id"]] and items[0]["members"] == [items[1]["id"]]
    finally:
        org.disconnect()
