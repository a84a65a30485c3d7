"""Every command of docs/protocol.md §3: what it does, for whom, and every way it is refused.

Each command has a success story (the change as each kind of viewer sees
it) and a refusal test; every refusal is checked to change nothing at all
(`Board.refuse`: the organiser's snapshot including seq, the sender's own
snapshot and the row count of every table are identical before and after).
`test_every_command_is_covered` keeps this file in step with the registry.
"""
from __future__ import annotations

import importlib
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from server.domain import REGISTRY, dispatch, rules
from server.domain.auth import Principal
from server.domain.errors import CommandError
from server.extensions import socketio
from server.models import AuditEntry, Barrier, CommandRecord, Event, FacilitatorInvite, Room, Workshop, utcnow

from .board import Board

# command -> (success test, refusal test) in this file.
COVERED = {
    "phase_advance": ("test_phase_advance_moves_the_room_on_and_reveals_once", "test_phase_advance_refusals"),
    "phase_back": ("test_phase_back_never_unreveals", "test_phase_back_refusals"),
    "timer_set": ("test_timer_set_gives_everyone_the_same_deadline", "test_timer_set_refusals"),
    "timer_extend": ("test_timer_extend_adds_time", "test_timer_extend_refusals"),
    "timer_clear": ("test_timer_clear_stops_the_countdown", "test_timer_clear_refusals"),
    "help_call": ("test_help_call_reaches_organisers_and_the_room_facilitator_only", "test_help_call_refusals"),
    "help_clear": ("test_help_clear_answers_the_call", "test_help_clear_refusals"),
    "barrier_post": ("test_barrier_post_is_private_until_the_reveal", "test_barrier_post_refusals"),
    "barrier_withdraw": ("test_barrier_withdraw_removes_it_and_returns_its_dots", "test_barrier_withdraw_refusals"),
    "barrier_merge": ("test_merge_keeps_one_dot_per_voter_and_undo_puts_them_back", "test_barrier_merge_refusals"),
    "merge_undo": ("test_merge_keeps_one_dot_per_voter_and_undo_puts_them_back", "test_merge_undo_refusals"),
    "vote_cast": ("test_vote_cast_tally_reaches_the_room_and_my_votes_only_the_voter", "test_vote_cast_refusals"),
    "vote_withdraw": ("test_vote_withdraw_gives_the_dot_back", "test_vote_withdraw_refusals"),
    "solution_post": ("test_solution_post_reaches_the_room", "test_solution_post_refusals"),
    "solution_withdraw": ("test_solution_withdraw_returns_its_dots", "test_solution_withdraw_refusals"),
    "post_hide": ("test_post_hide_hides_from_others_and_returns_dots", "test_post_hide_refusals"),
    "post_restore": ("test_post_restore_shows_it_again", "test_post_restore_refusals"),
    "report_push": ("test_report_push_puts_items_on_the_plenary_board", "test_report_push_refusals"),
    "report_withdraw": ("test_report_withdraw_takes_the_item_back_and_returns_dots", "test_report_withdraw_refusals"),
    "plan_entry_create": ("test_plan_entry_create_from_an_item_or_a_title", "test_plan_entry_create_refusals"),
    "plan_entry_update": ("test_plan_entry_update_bumps_the_field_version", "test_plan_entry_update_refusals"),
    "council_volunteer": ("test_council_volunteer_contact_only_for_organisers", "test_council_volunteer_refusals"),
    "council_role_set": ("test_council_role_set_shows_the_council_to_everyone", "test_council_role_set_refusals"),
    "workshop_update": ("test_workshop_update_reaches_everyone", "test_workshop_update_refusals"),
    "workshop_advance": ("test_workshop_advance_and_back_walk_the_day", "test_workshop_advance_refusals"),
    "workshop_back": ("test_workshop_advance_and_back_walk_the_day", "test_workshop_back_refusals"),
    "workshop_pause": ("test_pause_stops_participants_only_until_resume", "test_workshop_pause_refusals"),
    "workshop_resume": ("test_pause_stops_participants_only_until_resume", "test_workshop_resume_refusals"),
    "participant_move": ("test_participant_move_takes_the_person_to_the_new_room", "test_participant_move_refusals"),
    "participant_remove": ("test_participant_remove_cuts_the_person_off_and_keeps_their_posts",
                           "test_participant_remove_refusals"),
    "facilitator_revoke": ("test_facilitator_revoke_cuts_the_tablet_and_renew_issues_a_new_link",
                           "test_facilitator_revoke_refusals"),
    "facilitator_invite_renew": ("test_facilitator_revoke_cuts_the_tablet_and_renew_issues_a_new_link",
                                 "test_facilitator_invite_renew_refusals"),
    "post_edit": ("test_post_edit_corrects_the_text_and_keeps_the_original", "test_post_edit_refusals"),
    # "module::test": tests kept in another file of tests/
    "council_link_issue": ("test_council::test_council_link_issue_gives_a_token_once_and_a_council_page",
                           "test_council::test_council_link_refusals"),
    "council_link_revoke": ("test_council::test_council_link_revoke_cuts_the_page",
                            "test_council::test_council_link_refusals"),
    "plan_note_add": ("test_council::test_a_member_updates_the_actions_they_co_lead",
                      "test_council::test_a_member_cannot_update_what_they_do_not_co_lead"),
    "merge_object": ("test_moderation::test_merge_object_tells_the_facilitators_not_who",
                     "test_moderation::test_merge_object_refusals"),
    "merge_objection_dismiss": ("test_moderation::test_merge_objection_dismiss_keeps_the_merge_and_tells_the_objector",
                                "test_moderation::test_merge_objection_dismiss_refusals"),
    "display_link_renew": ("test_links::test_display_link_renew_cuts_the_projector_and_gives_a_new_link",
                           "test_links::test_display_link_renew_refusals"),
    "organiser_link_renew": ("test_links::test_organiser_link_renew_cuts_every_console_opened_with_the_old_link",
                             "test_links::test_organiser_link_renew_refusals"),
    "plenary_merge": ("test_plenary_merge::test_plenary_merge_combines_dots_once_per_person_and_undo_restores",
                      "test_plenary_merge::test_plenary_merge_refusals"),
    "plenary_merge_undo": ("test_plenary_merge::test_plenary_merge_combines_dots_once_per_person_and_undo_restores",
                           "test_plenary_merge::test_plenary_merge_undo_refusals"),
    "seat_code_issue": ("test_seats::test_seat_code_issue_gives_a_code_once_and_rejoin_takes_the_seat_back",
                        "test_seats::test_seat_code_issue_refusals"),
    "workshop_purge": ("test_purge::test_purge_erases_personal_data_and_every_export_keeps_the_content_without_names",
                       "test_purge::test_purge_is_refused_before_the_workshop_is_closed_and_changes_nothing"),
}


def test_every_command_is_covered():
    assert set(COVERED) == set(REGISTRY), (
        f"commands without tests here: {sorted(set(REGISTRY) - set(COVERED))}; "
        f"tests for commands that no longer exist: {sorted(set(COVERED) - set(REGISTRY))}")
    for name, tests in COVERED.items():
        for test in tests:
            module, _, func = test.rpartition("::")
            where = vars(importlib.import_module(f"tests.{module}")) if module else globals()
            assert callable(where.get(func)), f"{name}: {test} is not a test"


@pytest.fixture
def board(day):
    return Board(day)


def types(client) -> list[str]:
    return [e["type"] for e in client.events()]


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


LONG = "x" * 1000


# -- every command, generically ----------------------------------------------------

def test_each_role_may_send_only_its_commands(board):
    """A participant sending a facilitator command, the projector sending anything: forbidden, nothing changes."""
    p = board.person(0)
    senders = {"participant": p, "facilitator": board.fac, "organiser": board.org, "display": board.display}
    refused = 0
    for name, spec in sorted(REGISTRY.items()):
        for role, sender in senders.items():
            if role not in spec.roles:
                board.refuse(sender, name, "forbidden")
                refused += 1
    assert refused > len(REGISTRY)  # the projector alone is refused every command


def test_payload_shape_is_checked_for_every_command(board):
    """Unknown fields are invalid; no object or no cid is a bad request; unknown commands are named."""
    p = board.person(0)
    senders = {"participant": p, "facilitator": board.fac, "organiser": board.org}
    for name, spec in sorted(REGISTRY.items()):
        sender = senders[spec.roles[0]]
        err = board.refuse(sender, name, "invalid", surprise=1)
        assert "surprise" in err["message"]
        before = board.observe(sender)
        for bad in ("just text", ["a list"], 7, None):
            ack = sender.sio.emit(name, bad, callback=True)
            assert ack["ok"] is False and ack["error"]["code"] == "bad_request", (name, bad, ack)
        for cid in (None, "", 5, "c" * 65):
            ack = sender.sio.emit(name, {"cid": cid} if cid is not None else {}, callback=True)
            assert ack["ok"] is False and ack["error"]["code"] == "bad_request", (name, cid, ack)
        assert board.observe(sender) == before
    principal = Principal("organiser", board.day.workshop_id)
    with pytest.raises(CommandError) as err:
        dispatch(board.db, principal, "make_coffee", {"cid": "x"})
    assert err.value.code == "unknown_command"
    with pytest.raises(CommandError) as err:
        dispatch(board.db, None, "phase_advance", {"cid": "x"})
    assert err.value.code == "unauthorized"


def test_a_cid_used_for_another_command_is_refused(board):
    board.org.ok("timer_set", cid="same-cid", room_id=board.room, seconds=60)
    err = board.refuse(board.org, "timer_clear", "cid_reused", cid="same-cid", room_id=board.room)
    assert "different command" in err["message"]


def test_a_revoked_facilitator_link_stops_at_the_next_command(board):
    with board.db.transaction() as s:
        s.execute(update(FacilitatorInvite).where(FacilitatorInvite.room_id == board.room).values(revoked_at=utcnow()))
    board.refuse(board.fac, "timer_set", "unauthorized", seconds=60)


# -- room steering ---------------------------------------------------------------------

def test_phase_advance_moves_the_room_on_and_reveals_once(board):
    a = board.person(0, name="Ana")
    peer = board.person(0)
    elsewhere = board.person(1)
    board.day.drain()
    res = board.fac.ok("phase_advance", from_phase="lobby")
    assert res["room"]["phase"] == "brainstorm" and res["room"]["deadline"] is None
    for viewer in (a, elsewhere, board.display, board.fac_b, board.org):
        assert viewer.snapshot()["rooms"][str(board.room)]["phase"] == "brainstorm"
        assert types(viewer) == ["room_updated"]
    bid = board.post(a, "Stops are never explained")
    assert str(bid) not in peer.snapshot()["barriers"]
    board.day.drain()
    res = board.fac.ok("phase_advance", from_phase="brainstorm", timer_secs=120)
    room = res["room"]
    assert room["phase"] == "reveal" and room["revealed"] is True
    events = peer.events()
    assert [e["type"] for e in events] == ["room_updated", "barriers_revealed"]
    # The deadline is the command's own time plus the timer.
    assert at(room["deadline"]) == at(events[0]["at"]) + timedelta(seconds=120)
    assert [b["id"] for b in events[1]["data"]["barriers"]] == [bid]
    assert str(bid) in peer.snapshot()["barriers"]
    assert types(elsewhere) == ["room_updated"]  # the other room hears the phase, not the barriers
    # The organiser steers any room by naming it.
    res = board.org.ok("phase_advance", from_phase="lobby", room_id=board.room_b)
    assert res["room"]["id"] == board.room_b and res["room"]["phase"] == "brainstorm"
    assert elsewhere.snapshot()["rooms"][str(board.room_b)]["phase"] == "brainstorm"


def test_phase_advance_refusals(board):
    p = board.person(0)
    board.refuse(p, "phase_advance", "forbidden", from_phase="lobby")
    board.refuse(board.display, "phase_advance", "forbidden", from_phase="lobby")
    board.refuse(board.fac, "phase_advance", "forbidden", from_phase="lobby", room_id=board.room_b)
    err = board.refuse(board.org, "phase_advance", "invalid", from_phase="lobby")
    assert "room_id" in err["message"]
    board.refuse(board.org, "phase_advance", "not_found", from_phase="lobby", room_id=987654)
    board.refuse(board.org, "phase_advance", "invalid", from_phase="lobby", room_id=str(board.room))
    for bad in ("60", 9, 14401, 60.5, True):
        err = board.refuse(board.fac, "phase_advance", "invalid", from_phase="lobby", timer_secs=bad)
        assert "timer_secs" in err["message"]
    board.phase("report_out")
    err = board.refuse(board.fac, "phase_advance", "wrong_phase", from_phase="report_out")
    assert err["details"]["phase"] == "report_out"


def test_phase_back_never_unreveals(board):
    a = board.person(0)
    peer = board.person(0)
    board.phase("brainstorm")
    bid = board.post(a, "Language barriers at the desk")
    board.phase("reveal")
    board.day.drain()
    res = board.fac.ok("phase_back", from_phase="reveal", timer_secs=300)
    assert res["room"]["phase"] == "brainstorm" and res["room"]["revealed"] is True
    assert res["room"]["deadline"] is not None
    assert types(peer) == ["room_updated"]
    state = peer.snapshot()
    assert state["rooms"][str(board.room)]["revealed"] is True
    assert str(bid) in state["barriers"]
    # Posts made now reach the whole room at once: the room stays revealed.
    later = board.post(a, "Nobody follows up")
    assert [e["data"]["barrier"]["id"] for e in peer.events() if e["type"] == "barrier_posted"] == [later]
    res = board.org.ok("phase_back", from_phase="brainstorm", room_id=board.room)
    assert res["room"]["phase"] == "lobby" and res["room"]["deadline"] == state["rooms"][str(board.room)]["deadline"]


def test_phase_back_refusals(board):
    p = board.person(0)
    err = board.refuse(board.fac, "phase_back", "wrong_phase", from_phase="lobby")
    assert err["details"]["phase"] == "lobby"
    board.phase("brainstorm")
    board.refuse(p, "phase_back", "forbidden", from_phase="brainstorm")
    board.refuse(board.display, "phase_back", "forbidden", from_phase="brainstorm")
    board.refuse(board.fac_b, "phase_back", "forbidden", from_phase="brainstorm", room_id=board.room)
    board.refuse(board.fac, "phase_back", "invalid", from_phase="brainstorm", timer_secs="30")
    board.refuse(board.org, "phase_back", "invalid", from_phase="brainstorm")


def test_timer_set_gives_everyone_the_same_deadline(board):
    elsewhere = board.person(1)
    board.day.drain()
    res = board.fac.ok("timer_set", seconds=600)
    events = elsewhere.events()
    assert [e["type"] for e in events] == ["room_updated"]
    assert at(res["room"]["deadline"]) == at(events[0]["at"]) + timedelta(seconds=600)
    for viewer in (elsewhere, board.display, board.fac_b):
        assert viewer.snapshot()["rooms"][str(board.room)]["deadline"] == res["room"]["deadline"]
    res = board.org.ok("timer_set", room_id=board.room_b, seconds=rules.MAX_TIMER_SECS)
    assert res["room"]["id"] == board.room_b and res["room"]["deadline"]


def test_timer_set_refusals(board):
    p = board.person(0)
    for bad in ("60", 9, rules.MAX_TIMER_SECS + 1, 60.0, None, True):
        err = board.refuse(board.fac, "timer_set", "invalid", seconds=bad)
        assert "seconds" in err["message"]
    err = board.refuse(board.fac, "timer_set", "invalid")
    assert "seconds" in err["message"]
    board.refuse(p, "timer_set", "forbidden", seconds=60)
    board.refuse(board.display, "timer_set", "forbidden", seconds=60)
    board.refuse(board.fac, "timer_set", "forbidden", seconds=60, room_id=board.room_b)
    board.refuse(board.org, "timer_set", "invalid", seconds=60)


def test_timer_extend_adds_time(board):
    first = board.fac.ok("timer_set", seconds=60)["room"]["deadline"]
    res = board.fac.ok("timer_extend", seconds=30)
    assert at(res["room"]["deadline"]) == at(first) + timedelta(seconds=30)
    assert board.org.snapshot()["rooms"][str(board.room)]["deadline"] == res["room"]["deadline"]
    res = board.org.ok("timer_extend", room_id=board.room, seconds=30)
    assert at(res["room"]["deadline"]) == at(first) + timedelta(seconds=60)


def test_timer_extend_refusals(board):
    p = board.person(0)
    err = board.refuse(board.fac, "timer_extend", "no_timer", seconds=30)
    assert "timer" in err["message"]
    # A countdown that has run out is not running.
    board.fac.ok("timer_set", seconds=60)
    with board.db.transaction() as s:
        s.execute(update(Room).where(Room.id == board.room).values(deadline=utcnow() - timedelta(seconds=5)))
    board.refuse(board.fac, "timer_extend", "no_timer", seconds=30)
    # The timer may not grow past the maximum; the refused change leaves the deadline as it was.
    board.fac.ok("timer_set", seconds=rules.MAX_TIMER_SECS - 20)
    err = board.refuse(board.fac, "timer_extend", "invalid", seconds=60)
    assert "seconds" in err["message"]
    board.refuse(board.fac, "timer_extend", "invalid", seconds="30")
    board.refuse(board.fac, "timer_extend", "invalid")
    board.refuse(p, "timer_extend", "forbidden", seconds=30)
    board.refuse(board.fac_b, "timer_extend", "forbidden", seconds=30, room_id=board.room)


def test_timer_clear_stops_the_countdown(board):
    elsewhere = board.person(1)
    board.fac.ok("timer_set", seconds=60)
    board.day.drain()
    res = board.fac.ok("timer_clear")
    assert res["room"]["deadline"] is None
    assert types(elsewhere) == ["room_updated"]
    assert elsewhere.snapshot()["rooms"][str(board.room)]["deadline"] is None


def test_timer_clear_refusals(board):
    p = board.person(0)
    board.refuse(board.fac, "timer_clear", "no_timer")
    board.refuse(board.org, "timer_clear", "no_timer", room_id=board.room)
    board.fac.ok("timer_set", seconds=60)
    board.refuse(p, "timer_clear", "forbidden")
    board.refuse(board.display, "timer_clear", "forbidden")
    board.refuse(board.fac_b, "timer_clear", "forbidden", room_id=board.room)
    board.refuse(board.fac, "timer_clear", "invalid", seconds=5)


def test_help_call_reaches_organisers_and_the_room_facilitator_only(board):
    p = board.person(0)
    board.day.drain()
    board.fac.ok("help_call", message="  Need an interpreter for Farsi  ")
    helps = board.org.snapshot()["help"]
    assert list(helps) == [str(board.room)]
    assert helps[str(board.room)]["message"] == "Need an interpreter for Farsi"
    assert board.fac.snapshot()["help"] == helps
    assert board.fac_b.snapshot()["help"] == {}
    assert "help" not in p.snapshot() and "help" not in board.display.snapshot()
    assert types(board.org) == ["help_called"] and types(board.fac) == ["help_called"]
    assert types(board.fac_b) == [] and types(p) == [] and types(board.display) == []
    board.fac.ok("help_call")  # again, with no message: still one call
    assert board.org.snapshot()["help"][str(board.room)]["message"] is None


def test_help_call_refusals(board):
    p = board.person(0)
    board.refuse(p, "help_call", "forbidden")
    board.refuse(board.org, "help_call", "forbidden")
    board.refuse(board.display, "help_call", "forbidden")
    board.refuse(board.fac, "help_call", "invalid", message="x" * (rules.MAX_MESSAGE_CHARS + 1))
    board.refuse(board.fac, "help_call", "invalid", message=5)
    board.refuse(board.fac, "help_call", "invalid", room_id=board.room)  # always one's own room


def test_help_clear_answers_the_call(board):
    board.fac.ok("help_call", message="Conflict at table 2")
    board.fac_b.ok("help_call")
    board.day.drain()
    board.org.ok("help_clear", room_id=board.room)
    assert list(board.org.snapshot()["help"]) == [str(board.room_b)]
    assert board.fac.snapshot()["help"] == {}
    assert types(board.fac) == ["help_cleared"] and types(board.fac_b) == []
    board.fac_b.ok("help_clear")
    assert board.org.snapshot()["help"] == {}


def test_help_clear_refusals(board):
    p = board.person(0)
    board.refuse(board.fac, "help_clear", "no_help_call")
    board.refuse(board.org, "help_clear", "no_help_call", room_id=board.room)
    board.fac.ok("help_call")
    board.refuse(board.fac_b, "help_clear", "forbidden", room_id=board.room)
    board.refuse(board.fac_b, "help_clear", "no_help_call")  # their own room has no call
    board.refuse(p, "help_clear", "forbidden")
    board.refuse(board.display, "help_clear", "forbidden")
    board.refuse(board.org, "help_clear", "invalid")
    board.refuse(board.org, "help_clear", "not_found", room_id=987654)


# -- barriers ------------------------------------------------------------------------

def test_barrier_post_is_private_until_the_reveal(board):
    author = board.person(0, name="Officer Diaz", anonymous=False)
    peer = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    board.day.drain()
    text = "  Cafe\u0301 talks \u202eend\u202c never\u0007 happen  "
    res = author.ok("barrier_post", text=text)
    b = res["barrier"]
    assert b["text"] == "Caf\u00e9 talks end never happen"  # NFC, controls and bidi overrides gone
    # Screened: no name before the reveal, not even for the facilitators (tests/test_moderation.py).
    assert b["author_name"] is None and b["votes"] == 0 and b["shared"] is False
    assert "author_id" not in b
    key = str(b["id"])
    assert author.snapshot()["mine"] == [f"barrier:{b['id']}"]
    assert key in author.snapshot()["barriers"]
    assert key in board.fac.snapshot()["barriers"] and key in board.org.snapshot()["barriers"]
    assert key not in peer.snapshot()["barriers"] and peer.snapshot()["mine"] == []
    assert key not in elsewhere.snapshot()["barriers"] and key not in board.fac_b.snapshot()["barriers"]
    assert board.display.snapshot()["barriers"] == {}
    assert board.display.snapshot()["stats"][str(board.room)]["barriers"] == 1
    assert types(author) == ["barrier_posted", "authorship"]
    assert types(board.fac) == ["barrier_posted"]
    assert types(peer) == [] and types(elsewhere) == [] and types(board.fac_b) == []
    assert types(board.display) == ["room_stats"]
    # Anonymous by choice for one post; a person with no name is always anonymous.
    assert board.post(author, "Rumours spread fast", anonymous=True)
    assert peer.ok("barrier_post", text="x" * rules.MAX_BARRIER_CHARS + "   ", anonymous=False)["barrier"]["author_name"] is None
    # After the reveal a new post reaches the whole room at once.
    board.phase("reveal")
    board.day.drain()
    late = board.post(peer, "Late thought")
    assert [e["data"]["barrier"]["id"] for e in author.events() if e["type"] == "barrier_posted"] == [late]
    assert len(peer.snapshot()["barriers"]) == 4


def test_barrier_post_refusals(board):
    p = board.person(0)
    err = board.refuse(p, "barrier_post", "wrong_phase", text="Too early")
    assert err["details"] == {"phase": "lobby", "allowed": ["brainstorm", "reveal"]}
    board.phase("brainstorm")
    for bad in ("   ", "\u202e\u200f \n\t", "x" * (rules.MAX_BARRIER_CHARS + 1), 5, None):
        err = board.refuse(p, "barrier_post", "invalid", text=bad)
        assert "text" in err["message"]
    board.refuse(p, "barrier_post", "invalid")
    board.refuse(p, "barrier_post", "invalid", text="ok", anonymous="no")
    board.refuse(p, "barrier_post", "invalid", text="ok", room_id=board.room)
    board.refuse(board.fac, "barrier_post", "forbidden", text="Facilitators do not post")
    board.refuse(board.org, "barrier_post", "forbidden", text="Nor organisers")
    board.org.ok("workshop_pause", message="Lunch")
    err = board.refuse(p, "barrier_post", "paused", text="During lunch")
    assert err["message"] == "Lunch" and err["details"]["retryable"] is True
    board.org.ok("workshop_resume")
    board.phase("vote")
    err = board.refuse(p, "barrier_post", "wrong_phase", text="Too late")
    assert err["details"]["phase"] == "vote"


def test_barrier_withdraw_removes_it_and_returns_its_dots(board):
    author = board.person(0)
    peer = board.person(0)
    board.phase("brainstorm")
    early = board.post(author, "Typo barrier")
    board.day.drain()
    assert author.ok("barrier_withdraw", barrier_id=early)["barrier_id"] == early
    assert types(board.fac) == ["barrier_withdrawn"] and types(peer) == []
    assert str(early) not in board.fac.snapshot()["barriers"] and str(early) not in board.org.snapshot()["barriers"]
    assert author.snapshot()["mine"] == []
    assert board.display.snapshot()["stats"][str(board.room)]["barriers"] == 0
    # A dot given during the vote comes back when the author withdraws after going back to reveal.
    bid = board.post(author, "Real barrier")
    board.phase("vote")
    peer.ok("vote_cast", target_type="barrier", target_id=bid)
    board.phase("reveal")
    board.day.drain()
    author.ok("barrier_withdraw", barrier_id=bid)
    assert "my_votes" in types(peer)
    assert peer.snapshot()["my_votes"] == [] and str(bid) not in peer.snapshot()["barriers"]
    assert board.stored_votes() == {}
    assert board.display.snapshot()["stats"][str(board.room)]["votes"] == 0


def test_barrier_withdraw_refusals(board):
    author = board.person(0)
    peer = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    board.phase("brainstorm", 1)
    bid = board.post(author, "Mine")
    other_room = board.post(elsewhere, "Theirs")
    board.refuse(peer, "barrier_withdraw", "forbidden", barrier_id=bid)
    board.refuse(author, "barrier_withdraw", "not_found", barrier_id=other_room)
    board.refuse(author, "barrier_withdraw", "not_found", barrier_id=987654)
    board.refuse(author, "barrier_withdraw", "invalid", barrier_id=str(bid))
    board.refuse(author, "barrier_withdraw", "invalid")
    board.refuse(board.fac, "barrier_withdraw", "forbidden", barrier_id=bid)
    second = board.post(author, "Mine too")
    board.phase("reveal")
    shared = board.fac.ok("barrier_merge", barrier_ids=[bid, second])["shared_id"]
    err = board.refuse(author, "barrier_withdraw", "merged", barrier_id=bid)
    assert "merge" in err["message"]
    board.refuse(author, "barrier_withdraw", "forbidden", barrier_id=shared)  # nobody authored the shared one
    board.fac.ok("merge_undo", shared_id=shared)
    board.phase("vote")
    err = board.refuse(author, "barrier_withdraw", "wrong_phase", barrier_id=bid)
    assert err["details"]["allowed"] == ["brainstorm", "reveal"]
    board.phase("report_out")
    board.fac.ok("report_push", barrier_ids=[bid])
    board.phase("reveal")
    board.refuse(author, "barrier_withdraw", "pushed", barrier_id=bid)
    author.ok("barrier_withdraw", barrier_id=second)
    board.refuse(author, "barrier_withdraw", "not_found", barrier_id=second)  # gone already


# -- merges and vote honesty ------------------------------------------------------

def test_merge_keeps_one_dot_per_voter_and_undo_puts_them_back(board):
    """The protocol's promise: no dot counts twice, no budget is exceeded, undo restores."""
    author = board.person(0)
    v1, v2, v3 = board.person(0), board.person(0), board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    x = board.post(author, "Stops feel random")
    y = board.post(author, "Stops are unexplained")
    z = board.post(author, "Complaints vanish")
    board.phase("vote")
    v1.ok("vote_cast", target_type="barrier", target_id=x)   # v1's earliest dot
    v1.ok("vote_cast", target_type="barrier", target_id=y)
    v2.ok("vote_cast", target_type="barrier", target_id=y)
    board.check_vote_honesty(v1, v2, v3)
    board.day.drain()

    res = board.fac.ok("barrier_merge", barrier_ids=[x, y], text="Stops are not explained")
    s = res["shared_id"]
    assert res["returned_votes"] == 1
    assert board.stored_votes() == {v1.participant_id: [f"barrier:{s}"], v2.participant_id: [f"barrier:{s}"]}
    state = board.org.snapshot()
    shared = state["barriers"][str(s)]
    assert shared["shared"] is True and shared["members"] == sorted([x, y]) and shared["votes"] == 2
    assert shared["text"] == "Stops are not explained" and shared["author_name"] is None
    assert state["barriers"][str(x)]["merged_into"] == s and state["barriers"][str(x)]["votes"] == 0
    assert state["barriers"][str(y)]["merged_into"] == s and state["barriers"][str(y)]["votes"] == 0
    # Each voter hears about their own dots only.
    mine = [e["data"] for e in v1.events() if e["type"] == "my_votes"]
    assert mine == [{"add": [f"barrier:{s}"], "remove": sorted([f"barrier:{x}", f"barrier:{y}"])}]
    assert [e["data"] for e in v2.events() if e["type"] == "my_votes"] == [{"add": [f"barrier:{s}"], "remove": [f"barrier:{y}"]}]
    assert types(author) == ["barriers_merged", "vote_progress"]  # v1 has a dot back: who has dots left
    assert types(elsewhere) == []
    # One of v1's two dots came back: exactly one used out of three.
    assert v1.ok("vote_cast", target_type="barrier", target_id=z)["remaining"] == 1
    board.refuse(v1, "vote_cast", "already_voted", target_type="barrier", target_id=s)
    board.refuse(v1, "vote_cast", "merged", target_type="barrier", target_id=x)
    # A dot cast on the shared barrier after the merge.
    assert v3.ok("vote_cast", target_type="barrier", target_id=s)["votes"] == 3
    board.check_vote_honesty(v1, v2, v3)

    board.day.drain()
    res = board.fac.ok("merge_undo", shared_id=s)
    assert res["member_ids"] == sorted([x, y])
    assert board.stored_votes() == {
        v1.participant_id: sorted([f"barrier:{x}", f"barrier:{z}"]),  # back where it came from; z untouched
        v2.participant_id: [f"barrier:{y}"],
        # v3's dot was on the shared barrier itself: returned.
    }
    state = board.org.snapshot()
    assert str(s) not in state["barriers"]
    assert state["barriers"][str(x)]["votes"] == 1 and state["barriers"][str(x)]["merged_into"] is None
    assert state["barriers"][str(y)]["votes"] == 1 and state["barriers"][str(y)]["merged_into"] is None
    assert [e["data"] for e in v3.events() if e["type"] == "my_votes"] == [{"add": [], "remove": [f"barrier:{s}"]}]
    assert [e["data"] for e in v1.events() if e["type"] == "my_votes"] == [{"add": [f"barrier:{x}"], "remove": [f"barrier:{s}"]}]
    stored = board.check_vote_honesty(v1, v2, v3)
    assert v3.participant_id not in stored
    assert board.display.snapshot()["stats"][str(board.room)]["votes"] == 3


def test_merge_moves_the_earliest_dot_and_undo_restores_that_one(board):
    author = board.person(0)
    voter = board.person(0)
    board.phase("brainstorm")
    x = board.post(author, "First")
    y = board.post(author, "Second")
    board.phase("vote")
    voter.ok("vote_cast", target_type="barrier", target_id=y)  # earliest dot is on y this time
    voter.ok("vote_cast", target_type="barrier", target_id=x)
    s = board.fac.ok("barrier_merge", barrier_ids=[x, y])["shared_id"]
    assert board.stored_votes() == {voter.participant_id: [f"barrier:{s}"]}
    board.fac.ok("merge_undo", shared_id=s)
    assert board.stored_votes() == {voter.participant_id: [f"barrier:{y}"]}
    board.check_vote_honesty(voter)


def test_nested_merges_undo_one_level_at_a_time(board):
    author = board.person(0)
    v1, v2 = board.person(0), board.person(0)
    board.phase("brainstorm")
    x, y, z = (board.post(author, t) for t in ("Fear", "Distrust", "No follow-up"))
    board.phase("reveal")
    s1 = board.fac.ok("barrier_merge", barrier_ids=[x, y])["shared_id"]
    board.phase("vote")
    v1.ok("vote_cast", target_type="barrier", target_id=s1)
    v1.ok("vote_cast", target_type="barrier", target_id=z)
    v2.ok("vote_cast", target_type="barrier", target_id=z)
    s2 = board.org.ok("barrier_merge", room_id=board.room, barrier_ids=[s1, z])["shared_id"]
    assert board.stored_votes() == {v1.participant_id: [f"barrier:{s2}"], v2.participant_id: [f"barrier:{s2}"]}
    board.check_vote_honesty(v1, v2)
    board.refuse(board.fac, "merge_undo", "merged", shared_id=s1)
    board.org.ok("merge_undo", shared_id=s2)
    assert board.stored_votes() == {v1.participant_id: [f"barrier:{s1}"], v2.participant_id: [f"barrier:{z}"]}
    board.check_vote_honesty(v1, v2)
    # v1's dot was cast on s1 itself: undoing s1 gives it back.
    board.fac.ok("merge_undo", shared_id=s1)
    assert board.stored_votes() == {v2.participant_id: [f"barrier:{z}"]}
    board.check_vote_honesty(v1, v2)


def test_undo_does_not_put_a_dot_back_on_a_hidden_original(board):
    """An original hidden while merged takes no dots: its moved dot comes back to the voter."""
    author = board.person(0)
    voter = board.person(0)
    board.phase("brainstorm")
    x = board.post(author, "Offensive version")
    y = board.post(author, "Fair version")
    board.phase("vote")
    voter.ok("vote_cast", target_type="barrier", target_id=x)
    s = board.fac.ok("barrier_merge", barrier_ids=[x, y])["shared_id"]
    board.fac.ok("post_hide", kind="barrier", id=x, reason="Names a person")
    board.fac.ok("merge_undo", shared_id=s)
    assert board.stored_votes() == {}
    assert voter.snapshot()["my_votes"] == []
    board.check_vote_honesty(voter)


def test_barrier_merge_refusals(board):
    author = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    board.phase("brainstorm", 1)
    a, b, c, d, e, f = (board.post(author, t) for t in ("One", "Two", "Three", "Four", "Five", "Six"))
    theirs = board.post(elsewhere, "Other room")
    err = board.refuse(board.fac, "barrier_merge", "wrong_phase", barrier_ids=[a, b])
    assert err["details"] == {"phase": "brainstorm", "allowed": ["reveal", "vote"]}
    board.phase("reveal")
    for bad in ([a], [], [a, a], [str(a), str(b)], list(range(1, rules.MAX_MERGE_MEMBERS + 2)), a):
        err = board.refuse(board.fac, "barrier_merge", "invalid", barrier_ids=bad)
        assert "barrier_ids" in err["message"]
    board.refuse(board.fac, "barrier_merge", "invalid")
    board.refuse(board.fac, "barrier_merge", "invalid", barrier_ids=[a, b], text="x" * (rules.MAX_BARRIER_CHARS + 1))
    board.refuse(board.fac, "barrier_merge", "invalid", barrier_ids=[a, b], text="   ")
    board.refuse(board.fac, "barrier_merge", "not_found", barrier_ids=[a, theirs])
    board.refuse(board.fac, "barrier_merge", "not_found", barrier_ids=[a, 987654])
    board.refuse(board.fac_b, "barrier_merge", "forbidden", room_id=board.room, barrier_ids=[a, b])
    board.phase("reveal", 1)
    board.refuse(board.fac_b, "barrier_merge", "not_found", barrier_ids=[a, b])
    board.refuse(board.org, "barrier_merge", "invalid", barrier_ids=[a, b])  # the organiser names the room
    board.refuse(board.org, "barrier_merge", "not_found", room_id=board.room_b, barrier_ids=[a, b])
    board.refuse(author, "barrier_merge", "forbidden", barrier_ids=[a, b])
    board.refuse(board.display, "barrier_merge", "forbidden", barrier_ids=[a, b])
    board.fac.ok("barrier_merge", barrier_ids=[a, b])
    board.refuse(board.fac, "barrier_merge", "merged", barrier_ids=[a, c])
    board.fac.ok("post_hide", kind="barrier", id=c, reason="Off topic")
    board.refuse(board.fac, "barrier_merge", "hidden", barrier_ids=[d, c])
    board.phase("solutions")
    board.propose(author, d, "Explain every stop")
    board.phase("vote")
    board.refuse(board.fac, "barrier_merge", "has_solutions", barrier_ids=[e, d])
    board.phase("report_out")
    board.fac.ok("report_push", barrier_ids=[f])
    board.phase("vote")
    board.refuse(board.fac, "barrier_merge", "pushed", barrier_ids=[e, f])
    board.phase("solutions")
    board.refuse(board.fac, "barrier_merge", "wrong_phase", barrier_ids=[e, d])


def test_merge_undo_refusals(board):
    author = board.person(0)
    board.phase("brainstorm")
    a, b, c, d, e, f = (board.post(author, t) for t in ("One", "Two", "Three", "Four", "Five", "Six"))
    board.phase("reveal")
    board.refuse(board.fac, "merge_undo", "not_merged", shared_id=a)
    board.refuse(board.fac, "merge_undo", "not_found", shared_id=987654)
    board.refuse(board.fac, "merge_undo", "invalid", shared_id=str(a))
    board.refuse(board.fac, "merge_undo", "invalid")
    s1 = board.fac.ok("barrier_merge", barrier_ids=[a, b])["shared_id"]
    board.refuse(author, "merge_undo", "forbidden", shared_id=s1)
    board.refuse(board.display, "merge_undo", "forbidden", shared_id=s1)
    board.refuse(board.fac_b, "merge_undo", "not_found", shared_id=s1)  # not in their room
    board.refuse(board.fac, "merge_undo", "invalid", shared_id=s1, room_id=board.room)
    s2 = board.fac.ok("barrier_merge", barrier_ids=[s1, c])["shared_id"]
    err = board.refuse(board.fac, "merge_undo", "merged", shared_id=s1)
    assert "first" in err["message"]
    board.fac.ok("merge_undo", shared_id=s2)
    board.refuse(board.fac, "merge_undo", "not_found", shared_id=s2)  # already undone
    s3 = board.fac.ok("barrier_merge", barrier_ids=[d, e])["shared_id"]
    board.phase("solutions")
    board.propose(author, s3, "Community liaison officer")
    board.refuse(board.fac, "merge_undo", "wrong_phase", shared_id=s1)
    board.phase("vote")
    board.refuse(board.fac, "merge_undo", "has_solutions", shared_id=s3)
    board.phase("report_out")
    board.fac.ok("report_push", barrier_ids=[s1])
    board.phase("vote")
    board.refuse(board.org, "merge_undo", "pushed", shared_id=s1)
    assert f


# -- votes -------------------------------------------------------------------------

def test_vote_cast_tally_reaches_the_room_and_my_votes_only_the_voter(board):
    author = board.person(0)
    voter = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    bid = board.post(author, "Fear of deportation")
    board.phase("vote")
    board.day.drain()
    res = voter.ok("vote_cast", target_type="barrier", target_id=bid)
    assert res["votes"] == 1 and res["remaining"] == 2
    # A first dot: the room and the projector hear that one more person has voted (a count).
    assert types(voter) == ["tally", "my_votes", "vote_progress"]
    assert types(author) == types(board.fac) == types(board.org) == ["tally", "vote_progress"]
    assert types(elsewhere) == [] and types(board.fac_b) == []
    assert types(board.display) == ["room_stats", "vote_progress"]
    assert voter.snapshot()["my_votes"] == [f"barrier:{bid}"]
    assert author.snapshot()["my_votes"] == []
    assert author.snapshot()["barriers"][str(bid)]["votes"] == 1
    assert board.display.snapshot()["stats"][str(board.room)]["votes"] == 1
    assert author.ok("vote_cast", target_type="barrier", target_id=bid)["votes"] == 2  # one's own post too
    board.check_vote_honesty(author, voter)


def test_vote_cast_refusals(board):
    author = board.person(0)
    voter = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    board.phase("brainstorm", 1)
    ids = [board.post(author, f"Barrier {n}") for n in range(6)]
    theirs = board.post(elsewhere, "Other room")
    err = board.refuse(voter, "vote_cast", "wrong_phase", target_type="barrier", target_id=ids[0])
    assert err["details"] == {"phase": "brainstorm", "allowed": ["vote"]}
    board.phase("reveal")
    merged = board.fac.ok("barrier_merge", barrier_ids=[ids[4], ids[5]])["shared_id"]
    board.phase("vote")
    for n in range(3):
        voter.ok("vote_cast", target_type="barrier", target_id=ids[n])
    board.refuse(voter, "vote_cast", "already_voted", target_type="barrier", target_id=ids[0])
    err = board.refuse(voter, "vote_cast", "budget_spent", target_type="barrier", target_id=ids[3])
    assert err["details"]["budget"] == 3
    board.refuse(author, "vote_cast", "merged", target_type="barrier", target_id=ids[4])
    board.fac.ok("post_hide", kind="barrier", id=ids[3], reason="Repeated")
    board.refuse(author, "vote_cast", "hidden", target_type="barrier", target_id=ids[3])
    board.refuse(author, "vote_cast", "not_found", target_type="barrier", target_id=theirs)
    board.refuse(author, "vote_cast", "not_found", target_type="barrier", target_id=987654)
    board.refuse(author, "vote_cast", "invalid", target_type="barrier", target_id=str(merged))
    board.refuse(author, "vote_cast", "invalid", target_type="comment", target_id=merged)
    board.refuse(author, "vote_cast", "invalid", target_type="barrier")
    board.refuse(author, "vote_cast", "wrong_phase", target_type="solution", target_id=1)
    err = board.refuse(author, "vote_cast", "wrong_phase", target_type="plenary", target_id=1)
    assert err["details"] == {"phase": "breakouts", "allowed": ["plenary"]}
    board.refuse(board.fac, "vote_cast", "forbidden", target_type="barrier", target_id=merged)
    board.refuse(board.org, "vote_cast", "forbidden", target_type="barrier", target_id=merged)
    board.org.ok("workshop_pause")
    err = board.refuse(author, "vote_cast", "paused", target_type="barrier", target_id=merged)
    assert err["details"]["retryable"] is True
    board.org.ok("workshop_resume")
    author.ok("vote_cast", target_type="barrier", target_id=merged)
    board.check_vote_honesty(author, voter)


def test_vote_withdraw_gives_the_dot_back(board):
    author = board.person(0)
    voter = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "Long waits")
    board.phase("vote")
    voter.ok("vote_cast", target_type="barrier", target_id=bid)
    board.day.drain()
    res = voter.ok("vote_withdraw", target_type="barrier", target_id=bid)
    assert res["votes"] == 0 and res["remaining"] == 3
    assert types(voter) == ["tally", "my_votes", "vote_progress"] and types(author) == ["tally", "vote_progress"]
    assert voter.snapshot()["my_votes"] == []
    assert author.snapshot()["barriers"][str(bid)]["votes"] == 0
    assert board.stored_votes() == {}


def test_vote_withdraw_refusals(board):
    author = board.person(0)
    voter = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "Long waits")
    board.phase("vote")
    board.refuse(voter, "vote_withdraw", "not_voted", target_type="barrier", target_id=bid)
    voter.ok("vote_cast", target_type="barrier", target_id=bid)
    board.refuse(author, "vote_withdraw", "not_voted", target_type="barrier", target_id=bid)
    board.refuse(voter, "vote_withdraw", "invalid", target_type="barrier", target_id=float(bid))
    board.refuse(board.fac, "vote_withdraw", "forbidden", target_type="barrier", target_id=bid)
    board.org.ok("workshop_pause", message="Five minutes")
    board.refuse(voter, "vote_withdraw", "paused", target_type="barrier", target_id=bid)
    board.org.ok("workshop_resume")
    board.phase("solutions")
    board.refuse(voter, "vote_withdraw", "wrong_phase", target_type="barrier", target_id=bid)
    assert board.stored_votes() == {voter.participant_id: [f"barrier:{bid}"]}


# -- solutions -------------------------------------------------------------------

def test_solution_post_reaches_the_room(board):
    author = board.person(0, name="Maya", anonymous=False)
    peer = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    bid = board.post(peer, "No interpreters")
    board.phase("solutions")
    board.day.drain()
    sol = author.ok("solution_post", barrier_id=bid, text="  Volunteer interpreters at the desk ")["solution"]
    assert sol["text"] == "Volunteer interpreters at the desk" and sol["author_name"] == "Maya"
    assert sol["barrier_id"] == bid and sol["votes"] == 0
    assert types(author) == ["solution_posted", "authorship"]
    assert types(peer) == ["solution_posted"] and types(board.fac) == ["solution_posted"]
    assert types(elsewhere) == [] and types(board.display) == ["room_stats"]
    assert str(sol["id"]) in peer.snapshot()["solutions"]
    assert str(sol["id"]) not in elsewhere.snapshot()["solutions"]
    assert author.snapshot()["mine"] == [f"solution:{sol['id']}"]
    assert board.display.snapshot()["stats"][str(board.room)]["solutions"] == 1
    anon = author.ok("solution_post", barrier_id=bid, text="x" * rules.MAX_SOLUTION_CHARS, anonymous=True)
    assert anon["solution"]["author_name"] is None
    # Solutions take dots in this phase.
    assert peer.ok("vote_cast", target_type="solution", target_id=sol["id"])["votes"] == 1
    board.check_vote_honesty(author, peer)


def test_solution_post_refusals(board):
    author = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    board.phase("brainstorm", 1)
    a, b, c = (board.post(author, t) for t in ("One", "Two", "Three"))
    theirs = board.post(elsewhere, "Other room")
    board.refuse(author, "solution_post", "wrong_phase", barrier_id=a, text="Too early")
    board.phase("reveal")
    board.fac.ok("barrier_merge", barrier_ids=[a, b])
    board.fac.ok("post_hide", kind="barrier", id=c, reason="Insult")
    board.phase("solutions")
    board.phase("solutions", 1)
    board.refuse(author, "solution_post", "merged", barrier_id=a, text="On a merged one")
    board.refuse(author, "solution_post", "hidden", barrier_id=c, text="On a hidden one")
    board.refuse(author, "solution_post", "not_found", barrier_id=theirs, text="Other room")
    board.refuse(author, "solution_post", "not_found", barrier_id=987654, text="Nowhere")
    for bad in ("", "  \u200e ", "x" * (rules.MAX_SOLUTION_CHARS + 1), 12):
        err = board.refuse(author, "solution_post", "invalid", barrier_id=a, text=bad)
        assert "text" in err["message"]
    err = board.refuse(author, "solution_post", "invalid", text="No barrier")
    assert "barrier_id" in err["message"]
    board.refuse(author, "solution_post", "invalid", barrier_id=str(a), text="Id as text")
    board.refuse(board.fac, "solution_post", "forbidden", barrier_id=a, text="Facilitator")
    board.org.ok("workshop_pause")
    board.refuse(author, "solution_post", "paused", barrier_id=a, text="While paused")


def test_solution_withdraw_returns_its_dots(board):
    author = board.person(0)
    peer = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "No follow-up")
    board.phase("solutions")
    sid = board.propose(author, bid, "Case numbers by text message")
    peer.ok("vote_cast", target_type="solution", target_id=sid)
    board.day.drain()
    assert author.ok("solution_withdraw", solution_id=sid)["solution_id"] == sid
    assert "solution_withdrawn" in types(peer)
    assert str(sid) not in peer.snapshot()["solutions"] and str(sid) not in board.org.snapshot()["solutions"]
    assert peer.snapshot()["my_votes"] == [] and author.snapshot()["mine"] == [f"barrier:{bid}"]
    assert board.stored_votes() == {}
    assert board.display.snapshot()["stats"][str(board.room)] == {
        "room_id": board.room, "barriers": 1, "solutions": 0, "votes": 0}


def test_solution_withdraw_refusals(board):
    author = board.person(0)
    peer = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "No follow-up")
    board.phase("solutions")
    sid = board.propose(author, bid, "Case numbers")
    board.refuse(peer, "solution_withdraw", "forbidden", solution_id=sid)
    board.refuse(board.fac, "solution_withdraw", "forbidden", solution_id=sid)
    board.refuse(author, "solution_withdraw", "not_found", solution_id=987654)
    board.refuse(author, "solution_withdraw", "invalid", solution_id=str(sid))
    board.refuse(author, "solution_withdraw", "invalid", id=sid)
    board.org.ok("workshop_pause")
    board.refuse(author, "solution_withdraw", "paused", solution_id=sid)
    board.org.ok("workshop_resume")
    board.phase("report_out")
    err = board.refuse(author, "solution_withdraw", "wrong_phase", solution_id=sid)
    assert err["details"] == {"phase": "report_out", "allowed": ["solutions"]}


# -- moderation ----------------------------------------------------------------------

def test_post_hide_hides_from_others_and_returns_dots(board):
    author = board.person(0)
    peer = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "Names a specific officer")
    keep = board.post(author, "Fine")
    board.phase("vote")
    peer.ok("vote_cast", target_type="barrier", target_id=bid)
    peer.ok("vote_cast", target_type="barrier", target_id=keep)
    board.day.drain()
    assert board.fac.ok("post_hide", kind="barrier", id=bid, reason="  Please avoid names ") == {"seq": board.org.snapshot()["seq"]}
    assert types(peer) == ["my_votes", "vote_progress", "post_hidden"]
    assert str(bid) not in peer.snapshot()["barriers"]
    own = author.snapshot()["barriers"][str(bid)]
    assert own["hidden"] is True and own["hidden_reason"] == "Please avoid names" and own["votes"] == 0
    assert board.fac.snapshot()["barriers"][str(bid)]["hidden"] is True
    assert peer.snapshot()["my_votes"] == [f"barrier:{keep}"]
    assert board.display.snapshot()["stats"][str(board.room)]["votes"] == 1
    assert "room_stats" in types(board.display)
    board.check_vote_honesty(author, peer)
    # Solutions are hidden the same way, by the organiser too.
    board.phase("solutions")
    sid = board.propose(author, keep, "Body cameras")
    board.org.ok("post_hide", kind="solution", id=sid, reason="Duplicate")
    assert str(sid) not in peer.snapshot()["solutions"]
    assert author.snapshot()["solutions"][str(sid)]["hidden_reason"] == "Duplicate"


def test_post_hide_refusals(board):
    author = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    bid = board.post(author, "Something")
    board.refuse(author, "post_hide", "forbidden", kind="barrier", id=bid, reason="Self")
    board.refuse(board.display, "post_hide", "forbidden", kind="barrier", id=bid, reason="Projector")
    board.refuse(board.fac_b, "post_hide", "not_found", kind="barrier", id=bid, reason="Other room")
    board.refuse(board.fac, "post_hide", "not_found", kind="barrier", id=987654, reason="Nothing")
    board.refuse(board.fac, "post_hide", "not_found", kind="solution", id=bid, reason="Wrong kind")
    for bad in ("", "   ", "x" * (rules.MAX_REASON_CHARS + 1), 3):
        err = board.refuse(board.fac, "post_hide", "invalid", kind="barrier", id=bid, reason=bad)
        assert "reason" in err["message"]
    board.refuse(board.fac, "post_hide", "invalid", kind="barrier", id=bid)
    board.refuse(board.fac, "post_hide", "invalid", kind="comment", id=bid, reason="Kind")
    board.refuse(board.fac, "post_hide", "invalid", kind="barrier", id=str(bid), reason="Id")
    board.fac.ok("post_hide", kind="barrier", id=bid, reason="First time")
    board.refuse(board.fac, "post_hide", "already_hidden", kind="barrier", id=bid, reason="Again")
    board.refuse(board.org, "post_hide", "already_hidden", kind="barrier", id=bid, reason="Again")
    assert elsewhere


def test_post_restore_shows_it_again(board):
    author = board.person(0)
    peer = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "Borderline")
    board.phase("reveal")
    board.fac.ok("post_hide", kind="barrier", id=bid, reason="Check wording")
    board.day.drain()
    board.org.ok("post_restore", kind="barrier", id=bid)
    events = peer.events()
    assert [e["type"] for e in events] == ["post_restored"]
    assert events[0]["data"]["item"]["hidden"] is False
    assert peer.snapshot()["barriers"][str(bid)]["hidden_reason"] is None
    assert board.fac.snapshot()["barriers"][str(bid)]["hidden"] is False


def test_post_restore_refusals(board):
    author = board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "Fine post")
    board.refuse(board.fac, "post_restore", "not_hidden", kind="barrier", id=bid)
    board.fac.ok("post_hide", kind="barrier", id=bid, reason="Check")
    board.refuse(author, "post_restore", "forbidden", kind="barrier", id=bid)
    board.refuse(board.fac_b, "post_restore", "not_found", kind="barrier", id=bid)
    board.refuse(board.fac, "post_restore", "invalid", kind="barrier", id=bid, reason="not a field")
    board.refuse(board.fac, "post_restore", "invalid", kind="barrier")
    board.refuse(board.fac, "post_restore", "not_found", kind="solution", id=bid)


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


# -- the organiser ---------------------------------------------------------------------

def test_workshop_update_reaches_everyone(board):
    p = board.person(1)
    board.day.drain()
    res = board.org.ok("workshop_update", title=" Trust day 2 ", place="Library", display_language="fa")
    assert res["workshop"]["title"] == "Trust day 2" and res["workshop"]["display_language"] == "fa"
    for viewer in (p, board.display, board.fac):
        events = viewer.events()
        assert [e["type"] for e in events] == ["workshop_updated"]
        assert events[0]["data"]["workshop"] == {"title": "Trust day 2", "place": "Library", "display_language": "fa"}
        ws = viewer.snapshot()["workshop"]
        assert (ws["title"], ws["place"], ws["display_language"], ws["date"]) == ("Trust day 2", "Library", "fa", None)
    board.org.ok("workshop_update", place="")  # an empty place clears it
    assert p.snapshot()["workshop"]["place"] is None


def test_workshop_update_refusals(board):
    p = board.person(0)
    err = board.refuse(board.org, "workshop_update", "no_change")
    assert "nothing" in err["message"]
    err = board.refuse(board.org, "workshop_update", "invalid", display_language="de")
    assert "display_language" in err["message"]
    board.refuse(board.org, "workshop_update", "invalid", title="")
    board.refuse(board.org, "workshop_update", "invalid", title="x" * (rules.MAX_TITLE_CHARS + 1))
    board.refuse(board.org, "workshop_update", "invalid", title=7)
    board.refuse(board.org, "workshop_update", "invalid", vote_budget=9)
    board.refuse(board.fac, "workshop_update", "forbidden", title="Mine now")
    board.refuse(p, "workshop_update", "forbidden", title="Mine now")


def test_workshop_advance_and_back_walk_the_day(board):
    p = board.person(0)
    seen = []
    for expected in rules.WORKSHOP_PHASES[1:]:
        board.day.drain()
        assert board.org.ok("workshop_advance")["phase"] == expected
        events = p.events()
        assert [e["type"] for e in events] == ["workshop_updated"]
        assert events[0]["data"]["workshop"] == {"phase": expected}
        seen.append(board.display.snapshot()["workshop"]["phase"])
    assert seen == ["plenary", "action_plan", "closed"]
    assert board.day.join_http().status_code == 409  # a closed workshop takes no one new
    assert board.org.ok("workshop_back")["phase"] == "action_plan"
    assert p.snapshot()["workshop"]["phase"] == "action_plan"
    assert board.day.join_http().status_code == 200


def test_workshop_advance_refusals(board):
    p = board.person(0)
    board.refuse(p, "workshop_advance", "forbidden")
    board.refuse(board.fac, "workshop_advance", "forbidden")
    board.refuse(board.display, "workshop_advance", "forbidden")
    board.refuse(board.org, "workshop_advance", "invalid", phase="closed")
    board.workshop_phase("closed")
    err = board.refuse(board.org, "workshop_advance", "wrong_phase")
    assert err["details"]["phase"] == "closed"


def test_workshop_back_refusals(board):
    p = board.person(0)
    err = board.refuse(board.org, "workshop_back", "wrong_phase")
    assert err["details"]["phase"] == "breakouts"
    board.workshop_phase("plenary")
    board.refuse(p, "workshop_back", "forbidden")
    board.refuse(board.fac, "workshop_back", "forbidden")
    board.refuse(board.org, "workshop_back", "invalid", steps=2)


def test_pause_stops_participants_only_until_resume(board):
    p = board.person(0)
    elsewhere = board.person(1)
    board.phase("brainstorm")
    board.day.drain()
    board.org.ok("workshop_pause", message="  Fire drill, please wait  ")
    for viewer in (p, elsewhere, board.display, board.fac):
        events = viewer.events()
        assert [e["type"] for e in events] == ["workshop_updated"]
        assert events[0]["data"]["workshop"] == {"paused": True, "pause_message": "Fire drill, please wait"}
        ws = viewer.snapshot()["workshop"]
        assert ws["paused"] is True and ws["pause_message"] == "Fire drill, please wait"
    err = board.refuse(p, "barrier_post", "paused", text="Hello?")
    assert err["message"] == "Fire drill, please wait" and err["details"] == {"retryable": True}
    board.fac.ok("timer_set", seconds=300)  # the staff keep working
    board.day.drain()
    board.org.ok("workshop_resume")
    events = p.events()
    assert [e["data"]["workshop"] for e in events] == [{"paused": False, "pause_message": None}]
    assert board.post(p, "Back again")
    board.org.ok("workshop_pause")  # with no message
    assert board.refuse(p, "barrier_post", "paused", text="x")["message"]


def test_workshop_pause_refusals(board):
    p = board.person(0)
    board.refuse(p, "workshop_pause", "forbidden")
    board.refuse(board.fac, "workshop_pause", "forbidden")
    board.refuse(board.org, "workshop_pause", "invalid", message="x" * (rules.MAX_MESSAGE_CHARS + 1))
    board.refuse(board.org, "workshop_pause", "invalid", message=False)
    board.org.ok("workshop_pause", message="Lunch")
    err = board.refuse(board.org, "workshop_pause", "already_paused", message="Still lunch")
    assert "already" in err["message"]


def test_workshop_resume_refusals(board):
    p = board.person(0)
    board.refuse(board.org, "workshop_resume", "not_paused")
    board.org.ok("workshop_pause")
    board.refuse(p, "workshop_resume", "forbidden")
    board.refuse(board.fac, "workshop_resume", "forbidden")
    board.refuse(board.org, "workshop_resume", "invalid", message="")


def test_participant_move_takes_the_person_to_the_new_room(board):
    mover = board.person(0, name="Sam")
    old_peer = board.person(0)
    new_peer = board.person(1)
    board.phase("reveal", 1)
    there = board.post(new_peer, "Parking tickets")
    board.day.drain()
    res = board.org.ok("participant_move", participant_id=mover.participant_id, room_id=board.room_b)
    assert res["participant"] == {"id": mover.participant_id, "room_id": board.room_b, "group": "community_member",
                                  "language": "en", "name": "Sam"}
    events = mover.events()
    assert [e["type"] for e in events] == ["participant_moved", "room_changed"]
    changed = events[1]["data"]
    assert changed["room_id"] == board.room_b and str(there) in changed["barriers"]
    assert set(changed["participants"]) == {str(mover.participant_id), str(new_peer.participant_id)}
    assert types(old_peer) == ["participant_moved"] and types(new_peer) == ["participant_moved"]
    assert types(board.display) == ["participant_moved"]
    assert str(mover.participant_id) not in old_peer.snapshot()["participants"]
    assert str(mover.participant_id) in new_peer.snapshot()["participants"]
    state = mover.snapshot()  # the sync moves the connection too
    assert state["me"]["room_id"] == board.room_b and str(there) in state["barriers"]
    assert board.display.snapshot()["participants"][str(mover.participant_id)]["room_id"] == board.room_b
    # From now on the mover hears the new room, not the old one.
    board.day.drain()
    board.post(new_peer, "Another")
    board.phase("brainstorm")
    assert "barrier_posted" in types(mover)
    board.post(old_peer, "Old room post")
    assert types(mover) == []


def test_a_moved_participant_gets_their_old_room_dots_back(board):
    mover = board.person(0)
    peer = board.person(0)
    other = board.person(1)
    board.phase("brainstorm")
    board.phase("brainstorm", 1)
    a1, a2 = board.post(peer, "Stops without reason"), board.post(peer, "No feedback")
    b1 = board.post(other, "Parking tickets")
    for room_index in (0, 1):
        board.phase("vote", room_index)
    for target in (a1, a2):
        mover.ok("vote_cast", target_type="barrier", target_id=target)
    peer.ok("vote_cast", target_type="barrier", target_id=a1)
    board.day.drain()
    res = board.org.ok("participant_move", participant_id=mover.participant_id, room_id=board.room_b)
    assert res["returned_votes"] == 2
    # The person: the dots come back before the move, so the budget is whole again in the new room.
    events = mover.events()
    assert [e["type"] for e in events] == ["tally", "tally", "my_votes", "vote_progress", "participant_moved",
                                           "room_changed"]
    assert events[2]["data"] == {"add": [], "remove": [f"barrier:{a1}", f"barrier:{a2}"]}
    state = mover.snapshot()
    assert state["my_votes"] == []
    assert mover.ok("vote_cast", target_type="barrier", target_id=b1)["remaining"] == 2
    # The old room hears the new tallies (the peer's own dot stays), the projector its counts.
    tallies = {e["data"]["target_id"]: e["data"]["votes"] for e in peer.events() if e["type"] == "tally"}
    assert tallies == {a1: 1, a2: 0}
    assert peer.snapshot()["barriers"][str(a1)]["votes"] == 1
    stats = [e["data"] for e in board.display.events() if e["type"] == "room_stats"]
    assert {"room_id": board.room, "votes": 1}.items() <= stats[0].items()
    board.check_vote_honesty(mover, peer, other)


def test_a_move_without_dots_returns_none(board):
    mover = board.person(0)
    board.phase("brainstorm")
    board.day.drain()
    res = board.org.ok("participant_move", participant_id=mover.participant_id, room_id=board.room_b)
    assert res["returned_votes"] == 0
    assert [e["type"] for e in mover.events()] == ["participant_moved", "room_changed"]


def test_participant_move_refusals(board):
    p = board.person(0)
    board.refuse(board.org, "participant_move", "no_change", participant_id=p.participant_id, room_id=board.room)
    board.refuse(board.org, "participant_move", "not_found", participant_id=987654, room_id=board.room_b)
    board.refuse(board.org, "participant_move", "not_found", participant_id=p.participant_id, room_id=987654)
    board.refuse(board.org, "participant_move", "invalid", participant_id=p.participant_id)
    board.refuse(board.org, "participant_move", "invalid", participant_id=str(p.participant_id), room_id=board.room_b)
    board.refuse(board.fac, "participant_move", "forbidden", participant_id=p.participant_id, room_id=board.room_b)
    board.refuse(p, "participant_move", "forbidden", participant_id=p.participant_id, room_id=board.room_b)
    # A participant of another workshop is not found.
    other = board.day.__class__(board.day.app)
    other.create(rooms=1)
    stranger = other.join(connect=False)
    board.refuse(board.org, "participant_move", "not_found", participant_id=stranger["participant_id"], room_id=board.room_b)
    with board.db.reading() as s:
        assert s.scalar(select(Workshop.seq).where(Workshop.id == other.workshop_id)) == 1


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
