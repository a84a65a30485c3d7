"""Joins batched like commands (server/domain/workshops.py join, issue 18): the joins that wait
for a workshop's lock run in one transaction, each with the outcome it would have had alone,
their events published in sequence order.

As in tests/test_group_commit.py, a test holds the workshop's lock, lets joins queue behind it
from threads (as a connect burst's requests do), then releases it."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, func, select

from server.domain import workshops
from server.domain.errors import CommandError
from server.models import Event, Participant, Room, Workshop

from .board import types


class QueuedJoins:
    """Joins sent from threads while the test holds the workshop's lock."""

    def __init__(self, day):
        self.db, self.ws, self.code = day.db, day.workshop_id, day.created["join_code"]
        self.threads: list[threading.Thread] = []
        self.results: list = []
        self.commits = 0
        self.published: list[int] = []
        self._publisher = self.db.publisher

    def _on_commit(self, _conn):
        self.commits += 1

    def _publish(self, outcomes):
        self.published.extend(e.seq for outcome in outcomes for e in outcome.events)
        if self._publisher:
            self._publisher(outcomes)

    def join(self, **body) -> int:
        body = {"code": self.code, "group": "community_member", "language": "en", **body}
        index = len(self.results)
        self.results.append(None)

        def run():
            try:
                self.results[index] = workshops.join(self.db, body)
            except CommandError as err:
                self.results[index] = err
        queue = self.db.command_queue(workshops.join_queue(self.ws))
        before = len(queue)
        t = threading.Thread(target=run)
        t.start()
        self.threads.append(t)
        _wait(lambda: len(queue) == before + 1)  # queued in this order
        return index

    def __enter__(self):
        self._lock = self.db.workshop_lock(self.ws)
        self._lock.__enter__()
        event.listen(self.db.engine, "commit", self._on_commit)
        self.db.publisher = self._publish
        return self

    def __exit__(self, *exc) -> None:
        self.commits = 0
        self._lock.__exit__(None, None, None)
        for t in self.threads:
            t.join(timeout=30)
            assert not t.is_alive()
        event.remove(self.db.engine, "commit", self._on_commit)
        self.db.publisher = self._publisher


def _wait(cond, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "a join did not queue"
        time.sleep(0.005)


def _people(day) -> int:
    with day.db.reading() as s:
        return s.scalar(select(func.count()).select_from(Participant).where(Participant.workshop_id == day.workshop_id))


def _seq_is_gap_free(day) -> None:
    with day.db.reading() as s:
        seqs = list(s.scalars(select(Event.seq).where(Event.workshop_id == day.workshop_id).order_by(Event.seq)))
        assert seqs == list(range(1, s.get(Workshop, day.workshop_id).seq + 1))


def test_joins_at_once_commit_together_with_distinct_people(day):
    before = _people(day)
    with QueuedJoins(day) as q:
        for i in range(12):
            q.join(group=("law_enforcement", "community_member")[i % 2])
    assert q.commits == 1  # twelve joins, one transaction
    answers = [r[0] for r in q.results]
    assert len({a["participant_id"] for a in answers}) == 12
    assert len({a["token"] for a in answers}) == 12
    assert _people(day) == before + 12
    # Published in sequence order, one participant_joined each; the rooms stay balanced.
    assert q.published == sorted(q.published) and len(q.published) == 12
    assert all(len(r[1]) == 1 and r[1][0].type == "participant_joined" for r in q.results)
    rooms = [a["room_id"] for a in answers]
    assert sorted(rooms.count(r) for r in set(rooms)) == [6, 6]
    _seq_is_gap_free(day)
    # Each answer works: the token connects as that person.
    phone = day._client(answers[5]["token"], "participant")
    assert phone.snapshot()["me"]["participant_id"] == answers[5]["participant_id"]


def test_a_refused_join_in_a_batch_leaves_the_others_alone(day):
    before = _people(day)
    with QueuedJoins(day) as q:
        q.join()
        q.join()
        bad_language = q.join(language="de")
        q.join(group="law_enforcement")
        bad_sector = q.join(group="no_such_sector")
        q.join()
        a_link = q.join(device_key=day.created["organiser_token"])  # someone's link used as a device key
        q.join()
    refused = {bad_language: "invalid", bad_sector: "invalid", a_link: "unauthorized"}
    for i, r in enumerate(q.results):
        if i in refused:
            assert isinstance(r, CommandError) and r.code == refused[i], r
        else:
            assert not isinstance(r, Exception), r
    assert "sectors" in q.results[bad_sector].details  # the same refusal as alone
    assert _people(day) == before + 5
    assert len({q.results[i][0]["participant_id"] for i in range(8) if i not in refused}) == 5
    assert q.published == sorted(q.published) and len(q.published) == 5
    _seq_is_gap_free(day)


def test_one_device_key_twice_in_a_batch_is_one_person(day):
    key = "batch-key-" + "y" * 30
    before = _people(day)
    with QueuedJoins(day) as q:
        q.join(device_key=key)
        q.join()
        q.join(device_key=key)
    (first, e1), (_, e2), (again, e3) = q.results
    assert first == again  # the same person, the same token
    assert len(e1) == 1 and e3 == [] and len(e2) == 1
    assert _people(day) == before + 2
    # And joining with the key later, alone, still answers the same person.
    later, events = workshops.join(day.db, {"code": day.created["join_code"], "group": "community_member",
                                            "language": "en", "device_key": key})
    assert later == first and events == []


def test_joins_to_a_closed_workshop_are_all_refused(day):
    with day.db.transaction() as s:
        s.get(Workshop, day.workshop_id).phase = "closed"
    before = _people(day)
    with QueuedJoins(day) as q:
        for _ in range(3):
            q.join()
    assert [getattr(r, "code", None) for r in q.results] == ["closed"] * 3
    assert _people(day) == before


def _mix(i: int) -> dict:
    """The i-th of a varied crowd: three sectors (two sides), three languages, some with names."""
    return {"group": ("law_enforcement", "community_member", "community_org", "community_member")[i % 4],
            "language": ("en", "es", "fa", "en", "en")[i % 5],
            **({"name": f"Person {i}", "anonymous": False} if i % 3 == 0 else {})}


def test_a_batch_seats_everyone_where_joins_one_at_a_time_would(day):
    """A batch counts the rooms once and then counts on (workshops._HeadCount): every person of it
    must land in the room the per-join count would have chosen, rooms' languages included."""
    day.create(rooms=3)
    code = day.created["join_code"]
    alone = workshops.create_workshop(day.db, title="Alone", rooms=3, languages=["en", "es", "fa"])
    for made in (day.created, alone):  # the second room's facilitator reads Spanish only; the third Persian
        rooms = [f["room_id"] for f in made["facilitators"]]
        with day.db.transaction() as s:
            for rid, langs in zip(rooms[1:], (["es"], ["fa"]), strict=True):
                s.get(Room, rid).languages = langs
    numbers = {}
    with day.db.reading() as s:
        numbers = {r.id: r.number for r in s.scalars(select(Room))}
    for i in range(4):  # some already seated before the burst
        workshops.join(day.db, {"code": code, "language": "en", **_mix(100 + i)})
        workshops.join(day.db, {"code": alone["join_code"], "language": "en", **_mix(100 + i)})
    one_by_one = [numbers[workshops.join(day.db, {"code": alone["join_code"], **_mix(i)})[0]["room_id"]]
                  for i in range(30)]
    with QueuedJoins(day) as q:
        for i in range(30):
            q.join(**_mix(i))
    assert q.commits == 1
    assert [numbers[r[0]["room_id"]] for r in q.results] == one_by_one
    assert len(set(one_by_one)) == 3


def test_named_people_of_a_batch_are_heard_by_their_sector_while_nominations_are_open(board):
    """The open nominations are read once per batch: each named officer of it is still told to the
    officers' phones (sector_person), the nameless and the other sectors as before."""
    from .test_election import crowd
    ppl = crowd(board)
    board.org.ok("election_open", seats={"community_member": 0, "community_org": 0})
    ppl["police"][0].events()
    ppl["members"][0].events()
    with QueuedJoins(board.day) as q:
        q.join(group="law_enforcement", name="Officer A", anonymous=False)
        q.join(group="law_enforcement")  # nameless: never listed
        q.join(group="community_member", name="Resident A", anonymous=False)  # no seat: no list
        q.join(group="law_enforcement", name="Officer B", anonymous=False)
    assert q.commits == 1
    told = [[e.type for e in r[1]] for r in q.results]
    assert told == [["participant_joined", "sector_person"], ["participant_joined"],
                    ["participant_joined"], ["participant_joined", "sector_person"]]
    people = ppl["police"][1].snapshot()["sector_people"]
    assert {p["name"] for p in people.values()} >= {"Officer A", "Officer B"}
    assert "sector_person" not in types(ppl["members"][0])


@pytest.mark.parametrize("limit", [3])
def test_the_join_limit_per_address_holds_for_joins_at_once(tmp_path, monkeypatch, limit):
    """Rate limits are checked per request before the join queues (server/http.py): of joins sent
    at once from one address, exactly `limit` get in, the rest are refused rate_limited."""
    from server import create_app
    monkeypatch.setenv("RATE_LIMITS", f"join={limit}/300")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'rl.sqlite3'}", "ASYNC_MODE": "threading",
                      "TESTING": True})
    made = workshops.create_workshop(app.extensions["common_ground_db"], title="Limits", rooms=1)
    gate = threading.Barrier(6)
    codes: list = [None] * 6

    def run(i):
        client = app.test_client()
        gate.wait()
        resp = client.post("/api/join", json={"code": made["join_code"], "group": "law_enforcement", "language": "en"})
        codes[i] = resp.get_json()["ok"] or resp.get_json()["error"]["code"]
    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(map(str, codes)) == sorted(["True"] * limit + ["rate_limited"] * (6 - limit))
    app.extensions["common_ground_db"].dispose()


GREEN_BURST = r"""
import eventlet
eventlet.monkey_patch()
import json, sys
from sqlalchemy import event
from server.db import Database
from server.domain.workshops import create_workshop, join
from server.migrate import upgrade

db = Database(sys.argv[1]); upgrade(db)
made = create_workshop(db, title="Burst", rooms=4, languages=["en"])
commits = []  # write transactions: each stores its events in one INSERT (reads commit too)
event.listen(db.engine, "before_cursor_execute",
             lambda conn, cur, sql, *a: commits.append(1) if sql.startswith("INSERT INTO events") else None)
pool = eventlet.GreenPool()
body = {"code": made["join_code"], "group": "community_member", "language": "en"}
results = list(pool.imap(lambda i: join(db, dict(body))[0]["participant_id"], range(40)))
print(json.dumps({"commits": len(commits), "ids": results}))
"""


def test_green_threads_that_join_at_once_share_transactions(tmp_path):
    """Under eventlet a SQLite transaction never yields: without join's pause before a batch is
    taken, forty phones joining at once would be forty transactions."""
    import json
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", GREEN_BURST, f"sqlite:///{tmp_path / 'burst.sqlite3'}"],
                         cwd=root, capture_output=True, text=True, timeout=120, check=True)
    ran = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(set(ran["ids"])) == 40
    assert ran["commits"] <= 5, ran["commits"]


def test_a_join_code_once_found_is_not_asked_again_and_an_unknown_one_always_is(day):
    """workshop_by_code keeps the codes it found (a workshop keeps its code for good); a code it did
    not find is asked again each time, so a workshop made meanwhile (by another process) is found."""
    from server.db import Database
    other = Database(day.db.url)  # another process: its own engine and memory
    statements = []
    event.listen(other.engine, "before_cursor_execute", lambda *a: statements.append(1))
    try:
        code = day.created["join_code"]
        assert workshops.workshop_by_code(other, code.lower()) == day.workshop_id
        asked = len(statements)
        assert asked >= 1
        assert workshops.workshop_by_code(other, f" {code} ") == day.workshop_id
        assert len(statements) == asked  # answered from memory
        for _ in range(2):
            with pytest.raises(CommandError) as err:
                workshops.workshop_by_code(other, "ZZZZ99")
            assert err.value.code == "not_found"
        assert len(statements) > asked + 1  # asked both times
        late = workshops.create_workshop(day.db, title="Made meanwhile", rooms=1)
        assert workshops.workshop_by_code(other, late["join_code"]) == late["workshop_id"]
    finally:
        other.dispose()
