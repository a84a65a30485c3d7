"""The council's meetings after the day (server/domain/meetings.py, docs/council.md)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class CouncilMeeting(Base):
    """A meeting: its local start (`YYYY-MM-DDTHH:MM`) in an IANA time zone, how long, where, its
    agenda and, afterwards, its minutes (with a version, as the plan's fields have)."""

    __tablename__ = "council_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    starts_at: Mapped[str] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64))
    duration_minutes: Mapped[int] = mapped_column(default=60)
    place: Mapped[str] = mapped_column(String(200), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
