"""The trust pulse: a few questions on a 1-5 scale, answered anonymously (docs/pulse.md).

What is stored cannot tie an answer to a person: answers are only counts, per pulse, sector,
question and value (`PulseTally`), and who has answered (`PulseResponder`, to answer once) is kept
apart, with nothing (no time, no order) that links a responder to a count.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class Pulse(Base):
    """One asking of the questions: at the start of the day, at its end."""

    __tablename__ = "pulses"
    __table_args__ = (UniqueConstraint("workshop_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    label: Mapped[str] = mapped_column(String(20))  # start | end
    # The questions as they were asked: [{"key", "texts": {lang: text}}]
    questions: Mapped[list] = mapped_column(default=list)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]


class PulseTally(Base):
    """How many people of a sector gave a question a value in a pulse."""

    __tablename__ = "pulse_tallies"
    __table_args__ = (UniqueConstraint("pulse_id", "sector", "question", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulses.id"), index=True)
    sector: Mapped[str] = mapped_column(String(30))
    question: Mapped[str] = mapped_column(String(30))
    value: Mapped[int]
    count: Mapped[int] = mapped_column(default=0)


class PulseResponder(Base):
    """Someone answered this pulse (so they answer once); which answers were theirs is not kept."""

    __tablename__ = "pulse_responders"
    __table_args__ = (UniqueConstraint("pulse_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulses.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    # The responder's sector when they answered: the sizes that decide which cells may be shown.
    sector: Mapped[str] = mapped_column(String(30))


class PulseDevice(Base):
    """A device answered a follow-up pulse (docs/pulse.md, "After the day"): only a hash of the key the
    device keeps, so it answers once; no time, nothing that links it to a count, no participant."""

    __tablename__ = "pulse_devices"
    __table_args__ = (UniqueConstraint("pulse_id", "device_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulses.id"), index=True)
    device_hash: Mapped[str] = mapped_column(String(64))
    # The side the respondent chose: the sizes that decide which cells may be shown.
    sector: Mapped[str] = mapped_column(String(30))
