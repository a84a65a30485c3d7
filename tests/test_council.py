"""The council and the plan after the day (issue 4, docs/council.md).

The organiser forms the council (co-chair seats per side, members, removal),
assigns each action two co-leads (one per side), and after the day hands out
a read-only progress link and each member's own revocable council link, with
which members update status and add dated notes through the same commands and
version rules as the organiser.
"""
from __future__ import annotations

import csv
import io
import json
import logging

import pytest
from sqlalchemy import select

from server import cli
from server.domain import reducer, rules
from server.extensions import socketio
from server.models import AuditEntry, CommandRecord, CouncilLink, Event, Workshop

from .board import Board
from .conftest import make_app


@pytest.fixture
def council(day):
    """An officer (named), a community member (no name), a community org member (named), a second officer
    (no name); all volunteered; the workshop in action_plan with two entries."""
    b = Board(day)
    b.officer = b.person(0, name="Officer Diaz", group="law_enforcement", anonymous=False)
    b.resident = b.person(0, group="community_member")
    b.org_member = b.person(1, name="Rosa", group="community_org")
    b.officer2 = b.person(1, group="law_enforcement")  # gave no name: shown by council role and group
    for p in (b.officer, b.resident, b.org_member, b.officer2):
        p.ok("council_volunteer", contact=f"secret-{p.participant_id}@example.org", consent=True)
    b.workshop_phase("action_plan")
    b.e1 = b.org.ok("plan_entry_create", title="Publish stop data monthly")["entry"]["id"]
    b.e2 = b.org.ok("plan_entry_create", title="Quarterly listening sessions")["entry"]["id"]
    day.drain()
    return b


def pid(client) -> str:
    return str(client.participant_id)


def version(b, entry_id, field) -> int:
    return b.org.snapshot()["plan"][str(entry_id)]["versions"][field]


def set_field(b, entry_id, field, value):
    return b.org.ok("plan_entry_update", entry_id=entry_id, field=field, value=value,
                    version=version(b, entry_id, field))


def link_for(b, member) -> str:
    return b.org.ok("council_link_issue", participant_id=member.participant_id)["token"]


def council_client(b, token):
    return b.day._client(token, "council")


# -- forming the council --------------------------------------------------------------------

def test_co_chairs_one_per_side_and_members(council):
    b = council
    res = b.org.ok("council_role_set", participant_id=b.officer.participant_id, role="co_chair_law_enforcement")
    assert res["member"] == {"participant_id": b.officer.participant_id, "name": "Officer Diaz",
                             "group": "law_enforcement", "role": "co_chair_law_enforcement"}
    b.org.ok("council_role_set", participant_id=b.org_member.participant_id, role="co_chair_community")
    b.org.ok("council_role_set", participant_id=b.resident.participant_id, role="member")
    shown = b.display.snapshot()["council"]
    assert {m["role"] for m in shown.values()} == {"co_chair_law_enforcement", "co_chair_community", "member"}
    # Everyone hears it; no contact detail travels with the council.
    assert "secret-" not in json.dumps(shown) + json.dumps(b.resident.snapshot()["council"])


def test_co_chair_seats_are_checked(council):
    b = council
    err = b.refuse(b.org, "council_role_set", "wrong_group", participant_id=b.resident.participant_id,
                   role="co_chair_law_enforcement")
    assert "law enforcement" in err["message"] and err["details"]["group"] == "community_member"
    b.refuse(b.org, "council_role_set", "wrong_group", participant_id=b.officer.participant_id,
             role="co_chair_community")
    b.org.ok("council_role_set", participant_id=b.officer.participant_id, role="co_chair_law_enforcement")
    err = b.refuse(b.org, "council_role_set", "role_taken", participant_id=b.officer2.participant_id,
                   role="co_chair_law_enforcement")
    assert err["details"]["participant_id"] == b.officer.participant_id
    b.refuse(b.org, "council_role_set", "invalid", participant_id=b.officer2.participant_id, role="co_chair")
    b.refuse(b.org, "council_role_set", "no_change", participant_id=b.officer.participant_id,
             role="co_chair_law_enforcement")
    # Once the seat is free, the other officer can take it.
    b.org.ok("council_role_set", participant_id=b.officer.participant_id, role="member")
    b.org.ok("council_role_set", participant_id=b.officer2.participant_id, role="co_chair_law_enforcement")


def test_a_removed_participant_cannot_join_the_council(council):
    b = council
    b.org.ok("participant_remove", participant_id=b.resident.participant_id, reason="left early")
    b.refuse(b.org, "council_role_set", "not_found", participant_id=b.resident.participant_id, role="member")


# -- co-leads -----------------------------------------------------------------------------------

def test_co_leads_one_per_side_seen_by_everyone(council):
    b = council
    b.org.ok("council_role_set", participant_id=b.officer.participant_id, role="member")
    b.org.ok("council_role_set", participant_id=b.org_member.participant_id, role="member")
    b.day.drain()
    res = set_field(b, b.e1, "co_lead_law_enforcement", pid(b.officer))
    assert res == {"field": "co_lead_law_enforcement", "version": 2, "seq": res["seq"]}
    set_field(b, b.e1, "co_lead_community", pid(b.org_member))
    for viewer in (b.display, b.resident, b.fac_b):
        updates = [e["data"] for e in viewer.events() if e["type"] == "plan_entry_updated"]
        assert [u["value"] for u in updates] == [pid(b.officer), pid(b.org_member)]
        entry = viewer.snapshot()["plan"][str(b.e1)]
        assert entry["fields"]["co_lead_law_enforcement"] == pid(b.officer)
        assert entry["fields"]["co_lead_community"] == pid(b.org_member)
    # Clearing is allowed: "" is nobody.
    set_field(b, b.e1, "co_lead_community", "")
    assert b.display.snapshot()["plan"][str(b.e1)]["fields"]["co_lead_community"] == ""


def test_co_lead_refusals(council):
    b = council
    b.org.ok("council_role_set", participant_id=b.officer.participant_id, role="member")
    b.org.ok("council_role_set", participant_id=b.org_member.participant_id, role="member")
    v = version(b, b.e1, "co_lead_community")
    b.refuse(b.org, "plan_entry_update", "not_member", entry_id=b.e1, field="co_lead_community",
             value=pid(b.resident), version=v)  # volunteered, but no role
    b.refuse(b.org, "plan_entry_update", "not_found", entry_id=b.e1, field="co_lead_community",
             value="987654", version=v)
    err = b.refuse(b.org, "plan_entry_update", "wrong_group", entry_id=b.e1, field="co_lead_community",
                   value=pid(b.officer), version=v)
    assert "community" in err["message"]
    b.refuse(b.org, "plan_entry_update", "wrong_group", entry_id=b.e1, field="co_lead_law_enforcement",
             value=pid(b.org_member), version=v)
    for bad in ("Rosa", "12a", "-3", "١٢"):
        b.refuse(b.org, "plan_entry_update", "invalid", entry_id=b.e1, field="co_lead_community", value=bad, version=v)
    b.refuse(b.fac, "plan_entry_update", "forbidden", entry_id=b.e1, field="co_lead_community",
             value=pid(b.org_member), version=v)
    set_field(b, b.e1, "co_lead_community", pid(b.org_member))
    err = b.refuse(b.org, "plan_entry_update", "conflict", entry_id=b.e1, field="co_lead_community", value="",
                   version=v)
    assert err["details"]["current_value"] == pid(b.org_member)


def test_leaving_the_council_clears_co_leads_and_ends_the_link(council):
    b = council
    b.org.ok("council_role_set", participant_id=b.org_member.participant_id, role="member")
    set_field(b, b.e1, "co_lead_community", pid(b.org_member))
    set_field(b, b.e2, "co_lead_community", pid(b.org_member))
    page = council_client(b, link_for(b, b.org_member))
    b.day.drain()
    b.org.ok("council_role_set", participant_id=b.org_member.participant_id, role=None)
    got = page.events()
    assert got[-1]["type"] == "access_ended" or "access_ended" in [e["type"] for e in got]
    assert not page.sio.is_connected()
    plan = b.display.snapshot()["plan"]
    assert plan[str(b.e1)]["fields"]["co_lead_community"] == "" and plan[str(b.e2)]["fields"]["co_lead_community"] == ""
    assert [e["data"]["active"] for e in b.org.events() if e["type"] == "council_link_changed"] == [False]
    assert b.org.snapshot()["council_links"] == {}


def test_removing_a_council_member_from_the_workshop_takes_their_seat(council):
    """participant_remove of a council member: every screen's council list drops them (as a fresh
    snapshot does), their council link is cut and the actions they co-led lose them."""
    b = council
    b.org.ok("council_role_set", participant_id=b.org_member.participant_id, role="co_chair_community")
    set_field(b, b.e1, "co_lead_community", pid(b.org_member))
    page = council_client(b, link_for(b, b.org_member))
    b.day.drain()
    before = {"display": b.display.snapshot(), "organiser": b.org.snapshot(), "peer": b.resident.snapshot()}
    b.org.ok("participant_remove", participant_id=b.org_member.participant_id, reason="Left the process")
    assert not page.sio.is_connected()
    for name, client in (("display", b.display), ("organiser", b.org), ("peer", b.resident)):
        reduced = reducer.apply_all(before[name], client.events())
        fresh = client.snapshot()
        assert {k: v for k, v in reduced.items() if k != "seq"} == {k: v for k, v in fresh.items() if k != "seq"}, name
        assert pid(b.org_member) not in fresh["council"]
    assert b.display.snapshot()["plan"][str(b.e1)]["fields"]["co_lead_community"] == ""
    # The seat is free again for someone else from the community.
    b.org.ok("council_role_set", participant_id=b.resident.participant_id, role="co_chair_community")


# -- council links --------------------------------------------------------------------------------

def test_council_link_issue_gives_a_token_once_and_a_council_page(council):
    b = council
    b.org.ok("council_role_set", participant_id=b.officer.participant_id, role="member")
    token = link_for(b, b.officer)
    assert len(token) >= 32
    assert b.org.snapshot()["council_links"] == {pid(b.officer): True}
    with b.db.reading() as s:
        stored = repr([list(s.scalars(select(Event.data))), list(s.scalars(select(CommandRecord.result))),
                       list(s.scalars(select(AuditEntry.detail))), list(s.scalars(select(CouncilLink.token_hash)))])
    assert token not in stored
    page = council_client(b, token)
    state = page.snapshot()
    assert state["me"] == {"role": "council", "room_id": None, "participant_id": b.officer.participant_id}
    assert state["participants"] == {} and state["barriers"] == {} and state["solutions"] == {}
    assert set(state["plan"]) == {str(b.e1), str(b.e2)}
    assert "volunteers" not in state and "secret-" not in json.dumps(state)
    # A council page sends no other command.
    for name, payload in (("barrier_post", {"text": "x"}), ("council_role_set", {"participant_id": 1, "role": None}),
                          ("plan_entry_create", {"title": "x"}), ("council_link_issue", {"participant_id": 1})):
        assert page.refused(name, "forbidden", **payload)
    # A new link revokes the old one and cuts its page.
    again = link_for(b, b.officer)
    assert again != token and not page.sio.is_connected()
    assert not socketio.test_client(b.day.app, auth={"token": token}).is_connected()
    council_client(b, again)


def test_council_link_refusals(council):
    b = council
    b.refuse(b.org, "council_link_issue", "not_member", participant_id=b.officer.participant_id)  # no role yet
    b.refuse(b.org, "council_link_issue", "not_found", participant_id=987654)
    b.refuse(b.org, "council_link_issue", "invalid", participant_id=str(b.officer.participant_id))
    b.refuse(b.fac, "council_link_issue", "forbidden", participant_id=b.officer.participant_id)
    b.refuse(b.resident, "council_link_issue", "forbidden", participant_id=b.resident.participant_id)
    b.org.ok("council_role_set", participant_id=b.officer.participant_id, role="member")
    b.refuse(b.org, "council_link_revoke", "no_link", participant_id=b.officer.participant_id)
    b.refuse(b.fac, "council_link_revoke", "forbidden", participant_id=b.officer.participant_id)


def test_council_link_revoke_cuts_the_page(council):
    b = council
    b.org.ok("council_role_set", participant_id=b.officer.participant_id, role="member")
    token = link_for(b, b.officer)
    page = council_client(b, token)
    b.day.drain()
    b.org.ok("council_link_revoke", participant_id=b.officer.participant_id, reason="Phone lost")
    assert [e["data"] for e in page.events() if e["type"] == "access_ended"] == [{"reason": "Phone lost"}]
    assert not page.sio.is_connected()
    assert b.org.snapshot()["council_links"] == {}
    assert not socketio.test_client(b.day.app, auth={"token": token}).is_connected()


# -- after the day: status and notes through a council link ------------------------------------------

def formed(b):
    """Officer: police co-chair; Rosa: member co-leading e1 with Sgt. Lee (member); the day closed."""
    b.org.ok("council_role_set", participant_id=b.officer.participant_id, role="co_chair_law_enforcement")
    b.org.ok("council_role_set", participant_id=b.org_member.participant_id, role="member")
    b.org.ok("council_role_set", participant_id=b.officer2.participant_id, role="member")
    set_field(b, b.e1, "co_lead_law_enforcement", pid(b.officer2))
    set_field(b, b.e1, "co_lead_community", pid(b.org_member))
    b.workshop_phase("closed")
    b.chair_page = council_client(b, link_for(b, b.officer))
    b.rosa_page = council_client(b, link_for(b, b.org_member))
    b.lee_page = council_client(b, link_for(b, b.officer2))
    b.day.drain()


def test_a_member_updates_the_actions_they_co_lead(council):
    b = council
    formed(b)
    before = b.rosa_page.snapshot()
    res = b.rosa_page.ok("plan_entry_update", entry_id=b.e1, field="status", value="in_progress", version=1)
    assert res["version"] == 2
    note = b.rosa_page.ok("plan_note_add", entry_id=b.e1, text="First data release on the city site")["note"]
    assert note["author"] == {"role": "member", "name": "Rosa", "group": "community_org"}
    assert note["entry_id"] == b.e1 and note["created_at"]
    # Everyone hears it; the council page's own state follows its events (the keystone property).
    events = b.rosa_page.events()
    assert [e["type"] for e in events] == ["plan_entry_updated", "plan_note_added"]
    after = b.rosa_page.snapshot()
    assert reducer.apply_all(before, events)["plan"] == after["plan"]
    assert {k: v for k, v in reducer.apply_all(before, events).items() if k != "seq"} == \
        {k: v for k, v in after.items() if k != "seq"}
    for viewer in (b.display, b.org, b.chair_page):
        assert [e["type"] for e in viewer.events()] == ["plan_entry_updated", "plan_note_added"]
    assert b.display.snapshot()["plan"][str(b.e1)]["notes"][0]["text"] == "First data release on the city site"
    # Audited under the link, never the token.
    with b.db.reading() as s:
        audit = [(a.actor, a.action, a.detail) for a in s.scalars(select(AuditEntry).where(
            AuditEntry.workshop_id == b.day.workshop_id, AuditEntry.actor.like("council:%")).order_by(AuditEntry.id))]
    assert [a[1] for a in audit] == ["plan_update", "plan_note"]
    assert audit[0][2] == {"entry_id": b.e1, "field": "status", "value": "in_progress"}


def test_a_member_cannot_update_what_they_do_not_co_lead(council):
    b = council
    formed(b)
    b.refuse(b.rosa_page, "plan_entry_update", "forbidden", entry_id=b.e2, field="status", value="done", version=1)
    b.refuse(b.rosa_page, "plan_note_add", "forbidden", entry_id=b.e2, text="Not mine")
    # Only the status: other fields stay the organiser's.
    b.refuse(b.rosa_page, "plan_entry_update", "forbidden", entry_id=b.e1, field="owner", value="Me", version=1)
    b.refuse(b.rosa_page, "plan_entry_update", "forbidden", entry_id=b.e1, field="co_lead_community", value="",
             version=2)
    b.refuse(b.rosa_page, "plan_entry_update", "invalid", entry_id=b.e1, field="status", value="finished", version=1)
    b.refuse(b.rosa_page, "plan_entry_update", "not_found", entry_id=987654, field="status", value="done", version=1)
    b.refuse(b.rosa_page, "plan_note_add", "invalid", entry_id=b.e1, text="  ")
    b.refuse(b.rosa_page, "plan_note_add", "invalid", entry_id=b.e1, text="x" * (rules.MAX_NOTE_CHARS + 1))


def test_a_co_chair_updates_every_action_with_the_same_conflict_rules(council):
    b = council
    formed(b)
    b.chair_page.ok("plan_entry_update", entry_id=b.e2, field="status", value="agreed", version=1)
    b.chair_page.ok("plan_note_add", entry_id=b.e2, text="Dates agreed with the library")
    # Two co-leads updating from the same version: the second gets the current value.
    b.lee_page.ok("plan_entry_update", entry_id=b.e1, field="status", value="in_progress", version=1)
    err = b.refuse(b.rosa_page, "plan_entry_update", "conflict", entry_id=b.e1, field="status", value="done",
                   version=1)
    assert err["details"] == {"field": "status", "current_value": "in_progress", "current_version": 2}
    b.rosa_page.ok("plan_entry_update", entry_id=b.e1, field="status", value="done", version=2)


def test_council_links_wait_for_the_plan(council):
    b = council
    b.org.ok("council_role_set", participant_id=b.officer.participant_id, role="co_chair_law_enforcement")
    b.workshop_phase("plenary")
    page = council_client(b, link_for(b, b.officer))
    b.refuse(page, "plan_entry_update", "wrong_phase", entry_id=b.e1, field="status", value="done", version=1)
    b.refuse(page, "plan_note_add", "wrong_phase", entry_id=b.e1, text="Too early")
    b.refuse(b.org, "plan_note_add", "wrong_phase", entry_id=b.e1, text="Too early")


def test_a_note_shows_the_name_only_while_names_are_kept(council):
    from sqlalchemy import update

    from server.models import Participant
    b = council
    formed(b)
    b.rosa_page.ok("plan_note_add", entry_id=b.e1, text="Draft ready")
    assert b.display.snapshot()["plan"][str(b.e1)]["notes"][0]["author"]["name"] == "Rosa"
    with b.db.transaction() as s:  # what erasure does to names (server/domain/purge.py)
        s.execute(update(Participant).where(Participant.id == b.org_member.participant_id).values(display_name=None))
    note = b.display.snapshot()["plan"][str(b.e1)]["notes"][0]
    assert note["author"] == {"role": "member", "name": None, "group": "community_org"}
    with b.db.reading() as s:
        assert "Rosa" not in json.dumps(council_progress(s, b.day.workshop_id))


def council_progress(session, workshop_id):
    from server.domain import council as council_domain
    return council_domain.progress_view(session, session.get(Workshop, workshop_id))


def test_organiser_notes(council):
    b = council
    note = b.org.ok("plan_note_add", entry_id=b.e1, text="Kick-off meeting on 3 March")["note"]
    assert note["author"] == {"role": "organiser", "name": None, "group": None}
    b.refuse(b.org, "plan_note_add", "not_found", entry_id=987654, text="x")
    b.refuse(b.fac, "plan_note_add", "forbidden", entry_id=b.e1, text="x")
    b.refuse(b.resident, "plan_note_add", "forbidden", entry_id=b.e1, text="x")


# -- the read-only progress link ---------------------------------------------------------------------

def test_progress_page_and_api(council):
    b = council
    formed(b)
    b.rosa_page.ok("plan_entry_update", entry_id=b.e1, field="status", value="in_progress", version=1)
    b.rosa_page.ok("plan_note_add", entry_id=b.e1, text="Data portal draft ready")
    http = b.day.http
    token = b.day.created["progress_token"]
    assert http.get("/api/progress").status_code == 401
    assert http.get("/api/progress", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert http.get("/api/progress", headers={"Authorization": f"Bearer {b.day.created['organiser_token']}"}).status_code == 401
    resp = http.get("/api/progress", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    body = resp.get_json()
    entries = {e["id"]: e for e in body["entries"]}
    e1 = entries[b.e1]
    assert e1["fields"]["status"] == "in_progress" and "co_lead_community" not in e1["fields"]
    assert e1["co_leads"] == {"law_enforcement": {"name": None, "group": "law_enforcement", "role": "member"},
                              "community": {"name": "Rosa", "group": "community_org", "role": "member"}}
    assert [n["text"] for n in e1["notes"]] == ["Data portal draft ready"]
    assert entries[b.e2]["co_leads"] == {"law_enforcement": None, "community": None}
    # No participant data: no ids, no contacts, no participants, no posts.
    blob = json.dumps(body)
    assert "secret-" not in blob and "participant" not in blob
    assert set(body) == {"ok", "workshop", "entries", "meetings", "sectors"}
    # The workshop's sectors, so that a co-lead's sector shows by its name (an SPCP day's are named).
    assert [s["key"] for s in body["sectors"]] == ["law_enforcement", "community_member", "community_org",
                                                  "government_other"]
    assert set(body["sectors"][0]) == {"key", "names", "side"}
    for path in (f"/progress/{token}", f"/council/{token}"):
        page = http.get(path)
        assert page.status_code == 200 and b"<script type=\"module\"" in page.data
        assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        page.close()


def test_links_api_gives_the_organiser_the_progress_link(council):
    b = council
    http = b.day.http
    wid = b.day.workshop_id
    resp = http.get(f"/api/workshops/{wid}/links", headers={"Authorization": f"Bearer {b.day.created['organiser_token']}"})
    assert resp.status_code == 200
    assert resp.get_json()["progress_url"].endswith(f"/progress/{b.day.created['progress_token']}")
    assert http.get(f"/api/workshops/{wid}/links").status_code == 401
    assert http.get(f"/api/workshops/{wid}/links",
                    headers={"Authorization": f"Bearer {b.day.created['display_token']}"}).status_code == 403
    assert http.get("/api/workshops/nope/links",
                    headers={"Authorization": f"Bearer {b.day.created['organiser_token']}"}).status_code == 404


def test_no_token_in_a_log_line(council, caplog):
    b = council
    formed(b)
    caplog.set_level(logging.DEBUG)
    token = b.day.created["progress_token"]
    council_token = link_for(b, b.org_member)
    for resp in (b.day.http.get(f"/progress/{token}"), b.day.http.get(f"/council/{council_token}"),
                 b.day.http.get("/api/progress", headers={"Authorization": f"Bearer {token}"})):
        assert resp.status_code == 200
        resp.close()
    page = council_client(b, council_token)
    page.ok("plan_note_add", entry_id=b.e1, text="Logged?")
    assert token not in caplog.text and council_token not in caplog.text


# -- exports, archive, CLI ---------------------------------------------------------------------------

def test_exports_show_co_leads_by_chosen_name_else_role_and_group(council):
    from server.reports import export
    b = council
    formed(b)
    b.rosa_page.ok("plan_note_add", entry_id=b.e1, text="Data portal draft ready")
    out = export(b.db, b.day.workshop_id, "csv", "plan", "en", 3)
    rows = list(csv.DictReader(io.StringIO(out.data.decode("utf-8-sig"))))
    first = next(r for r in rows if r["Title"] == "Publish stop data monthly")
    assert first["Co-lead (community)"] == "Rosa"
    assert first["Co-lead (law enforcement)"] == "Member · Law enforcement"  # the officer gave no name
    assert "Data portal draft ready" in first["Notes"]
    md = export(b.db, b.day.workshop_id, "md", "plan", "en", 3).data.decode()
    assert "**Co-lead (community):** Rosa" in md and "Data portal draft ready" in md
    assert "Co-chair (law enforcement)" in md  # the council table
    fa = export(b.db, b.day.workshop_id, "md", "plan", "fa", 3).data.decode()
    assert "مسئول مشترک (جامعه)" in fa
    from docx import Document
    doc = Document(io.BytesIO(export(b.db, b.day.workshop_id, "docx", "plan", "en", 3).data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "Co-lead (community)" in cells and "Rosa" in cells
    texts = [export(b.db, b.day.workshop_id, fmt, "plan", "en", 3).data.decode("utf-8-sig") for fmt in ("csv", "md")]
    texts.append("\n".join([p.text for p in doc.paragraphs] + cells))
    for text in texts:  # contacts never; participant ids never (co-leads are names or role and group)
        assert "secret-" not in text and "@example.org" not in text


def test_pdf_plan_shows_co_leads_and_notes_in_english_and_persian(council):
    from server.reports import export

    from .test_exports import pdf_text
    b = council
    formed(b)
    b.rosa_page.ok("plan_note_add", entry_id=b.e1, text="Data portal draft ready")
    en = pdf_text(export(b.db, b.day.workshop_id, "pdf", "plan", "en", 3).data)
    assert "Co-lead (community)" in en and "Rosa" in en and "Data portal draft ready" in en
    assert "Member · Law enforcement" in en and "secret-" not in en
    fa = pdf_text(export(b.db, b.day.workshop_id, "pdf", "plan", "fa", 3).data)
    assert "Rosa" in fa and "Data portal draft ready" in fa


def test_archive_round_trip_keeps_co_leads_and_notes(council):
    from server.reports import archive
    b = council
    formed(b)
    b.rosa_page.ok("plan_note_add", entry_id=b.e1, text="Data portal draft ready")
    with b.db.reading() as s:
        data = json.loads(archive.encode(archive.dump(s, b.day.workshop_id)))
    assert data["plan"][0]["fields"]["co_lead_community"].startswith("p")
    with b.db.transaction() as s:
        created = archive.load(s, archive.parse(json.dumps(data)))
    org2 = b.day._client(created["organiser_token"], "organiser")
    state = org2.snapshot()
    entry = next(e for e in state["plan"].values() if e["fields"]["title"] == "Publish stop data monthly")
    rosa = state["council"][entry["fields"]["co_lead_community"]]
    assert rosa["name"] == "Rosa" and rosa["role"] == "member"
    assert [n["text"] for n in entry["notes"]] == ["Data portal draft ready"]
    assert entry["notes"][0]["author"]["name"] == "Rosa"
    # Council links are not carried over: the organiser issues new ones.
    assert state["council_links"] == {} and created["progress_token"] != b.day.created["progress_token"]


def test_cli_links_prints_the_progress_link_and_issues_council_links(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ASYNC_MODE", "threading")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    assert cli.main(["workshop", "create", "--title", "T", "--rooms", "2", "--base-url", "https://cg.example.org",
                     "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert made["progress_url"].startswith("https://cg.example.org/progress/")
    app = make_app(url)
    http = app.test_client()
    joined = http.post("/api/join", json={"code": made["join_code"], "group": "community_member", "language": "en",
                                          "name": "Rosa"}).get_json()
    org = socketio.test_client(app, auth={"token": made["organiser_url"].split("#", 1)[1]})
    phone = socketio.test_client(app, auth={"token": joined["token"]})
    assert phone.emit("council_volunteer", {"cid": "v1", "consent": False}, callback=True)["ok"]
    assert org.emit("council_role_set", {"cid": "r1", "participant_id": joined["participant_id"],
                                         "role": "co_chair_community"}, callback=True)["ok"]
    assert cli.main(["links", made["workshop_id"], "--base-url", "https://cg.example.org", "--json",
                     "--council", str(joined["participant_id"])]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["progress_url"] == made["progress_url"]
    member = out["council"][0]
    assert member["role"] == "co_chair_community" and member["link_active"] is True
    council_token = member["council_url"].removeprefix("https://cg.example.org/council/")
    page = socketio.test_client(app, auth={"token": council_token})
    assert page.is_connected()
    assert page.emit("sync", {"since": None}, callback=True)["state"]["me"]["role"] == "council"
    # Without --council nothing is issued, and the link shows as held.
    assert cli.main(["links", made["workshop_id"], "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert "council_url" not in again["council"][0] and again["council"][0]["link_active"] is True
    assert cli.main(["links", "nope", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "not_found"
    for c in (org, phone, page):
        c.disconnect()


def test_migration_gives_existing_workshops_a_progress_link(tmp_path):
    from sqlalchemy import text

    from server.db import Database
    from server.migrate import upgrade
    db = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        upgrade(db, "0002")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO workshops (id, title, languages, display_language, join_code, vote_budget, "
                              "phase, paused, organiser_token_hash, display_token_hash, seq, created_at) VALUES "
                              "('w1', 'Old', '[\"en\"]', 'en', 'ABCDEF', 3, 'closed', 0, 'a', 'b', 0, "
                              "'2026-01-01 00:00:00')"))
        upgrade(db)
        with db.reading() as s:
            assert len(s.get(Workshop, "w1").progress_token) >= 32
    finally:
        db.dispose()
