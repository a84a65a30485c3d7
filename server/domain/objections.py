"""Merge objections, as read: what they are and who sees which (a read of the domain's second floor).

The author of a barrier merged into a shared one may object from their phone;
the room's facilitators and the organisers are told, and resolve it by undoing
the merge (merge_undo) or dismissing the objection. No new table: an objection
is its audit entry (action "merge_object", detail {room_id, shared_id,
barrier_id, reason}); a dismissal is a later "merge_objection_dismiss" entry for
the same shared barrier; an undone merge takes its objections with it. The
entry's actor is the bare role "participant" and no view names the member
barrier: facilitators learn that an author of a merged barrier objects, not who.

The commands that make and dismiss them are in safety.py; the snapshot reads them here.
"""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..models import AuditEntry, Barrier, Merge
from . import projection as pj
from .auth import Principal

OBJECT_ACTION = "merge_object"
DISMISS_ACTION = "merge_objection_dismiss"
OBJECTOR = "participant"  # the audit actor of an objection: no participant id



# Built once: every participant's, facilitator's and organiser's snapshot reads it.
OBJECTION_ACTIONS = (OBJECT_ACTION, DISMISS_ACTION)
_OBJECTION_ENTRIES = select(AuditEntry).where(
    AuditEntry.workshop_id == bindparam("workshop_id"),
    AuditEntry.action.in_(OBJECTION_ACTIONS)).order_by(AuditEntry.id)


def _objection_entries(session: Session, workshop_id: str) -> list[AuditEntry]:
    return list(session.scalars(_OBJECTION_ENTRIES, {"workshop_id": workshop_id}))


def standing_objections(session: Session, workshop_id: str) -> list[dict]:
    """Every objection to a merge that still stands, oldest first, with its status and objector."""
    entries = _objection_entries(session, workshop_id)
    if not entries:  # the usual case: one query per snapshot
        return []
    shared_ids = {e.detail.get("shared_id") for e in entries}
    live = set(session.scalars(select(Merge.shared_id).where(
        Merge.workshop_id == workshop_id, Merge.shared_id.in_(shared_ids), Merge.undone_at.is_(None))))
    barrier_ids = {e.detail.get("barrier_id") for e in entries if e.action == OBJECT_ACTION}
    authors = dict(session.execute(select(Barrier.id, Barrier.author_id).where(Barrier.id.in_(barrier_ids))).all())
    out = []
    for e in entries:
        d = e.detail
        if d.get("shared_id") not in live:
            continue
        if e.action == OBJECT_ACTION:
            out.append({"entry": e, "author_id": authors.get(d.get("barrier_id")), "status": "open"})
        else:
            for o in out:
                if o["entry"].detail.get("shared_id") == d.get("shared_id"):
                    o["status"] = "dismissed"
    return out


def _view(o: dict) -> dict:
    e = o["entry"]
    return pj.objection_view(e.id, e.detail["room_id"], e.detail["shared_id"], e.detail.get("reason") or "",
                             o["status"], e.at)


def objection_views(session: Session, viewer: Principal) -> dict:
    """The objections a viewer sees: the room's (facilitator), all (organiser), their own (participant)."""
    out = {}
    for o in standing_objections(session, viewer.workshop_id):
        room_id = o["entry"].detail["room_id"]
        if viewer.role == "organiser" or (viewer.role == "facilitator" and room_id == viewer.room_id) \
                or (viewer.role == "participant" and room_id == viewer.room_id and o["author_id"] == viewer.id):
            out[str(o["entry"].id)] = _view(o)
    return out
