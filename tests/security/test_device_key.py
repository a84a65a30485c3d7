"""A phone's device key is the phone's own secret for joining again; it can never be, or replace,
another link's token (issue: link takeover through join).

Attacker and victim: the attacker joins with a device key equal to a token they read over a
shoulder or off the projector's address bar; the join is refused with 403 `unauthorized`, nothing
changes, and the victim's link keeps its role.
"""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from server.domain.workshops import create_workshop
from server.models import Event, Participant

from ..conftest import Day
from ..test_council import council, link_for  # noqa: F401  (fixture)


def error_of(resp) -> dict:
    return resp.get_json()["error"]


def counts(day) -> tuple[int, int]:
    with day.db.reading() as s:
        return (s.scalar(select(func.count(Participant.id))), s.scalar(select(func.count(Event.id))))


def tokens_of(created: dict) -> dict[str, str]:
    return {"organiser": created["organiser_token"], "display": created["display_token"],
            "facilitator": created["facilitators"][0]["token"], "progress": created["progress_token"]}


def still_works(day, role: str, token: str) -> None:
    """The victim's link keeps its own role."""
    if role == "progress":
        resp = day.http.get("/api/progress", headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 200, resp.get_json()
        return
    client = day._client(token, role)
    assert client.snapshot()["me"]["role"] == role


@pytest.mark.parametrize("whose", ["this", "another"])
@pytest.mark.parametrize("role", ["organiser", "display", "facilitator", "progress"])
def test_a_device_key_equal_to_a_link_token_is_refused(day, whose, role):
    created = day.created if whose == "this" else create_workshop(day.db, title="Other", rooms=1,
                                                                  languages=["en"])
    token = tokens_of(created)[role]
    before = counts(day)
    resp = day.join_http(device_key=token)
    assert resp.status_code == 403, resp.get_json()
    assert error_of(resp)["code"] == "unauthorized"
    assert counts(day) == before
    if role == "organiser":
        wid = created["workshop_id"]
        export = day.http.get(f"/api/workshops/{wid}/export.md", headers={"Authorization": f"Bearer {token}"})
        assert export.status_code == 200
    still_works(day, role, token)


def test_a_device_key_equal_to_a_council_link_is_refused(council):  # noqa: F811
    b = council
    b.org.ok("council_role_set", participant_id=b.officer.participant_id, role="member")
    token = link_for(b, b.officer)
    before = counts(b.day)
    resp = b.day.join_http(device_key=token)
    assert resp.status_code == 403 and error_of(resp)["code"] == "unauthorized"
    assert counts(b.day) == before
    assert b.day._client(token, "council").snapshot()["me"]["role"] == "council"


def test_a_device_key_equal_to_another_phones_token_is_refused(day):
    victim = day.join(name="Victim", anonymous=False)
    before = counts(day)
    resp = day.join_http(device_key=victim.token)
    assert resp.status_code == 403 and error_of(resp)["code"] == "unauthorized"
    assert counts(day) == before
    assert victim.snapshot()["me"]["participant_id"] == victim.participant_id


def test_the_token_is_not_the_device_key_and_a_retry_returns_the_same_person(day):
    key = "retry-" + uuid.uuid4().hex  # unique: PostgreSQL's database is shared by the run
    first = day.join_http(device_key=key).get_json()
    again = day.join_http(device_key=key).get_json()
    assert first["token"] != key
    assert (again["participant_id"], again["token"]) == (first["participant_id"], first["token"])
    # The device key itself opens nothing: it is not a token.
    resp = day.http.get("/api/progress", headers={"Authorization": f"Bearer {key}"})
    assert resp.status_code in (401, 403, 404)
    # And a second phone cannot use the first one's token as its device key.
    resp = day.join_http(device_key=first["token"])
    assert resp.status_code == 403 and error_of(resp)["code"] == "unauthorized"


def test_a_token_made_from_a_device_key_cannot_be_chosen_through_another_workshop(app):
    """The same device key in two workshops: the second join is refused (the key is this device's in the
    first), and the first workshop's participant is unchanged."""
    a, b = Day(app), Day(app)
    a.create(title="A")
    b.create(title="B")
    key = "shared-" + uuid.uuid4().hex
    first = a.join_http(device_key=key)
    assert first.status_code == 200
    resp = b.join_http(device_key=key)
    assert resp.status_code == 403 and error_of(resp)["code"] == "unauthorized"
    a.close()
    b.close()
