"""Participants and council volunteers."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class Participant(Base):
    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    display_name: Mapped[str | None] = mapped_column(String(60))
    # The key of this person's sector (sectors.key): law_enforcement, community_member ... (the `groups`
    # preset's keys, every workshop's before 0007) or whatever keys the organiser's sectors have.
    group: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(16))
    # The default for this person's posts; each post may override it.
    anonymous: Mapped[bool] = mapped_column(default=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    removed_at: Mapped[datetime | None]
    # The hash of this person's current seat code (server/domain/seats.py): a short code that
    # lets them take their own seat back on another device. Never the code itself.
    seat_code_hash: Mapped[str | None] = mapped_column(String(64))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class CouncilVolunteer(Base):
    __tablename__ = "council_volunteers"
    __table_args__ = (UniqueConstraint("participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    # Contact details are shared with organisers only, and only with consent.
    contact: Mapped[str | None] = mapped_column(String(200))
    consent: Mapped[bool] = mapped_column(default=False)
    # None until the organiser forms the council: co_chair | member
    role: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
