"""Running a command: lock, check, change, log events, remember, commit.

The single path every change takes (docs/architecture.md):
  1. open a transaction and lock the workshop row (Postgres: SELECT ... FOR
     UPDATE; SQLite: BEGIN IMMEDIATE already holds the write lock), which
     serialises commands per workshop and keeps sequence numbers gap-free;
  2. re-read the principal (a revoked link or removed participant stops here);
  3. answer a repeated client id with the first result, changing nothing;
  4. run the command, which changes rows and appends events via ctx.emit();
  5. store the idempotency record and commit.
After commit, still under the lock, the events are published in order (Database.publish).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from operator import attrgetter
from typing import Any

from sqlalchemy import and_, any_, bindparam, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..db import CommandQueue, Database
from ..driver_sql import DriverStatement, JsonRows
from ..models import AuditEntry, CommandRecord, Event, NewEvent, Participant, Workshop, utcnow
from . import audiences as aud
from . import auth
from .errors import CommandError

MAX_CLIENT_ID_CHARS = 64

# Built once: every command that changes something runs them (Core, not the unit of work).
_EVENTS = Event.__table__
_RECORDS = CommandRecord.__table__
_EVENT_COLUMNS = ("workshop_id", "seq", "type", "data", "audience", "at")
_RECORD_COLUMNS = ("workshop_id", "actor", "client_id", "name", "result", "seq", "at")
# SQLite: a batch's events and its commands' records each go in through ONE compiled one-row INSERT
# run as the driver's executemany (sqlite3's is a loop in C), and the new seq through one UPDATE,
# all three run as their compiled text (server/driver_sql.py). Through Session.execute the INSERTs
# were SQLAlchemy's many-VALUES form (a new text for each batch size, every parameter built by the
# compiled statement): a tenth of the server's CPU in the 1,000-phone storm (issue 18). Running
# SQLAlchemy's own executemany instead sent one statement per row through its per-row hooks, slower
# still (under eventlet, 100 events cost 8.9 ms of CPU against the many-VALUES form's 3.7).
_INSERT_EVENT_ROW = DriverStatement(_EVENTS.insert().values({c: bindparam(c) for c in _EVENT_COLUMNS}))
_INSERT_RECORD_ROW = DriverStatement(_RECORDS.insert().values({c: bindparam(c) for c in _RECORD_COLUMNS}))
_SET_SEQ = DriverStatement(update(Workshop.__table__).where(Workshop.__table__.c.id == bindparam("ws_id"))
                           .values(seq=bindparam("new_seq")))
# PostgreSQL: a batch's events, its records and the workshop's new seq in ONE statement, the rows as
# JSON parameters (server/driver_sql.JsonRows), run as its compiled text (DriverStatement): three
# round trips were one each, and the many-VALUES text changed with the batch's size (issue 18).
# The seq is written only when it moved (a command without events: no new row version).
_EVENT_ROWS = JsonRows(_EVENTS, _EVENT_COLUMNS, "events")
_RECORD_ROWS = JsonRows(_RECORDS, _RECORD_COLUMNS, "records")
_STORE_BATCH = DriverStatement(
    update(Workshop.__table__)
    .where(Workshop.__table__.c.id == bindparam("ws_id"), Workshop.__table__.c.seq != bindparam("new_seq"))
    .values(seq=bindparam("new_seq"))
    .add_cte(_EVENT_ROWS.insert.cte("stored_events"))
    .add_cte(_RECORD_ROWS.insert.cte("stored_records")))


@dataclass
class Context:
    session: Session
    principal: auth.Principal
    workshop: Workshop
    now: datetime
    events: list[NewEvent] = field(default_factory=list)
    # Audiences (Socket.IO rooms) whose open connections are cut after commit:
    # a removed participant's `p:<id>`, a revoked facilitator link's `l:<id>`.
    disconnect: list[str] = field(default_factory=list)
    # Result fields that go to the sender once and are never stored (a new link's
    # token): the idempotency record keeps the result without them.
    secrets: dict = field(default_factory=dict)
    # The workshop's last event number inside this transaction; written to the
    # workshop row once per transaction (the row is locked, so nobody else numbers).
    seq: int = field(init=False)

    def __post_init__(self):
        self.seq = self.workshop.seq

    def emit(self, type_: str, data: dict, audience: list[str] | set[str]) -> NewEvent:
        """Append an event to the workshop's log, numbered inside this transaction."""
        self.seq += 1
        ev = NewEvent(self.workshop.id, self.seq, type_, data, sorted(set(audience)), self.now)
        # Stored by the transaction, all in one INSERT; the command's queries in between
        # (tallies, room counts) then have no event rows or seq update to flush first.
        self.events.append(ev)
        return ev

    def numbered(self) -> list[NewEvent]:
        """The command's events; the workshop object shows the new seq without becoming dirty.

        The transaction stores them (`_transaction`: one INSERT and one seq UPDATE per batch)."""
        set_committed_value(self.workshop, "seq", self.seq)
        return list(self.events)

    def finish(self) -> list[NewEvent]:
        """Store the command's events and the workshop's new seq (outside execute(): join, expiry)."""
        events = self.numbered()
        store_batch(self.session, self.workshop, self.seq - len(events), events)
        return events

    def audit(self, action: str, **detail) -> None:
        self.session.add(AuditEntry(workshop_id=self.workshop.id, actor=self.principal.actor,
                                    action=action, detail=detail, at=self.now))

    # This workshop's audiences (audiences.py).
    @property
    def everyone(self) -> str:
        return aud.everyone(self.workshop.id)

    @property
    def organisers(self) -> str:
        return aud.organisers(self.workshop.id)

    @property
    def display(self) -> str:
        return aud.display(self.workshop.id)

    @property
    def staff(self) -> str:
        """The organisers and every room's facilitators."""
        return aud.staff(self.workshop.id)


def _event_rows(events: list[NewEvent]) -> list[dict]:
    return [{"workshop_id": e.workshop_id, "seq": e.seq, "type": e.type, "data": e.data,
             "audience": e.audience, "at": e.at} for e in events]


def store_batch(session: Session, ws: Workshop, start_seq: int, events: list[NewEvent],
                records: list[dict] | None = None) -> None:
    """A batch's events, its commands' records and the workshop's new seq (the row is locked):
    one statement on PostgreSQL, an INSERT each and an UPDATE elsewhere."""
    records = records or []
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        if events or records or ws.seq != start_seq:
            _STORE_BATCH.execute(session, {"events": _EVENT_ROWS.values(dialect, _event_rows(events)),
                                           "records": _RECORD_ROWS.values(dialect, records),
                                           "ws_id": ws.id, "new_seq": ws.seq})
        return
    _INSERT_EVENT_ROW.execute_many(session, _event_rows(events))
    _INSERT_RECORD_ROW.execute_many(session, records)
    if ws.seq != start_seq:
        _SET_SEQ.execute(session, {"ws_id": ws.id, "new_seq": ws.seq})


@dataclass
class Outcome:
    result: dict
    events: list[NewEvent]
    repeated: bool = False
    disconnect: list[str] = field(default_factory=list)


_LOCK = select(Workshop).where(Workshop.id == bindparam("workshop_id")).with_for_update()


def lock_workshop(session: Session, workshop_id: str) -> Workshop:
    ws = session.scalar(_LOCK, {"workshop_id": workshop_id})
    if ws is None:
        raise CommandError("not_found", "This workshop no longer exists.")
    return ws


def check_client_id(client_id: Any) -> str:
    # Printable text only: a NUL or a lone surrogate cannot be stored (PostgreSQL, UTF-8).
    if not isinstance(client_id, str) or not (1 <= len(client_id) <= MAX_CLIENT_ID_CHARS) \
            or not client_id.isprintable() or any("\ud800" <= ch <= "\udfff" for ch in client_id):
        raise CommandError("bad_request",
                           f"Every command needs a client id 'cid' (1-{MAX_CLIENT_ID_CHARS} characters).")
    return client_id


# A storm's commands of one workshop wait for its lock; whoever gets it runs every participant
# command waiting in one transaction (group commit), at most this many.
MAX_BATCH = 64
# Overload: with this many commands of one workshop already waiting in this process (several
# seconds of work), a new participant command is refused `rate_limited` with `retry_after`
# instead of queueing without bound; the phone's outbox sends it again with the same cid
# (web/js/outbox.js). Staff commands always queue: the facilitators keep steering (issue 18).
MAX_WAITING = 500
BUSY_RETRY_AFTER_SECS = 2
# A workshop is in a storm while its last batch held two commands or more and was taken less than
# this long ago: then a participant command that takes the lock waits Database.group_commit_wait
# (GROUP_COMMIT_WAIT_MS) for more to queue behind it. A lone command, or a workshop that is
# quiet, never waits (the tests' and a small room's commands are answered at once).
STORM_GAP_SECS = 0.1


@dataclass
class _Job:
    """One command waiting to run: filled in by whichever caller runs it (itself or the batch's leader)."""
    principal: auth.Principal
    name: str
    client_id: str
    fn: Callable[[Context], dict | None]
    outcome: Outcome | None = None
    error: Exception | None = None
    done: bool = False

    @property
    def batchable(self) -> bool:
        # Participants' commands (votes, posts) are the storms; they never read the log or the
        # idempotency records, nor end anyone's access. Every other command runs alone.
        return self.principal.role == "participant"


def execute(db: Database, principal: auth.Principal, name: str, client_id: str,
            fn: Callable[[Context], dict | None]) -> Outcome:
    """Run `fn` once for (principal, client_id); a repeat returns the first result.

    Commands of one workshop queue for its lock (Database.workshop_lock). Whoever holds it runs
    every command waiting at that moment, in arrival order: consecutive participant commands in
    one transaction (one BEGIN, one row lock, one commit and disk sync for all of them), any
    other command alone. Each gets exactly the outcome it would have got alone: a batch in which
    one command is refused is rolled back and run again around it (`_run_together`). Once a
    batch is committed its outcomes are published (Database.publish) in sequence order, still
    under the lock, so no client sees a newer event of the workshop before an older one.
    """
    check_client_id(client_id)
    job = _Job(principal, name, client_id, fn)
    waiting = db.command_queue(principal.workshop_id)
    if job.batchable and len(waiting) >= MAX_WAITING:
        raise CommandError("rate_limited", "The server is busy right now; this will be sent again in a moment.",
                           retry_after=BUSY_RETRY_AFTER_SECS, retryable=True)
    waiting.append(job)
    with db.workshop_lock(principal.workshop_id):
        if not job.done:
            # Under eventlet or gevent nothing else runs while a SQLite transaction does (its calls
            # block the process), so without this pause no command would ever find others waiting.
            # sleep(0) lets the connections that have a command ready read it and queue it behind
            # this one: a storm then runs in batches (docs/benchmarks.md). Alone, it costs one turn.
            # In a storm it waits a few milliseconds (_storm_wait): fewer, larger transactions.
            time.sleep(_storm_wait(db, job, waiting))
        while not job.done and waiting:  # more than MAX_BATCH ahead of it: the earlier ones first
            _run_waiting(db, waiting)
        if not job.done:
            # A leader took it from the queue and then died (its green thread was killed): run it now.
            _run_alone(db, job)
    error, job.error = job.error, None  # the job is in the error's traceback: no reference cycle
    if error is not None:
        raise error
    return job.outcome


def _storm_wait(db: Database, job: _Job, waiting: CommandQueue) -> float:
    """Seconds the command that took the lock waits before taking its batch (group-commit wait).

    Only a participant's command, only while its workshop's commands arrive together (the last
    batch held two or more and was taken under STORM_GAP_SECS ago) and while a batch has room:
    waiting then lets more of the storm queue, so one transaction (its BEGIN, row lock, commit and
    disk sync) serves more commands. It costs each of them at most the wait in latency; measured
    in docs/benchmarks.md ("Thirteenth session").
    """
    if (not db.group_commit_wait or not job.batchable or waiting.last_batch_size < 2
            or len(waiting) >= MAX_BATCH or time.monotonic() - waiting.last_batch_at > STORM_GAP_SECS):
        return 0
    return db.group_commit_wait


def _run_waiting(db: Database, waiting: CommandQueue) -> None:
    """Take up to MAX_BATCH queued commands; run each stretch of participant commands together."""
    jobs: list[_Job] = []
    while len(jobs) < MAX_BATCH:
        try:
            jobs.append(waiting.popleft())
        except IndexError:
            break
    waiting.last_batch_size, waiting.last_batch_at = len(jobs), time.monotonic()
    for batchable, stretch in groupby(jobs, key=attrgetter("batchable")):
        if batchable:
            _run_together(db, list(stretch))
        else:
            for job in stretch:
                _run_alone(db, job)


def _run_alone(db: Database, job: _Job) -> None:
    try:
        outcomes = _transaction(db, [job])
    except _Failed as failed:
        error = failed.error
    else:
        _settle(db, job, outcomes[0])
        return
    if isinstance(error, IntegrityError):
        # A concurrent duplicate (another process) won the race for the idempotency record.
        try:
            with db.reading() as session:
                rec = _find_record(session, job.principal, job.client_id)
        except Exception as read_error:  # noqa: BLE001 - the job's caller raises it
            error = read_error
        else:
            if rec is not None:
                _settle(db, job, Outcome(dict(rec.result), [], repeated=True))
                return
    job.error = error  # a refusal (CommandError) or a database error: execute() raises it
    job.done = True


def _run_together(db: Database, jobs: list[_Job]) -> None:
    """Run consecutive participant commands in one transaction.

    If one of them raises, nothing of the batch is stored: the ones before it run again together
    (from the same state they succeed again), the one that raised runs alone (and gets its
    refusal exactly as if it had been alone), and the rest continue the same way.
    """
    while jobs:
        if len(jobs) == 1:
            _run_alone(db, jobs[0])
            return
        try:
            outcomes = _transaction(db, jobs)
        except _Failed as failed:
            if failed.index is None:  # the commit itself failed: each alone says why
                for job in jobs:
                    _run_alone(db, job)
                return
            _run_together(db, jobs[:failed.index])
            _run_alone(db, jobs[failed.index])
            jobs = jobs[failed.index + 1:]
            continue
        for job, outcome in zip(jobs, outcomes, strict=True):
            job.outcome, job.done = outcome, True
        # The batch's events together (one message between processes: events/broadcast.py).
        db.publish(*(o for o in outcomes if o.events or o.disconnect))
        return


def _settle(db: Database, job: _Job, outcome: Outcome) -> None:
    """The job is done: keep its outcome and publish what it committed."""
    job.outcome = outcome
    job.done = True
    if outcome.events or outcome.disconnect:
        db.publish(outcome)


class _Failed(Exception):
    """Job number `index` of a transaction raised `error` (index None: the commit did)."""

    def __init__(self, index: int | None, error: Exception):
        super().__init__(index, error)
        self.index = index
        self.error = error


# Built once: every command looks up its idempotency record.
_FIND_RECORD = select(_RECORDS.c.name, _RECORDS.c.result).where(
    _RECORDS.c.workshop_id == bindparam("workshop_id"), _RECORDS.c.actor == bindparam("actor"),
    _RECORDS.c.client_id == bindparam("client_id"))


def _find_record(session: Session, principal: auth.Principal, client_id: str):
    """(name, result) of the command this sender already ran with this client id, or None."""
    return session.execute(_FIND_RECORD, {"workshop_id": principal.workshop_id, "actor": principal.actor,
                                          "client_id": client_id}).first()


# A participant's command (the storms: votes, posts) reads its sender's row and the record of its
# client id in one statement, one round trip fewer per command (docs/benchmarks.md).
_PARTICIPANT = Participant.__table__
# Run as its compiled text (server/driver_sql.py): a command that runs alone runs it every time.
_PARTICIPANT_AND_RECORD = DriverStatement(select(
    *auth.PARTICIPANT_COLUMNS, _RECORDS.c.name.label("record_name"), _RECORDS.c.result.label("record_result"),
).select_from(_PARTICIPANT.outerjoin(_RECORDS, and_(
    _RECORDS.c.workshop_id == _PARTICIPANT.c.workshop_id, _RECORDS.c.actor == bindparam("actor"),
    _RECORDS.c.client_id == bindparam("client_id")))).where(_PARTICIPANT.c.id == bindparam("id")))


# A batch (participants' commands only) reads every sender's row and every record of its client ids
# in one statement before its first command, not one each: in a vote storm a batch's statements fall
# from three per vote to two (issue 18). The rows cannot change during the batch: no participant's
# command changes a participant's workshop, room, removal or token (staff commands and rejoins do,
# and they never run in a batch), and a client id used twice in one batch is answered from `seen`.
def _batch_senders_select(cid_in, id_in):
    return select(
        _PARTICIPANT.c.id, *auth.PARTICIPANT_COLUMNS, _RECORDS.c.client_id.label("record_cid"),
        _RECORDS.c.name.label("record_name"), _RECORDS.c.result.label("record_result"),
    ).select_from(_PARTICIPANT.outerjoin(_RECORDS, and_(
        _RECORDS.c.workshop_id == _PARTICIPANT.c.workshop_id,
        _RECORDS.c.actor == auth.participant_actor_sql(_PARTICIPANT.c.id), cid_in))).where(id_in)


_BATCH_SENDERS = _batch_senders_select(_RECORDS.c.client_id.in_(bindparam("cids", expanding=True)),
                                       _PARTICIPANT.c.id.in_(bindparam("ids", expanding=True)))
# PostgreSQL: the lists as two array parameters (`= ANY(...)`), so the text does not change with the
# batch's size and runs as its compiled text (an expanding IN renders a new text for each size).
_BATCH_SENDERS_PG = DriverStatement(_batch_senders_select(
    _RECORDS.c.client_id == any_(bindparam("cids", type_=postgresql.ARRAY(_RECORDS.c.client_id.type))),
    _PARTICIPANT.c.id == any_(bindparam("ids", type_=postgresql.ARRAY(_PARTICIPANT.c.id.type)))))


@dataclass
class _Senders:
    """What _BATCH_SENDERS read for a batch: each sender's row, and each (sender, client id)'s record."""
    rows: dict[int, Any]
    records: dict[tuple[int, str], tuple[str, Any]]


def _batch_senders(session: Session, jobs: list[_Job]) -> _Senders:
    rows: dict[int, Any] = {}
    records: dict[tuple[int, str], tuple[str, Any]] = {}
    params = {"ids": sorted({job.principal.id for job in jobs}), "cids": sorted({job.client_id for job in jobs})}
    if session.get_bind().dialect.name == "postgresql":
        found = _BATCH_SENDERS_PG.execute(session, params)
    else:
        found = session.execute(_BATCH_SENDERS, params)
    for row in found:
        rows.setdefault(row.id, row)
        if row.record_name is not None:
            records[row.id, row.record_cid] = (row.record_name, row.record_result)
    return _Senders(rows, records)


def _sender_and_record(session: Session, principal: auth.Principal, client_id: str, senders: _Senders | None = None):
    """The sender as the database says now (auth.refresh), and (name, result) of the command they
    already ran with this client id, or None. `senders`: read for the whole batch already."""
    if senders is not None:
        principal = auth.participant_from_row(session, principal, senders.rows.get(principal.id))
        return principal, senders.records.get((principal.id, client_id))
    if principal.role != "participant":
        principal = auth.refresh(session, principal)
        return principal, _find_record(session, principal, client_id)
    row = _PARTICIPANT_AND_RECORD.execute(session, {"id": principal.id, "actor": principal.actor,
                                                    "client_id": client_id}).first()
    principal = auth.participant_from_row(session, principal, row)
    return principal, (row.record_name, row.record_result) if row.record_name is not None else None


def _transaction(db: Database, jobs: list[_Job]) -> list[Outcome]:
    """Run the jobs one after another in one transaction; raise _Failed saying which one failed."""
    index: int | None = 0
    outcomes: list[Outcome] = []
    try:
        with db.transaction() as session:
            ws = lock_workshop(session, jobs[0].principal.workshop_id)
            start_seq = ws.seq
            seen: dict[tuple[str, str], tuple[str, dict]] = {}
            events: list[NewEvent] = []
            records: list[dict] = []
            senders = _batch_senders(session, jobs) if len(jobs) > 1 else None
            for index, job in enumerate(jobs):  # noqa: B007  (index names the failed job in _Failed)
                outcomes.append(_run_one(session, ws, job, seen, events, records, senders))
                if len(jobs) > 1:
                    session.flush()  # the next command reads what this one changed through the ORM
            index = None
            store_batch(session, ws, start_seq, events, records)
            session.flush()
    except Exception as err:
        raise _Failed(index, err) from err
    return outcomes


def _run_one(session: Session, ws: Workshop, job: _Job, seen: dict, events: list, records: list,
             senders: _Senders | None = None) -> Outcome:
    principal, stored = _sender_and_record(session, job.principal, job.client_id, senders)
    key = (principal.actor, job.client_id)
    rec = seen.get(key) or stored
    if rec is not None:
        if rec[0] != job.name:
            raise CommandError("cid_reused", "This client id was already used for a different command.")
        return Outcome(dict(rec[1]), [], repeated=True)
    ctx = Context(session, principal, ws, utcnow())
    result = job.fn(ctx) or {}
    new_events = ctx.numbered()
    result = {**result, "seq": ctx.seq}
    events.extend(new_events)
    records.append({"workshop_id": ws.id, "actor": principal.actor, "client_id": job.client_id,
                    "name": job.name, "result": result, "seq": ctx.seq, "at": ctx.now})
    seen[key] = (job.name, result)
    return Outcome({**result, **ctx.secrets}, new_events, disconnect=list(ctx.disconnect))
