"""An offline outbox may resend: a repeated `cid` returns the first answer and changes nothing.

Also: a cid reused for another command is refused, a refused command does
not use up its cid, joining again with the same device key is the same
person, and two copies of one command racing each other take effect once.
"""
from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import func, select

from server.domain import commands as domain_commands
from server.domain import dispatch, workshops
from server.domain.auth import Principal
from server.models import Barrier, CommandRecord, Event, Participant, Vote, Workshop

from .board import Board, table_counts


@pytest.fixture
def board(day):
    return Board(day)


def count(db, model, **where) -> int:
    with db.reading() as s:
        q = select(func.count()).select_from(model)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return s.scalar(q)


def test_a_resent_post_is_answered_with_the_first_result_and_posts_once(board):
    p = board.person(0)
    board.phase("brainstorm")
    board.day.drain()
    first = p.send("barrier_post", cid="outbox-1", text="Officers never explain stops")
    assert first["ok"] and first["repeated"] is False
    seq = board.org.snapshot()["seq"]
    rows = table_counts(board.db)
    assert [e["type"] for e in board.fac.events()] == ["barrier_posted"]
    assert [e["type"] for e in p.events()] == ["barrier_posted", "authorship"]
    # The phone lost the ack and resends, even with edited text: the first answer comes back.
    for text in ("Officers never explain stops", "Edited while offline"):
        again = p.send("barrier_post", cid="outbox-1", text=text)
        assert again == {"ok": True, "result": first["result"], "repeated": True}
    assert board.org.snapshot()["seq"] == seq
    assert table_counts(board.db) == rows
    assert count(board.db, Barrier, workshop_id=board.day.workshop_id) == 1
    assert board.fac.events() == [] and p.events() == []


def test_a_resent_staff_command_does_not_run_twice(board):
    first = board.fac.send("phase_advance", cid="advance-1", from_phase="lobby")
    assert first["ok"] and first["result"]["room"]["phase"] == "brainstorm"
    again = board.fac.send("phase_advance", cid="advance-1", from_phase="lobby")
    assert again["repeated"] is True and again["result"] == first["result"]
    assert board.org.snapshot()["rooms"][str(board.room)]["phase"] == "brainstorm"
    records = count(board.db, CommandRecord, workshop_id=board.day.workshop_id, client_id="advance-1")
    assert records == 1


def test_a_resent_vote_is_not_a_second_dot(board):
    author, voter = board.person(0), board.person(0)
    board.phase("brainstorm")
    bid = board.post(author, "Fear")
    board.phase("vote")
    first = voter.send("vote_cast", cid="dot-1", target_type="barrier", target_id=bid)
    again = voter.send("vote_cast", cid="dot-1", target_type="barrier", target_id=bid)
    assert first["ok"] and again["ok"] and again["repeated"] is True
    assert again["result"] == first["result"] == {"votes": 1, "remaining": 2, "seq": first["result"]["seq"]}
    assert count(board.db, Vote, workshop_id=board.day.workshop_id) == 1
    # A resend after the pause began still gets its first answer (nothing new happens).
    board.org.ok("workshop_pause")
    assert voter.send("vote_cast", cid="dot-1", target_type="barrier", target_id=bid)["repeated"] is True
    board.check_vote_honesty(voter)


def test_a_cid_belongs_to_one_command_of_one_sender(board):
    a, b = board.person(0), board.person(0)
    board.phase("brainstorm")
    assert a.send("barrier_post", cid="shared-cid", text="From A")["ok"]
    err = board.refuse(a, "council_volunteer", "cid_reused", cid="shared-cid", consent=False)
    assert err["code"] == "cid_reused"
    # Another sender's cid space is their own.
    ack = b.send("barrier_post", cid="shared-cid", text="From B")
    assert ack["ok"] and ack["repeated"] is False
    assert count(board.db, Barrier, workshop_id=board.day.workshop_id) == 2


def test_a_refused_command_does_not_use_up_its_cid(board):
    p = board.person(0)
    board.refuse(p, "barrier_post", "wrong_phase", cid="retry-me", text="Too early")
    board.phase("brainstorm")
    ack = p.send("barrier_post", cid="retry-me", text="Now it is time")
    assert ack["ok"] and ack["repeated"] is False


def test_joining_again_with_the_same_device_key_is_the_same_person(day):
    key = "again-" + uuid.uuid4().hex  # unique: PostgreSQL's database is shared by the run
    first = day.join_http(device_key=key, name="Ana")
    assert first.status_code == 200
    seq = count(day.db, Event, workshop_id=day.workshop_id)
    again = day.join_http(device_key=key, name="Ana")
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert first.get_json()["token"] != key  # derived from it one way (tests/security/test_device_key.py)
    assert count(day.db, Participant, workshop_id=day.workshop_id) == 1
    assert count(day.db, Event, workshop_id=day.workshop_id) == seq  # no second participant_joined
    # The same key cannot be used to join another workshop.
    other = workshops.create_workshop(day.db, title="Other", rooms=1)
    resp = day.http.post("/api/join", json={"code": other["join_code"], "group": "law_enforcement",
                                            "language": "en", "device_key": key})
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "unauthorized"


def _race(n: int, fn):
    """Run fn(i) in n threads released at the same moment; return results in thread order."""
    gate = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        gate.wait()
        try:
            results[i] = fn(i)
        except Exception as exc:  # noqa: BLE001 - reported by the assertions below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    return results


def test_two_copies_of_one_command_at_once_take_effect_once(board):
    p = board.person(0)
    board.phase("brainstorm")
    principal = Principal("participant", board.day.workshop_id, p.participant_id, board.room)
    for round_ in range(4):
        outcomes = _race(2, lambda i, round_=round_: dispatch(board.db, principal, "barrier_post",
                                                              {"cid": f"race-{round_}", "text": f"Copy {i}"}))
        assert not any(isinstance(o, Exception) for o in outcomes), outcomes
        assert sorted(o.repeated for o in outcomes) == [False, True]
        assert outcomes[0].result == outcomes[1].result
        fresh = next(o for o in outcomes if not o.repeated)
        assert [e.type for e in fresh.events] == ["barrier_posted", "authorship", "room_stats"]
        assert next(o for o in outcomes if o.repeated).events == []
    assert count(board.db, Barrier, workshop_id=board.day.workshop_id) == 4
    # Sequence numbers stayed gap-free under the races.
    with board.db.reading() as s:
        seqs = list(s.scalars(select(Event.seq).where(Event.workshop_id == board.day.workshop_id).order_by(Event.seq)))
        assert seqs == list(range(1, s.get(Workshop, board.day.workshop_id).seq + 1))


def test_many_voters_at_once_keep_tallies_and_sequence_exact(board):
    author = board.person(0)
    voters = [board.person(0) for _ in range(6)]
    board.phase("brainstorm")
    bid = board.post(author, "Everyone votes here")
    board.phase("vote")
    principals = [Principal("participant", board.day.workshop_id, v.participant_id, board.room) for v in voters]
    outcomes = _race(len(voters), lambda i: dispatch(board.db, principals[i], "vote_cast",
                                                     {"cid": "vote", "target_type": "barrier", "target_id": bid}))
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert sorted(o.result["votes"] for o in outcomes) == list(range(1, len(voters) + 1))
    board.check_vote_honesty(*voters)
    with board.db.reading() as s:
        seqs = list(s.scalars(select(Event.seq).where(Event.workshop_id == board.day.workshop_id).order_by(Event.seq)))
        assert seqs == list(range(1, s.get(Workshop, board.day.workshop_id).seq + 1))


def test_two_joins_with_one_device_key_at_once_make_one_person(day):
    key = "race-key-" + "x" * 30
    body = {"code": day.created["join_code"], "group": "community_member", "language": "en", "device_key": key}
    outcomes = _race(2, lambda i: workshops.join(day.db, dict(body)))
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    (r1, e1), (r2, e2) = outcomes
    assert r1 == r2
    assert sorted(len(e) for e in (e1, e2)) == [0, 1]
    assert count(day.db, Participant, workshop_id=day.workshop_id) == 1


def test_a_duplicate_that_loses_the_race_for_its_record_gets_the_first_result(board, monkeypatch):
    """If the duplicate check misses a concurrent twin, the unique record catches it and rolls back."""
    p = board.person(0)
    board.phase("brainstorm")
    principal = Principal("participant", board.day.workshop_id, p.participant_id, board.room)
    first = dispatch(board.db, principal, "barrier_post", {"cid": "twin", "text": "Only once"})
    real = domain_commands._find_record
    calls = {"n": 0}

    def blind_once(session, who, client_id):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(session, who, client_id)

    monkeypatch.setattr(domain_commands, "_find_record", blind_once)
    twin = dispatch(board.db, principal, "barrier_post", {"cid": "twin", "text": "Only once"})
    assert twin.repeated is True and twin.result == first.result and twin.events == []
    assert count(board.db, Barrier, workshop_id=board.day.workshop_id) == 1
    with board.db.reading() as s:
        assert s.get(Workshop, board.day.workshop_id).seq == first.result["seq"]
