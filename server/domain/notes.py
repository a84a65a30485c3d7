"""Dated notes on the plan's actions, as every view shows them (the snapshot, the progress page, the report).

A read of the domain (docs/architecture.md, "Floors of the domain"); `plan_note_add` in council.py writes them.
"""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..models import Participant, PlanNote
from . import projection as pj

# Built once: every snapshot reads it.
_NOTES = select(PlanNote).where(PlanNote.workshop_id == bindparam("workshop_id")).order_by(PlanNote.id)


def notes_by_entry(session: Session, workshop_id: str) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    notes = list(session.scalars(_NOTES, {"workshop_id": workshop_id}))
    ids = {n.author.get("participant_id") for n in notes} - {None}
    people = {p.id: p for p in session.scalars(select(Participant).where(Participant.id.in_(ids)))} if ids else {}
    for n in notes:
        out.setdefault(n.entry_id, []).append(pj.note_view(n, people.get(n.author.get("participant_id"))))
    return out
