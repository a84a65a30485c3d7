"""Running a command: lock, check, change, log events, remember, commit.

The single path every change takes (docs/architecture.md):
  1. open a transaction and lock the workshop row (Postgres: SELECT ... FOR
     UPDATE; SQLite: BEGIN IMMEDIATE already holds the write lock), which
     serialises commands per workshop and keeps sequence numbers gap-free;
  2. re-read the principal (a revoked link or removed participant stops here);
  3. answer a repeated client id with the first result, changing nothing;
  4. run the command, which changes rows and appends events via ctx.emit();
  5. store the idempotency record and commit.
Only after commit does the caller broadcast the returned events.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..db import Database
from ..models import AuditEntry, CommandRecord, Event, Workshop, utcnow
from . import auth
from .errors import CommandError

MAX_CLIENT_ID_CHARS = 64

# Built once: every command that changes something runs them (Core, not the unit of work).
_EVENTS = Event.__table__
_SET_SEQ = update(Workshop.__table__).where(Workshop.__table__.c.id == bindparam("ws_id")).values(seq=bindparam("new_seq"))
_RECORDS = CommandRecord.__table__


@dataclass
class Context:
    session: Session
    principal: auth.Principal
    workshop: Workshop
    now: datetime
    events: list[Event] = field(default_factory=list)
    # Audiences (Socket.IO rooms) whose open connections are cut after commit:
    # a removed participant's `p:<id>`, a revoked facilitator link's `l:<id>`.
    disconnect: list[str] = field(default_factory=list)
    # Result fields that go to the sender once and are never stored (a new link's
    # token): the idempotency record keeps the result without them.
    secrets: dict = field(default_factory=dict)
    # The workshop's last event number inside this transaction; written to the
    # workshop row once, in finish() (the row is locked, so nobody else numbers).
    seq: int = field(init=False)

    def __post_init__(self):
        self.seq = self.workshop.seq

    def emit(self, type_: str, data: dict, audience: list[str] | set[str]) -> Event:
        """Append an event to the workshop's log, numbered inside this transaction."""
        self.seq += 1
        ev = Event(workshop_id=self.workshop.id, seq=self.seq, type=type_, data=data,
                   audience=sorted(set(audience)), at=self.now)
        # Stored in finish(), all in one INSERT; the command's queries in between
        # (tallies, room counts) then have no event rows or seq update to flush first.
        self.events.append(ev)
        return ev

    def finish(self) -> list[Event]:
        """Store the command's events and the workshop's new seq (before the final flush and commit)."""
        if self.events:
            self.session.execute(_EVENTS.insert(), [
                {"workshop_id": e.workshop_id, "seq": e.seq, "type": e.type, "data": e.data,
                 "audience": e.audience, "at": e.at} for e in self.events])
            self.session.execute(_SET_SEQ, {"ws_id": self.workshop.id, "new_seq": self.seq})
            # The ORM object shows the new seq without becoming dirty (no second UPDATE).
            set_committed_value(self.workshop, "seq", self.seq)
        return list(self.events)

    def audit(self, action: str, **detail) -> None:
        self.session.add(AuditEntry(workshop_id=self.workshop.id, actor=self.principal.actor,
                                    action=action, detail=detail, at=self.now))

    # Audience names for this workshop.
    @property
    def everyone(self) -> str:
        return f"w:{self.workshop.id}"

    @property
    def organisers(self) -> str:
        return f"o:{self.workshop.id}"

    @property
    def display(self) -> str:
        return f"d:{self.workshop.id}"


@dataclass
class Outcome:
    result: dict
    events: list[Event]
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


def execute(db: Database, principal: auth.Principal, name: str, client_id: str,
            fn: Callable[[Context], dict | None]) -> Outcome:
    """Run `fn` once for (principal, client_id); a repeat returns the first result."""
    check_client_id(client_id)
    try:
        with db.workshop_lock(principal.workshop_id):
            return _execute_once(db, principal, name, client_id, fn)
    except IntegrityError:
        # A concurrent duplicate won the race for the idempotency record.
        with db.reading() as session:
            rec = _find_record(session, principal, client_id)
            if rec is None:
                raise
            return Outcome(dict(rec.result), [], repeated=True)


# Built once: every command looks up its idempotency record.
_FIND_RECORD = select(_RECORDS.c.name, _RECORDS.c.result).where(
    _RECORDS.c.workshop_id == bindparam("workshop_id"), _RECORDS.c.actor == bindparam("actor"),
    _RECORDS.c.client_id == bindparam("client_id"))


def _find_record(session: Session, principal: auth.Principal, client_id: str):
    """(name, result) of the command this sender already ran with this client id, or None."""
    return session.execute(_FIND_RECORD, {"workshop_id": principal.workshop_id, "actor": principal.actor,
                                          "client_id": client_id}).first()


def _execute_once(db, principal, name, client_id, fn) -> Outcome:
    with db.transaction() as session:
        ws = lock_workshop(session, principal.workshop_id)
        principal = auth.refresh(session, principal)
        rec = _find_record(session, principal, client_id)
        if rec is not None:
            if rec.name != name:
                raise CommandError("cid_reused", "This client id was already used for a different command.")
            return Outcome(dict(rec.result), [], repeated=True)
        ctx = Context(session, principal, ws, utcnow())
        result = fn(ctx) or {}
        events = ctx.finish()
        result = {**result, "seq": ctx.seq}
        session.execute(_RECORDS.insert(), {"workshop_id": ws.id, "actor": principal.actor, "client_id": client_id,
                                            "name": name, "result": result, "seq": ctx.seq, "at": ctx.now})
        session.flush()
    return Outcome({**result, **ctx.secrets}, events, disconnect=list(ctx.disconnect))
