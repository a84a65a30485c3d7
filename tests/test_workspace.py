"""The organiser workspace (server/workspace/, docs/workspace.md), through its pages and its CLI, as an
organiser would use them: sign in, create a workshop, its links, co-organisers, the pack; and every refusal
(wrong password, someone else's workshop, no or a stale CSRF token, an expired session, a removed
co-organiser, too many wrong passwords)."""
from __future__ import annotations

import io
import json
import re
import uuid

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from server import cli
from server.domain import auth
from server.domain.errors import CommandError
from server.models import Account, AuditEntry, KeptLink, Participant, Room, Sector, Workshop, WorkspaceAudit
from server.workspace import accounts, views

from .conftest import make_app

PASSWORD = "correct horse battery"


@pytest.fixture
def app(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'ws.sqlite3'}")
    yield app
    app.extensions["common_ground_db"].dispose()


def db(app):
    return app.extensions["common_ground_db"]


def account(app, email="ana@example.org", admin=False):
    return accounts.create(db(app), email, PASSWORD, admin=admin)


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def signed_in(app, email="ana@example.org", admin=False):
    account(app, email, admin)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    resp = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf(page)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/workshops")
    return client


def create(client, title="Eastside trust day", **fields) -> str:
    page = client.get("/workshops/new").get_data(as_text=True)
    data = {"title": title, "date": "2027-03-14", "place": "Library", "languages": "en,es,fa", "rooms": "2",
            "vote_budget": "3", "agenda": "spcp", "sector_preset": "spcp", "csrf_token": csrf(page), **fields}
    resp = client.post("/workshops/new", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return resp.headers["Location"].split("/workshops/")[1].split("?")[0]


def post(client, path, data=None, page="/workshops"):
    token = csrf(client.get(page).get_data(as_text=True))
    return client.post(path, data={**(data or {}), "csrf_token": token})


# -- signing in --------------------------------------------------------------------------------------------

def test_login_page_has_email_password_and_sign_in(app):
    page = app.test_client().get("/login").get_data(as_text=True)
    assert '<label for="email">Email</label>' in page
    assert '<label for="password">Password</label>' in page
    assert ">Sign in</button>" in page


def test_workshops_without_a_session_goes_to_login(app):
    resp = app.test_client().get("/workshops")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_signing_in_returns_to_the_workshop_page_asked_for_but_never_to_another_site(app):
    account(app)
    client = app.test_client()
    resp = client.get("/workshops/abc123")
    assert resp.status_code == 302 and "next=/workshops/abc123" in resp.headers["Location"]
    page = client.get("/login?next=/workshops/abc123").get_data(as_text=True)
    assert 'name="next" value="/workshops/abc123"' in page
    done = client.post("/login", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": csrf(page),
                                       "next": "/workshops/abc123"})
    assert done.headers["Location"].endswith("/workshops/abc123")
    other = app.test_client()
    page = other.get("/login?next=//evil.example/workshops").get_data(as_text=True)
    assert 'name="next"' not in page
    done = other.post("/login", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": csrf(page),
                                      "next": "//evil.example"})
    assert done.headers["Location"].endswith("/workshops") and "evil" not in done.headers["Location"]


def test_the_session_cookie_is_httponly_and_samesite(app):
    client = signed_in(app)
    cookie = client.get_cookie("cg_session")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert client.get("/workshops").status_code == 200


def test_the_session_cookie_is_secure_behind_https(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 's.sqlite3'}", PUBLIC_URL="https://cg.example.org")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    app.extensions["common_ground_db"].dispose()


def test_a_wrong_password_is_refused_and_signs_nobody_in(app):
    account(app)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    resp = client.post("/login", data={"email": "ana@example.org", "password": "not the password", "csrf_token": csrf(page)})
    assert resp.status_code == 401
    assert "do not match an account" in resp.get_data(as_text=True)
    assert client.get("/workshops").status_code == 302
    resp = client.post("/login", data={"email": "nobody@example.org", "password": PASSWORD, "csrf_token": csrf(page)})
    assert resp.status_code == 401


def test_too_many_wrong_passwords_lock_the_account_for_a_while(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'rl.sqlite3'}", RATE_LIMITING=True,
                   RATE_LIMITS={"login_failures_account": (3, 900)})
    account(app)
    client = app.test_client()
    token = csrf(client.get("/login").get_data(as_text=True))
    for _ in range(3):
        assert client.post("/login", data={"email": "ana@example.org", "password": "guess guess",
                                           "csrf_token": token}).status_code == 401
    resp = client.post("/login", data={"email": "ANA@example.org", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 0
    other = account(app, "ben@example.org")
    ok = client.post("/login", data={"email": other["email"], "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 302  # another account from the same address still signs in
    app.extensions["common_ground_db"].dispose()


def test_too_many_wrong_passwords_from_one_address_stop_every_account_there(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'rl.sqlite3'}", RATE_LIMITING=True,
                   RATE_LIMITS={"login_failures": (2, 900)})
    account(app)
    client = app.test_client()
    token = csrf(client.get("/login").get_data(as_text=True))
    for email in ("x@example.org", "y@example.org"):
        client.post("/login", data={"email": email, "password": "guess guess", "csrf_token": token})
    resp = client.post("/login", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 429
    app.extensions["common_ground_db"].dispose()


def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(app):
    client = signed_in(app)
    resp = client.post("/workshops/new", data={"title": "No token", "rooms": "2", "vote_budget": "3",
                                               "languages": "en", "agenda": "short", "sector_preset": "groups"})
    assert resp.status_code == 400
    with db(app).reading() as s:
        assert s.scalar(select(Workshop.id)) is None
    login = app.test_client().post("/login", data={"email": "ana@example.org", "password": PASSWORD})
    assert login.status_code == 400


def test_a_stale_csrf_token_from_an_earlier_session_is_refused(app):
    client = signed_in(app)
    stale = csrf(client.get("/workshops/new").get_data(as_text=True))
    post(client, "/logout")
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": csrf(page)})
    resp = client.post("/workshops/new", data={"title": "Stale", "rooms": "2", "vote_budget": "3", "languages": "en",
                                               "agenda": "short", "sector_preset": "groups", "csrf_token": stale})
    assert resp.status_code == 400
    assert "This form has expired" in resp.get_data(as_text=True)
    with db(app).reading() as s:
        assert s.scalar(select(Workshop.id)) is None


def test_a_post_from_another_site_is_forbidden(app):
    client = signed_in(app)
    token = csrf(client.get("/workshops/new").get_data(as_text=True))
    resp = client.post("/workshops/new", data={"title": "X", "rooms": "1", "vote_budget": "3", "languages": "en",
                                               "agenda": "short", "sector_preset": "groups", "csrf_token": token},
                       headers={"Origin": "https://evil.example"})
    assert resp.status_code == 403


def test_an_expired_session_must_sign_in_again(app, monkeypatch):
    client = signed_in(app)
    assert client.get("/workshops").status_code == 200
    later = views.now() + 13 * 3600
    monkeypatch.setattr(views, "now", lambda: later)
    resp = client.get("/workshops")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_a_password_reset_ends_the_sessions_signed_in_before(app):
    client = signed_in(app)
    token = accounts.reset_link(db(app), "ana@example.org")
    other = app.test_client()
    page = other.get(f"/reset/{token}").get_data(as_text=True)
    resp = other.post(f"/reset/{token}", data={"password": "a new long password", "password2": "a new long password",
                                               "csrf_token": csrf(page)})
    assert resp.status_code == 302
    assert client.get("/workshops").status_code == 302  # the old session no longer works
    assert other.get(f"/reset/{token}").status_code == 404  # the link works once
    assert accounts.authenticate(db(app), "ana@example.org", "a new long password") is not None


# -- workshops --------------------------------------------------------------------------------------------

def test_create_a_workshop_shows_its_join_code_and_its_links_open(app):
    client = signed_in(app)
    ws_id = create(client)
    page = client.get(f"/workshops/{ws_id}?created=1").get_data(as_text=True)
    with db(app).reading() as s:
        ws = s.get(Workshop, ws_id)
        code, agenda = ws.join_code, list(ws.agenda)
        sectors = list(s.scalars(select(Sector.key).where(Sector.workshop_id == ws_id)))
    assert agenda[0] == "caucus" and len(sectors) == 7  # the SPCP agenda and sector preset chosen
    assert code in page and "Workshop created" in page
    urls = re.findall(r'href="(http://testserver/[odf]#[^"]+)"', page)
    assert len(urls) == 4  # console, projector, two rooms
    with db(app).reading() as s:
        roles = sorted(auth.resolve(s, u.split("#")[1]).role for u in urls)
    assert roles == ["display", "facilitator", "facilitator", "organiser"]
    dash = client.get("/workshops").get_data(as_text=True)
    assert "Eastside trust day" in dash and code in dash


def test_a_new_workshop_with_a_wrong_field_is_shown_again_with_the_reason(app):
    client = signed_in(app)
    page = client.get("/workshops/new").get_data(as_text=True)
    resp = client.post("/workshops/new", data={"title": "", "rooms": "2", "vote_budget": "3", "languages": "en",
                                               "agenda": "short", "sector_preset": "groups", "csrf_token": csrf(page)})
    assert resp.status_code == 400 and "title: must be" in resp.get_data(as_text=True)


def test_another_organisers_workshop_does_not_exist_for_me(app):
    ana = signed_in(app)
    ws_id = create(ana)
    ben = signed_in(app, "ben@example.org")
    assert ben.get(f"/workshops/{ws_id}").status_code == 404
    assert ben.get(f"/workshops/{ws_id}/pack-en.pdf").status_code == 404
    assert post(ben, f"/workshops/{ws_id}/reissue", {"kind": "display"}).status_code == 404
    assert post(ben, f"/workshops/{ws_id}/organisers", {"email": "ben@example.org"}).status_code == 404
    assert "Eastside" not in ben.get("/workshops").get_data(as_text=True)


def test_a_workshop_made_on_the_venue_laptop_is_nobodys_and_its_links_work(app):
    from server.domain.workshops import create_workshop
    made = create_workshop(db(app), title="Laptop day", rooms=1)
    client = signed_in(app)
    assert client.get(f"/workshops/{made['workshop_id']}").status_code == 404
    with db(app).reading() as s:
        assert auth.resolve(s, made["organiser_token"]).role == "organiser"
    with app.test_client().get("/o") as page:  # the console's page, as before
        assert page.status_code == 200


def test_reissuing_the_projector_link_stops_the_old_one_and_is_audited(app):
    client = signed_in(app)
    ws_id = create(client)
    page = client.get(f"/workshops/{ws_id}").get_data(as_text=True)
    old = re.search(r'href="http://testserver/d#([^"]+)"', page).group(1)
    resp = post(client, f"/workshops/{ws_id}/reissue", {"kind": "display"}, page=f"/workshops/{ws_id}")
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    new = re.search(r'href="http://testserver/d#([^"]+)"', page).group(1)
    assert new != old and "New projector link" in page
    with db(app).reading() as s:
        with pytest.raises(CommandError):
            auth.resolve(s, old)
        assert auth.resolve(s, new).role == "display"
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.workshop_id == ws_id,
                                                        AuditEntry.action == "display_link_renew"))
        assert s.scalar(select(WorkspaceAudit.email).where(WorkspaceAudit.action == "link_reissue")) == "ana@example.org"
    assert "re-issued a link" in page


def test_a_link_reissued_elsewhere_is_not_shown_stale(app):
    from server.domain import dispatch
    client = signed_in(app)
    ws_id = create(client)
    dispatch(db(app), auth.Principal("organiser", ws_id), "display_link_renew", {"cid": "cli-1"})
    page = client.get(f"/workshops/{ws_id}").get_data(as_text=True)
    assert "http://testserver/d#" not in page and "was issued elsewhere" in page


def test_a_facilitator_link_can_be_reissued_from_the_workshop_page(app):
    client = signed_in(app)
    ws_id = create(client)
    page = client.get(f"/workshops/{ws_id}").get_data(as_text=True)
    room = re.search(r'name="room_id" value="(\d+)"', page).group(1)
    old = re.findall(r'href="http://testserver/f#([^"]+)"', page)
    resp = post(client, f"/workshops/{ws_id}/reissue", {"kind": "facilitator", "room_id": room}, f"/workshops/{ws_id}")
    assert resp.status_code == 302
    new = re.findall(r'href="http://testserver/f#([^"]+)"', client.get(f"/workshops/{ws_id}").get_data(as_text=True))
    assert new[0] != old[0] and new[1] == old[1]
    assert post(client, f"/workshops/{ws_id}/reissue", {"kind": "everything"}).status_code == 400


def test_editing_the_workshop_before_the_day_changes_it_for_every_screen(app):
    client = signed_in(app)
    ws_id = create(client)
    page = f"/workshops/{ws_id}"
    resp = post(client, f"{page}/edit", {"title": "Eastside trust day, second edition", "date": "2027-04-01",
                                         "place": "Town hall"}, page)
    assert "notice=edited" in resp.headers["Location"]
    with db(app).reading() as s:
        ws = s.get(Workshop, ws_id)
        assert (ws.title, ws.date, ws.place) == ("Eastside trust day, second edition", "2027-04-01", "Town hall")
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.workshop_id == ws_id,
                                                        AuditEntry.action == "workshop_update"))
    assert "edited the workshop" in client.get(page).get_data(as_text=True)
    refused = post(client, f"{page}/edit", {"title": "", "date": "", "place": ""}, page)
    assert refused.status_code == 400
    with db(app).reading() as s:
        assert s.get(Workshop, ws_id).title == "Eastside trust day, second edition"
    other = signed_in(app, "ben@example.org")
    assert post(other, f"{page}/edit", {"title": "Mine now"}).status_code == 404


def _edit(client, ws_id, path="", **data):
    return post(client, f"/workshops/{ws_id}/edit{path}", data, f"/workshops/{ws_id}/edit")


def _ws(app, ws_id) -> Workshop:
    with db(app).reading() as s:
        ws = s.get(Workshop, ws_id)
        s.expunge(ws)
        return ws


def _rooms(app, ws_id) -> list[int]:
    with db(app).reading() as s:
        return list(s.scalars(select(Room.number).where(Room.workshop_id == ws_id).order_by(Room.number)))


def _join(app, ws_id, language="en", group="community_member") -> dict:
    resp = app.test_client().post("/api/join", json={"code": _ws(app, ws_id).join_code, "group": group,
                                                     "language": language})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def _org(app, ws_id, name, **payload):
    from server.domain import dispatch
    return dispatch(db(app), auth.Principal("organiser", ws_id), name, {"cid": uuid.uuid4().hex, **payload}).result


def test_the_edit_page_has_every_field_labelled(app):
    client = signed_in(app)
    ws_id = create(client)
    assert f'href="/workshops/{ws_id}/edit"' in client.get(f"/workshops/{ws_id}").get_data(as_text=True)
    html = client.get(f"/workshops/{ws_id}/edit").get_data(as_text=True)
    for field in ("edit-title", "edit-date", "edit-place", "edit-languages", "edit-budget", "edit-live",
                  "edit-room-count", "edit-agenda-short", "edit-agenda-spcp", "edit-preset-groups",
                  "sector-0-name-fa", "sector-0-side", "sector-7-name-en"):
        assert f'<label for="{field}">' in html, field
    assert html.count('name="csrf_token"') == 6  # sign out, details, rooms, agenda, sector list, sector preset
    other = signed_in(app, "ben@example.org")
    assert other.get(f"/workshops/{ws_id}/edit").status_code == 404
    for path in ("", "/rooms", "/agenda", "/sectors"):
        assert post(other, f"/workshops/{ws_id}/edit{path}", {"rooms": "3"}).status_code == 404


def test_languages_and_dots_change_before_the_day_for_every_screen(app):
    client = signed_in(app)
    ws_id = create(client)
    resp = _edit(client, ws_id, title="Eastside trust day", date="2027-03-14", place="Library", languages="es, en ,ar",
                 vote_budget="5")
    assert resp.status_code == 302 and "notice=edited" in resp.headers["Location"]
    ws = _ws(app, ws_id)
    assert (ws.languages, ws.display_language, ws.vote_budget) == (["es", "en", "ar"], "es", 5)
    with db(app).reading() as s:
        names = s.scalars(select(Sector.names).where(Sector.workshop_id == ws_id)).first()
        assert set(names) == {"es", "en", "ar"}
        event = s.scalar(select(AuditEntry).where(AuditEntry.workshop_id == ws_id,
                                                  AuditEntry.action == "workshop_update"))
        assert event.detail["fields"] == ["display_language", "languages", "vote_budget"]
        entry = s.scalar(select(WorkspaceAudit).where(WorkspaceAudit.action == "workshop_edit"))
        assert entry.detail == {"what": "details"}
    assert "edited the workshop (details)" in client.get(f"/workshops/{ws_id}").get_data(as_text=True)
    # The pack is offered in the new languages.
    assert f"/workshops/{ws_id}/pack-ar.pdf" in client.get(f"/workshops/{ws_id}").get_data(as_text=True)


def test_language_and_dot_refusals_are_shown_and_change_nothing(app):
    client = signed_in(app)
    ws_id = create(client, agenda="short", sector_preset="groups")
    _join(app, ws_id, language="fa")
    before = _ws(app, ws_id)
    resp = _edit(client, ws_id, title="Eastside trust day", languages="en, de")
    assert resp.status_code == 400 and "unknown language" in resp.get_data(as_text=True)
    resp = _edit(client, ws_id, title="Eastside trust day", languages="en, es")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "People joined reading Persian" in html and 'role="alert"' in html
    assert 'value="en, es"' in html  # what was typed stays in the form
    resp = _edit(client, ws_id, title="Eastside trust day", vote_budget="many")
    assert resp.status_code == 400 and "whole number" in resp.get_data(as_text=True)
    # Once the day has begun, the languages stay.
    _org(app, ws_id, "phase_advance", room_id=_room_ids(app, ws_id)[0], from_phase="lobby")
    resp = _edit(client, ws_id, title="Eastside trust day", languages="en, es, fa, ar")
    assert resp.status_code == 409 and "The day has begun" in resp.get_data(as_text=True)
    assert "disabled" in client.get(f"/workshops/{ws_id}/edit").get_data(as_text=True)
    # Once a dot is cast, the dots stay.
    ids = _room_ids(app, ws_id)
    person = _join(app, ws_id)
    with db(app).reading() as s:
        seat = s.get(Participant, person["participant_id"]).room_id
    if seat != ids[0]:
        _org(app, ws_id, "participant_move", participant_id=person["participant_id"], room_id=ids[0])
    from server.domain import dispatch
    me = auth.Principal("participant", ws_id, person["participant_id"], ids[0])
    bid = dispatch(db(app), me, "barrier_post", {"cid": "b1", "text": "No interpreters"}).result["barrier"]["id"]
    _org(app, ws_id, "phase_advance", room_id=ids[0], from_phase="brainstorm")
    _org(app, ws_id, "phase_advance", room_id=ids[0], from_phase="reveal")
    dispatch(db(app), me, "vote_cast", {"cid": "v1", "target_type": "barrier", "target_id": bid})
    resp = _edit(client, ws_id, title="Eastside trust day", vote_budget="4")
    assert resp.status_code == 409 and "Dots have been cast already" in resp.get_data(as_text=True)
    after = _ws(app, ws_id)
    assert (after.languages, after.vote_budget) == (before.languages, before.vote_budget)


def _room_ids(app, ws_id) -> list[int]:
    with db(app).reading() as s:
        return list(s.scalars(select(Room.id).where(Room.workshop_id == ws_id).order_by(Room.number)))


def test_rooms_are_added_with_their_facilitator_links_and_removed_before_the_day(app):
    client = signed_in(app)
    ws_id = create(client, agenda="short", sector_preset="groups")
    resp = _edit(client, ws_id, "/rooms", rooms="4")
    assert resp.status_code == 302 and _rooms(app, ws_id) == [1, 2, 3, 4]
    page = client.get(f"/workshops/{ws_id}").get_data(as_text=True)
    assert len(set(re.findall(r"http://testserver/f#[\w-]+", page))) == 4  # the new rooms' links, kept
    _join(app, ws_id)
    resp = _edit(client, ws_id, "/rooms", rooms="1")
    assert resp.status_code == 302 and _rooms(app, ws_id) == [1]
    with db(app).reading() as s:
        assert s.scalar(select(func.count()).select_from(Participant).where(
            Participant.workshop_id == ws_id, Participant.room_id == _room_ids(app, ws_id)[0])) == 1
        assert s.scalar(select(func.count()).select_from(KeptLink).where(
            KeptLink.workshop_id == ws_id, KeptLink.kind == "facilitator")) == 1
        assert [e.detail for e in s.scalars(select(WorkspaceAudit).where(
            WorkspaceAudit.action == "workshop_edit").order_by(WorkspaceAudit.id))] == [
            {"what": "rooms", "rooms": 4}, {"what": "rooms", "rooms": 1}]
    assert len(set(re.findall(r"http://testserver/f#[\w-]+", client.get(f"/workshops/{ws_id}").get_data(
        as_text=True)))) == 1


def test_room_refusals_are_shown_and_change_nothing(app):
    client = signed_in(app)
    ws_id = create(client, agenda="short", sector_preset="groups")
    resp = _edit(client, ws_id, "/rooms", rooms="2")
    assert resp.status_code == 400 and "nothing to change" in resp.get_data(as_text=True)
    assert _edit(client, ws_id, "/rooms", rooms="two").status_code == 400
    resp = _edit(client, ws_id, "/rooms", rooms="99")
    assert resp.status_code == 400 and "count" in resp.get_data(as_text=True)
    # Without its CSRF token the form is refused.
    assert client.post(f"/workshops/{ws_id}/edit/rooms", data={"rooms": "3"}).status_code == 400
    _org(app, ws_id, "phase_advance", room_id=_room_ids(app, ws_id)[1], from_phase="lobby")
    resp = _edit(client, ws_id, "/rooms", rooms="3")
    assert resp.status_code == 409 and "The day has begun" in resp.get_data(as_text=True)
    assert _rooms(app, ws_id) == [1, 2]
    with db(app).reading() as s:
        assert s.scalar(select(WorkspaceAudit.id).where(WorkspaceAudit.action == "workshop_edit")) is None


def test_the_agenda_and_its_refusal_from_the_edit_page(app):
    client = signed_in(app)
    ws_id = create(client)  # the SPCP day: its preset is the one chosen on the page
    assert re.search(r'value="spcp" checked', client.get(f"/workshops/{ws_id}/edit").get_data(as_text=True))
    assert _edit(client, ws_id, "/agenda", agenda="short").status_code == 302
    assert _ws(app, ws_id).agenda == ["breakout", "prioritise", "action_plan", "closing"]
    assert _edit(client, ws_id, "/agenda", agenda="long").status_code == 400
    _org(app, ws_id, "workshop_advance")  # the day reaches the prioritisation
    resp = _edit(client, ws_id, "/agenda", agenda="spcp")
    assert resp.status_code == 409 and "already been through" in resp.get_data(as_text=True)
    assert _ws(app, ws_id).agenda == ["breakout", "prioritise", "action_plan", "closing"]


def test_sectors_from_a_preset_or_edited_as_a_list_and_their_refusal(app):
    client = signed_in(app)
    ws_id = create(client, agenda="short", sector_preset="spcp")
    assert _edit(client, ws_id, "/sectors", mode="preset", sector_preset="groups").status_code == 302

    def keys():
        with db(app).reading() as s:
            return list(s.scalars(select(Sector.key).where(Sector.workshop_id == ws_id).order_by(Sector.position)))
    assert keys() == ["law_enforcement", "community_member", "community_org", "government_other"]
    rows = {"sector_count": "5", "mode": "list"}
    for i, key in enumerate(keys()):
        rows.update({f"sector-{i}-key": key, f"sector-{i}-side": "community" if i else "law_enforcement",
                     **{f"sector-{i}-name-{lang}": f"{key} {lang}" for lang in ("en", "es", "fa")}})
    rows.update({"sector-3-remove": "on", "sector-4-name-en": "Youth", "sector-4-side": "community"})
    assert _edit(client, ws_id, "/sectors", **rows).status_code == 302
    assert keys() == ["law_enforcement", "community_member", "community_org", "youth"]
    with db(app).reading() as s:
        youth = s.scalar(select(Sector).where(Sector.workshop_id == ws_id, Sector.key == "youth"))
        assert youth.names == {"en": "Youth", "es": "Youth", "fa": "Youth"} and youth.side == "community"
    _join(app, ws_id, group="youth")
    rows2 = {k: v for k, v in rows.items() if not k.startswith("sector-4") and k != "sector-3-remove"}
    rows2.update({"sector-3-key": "youth", "sector-3-remove": "on"})
    resp = _edit(client, ws_id, "/sectors", **rows2)
    assert resp.status_code == 409 and "rename it instead" in resp.get_data(as_text=True)
    assert keys() == ["law_enforcement", "community_member", "community_org", "youth"]


def test_purging_the_workshop_deletes_its_kept_links(app):
    from server.domain import dispatch
    from server.models import KeptLink
    client = signed_in(app)
    ws_id = create(client, agenda="short", sector_preset="groups")
    organiser = auth.Principal("organiser", ws_id)
    for n in range(10):
        with db(app).reading() as s:
            if s.get(Workshop, ws_id).phase == "closed":
                break
        dispatch(db(app), organiser, "workshop_advance", {"cid": f"adv-{n}"})
    with db(app).reading() as s:
        assert s.scalar(select(KeptLink.id).where(KeptLink.workshop_id == ws_id)) is not None
    dispatch(db(app), organiser, "workshop_purge", {"cid": "purge"})
    with db(app).reading() as s:
        assert s.scalar(select(KeptLink.id).where(KeptLink.workshop_id == ws_id)) is None
    page = client.get(f"/workshops/{ws_id}").get_data(as_text=True)
    assert "http://testserver/o#" not in page and "Edit the workshop" not in page


def test_a_co_organiser_sees_the_workshop_until_removed(app):
    ana = signed_in(app)
    ws_id = create(ana)
    ben = signed_in(app, "ben@example.org")
    resp = post(ana, f"/workshops/{ws_id}/organisers", {"email": "Ben@Example.org"}, f"/workshops/{ws_id}")
    assert "notice=added" in resp.headers["Location"]
    assert "Eastside trust day" in ben.get("/workshops").get_data(as_text=True)
    page = ben.get(f"/workshops/{ws_id}").get_data(as_text=True)
    assert "http://testserver/o#" in page
    with db(app).reading() as s:
        ben_id = accounts.by_email(s, "ben@example.org").id
    resp = post(ana, f"/workshops/{ws_id}/organisers/{ben_id}/remove", page=f"/workshops/{ws_id}")
    assert resp.status_code == 302
    assert ben.get(f"/workshops/{ws_id}").status_code == 404
    assert post(ben, f"/workshops/{ws_id}/reissue", {"kind": "display"}).status_code == 404
    assert "Eastside" not in ben.get("/workshops").get_data(as_text=True)
    trail = ana.get(f"/workshops/{ws_id}").get_data(as_text=True)
    assert "added a co-organiser" in trail and "removed a co-organiser" in trail


def test_adding_an_email_without_an_account_makes_one_and_shows_its_set_password_link(app):
    ana = signed_in(app)
    ws_id = create(ana)
    page = f"/workshops/{ws_id}"
    resp = post(ana, f"{page}/organisers", {"email": "New.Person@example.org"}, page)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    link = re.search(r'value="(http://testserver/reset/[^"]+)"', html).group(1)
    assert "new.person@example.org had no account" in html
    with db(app).reading() as s:
        acct = accounts.by_email(s, "new.person@example.org")
        assert acct is not None and acct.password_hash is None  # no password until the link is used
        entry = s.scalar(select(WorkspaceAudit).where(WorkspaceAudit.action == "organiser_add"))
        assert entry.detail == {"email": "new.person@example.org", "invited": True}
    assert link not in ana.get(page).get_data(as_text=True)  # shown once
    assert "(new account)" in ana.get(page).get_data(as_text=True)
    # The link sets the password, once; then they sign in and see the workshop.
    newcomer = app.test_client()
    form = newcomer.get(link.removeprefix("http://testserver")).get_data(as_text=True)
    newcomer.post(link.removeprefix("http://testserver"),
                  data={"password": PASSWORD, "password2": PASSWORD, "csrf_token": csrf(form)})
    login = newcomer.get("/login").get_data(as_text=True)
    newcomer.post("/login", data={"email": "new.person@example.org", "password": PASSWORD, "csrf_token": csrf(login)})
    assert "Eastside trust day" in newcomer.get("/workshops").get_data(as_text=True)


def test_adding_a_malformed_email_says_why_and_makes_nobody(app):
    ana = signed_in(app)
    ws_id = create(ana)
    resp = post(ana, f"/workshops/{ws_id}/organisers", {"email": "not an email"}, f"/workshops/{ws_id}")
    assert resp.status_code == 400 and "not an email address" in resp.get_data(as_text=True)
    with db(app).reading() as s:
        assert s.scalar(select(func.count()).select_from(Account)) == 1


def test_the_owner_cannot_be_removed(app):
    ana = signed_in(app)
    ws_id = create(ana)
    with db(app).reading() as s:
        ana_id = accounts.by_email(s, "ana@example.org").id
    assert post(ana, f"/workshops/{ws_id}/organisers/{ana_id}/remove").status_code == 403


@pytest.mark.parametrize("lang,word", [("en", "Sign-in sheet"), ("fa", "برگهٔ ثبت‌نام")])
def test_the_pack_is_a_pdf_with_the_join_code_in_each_language(app, lang, word):
    client = signed_in(app)
    ws_id = create(client, rooms="2")
    resp = client.get(f"/workshops/{ws_id}/pack-{lang}.pdf")
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(resp.data))
    text = "\n".join(p.extract_text() for p in reader.pages)
    with db(app).reading() as s:
        ws = s.get(Workshop, ws_id)
        code, sectors = ws.join_code, 7
    assert code in text
    assert len(reader.pages) == 1 + 2 + sectors  # poster, one per room, one sign-in sheet per sector
    if lang == "en":
        assert word in text
    else:  # Persian text comes out of the PDF in visual order: look for its letters
        assert "ثبت" in text or "تبث" in text
    page = client.get(f"/workshops/{ws_id}").get_data(as_text=True)
    assert "downloaded the pack" in page  # in English still: the pack's language is not the page's
    assert client.get(f"/workshops/{ws_id}/pack-de.pdf").status_code == 404


def test_the_pages_speak_persian_right_to_left(app):
    client = signed_in(app)
    page = client.get("/workshops?lang=fa").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in page and "کارگاه‌های من" in page
    assert 'lang="fa" dir="rtl"' in client.get("/workshops/new").get_data(as_text=True)  # kept in a cookie


# -- admins and the CLI -------------------------------------------------------------------------------------

def test_an_admin_invites_an_organiser_from_the_web_and_others_cannot(app):
    admin = signed_in(app, "root@example.org", admin=True)
    resp = post(admin, "/accounts", {"email": "new@example.org"}, "/accounts")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    link = re.search(r'value="http://testserver(/reset/[^"]+)"', page).group(1)
    fresh = app.test_client()
    token = csrf(fresh.get(link).get_data(as_text=True))
    assert fresh.post(link, data={"password": PASSWORD, "password2": PASSWORD, "csrf_token": token}).status_code == 302
    assert accounts.authenticate(db(app), "new@example.org", PASSWORD) is not None
    plain = signed_in(app, "ana@example.org")
    assert plain.get("/accounts").status_code == 403


@pytest.fixture
def sqlite_env(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ASYNC_MODE", "threading")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("PUBLIC_URL", "http://cg.local:5000")
    return url


def test_cli_user_add_with_password_stdin_then_sign_in(sqlite_env, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["user", "add", "Chair@Example.org", "--password-stdin", "--admin"]) == 0
    out = capsys.readouterr().out
    assert "Account created: chair@example.org (admin)" in out and "http://cg.local:5000/login" in out
    app = make_app(sqlite_env)
    acct = accounts.authenticate(db(app), "chair@example.org", PASSWORD)
    assert acct is not None and acct.is_admin
    app.extensions["common_ground_db"].dispose()


def test_cli_user_add_refuses_a_taken_email_a_short_password_and_a_bad_email(sqlite_env, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["user", "add", "ana@example.org", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["user", "add", "ana@example.org", "--password-stdin"]) == 2
    assert "exists already" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["user", "add", "bo@example.org", "--password-stdin"]) == 2
    assert "password: must be" in capsys.readouterr().err
    assert cli.main(["user", "add", "not-an-email"]) == 2


def test_cli_user_reset_prints_a_link_that_sets_the_password(sqlite_env, capsys, monkeypatch):
    assert cli.main(["user", "add", "ana@example.org"]) == 0  # no password: a set-password link
    capsys.readouterr()
    assert cli.main(["user", "reset", "ana@example.org"]) == 0
    link = re.search(r"http://cg\.local:5000(/reset/\S+)", capsys.readouterr().out).group(1)
    app = make_app(sqlite_env)
    client = app.test_client()
    token = csrf(client.get(link).get_data(as_text=True))
    assert client.post(link, data={"password": PASSWORD, "password2": PASSWORD, "csrf_token": token}).status_code == 302
    assert accounts.authenticate(db(app), "ana@example.org", PASSWORD) is not None
    app.extensions["common_ground_db"].dispose()
    assert cli.main(["user", "reset", "nobody@example.org"]) == 2


def test_audit_json_detail_is_plain(app):
    client = signed_in(app)
    create(client)
    with db(app).reading() as s:
        rows = list(s.scalars(select(WorkspaceAudit)))
    assert [r.action for r in rows] == ["sign_in", "workshop_create"]
    json.dumps([r.detail for r in rows])


def test_the_whole_path_on_each_database(db_url):
    """Sign in, create, re-issue, add a co-organiser, the pack: on SQLite and on PostgreSQL."""
    app = make_app(db_url)
    try:
        ana = signed_in(app, f"ana-{id(app)}@example.org")
        ws_id = create(ana)
        assert post(ana, f"/workshops/{ws_id}/reissue", {"kind": "organiser"}, f"/workshops/{ws_id}").status_code == 302
        ben_email = f"ben-{id(app)}@example.org"
        ben = signed_in(app, ben_email)
        post(ana, f"/workshops/{ws_id}/organisers", {"email": ben_email}, f"/workshops/{ws_id}")
        page = ben.get(f"/workshops/{ws_id}").get_data(as_text=True)
        assert "New organiser link" not in page and "http://testserver/o#" in page
        with db(app).reading() as s:
            code = s.get(Workshop, ws_id).join_code
        pdf = ben.get(f"/workshops/{ws_id}/pack-es.pdf")
        assert code in "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    finally:
        app.extensions["common_ground_db"].dispose()


def test_the_pack_prints_in_the_export_workers_and_says_when_they_are_all_busy(app):
    from server.reports.worker import RenderPool
    client = signed_in(app)
    ws_id = create(client)
    app.extensions["common_ground_renderers"] = RenderPool(0, 0)  # no place free: every export waits its turn
    resp = client.get(f"/workshops/{ws_id}/pack-en.pdf")
    assert resp.status_code == 503 and int(resp.headers["Retry-After"]) > 0
    with db(app).reading() as s:
        assert s.scalar(select(WorkspaceAudit.id).where(WorkspaceAudit.action == "pack_export")) is None
