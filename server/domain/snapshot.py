"""A viewer's whole state, built fresh from the database.

The client reducer (web/js/state.js, and server/domain/reducer.py for the
tests and the simulator) turns a snapshot plus the events that viewer
received into exactly the snapshot taken later; tests/test_keystone.py
checks that for every event type and every kind of viewer.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from ..models import (
    Barrier,
    CouncilLink,
    CouncilVolunteer,
    Participant,
    PlanEntry,
    PlenaryItem,
    Room,
    Solution,
    Vote,
    Workshop,
)
from . import pii, tallies
from . import projection as pj
from .auth import Principal
from .expiry import privacy_view
from .notes import notes_by_entry
from .objections import objection_views
from .sectors import sector_views
from .stats import room_stats

# Built once (every reconnecting phone reads a snapshot; building a statement costs about as
# much as running it on SQLite: docs/benchmarks.md). Parameters: w (workshop), r (room), p (person).
_W, _R, _P = bindparam("w"), bindparam("r"), bindparam("p")
_VOTE_COUNTS = select(Vote.target_type, Vote.target_id, func.count()).where(
    Vote.workshop_id == _W).group_by(Vote.target_type, Vote.target_id)
_ROOMS = select(Room).where(Room.workshop_id == _W).order_by(Room.number)
_BARRIERS = select(Barrier).where(Barrier.workshop_id == _W)
_SOLUTIONS = select(Solution).where(Solution.workshop_id == _W)
_ROOM_BARRIERS = _BARRIERS.where(Barrier.room_id == _R)
_ROOM_SOLUTIONS = _SOLUTIONS.where(Solution.room_id == _R)
_VOLUNTEERS = select(CouncilVolunteer).where(CouncilVolunteer.workshop_id == _W)
_PEOPLE = select(Participant).where(Participant.workshop_id == _W, Participant.removed_at.is_(None))
_ROOM_PEOPLE = _PEOPLE.where(or_(Participant.room_id == _R, Participant.id.in_(bindparam("named", expanding=True))))
_PLENARY = select(PlenaryItem).where(PlenaryItem.workshop_id == _W)
_PLAN = select(PlanEntry).where(PlanEntry.workshop_id == _W)
_MY_VOTES = select(Vote.target_type, Vote.target_id).where(Vote.participant_id == _P)
_MY_BARRIERS = select(Barrier.id).where(Barrier.author_id == _P, Barrier.withdrawn.is_(False))
_MY_SOLUTIONS = select(Solution.id).where(Solution.author_id == _P, Solution.withdrawn.is_(False))


def vote_counts(session: Session, workshop_id: str) -> dict[tuple[str, int], int]:
    rows = session.execute(_VOTE_COUNTS, {"w": workshop_id})
    return {(t, i): n for t, i, n in rows}


def snapshot(session: Session, viewer: Principal) -> dict:
    ws = session.get(Workshop, viewer.workshop_id)
    where = {"w": ws.id, "r": viewer.room_id}
    rooms = list(session.scalars(_ROOMS, where))
    rooms_by_id = {r.id: r for r in rooms}
    role = viewer.role
    # A phone or a facilitator sees one room's board: read only that room's posts, and
    # only the people this view can name (room members, authors, council volunteers),
    # not the whole workshop for every reconnecting phone (docs/benchmarks.md).
    in_room = role in ("participant", "facilitator")
    boards = role in ("organiser", "facilitator", "participant")
    barriers = list(session.scalars(_ROOM_BARRIERS if in_room else _BARRIERS, where)) if boards else []
    solutions = list(session.scalars(_ROOM_SOLUTIONS if in_room else _SOLUTIONS, where)) if boards else []
    volunteers = list(session.scalars(_VOLUNTEERS, where))
    if in_room:
        named = {b.author_id for b in barriers} | {x.author_id for x in solutions} \
            | {v.participant_id for v in volunteers} | ({viewer.id} if role == "participant" else set())
        people_rows = session.scalars(_ROOM_PEOPLE, {**where, "named": sorted(i for i in named if i is not None)})
    else:
        people_rows = session.scalars(_PEOPLE, where)
    people = {p.id: p for p in people_rows}
    counts = vote_counts(session, ws.id)

    def votes(kind: str, item_id: int, room_id: int | None = None) -> int | None:
        """The item's count, or None while its vote is open and this viewer may not see it (tallies.py)."""
        phase = rooms_by_id[room_id].phase if room_id is not None else None
        return None if tallies.masked(role, ws, kind, phase) else counts.get((kind, item_id), 0)
    state: dict = {
        "seq": ws.seq,
        "me": me_view(viewer, people.get(viewer.id) if role == "participant" else None),
        "workshop": pj.workshop_view(ws),
        "sectors": sector_views(session, ws.id),  # every role: the names the people's groups show under
        "rooms": {str(r.id): pj.room_view(r) for r in rooms},
        "participants": {},
        "barriers": {},
        "solutions": {},
        "my_votes": [],
        "mine": [],
        "plenary": {},
        "plan": {},
        "council": {},
    }
    # Participants: a room sees its own members; organisers and the projector see all.
    for p in people.values():
        if role in ("organiser", "display") or p.room_id == viewer.room_id:
            state["participants"][str(p.id)] = pj.participant_view(p)

    if role in ("organiser", "facilitator", "participant"):
        members = defaultdict(list)
        for b in barriers:
            if b.merged_into_id is not None and not b.withdrawn:
                members[b.merged_into_id].append(b.id)
        for b in barriers:
            if pj.barrier_visible_to(viewer, b, rooms_by_id[b.room_id]):
                state["barriers"][str(b.id)] = pj.barrier_view(
                    b, people.get(b.author_id), votes("barrier", b.id, b.room_id), members[b.id],
                    screened=not rooms_by_id[b.room_id].revealed)
        for s in solutions:
            if pj.solution_visible_to(viewer, s):
                state["solutions"][str(s.id)] = pj.solution_view(
                    s, people.get(s.author_id), votes("solution", s.id, s.room_id))

    items = list(session.scalars(_PLENARY, where))
    merged_in: dict[int, list[int]] = {}
    for item in items:
        if item.merged_into_id is not None:
            merged_in.setdefault(item.merged_into_id, []).append(item.id)
    for item in items:
        state["plenary"][str(item.id)] = pj.plenary_view(item, votes("plenary", item.id), merged_in.get(item.id))
    notes = notes_by_entry(session, ws.id)
    for entry in session.scalars(_PLAN, where):
        state["plan"][str(entry.id)] = pj.plan_view(entry, notes.get(entry.id))

    for v in volunteers:
        p = people.get(v.participant_id)
        if p is not None and v.role:
            state["council"][str(p.id)] = pj.council_member_view(p, v.role)

    if role == "participant":
        me = {"p": viewer.id}
        state["my_votes"] = sorted(f"{t}:{i}" for t, i in session.execute(_MY_VOTES, me))
        mine = [f"barrier:{i}" for i in session.scalars(_MY_BARRIERS, me)]
        mine += [f"solution:{i}" for i in session.scalars(_MY_SOLUTIONS, me)]
        state["mine"] = sorted(mine)
        own = next((v for v in volunteers if v.participant_id == viewer.id), None)
        state["me"]["volunteer"] = (pj.volunteer_view(people[viewer.id], own.contact, own.consent, own.role)
                                    if own else None)
    if role == "organiser":
        # Present once the personal data is erased (domain/purge.py).
        if (privacy := privacy_view(session, ws.id)) is not None:
            state["privacy"] = privacy
        state["volunteers"] = {str(v.participant_id): pj.volunteer_view(people[v.participant_id], v.contact,
                                                                         v.consent, v.role)
                               for v in volunteers if v.participant_id in people}
    if role == "organiser":
        # Council members holding a working link of their own (the link itself is never shown again).
        state["council_links"] = {str(pid): True for pid in session.scalars(select(CouncilLink.participant_id).where(
            CouncilLink.workshop_id == ws.id, CouncilLink.revoked_at.is_(None))) if pid in people}
    if role == "council":
        link = session.get(CouncilLink, viewer.id)
        state["me"]["participant_id"] = link.participant_id
    if role in ("organiser", "facilitator"):
        # Second-look flags (server/domain/pii.py), from the text as it is now: never stored,
        # never shown to participants or the projector.
        state["flags"] = {}
        for kind, coll in (("barrier", "barriers"), ("solution", "solutions")):
            for item in state[coll].values():
                found = pii.flags(item["text"])
                if found:
                    state["flags"][pj.post_key(kind, item["id"])] = found
    if role in ("organiser", "facilitator", "participant"):
        # Merge objections (objections.py).
        state["objections"] = objection_views(session, viewer)
    if role in ("organiser", "facilitator"):
        state["help"] = {str(r.id): help_view(r) for r in rooms if r.help_requested_at is not None
                         and (role == "organiser" or r.id == viewer.room_id)}
    if role in ("organiser", "display", "facilitator", "participant"):
        # How far each room's vote has got, counts of people only (tallies.py).
        seen = [r.id for r in rooms] if role in ("organiser", "display") else [viewer.room_id]
        state["vote_progress"] = tallies.progress(session, ws, seen)
    if role == "display":
        state["stats"] = {str(r.id): room_stats(session, r.id) for r in rooms}
    return state


def me_view(viewer: Principal, participant: Participant | None) -> dict:
    me = {"role": viewer.role, "room_id": viewer.room_id}
    if participant is not None:
        me.update({"participant_id": participant.id, "name": participant.display_name,
                   "group": participant.group, "language": participant.language,
                   "anonymous": participant.anonymous})
    return me


def help_view(room: Room) -> dict:
    return {"room_id": room.id, "message": room.help_message, "at": pj.iso(room.help_requested_at)}
