"""What a trust pulse shows (docs/pulse.md): per side and per sector, only cells the small-group rule
allows (agreement.plan: at least K people, and no cell that subtraction would give away), decided
from how many people of each sector answered, never from the answers."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Pulse, PulseDevice, PulseResponder, PulseTally
from . import agreement as ag
from . import projection as pj
from .sectors import sides as sector_sides

K = ag.DEFAULT_MIN_GROUP_SIZE


def responders(session: Session, pulse_id: int) -> dict[str, int]:
    """How many people of each sector answered (on the day: participants; after it: devices)."""
    out: dict[str, int] = {}
    for table in (PulseResponder, PulseDevice):
        for sector, n in session.execute(select(table.sector, func.count()).where(
                table.pulse_id == pulse_id).group_by(table.sector)).all():
            out[sector] = out.get(sector, 0) + n
    return out


def results(session: Session, pulse: Pulse) -> dict:
    """The closed pulse's results: {"n", "cells": {cell: {"n", "questions": {key: {"mean", "counts"}}}}}.

    Cells: `all` (everyone, once at least K answered), `side:police`, `side:community` and
    `group:<sector>` as the small-group rule allows."""
    sizes = responders(session, pulse.id)
    layout = ag.layout(sector_sides(session, pulse.workshop_id))
    total = sum(sizes.values())
    tallies: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * 5)
    for sector, question, value, count in session.execute(select(
            PulseTally.sector, PulseTally.question, PulseTally.value, PulseTally.count).where(
            PulseTally.pulse_id == pulse.id)):
        tallies[sector, question][value - 1] += count
    keys = [q["key"] for q in pulse.questions]
    cells: dict[str, tuple[str, ...]] = {}
    if total >= K:
        cells["all"] = layout.groups
        shown = ag.plan(sizes, K, layout)
        for name, groups in layout.candidates:
            if shown.shown(name):
                cells[name] = groups
    out = {}
    for name, groups in cells.items():
        questions = {}
        for key in keys:
            counts = [sum(tallies[g, key][v] for g in groups) for v in range(5)]
            answered = sum(counts)
            mean = round(sum((v + 1) * c for v, c in enumerate(counts)) / answered, 2) if answered else None
            questions[key] = {"mean": mean, "counts": counts}
        out[name] = {"n": sum(sizes.get(g, 0) for g in groups), "questions": questions}
    return {"n": total, "cells": out}


def pulse_view(session: Session, pulse: Pulse) -> dict:
    """A pulse as every screen sees it: the questions, how many answered, results once closed."""
    return {"id": pulse.id, "label": pulse.label, "questions": list(pulse.questions),
            "opened_at": pj.iso(pulse.opened_at), "closed_at": pj.iso(pulse.closed_at),
            "answered": sum(responders(session, pulse.id).values()),
            "results": results(session, pulse) if pulse.closed_at is not None else None}


def pulse_views(session: Session, workshop_id: str) -> dict[str, dict]:
    return {str(p.id): pulse_view(session, p) for p in session.scalars(
        select(Pulse).where(Pulse.workshop_id == workshop_id).order_by(Pulse.id))}


def answered_by(session: Session, participant_id: int) -> list[int]:
    """The pulses this person has answered (their own screen shows them as done)."""
    return sorted(session.scalars(select(PulseResponder.pulse_id).where(
        PulseResponder.participant_id == participant_id)))
