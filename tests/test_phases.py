"""A room's phase commands say which phase they move from, and keep the timer.

A double tap on "Next: Vote" used to run twice (Reveal -> Vote -> Solutions: the
vote never happened), and a "Back" tapped twice offline ran twice on reconnect.
`phase_advance` / `phase_back` name the phase they move from (`from_phase`); a
stale one is refused with `stale_phase` and changes nothing.

A phase change used to clear the room's countdown (a 5-minute timer started in
the lobby vanished on "Next"). It is kept unless the command sets a new one
(`timer_secs`) or the facilitator stops it (`timer_clear`).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from server.models import Room, utcnow

from .board import Board


@pytest.fixture
def board(day):
    return Board(day)


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


# -- from_phase ----------------------------------------------------------------------

def test_a_second_advance_from_the_same_phase_is_refused_and_changes_nothing(board):
    board.phase("reveal")
    res = board.fac.ok("phase_advance", from_phase="reveal")
    assert res["room"]["phase"] == "vote"
    # The second tap of a double tap: it still thinks the room is in reveal.
    err = board.refuse(board.fac, "phase_advance", "stale_phase", from_phase="reveal")
    assert err["details"]["phase"] == "vote"
    assert "vote" in err["message"]
    assert board.room_phase(board.room) == "vote"
    # The organiser's taps are checked the same way.
    board.refuse(board.org, "phase_advance", "stale_phase", room_id=board.room, from_phase="reveal")
    assert board.org.ok("phase_advance", room_id=board.room, from_phase="vote")["room"]["phase"] == "solutions"


def test_a_second_back_from_the_same_phase_is_refused_and_changes_nothing(board):
    board.phase("vote")
    assert board.fac.ok("phase_back", from_phase="vote")["room"]["phase"] == "reveal"
    err = board.refuse(board.fac, "phase_back", "stale_phase", from_phase="vote")
    assert err["details"]["phase"] == "reveal"
    assert board.room_phase(board.room) == "reveal"


def test_from_phase_is_required_and_must_be_a_room_phase(board):
    for name in ("phase_advance", "phase_back"):
        err = board.refuse(board.fac, name, "invalid")
        assert "from_phase" in err["message"]
        for bad in ("", "plenary", "Lobby", 3, None):
            err = board.refuse(board.fac, name, "invalid", from_phase=bad)
            assert "from_phase" in err["message"]


def test_a_repeated_command_id_is_answered_not_refused_as_stale(board):
    """A resend after a drop (same cid) gets the first answer: it is not a second tap."""
    first = board.fac.send("phase_advance", cid="tap-1", from_phase="lobby")
    again = board.fac.send("phase_advance", cid="tap-1", from_phase="lobby")
    assert first["ok"] and again["ok"] and again["result"] == first["result"]
    assert board.room_phase(board.room) == "brainstorm"


# -- the timer -----------------------------------------------------------------------

def test_a_running_timer_is_kept_through_phase_changes(board):
    started = board.fac.ok("timer_set", seconds=300)["room"]["deadline"]
    assert board.fac.ok("phase_advance", from_phase="lobby")["room"]["deadline"] == started
    assert board.fac.ok("phase_advance", from_phase="brainstorm")["room"]["deadline"] == started  # the reveal
    assert board.fac.ok("phase_back", from_phase="reveal")["room"]["deadline"] == started
    assert board.display.snapshot()["rooms"][str(board.room)]["deadline"] == started


def test_a_phase_change_with_timer_secs_replaces_the_timer(board):
    board.fac.ok("timer_set", seconds=300)
    board.day.drain()
    room = board.fac.ok("phase_advance", from_phase="lobby", timer_secs=600)["room"]
    events = board.display.events()
    assert at(room["deadline"]) == at(events[0]["at"]) + timedelta(seconds=600)
    assert events[0]["data"]["room"]["deadline"] == room["deadline"]


def test_a_timer_cleared_by_the_facilitator_stays_cleared(board):
    board.fac.ok("timer_set", seconds=300)
    board.fac.ok("timer_clear")
    assert board.fac.ok("phase_advance", from_phase="lobby")["room"]["deadline"] is None


def test_a_timer_that_has_run_out_is_not_carried_into_the_next_phase(board):
    board.fac.ok("timer_set", seconds=60)
    with board.db.transaction() as s:
        s.execute(update(Room).where(Room.id == board.room).values(deadline=utcnow() - timedelta(seconds=5)))
    assert board.fac.ok("phase_advance", from_phase="lobby")["room"]["deadline"] is None
