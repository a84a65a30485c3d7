"""The organiser workspace (server/workspace/, docs/workspace.md): accounts, who organises which
workshop, the workshop's links kept for its organisers (encrypted), and the workspace's audit trail.

A workshop made on the venue laptop (the CLI) has none of these rows and works exactly as before.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class Account(Base):
    """An organiser who signs in: an email, an argon2 hash of the password, and whether they are an admin."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(default=False)
    # Raised on a password change or reset: every session signed in before it stops.
    session_version: Mapped[int] = mapped_column(default=1)
    # A password reset link (SHA-256 of its token) and when it stops working.
    reset_hash: Mapped[str | None] = mapped_column(String(64))
    reset_expires: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkshopOrganiser(Base):
    """An account that organises a workshop: its owner (who made it) or a co-organiser."""

    __tablename__ = "workshop_organisers"
    __table_args__ = (UniqueConstraint("workshop_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # owner | co_organiser
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class KeptLink(Base):
    """A link of a workshop made or re-issued in the workspace (organiser, display, facilitator), encrypted
    with a key derived from SECRET_KEY, so its organisers can open it again; a copy of the database alone
    does not hand it out. A link re-issued elsewhere (the CLI, the console) no longer matches its hash and
    is not shown."""

    __tablename__ = "kept_links"
    __table_args__ = (UniqueConstraint("workshop_id", "kind", "room_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # organiser | display | facilitator
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    sealed: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkspaceAudit(Base):
    """Who did what in the workspace, when: shown to the workshop's organisers (and accounts' own lines)."""

    __tablename__ = "workspace_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[str | None] = mapped_column(ForeignKey("workshops.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    email: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)
