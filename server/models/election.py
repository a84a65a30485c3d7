"""The council elected by its sectors (docs/council-election.md).

What is stored cannot tie a ballot to a person: a ballot is kept only as counts per candidate
(`ElectionTally`, every row made at 0 when the ballot opens), and who has voted (`ElectionVoter`,
so that a person votes once) is kept apart, with nothing (no time, no order) that links a voter
to a count. Who nominated whom is not stored with the candidate either.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class Election(Base):
    """One ballot: the sectors electing their council seats, or the members electing the co-chairs;
    a second ballot between tied candidates is an election of its own (`runoff_of`)."""

    __tablename__ = "elections"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # sectors | co_chairs
    round: Mapped[int] = mapped_column(default=1)
    runoff_of: Mapped[int | None] = mapped_column(ForeignKey("elections.id"))
    status: Mapped[str] = mapped_column(String(20))  # nominating | voting | closed
    # Seats per constituency: a sector's key (sectors), a side (co_chairs: law_enforcement, community).
    seats: Mapped[dict] = mapped_column(default=dict)
    # Once closed: {constituency: {"elected": [participant id], "tied": [participant id], "open_seats": n}}
    results: Mapped[dict | None]
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]


class ElectionCandidate(Base):
    """Someone standing (or nominated, until they accept) in one constituency of an election."""

    __tablename__ = "election_candidates"
    __table_args__ = (UniqueConstraint("election_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    constituency: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))  # nominated | accepted | declined


class ElectionTally(Base):
    """How many votes a candidate has; made at 0 before anyone votes."""

    __tablename__ = "election_tallies"
    __table_args__ = (UniqueConstraint("election_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("election_candidates.id"))
    count: Mapped[int] = mapped_column(default=0)


class ElectionVoter(Base):
    """Someone voted in this ballot (so they vote once); whom they voted for is not kept."""

    __tablename__ = "election_voters"
    __table_args__ = (UniqueConstraint("election_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    # Whose turnout they count in: their sector (sectors), `council` (co_chairs).
    electorate: Mapped[str] = mapped_column(String(30))
