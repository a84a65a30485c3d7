"""What a room produces: barriers, merges, solutions and votes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class Barrier(Base):
    __tablename__ = "barriers"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    # None for a shared barrier made by a merge.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    text: Mapped[str] = mapped_column(Text)
    # barrier (what stands in the way of trust) or strength (what is working: caucus rounds)
    kind: Mapped[str] = mapped_column(String(20), default="barrier")
    anonymous: Mapped[bool] = mapped_column(default=True)
    # Set on the originals when merged; the shared barrier keeps its members.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("barriers.id"), index=True)
    is_shared: Mapped[bool] = mapped_column(default=False)
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(String(300))
    withdrawn: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The author's own words, kept when a facilitator first corrects the text (post_edit).
    original_text: Mapped[str | None] = mapped_column(Text)


class Merge(Base):
    __tablename__ = "merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"))
    shared_id: Mapped[int] = mapped_column(ForeignKey("barriers.id"))
    member_ids: Mapped[list]
    # Votes moved onto the shared barrier: [{"vote_id": .., "from": barrier_id}]
    moved_votes: Mapped[list] = mapped_column(default=list)
    returned_votes: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None]


class Solution(Base):
    __tablename__ = "solutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    barrier_id: Mapped[int] = mapped_column(ForeignKey("barriers.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    text: Mapped[str] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(default=True)
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(String(300))
    withdrawn: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The author's own words, kept when a facilitator first corrects the text (post_edit).
    original_text: Mapped[str | None] = mapped_column(Text)


class Vote(Base):
    """One dot. A participant gives at most one dot to any one item."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("participant_id", "target_type", "target_id"),
                      # A room's dots (its room_stats count, its vote progress, a voter's dots there) read
                      # from this index alone, never through a join that the planner may turn into a scan
                      # of every vote (issue 18: on PostgreSQL a plan made while the table was empty kept
                      # scanning all of it, 1.7 ms of PostgreSQL per dot at 6,000 votes).
                      Index("ix_votes_room_id_target_type", "room_id", "target_type", "participant_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    # barrier | solution | plenary
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(index=True)
    # The room of the item (its barrier's or solution's room_id, set when the dot is cast and never
    # changed: merges move dots between items of one room); None for a plenary item's dot.
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
