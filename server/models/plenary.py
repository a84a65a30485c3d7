"""The plenary board and the draft action plan."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
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


class PlanEntry(Base):
    """One line of the draft action plan; each field carries its own version."""

    __tablename__ = "plan_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    plenary_item_id: Mapped[int | None] = mapped_column(ForeignKey("plenary_items.id"))
    fields: Mapped[dict] = mapped_column(default=dict)    # name -> text
    versions: Mapped[dict] = mapped_column(default=dict)  # name -> int
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
