"""Group commit (server/domain/commands.py): participant commands that wait for the
workshop's lock run together in one transaction, each with the outcome it would
have had alone, and their events are published in sequence order.

A test holds the workshop's lock, lets commands queue behind it from threads (as
a storm's sockets do), then releases it: whoever takes the lock next runs them.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from server.domain import dispatch
from server.domain.auth import Principal
from server.domain.errors import CommandError
from server.models import CommandRecord, Vote

from .board import Board


@pytest.fixture
def board(day):
    return Board(day)


class Queued:
    """Commands sent from threads while the test holds the workshop's lock."""

    def __init__(self, board):
        self.db = board.db
        self.ws = board.day.workshop_id
        self.threads: list[threading.Thread] = []
        self.results: list = []
        self.commits = 0
        self.published: list[int] = []
        event.listen(self.db.engine, "commit", self._on_commit)
        self._publisher = self.db.publisher
        self.db.publisher = self._publish

    def _on_commit(self, _conn):
        self.commits += 1

    def _publish(self, outcomes):
        self.published.extend(outcome.result["seq"] for outcome in outcomes)
        self._publisher(outcomes)

    def send(self, principal: Principal, name: str, cid: str, **payload) -> int:
        """Queue one command behind the held lock; returns its index in `results`."""
        index = len(self.results)
        self.results.append(None)

        def run():
            try:
                self.results[index] = dispatch(self.db, principal, name, {"cid": cid, **payload})
            except CommandError as err:
                self.results[index] = err
        queue = self.db.command_queue(self.ws)
        before = len(queue)
        t = threading.Thread(target=run)
        t.start()
        self.threads.append(t)
        _wait(lambda: len(queue) == before + 1)  # queued in this order
        return index

    def __enter__(self):
        """Hold the workshop's lock: what is sent now queues behind it."""
        self._lock = self.db.workshop_lock(self.ws)
        self._lock.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        """Release the lock, wait for every command to be answered, count only their commits."""
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
        assert time.monotonic() < deadline, "a command did not queue"
        time.sleep(0.005)


def _principal(board, client) -> Principal:
    return Principal("participant", board.day.workshop_id, client.participant_id, client.room_id)


def _people(board, n):
    return [board.person(0) for _ in range(n)]


def _vote_room(board, people, barriers=3):
    board.phase("brainstorm")
    ids = [board.post(people[i % len(people)], f"Barrier {i}") for i in range(barriers)]
    board.phase("vote")
    return ids


def _stored_votes(board, participant_id=None):
    """Dots stored in this test's workshop (the PostgreSQL database is shared by the session's tests)."""
    q = select(func.count()).select_from(Vote).where(Vote.workshop_id == board.day.workshop_id)
    if participant_id is not None:
        q = q.where(Vote.participant_id == participant_id)
    with board.db.reading() as s:
        return s.scalar(q)


def test_waiting_votes_commit_together_in_sequence_order(board):
    people = _people(board, 6)
    bids = _vote_room(board, people)
    with Queued(board) as q:
        for i, p in enumerate(people):
            q.send(_principal(board, p), "vote_cast", f"v{i}", target_type="barrier", target_id=bids[i % 3])

    assert q.commits == 1  # one transaction for the six votes (one each without group commit)
    seqs = [r.result["seq"] for r in q.results]
    assert all(not r.repeated for r in q.results)
    assert seqs == sorted(seqs)  # numbered in the order they queued
    # Each vote emits tally, my_votes, room_stats and (a first dot) vote_progress: four numbers
    # each, no gaps between votes.
    assert seqs == [seqs[0] + 4 * i for i in range(6)]
    assert [r.result["votes"] for r in q.results] == [1, 1, 1, 2, 2, 2]
    assert q.published == seqs  # published once each, in sequence order
    assert _stored_votes(board) == 6
    for p in people:
        assert _stored_votes(board, p.participant_id) == 1


def test_an_overloaded_workshop_refuses_new_participant_commands_until_the_queue_drains(board, monkeypatch):
    """More than MAX_WAITING commands waiting: a new participant command is refused rate_limited with
    retry_after (nothing stored; the phone's outbox resends it with the same cid), a staff command
    still queues, and once the queue drains the resend is applied (issue 18)."""
    from server.domain import commands as domain_commands
    monkeypatch.setattr(domain_commands, "MAX_WAITING", 3)
    people = _people(board, 4)
    bids = _vote_room(board, people)
    late = _principal(board, people[3])
    with Queued(board) as q:
        for i in range(3):
            q.send(_principal(board, people[i]), "vote_cast", f"v{i}", target_type="barrier", target_id=bids[0])
        answer: list = []

        def send_late():
            try:
                answer.append(dispatch(board.db, late, "vote_cast",
                                       {"cid": "late", "target_type": "barrier", "target_id": bids[0]}))
            except CommandError as err:
                answer.append(err)
        t = threading.Thread(target=send_late)
        t.start()
        t.join(5)
        assert answer, "the command queued behind the lock instead of being refused at once"
        assert answer[0].code == "rate_limited"
        assert answer[0].details == {"retry_after": domain_commands.BUSY_RETRY_AFTER_SECS, "retryable": True}
        staff = q.send(Principal("organiser", board.day.workshop_id), "timer_set", "staff",
                       room_id=board.room, seconds=60)  # queued beyond the bound: staff are never shed
    assert [r.result["votes"] for r in q.results[:3]] == [1, 2, 3]
    assert not isinstance(q.results[staff], CommandError), q.results[staff]
    assert _stored_votes(board, people[3].participant_id) == 0  # the refused one changed nothing
    again = dispatch(board.db, late, "vote_cast", {"cid": "late", "target_type": "barrier", "target_id": bids[0]})
    assert again.result["votes"] == 4 and not again.repeated


def test_a_refusal_in_a_batch_is_that_command_alone(board):
    people = _people(board, 5)
    bids = _vote_room(board, people)
    with Queued(board) as q:
        for i, p in enumerate(people):
            target = 999_999 if i == 2 else bids[0]
            q.send(_principal(board, p), "vote_cast", f"r{i}", target_type="barrier", target_id=target)

    refused = q.results[2]
    assert isinstance(refused, CommandError) and refused.code == "not_found"
    ok = [r for i, r in enumerate(q.results) if i != 2]
    assert [r.result["votes"] for r in ok] == [1, 2, 3, 4]
    seqs = [r.result["seq"] for r in ok]
    assert seqs == [seqs[0] + 4 * i for i in range(4)]  # the refused vote took no number
    assert q.published == seqs
    assert _stored_votes(board) == 4
    assert _stored_votes(board, people[2].participant_id) == 0
    with board.db.reading() as s:  # no idempotency record for the refusal: the phone may retry
        assert s.scalar(select(func.count()).select_from(CommandRecord)
                        .where(CommandRecord.workshop_id == board.day.workshop_id,
                               CommandRecord.client_id == "r2")) == 0


def test_a_resend_in_the_same_batch_runs_once(board):
    people = _people(board, 2)
    bids = _vote_room(board, people)
    with Queued(board) as q:
        first = q.send(_principal(board, people[0]), "vote_cast", "same", target_type="barrier", target_id=bids[0])
        q.send(_principal(board, people[1]), "vote_cast", "other", target_type="barrier", target_id=bids[0])
        again = q.send(_principal(board, people[0]), "vote_cast", "same", target_type="barrier", target_id=bids[0])
        reused = q.send(_principal(board, people[0]), "vote_withdraw", "same", target_type="barrier", target_id=bids[0])

    assert not q.results[first].repeated
    assert q.results[again].repeated and q.results[again].result == q.results[first].result
    assert q.results[again].events == []
    assert isinstance(q.results[reused], CommandError) and q.results[reused].code == "cid_reused"
    assert _stored_votes(board, people[0].participant_id) == 1
    assert _stored_votes(board) == 2


@contextmanager
def _statements(board):
    """The SQL texts the database runs inside the block."""
    seen: list[str] = []

    def record(_conn, _cursor, sql, *_args):
        seen.append(sql)
    event.listen(board.db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(board.db.engine, "before_cursor_execute", record)


def test_a_batch_reads_its_senders_and_their_records_in_one_statement(board):
    """Six votes in one batch: one statement reads the six senders and their client ids' records
    (issue 18; one each before), and each vote still gets its own outcome."""
    people = _people(board, 6)
    bids = _vote_room(board, people)
    with _statements(board) as seen, Queued(board) as q:
        for i, p in enumerate(people):
            q.send(_principal(board, p), "vote_cast", f"s{i}", target_type="barrier", target_id=bids[i % 3])
    assert q.commits == 1
    assert [r.result["votes"] for r in q.results] == [1, 1, 1, 2, 2, 2]
    senders = [sql for sql in seen if "FROM participants" in sql]
    assert len(senders) == 1 and "command_records" in senders[0], senders


def test_on_postgresql_batches_of_any_size_read_their_senders_with_one_text(board):
    """The batch's senders read runs as its compiled text with the ids and client ids as two arrays
    (`= ANY`): batches of 2 and of 5 run the same text (an expanding IN renders one per size)."""
    people = _people(board, 7)
    bids = _vote_room(board, people)
    with _statements(board) as seen:
        for batch, cid in ((people[:2], "a"), (people[2:], "b")):
            with Queued(board) as q:
                for i, p in enumerate(batch):
                    q.send(_principal(board, p), "vote_cast", f"{cid}{i}", target_type="barrier", target_id=bids[0])
            assert q.commits == 1 and all(r.result["votes"] for r in q.results), q.results
    senders = [sql for sql in seen if "FROM participants" in sql]
    assert len(senders) == 2, senders
    if board.db.engine.dialect.name == "postgresql":
        assert senders[0] == senders[1] and "ANY" in senders[0].upper(), senders
    assert _stored_votes(board) == 7


def test_a_batch_refuses_a_removed_sender_and_answers_a_stored_cid_from_its_record(board):
    """What the one read for the whole batch must still tell apart: a participant removed before the
    batch (refused, nothing stored), a cid stored before the batch (its first result, no events, even
    though running it again would now succeed: the dot was taken back since), the same cid for another
    command (cid_reused) and someone who never was (refused)."""
    people = _people(board, 4)
    bids = _vote_room(board, people)
    early = dispatch(board.db, _principal(board, people[0]), "vote_cast",
                     {"cid": "early", "target_type": "barrier", "target_id": bids[0]})
    dispatch(board.db, _principal(board, people[0]), "vote_withdraw",
             {"cid": "undo", "target_type": "barrier", "target_id": bids[0]})
    board.org.ok("participant_remove", participant_id=people[1].participant_id, reason="test")
    ghost = Principal("participant", board.day.workshop_id, people[3].participant_id + 10_000, people[3].room_id)
    with Queued(board) as q:
        # A refusal splits a batch and the commands before it run together again: the resend sits
        # among others, so it is answered from the batch's one read, not from a read of its own.
        ok = q.send(_principal(board, people[2]), "vote_cast", "fine", target_type="barrier", target_id=bids[0])
        again = q.send(_principal(board, people[0]), "vote_cast", "early", target_type="barrier", target_id=bids[0])
        last = q.send(_principal(board, people[3]), "vote_cast", "last", target_type="barrier", target_id=bids[1])
        removed = q.send(_principal(board, people[1]), "vote_cast", "gone", target_type="barrier", target_id=bids[0])
        reused = q.send(_principal(board, people[0]), "vote_withdraw", "early", target_type="barrier", target_id=bids[0])
        nobody = q.send(ghost, "vote_cast", "ghost", target_type="barrier", target_id=bids[0])

    assert q.results[again].repeated and q.results[again].result == early.result and q.results[again].events == []
    # The three that went through shared one transaction: had the batch's read missed the stored
    # record, the resend would have run again, the record's unique key would have failed the batch,
    # and each would have run alone.
    assert q.commits == 1
    assert isinstance(q.results[removed], CommandError) and q.results[removed].code == "unauthorized"
    assert isinstance(q.results[reused], CommandError) and q.results[reused].code == "cid_reused"
    assert isinstance(q.results[nobody], CommandError) and q.results[nobody].code == "unauthorized"
    assert q.results[ok].result["votes"] == 1 and q.results[last].result["votes"] == 1
    assert _stored_votes(board, people[1].participant_id) == 0
    assert _stored_votes(board, people[0].participant_id) == 0  # the resent vote was not cast again
    assert _stored_votes(board) == 2


def test_other_commands_run_alone_between_batches_in_arrival_order(board):
    people = _people(board, 4)
    bids = _vote_room(board, people)
    organiser = Principal("organiser", board.day.workshop_id)
    with Queued(board) as q:
        q.send(_principal(board, people[0]), "vote_cast", "a0", target_type="barrier", target_id=bids[0])
        q.send(_principal(board, people[1]), "vote_cast", "a1", target_type="barrier", target_id=bids[0])
        mid = q.send(organiser, "timer_set", "t1", room_id=board.room, seconds=300)
        q.send(_principal(board, people[2]), "vote_cast", "a2", target_type="barrier", target_id=bids[1])
        q.send(_principal(board, people[3]), "vote_cast", "a3", target_type="barrier", target_id=bids[1])

    assert not isinstance(q.results[mid], CommandError), q.results[mid]
    seqs = [r.result["seq"] for r in q.results]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5
    assert q.published == seqs
    assert q.commits == 3  # two votes together, the organiser alone, two votes together


def test_a_refused_batch_member_changes_nothing_the_phones_see(board):
    """The others' events reach the room once each, in order; the refused phone hears nothing of its own."""
    people = _people(board, 3)
    bids = _vote_room(board, people)
    board.day.drain()
    with Queued(board) as q:
        q.send(_principal(board, people[0]), "vote_cast", "x0", target_type="barrier", target_id=bids[0])
        q.send(_principal(board, people[1]), "vote_cast", "x1", target_type="plenary", target_id=bids[0])  # not in plenary
        q.send(_principal(board, people[2]), "vote_cast", "x2", target_type="barrier", target_id=bids[0])

    assert isinstance(q.results[1], CommandError) and q.results[1].code == "wrong_phase"
    heard = {"refused phone": people[1].events(), "facilitator": board.fac.events()}
    for screen, events in heard.items():
        seqs = [e["seq"] for e in events]
        assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)), screen
        assert [e["data"]["votes"] for e in events if e["type"] == "tally"] == [1, 2], screen
    assert not [e for e in heard["refused phone"] if e["type"] == "my_votes"]


GREEN_STORM = r"""
import eventlet
eventlet.monkey_patch()
import json, sys, uuid
from sqlalchemy import event
from server.db import Database
from server.domain import dispatch
from server.domain.auth import Principal
from server.domain.workshops import create_workshop, join
from server.migrate import upgrade

db = Database(sys.argv[1]); upgrade(db)
made = create_workshop(db, title="Green", rooms=1, vote_budget=3, languages=["en"], live_tallies=True)
ws = made["workshop_id"]
people = []
for i in range(20):
    j, _ = join(db, {"code": made["join_code"], "group": "community_member", "language": "en"})
    people.append(Principal("participant", ws, j["participant_id"], j["room_id"]))
organiser = Principal("organiser", ws)
room = people[0].room_id
cid = lambda: uuid.uuid4().hex[:16]
dispatch(db, organiser, "phase_advance", {"cid": cid(), "from_phase": "lobby", "room_id": room})
barrier = dispatch(db, people[0], "barrier_post", {"cid": cid(), "text": "Stops"}).result["barrier"]["id"]
for phase in ("brainstorm", "reveal"):
    dispatch(db, organiser, "phase_advance", {"cid": cid(), "from_phase": phase, "room_id": room})
commits = []
event.listen(db.engine, "commit", lambda conn: commits.append(1))
pool = eventlet.GreenPool()
results = list(pool.imap(lambda p: dispatch(db, p, "vote_cast", {"cid": cid(), "target_type": "barrier",
                                                                   "target_id": barrier}).result, people))
print(json.dumps({"commits": len(commits), "results": results}))
"""


def test_green_threads_that_vote_at_once_share_transactions(tmp_path):
    """Under eventlet a SQLite transaction never yields: without the pause before a batch is taken
    (execute's sleep(0)) twenty votes sent at once would be twenty transactions."""
    import json
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", GREEN_STORM, f"sqlite:///{tmp_path / 'green.sqlite3'}"],
                         cwd=root, capture_output=True, text=True, timeout=120, check=True)
    ran = json.loads(out.stdout.strip().splitlines()[-1])
    assert sorted(r["votes"] for r in ran["results"]) == list(range(1, 21))
    seqs = [r["seq"] for r in ran["results"]]
    assert len(set(seqs)) == 20
    assert ran["commits"] < 10, ran["commits"]  # 20 without the pause


def test_a_queue_longer_than_a_batch_runs_in_order_once_each(board, monkeypatch):
    from server.domain import commands
    monkeypatch.setattr(commands, "MAX_BATCH", 2)
    people = _people(board, 5)
    bids = _vote_room(board, people)
    with Queued(board) as q:
        for i, p in enumerate(people):
            q.send(_principal(board, p), "vote_cast", f"m{i}", target_type="barrier", target_id=bids[0])

    assert all(not r.repeated for r in q.results)
    seqs = [r.result["seq"] for r in q.results]
    assert seqs == sorted(seqs)  # in the order they queued, whichever thread took the lock first
    assert [r.result["votes"] for r in q.results] == [1, 2, 3, 4, 5]
    assert q.published == seqs
    assert q.commits == 3  # batches of two, two and one
    assert _stored_votes(board) == 5


def test_a_join_is_published_by_the_database_under_the_lock_like_a_command(board):
    published = []
    original = board.db.publisher

    def record(outcomes):
        published.extend([e.type for e in outcome.events] for outcome in outcomes)
        original(outcomes)
    board.db.publisher = record
    try:
        board.day.drain()
        data = board.day.join(connect=False)
    finally:
        board.db.publisher = original
    assert published == [["participant_joined"]]
    heard = [e for e in board.org.events() if e["type"] == "participant_joined"]
    assert [e["data"]["participant"]["id"] for e in heard] == [data["participant_id"]]  # once, via the publisher


class StormClock:
    """commands.time for the storm-wait tests. Its clock can be stopped (`stopped`: what monotonic()
    answers), so "the last batch was taken just now" does not depend on how fast the test runs; its
    sleep records what it was asked, and a wait (> 0) holds the sleeper until `go` is set, so "more
    commands arrive during the wait" does not depend on how fast threads start."""

    def __init__(self):
        self.slept: list[float] = []
        self.go = threading.Event()
        self.stopped: float | None = None

    def monotonic(self) -> float:
        return time.monotonic() if self.stopped is None else self.stopped

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        if seconds > 0:
            assert self.go.wait(30), "the test never ended the wait"
        else:
            time.sleep(0)


@pytest.fixture
def storm(board, monkeypatch):
    """The board's workshop with a 10 ms group-commit wait, commands.time replaced by a StormClock
    (stopped: every batch was taken "just now" unless the test moves it)."""
    from server.domain import commands as domain_commands
    clock = StormClock()
    clock.stopped = time.monotonic()
    monkeypatch.setattr(domain_commands, "time", clock)
    monkeypatch.setattr(board.db, "group_commit_wait", 0.01)
    return clock


def _a_batch_of_three(board, people, target, tag="s"):
    """Three votes (one each by people[:3]) that queued together: the workshop is in a storm."""
    with Queued(board) as q:
        for i in range(3):
            q.send(_principal(board, people[i]), "vote_cast", f"{tag}{i}", target_type="barrier", target_id=target)
    assert not [r for r in q.results if isinstance(r, CommandError)]
    assert q.commits == 1
    assert board.db.command_queue(board.day.workshop_id).last_batch_size == 3


def _vote(board, who, cid, target, name="vote_cast"):
    return dispatch(board.db, _principal(board, who), name, {"cid": cid, "target_type": "barrier", "target_id": target})


def test_in_a_storm_the_vote_that_takes_the_lock_waits_and_the_votes_that_arrive_share_its_transaction(board,
                                                                                                       storm):
    people = _people(board, 6)
    bids = _vote_room(board, people)
    _a_batch_of_three(board, people, bids[0])
    storm.slept.clear()
    q = Queued(board)  # not holding the lock: the first vote takes it and waits
    q.commits = 0
    first = q.send(_principal(board, people[3]), "vote_cast", "w0", target_type="barrier", target_id=bids[1])
    _wait(lambda: storm.slept == [0.01])  # the first vote holds the lock, waiting
    later = [q.send(_principal(board, p), "vote_cast", f"w{i}", target_type="barrier", target_id=bids[1])
             for i, p in enumerate(people[4:], 1)]
    storm.go.set()
    for t in q.threads:
        t.join(timeout=30)
    event.remove(board.db.engine, "commit", q._on_commit)
    board.db.publisher = q._publisher

    assert q.commits == 1  # three votes, one transaction
    assert [q.results[i].result["votes"] for i in (first, *later)] == [1, 2, 3]
    seqs = [q.results[i].result["seq"] for i in (first, *later)]
    assert q.published == seqs == sorted(seqs)
    assert storm.slept == [0.01]  # only the vote that took the lock waited; the others were run by it
    assert _stored_votes(board) == 6


def test_a_lone_vote_a_staff_command_and_a_vote_after_the_storm_never_wait(board, storm):
    people = _people(board, 8)  # two dots each at most, one per barrier
    bids = _vote_room(board, people)
    storm.go.set()  # a wait that should not happen returns at once: the assertions on `slept` catch it
    storm.slept.clear()
    for i in range(2):  # one after another: each alone in its transaction, nobody waits
        _vote(board, people[i], f"a{i}", bids[0])
    assert storm.slept == [0, 0]

    _a_batch_of_three(board, people[2:], bids[0], "b")
    storm.slept.clear()
    dispatch(board.db, Principal("organiser", board.day.workshop_id), "timer_set",
             {"cid": "t1", "room_id": board.room, "seconds": 60})
    assert storm.slept == [0]  # staff commands never wait: the facilitators keep steering at once

    _a_batch_of_three(board, people[5:], bids[1], "c")
    storm.slept.clear()
    storm.stopped += 1  # the storm's last batch was a second ago: it is over
    _vote(board, people[0], "late", bids[1])
    assert storm.slept == [0]

    _a_batch_of_three(board, people[1:], bids[1], "d")
    storm.slept.clear()
    _vote(board, people[4], "in-storm", bids[2])  # in the storm: it waits (nobody else came)
    _vote(board, people[5], "after", bids[2])  # its batch of one ended the storm: this one does not wait
    assert storm.slept == [0.01, 0]
    assert _stored_votes(board) == 14


def test_with_no_wait_configured_a_storm_does_not_wait(board, storm, monkeypatch):
    monkeypatch.setattr(board.db, "group_commit_wait", 0)
    storm.go.set()
    people = _people(board, 4)
    bids = _vote_room(board, people)
    _a_batch_of_three(board, people, bids[0])
    storm.slept.clear()
    _vote(board, people[3], "n", bids[0])
    assert storm.slept == [0]


GREEN_STAGGERED_STORM = GREEN_STORM.replace(
    "pool = eventlet.GreenPool()", """db.group_commit_wait = float(sys.argv[2]) / 1000
def vote(i):
    eventlet.sleep(0.002 * max(0, i - 4))  # five at once, then one every 2 ms (a storm's phones)
    return dispatch(db, people[i], "vote_cast", {"cid": cid(), "target_type": "barrier", "target_id": barrier}).result
pool = eventlet.GreenPool()""").replace(
    "pool.imap(lambda p: dispatch(db, p, \"vote_cast\", {\"cid\": cid(), \"target_type\": \"barrier\",\n"
    "                                                                   \"target_id\": barrier}).result, people)",
    "pool.imap(vote, range(len(people)))").replace("range(20)", "range(40)")


def test_green_threads_of_a_storm_share_transactions_when_the_first_waits(tmp_path):
    """Under eventlet with a 20 ms wait: forty votes, five at once then one every 2 ms. Without the wait
    each of the staggered ones is alone in its transaction (its leader finds nobody queued)."""
    import json
    import subprocess
    import sys
    from pathlib import Path
    assert "pool.imap(vote," in GREEN_STAGGERED_STORM and "range(40)" in GREEN_STAGGERED_STORM
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", GREEN_STAGGERED_STORM, f"sqlite:///{tmp_path / 'wait.sqlite3'}",
                          "20"], cwd=root, capture_output=True, text=True, timeout=120, check=True)
    ran = json.loads(out.stdout.strip().splitlines()[-1])
    assert sorted(r["votes"] for r in ran["results"]) == list(range(1, 41))
    assert len({r["seq"] for r in ran["results"]}) == 40
    assert ran["commits"] <= 15, ran["commits"]
