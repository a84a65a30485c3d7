"""The HTTP side (docs/protocol.md §1): health, the join page's facts, joining, the QR code, the pages."""
from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
import segno
from sqlalchemy import create_engine, select

from server.domain import rules, sectors
from server.models import Participant

WEB = Path(__file__).resolve().parent.parent / "web"


def error_of(resp) -> dict:
    body = resp.get_json()
    assert body["ok"] is False, body
    return body["error"]


# -- health ----------------------------------------------------------------------

def test_healthz_reports_the_database(app):
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"ok": True, "database": "ok", "message_queue": False}


def test_healthz_is_503_when_the_database_is_unreachable(app, tmp_path):
    db = app.extensions["common_ground_db"]
    working = db.engine
    # A SQLite file in a directory that does not exist cannot be opened.
    db.engine = create_engine(f"sqlite:///{tmp_path / 'gone' / 'away' / 'db.sqlite3'}")
    try:
        resp = app.test_client().get("/healthz")
    finally:
        db.engine.dispose()
        db.engine = working
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["ok"] is False and body["database"] == "unreachable"
    assert app.test_client().get("/healthz").status_code == 200


# -- the join page's facts ------------------------------------------------------------

def test_workshop_info_by_join_code(day):
    code = day.created["join_code"]
    for spelled in (code, code.lower(), f"{code[:3]}-{code[3:]}", f" {code[:3]} {code[3:]}".replace(" ", "%20")):
        resp = day.http.get(f"/api/workshops/{spelled}")
        assert resp.status_code == 200, spelled
        body = resp.get_json()
        expires = body.pop("expires_at")  # TOKEN_TTL_DAYS after creation (docs/security.md, "Data protection")
        # The workshop's sectors, with their names and sides (the `groups` preset by default; tests/test_sectors.py).
        assert body.pop("sectors") == sectors.preset("groups", ["en", "es", "fa"])
        assert body == {"ok": True, "workshop_id": day.workshop_id, "title": "Trust workshop",
                        "languages": ["en", "es", "fa"], "date": None, "place": None,
                        "groups": list(rules.GROUPS), "retention_days": day.app.config["TOKEN_TTL_DAYS"],
                        "join_url": f"http://testserver/j/{code}"}  # PUBLIC_URL, not the request host
        assert expires is not None
    assert "token" not in repr(body)


def test_workshop_info_unknown_code_is_404(day):
    resp = day.http.get("/api/workshops/ZZZZZZ")
    assert resp.status_code == 404
    err = error_of(resp)
    assert err["code"] == "not_found" and err["message"]


# -- joining -----------------------------------------------------------------------------

def test_join_gives_a_token_that_connects(day):
    resp = day.join_http(name="  Ana  ", group="law_enforcement", language="FA", anonymous=False)
    assert resp.status_code == 200
    body = resp.get_json()
    assert set(body) == {"ok", "token", "participant_id", "room_id", "workshop_id"}
    assert body["workshop_id"] == day.workshop_id and body["room_id"] in day.room_ids
    client = day._client(body["token"], "participant")
    me = client.snapshot()["me"]
    assert me == {"role": "participant", "room_id": body["room_id"], "participant_id": body["participant_id"],
                  "name": "Ana", "group": "law_enforcement", "language": "fa", "anonymous": False,
                  "volunteer": None, "pulses_answered": [], "elections_voted": [], "nominations": {}}
    # A dashed, lower-case code works too; no name means always anonymous.
    resp = day.join_http(code=day.created["join_code"].lower()[:3] + "-" + day.created["join_code"].lower()[3:],
                         anonymous=False)
    assert resp.status_code == 200
    with day.db.reading() as s:
        p = s.get(Participant, resp.get_json()["participant_id"])
        assert p.display_name is None and p.anonymous is True


@pytest.mark.parametrize("body, status, code, field", [
    ({"code": "ZZZZZZ"}, 404, "not_found", None),
    ({"group": "journalist"}, 400, "invalid", "group"),
    ({"group": None}, 400, "invalid", "group"),
    ({"language": "de"}, 400, "invalid", "language"),
    ({"language": 5}, 400, "invalid", "language"),
    ({"name": "n" * (rules.MAX_NAME_CHARS + 1)}, 400, "invalid", "name"),
    ({"anonymous": "yes"}, 400, "invalid", "anonymous"),
    ({"device_key": "short"}, 400, "invalid", "device_key"),
    ({"device_key": "no spaces allowed in a key " + "x" * 20}, 400, "invalid", "device_key"),
    ({"favourite_colour": "blue"}, 400, "invalid", "favourite_colour"),
])
def test_join_refusals(day, body, status, code, field):
    resp = day.join_http(**body)
    assert resp.status_code == status
    err = error_of(resp)
    assert err["code"] == code
    if field:
        assert field in err["message"]
    with day.db.reading() as s:
        assert s.scalars(select(Participant).where(Participant.workshop_id == day.workshop_id)).first() is None


def test_join_missing_fields_are_named(day):
    resp = day.http.post("/api/join", json={"code": day.created["join_code"]})
    assert resp.status_code == 400
    err = error_of(resp)
    assert err["code"] == "invalid" and "group" in err["message"] and "language" in err["message"]


@pytest.mark.parametrize("kwargs", [
    {"data": "code=ABC", "content_type": "application/x-www-form-urlencoded"},
    {"data": "{not json", "content_type": "application/json"},
    {"data": '["a", "list"]', "content_type": "application/json"},
    {},
])
def test_join_needs_a_json_object(day, kwargs):
    resp = day.http.post("/api/join", **kwargs)
    assert resp.status_code == 400
    assert error_of(resp)["code"] == "bad_request"


def test_join_a_closed_workshop_is_409(day):
    org = day.organiser()
    for _ in range(3):
        org.ok("workshop_advance")
    assert org.snapshot()["workshop"]["phase"] == "closed"
    resp = day.join_http()
    assert resp.status_code == 409
    assert error_of(resp)["code"] == "closed"


def test_join_a_removed_participant_device_key_is_403(day):
    key = "removed-" + "k" * 30
    assert day.join_http(device_key=key).status_code == 200
    from server.models import utcnow
    with day.db.transaction() as s:
        s.scalars(select(Participant).where(Participant.workshop_id == day.workshop_id)).one().removed_at = utcnow()
    resp = day.join_http(device_key=key)
    assert resp.status_code == 403 and error_of(resp)["code"] == "unauthorized"


@pytest.mark.parametrize("order", ["police_first", "alternating"])
def test_rooms_are_balanced_between_police_and_community(day, order):
    groups = ["law_enforcement"] * 4 + ["community_member", "community_org"] * 2
    if order == "alternating":
        groups = [g for pair in zip(groups[:4], groups[4:]) for g in pair]
    rooms = []
    for g in groups:
        resp = day.join_http(group=g)
        assert resp.status_code == 200
        rooms.append((resp.get_json()["room_id"], "police" if g == "law_enforcement" else "community"))
    mix = Counter(rooms)
    for room_id in day.room_ids:
        assert mix[(room_id, "police")] == 2 and mix[(room_id, "community")] == 2, mix


# -- the QR code --------------------------------------------------------------------------

def test_qr_code_is_an_svg_of_the_join_link(day):
    code = day.created["join_code"]
    resp = day.http.get(f"/qr/{code.lower()}.svg")
    assert resp.status_code == 200
    assert resp.mimetype == "image/svg+xml"
    svg = resp.get_data(as_text=True)
    assert svg.lstrip().startswith(("<svg", "<?xml"))
    url = f"http://testserver/j/{code}"

    def render(link):
        buf = io.BytesIO()
        segno.make(link, error="m").save(buf, kind="svg", scale=8, border=2, dark="#000", light="#fff",
                                         xmldecl=False, svgns=True, title="Join link QR code")
        return buf.getvalue().decode()

    assert svg == render(url)  # the participant link, upper-cased code
    assert svg != render("http://testserver/j/AAAAAA")
    assert len(svg) > 500


def test_qr_code_of_nonsense_is_404(day):
    assert day.http.get("/qr/---.svg").status_code == 404
    assert day.http.get("/qr/" + "A" * 40 + ".svg").status_code == 404


# -- pages and security headers -------------------------------------------------------------

PAGES = {"/": "index.html", "/p": "participant.html", "/j/ABC234": "participant.html", "/f": "facilitator.html",
         "/o": "organiser.html", "/d": "display.html"}


@pytest.mark.parametrize("path", list(PAGES))
def test_pages_are_html_with_security_headers(app, path):
    if not (WEB / PAGES[path]).exists():
        pytest.skip(f"web/{PAGES[path]} does not exist yet (front-end work in progress)")
    with app.test_client().get(path) as resp:  # a file response: close it
        assert resp.status_code == 200
        assert resp.mimetype == "text/html"
        assert b"<html" in resp.get_data().lower()
        check_security_headers(resp)


def check_security_headers(resp):
    csp = resp.headers["Content-Security-Policy"]
    directives = {d.strip().split()[0]: d.strip().split()[1:] for d in csp.split(";") if d.strip()}
    script_src = directives.get("script-src", directives.get("default-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert directives["frame-ancestors"] == ["'none'"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "no-referrer"


def test_api_answers_carry_the_security_headers_too(day):
    for resp in (day.http.get("/healthz"), day.http.get("/api/workshops/ZZZZZZ"), day.join_http(group="x"),
                 day.http.get(f"/qr/{day.created['join_code']}.svg")):
        check_security_headers(resp)
