"""The plenary board, the draft action plan, its notes and the council members' links."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class PlenaryItem(Base):
    __tablename__ = "plenary_items"
    __table_args__ = (UniqueConstraint("barrier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"))
    barrier_id: Mapped[int] = mapped_column(ForeignKey("barriers.id"))
    # Copied at report-out so the plenary shows what the room agreed on.
    text: Mapped[str] = mapped_column(Text)
    room_votes: Mapped[int] = mapped_column(default=0)
    solutions: Mapped[list] = mapped_column(default=list)  # [{"id", "text", "votes"}]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Merged on the plenary board (plenary_merge): the item it was folded into; null otherwise.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("plenary_items.id"))
    # A confirmed priority's rank (1..N; priorities_confirm); null otherwise.
    priority: Mapped[int | None]


class PlenaryMerge(Base):
    """The organiser folded duplicate plenary items into one (the first); undo restores them."""

    __tablename__ = "plenary_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("plenary_items.id"))  # the item kept
    member_ids: Mapped[list]  # the items folded into it
    # The kept item before the merge: {"text", "room_votes", "solutions"}.
    before: Mapped[dict] = mapped_column(default=dict)
    # Dots moved onto the kept item: [{"vote_id", "from"}]; the others were returned.
    moved_votes: Mapped[list] = mapped_column(default=list)
    returned_votes: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None]


class PlanEntry(Base):
    """One line of the draft action plan; each field carries its own version."""

    __tablename__ = "plan_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    plenary_item_id: Mapped[int | None] = mapped_column(ForeignKey("plenary_items.id"))
    # The solution room drafting this priority (docs/agenda.md); null otherwise.
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    fields: Mapped[dict] = mapped_column(default=dict)    # name -> text
    versions: Mapped[dict] = mapped_column(default=dict)  # name -> int
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlanNote(Base):
    """A dated note on an action-plan entry, added after the day by a council member or the organiser."""

    __tablename__ = "plan_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("plan_entries.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    # Who wrote it: {"role": "organiser"} or {"role": <council role then>, "group", "participant_id"}.
    # Role and group are kept as they were; the name is read from the participant when shown,
    # so erasing names (server/domain/purge.py) erases them from the notes too.
    author: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CouncilLink(Base):
    """A council member's own link (`/council/<token>`): only the token's SHA-256 is stored."""

    __tablename__ = "council_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
