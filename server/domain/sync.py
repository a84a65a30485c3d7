"""Resume: what a reconnecting client missed, or a fresh snapshot."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import Database
from ..models import Event, Workshop, utcnow
from . import auth, rules
from .snapshot import snapshot


def visible(event: Event, audiences: set[str]) -> bool:
    return any(a in audiences for a in event.audience)


def catch_up(db: Database, principal: auth.Principal, since: int | None,
             enter: Callable[[auth.Principal, list[int]], None] | None = None) -> dict:
    """Events after `since` that this principal may see, or a snapshot when too far behind.

    Returns {"mode": "events", "events": [...], "seq": N} or {"mode": "snapshot", "state": {...}},
    always with "server_time" so clients can correct their clock for timers. `enter(principal,
    room_ids)`, if given, runs once the principal is re-read and before the log is read (the
    socket layer joins the right Socket.IO rooms there, so nothing sent from then on is missed).
    All in one transaction.
    """
    with db.reading() as s:
        principal = auth.refresh(s, principal)
        room_ids = auth.room_ids(s, principal.workshop_id)
        if enter is not None:
            enter(principal, room_ids)
        ws = s.get(Workshop, principal.workshop_id)
        now = utcnow().isoformat()
        if since is None or since < 0 or since > ws.seq or ws.seq - since > rules.RESUME_MAX_EVENTS:
            return {"mode": "snapshot", "state": snapshot(s, principal), "server_time": now}
        rows = fetch(s, ws.id, since, ws.seq)
        if len(rows) != ws.seq - since:
            # The log has a gap: it was deleted when the personal data was erased (domain/purge.py).
            return {"mode": "snapshot", "state": snapshot(s, principal), "server_time": now}
        audiences = principal.audiences(room_ids)
        events = [e.wire() for e in rows if visible(e, audiences)]
        return {"mode": "events", "events": events, "seq": ws.seq, "server_time": now}


def fetch(session: Session, workshop_id: str, after: int, upto: int) -> list[Event]:
    return list(session.scalars(select(Event).where(Event.workshop_id == workshop_id, Event.seq > after,
                                                    Event.seq <= upto).order_by(Event.seq)))
