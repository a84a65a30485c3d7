"""After the day (issue 16): the closing card's links (the progress token in the workshop view only once
closed), the report back to the room without any names, and the follow-up pulse answered once per
device from the public link, with its trend on the progress page (docs/pulse.md, "After the day")."""
from __future__ import annotations

import io
import json
import secrets

from pypdf import PdfReader
from sqlalchemy import select

from server.domain import rules
from server.models import Base, CommandRecord, Event, PulseDevice, PulseTally

from .board import Board


def key() -> str:
    return secrets.token_urlsafe(24)


def crowd(b: Board, police=3, community=3):
    people = [b.person(0, group="law_enforcement") for _ in range(police)]
    return people + [b.person(1, group="community_member") for _ in range(community)]


def day_pulses(b: Board, people):
    """The start and end pulses asked and answered on the day."""
    for label, value in (("start", 2), ("end", 4)):
        pulse = b.org.ok("pulse_open", label=label)["pulse"]
        for p in people:
            p.ok("pulse_answer", pulse_id=pulse["id"], answers={"trust": value})
        b.org.ok("pulse_close")


def bearer(b: Board, token=None) -> dict:
    return {"Authorization": f"Bearer {token or b.day.created['progress_token']}"}


def answer(b: Board, pulse_id: int, sector: str, value: int, device=None, **extra):
    body = {"pulse_id": pulse_id, "sector": sector, "device_key": device or key(), "answers": {"trust": value},
            **extra}
    return b.day.http.post("/api/progress/pulse", json=body, headers=bearer(b))


# -- the closing card's progress link ----------------------------------------------------------------

def test_the_progress_token_reaches_every_screen_only_while_the_day_is_closed(board):
    b = board
    phone = b.person(0)
    token = b.day.created["progress_token"]
    assert phone.snapshot()["workshop"]["progress_token"] is None
    b.workshop_phase("action_plan")
    assert phone.snapshot()["workshop"]["progress_token"] is None
    b.day.drain()
    b.workshop_phase("closed")
    updates = [e["data"]["workshop"] for e in phone.events() if e["type"] == "workshop_updated"]
    assert updates and updates[-1]["progress_token"] == token
    assert phone.snapshot()["workshop"]["progress_token"] == token
    assert b.display.snapshot()["workshop"]["progress_token"] == token
    b.org.ok("workshop_back")
    updates = [e["data"]["workshop"] for e in phone.events() if e["type"] == "workshop_updated"]
    assert updates[-1]["progress_token"] is None
    assert phone.snapshot()["workshop"]["progress_token"] is None


# -- the report back to the room ----------------------------------------------------------------------

def test_the_public_report_has_no_names_and_is_there_only_once_the_day_is_closed(board):
    b = board
    named = b.person(0, name="Bartholomew Quill", group="law_enforcement", anonymous=False)
    other = b.person(0, name="Persephone Vale", group="community_member", anonymous=False)
    b.phase("brainstorm")
    b.post(named, "Stops are never explained")
    b.post(other, "Nobody calls back", anonymous=False)
    b.phase("reveal")
    for p in (named, other):
        p.ok("council_volunteer", contact=f"c{p.participant_id}@example.org", consent=True)
    b.workshop_phase("action_plan")
    b.org.ok("council_role_set", participant_id=named.participant_id, role="co_chair_law_enforcement")
    b.org.ok("council_role_set", participant_id=other.participant_id, role="co_chair_community")
    entry = b.org.ok("plan_entry_create", title="Explain every stop")["entry"]["id"]
    b.org.ok("plan_entry_update", entry_id=entry, field="owner", value="Persephone Vale and the precinct", version=1)
    http, token = b.day.http, b.day.created["progress_token"]
    # Before the day is over: no report.
    resp = http.get(f"/progress/{token}/report.md")
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "wrong_phase"
    b.workshop_phase("closed")
    # The organiser's own report names them (the control: the scan below would see a name).
    org_md = http.get(f"/api/workshops/{b.day.workshop_id}/export.md?what=report",
                      headers={"Authorization": f"Bearer {b.day.created['organiser_token']}"}).get_data(as_text=True)
    assert "Bartholomew Quill" in org_md and "Persephone Vale" in org_md
    for lang in ("en", "fa"):
        md = http.get(f"/progress/{token}/report.md?lang={lang}")
        assert md.status_code == 200 and md.headers["Cache-Control"] == "no-store"
        text = md.get_data(as_text=True)
        assert "Stops are never explained" in text and "Nobody calls back" in text
        assert "— and the precinct" in text  # the owner typed as a person's name
        assert "Bartholomew" not in text and "Persephone" not in text and "@example.org" not in text
    pdf = http.get(f"/progress/{token}/report.pdf?lang=fa")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    words = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Bartholomew" not in words and "Persephone" not in words
    docx = http.get(f"/progress/{token}/report.docx")
    assert docx.status_code == 200 and b"Bartholomew" not in docx.data


def test_public_report_and_qr_refusals(board):
    b = board
    http, token = b.day.http, b.day.created["progress_token"]
    b.workshop_phase("closed")
    assert http.get("/progress/not-a-token/report.pdf").status_code == 404
    assert http.get(f"/progress/{b.day.created['organiser_token']}/report.pdf").status_code == 404
    assert http.get(f"/progress/{token}/report.csv").status_code == 404
    assert http.get(f"/progress/{token}/report.json").status_code == 404
    assert http.get(f"/progress/{token}/report.pdf?lang=de").status_code == 400
    assert http.get("/progress/not-a-token/qr.svg").status_code == 404
    assert http.get(f"/progress/{token}/qr.svg?to=elsewhere").status_code == 400
    assert http.get(f"/progress/{token}/qr.svg?lang=de").status_code == 400


def test_qr_codes_of_the_progress_link_the_report_and_the_pulse(board):
    b = board
    http, token = b.day.http, b.day.created["progress_token"]
    for to in ("progress", "report", "pulse"):
        resp = http.get(f"/progress/{token}/qr.svg?to={to}&lang=fa")
        assert resp.status_code == 200 and resp.mimetype == "image/svg+xml" and b"<svg" in resp.data
        assert resp.headers["Cache-Control"] == "no-store"
    page = http.get(f"/progress/{token}/pulse")
    assert page.status_code == 200 and b"followup.js" in page.data and page.headers["Cache-Control"] == "no-store"
    page.close()


# -- the follow-up pulse ------------------------------------------------------------------------------

def test_a_followup_pulse_is_opened_after_the_day_answered_once_per_device_and_trended(board):
    b = board
    people = crowd(b)
    day_pulses(b, people)
    b.workshop_phase("closed")
    b.day.drain()
    pulse = b.org.ok("followup_open")["pulse"]
    assert pulse["label"] == "followup-1" and [q["key"] for q in pulse["questions"]] == list(rules.PULSE_QUESTIONS)
    assert any(e["type"] == "pulse_changed" for e in b.display.events())
    http = b.day.http
    opened = http.get("/api/progress/pulse", headers=bearer(b)).get_json()
    assert opened["pulse"]["id"] == pulse["id"]
    assert {"law_enforcement", "community_member"} <= {x["key"] for x in opened["pulse"]["sectors"]}
    devices = [key() for _ in range(7)]
    for n, device in enumerate(devices):
        sector = "law_enforcement" if n < 3 else "community_member"
        resp = answer(b, pulse["id"], sector, 5 if n < 3 else 3, device)
        assert resp.status_code == 200 and resp.get_json() == {"ok": True, "pulse_id": pulse["id"], "answered": True}
    again = answer(b, pulse["id"], "community_member", 1, devices[0])
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_answered"
    assert b.org.snapshot()["pulses"][str(pulse["id"])]["answered"] == 7
    # The phones of the day cannot answer it (once per device, from the public link).
    b.refuse(people[0], "pulse_answer", "not_found", pulse_id=pulse["id"], answers={"trust": 1})
    closed = b.org.ok("followup_close")["pulse"]
    cells = closed["results"]["cells"]
    assert cells["side:police"]["questions"]["trust"] == {"mean": 5.0, "counts": [0, 0, 0, 0, 3]}
    assert cells["side:community"]["questions"]["trust"]["mean"] == 3.0
    trend = http.get("/api/progress/pulse", headers=bearer(b)).get_json()
    assert trend["pulse"] is None
    assert [t["label"] for t in trend["trend"]] == ["start", "end", "followup-1"]
    assert [t["results"]["cells"]["side:police"]["questions"]["trust"]["mean"] for t in trend["trend"]] == [2, 4, 5]
    # A second follow-up, months later.
    assert b.org.ok("followup_open")["pulse"]["label"] == "followup-2"


def test_a_council_members_link_opens_and_closes_a_followup_pulse(board):
    b = board
    member = b.person(0, group="law_enforcement")
    member.ok("council_volunteer", contact="m@example.org", consent=True)
    b.workshop_phase("action_plan")
    b.org.ok("council_role_set", participant_id=member.participant_id, role="member")
    token = b.org.ok("council_link_issue", participant_id=member.participant_id)["token"]
    page = b.day._client(token, "council")
    b.workshop_phase("closed")
    pulse = page.ok("followup_open")["pulse"]
    assert pulse["label"] == "followup-1"
    assert page.ok("followup_close")["pulse"]["results"] == {"n": 0, "cells": {}}


def test_followup_open_and_close_refusals(board):
    b = board
    phone = b.person(0)
    b.refuse(b.org, "followup_open", "wrong_phase")
    b.refuse(b.org, "followup_close", "not_open")
    b.workshop_phase("closed")
    b.refuse(b.fac, "followup_open", "forbidden")
    b.refuse(phone, "followup_open", "forbidden")
    b.refuse(b.display, "followup_open", "forbidden")
    b.org.ok("followup_open")
    b.refuse(b.org, "followup_open", "already_open")
    b.refuse(b.fac, "followup_close", "forbidden")
    b.refuse(phone, "followup_close", "forbidden")
    b.org.ok("followup_close")
    b.refuse(b.org, "followup_close", "not_open")


def test_followup_answer_refusals(board):
    b = board
    http = b.day.http
    b.workshop_phase("closed")
    pulse = b.org.ok("followup_open")["pulse"]
    good = {"pulse_id": pulse["id"], "sector": "community_member", "device_key": key(), "answers": {"trust": 3}}
    assert http.post("/api/progress/pulse", json=good).status_code == 401
    assert http.post("/api/progress/pulse", json=good, headers=bearer(b, "nope")).status_code == 401
    assert http.post("/api/progress/pulse", json=good,
                     headers=bearer(b, b.day.created["organiser_token"])).status_code == 401
    assert http.post(f"/api/progress/pulse?token={b.day.created['progress_token']}", json=good).status_code == 400
    for change in ({"sector": "martians"}, {"answers": {"trust": 6}}, {"answers": {"weather": 3}}, {"answers": {}},
                   {"device_key": "short"}, {"pulse_id": None}):
        resp = http.post("/api/progress/pulse", json={**good, **change}, headers=bearer(b))
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid", (change, resp.get_json())
    resp = http.post("/api/progress/pulse", json={**good, "pulse_id": 999999}, headers=bearer(b))
    assert resp.status_code == 404
    with b.db.reading() as s:
        assert s.scalar(select(PulseDevice.id).where(PulseDevice.pulse_id == pulse["id"])) is None
        assert sum(s.scalars(select(PulseTally.count).where(PulseTally.pulse_id == pulse["id"]))) == 0
    b.org.ok("followup_close")
    resp = http.post("/api/progress/pulse", json=good, headers=bearer(b))
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "closed"


def test_nothing_stored_ties_a_followup_answer_to_a_device(board):
    b = board
    b.workshop_phase("closed")
    pulse = b.org.ok("followup_open")["pulse"]
    with b.db.reading() as s:
        before = sorted(s.scalars(select(PulseTally.id).where(PulseTally.pulse_id == pulse["id"])))
    device = key()
    assert answer(b, pulse["id"], "law_enforcement", 2, device).status_code == 200
    with b.db.reading() as s:
        after = sorted(s.scalars(select(PulseTally.id).where(PulseTally.pulse_id == pulse["id"])))
        stored = [(d.device_hash, d.sector) for d in s.scalars(select(PulseDevice).where(
            PulseDevice.pulse_id == pulse["id"]))]
        logged = json.dumps([e.data for e in s.scalars(select(Event).where(Event.workshop_id == b.day.workshop_id))])
        records = json.dumps([r.result for r in s.scalars(select(CommandRecord))])
    assert after == before
    assert len(stored) == 1 and device not in stored[0][0]
    assert device not in logged and device not in records and "answers" not in logged
    assert set(Base.metadata.tables["pulse_devices"].c.keys()) == {"id", "pulse_id", "device_hash", "sector"}


def test_the_public_report_of_a_day_with_an_election_names_no_one(tmp_path):
    """The SPCP day with a trust pulse and a council elected by its sectors (tests/pulse_council_day.py):
    the organiser's report names the elected and the co-chairs; the report back to the room names no one,
    in md and docx, in English and Persian, yet keeps the pulse and the seats by sector."""
    from server.reports import export
    from server.reports.public import public_export

    from .agenda_day import PEOPLE
    from .conftest import Day, make_app
    from .pulse_council_day import play_with_pulse_and_council
    from .test_exports import docx_text, plain

    app = make_app(f"sqlite:///{tmp_path / 'day.sqlite3'}")
    day = Day(app)
    try:
        info = play_with_pulse_and_council(day)
        names = [name for name, *_ in PEOPLE if name]
        own = export(day.db, info.workshop_id, "md", "report", "en").data.decode("utf-8")
        assert "Sgt. Halvard Brennan" in own and "Miriam Okafor-Lindqvist" in own  # the control
        for lang in ("en", "fa"):
            md = plain(public_export(day.db, info.workshop_id, "md", lang).data.decode("utf-8"))
            docx = plain(docx_text(public_export(day.db, info.workshop_id, "docx", lang).data)[1])
            for text in (md, docx):
                leaked = [n for n in names if n in text]
                assert not leaked, f"{lang}: the report back to the room names {leaked}"
        md = public_export(day.db, info.workshop_id, "md", "en").data.decode("utf-8")
        assert "Trust pulse" in md and "Council" in md
    finally:
        day.close()
        app.extensions["common_ground_db"].dispose()
