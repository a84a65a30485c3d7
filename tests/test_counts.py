"""One number of barriers everywhere.

The projector said "7 barriers" (every post, merged members and hidden ones
included) where the facilitator's list said 5. The one definition: barriers
visible after merging — a merged group counts once, a hidden or withdrawn post
not at all. The projector's `stats` (room_stats) carry that number and follow
every change to it; the export counts the same rows.
"""
from __future__ import annotations

import pytest

from server.reports.model import build as build_report

from .board import Board


@pytest.fixture
def board(day):
    return Board(day)


def shown(state: dict, room_id: int) -> int:
    """What the facilitator's list shows: top-level, not hidden (withdrawn posts are gone from the state)."""
    return sum(1 for b in state["barriers"].values()
               if b["room_id"] == room_id and b["merged_into"] is None and not b["hidden"])


def projector(board) -> int:
    return board.display.snapshot()["stats"][str(board.room)]["barriers"]


def test_the_projector_counts_the_barriers_the_facilitator_sees(board):
    a, b = board.person(0), board.person(0)
    board.phase("brainstorm")
    ids = [board.post(who, f"Barrier {n}") for n, who in enumerate((a, b, a, b, a, b, a))]
    board.phase("reveal")
    assert projector(board) == shown(board.fac.snapshot(), board.room) == 7
    board.day.drain()
    merged = board.fac.ok("barrier_merge", barrier_ids=ids[:3], text="Three in one")["shared_id"]
    assert projector(board) == shown(board.fac.snapshot(), board.room) == 5
    board.fac.ok("post_hide", kind="barrier", id=ids[3], reason="Names an officer")
    assert projector(board) == shown(board.fac.snapshot(), board.room) == 4
    # The projector heard each change as it happened (its client applies room_stats).
    stats = [e["data"]["barriers"] for e in board.display.events() if e["type"] == "room_stats"]
    assert stats[-1] == 4 and 5 in stats
    board.fac.ok("post_restore", kind="barrier", id=ids[3])
    assert projector(board) == shown(board.fac.snapshot(), board.room) == 5
    board.fac.ok("merge_undo", shared_id=merged)
    assert projector(board) == shown(board.fac.snapshot(), board.room) == 7
    a.ok("barrier_withdraw", barrier_id=ids[6])
    assert projector(board) == shown(board.fac.snapshot(), board.room) == 6


def test_the_export_counts_the_same_barriers(board):
    a = board.person(0)
    board.phase("brainstorm")
    ids = [board.post(a, f"Barrier {n}") for n in range(4)]
    board.phase("reveal")
    board.fac.ok("barrier_merge", barrier_ids=ids[:2])
    board.fac.ok("post_hide", kind="barrier", id=ids[2], reason="Off topic")
    with board.db.reading() as s:
        report = build_report(s, board.day.workshop_id)
    room = next(r for r in report.rooms if r.id == board.room)
    assert len(room.barriers) == projector(board) == shown(board.fac.snapshot(), board.room) == 2
