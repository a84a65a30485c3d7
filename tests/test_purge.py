"""Erasing a workshop's personal data (`workshop_purge`, `common-ground purge`): docs/security.md, "Data protection".

A full day is played (tests/report_day.py), closed and exported; the purge must
leave no name, contact detail, moderation reason or working participant or
facilitator link behind, cut the open connections, and keep what the report
and the plan are made of, so every export still works and shows no name.
"""
from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from server import cli
from server.domain import expiry
from server.domain.auth import Principal, token_hash
from server.extensions import socketio
from server.models import (
    AuditEntry,
    Barrier,
    CommandRecord,
    CouncilVolunteer,
    Event,
    FacilitatorInvite,
    Participant,
    PlanEntry,
    PlenaryItem,
    Solution,
    Vote,
    Workshop,
)
from server.reports import FORMATS, export

from .board import Board, table_counts
from .conftest import Day, make_app
from .report_day import play
from .test_connection import refused_connection

INVISIBLE = re.compile("[\u2066-\u2069\u200c\u200e\u200f]")
REASON = "Personal attack"


def text_of(fmt: str, data: bytes) -> str:
    """Everything a person could read in an export, as plain text."""
    if fmt == "pdf":
        return INVISIBLE.sub("", "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))
    if fmt == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
        return re.sub(r"<[^>]+>", "", xml)
    return data.decode("utf-8")


def every_export(db, workshop_id: str) -> dict[tuple[str, str, str], str]:
    out = {}
    for fmt in FORMATS:
        for what in ("plan",) if fmt == "csv" else ("report",) if fmt == "json" else ("report", "plan"):
            for lang in ("en", "es", "fa"):
                out[(fmt, what, lang)] = text_of(fmt, export(db, workshop_id, fmt, what, lang).data)
    return out


def latin_names(played) -> set[str]:
    """Names the PDF text layer keeps intact (Persian shaping can split words in pypdf's text)."""
    return {p["name"] for p in played.people.values() if p["name"] and p["name"].isascii()}


def all_names(played) -> set[str]:
    return {p["name"] for p in played.people.values() if p["name"]}


@pytest.fixture
def closed_day(app):
    d = Day(app)
    played = play(d)
    d.organiser().ok("workshop_advance")  # action plan -> closed
    yield d, played
    d.close()


def test_purge_erases_personal_data_and_every_export_keeps_the_content_without_names(closed_day):
    d, played = closed_day
    db, wid = d.db, played.workshop_id
    contacts = {f"p{pid}@example.org" for pid in played.people}
    before = every_export(db, wid)
    # The scan can fail: before the purge the named posts, the council and the contacts are there.
    seen = "\n".join(before.values())
    assert any(n in seen for n in latin_names(played)) and REASON in seen
    assert any(c in before[("json", "report", "en")] for c in contacts)
    with db.reading() as s:
        kept = {m.__name__: s.scalar(select(func.count()).select_from(m).where(m.workshop_id == wid))
                for m in (Barrier, Solution, Vote, PlenaryItem, PlanEntry, CouncilVolunteer, Participant)}
        plan = {e.id: dict(e.fields) for e in s.scalars(select(PlanEntry).where(PlanEntry.workshop_id == wid))}

    org = d.organiser()
    result = org.ok("workshop_purge")
    assert result["erased"]["participants"] == len(played.people)
    assert result["erased"]["facilitator_links"] == 2 and result["erased"]["contacts"] == 3
    assert result["erased"]["reasons"] >= 1

    with db.reading() as s:
        assert kept == {m.__name__: s.scalar(select(func.count()).select_from(m).where(m.workshop_id == wid))
                        for m in (Barrier, Solution, Vote, PlenaryItem, PlanEntry, CouncilVolunteer, Participant)}
        assert plan == {e.id: dict(e.fields) for e in s.scalars(select(PlanEntry).where(PlanEntry.workshop_id == wid))}
        people = list(s.scalars(select(Participant).where(Participant.workshop_id == wid)))
        assert all(p.display_name is None and expiry.is_erased_hash(p.token_hash) for p in people)
        links = list(s.scalars(select(FacilitatorInvite).where(FacilitatorInvite.workshop_id == wid)))
        assert all(i.name is None and i.revoked_at is not None and expiry.is_erased_hash(i.token_hash) for i in links)
        assert not [v for v in s.scalars(select(CouncilVolunteer).where(CouncilVolunteer.workshop_id == wid))
                    if v.contact is not None]
        assert s.scalar(select(Barrier.hidden_reason).where(Barrier.id == played.hidden_id)) is None
        assert s.get(Barrier, played.hidden_id).hidden  # still hidden: only the words are gone
        for model in (Barrier, Solution):
            assert s.scalar(select(func.count()).select_from(model).where(
                model.workshop_id == wid, model.author_id.is_not(None))) == 0
        assert not [a for a in s.scalars(select(AuditEntry).where(AuditEntry.workshop_id == wid))
                    if a.detail.get("reason")]
        # The log and the idempotency records held copies: only the purge's own remain.
        assert [e.type for e in s.scalars(select(Event).where(Event.workshop_id == wid).order_by(Event.seq))] \
            == ["access_ended", "workshop_purged"]
        assert [r.name for r in s.scalars(select(CommandRecord).where(CommandRecord.workshop_id == wid))] \
            == ["workshop_purge"]
        assert expiry.purged_at(s, wid) is not None

    after = every_export(db, wid)
    for key, text in after.items():
        leaked = [n for n in (all_names(played) if key[0] != "pdf" else latin_names(played)) if n in text]
        leaked += [c for c in contacts if c in text] + ([REASON] if REASON in text else [])
        assert not leaked, f"export {key} still holds {leaked}"
    # ...and still holds the day's content, and says when and how the names went.
    assert "Officers never explain why a car is stopped" in after[("md", "report", "en")]
    assert "Personal data erased by the organiser" in after[("md", "report", "en")]
    assert "Personal data erased by the organiser" not in before[("md", "report", "en")]
    assert "داده‌های شخصی به دست برگزارکننده پاک شد" in after[("md", "report", "fa")]
    assert "Datos personales borrados por la organización" in after[("md", "report", "es")]
    assert "Recruit two interpreters" in after[("csv", "plan", "en")]
    archive = json.loads(after[("json", "report", "en")])
    assert archive["participants"] and all(p["name"] is None for p in archive["participants"])
    assert all(c["contact"] is None for c in archive["council"])
    assert len(archive["votes"]) == kept["Vote"]


def test_purge_cuts_every_participant_and_facilitator_and_their_links_stop_working(closed_day):
    d, _ = closed_day
    org, display = d.organiser(), d.display()
    phones = [c for c in d.clients if c.role == "participant"]
    tablets = [c for c in d.clients if c.role == "facilitator"]
    assert phones and tablets and all(c.sio.is_connected() for c in phones + tablets)
    d.drain()
    org.ok("workshop_purge")
    for c in phones + tablets:
        assert not c.sio.is_connected(), f"{c.role} was not cut"
        assert [e["type"] for e in c.events()] == ["access_ended"]
    for screen in (org, display):
        events = screen.events()
        assert [e["type"] for e in events] == ["workshop_purged"]
        state = screen.snapshot()
        assert all(p["name"] is None for p in state["participants"].values())
        assert all(m["name"] is None for m in state["council"].values())
    org_state = org.snapshot()
    assert org_state["privacy"]["purged_at"]
    assert all(v["contact"] is None and v["name"] is None for v in org_state["volunteers"].values())
    assert all(b["author_name"] is None and b["hidden_reason"] is None for b in org_state["barriers"].values())
    assert "privacy" not in display.snapshot()
    # Tokens no longer connect; the organiser's and the projector's still do (to export, to show the plan).
    for c in phones[:3] + tablets:
        errors = refused_connection(d.app, {"token": c.token})
        assert errors and errors[0]["code"] == "unauthorized"
    assert socketio.test_client(d.app, auth={"token": d.created["organiser_token"]}).is_connected()
    assert socketio.test_client(d.app, auth={"token": d.created["display_token"]}).is_connected()
    # A client resuming from before the purge gets a snapshot: the log it would replay is gone.
    ack = display.sync(1)
    assert ack["ok"] and ack["mode"] == "snapshot"


def test_a_connection_the_cut_missed_is_refused_at_its_next_command(closed_day):
    """`common-ground purge` in another process without Redis cannot cut sockets: auth.refresh stops them."""
    from server.db import Database
    from server.domain import dispatch
    d, played = closed_day
    phone = next(c for c in d.clients if c.role == "participant")
    tablet = next(c for c in d.clients if c.role == "facilitator")
    elsewhere = Database(d.db.url)  # another process's: the same database, no publisher, no sockets
    try:
        dispatch(elsewhere, Principal("organiser", played.workshop_id), "workshop_purge", {"cid": "elsewhere"})
    finally:
        elsewhere.dispose()
    assert phone.sio.is_connected() and tablet.sio.is_connected()  # nobody cut them in this process
    for c, name, payload in ((phone, "council_volunteer", {"consent": False}), (tablet, "help_call", {})):
        err = c.refused(name, "unauthorized", **payload)
        assert "erased" in err["message"]
        ack = c.sync(None)
        assert not ack["ok"] and ack["error"]["code"] == "unauthorized"


# -- refusals ---------------------------------------------------------------------------

def test_purge_is_refused_before_the_workshop_is_closed_and_changes_nothing(day):
    b = Board(day)
    b.person(0, name="Ottilie Brandvold").ok("council_volunteer", contact="ottilie@example.org", consent=True)
    for phase in ("breakouts", "plenary", "action_plan"):
        b.workshop_phase(phase)
        before = b.observe(b.org)
        err = b.org.refused("workshop_purge", "wrong_phase")
        assert "Close the workshop" in err["message"] and err["details"]["allowed"] == ["closed"]
        assert b.observe(b.org) == before
    with day.db.reading() as s:
        assert s.scalar(select(Participant.display_name).where(Participant.workshop_id == day.workshop_id)) \
            == "Ottilie Brandvold"


def test_purge_twice_is_refused_and_a_purged_workshop_cannot_be_reopened(day):
    b = Board(day)
    b.person(0, name="Ottilie Brandvold")
    b.workshop_phase("closed")
    b.org.ok("workshop_purge")
    before = table_counts(day.db)
    snap = b.org.snapshot()
    b.org.refused("workshop_purge", "already_purged")
    err = b.org.refused("workshop_back", "already_purged")
    assert "erased" in err["message"]
    assert table_counts(day.db) == before and b.org.snapshot() == snap


@pytest.mark.parametrize("who", ["facilitator", "participant", "display"])
def test_only_the_organiser_may_purge(day, who):
    b = Board(day)
    person = b.person(0, name="Ottilie Brandvold")
    b.workshop_phase("closed")
    sender = {"facilitator": b.fac, "participant": person, "display": b.display}[who]
    before = table_counts(day.db)
    sender.refused("workshop_purge", "forbidden")
    assert table_counts(day.db) == before
    with day.db.reading() as s:
        p = s.get(Participant, person.participant_id)
        assert p.display_name == "Ottilie Brandvold" and p.token_hash == token_hash(person.token)


# -- the CLI ----------------------------------------------------------------------------------

@pytest.fixture
def cli_day(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ASYNC_MODE", "threading")
    monkeypatch.delenv("REDIS_URL", raising=False)
    app = make_app(url)
    d = Day(app)
    d.create()
    yield d
    d.close()
    app.extensions["common_ground_db"].dispose()


def test_cli_purge_refuses_an_open_workshop_then_erases_a_closed_one(cli_day, capsys):
    d = cli_day
    phone = d.join(name="Ottilie Brandvold")
    phone.ok("council_volunteer", contact="ottilie@example.org", consent=True)
    assert cli.main(["purge", d.workshop_id, "--json"]) == 2
    out = json.loads(capsys.readouterr().out)
    assert out == {"ok": False, "error": {"code": "wrong_phase", "message": out["error"]["message"],
                                          "details": {"phase": "breakouts", "allowed": ["closed"]}}}
    assert cli.main(["purge", "no-such-workshop"]) == 2
    assert "not_found" in capsys.readouterr().err
    org = d.organiser()
    for _ in range(3):
        org.ok("workshop_advance")
    assert cli.main(["purge", d.workshop_id, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] and out["erased"]["participants"] == 1 and out["erased"]["contacts"] == 1
    with d.db.reading() as s:
        assert s.scalar(select(Participant.display_name)) is None
        assert s.get(Workshop, d.workshop_id).phase == "closed"
    assert cli.main(["purge", d.workshop_id]) == 2
    assert "already_purged" in capsys.readouterr().err
