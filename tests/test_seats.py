"""Seat codes (server/domain/seats.py): taking one's own seat back on another device.

A code is shown once (in the acknowledgement of `seat_code_issue`), stored only hashed,
never in an event, the audit trail, a log line, an idempotency record or anyone's
snapshot, and guessing it is rate-limited per address and per workshop.
"""
from __future__ import annotations

import json
import logging
import secrets
import uuid

import pytest
from sqlalchemy import select

from server.domain import seats
from server.models import AuditEntry, CommandRecord, Event, Participant

from .board import Board
from .conftest import Day, make_app


@pytest.fixture
def board(day):
    return Board(day)


def rejoin(day, seat_code, device_key=None, address="10.0.0.1", **extra):
    body = {"code": day.created["join_code"], "seat_code": seat_code,
            "device_key": device_key or secrets.token_urlsafe(32), **extra}
    return day.http.post("/api/rejoin", json=body, environ_base={"REMOTE_ADDR": address})


def test_seat_code_issue_gives_a_code_once_and_rejoin_takes_the_seat_back(board):
    me = board.person(0)
    board.phase("brainstorm")
    own = board.post(me, "Stops are never explained")
    board.phase("vote")
    me.ok("vote_cast", target_type="barrier", target_id=own)
    before = me.snapshot()
    board.day.drain()
    ack = me.send("seat_code_issue", cid="seat-1")
    code = ack["result"]["seat_code"]
    assert len(code) == seats.SEAT_CODE_LENGTH and set(code) <= set(seats.SEAT_CODE_ALPHABET)
    assert "seat_code" not in me.send("seat_code_issue", cid="seat-1")["result"]  # a repeat: never stored
    assert all(not c.events() for c in board.day.clients)  # nobody hears about it
    # A dead phone: the person types the code, spaced and in lower case, on a new one.
    resp = rejoin(board.day, f"{code[:4].lower()} {code[4:].lower()}")
    assert resp.status_code == 200, resp.get_json()
    answer = resp.get_json()
    assert answer["participant_id"] == me.participant_id and answer["room_id"] == board.room
    assert resp.headers["Cache-Control"] == "no-store"
    # The old device is told and cut; its token no longer works.
    assert [e["type"] for e in me.events()] == ["access_ended"]
    assert not me.sio.is_connected()
    new = board.day._client(answer["token"], "participant")
    after = new.snapshot()
    assert {k: v for k, v in after.items() if k != "seq"} == {k: v for k, v in before.items() if k != "seq"}
    # A facilitator issues a new code for the room's person: the earlier one stops working.
    fresh = board.fac.ok("seat_code_issue", participant_id=me.participant_id)["seat_code"]
    assert fresh != code
    assert rejoin(board.day, code).status_code == 404
    assert rejoin(board.day, fresh).status_code == 200


def test_seat_code_issue_refusals(board):
    me, other = board.person(0), board.person(1)
    board.refuse(me, "seat_code_issue", "forbidden", participant_id=other.participant_id)
    board.refuse(board.fac, "seat_code_issue", "not_found", participant_id=other.participant_id)
    board.refuse(board.fac, "seat_code_issue", "invalid")
    board.refuse(board.org, "seat_code_issue", "not_found", participant_id=999999)
    board.refuse(board.org, "seat_code_issue", "invalid", participant_id="seven")
    board.refuse(board.display, "seat_code_issue", "forbidden", participant_id=me.participant_id)
    gone = board.person(0)
    board.org.ok("participant_remove", participant_id=gone.participant_id, reason="Left early")
    board.refuse(board.org, "seat_code_issue", "not_found", participant_id=gone.participant_id)
    board.workshop_phase("closed")
    board.refuse(board.org, "seat_code_issue", "closed", participant_id=me.participant_id)


def test_rejoin_refusals(board):
    me = board.person(0)
    code = me.ok("seat_code_issue")["seat_code"]
    assert rejoin(board.day, "ABC").status_code == 400  # not the shape of a seat code
    assert rejoin(board.day, code, device_key="short").status_code == 400
    assert rejoin(board.day, code, code="ZZZZZZ").status_code == 404
    assert rejoin(board.day, "ABCD2345" if code != "ABCD2345" else "ABCD2346").status_code == 404
    assert board.day.http.post("/api/rejoin", data="[]", content_type="application/json").status_code == 400
    # Someone else's link used as a device key (read over a shoulder) takes no seat.
    resp = rejoin(board.day, code, device_key=board.day.created["organiser_token"])
    assert resp.status_code == 403
    # A removed person's code is dead with them.
    board.org.ok("participant_remove", participant_id=me.participant_id, reason="Left early")
    assert rejoin(board.day, code).status_code == 404


def test_a_closed_workshop_takes_no_seat_back(board):
    me = board.person(0)
    code = me.ok("seat_code_issue")["seat_code"]
    board.workshop_phase("closed")
    assert rejoin(board.day, code).status_code == 409


@pytest.fixture
def limited_day(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'seats.sqlite3'}", RATE_LIMITING=True, TRUSTED_PROXY_HOPS=1,
                   RATE_LIMITS={"seat_failures": (3, 600), "seat_failures_workshop": (5, 600)})
    d = Day(app)
    d.create()
    yield d
    d.close()
    app.extensions["common_ground_db"].dispose()


def _guess(day, address, right=None):
    body = {"code": day.created["join_code"], "seat_code": right or "".join(
        secrets.choice(seats.SEAT_CODE_ALPHABET) for _ in range(seats.SEAT_CODE_LENGTH)),
        "device_key": secrets.token_urlsafe(32)}
    return day.http.post("/api/rejoin", json=body, headers={"X-Forwarded-For": address})


def test_seat_codes_cannot_be_brute_forced(limited_day):
    d = limited_day
    me = d.join(connect=True)
    code = me.ok("seat_code_issue")["seat_code"]
    for _ in range(3):
        assert _guess(d, "198.51.100.7").status_code == 404
    # The address's budget is spent: even the right code is refused (no oracle), nothing changes.
    resp = _guess(d, "198.51.100.7", right=code)
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 0
    assert resp.get_json()["error"]["code"] == "rate_limited"
    assert me.sio.is_connected()
    # Many addresses: the workshop's own budget stops them all.
    for i in range(2):
        assert _guess(d, f"203.0.113.{i}").status_code == 404
    assert _guess(d, "203.0.113.99", right=code).status_code == 429
    assert me.sio.is_connected()


def test_a_seat_code_is_never_in_an_event_log_line_record_or_snapshot(board, caplog):
    caplog.set_level(logging.DEBUG)
    me = board.person(0)
    board.phase("brainstorm")
    board.post(me, "Stops are never explained")
    codes = [me.ok("seat_code_issue")["seat_code"],
             board.fac.ok("seat_code_issue", participant_id=me.participant_id)["seat_code"],
             board.org.ok("seat_code_issue", participant_id=me.participant_id)["seat_code"]]
    resp = rejoin(board.day, codes[-1], device_key=uuid.uuid4().hex * 2)
    assert resp.status_code == 200
    new = board.day._client(resp.get_json()["token"], "participant")
    with board.db.reading() as s:
        stored = [json.dumps(e.data) for e in s.scalars(select(Event))]
        stored += [json.dumps(a.detail) for a in s.scalars(select(AuditEntry))]
        stored += [json.dumps(r.result) for r in s.scalars(select(CommandRecord))]
        hashes = [h for h in s.scalars(select(Participant.seat_code_hash)) if h]
    seen = [json.dumps(c.snapshot()) for c in (new, board.fac, board.org, board.display)]
    seen += [json.dumps(c.events()) for c in board.day.clients if c.sio.is_connected()]
    text = "\n".join(stored + seen + [r.getMessage() for r in caplog.records])
    for code in codes:
        assert code not in text
    assert hashes and not any(h in text for h in hashes)
