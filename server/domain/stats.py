"""The counts the projector shows per room: no text, no authors (a read of the domain).

Sent as `room_stats` after every post and vote (common.emit_stats) and in the projector's snapshot.
"""
from __future__ import annotations

from sqlalchemy import and_, bindparam, case, func, select
from sqlalchemy.orm import Session

from ..models import Barrier, Solution, Vote

ROOM_ITEMS = {"barrier": Barrier, "solution": Solution}


def room_dots(kind: str, *columns, room=None, rooms=None):
    """SELECT `columns` FROM the dots on the items of `kind` (barrier or solution) of one room (`room`)
    or of several (`rooms`, an expanding bindparam), by the votes' own room_id: one table and its index
    (room_id, target_type, participant_id), no join. A join through the items (as here before) let
    PostgreSQL keep a plan made while the votes table was small: a scan of every vote per dot, 1.7 ms
    of its CPU per dot at 6,000 votes (issue 18; a filter on target_id IN (...) did the same before)."""
    return select(*columns).select_from(Vote).where(
        Vote.target_type == kind, Vote.room_id == room if rooms is None else Vote.room_id.in_(rooms))


def room_stats_columns():
    """The three counts of room_stats as scalar subqueries of the parameter `room_id` (also read
    together with a vote's other counts in one statement: board._ROOM_VOTE_ROW)."""
    room = bindparam("room_id")
    dots = [room_dots(kind, func.count(), room=room).scalar_subquery() for kind in ROOM_ITEMS]
    return (
        # The one count of barriers (the facilitator's list, the phone's, the export): visible
        # after merging. A merged group counts once; hidden and withdrawn posts not at all.
        # The room's barriers found by room_id alone and counted by a CASE: with the conditions in the
        # WHERE, PostgreSQL read every barrier left unmerged through the merged_into_id index (issue 18).
        select(func.count(case((and_(Barrier.withdrawn.is_(False), Barrier.merged_into_id.is_(None),
                                     Barrier.hidden.is_(False)), 1))))
        .select_from(Barrier).where(Barrier.room_id == room).scalar_subquery(),
        select(func.count()).select_from(Solution).where(
            Solution.room_id == room, Solution.withdrawn.is_(False), Solution.hidden.is_(False)).scalar_subquery(),
        dots[0] + dots[1],
    )


# Built once: this runs after every vote and post, and building the statement
# cost more than running it (py-spy under the vote storm, docs/benchmarks.md).
_ROOM_STATS = select(*room_stats_columns())


def room_stats(session: Session, room_id: int) -> dict:
    """Counts the projector shows per room; no text, no authors (one round trip)."""
    return stats_view(room_id, *session.execute(_ROOM_STATS, {"room_id": room_id}).one())


def stats_view(room_id: int, barriers: int, solutions: int, votes: int) -> dict:
    return {"room_id": room_id, "barriers": barriers, "solutions": solutions, "votes": votes}
