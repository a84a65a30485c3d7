"""The per-workshop event log, the idempotency record and the audit trail."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("workshop_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"))
    seq: Mapped[int]
    type: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict]
    # Socket.IO room names allowed to see this event, e.g. ["r:3", "o:abc"].
    audience: Mapped[list]
    at: Mapped[datetime] = mapped_column(default=utcnow)

    def wire(self) -> dict:
        return {"seq": self.seq, "type": self.type, "data": self.data, "at": self.at.isoformat()}


@dataclass(slots=True)
class NewEvent:
    """An event a command just emitted: what it stores in `events` (one statement per batch,
    domain/commands.py) and what is published. A plain object: creating an ORM-instrumented Event
    for each one, never added to the session, was 3 % of the servers' CPU in the 2,000-phone storm
    (docs/benchmarks.md, ninth session). Events read back from the log are Event rows; both wire
    the same way."""

    workshop_id: str
    seq: int
    type: str
    data: dict
    audience: list
    at: datetime

    wire = Event.wire


class CommandRecord(Base):
    """A command that took effect, keyed by its sender and client id."""

    __tablename__ = "command_records"
    __table_args__ = (UniqueConstraint("workshop_id", "actor", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"))
    actor: Mapped[str] = mapped_column(String(40))
    client_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(40))
    result: Mapped[dict]
    seq: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Every facilitator and organiser action, for the report of the day."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)
