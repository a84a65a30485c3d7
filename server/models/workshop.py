"""The workshop aggregate: the day itself, its rooms, its sectors and facilitator invitations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class Workshop(Base):
    __tablename__ = "workshops"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    date: Mapped[str | None] = mapped_column(String(40))
    place: Mapped[str | None] = mapped_column(String(200))
    languages: Mapped[list] = mapped_column(default=list)
    display_language: Mapped[str] = mapped_column(String(16), default="en")
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    vote_budget: Mapped[int] = mapped_column(default=3)
    # Show per-item vote counts to participants and the projector while a vote is open
    # (off by default: no bandwagon voting; server/domain/tallies.py).
    live_tallies: Mapped[bool] = mapped_column(default=False)
    # breakouts -> plenary -> action_plan -> closed: what the agenda's current segment makes it.
    phase: Mapped[str] = mapped_column(String(20), default="breakouts")
    # The day's segments in order (rules.SEGMENT_KINDS; docs/agenda.md) and the one it stands on.
    agenda: Mapped[list] = mapped_column(default=lambda: ["breakout", "prioritise", "action_plan", "closing"])
    segment: Mapped[int] = mapped_column(default=0)
    # The prioritisation's dots are closed (set by plenary_vote_close; cleared entering a prioritise segment).
    plenary_vote_closed: Mapped[bool] = mapped_column(default=False)
    # The organiser's own wording of the caucus prompts and the guiding questions (docs/agenda.md).
    prompts: Mapped[dict] = mapped_column(default=dict)
    paused: Mapped[bool] = mapped_column(default=False)
    pause_message: Mapped[str | None] = mapped_column(String(500))
    organiser_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    display_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The read-only progress link (`/progress/<token>`). Kept in clear, unlike the other
    # tokens: it reads only the plan, which anyone holding the database already has, and
    # the organiser must be able to print it again (`common-ground links`).
    progress_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Last event sequence number; bumped under the row lock (domain/commands.py).
    seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Room(Base):
    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("workshop_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    # lobby -> brainstorm -> reveal -> vote -> solutions -> report_out (the round's phases: rules.ROUND_PHASES)
    phase: Mapped[str] = mapped_column(String(20), default="lobby")
    # In a caucus round, the keys of the sectors the room gathers; [] in a mixed round.
    sectors: Mapped[list] = mapped_column(default=list)
    revealed: Mapped[bool] = mapped_column(default=False)
    deadline: Mapped[datetime | None]
    help_requested_at: Mapped[datetime | None]
    help_message: Mapped[str | None] = mapped_column(String(500))


class Sector(Base):
    """One of the workshop's sectors (stakeholder groups), in the order the join page lists them.

    A participant's `group` holds the key of their sector (server/domain/sectors.py)."""
    __tablename__ = "sectors"
    __table_args__ = (UniqueConstraint("workshop_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    position: Mapped[int]
    # A slug, unique in its workshop: law_enforcement, faith, new_americans ...
    key: Mapped[str] = mapped_column(String(30))
    # The name in every language of the workshop: {"en": "Faith", "es": "Comunidades de fe", ...}
    names: Mapped[dict] = mapped_column(default=dict)
    # law_enforcement | community | other
    side: Mapped[str] = mapped_column(String(20))


class FacilitatorInvite(Base):
    __tablename__ = "facilitator_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"))
    name: Mapped[str | None] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
