"""Expiry of participant and facilitator links (TOKEN_TTL_DAYS) and `common-ground expire`.

docs/security.md, "Data protection": links stop working TOKEN_TTL_DAYS after
the end of the workshop's date (or its creation, if later); the organiser's
and the projector's links keep working so the day can still be exported;
`common-ground expire` (cron, and `serve` at start) erases the names and
contact details of expired workshops. Time is moved by back-dating the
workshop's creation in the database, never by sleeping.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from server import cli, config
from server.domain import expiry, purge
from server.domain.errors import CommandError
from server.extensions import socketio
from server.models import CouncilVolunteer, Participant, Workshop, utcnow

from .conftest import Day, make_app, orm_loads
from .test_connection import refused_connection


def backdate(db, workshop_id: str, days: float, date: str | None = None) -> None:
    with db.transaction() as s:
        s.execute(update(Workshop).where(Workshop.id == workshop_id)
                  .values(created_at=utcnow() - timedelta(days=days), date=date))


@pytest.fixture
def ttl_app(db_url):
    app = make_app(db_url, TOKEN_TTL_DAYS=7)
    yield app
    app.extensions["common_ground_db"].dispose()


@pytest.fixture
def ttl_day(ttl_app):
    d = Day(ttl_app)
    d.create()
    yield d
    d.close()


# -- the setting --------------------------------------------------------------------------

def test_token_ttl_days_setting(monkeypatch):
    monkeypatch.delenv("TOKEN_TTL_DAYS", raising=False)
    assert config.from_env("/tmp")["TOKEN_TTL_DAYS"] == 30
    for value, days in (("0", 0), ("90", 90), (" 7 ", 7), ("", 30)):
        monkeypatch.setenv("TOKEN_TTL_DAYS", value)
        assert config.from_env("/tmp")["TOKEN_TTL_DAYS"] == days
    for bad in ("-1", "thirty", "1.5"):
        monkeypatch.setenv("TOKEN_TTL_DAYS", bad)
        with pytest.raises(RuntimeError, match="TOKEN_TTL_DAYS"):
            config.from_env("/tmp")


def test_expiry_counts_from_the_end_of_the_workshop_date_or_its_creation_if_later():
    created = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    ws = Workshop(created_at=created, date=None)
    assert expiry.expires_at(ws, 30) == created + timedelta(days=30)
    assert expiry.expires_at(ws, 0) is None
    ws.date = "2026-03-20"  # set up ahead of the day: counted from the end of that day
    assert expiry.expires_at(ws, 30) == datetime(2026, 3, 21, tzinfo=UTC) + timedelta(days=30)
    ws.date = "2026-02-01"  # a date before the creation never shortens the time
    assert expiry.expires_at(ws, 30) == created + timedelta(days=30)
    ws.date = "20 March"  # not YYYY-MM-DD: ignored
    assert expiry.expires_at(ws, 30) == created + timedelta(days=30)


# -- refusals at connect, at commands and at /api ------------------------------------------

def test_expired_links_are_refused_at_connect_and_at_the_next_command(ttl_day):
    d = ttl_day
    phone, tablet = d.join(name="Ottilie Brandvold"), d.facilitator(0)
    backdate(d.db, d.workshop_id, 8)
    for token in (phone.token, d.created["facilitators"][0]["token"]):
        errors = refused_connection(d.app, {"token": token})
        assert errors and errors[0]["code"] == "expired" and "7 days" in errors[0]["message"]
    # Connections opened before: refused at their next command and sync.
    phone.refused("council_volunteer", "expired", consent=False)
    tablet.refused("help_call", "expired")
    assert phone.sync(None)["error"]["code"] == "expired"
    # The organiser and the projector keep their links (exports, the plan on the screen).
    for token in (d.created["organiser_token"], d.created["display_token"]):
        assert socketio.test_client(d.app, auth={"token": token}).is_connected()
    org = d.organiser()
    org.ok("workshop_update", place="Library")


def test_the_expiry_check_reads_two_columns_unless_the_session_holds_the_workshop(ttl_day):
    """A phone's connect checks its link's expiry without loading the whole workshop row (every
    column, JSON included): two columns. In a session that holds the workshop (a command's, after
    the lock), what it holds is what is checked, its unsaved changes included."""
    d = ttl_day
    for days, refused in ((6, False), (8, True)):
        backdate(d.db, d.workshop_id, days)
        with orm_loads(Workshop) as loaded, d.db.reading() as s:
            if refused:
                with pytest.raises(CommandError, match="7 days") as err:
                    expiry.check_not_expired(s, d.workshop_id)
                assert err.value.code == "expired"
            else:
                expiry.check_not_expired(s, d.workshop_id)
            assert not [o for o in s.identity_map.values() if isinstance(o, Workshop)]
        assert loaded == []  # not built at all (the identity map alone could miss one already collected)
        with d.db.reading() as s:
            ws = s.get(Workshop, d.workshop_id)
            ws.created_at = utcnow()  # what the session holds is what is checked
            expiry.check_not_expired(s, d.workshop_id)
            ws.created_at = utcnow() - timedelta(days=days)
            if refused:
                with pytest.raises(CommandError, match="7 days"):
                    expiry.check_not_expired(s, d.workshop_id)
            s.rollback()


def test_an_expired_workshop_cannot_be_joined_or_looked_up(ttl_day):
    d = ttl_day
    backdate(d.db, d.workshop_id, 8)
    resp = d.join_http(name="Late Comer")
    assert resp.status_code == 410 and resp.get_json()["error"]["code"] == "expired"
    resp = d.http.get(f"/api/workshops/{d.created['join_code']}")
    assert resp.status_code == 410 and resp.get_json()["error"]["code"] == "expired"
    with d.db.reading() as s:
        assert s.scalar(select(Participant.id).where(Participant.workshop_id == d.workshop_id)) is None


def test_links_work_until_the_ttl_and_the_workshop_date_extends_it(ttl_day):
    d = ttl_day
    phone = d.join()
    backdate(d.db, d.workshop_id, 6)
    phone.ok("council_volunteer", consent=False)
    today = utcnow().date().isoformat()
    backdate(d.db, d.workshop_id, 40, date=today)  # created long ago for a workshop held today
    phone.ok("council_volunteer", consent=False)
    info = d.http.get(f"/api/workshops/{d.created['join_code']}").get_json()
    assert info["retention_days"] == 7
    assert info["expires_at"].startswith((utcnow().date() + timedelta(days=8)).isoformat())


def test_ttl_zero_means_links_never_expire(db_url):
    app = make_app(db_url, TOKEN_TTL_DAYS=0)
    d = Day(app)
    d.create()
    try:
        phone = d.join()
        backdate(d.db, d.workshop_id, 3650)
        phone.ok("council_volunteer", consent=False)
        info = d.http.get(f"/api/workshops/{d.created['join_code']}").get_json()
        assert info["retention_days"] == 0 and info["expires_at"] is None
        assert purge.expire_due(d.db, 0) == []
    finally:
        d.close()
        app.extensions["common_ground_db"].dispose()


# -- erasing expired workshops ---------------------------------------------------------------

def test_expire_erases_only_expired_workshops_once(ttl_day):
    d = ttl_day
    old_phone = d.join(name="Ottilie Brandvold")
    old_phone.ok("council_volunteer", contact="ottilie@example.org", consent=True)
    fresh = Day(d.app)
    fresh.create(title="Next week's workshop")
    fresh.join(name="Fenella Quist", connect=False)
    backdate(d.db, d.workshop_id, 8)
    # (On PostgreSQL the database is shared with earlier tests, whose workshops may have expired too.)
    done = {x["workshop_id"]: x for x in purge.expire_due(d.db, 7)}
    assert d.workshop_id in done and fresh.workshop_id not in done
    assert done[d.workshop_id]["erased"]["participants"] == 1 and done[d.workshop_id]["erased"]["contacts"] == 1
    with d.db.reading() as s:
        names = dict(s.execute(select(Participant.workshop_id, Participant.display_name).where(
            Participant.workshop_id.in_([d.workshop_id, fresh.workshop_id]))).all())
        assert names == {d.workshop_id: None, fresh.workshop_id: "Fenella Quist"}
        assert s.scalar(select(CouncilVolunteer.contact).where(CouncilVolunteer.workshop_id == d.workshop_id)) is None
        assert expiry.purged_at(s, d.workshop_id) is not None and expiry.purged_at(s, fresh.workshop_id) is None
    assert purge.expire_due(d.db, 7) == []  # idempotent: cron may run it every hour
    # The report of the day says when and how the names went.
    from server.reports import export
    assert "Personal data erased when the links expired" in export(d.db, d.workshop_id, "md", "report", "en").data.decode()
    # The organiser's console learns it from its snapshot; the workshop's data is gone for good.
    org = d.organiser()
    assert org.snapshot()["privacy"]["purged_at"]
    for _ in range(3):
        org.ok("workshop_advance")
    org.refused("workshop_purge", "already_purged")


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ASYNC_MODE", "threading")
    monkeypatch.setenv("TOKEN_TTL_DAYS", "7")
    monkeypatch.delenv("REDIS_URL", raising=False)
    app = make_app(url, TOKEN_TTL_DAYS=7)
    d = Day(app)
    d.create()
    yield d
    d.close()
    app.extensions["common_ground_db"].dispose()


def test_cli_expire_and_serve_start(cli_env, capsys):
    d = cli_env
    d.join(name="Ottilie Brandvold", connect=False)
    assert cli.main(["expire", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "token_ttl_days": 7, "expired": []}
    backdate(d.db, d.workshop_id, 8)
    assert cli.main(["expire"]) == 0
    out = capsys.readouterr().out
    assert d.workshop_id in out and "1 workshop(s) expired" in out
    with d.db.reading() as s:
        assert s.scalar(select(Participant.display_name)) is None
    assert cli.main(["expire", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["expired"] == []
    # `serve` runs the same erasure before it starts listening.
    other = Day(d.app)
    other.create(title="Another")
    other.join(name="Fenella Quist", connect=False)
    backdate(d.db, other.workshop_id, 30)
    cli._expire_at_start(d.app)
    assert "Erased the personal data of 1 expired workshop(s)" in capsys.readouterr().out
    with d.db.reading() as s:
        assert s.scalar(select(Participant.display_name).where(Participant.workshop_id == other.workshop_id)) is None
