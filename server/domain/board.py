"""A room's board: barriers, merges, dot votes, solutions and moderation.

Vote honesty: one dot per person per item; a person's dots of one kind
(barrier, solution, plenary) never exceed the workshop's budget. When items
merge, each voter keeps one dot on the shared barrier and gets the others
back; an undo puts moved dots back where they were and returns any dot cast
on the shared barrier itself.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from sqlalchemy import bindparam, delete, exists, func, literal, or_, select, true

from ..driver_sql import DriverStatement
from ..models import Barrier, Merge, Participant, PlenaryItem, Room, Solution, Vote
from . import agenda as ag
from . import audiences as aud
from . import pii, rules, tallies
from . import projection as pj
from .commands import Context
from .common import (
    barrier_payload,
    emit_stats,
    get_barrier,
    get_room,
    get_solution,
    require_phase,
    require_workshop_phase,
    return_votes,
    solution_payload,
)
from .errors import CommandError
from .registry import Payload, command, text_field
from .stats import room_dots, room_stats_columns, stats_view


def _author(ctx: Context) -> Participant:
    return ctx.session.get(Participant, ctx.principal.id)


def _anonymous(ctx: Context, requested: bool | None) -> bool:
    me = _author(ctx)
    if not me.display_name:
        return True  # no name to show
    return me.anonymous if requested is None else requested


def emit_flags(ctx: Context, kind: str, item, room_id: int, before: list[str] | None = None) -> None:
    """Second-look flags (pii.py) go to the room's facilitators and organisers only, when they change."""
    found = pii.flags(item.text)
    if found != (before or []):
        ctx.emit("post_flagged", {"kind": kind, "id": item.id, "flags": found}, [aud.facilitators(room_id)])


# -- barriers ----------------------------------------------------------------

class BarrierPost(Payload):
    text: text_field(rules.MAX_BARRIER_CHARS)
    anonymous: bool | None = None
    # What stands in the way of trust (barrier), or what is working (strength: caucus rounds).
    kind: Literal[rules.BARRIER_KINDS] = "barrier"  # type: ignore[valid-type]


@command("barrier_post", roles=("participant",), schema=BarrierPost)
def barrier_post(ctx: Context, text, anonymous=None, kind="barrier"):
    """Participant posts a barrier to trust (or, in a caucus round, a strength); heard by the room once revealed, else by its facilitators and the author."""
    room = get_room(ctx, None)
    require_phase(room, rules.BARRIER_POST_PHASES, "post barriers")
    if kind == "strength" and not ag.caucus(ctx.workshop):
        raise CommandError("wrong_phase", "Strengths are posted in the caucus rooms.", phase=room.phase)
    b = Barrier(workshop_id=ctx.workshop.id, room_id=room.id, author_id=ctx.principal.id, text=text, kind=kind,
                anonymous=_anonymous(ctx, anonymous), created_at=ctx.now)
    ctx.session.add(b)
    ctx.session.flush()
    view = barrier_payload(ctx, b)
    ctx.emit("barrier_posted", {"barrier": view}, pj.post_audience(b, room))
    ctx.emit("authorship", {"key": f"barrier:{b.id}"}, [aud.participant(ctx.principal.id)])
    emit_flags(ctx, "barrier", b, room.id)
    emit_stats(ctx, room.id)
    return {"barrier": view}


class BarrierRef(Payload):
    barrier_id: int


@command("barrier_withdraw", roles=("participant",), schema=BarrierRef)
def barrier_withdraw(ctx: Context, barrier_id):
    """Author withdraws their own barrier before it is merged; heard by whoever could see it."""
    room = get_room(ctx, None)
    b = get_barrier(ctx, barrier_id, room)
    if b.author_id != ctx.principal.id:
        raise CommandError("forbidden", "You can only withdraw your own posts.")
    require_phase(room, rules.BARRIER_WITHDRAW_PHASES, "withdraw barriers")
    if b.merged_into_id is not None:
        raise CommandError("merged", "This barrier has been merged; ask the facilitator to undo the merge first.")
    if ctx.session.scalar(select(PlenaryItem.id).where(PlenaryItem.barrier_id == b.id)):
        raise CommandError("pushed", "This barrier is on the plenary board already.")
    return_votes(ctx, "barrier", b.id)
    b.withdrawn = True
    ctx.emit("barrier_withdrawn", {"barrier_id": b.id}, pj.post_audience(b, room))
    emit_stats(ctx, room.id)
    return {"barrier_id": b.id}


class MergePayload(Payload):
    room_id: int | None = None
    barrier_ids: list[int] = Field(min_length=2, max_length=rules.MAX_MERGE_MEMBERS)
    text: text_field(rules.MAX_BARRIER_CHARS) | None = None


@command("barrier_merge", roles=("facilitator", "organiser"), schema=MergePayload)
def barrier_merge(ctx: Context, barrier_ids, room_id=None, text=None):
    """Facilitator merges duplicate barriers into one shared barrier; dots are de-duplicated; heard by the room."""
    room = get_room(ctx, room_id)
    require_phase(room, rules.MERGE_PHASES, "merge barriers")
    if len(set(barrier_ids)) != len(barrier_ids):
        raise CommandError("invalid", "barrier_ids: each barrier may appear only once")
    members = [get_barrier(ctx, i, room) for i in barrier_ids]
    for b in members:
        if b.merged_into_id is not None:
            raise CommandError("merged", f"Barrier {b.id} is already part of another merge.")
        if b.hidden:
            raise CommandError("hidden", f"Barrier {b.id} is hidden; restore it before merging.")
    if len({b.kind for b in members}) > 1:
        raise CommandError("invalid", "barrier_ids: merge strengths with strengths and barriers with barriers")
    pushed = ctx.session.scalar(select(PlenaryItem.id).where(PlenaryItem.barrier_id.in_(barrier_ids)))
    if pushed:
        raise CommandError("pushed", "A barrier on the plenary board cannot be merged.")
    if ctx.session.scalar(select(Solution.id).where(Solution.barrier_id.in_(barrier_ids),
                                                    Solution.withdrawn.is_(False))):
        raise CommandError("has_solutions", "Barriers that already have solutions cannot be merged.")
    shared = Barrier(workshop_id=ctx.workshop.id, room_id=room.id, author_id=None, kind=members[0].kind,
                     text=text or members[0].text, anonymous=True, is_shared=True, created_at=ctx.now)
    ctx.session.add(shared)
    ctx.session.flush()
    # Each voter keeps their earliest dot, moved to the shared barrier; the rest come back.
    votes = list(ctx.session.scalars(select(Vote).where(Vote.target_type == "barrier",
                                                        Vote.target_id.in_(barrier_ids)).order_by(Vote.id)))
    moved, returned, changes = [], 0, {}
    for v in votes:
        change = changes.setdefault(v.participant_id, {"add": [], "remove": []})
        change["remove"].append(f"barrier:{v.target_id}")
        if any(m["participant_id"] == v.participant_id for m in moved):
            ctx.session.delete(v)
            returned += 1
        else:
            moved.append({"vote_id": v.id, "from": v.target_id, "participant_id": v.participant_id})
            v.target_id = shared.id
            change["add"].append(f"barrier:{shared.id}")
    for b in members:
        b.merged_into_id = shared.id
    merge = Merge(workshop_id=ctx.workshop.id, room_id=room.id, shared_id=shared.id, member_ids=list(barrier_ids),
                  moved_votes=moved, returned_votes=returned, created_at=ctx.now)
    ctx.session.add(merge)
    ctx.session.flush()
    shared_view, member_views = barrier_payload(ctx, shared), [barrier_payload(ctx, b) for b in members]
    counts = mask_barrier_views(ctx, room, [shared_view, *member_views])
    ctx.emit("barriers_merged", {"shared": shared_view, "members": member_views}, [aud.room(room.id)])
    staff_tallies(ctx, room, counts)
    emit_flags(ctx, "barrier", shared, room.id)
    for pid, change in sorted(changes.items()):
        ctx.emit("my_votes", {"add": sorted(change["add"]), "remove": sorted(change["remove"])}, [aud.participant(pid)])
    emit_stats(ctx, room.id)
    if returned:
        tallies.emit_progress(ctx, room.id, "barrier")
    ctx.audit("merge", room_id=room.id, shared_id=shared.id, member_ids=list(barrier_ids), returned_votes=returned)
    return {"shared_id": shared.id, "returned_votes": returned}


class UndoPayload(Payload):
    shared_id: int


@command("merge_undo", roles=("facilitator", "organiser"), schema=UndoPayload)
def merge_undo(ctx: Context, shared_id):
    """Facilitator undoes a merge: originals come back with their dots; heard by the room."""
    shared = get_barrier(ctx, shared_id)
    room = get_room(ctx, shared.room_id if ctx.principal.role == "organiser" else None)
    if shared.room_id != room.id:
        raise CommandError("not_found", "There is no such barrier in this room.")
    require_phase(room, rules.MERGE_PHASES, "undo merges")
    merge = ctx.session.scalar(select(Merge).where(Merge.shared_id == shared.id, Merge.undone_at.is_(None)))
    if merge is None or not shared.is_shared:
        raise CommandError("not_merged", "This barrier is not a merge that can be undone.")
    if shared.merged_into_id is not None:
        raise CommandError("merged", "Undo the merge this barrier is part of first.")
    if ctx.session.scalar(select(PlenaryItem.id).where(PlenaryItem.barrier_id == shared.id)):
        raise CommandError("pushed", "This barrier is on the plenary board already.")
    if ctx.session.scalar(select(Solution.id).where(Solution.barrier_id == shared.id, Solution.withdrawn.is_(False))):
        raise CommandError("has_solutions", "This shared barrier has solutions; it cannot be split again.")
    origin = {m["vote_id"]: m["from"] for m in merge.moved_votes}
    # An original hidden while it was merged takes no dots back: that dot is returned.
    hidden_members = set(ctx.session.scalars(select(Barrier.id).where(Barrier.merged_into_id == shared.id,
                                                                      Barrier.hidden.is_(True))))
    changes: dict[int, dict] = {}
    returned = 0
    for v in list(ctx.session.scalars(select(Vote).where(Vote.target_type == "barrier", Vote.target_id == shared.id))):
        change = changes.setdefault(v.participant_id, {"add": [], "remove": []})
        change["remove"].append(f"barrier:{shared.id}")
        if v.id in origin and origin[v.id] not in hidden_members:
            v.target_id = origin[v.id]
            change["add"].append(f"barrier:{v.target_id}")
        else:
            ctx.session.delete(v)
            returned += 1
    members = list(ctx.session.scalars(select(Barrier).where(Barrier.merged_into_id == shared.id).order_by(Barrier.id)))
    for b in members:
        b.merged_into_id = None
    shared.withdrawn = True
    merge.undone_at = ctx.now
    ctx.session.flush()
    # The room hears the members without a hidden one's reason (its facilitators and author get it next),
    # and without counts while its vote is open (the staff get those as tallies).
    member_views = [{**barrier_payload(ctx, b), "hidden_reason": None} for b in members]
    counts = mask_barrier_views(ctx, room, member_views)
    ctx.emit("merge_undone", {"shared_id": shared.id, "members": member_views}, [aud.room(room.id)])
    staff_tallies(ctx, room, counts)
    for b in members:
        if b.hidden:
            emit_hidden_reason(ctx, "barrier", b)
    for pid, change in sorted(changes.items()):
        ctx.emit("my_votes", {"add": sorted(change["add"]), "remove": sorted(change["remove"])}, [aud.participant(pid)])
    emit_stats(ctx, room.id)
    if returned:
        tallies.emit_progress(ctx, room.id, "barrier")
    ctx.audit("merge_undo", room_id=room.id, shared_id=shared.id)
    return {"member_ids": [b.id for b in members]}


def mask_barrier_views(ctx: Context, room: Room, views: list[dict]) -> list[tuple[int, int]]:
    """Barrier views about to go to the room: while its vote is open (tallies.py) they go without
    counts; returns the counts, for `staff_tallies` to send to the room's staff after the views."""
    if not tallies.hidden(ctx.workshop, "barrier", room.phase):
        return []
    counts = [(v["id"], v["votes"]) for v in views]
    for v in views:
        v["votes"] = None
    return counts


def staff_tallies(ctx: Context, room: Room, counts: list[tuple[int, int]]) -> None:
    for item_id, n in counts:
        ctx.emit("tally", {"target_type": "barrier", "target_id": item_id, "votes": n}, [aud.facilitators(room.id)])


# -- votes -------------------------------------------------------------------

class VoteRef(Payload):
    target_type: Literal["barrier", "solution", "plenary"]
    target_id: int


# The vote path runs on every dot of a vote storm: SQLAlchemy Core statements built
# once, no ORM objects loaded or flushed (docs/benchmarks.md, "Where the time goes").
_ROOMS, _VOTES, _PLENARY = Room.__table__, Vote.__table__, PlenaryItem.__table__
_ITEMS = {"barrier": Barrier.__table__, "solution": Solution.__table__}


def _room_vote_row(kind: str):
    """Everything a dot on one of a room's items is checked against and everything its events say, in
    one statement (issue 18; the counts were a second one, after the insert): the voter's room (its
    workshop and phase), the item (NULLs when there is none), how many dots of this kind the voter has
    given and whether one of them is on this item; and, as they stand before this dot, the item's
    tally, the room's room_stats counts, the voter's dots of this kind in the room and the room's vote
    progress without the voter.

    The counts before the change plus the change are the counts after it: the workshop's row is locked
    for the whole transaction (commands.lock_workshop), so no other dot of this room comes in between.
    Parameters: room and room_id (the voter's room), id (the item), participant_id, target_type, budget."""
    t = _ITEMS[kind]
    me = bindparam("participant_id")
    mine = _VOTES.c.participant_id == me, _VOTES.c.target_type == bindparam("target_type")
    spent = select(func.count()).select_from(_VOTES).where(*mine).scalar_subquery()
    given = select(func.count()).select_from(_VOTES).where(*mine, _VOTES.c.target_id == bindparam("id")).scalar_subquery()
    tally = select(func.count()).select_from(_VOTES).where(
        _VOTES.c.target_type == bindparam("target_type"), _VOTES.c.target_id == bindparam("id")).scalar_subquery()
    mine_here = room_dots(kind, func.count(), room=bindparam("room_id")).where(Vote.participant_id == me)
    others = tallies.room_progress_row(kind, without=me)
    merged = t.c.merged_into_id if kind == "barrier" else literal(None)
    return (select(_ROOMS.c.workshop_id.label("room_workshop"), _ROOMS.c.phase, t.c.workshop_id, t.c.room_id,
                   t.c.withdrawn, t.c.hidden, merged.label("merged_into_id"), spent.label("spent"),
                   given.label("given"), tally.label("tally"),
                   *(c.label(name) for c, name in zip(room_stats_columns(), ("barriers", "solutions", "votes"),
                                                      strict=True)),
                   mine_here.scalar_subquery().label("mine_here"), others.c.voted, others.c.spent.label("spent_others"))
            .select_from(_ROOMS.outerjoin(t, t.c.id == bindparam("id")).join(others, true()))  # others: one row
            .where(_ROOMS.c.id == bindparam("room")))


_ROOM_VOTE_ROW = {kind: _room_vote_row(kind) for kind in _ITEMS}
_PHASES = {"barrier": rules.BARRIER_VOTE_PHASES, "solution": rules.SOLUTION_PHASES}


def _room_vote_change(kind: str, cast: bool):
    """PostgreSQL: _ROOM_VOTE_ROW and the dot's insert (cast) or delete (withdraw) in one statement, a
    round trip fewer per dot (issue 18). The row is a CTE; the change, a data-modifying CTE, happens
    only where the row passes the checks; `changed` says how many votes it inserted or deleted. Every
    part of the statement sees the votes as they were before it, so the counts stay "before".
    The checks are made again in Python from the row (the refusals' codes and messages): a refusal
    rolls the transaction back, and an accepted dot whose change did not happen is an error.
    SQLite cannot change rows in a CTE; there the checks' statement and the change are two (free
    in-process round trips). Parameters: those of _ROOM_VOTE_ROW, workshop_id and created_at."""
    row = _ROOM_VOTE_ROW[kind].cte("vote_row")
    ws = bindparam("workshop_id", type_=_VOTES.c.workshop_id.type)
    ok = [row.c.room_workshop == ws, row.c.workshop_id == ws, row.c.room_id == bindparam("room"),
          or_(*(row.c.phase == phase for phase in _PHASES[kind])), row.c.withdrawn.is_(False), row.c.hidden.is_(False),
          row.c.merged_into_id.is_(None)]
    me = bindparam("participant_id", type_=_VOTES.c.participant_id.type)
    target = bindparam("id", type_=_VOTES.c.target_id.type)
    kind_ = bindparam("target_type", type_=_VOTES.c.target_type.type)
    if cast:
        values = select(ws, me, kind_, target, row.c.room_id,
                        bindparam("created_at", type_=_VOTES.c.created_at.type)).where(
            *ok, row.c.given == 0, row.c.spent < bindparam("budget"))
        change = _VOTES.insert().from_select(
            ["workshop_id", "participant_id", "target_type", "target_id", "room_id", "created_at"], values)
    else:
        change = delete(_VOTES).where(_VOTES.c.participant_id == me, _VOTES.c.target_type == kind_,
                                      _VOTES.c.target_id == target, exists().where(*ok))
    change = change.returning(_VOTES.c.id).cte("vote_change")
    return select(*row.c, select(func.count()).select_from(change).scalar_subquery().label("changed"))


# Run through the driver (server/driver_sql.py): SQLAlchemy's per-run work cost more CPU than the database's.
_ROOM_VOTE_CHANGE = {(kind, cast): DriverStatement(_room_vote_change(kind, cast))
                     for kind in _ITEMS for cast in (True, False)}
# SQLite: the dot's checks and counts, the same way (its booleans come back processed).
_ROOM_VOTE_READ = {kind: DriverStatement(_ROOM_VOTE_ROW[kind]) for kind in _ITEMS}
_PLENARY_ROW = select(_PLENARY.c.workshop_id, _PLENARY.c.merged_into_id).where(_PLENARY.c.id == bindparam("id"))
_MINE = select(_VOTES.c.target_id).where(_VOTES.c.participant_id == bindparam("participant_id"),
                                         _VOTES.c.target_type == bindparam("target_type"))
# SQLite's dot (PostgreSQL's is _ROOM_VOTE_CHANGE) and a plenary dot: through the driver too. Through
# Session.execute the one-row INSERT cost as much again as the dot's checks' statement (8 % of the
# server's CPU in the 1,000-phone storm, docs/benchmarks.md, fourteenth session).
_ADD_VOTE = DriverStatement(_VOTES.insert().values(
    {name: bindparam(f"new_{name}", type_=_VOTES.c[name].type)
     for name in ("workshop_id", "participant_id", "target_type", "target_id", "room_id", "created_at")}))
_DROP_VOTE = DriverStatement(delete(_VOTES).where(_VOTES.c.participant_id == bindparam("participant_id"),
                                                  _VOTES.c.target_type == bindparam("target_type"),
                                                  _VOTES.c.target_id == bindparam("target_id")))
_TALLY = select(func.count()).select_from(_VOTES).where(_VOTES.c.target_type == bindparam("target_type"),
                                                        _VOTES.c.target_id == bindparam("target_id"))


def _vote_events(ctx: Context, target_type: str, target_id: int, audience: list[str], room_id: int | None,
                 change: dict, progress_changed: bool, before, step: int) -> int:
    """The events of a vote (step 1) or a withdrawal (step -1), in their order: tally, my_votes, then
    (a room's item) room_stats and, when someone's first dot came or last dot went, vote_progress.
    `before`: the room item's row from _ROOM_VOTE_ROW, its counts as they were before this dot.
    Returns the tally."""
    if room_id is None:  # the plenary board: no room counts
        n = _tally(ctx, target_type, target_id, audience)
        ctx.emit("my_votes", change, [aud.participant(ctx.principal.id)])
        return n
    n = before.tally + step
    ctx.emit("tally", {"target_type": target_type, "target_id": target_id, "votes": n}, audience)
    ctx.emit("my_votes", change, [aud.participant(ctx.principal.id)])
    ctx.emit("room_stats", stats_view(room_id, before.barriers, before.solutions, before.votes + step), [ctx.display])
    if progress_changed:
        mine = before.mine_here + step
        cell = {"voted": int(before.voted) + (mine > 0),
                "spent": int(before.spent_others) + (mine >= ctx.workshop.vote_budget)}
        tallies.emit_progress(ctx, room_id, target_type, cell)
    return n


def _vote_target(ctx: Context, target_type: str, target_id: int, cast: bool
                 ) -> tuple[list[str], int | None, int, bool, Any]:
    """Check the item can take votes now; return the audience for its tally, its room, how many
    dots of this kind the voter has given, whether one of them is on this item and (a room's item)
    its _ROOM_VOTE_ROW, the counts before this dot. On PostgreSQL a room item's dot is cast (or
    withdrawn) by the same statement, where the checks pass: the row's `changed` says so.

    The same checks, codes and messages as get_room / get_barrier / get_solution (common.py)."""
    run = ctx.session.execute
    if target_type == "plenary":
        require_workshop_phase(ctx, ("plenary",), "vote on the plenary board")
        if not ag.plenary_vote_open(ctx.workshop):
            raise CommandError("vote_closed", "The dots on the plenary board are closed.")
        item = run(_PLENARY_ROW, {"id": target_id}).first()
        if item is None or item.workshop_id != ctx.workshop.id:
            raise CommandError("not_found", "There is no such plenary item.")
        if item.merged_into_id is not None:
            raise CommandError("merged", "This item was merged on the plenary board; vote on the merged item.")
        mine = _my_votes(ctx, "plenary")
        return tallies.tally_audience(ctx, "plenary", None), None, len(mine), target_id in mine, None
    room_id = ctx.principal.room_id
    params = {"room": room_id, "room_id": room_id, "id": target_id, "participant_id": ctx.principal.id,
              "target_type": target_type, "budget": ctx.workshop.vote_budget}
    if ctx.session.get_bind().dialect.name == "postgresql":
        row = _ROOM_VOTE_CHANGE[target_type, cast].execute(
            ctx.session, {**params, "workshop_id": ctx.workshop.id, "created_at": ctx.now}).first()
    else:
        row = _ROOM_VOTE_READ[target_type].execute(ctx.session, params).first()
    if row is None or row.room_workshop != ctx.workshop.id:
        raise CommandError("not_found", "There is no such room in this workshop.")
    barrier = target_type == "barrier"
    if barrier:
        require_phase(row, rules.BARRIER_VOTE_PHASES, "vote on barriers")
    else:
        require_phase(row, rules.SOLUTION_PHASES, "vote on solutions")
    what = "barrier" if barrier else "solution"
    if row.workshop_id is None or row.workshop_id != ctx.workshop.id or row.withdrawn:
        raise CommandError("not_found", f"There is no such {what}.")
    if row.room_id != room_id:
        raise CommandError("not_found", f"There is no such {what} in this room.")
    if barrier and row.merged_into_id is not None:
        raise CommandError("merged", "This barrier was merged; vote on the shared barrier.")
    if row.hidden:
        raise CommandError("hidden", "This post has been hidden by the facilitator.")
    return tallies.tally_audience(ctx, target_type, room_id, row.phase), room_id, row.spent, bool(row.given), row


def _tally(ctx: Context, target_type: str, target_id: int, audience: list[str]) -> int:
    n = ctx.session.execute(_TALLY, {"target_type": target_type, "target_id": target_id}).scalar()
    ctx.emit("tally", {"target_type": target_type, "target_id": target_id, "votes": n}, audience)
    return n


def _shown(ctx: Context, n: int) -> int | None:
    """The count in the voter's own answer. A dot is taken only while its vote is open (_vote_target),
    and an open vote's counts are hidden from participants unless the workshop shows live tallies."""
    return n if ctx.workshop.live_tallies else None


def _my_votes(ctx: Context, target_type: str) -> list[int]:
    return list(ctx.session.execute(_MINE, {"participant_id": ctx.principal.id, "target_type": target_type})
                .scalars())


def _changed_already(row) -> bool:
    """Whether the checks' statement cast or withdrew the dot itself (PostgreSQL: _ROOM_VOTE_CHANGE).
    Called once every check passed: a statement that changed nothing then is a bug, never a refusal."""
    if row is None or "changed" not in row._fields:
        return False
    if row.changed != 1:
        raise RuntimeError(f"the dot's checks passed but its statement changed {row.changed} votes")
    return True


@command("vote_cast", roles=("participant",), schema=VoteRef)
def vote_cast(ctx: Context, target_type, target_id):
    """Participant gives one dot to a barrier, solution or plenary item; the tally is heard by the room (plenary: everyone)."""
    audience, room_id, spent, given, before = _vote_target(ctx, target_type, target_id, cast=True)
    if given:
        raise CommandError("already_voted", "You have already given this item your dot.")
    if spent >= ctx.workshop.vote_budget:
        raise CommandError("budget_spent", f"You have used all {ctx.workshop.vote_budget} of your votes; "
                           "withdraw one to vote again.", budget=ctx.workshop.vote_budget)
    if not _changed_already(before):
        _ADD_VOTE.execute(ctx.session, {"new_workshop_id": ctx.workshop.id, "new_participant_id": ctx.principal.id,
                                        "new_target_type": target_type, "new_target_id": target_id,
                                        "new_room_id": room_id, "new_created_at": ctx.now})
    # a first dot, or the last one: the progress counts change
    n = _vote_events(ctx, target_type, target_id, audience, room_id,
                     {"add": [f"{target_type}:{target_id}"], "remove": []},
                     spent in (0, ctx.workshop.vote_budget - 1), before, 1)
    return {"votes": _shown(ctx, n), "remaining": ctx.workshop.vote_budget - spent - 1}


@command("vote_withdraw", roles=("participant",), schema=VoteRef)
def vote_withdraw(ctx: Context, target_type, target_id):
    """Participant takes a dot back; the tally is heard by the room (plenary: everyone)."""
    audience, room_id, spent, given, before = _vote_target(ctx, target_type, target_id, cast=False)
    if not given:
        raise CommandError("not_voted", "You have not voted for this item.")
    if not _changed_already(before):
        _DROP_VOTE.execute(ctx.session, {"participant_id": ctx.principal.id, "target_type": target_type,
                                         "target_id": target_id})
    # the last dot back, or the first of a spent budget: the progress counts change
    n = _vote_events(ctx, target_type, target_id, audience, room_id,
                     {"add": [], "remove": [f"{target_type}:{target_id}"]},
                     spent in (1, ctx.workshop.vote_budget), before, -1)
    return {"votes": _shown(ctx, n), "remaining": ctx.workshop.vote_budget - (spent - 1)}


def return_room_dots(ctx: Context, participant_id: int, room_id: int) -> int:
    """Delete a person's dots on one room's barriers and solutions (participant_move); the room hears
    each new tally, the person their my_votes, the projector the room's counts. Plenary dots stay."""
    keys = []
    phase = ctx.session.get(Room, room_id).phase
    for kind in _ITEMS:
        targets = list(ctx.session.execute(
            room_dots(kind, _VOTES.c.target_id, room=room_id).where(_VOTES.c.participant_id == participant_id)
            .order_by(_VOTES.c.target_id)).scalars())
        for target_id in targets:
            _DROP_VOTE.execute(ctx.session, {"participant_id": participant_id, "target_type": kind,
                                             "target_id": target_id})
            _tally(ctx, kind, target_id, tallies.tally_audience(ctx, kind, room_id, phase))
            keys.append(f"{kind}:{target_id}")
    if keys:
        ctx.emit("my_votes", {"add": [], "remove": keys}, [aud.participant(participant_id)])
        emit_stats(ctx, room_id)
        for kind in tallies.ROOM_KINDS:
            if any(k.startswith(f"{kind}:") for k in keys):
                tallies.emit_progress(ctx, room_id, kind)
    return len(keys)


# -- solutions ---------------------------------------------------------------

class SolutionPost(Payload):
    barrier_id: int
    text: text_field(rules.MAX_SOLUTION_CHARS)
    anonymous: bool | None = None


@command("solution_post", roles=("participant",), schema=SolutionPost)
def solution_post(ctx: Context, barrier_id, text, anonymous=None):
    """Participant proposes a solution to one of the room's barriers; heard by the room."""
    room = get_room(ctx, None)
    require_phase(room, rules.SOLUTION_PHASES, "propose solutions")
    b = get_barrier(ctx, barrier_id, room)
    if b.merged_into_id is not None:
        raise CommandError("merged", "This barrier was merged; propose solutions for the shared barrier.")
    if b.hidden:
        raise CommandError("hidden", "This post has been hidden by the facilitator.")
    s = Solution(workshop_id=ctx.workshop.id, room_id=room.id, barrier_id=b.id, author_id=ctx.principal.id,
                 text=text, anonymous=_anonymous(ctx, anonymous), created_at=ctx.now)
    ctx.session.add(s)
    ctx.session.flush()
    view = solution_payload(ctx, s)
    ctx.emit("solution_posted", {"solution": view}, pj.post_audience(s, room))
    ctx.emit("authorship", {"key": f"solution:{s.id}"}, [aud.participant(ctx.principal.id)])
    emit_flags(ctx, "solution", s, room.id)
    emit_stats(ctx, room.id)
    return {"solution": view}


class SolutionRef(Payload):
    solution_id: int


@command("solution_withdraw", roles=("participant",), schema=SolutionRef)
def solution_withdraw(ctx: Context, solution_id):
    """Author withdraws their own solution (its dots come back); heard by the room."""
    room = get_room(ctx, None)
    s = get_solution(ctx, solution_id, room)
    if s.author_id != ctx.principal.id:
        raise CommandError("forbidden", "You can only withdraw your own posts.")
    require_phase(room, rules.SOLUTION_PHASES, "withdraw solutions")
    return_votes(ctx, "solution", s.id)
    s.withdrawn = True
    ctx.emit("solution_withdrawn", {"solution_id": s.id}, pj.post_audience(s, room))
    emit_stats(ctx, room.id)
    return {"solution_id": s.id}


# -- moderation ----------------------------------------------------------------

class HidePayload(Payload):
    kind: Literal["barrier", "solution"]
    id: int
    reason: text_field(rules.MAX_REASON_CHARS)


class RestorePayload(Payload):
    kind: Literal["barrier", "solution"]
    id: int


def reason_audience(item) -> list[str]:
    """Who may read why a post was hidden (docs/security.md): whoever sees a hidden post, the room's
    facilitators and the organisers and the post's author; never the rest of the room."""
    return pj.seen_by(item.room_id, item.author_id, open_to_room=False)


def emit_hidden_reason(ctx: Context, kind: str, item) -> None:
    ctx.emit("post_hidden_reason", {"kind": kind, "id": item.id, "reason": item.hidden_reason},
             reason_audience(item))


def _moderated(ctx: Context, kind: str, item_id: int):
    item = get_barrier(ctx, item_id) if kind == "barrier" else get_solution(ctx, item_id)
    room = get_room(ctx, item.room_id if ctx.principal.role == "organiser" else None)
    if item.room_id != room.id:
        raise CommandError("not_found", f"There is no such {kind} in this room.")
    audience = pj.post_audience(item, room)
    return item, room, audience


@command("post_hide", roles=("facilitator", "organiser"), schema=HidePayload)
def post_hide(ctx: Context, kind, id, reason):
    """Facilitator hides a post (its dots come back); heard by whoever could see it, the reason by its author and the facilitators only."""
    item, room, audience = _moderated(ctx, kind, id)
    if item.hidden:
        raise CommandError("already_hidden", "This post is already hidden.")
    return_votes(ctx, kind, item.id)
    item.hidden = True
    item.hidden_reason = reason
    # Whoever saw the post learns that it is hidden; only the reason's own audience learns why.
    ctx.emit("post_hidden", {"kind": kind, "id": item.id}, audience)
    emit_hidden_reason(ctx, kind, item)
    emit_stats(ctx, room.id)  # the projector's counts drop: the post, and its returned dots
    ctx.audit("hide", kind=kind, id=item.id, reason=reason, room_id=room.id)
    return {}


@command("post_restore", roles=("facilitator", "organiser"), schema=RestorePayload)
def post_restore(ctx: Context, kind, id):
    """Facilitator restores a hidden post; heard by whoever can see it."""
    item, room, audience = _moderated(ctx, kind, id)
    if not item.hidden:
        raise CommandError("not_hidden", "This post is not hidden.")
    item.hidden = False
    item.hidden_reason = None
    view = barrier_payload(ctx, item) if kind == "barrier" else solution_payload(ctx, item)
    ctx.emit("post_restored", {"kind": kind, "item": view}, audience)
    emit_stats(ctx, room.id)  # counted again on the projector
    ctx.audit("restore", kind=kind, id=item.id, room_id=room.id)
    return {}
