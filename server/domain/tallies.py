"""Vote counts while a vote is open: who may see them, and how far a room has got.

Bandwagon voting: a count on screen while people are still choosing pulls
the later dots towards the early leaders. So by default (`workshops.live_tallies`
false) the per-item counts of an open vote reach only the facilitators and
organisers; participants, the projector and council pages get `votes: null`
in every view and no `tally` event until the vote closes:

| kind | open while |
|---|---|
| barrier | its room is in `vote` |
| solution | its room is in `solutions` |
| plenary | the workshop is in `plenary` |

When the vote closes (the room or workshop moves on, either way, or the
organiser turns live tallies on) the counts go to everyone who could not see
them in one `tallies_shown` event. Entering an open vote again hides them:
the reducers (web/js/state.js, server/domain/reducer.py) null the counts of
items whose vote is open for those viewers, from the phases they already hold,
so no event is needed to hide them.

What everyone in the room does see while voting is the progress, counts only:
how many people have cast at least one dot (`voted`) and how many have none
left (`spent`), per room and kind (`vote_progress`). Neither says who voted for what.
"""
from __future__ import annotations

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session

from ..models import PlenaryItem, Room, Vote, Workshop
from . import agenda
from . import audiences as aud
from .stats import ROOM_ITEMS, room_dots

# Who sees counts only once a vote is closed (unless the workshop shows live tallies).
MASKED_ROLES = ("participant", "display", "council")
ROOM_KINDS = ("barrier", "solution")
OPEN_PHASE = {"barrier": "vote", "solution": "solutions"}


def hidden(ws: Workshop, kind: str, room_phase: str | None = None) -> bool:
    """Are this kind's counts hidden from participants, the projector and council pages right now?"""
    if ws.live_tallies:
        return False
    if kind == "plenary":
        return agenda.plenary_vote_open(ws)
    return room_phase == OPEN_PHASE[kind]


def masked(role: str, ws: Workshop, kind: str, room_phase: str | None = None) -> bool:
    return role in MASKED_ROLES and hidden(ws, kind, room_phase)


def tally_audience(ctx, kind: str, room_id: int | None, room_phase: str | None = None) -> list[str]:
    """Where a `tally` goes: the room (plenary: everyone), or only its staff while the vote is open."""
    if kind == "plenary":
        return [ctx.staff] if hidden(ctx.workshop, "plenary") else [ctx.everyone]
    return [aud.facilitators(room_id)] if hidden(ctx.workshop, kind, room_phase) else [aud.room(room_id)]


# -- closing a vote ------------------------------------------------------------------

def _room_counts(session: Session, kind: str, room_id: int) -> dict[str, int]:
    model = ROOM_ITEMS[kind]
    rows = session.execute(
        select(model.id, func.count(Vote.id)).select_from(model)
        .join(Vote, (Vote.target_type == kind) & (Vote.target_id == model.id))
        .where(model.room_id == room_id, model.withdrawn.is_(False), model.hidden.is_(False))
        .group_by(model.id))
    return {str(i): n for i, n in rows}


def _plenary_counts(session: Session, workshop_id: str) -> dict[str, int]:
    rows = session.execute(
        select(PlenaryItem.id, func.count(Vote.id)).select_from(PlenaryItem)
        .join(Vote, (Vote.target_type == "plenary") & (Vote.target_id == PlenaryItem.id))
        .where(PlenaryItem.workshop_id == workshop_id).group_by(PlenaryItem.id))
    return {str(i): n for i, n in rows}


def show_room(ctx, room: Room, kind: str) -> None:
    """The vote on this room's `kind` closed: its counts go to the room (items not listed have 0)."""
    ctx.emit("tallies_shown", {"room_id": room.id, "target_type": kind,
                               "votes": _room_counts(ctx.session, kind, room.id)}, [aud.room(room.id)])


def show_plenary(ctx) -> None:
    ctx.emit("tallies_shown", {"room_id": None, "target_type": "plenary",
                               "votes": _plenary_counts(ctx.session, ctx.workshop.id)}, [ctx.everyone])


def room_phase_changed(ctx, room: Room, before: str) -> None:
    """Called after a room's phase changed (workshops._set_phase): close the votes that just closed."""
    for kind in ROOM_KINDS:
        if hidden(ctx.workshop, kind, before) and not hidden(ctx.workshop, kind, room.phase):
            show_room(ctx, room, kind)


def live_tallies_on(ctx) -> None:
    """The organiser turned live tallies on: every open vote's counts go out now."""
    for room in ctx.session.scalars(select(Room).where(Room.workshop_id == ctx.workshop.id).order_by(Room.number)):
        for kind in ROOM_KINDS:
            if room.phase == OPEN_PHASE[kind]:
                show_room(ctx, room, kind)
    if agenda.plenary_vote_open(ctx.workshop):
        show_plenary(ctx)


# -- progress: counts of people, never of items ----------------------------------------

def _progress_rows_query(kind: str):
    """(room_id, dots) per person with dots on the given rooms' items of this kind."""
    per_person = (room_dots(kind, Vote.room_id.label("room_id"), Vote.participant_id, func.count().label("dots"),
                            rooms=bindparam("room_ids", expanding=True))
                  .group_by(Vote.room_id, Vote.participant_id).subquery())
    return select(per_person.c.room_id, per_person.c.dots)


# Built once: every snapshot reads them (building the statement cost more than running it, a
# quarter of a participant's snapshot: docs/benchmarks.md, issue 18).
_PROGRESS_ROWS = {kind: _progress_rows_query(kind) for kind in ROOM_KINDS}


def progress(session: Session, ws: Workshop, room_ids: list[int]) -> dict[str, dict]:
    """{room_id: {kind: {voted, spent}}} for these rooms: people with at least one dot of that kind
    on the room's items, and people with none left. Counts people who were removed since, too."""
    out = {str(r): {k: {"voted": 0, "spent": 0} for k in ROOM_KINDS} for r in room_ids}
    if not room_ids:
        return out
    for kind in ROOM_KINDS:
        for room_id, dots in session.execute(_PROGRESS_ROWS[kind], {"room_ids": list(room_ids)}):
            cell = out[str(room_id)][kind]
            cell["voted"] += 1
            cell["spent"] += dots >= ws.vote_budget
    return out


def room_progress_row(kind: str, without=None):
    """{voted, spent} of one room (parameter `room_id`) and one kind as a one-row subquery with the
    columns `voted` and `spent`, the vote budget as the parameter `budget`: what progress() counts
    for that room. (Both from one pass over the room's dots: two scalar subqueries grouped them twice.)
    `without`: a participant id (a bindparam) whose dots are left out (board._ROOM_VOTE_ROW)."""
    dots = room_dots(kind, func.count().label("dots"), room=bindparam("room_id"))
    if without is not None:
        dots = dots.where(Vote.participant_id != without)
    per_person = dots.group_by(Vote.participant_id).subquery()
    return select(func.count().label("voted"),
                  func.coalesce(func.sum(case((per_person.c.dots >= bindparam("budget"), 1), else_=0)), 0)
                  .label("spent")).select_from(per_person).subquery()


def _room_progress_query(kind: str):
    row = room_progress_row(kind)
    return select(row.c.voted, row.c.spent)


# Built once: a first or last dot runs one of them (building the statement on every vote cost more
# than running it, a quarter of the server's time in a vote storm: docs/benchmarks.md, issue 18).
_ROOM_PROGRESS = {kind: _room_progress_query(kind) for kind in ROOM_KINDS}


def room_progress(session: Session, ws: Workshop, room_id: int, kind: str) -> dict[str, int]:
    """progress()'s cell of one room and one kind."""
    voted, spent = session.execute(_ROOM_PROGRESS[kind], {"room_id": room_id, "budget": ws.vote_budget}).one()
    return {"voted": int(voted), "spent": int(spent)}


def emit_progress(ctx, room_id: int, kind: str, cell: dict | None = None) -> None:
    """The room's progress for `kind` may have changed: the room and the projector hear it
    (`cell`: its counts when the caller has read them already, board._ROOM_VOTE_ROW)."""
    if kind not in ROOM_KINDS:
        return
    if cell is None:
        ctx.session.flush()
        cell = room_progress(ctx.session, ctx.workshop, room_id, kind)
    ctx.emit("vote_progress", {"room_id": room_id, "target_type": kind, **cell}, [aud.room(room_id), ctx.display])
