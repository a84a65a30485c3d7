"""The commands of server/domain/workshops.py: steering a room (phases, timer, help calls) and the
organiser's day (workshop settings, workshop phases, pause, moving a person to another room).

Each command has a success story and a refusal test; every refusal changes nothing at all
(`Board.refuse`). The command table is tests/test_commands.py (COVERED).
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from server.domain import rules
from server.models import Room, Workshop, utcnow

from .board import at, types

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
    board.refuse(board.org, "workshop_update", "invalid", vote_budget=0)
    board.refuse(board.org, "workshop_update", "invalid", vote_budget=rules.MAX_VOTE_BUDGET + 1)
    board.refuse(board.org, "workshop_update", "invalid", languages=[])
    board.refuse(board.org, "workshop_update", "invalid", colour="red")
    board.refuse(board.fac, "workshop_update", "forbidden", title="Mine now")
    board.refuse(p, "workshop_update", "forbidden", title="Mine now")


def test_workshop_update_languages_before_the_day(board):
    p = board.person(0, language="es")
    board.org.ok("room_languages_set", room_id=board.room, languages=["fa", "es"])
    board.org.ok("prompts_set", prompts={"barrier": {"fa": "مانع", "en": "What stands in the way?"}})
    board.day.drain()
    res = board.org.ok("workshop_update", languages=["es", "en", "ar"])
    # The first language is the projector's; the room's facilitator reads only the workshop's languages now.
    assert res["workshop"]["languages"] == ["es", "en", "ar"] and res["workshop"]["display_language"] == "es"
    for viewer in (p, board.display, board.fac_b):
        events = viewer.events()
        assert [e["type"] for e in events] == ["sectors_changed", "room_updated", "workshop_updated"]
        assert events[-1]["data"]["workshop"] == {"languages": ["es", "en", "ar"], "display_language": "es",
                                                  "prompts": {"barrier": {"en": "What stands in the way?"}}}
        state = viewer.snapshot()
        assert state["workshop"]["languages"] == ["es", "en", "ar"]
        assert state["rooms"][str(board.room)]["languages"] == ["es"]
        police = state["sectors"][0]
        # A preset sector has no Arabic name of its own: its English one, to rename.
        assert police["names"] == {"es": "Fuerzas del orden", "en": "Law enforcement", "ar": "Law enforcement"}
    # The phones' join page offers the new languages, and a join in one of them is taken.
    assert board.day.http.get(f"/api/workshops/{board.day.created['join_code']}").get_json()["languages"] == [
        "es", "en", "ar"]
    assert board.day.join_http(language="ar").status_code == 200
    refused = board.day.join_http(language="fa")  # a join page read before the change
    assert refused.status_code == 400 and refused.get_json()["error"]["details"]["languages"] == ["es", "en", "ar"]
    # Together with the projector's language, which must be one of the new ones.
    res = board.org.ok("workshop_update", languages=["en", "es", "ar"], display_language="ar")
    assert res["workshop"]["display_language"] == "ar"


def test_workshop_update_languages_refusals(board):
    board.person(0, language="fa")
    err = board.refuse(board.org, "workshop_update", "invalid", languages=["en", "de"])
    assert "de" in err["message"]
    err = board.refuse(board.org, "workshop_update", "language_in_use", languages=["en", "es"])
    assert err["details"]["languages"] == ["fa"]
    board.refuse(board.org, "workshop_update", "invalid", languages=["en", "fa"], display_language="es")
    board.refuse(board.org, "workshop_update", "no_change", languages=["en", "es", "fa"])
    board.refuse(board.fac, "workshop_update", "forbidden", languages=["en", "fa"])
    board.phase("brainstorm")  # the day has begun in room A
    err = board.refuse(board.org, "workshop_update", "wrong_phase", languages=["en", "fa"])
    assert "before the day" in err["message"]
    board.phase("lobby")
    board.org.ok("pulse_open", label="start")
    board.refuse(board.org, "workshop_update", "wrong_phase", languages=["en", "fa"])


def test_workshop_update_vote_budget_until_the_first_dot(board):
    a = board.person(0)
    peer = board.person(0)
    board.day.drain()
    assert board.org.ok("workshop_update", vote_budget=5)["workshop"]["vote_budget"] == 5
    for viewer in (a, board.display, board.fac_b):
        assert [e["data"] for e in viewer.events()] == [{"workshop": {"vote_budget": 5}}]
        assert viewer.snapshot()["workshop"]["vote_budget"] == 5
    board.phase("brainstorm")
    bid = board.post(a, "Stops are never explained")
    board.phase("vote")
    assert peer.ok("vote_cast", target_type="barrier", target_id=bid)["remaining"] == 4
    err = board.refuse(board.org, "workshop_update", "votes_cast", vote_budget=3)
    assert err["details"]["vote_budget"] == 5
    board.refuse(board.org, "workshop_update", "no_change", vote_budget=5)  # the same number is no change


def test_rooms_set_adds_and_removes_rooms_before_the_day(board):
    p = board.person(1)
    board.day.drain()
    res = board.org.ok("rooms_set", count=4)
    assert res["rooms"] == 4 and len(res["added"]) == 2
    assert [f["number"] for f in res["facilitators"]] == [3, 4]
    for viewer in (p, board.display, board.fac, board.org):
        events = viewer.events()
        assert [e["type"] for e in events] == ["room_added", "room_added"]
        assert [r["number"] for r in viewer.snapshot()["rooms"].values()] == [1, 2, 3, 4]
    assert set(board.display.snapshot()["stats"]) == {str(r) for r in [board.room, board.room_b, *res["added"]]}
    # Each new room's facilitator link works (its token is in the ack only).
    third = res["facilitators"][0]
    fac3 = board.day._client(third["token"], "facilitator", room_id=third["room_id"])
    assert fac3.snapshot()["me"]["room_id"] == third["room_id"]
    # Someone sits in a new room; taking the last two rooms away seats them in one that stays.
    joined = board.day.join(connect=True)
    board.org.ok("participant_move", participant_id=joined.participant_id, room_id=third["room_id"])
    board.day.drain()
    res2 = board.org.ok("rooms_set", count=2)
    assert sorted(res2["removed"]) == sorted(res["added"]) and res2["facilitators"] == []
    assert [e["type"] for e in fac3.events()][:2] == ["participant_moved", "access_ended"]  # then cut
    assert not fac3.sio.is_connected()
    moved = joined.events()
    assert [e["type"] for e in moved][:2] == ["participant_moved", "room_changed"]
    state = board.org.snapshot()
    assert set(state["rooms"]) == {str(board.room), str(board.room_b)}
    assert state["participants"][str(joined.participant_id)]["room_id"] in (board.room, board.room_b)
    assert [e["type"] for e in board.display.events()][-2:] == ["room_removed", "room_removed"]
    assert board.day.facilitator(0).snapshot()["me"]["room_id"] == board.room


def test_taking_rooms_away_seats_their_people_evenly_by_side_among_the_rooms_that_stay(day):
    """Removing rooms re-seats each of their people where a join would put them, counting those
    already re-seated (workshops.HeadCount): four officers and four residents from two removed rooms
    spread two and two over the two rooms that stay."""
    day.create(rooms=4)
    org = day.organiser()
    rooms = day.room_ids
    people = [day.join(group=("law_enforcement", "community_member")[i % 2]) for i in range(8)]
    for i, p in enumerate(people):  # all of them in the rooms that will go
        if p.room_id != rooms[2 + i % 2]:
            org.ok("participant_move", participant_id=p.participant_id, room_id=rooms[2 + i % 2])
    org.ok("rooms_set", count=2)
    seated = org.snapshot()["participants"]
    for side in ("law_enforcement", "community_member"):
        where = [seated[str(p.participant_id)]["room_id"] for p in people
                 if seated[str(p.participant_id)]["group"] == side]
        assert sorted(where) == sorted([rooms[0], rooms[0], rooms[1], rooms[1]]), (side, where)


def test_rooms_set_refusals(board):
    a = board.person(0)
    board.refuse(board.org, "rooms_set", "no_change", count=2)
    board.refuse(board.org, "rooms_set", "invalid", count=0)
    board.refuse(board.org, "rooms_set", "invalid", count=rules.MAX_ROOMS + 1)
    board.refuse(board.org, "rooms_set", "invalid")
    board.refuse(board.fac, "rooms_set", "forbidden", count=3)
    board.refuse(a, "rooms_set", "forbidden", count=3)
    board.phase("brainstorm", room_index=1)
    board.post(board.person(1), "Nobody explains a stop")
    err = board.refuse(board.org, "rooms_set", "wrong_phase", count=3)
    assert "before the day" in err["message"]
    board.phase("lobby", room_index=1)
    err = board.refuse(board.org, "rooms_set", "room_in_use", count=1)  # room B has a post
    assert err["details"]["room_ids"] == [board.room_b]


def test_workshop_advance_and_back_walk_the_day(board):
    p = board.person(0)
    seen = []
    for segment, expected in enumerate(rules.WORKSHOP_PHASES[1:], start=1):
        board.day.drain()
        assert board.org.ok("workshop_advance")["phase"] == expected
        events = p.events()
        assert [e["type"] for e in events] == ["workshop_updated"]
        # Entering `closed` also gives every screen the progress link (the phones' closing card).
        token = {"progress_token": board.day.created["progress_token"]} if expected == "closed" else {}
        assert events[0]["data"]["workshop"] == {"phase": expected, "segment": segment, **token}
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


def test_rooms_set_before_a_caucus_day_deals_the_rooms_to_the_sectors_again(day):
    from .board import Board
    day.create(rooms=2, agenda="spcp", sector_preset="spcp")
    board = Board(day)
    faith = day.join(group="faith")
    police = day.join(group="law_enforcement")
    before = {r["id"]: r["sectors"] for r in board.org.snapshot()["rooms"].values()}
    assert sorted(k for keys in before.values() for k in keys) == sorted(
        ["faith", "youth", "new_americans", "law_enforcement", "social_services", "business", "civil_rights"])
    res = board.org.ok("rooms_set", count=7)
    rooms = board.org.snapshot()["rooms"]
    # Seven rooms for seven sectors: one each, and each person sits in their sector's room.
    assert sorted(len(r["sectors"]) for r in rooms.values()) == [1] * 7 and len(res["added"]) == 5
    seat = {r["sectors"][0]: int(rid) for rid, r in rooms.items()}
    people = board.org.snapshot()["participants"]
    assert people[str(faith.participant_id)]["room_id"] == seat["faith"]
    assert people[str(police.participant_id)]["room_id"] == seat["law_enforcement"]
    board.org.ok("rooms_set", count=1)
    rooms = board.org.snapshot()["rooms"]
    assert len(rooms) == 1 and len(next(iter(rooms.values()))["sectors"]) == 7
    assert {p["room_id"] for p in board.org.snapshot()["participants"].values()} == {int(next(iter(rooms)))}
