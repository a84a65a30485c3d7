"""Small helpers shared by the command modules."""
from __future__ import annotations

from sqlalchemy import func, select

from ..models import Barrier, Participant, Room, Solution, Vote
from . import audiences as aud
from . import projection as pj
from .commands import Context
from .errors import CommandError
from .stats import room_stats
from .tallies import emit_progress


def get_room(ctx: Context, room_id: int | None) -> Room:
    """The room a command is about: a facilitator's or participant's own, or one the organiser names."""
    p = ctx.principal
    if p.role in ("facilitator", "participant"):
        if room_id is not None and room_id != p.room_id:
            raise CommandError("forbidden", "You can only act in your own room.")
        room_id = p.room_id
    elif room_id is None:
        raise CommandError("invalid", "room_id: required for the organiser")
    room = ctx.session.get(Room, room_id)
    if room is None or room.workshop_id != ctx.workshop.id:
        raise CommandError("not_found", "There is no such room in this workshop.")
    return room


def require_phase(room: Room, allowed: tuple[str, ...], what: str) -> None:
    if room.phase not in allowed:
        raise CommandError("wrong_phase", f"You can {what} only during: {', '.join(allowed)} "
                           f"(this room is in {room.phase}).", phase=room.phase, allowed=list(allowed))


def require_workshop_phase(ctx: Context, allowed: tuple[str, ...], what: str) -> None:
    if ctx.workshop.phase not in allowed:
        raise CommandError("wrong_phase", f"You can {what} only during: {', '.join(allowed)} "
                           f"(the workshop is in {ctx.workshop.phase}).", phase=ctx.workshop.phase,
                           allowed=list(allowed))


def get_participant(ctx: Context, participant_id: int) -> Participant:
    """A participant of this workshop, removed or not; an unknown id (or another workshop's) is not_found."""
    p = ctx.session.get(Participant, participant_id)
    if p is None or p.workshop_id != ctx.workshop.id:
        raise CommandError("not_found", "There is no such participant in this workshop.", participant_id=participant_id)
    return p


def get_barrier(ctx: Context, barrier_id: int, room: Room | None = None) -> Barrier:
    b = ctx.session.get(Barrier, barrier_id)
    if b is None or b.workshop_id != ctx.workshop.id or b.withdrawn:
        raise CommandError("not_found", "There is no such barrier.")
    if room is not None and b.room_id != room.id:
        raise CommandError("not_found", "There is no such barrier in this room.")
    return b


def get_solution(ctx: Context, solution_id: int, room: Room | None = None) -> Solution:
    s = ctx.session.get(Solution, solution_id)
    if s is None or s.workshop_id != ctx.workshop.id or s.withdrawn:
        raise CommandError("not_found", "There is no such solution.")
    if room is not None and s.room_id != room.id:
        raise CommandError("not_found", "There is no such solution in this room.")
    return s


def count_votes(ctx: Context, target_type: str, target_id: int) -> int:
    return ctx.session.scalar(select(func.count()).select_from(Vote).where(
        Vote.target_type == target_type, Vote.target_id == target_id)) or 0


def member_ids(ctx: Context, barrier_id: int) -> list[int]:
    return list(ctx.session.scalars(select(Barrier.id).where(
        Barrier.merged_into_id == barrier_id, Barrier.withdrawn.is_(False))))


def barrier_payload(ctx: Context, b: Barrier) -> dict:
    author = ctx.session.get(Participant, b.author_id) if b.author_id else None
    screened = not ctx.session.get(Room, b.room_id).revealed  # no names before the reveal (projection.py)
    return pj.barrier_view(b, author, count_votes(ctx, "barrier", b.id), member_ids(ctx, b.id), screened)


def solution_payload(ctx: Context, s: Solution) -> dict:
    author = ctx.session.get(Participant, s.author_id) if s.author_id else None
    return pj.solution_view(s, author, count_votes(ctx, "solution", s.id))


def emit_stats(ctx: Context, room_id: int) -> None:
    ctx.session.flush()
    ctx.emit("room_stats", room_stats(ctx.session, room_id), [ctx.display])


def return_votes(ctx: Context, target_type: str, target_id: int) -> int:
    """Delete every vote on an item (hidden, withdrawn, merged away): budgets come back."""
    votes = list(ctx.session.scalars(select(Vote).where(Vote.target_type == target_type,
                                                        Vote.target_id == target_id)))
    for v in votes:
        ctx.session.delete(v)
        ctx.emit("my_votes", {"add": [], "remove": [f"{target_type}:{target_id}"]}, [aud.participant(v.participant_id)])
    if votes and target_type in ("barrier", "solution"):  # who has voted, who has dots left (tallies.py)
        item = ctx.session.get(Barrier if target_type == "barrier" else Solution, target_id)
        emit_progress(ctx, item.room_id, target_type)
    return len(votes)
