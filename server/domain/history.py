"""Each action's history for the progress page (docs/council.md): where it came from (the barrier,
its room and that room's sectors, its dots) and what happened to it since (created, status and
due-date changes from the audit trail, dated notes), oldest first.

Only what the progress page may show: no participant ids, no authors of posts; who changed a
status is said by their kind only (organiser, facilitator, council).
A read of the domain (docs/architecture.md, "Floors of the domain").
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import AuditEntry, PlanEntry, PlenaryItem, Room, Vote
from .projection import iso
from .sectors import sector_views

_KINDS = ("organiser", "facilitator", "council")


def _room(room: Room | None, sectors: dict[str, dict]) -> dict | None:
    if room is None:
        return None
    return {"name": room.name, "number": room.number, "sectors": [{"key": k, "names": sectors[k]["names"]} for k in room.sectors or []
                                           if k in sectors]}


def origins(session: Session, workshop_id: str, entries: list[PlanEntry]) -> dict[int, dict]:
    """entry id -> {barrier, room, rooms_merged, room_votes, dots, solution_room}."""
    sectors = {s["key"]: s for s in sector_views(session, workshop_id)}
    rooms = {r.id: r for r in session.scalars(select(Room).where(Room.workshop_id == workshop_id))}
    item_ids = [e.plenary_item_id for e in entries if e.plenary_item_id]
    items = {i.id: i for i in session.scalars(select(PlenaryItem).where(PlenaryItem.id.in_(item_ids)))} if item_ids else {}
    members: dict[int, list[PlenaryItem]] = {}
    if item_ids:
        for m in session.scalars(select(PlenaryItem).where(PlenaryItem.merged_into_id.in_(item_ids))
                                 .order_by(PlenaryItem.id)):
            members.setdefault(m.merged_into_id, []).append(m)
    dots = dict(session.execute(select(Vote.target_id, func.count()).where(
        Vote.workshop_id == workshop_id, Vote.target_type == "plenary").group_by(Vote.target_id)).all())
    out = {}
    for e in entries:
        item = items.get(e.plenary_item_id)
        merged = members.get(item.id, []) if item else []
        out[e.id] = {
            "barrier": item.text if item else None,
            "room": _room(rooms.get(item.room_id), sectors) if item else None,
            "merged_rooms": [_room(rooms.get(m.room_id), sectors) for m in merged if m.room_id in rooms],
            "room_votes": (item.room_votes + sum(m.room_votes for m in merged)) if item else None,
            "dots": dots.get(item.id, 0) if item else None,
            "solution_room": _room(rooms.get(e.room_id), sectors)["name"] if e.room_id in rooms else None,
        }
    return out


def changes(session: Session, workshop_id: str) -> dict[int, list[dict]]:
    """entry id -> [{kind: created|status|due, value, by, at}] from the audit trail, oldest first."""
    out: dict[int, list[dict]] = {}
    for a in session.scalars(select(AuditEntry).where(
            AuditEntry.workshop_id == workshop_id, AuditEntry.action.in_(("plan_create", "plan_update")))
            .order_by(AuditEntry.at, AuditEntry.id)):
        d = a.detail or {}
        by = a.actor.split(":", 1)[0]
        by = by if by in _KINDS else None
        if a.action == "plan_create":
            out.setdefault(d.get("entry_id"), []).append({"kind": "created", "value": None, "by": by, "at": iso(a.at)})
        elif d.get("field") in ("status", "due") and "value" in d:
            out.setdefault(d.get("entry_id"), []).append(
                {"kind": d["field"], "value": d["value"], "by": by, "at": iso(a.at)})
    return out


def timeline(changes_of_entry: list[dict], notes: list[dict]) -> list[dict]:
    """Changes and notes in one list, oldest first (a note: kind `note`, its text and author)."""
    rows = list(changes_of_entry) + [{"kind": "note", "value": n["text"], "author": n["author"], "at": n["created_at"]}
                                     for n in notes]
    return sorted(rows, key=lambda r: r["at"] or "")
