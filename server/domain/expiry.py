"""Expiry and erasure, the facts: when a workshop's links stop working, and whether its data is erased.

A leaf of the domain (docs/architecture.md, "Floors of the domain"): it reads
rows and refuses, it changes nothing. Erasing is `purge.py`'s; authentication
(auth.py), joining (workshops.py, seats.py) and the snapshot ask here.
docs/security.md, "Data protection", is the user-facing account of this.
"""
from __future__ import annotations

import secrets
from datetime import UTC, datetime, time, timedelta
from datetime import date as Date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from ..driver_sql import DriverStatement
from ..models import AuditEntry, Workshop, utcnow
from .errors import CommandError

# Replaces a token hash (64 hex digits) when the data is erased: it contains a
# character no SHA-256 hex digest has, so no token can ever match it again.
ERASED_PREFIX = "erased:"
# Audit actions that record an erasure (the workshop is "purged" once one exists).
ERASE_ACTIONS = ("purge", "expire")


def erased_marker() -> str:
    return ERASED_PREFIX + secrets.token_hex(28)


def is_erased_hash(token_hash: str | None) -> bool:
    return bool(token_hash) and token_hash.startswith(ERASED_PREFIX)


# -- expiry -------------------------------------------------------------------------

def ttl_days(session: Session) -> int:
    """TOKEN_TTL_DAYS of the app this session belongs to (server/db.py puts it in Session.info); 0 = never."""
    return int(session.info.get("token_ttl_days") or 0)


def workshop_day_end(ws) -> datetime:
    """When the clock of expiry starts: the end of the workshop's date (YYYY-MM-DD, UTC), or its creation if later.

    A workshop set up weeks ahead with its date filled in keeps its links until
    TOKEN_TTL_DAYS after that day; a date that is not YYYY-MM-DD is ignored.
    """
    start = ws.created_at or utcnow()
    if ws.date:
        try:
            day = Date.fromisoformat(ws.date.strip()[:10])
        except ValueError:
            return start
        return max(start, datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC))
    return start


def expires_at(ws, days: int) -> datetime | None:
    """When this workshop's participant and facilitator links stop working; None when they never do."""
    if days <= 0:
        return None
    return workshop_day_end(ws) + timedelta(days=days)


# Through the driver (server/driver_sql.py): Session.execute's own work was most of this read's cost.
_EXPIRY_FACTS = DriverStatement(select(Workshop.created_at, Workshop.date).where(Workshop.id == bindparam("id")))


def check_not_expired(session: Session, workshop_id: str, now: datetime | None = None) -> None:
    """Refuse (`expired`) a participant or facilitator link of a workshop past TOKEN_TTL_DAYS."""
    days = ttl_days(session)
    if days <= 0:
        return
    # The workshop as the session already holds it, else only the two columns the expiry needs: at
    # connect the whole row (every column, JSON ones included) was loaded for this alone, 7.6 % of
    # the server's CPU in a connect burst (docs/benchmarks.md, fourteenth session).
    ws = session.identity_map.get(identity_key(Workshop, workshop_id))
    if ws is None:
        ws = _EXPIRY_FACTS.execute(session, {"id": workshop_id}).first()
    end = expires_at(ws, days) if ws is not None else None
    if end is not None and (now or utcnow()) >= end:
        raise CommandError("expired", f"This link has expired: workshop links stop working {days} days after "
                           "the workshop.")


# -- erasure, as read -----------------------------------------------------------

def purged_at(session: Session, workshop_id: str) -> datetime | None:
    """When this workshop's personal data was erased (purge or expiry), or None."""
    return session.scalar(select(AuditEntry.at).where(AuditEntry.workshop_id == workshop_id,
                                                      AuditEntry.action.in_(ERASE_ACTIONS))
                          .order_by(AuditEntry.id).limit(1))


def privacy_view(session: Session, workshop_id: str) -> dict | None:
    """The organiser's snapshot key `privacy`, present only once the data is erased."""
    at = purged_at(session, workshop_id)
    return {"purged_at": at.isoformat()} if at is not None else None


def refuse_if_purged(session: Session, workshop_id: str, what: str) -> None:
    if purged_at(session, workshop_id) is not None:
        raise CommandError("already_purged", f"This workshop's personal data has been erased; it cannot {what}.")
