"""The council's work after the day (issue 16, item 3; docs/council.md): meetings with an agenda and
minutes, an .ics file per meeting, due dates on actions with "overdue", and each action's history
from the barrier and the room it came from to its status today."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import select

from server.domain import meeting_views
from server.models import AuditEntry

from .test_council import (
    council,  # noqa: F401  (the fixture)
    formed,
    link_for,
)

MEETING = {"starts_at": "2027-01-14T18:30", "timezone": "America/Chicago", "duration_minutes": 90,
           "place": "Library, room 2", "agenda": "Stop data: first release\nListening sessions: dates"}


@pytest.fixture
def plan(council):  # noqa: F811
    """test_council's council: four volunteers, the workshop in action_plan with two entries."""
    return council


@pytest.fixture
def b(council):  # noqa: F811
    """The council formed and the day closed (test_council.formed): chair_page, rosa_page (a member)."""
    formed(council)
    return council


def progress(b) -> dict:
    resp = b.day.http.get("/api/progress", headers={"Authorization": f"Bearer {b.day.created['progress_token']}"})
    assert resp.status_code == 200
    return resp.get_json()


# -- meetings ------------------------------------------------------------------------------

def test_a_co_chair_schedules_a_meeting_and_records_its_minutes(b):
    m = b.chair_page.ok("meeting_schedule", **MEETING)["meeting"]
    assert m["starts_utc"] == "2027-01-15T00:30:00Z" and m["minutes"] == "" and m["minutes_version"] == 1
    # Everyone hears it; every view's snapshot holds it (the council page lists it).
    assert b.rosa_page.snapshot()["meetings"][str(m["id"])] == m
    assert any(e["type"] == "meeting_changed" for e in b.org.events())
    done = b.chair_page.ok("meeting_minutes_set", meeting_id=m["id"], minutes="Agreed a monthly release.",
                           version=1)["meeting"]
    assert done["minutes"] == "Agreed a monthly release." and done["minutes_version"] == 2
    # The progress page lists it with its minutes.
    assert progress(b)["meetings"] == [done]
    with b.db.reading() as s:
        audit = [(a.actor.split(":")[0], a.action) for a in s.scalars(select(AuditEntry))]
    assert ("council", "meeting_schedule") in audit and ("council", "meeting_minutes") in audit


def test_the_organiser_schedules_too_and_meetings_list_in_time_order(b):
    later = b.org.ok("meeting_schedule", **{**MEETING, "starts_at": "2027-03-01T09:00", "timezone": "Europe/London"})
    sooner = b.org.ok("meeting_schedule", **MEETING)
    assert [m["id"] for m in progress(b)["meetings"]] == [sooner["meeting"]["id"], later["meeting"]["id"]]


def test_a_member_who_is_not_a_co_chair_cannot_schedule_or_write_minutes(b):
    b.rosa_page.refused("meeting_schedule", "forbidden", **MEETING)
    m = b.org.ok("meeting_schedule", **MEETING)["meeting"]
    b.rosa_page.refused("meeting_minutes_set", "forbidden", meeting_id=m["id"], minutes="Mine", version=1)
    assert progress(b)["meetings"][0]["minutes"] == ""


def test_participants_and_facilitators_cannot_schedule(b):
    b.officer.refused("meeting_schedule", "forbidden", **MEETING)
    b.day.facilitator().refused("meeting_schedule", "forbidden", **MEETING)


def test_meeting_refusals(plan):
    b = plan
    b.org.refused("meeting_schedule", "invalid", **{**MEETING, "timezone": "Mars/Olympus"})
    b.org.refused("meeting_schedule", "invalid", **{**MEETING, "starts_at": "2027-02-30T10:00"})
    b.org.refused("meeting_schedule", "invalid", **{**MEETING, "starts_at": "14 January"})
    b.org.refused("meeting_schedule", "invalid", **{**MEETING, "duration_minutes": 5})
    m = b.org.ok("meeting_schedule", **MEETING)["meeting"]
    b.org.ok("meeting_minutes_set", meeting_id=m["id"], minutes="First", version=1)
    err = b.org.refused("meeting_minutes_set", "conflict", meeting_id=m["id"], minutes="Stale", version=1)
    assert err["details"] == {"current_value": "First", "current_version": 2}
    b.org.refused("meeting_minutes_set", "not_found", meeting_id=m["id"] + 100, minutes="x", version=1)


def test_no_meetings_before_the_plan(day):
    day.create(rooms=1)
    day.organiser().refused("meeting_schedule", "wrong_phase", **MEETING)


# -- the .ics files ------------------------------------------------------------------------

def test_ics_from_the_progress_link_and_the_council_link(b):
    m = b.chair_page.ok("meeting_schedule", **MEETING)["meeting"]
    b.org.ok("meeting_minutes_set", meeting_id=m["id"], minutes="Agreed a monthly release.", version=1)
    http, token = b.day.http, b.day.created["progress_token"]
    resp = http.get(f"/progress/{token}/meetings/{m['id']}.ics")
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    assert resp.headers["Cache-Control"] == "no-store" and resp.headers["Referrer-Policy"] == "no-referrer"
    cal = icalendar.Calendar.from_ical(resp.data)
    [ev] = cal.walk("VEVENT")
    start = ev.decoded("dtstart")
    assert ev["dtstart"].params["TZID"] == "America/Chicago"
    assert start.astimezone(UTC) == datetime(2027, 1, 15, 0, 30, tzinfo=UTC)
    assert ev.decoded("dtend") - start == timedelta(minutes=90)
    assert str(ev["location"]) == "Library, room 2" and "Trust workshop" in str(ev["summary"])
    assert "Listening sessions" in str(ev["description"]) and "monthly release" in str(ev["description"])
    uid = str(ev["uid"])
    assert uid == f"meeting-{m['id']}-{b.day.workshop_id}@common-ground"
    assert [str(z["tzid"]) for z in cal.walk("VTIMEZONE")] == ["America/Chicago"]
    # The same meeting through a council member's own link: the same event.
    page_token = link_for(b, b.org_member)
    again = http.get(f"/council/{page_token}/meetings/{m['id']}.ics")
    assert again.status_code == 200
    assert str(icalendar.Calendar.from_ical(again.data).walk("VEVENT")[0]["uid"]) == uid


def test_ics_refusals(b):
    m = b.org.ok("meeting_schedule", **MEETING)["meeting"]
    http, token = b.day.http, b.day.created["progress_token"]
    assert http.get(f"/progress/not-a-token/meetings/{m['id']}.ics").status_code == 404
    assert http.get(f"/progress/{token}/meetings/{m['id'] + 1}.ics").status_code == 404
    # A socket token is not a progress token, and an organiser token is not a council link.
    assert http.get(f"/progress/{b.day.created['organiser_token']}/meetings/{m['id']}.ics").status_code == 404
    assert http.get(f"/council/{b.day.created['organiser_token']}/meetings/{m['id']}.ics").status_code == 404
    # A revoked council link reads nothing.
    old = link_for(b, b.org_member)
    b.org.ok("council_link_revoke", participant_id=b.org_member.participant_id)
    assert http.get(f"/council/{old}/meetings/{m['id']}.ics").status_code == 404


def test_ics_of_another_workshop_is_not_found(b, app):
    from .conftest import Day
    m = b.org.ok("meeting_schedule", **MEETING)["meeting"]
    other = Day(app)
    other.create(rooms=1, title="Another workshop")
    assert b.day.http.get(f"/progress/{other.created['progress_token']}/meetings/{m['id']}.ics").status_code == 404


# -- due dates -----------------------------------------------------------------------------

def test_due_dates_by_the_organiser_and_a_co_chair_and_overdue(b):
    res = b.org.ok("plan_due_set", entry_id=b.e1, due="2020-01-31", version=1)
    assert res["field"] == "due" and res["version"] == 2
    assert b.rosa_page.snapshot()["plan"][str(b.e1)]["fields"]["due"] == "2020-01-31"
    b.chair_page.ok("plan_due_set", entry_id=b.e2, due="2099-12-31", version=1)
    body = {e["id"]: e for e in progress(b)["entries"]}
    assert body[b.e1]["due"] == "2020-01-31" and body[b.e2]["due"] == "2099-12-31"
    today = date(2026, 12, 6)
    assert meeting_views.is_overdue({"due": "2020-01-31", "status": "in_progress"}, today)
    assert not meeting_views.is_overdue({"due": "2020-01-31", "status": "done"}, today)
    assert not meeting_views.is_overdue({"due": "2020-01-31", "status": "dropped"}, today)
    assert not meeting_views.is_overdue({"due": "2026-12-06", "status": "agreed"}, today)
    assert not meeting_views.is_overdue({"due": "", "status": "agreed"}, today)
    b.chair_page.ok("plan_due_set", entry_id=b.e1, due="", version=2)
    assert b.org.snapshot()["plan"][str(b.e1)]["fields"]["due"] == ""


def test_due_date_refusals(b):
    b.rosa_page.refused("plan_due_set", "forbidden", entry_id=b.e1, due="2027-01-31", version=1)
    b.day.facilitator().refused("plan_due_set", "forbidden", entry_id=b.e1, due="2027-01-31", version=1)
    b.org.refused("plan_due_set", "invalid", entry_id=b.e1, due="31/01/2027", version=1)
    b.org.refused("plan_due_set", "invalid", entry_id=b.e1, due="2027-02-30", version=1)
    b.org.refused("plan_due_set", "not_found", entry_id=b.e2 + 100, due="2027-01-31", version=1)
    b.org.ok("plan_due_set", entry_id=b.e1, due="2027-01-31", version=1)
    err = b.chair_page.refused("plan_due_set", "conflict", entry_id=b.e1, due="2027-02-28", version=1)
    assert err["details"]["current_value"] == "2027-01-31" and err["details"]["current_version"] == 2


# -- each action's history -----------------------------------------------------------------

def test_history_from_the_barrier_and_room_to_the_status_today(day):
    from .board import Board
    b = Board(day)
    officer = b.person(0, name="Officer Diaz", group="law_enforcement", anonymous=False)
    b.phase("brainstorm")
    bid = b.post(officer, "Stops are never explained")
    b.phase("vote")
    officer.ok("vote_cast", target_type="barrier", target_id=bid)
    b.phase("report_out")
    item = b.fac.ok("report_push", barrier_ids=[bid])["item_ids"][0]
    b.workshop_phase("plenary")
    officer.ok("vote_cast", target_type="plenary", target_id=item)
    b.workshop_phase("action_plan")
    entry = b.org.ok("plan_entry_create", plenary_item_id=item)["entry"]["id"]
    b.org.ok("plan_entry_update", entry_id=entry, field="status", value="agreed", version=1)
    b.org.ok("plan_note_add", entry_id=entry, text="First session booked")
    b.org.ok("plan_entry_update", entry_id=entry, field="status", value="in_progress", version=2)
    resp = day.http.get("/api/progress", headers={"Authorization": f"Bearer {day.created['progress_token']}"})
    [e] = resp.get_json()["entries"]
    assert e["origin"]["barrier"] == "Stops are never explained"
    assert e["origin"]["room"]["name"] and e["origin"]["room_votes"] == 1 and e["origin"]["dots"] == 1
    kinds = [(h["kind"], h["value"]) for h in e["history"]]
    assert kinds == [("created", None), ("status", "agreed"), ("note", "First session booked"),
                     ("status", "in_progress")]
    assert {h.get("by") for h in e["history"] if h["kind"] != "note"} == {"organiser"}
    assert "Officer Diaz" not in resp.get_data(as_text=True)
