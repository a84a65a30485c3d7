"""A viewer's whole state, built fresh from the database.

The client reducer (web/js/state.js, and server/domain/reducer.py for the
tests and the simulator) turns a snapshot plus the events that viewer
received into exactly the snapshot taken later; tests/test_keystone.py
checks that for every event type and every kind of viewer.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import bindparam, exists, func, or_, select, union_all
from sqlalchemy.orm import Session

from ..models import (
    AuditEntry,
    Barrier,
    CouncilLink,
    CouncilMeeting,
    CouncilVolunteer,
    Election,
    Participant,
    PlanEntry,
    PlenaryItem,
    Pulse,
    Room,
    Solution,
    Vote,
    Workshop,
)
from . import pii, tallies
from . import projection as pj
from .auth import Principal
from .election_results import election_views, nominations_of, sector_people, voted_by
from .expiry import privacy_view
from .meeting_views import meetings_view
from .notes import notes_by_entry
from .objections import OBJECTION_ACTIONS, objection_views
from .pulse_results import answered_by, pulse_views
from .sectors import sector_views
from .stats import ROOM_ITEMS, room_dots, room_stats

# Built once (every reconnecting phone reads a snapshot; building a statement costs about as
# much as running it on SQLite: docs/benchmarks.md). Parameters: w (workshop), r (room), p (person).
_W, _R, _P = bindparam("w"), bindparam("r"), bindparam("p")
_VOTE_COUNTS = select(Vote.target_type, Vote.target_id, func.count()).where(
    Vote.workshop_id == _W).group_by(Vote.target_type, Vote.target_id)
# A phone's or a facilitator's snapshot shows one room's posts and the plenary board: only their dots
# are counted (through the room's items and the votes' target_id index), not every dot of the workshop
# (1 ms of PostgreSQL per phone at 3,000 dots, growing with the day: issue 18).
_ROOM_VOTE_COUNTS = union_all(*(
    room_dots(kind, Vote.target_type, Vote.target_id, func.count(), room=_R).group_by(Vote.target_type, Vote.target_id)
    for kind in ROOM_ITEMS),
    select(Vote.target_type, Vote.target_id, func.count())
    .where(Vote.workshop_id == _W, Vote.target_type == "plenary").group_by(Vote.target_type, Vote.target_id))
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
# What the workshop holds at all, in one statement: a snapshot skips the reads of what there is none of
# (a morning's connect burst has no posts, dots, pulses or elections yet: a dozen reads per phone; issue 18).
_PRESENT = select(*(exists().where(column == _W).label(name) for name, column in (
    ("barriers", Barrier.workshop_id), ("solutions", Solution.workshop_id), ("votes", Vote.workshop_id),
    ("volunteers", CouncilVolunteer.workshop_id), ("plenary", PlenaryItem.workshop_id),
    ("plan", PlanEntry.workshop_id), ("pulses", Pulse.workshop_id), ("elections", Election.workshop_id),
    ("meetings", CouncilMeeting.workshop_id))),
    exists().where(AuditEntry.workshop_id == _W, AuditEntry.action.in_(OBJECTION_ACTIONS)).label("objections"))
_MY_VOTES = select(Vote.target_type, Vote.target_id).where(Vote.participant_id == _P)
_MY_BARRIERS = select(Barrier.id).where(Barrier.author_id == _P, Barrier.withdrawn.is_(False))
_MY_SOLUTIONS = select(Solution.id).where(Solution.author_id == _P, Solution.withdrawn.is_(False))


def vote_counts(session: Session, workshop_id: str) -> dict[tuple[str, int], int]:
    rows = session.execute(_VOTE_COUNTS, {"w": workshop_id})
    return {(t, i): n for t, i, n in rows}


# The roles that see rooms' boards (posts), each as projection.post_visible_to lets them.
_BOARDS = ("organiser", "facilitator", "participant")


@dataclass
class _Rows:
    """What a viewer's snapshot is read from (each read once)."""
    session: Session
    viewer: Principal
    ws: Workshop
    rooms: list[Room]
    barriers: list[Barrier]
    solutions: list[Solution]
    volunteers: list[CouncilVolunteer]
    people: dict[int, Participant]
    counts: dict[tuple[str, int], int]
    present: set[str]  # the kinds of rows the workshop has any of (_PRESENT)
    rooms_by_id: dict[int, Room] = field(init=False)

    def __post_init__(self) -> None:
        self.rooms_by_id = {r.id: r for r in self.rooms}

    @property
    def role(self) -> str:
        return self.viewer.role

    def votes(self, kind: str, item_id: int, room_id: int | None = None) -> int | None:
        """The item's count, or None while its vote is open and this viewer may not see it (tallies.py)."""
        phase = self.rooms_by_id[room_id].phase if room_id is not None else None
        return None if tallies.masked(self.role, self.ws, kind, phase) else self.counts.get((kind, item_id), 0)


def snapshot(session: Session, viewer: Principal) -> dict:
    """The viewer's whole state: what every view has, then what their role has besides."""
    rows = _read(session, viewer)
    state = _shared_part(rows)
    _ROLE_PARTS[viewer.role](rows, state)
    return state


def room_content(session: Session, viewer: Principal) -> dict:
    """What a participant's screen needs on arriving in a room (`room_changed`): the room's people,
    posts and vote progress, as their snapshot has them, without reading the rest of the day."""
    rows = _read(session, viewer)
    barriers, solutions = _board(rows)
    state = {"participants": _participants(rows), "barriers": barriers, "solutions": solutions}
    _progress_part(rows, state)
    return state


def _read(session: Session, viewer: Principal) -> _Rows:
    ws = session.get(Workshop, viewer.workshop_id)
    where = {"w": ws.id, "r": viewer.room_id}
    present = {name for name, there in session.execute(_PRESENT, where).one()._mapping.items() if there}
    rooms = list(session.scalars(_ROOMS, where))
    role = viewer.role
    # A phone or a facilitator sees one room's board: read only that room's posts, and
    # only the people this view can name (room members, authors, council volunteers),
    # not the whole workshop for every reconnecting phone (docs/benchmarks.md).
    in_room = role in ("participant", "facilitator")
    boards = role in _BOARDS
    barriers = list(session.scalars(_ROOM_BARRIERS if in_room else _BARRIERS, where)) \
        if boards and "barriers" in present else []
    solutions = list(session.scalars(_ROOM_SOLUTIONS if in_room else _SOLUTIONS, where)) \
        if boards and "solutions" in present else []
    volunteers = list(session.scalars(_VOLUNTEERS, where)) if "volunteers" in present else []
    if in_room:
        named = {b.author_id for b in barriers} | {x.author_id for x in solutions} \
            | {v.participant_id for v in volunteers} | ({viewer.id} if role == "participant" else set())
        people_rows = session.scalars(_ROOM_PEOPLE, {**where, "named": sorted(i for i in named if i is not None)})
    else:
        people_rows = session.scalars(_PEOPLE, where)
    people = {p.id: p for p in people_rows}
    if "votes" not in present:
        counts = {}
    elif in_room:
        counts = {(t, i): n for t, i, n in session.execute(_ROOM_VOTE_COUNTS, where)}
    else:
        counts = vote_counts(session, ws.id)
    return _Rows(session, viewer, ws, rooms, barriers, solutions, volunteers, people, counts, present)


def _shared_part(rows: _Rows) -> dict:
    """What every view has (empty where this viewer sees none of it)."""
    viewer, ws = rows.viewer, rows.ws
    barriers, solutions = _board(rows) if viewer.role in _BOARDS else ({}, {})
    return {
        "seq": ws.seq,
        "me": me_view(viewer, rows.people.get(viewer.id) if viewer.role == "participant" else None),
        "workshop": pj.workshop_view(ws),
        "sectors": sector_views(rows.session, ws.id),  # every role: the names the people's groups show under
        "rooms": {str(r.id): pj.room_view(r) for r in rows.rooms},
        "participants": _participants(rows),
        "barriers": barriers,
        "solutions": solutions,
        "my_votes": [],
        "mine": [],
        "plenary": _plenary(rows) if "plenary" in rows.present else {},
        "plan": _plan(rows) if "plan" in rows.present else {},
        "council": _council(rows),
        # The trust pulse: results only once closed.
        "pulses": pulse_views(rows.session, ws.id) if "pulses" in rows.present else {},
        # The council's ballots: never a count per candidate.
        "elections": election_views(rows.session, ws.id) if "elections" in rows.present else {},
        # The council's meetings after the day (meetings.py).
        "meetings": meetings_view(rows.session, ws.id) if "meetings" in rows.present else {},
    }


def _participants(rows: _Rows) -> dict:
    """A room sees its own members; organisers and the projector see all."""
    everyone = rows.role in ("organiser", "display")
    return {str(p.id): pj.participant_view(p) for p in rows.people.values()
            if everyone or p.room_id == rows.viewer.room_id}


def _board(rows: _Rows) -> tuple[dict, dict]:
    """The barriers and solutions this viewer sees (projection.post_visible_to)."""
    heard = rows.viewer.audiences(list(rows.rooms_by_id))
    members = defaultdict(list)
    for b in rows.barriers:
        if b.merged_into_id is not None and not b.withdrawn:
            members[b.merged_into_id].append(b.id)
    barriers, solutions = {}, {}
    for b in rows.barriers:
        room = rows.rooms_by_id[b.room_id]
        if pj.post_visible_to(heard, b, room):
            barriers[str(b.id)] = pj.barrier_view(b, rows.people.get(b.author_id),
                                                  rows.votes("barrier", b.id, b.room_id), members[b.id],
                                                  screened=not room.revealed)
    for s in rows.solutions:
        if pj.post_visible_to(heard, s, rows.rooms_by_id[s.room_id]):
            solutions[str(s.id)] = pj.solution_view(s, rows.people.get(s.author_id),
                                                    rows.votes("solution", s.id, s.room_id))
    return barriers, solutions


def _plenary(rows: _Rows) -> dict:
    items = list(rows.session.scalars(_PLENARY, {"w": rows.ws.id}))
    merged_in: dict[int, list[int]] = {}
    for item in items:
        if item.merged_into_id is not None:
            merged_in.setdefault(item.merged_into_id, []).append(item.id)
    return {str(item.id): pj.plenary_view(item, rows.votes("plenary", item.id), merged_in.get(item.id))
            for item in items}


def _plan(rows: _Rows) -> dict:
    notes = notes_by_entry(rows.session, rows.ws.id)
    return {str(e.id): pj.plan_view(e, notes.get(e.id)) for e in rows.session.scalars(_PLAN, {"w": rows.ws.id})}


def _council(rows: _Rows) -> dict:
    """The council's members (a volunteer given a role) as everyone sees them."""
    out = {}
    for v in rows.volunteers:
        p = rows.people.get(v.participant_id)
        if p is not None and v.role:
            out[str(p.id)] = pj.council_member_view(p, v.role)
    return out


# -- what each role has besides ---------------------------------------------------

def _organiser_part(rows: _Rows, state: dict) -> None:
    session, ws, people = rows.session, rows.ws, rows.people
    # Present once the personal data is erased (domain/purge.py).
    if (privacy := privacy_view(session, ws.id)) is not None:
        state["privacy"] = privacy
    state["volunteers"] = {str(v.participant_id): pj.volunteer_view(people[v.participant_id], v.contact,
                                                                     v.consent, v.role)
                           for v in rows.volunteers if v.participant_id in people}
    # Council members holding a working link of their own (the link itself is never shown again).
    state["council_links"] = {str(pid): True for pid in session.scalars(select(CouncilLink.participant_id).where(
        CouncilLink.workshop_id == ws.id, CouncilLink.revoked_at.is_(None))) if pid in people}
    _staff_part(rows, state)


def _facilitator_part(rows: _Rows, state: dict) -> None:
    _staff_part(rows, state)


def _staff_part(rows: _Rows, state: dict) -> None:
    """Organisers and facilitators: second-look flags, merge objections, calls for help, vote progress."""
    # Second-look flags (server/domain/pii.py), from the text as it is now: never stored,
    # never shown to participants or the projector.
    state["flags"] = {}
    for kind, coll in (("barrier", "barriers"), ("solution", "solutions")):
        for item in state[coll].values():
            found = pii.flags(item["text"])
            if found:
                state["flags"][pj.post_key(kind, item["id"])] = found
    # Merge objections (objections.py).
    state["objections"] = objection_views(rows.session, rows.viewer) if "objections" in rows.present else {}
    organiser = rows.role == "organiser"
    state["help"] = {str(r.id): help_view(r) for r in rows.rooms if r.help_requested_at is not None
                     and (organiser or r.id == rows.viewer.room_id)}
    _progress_part(rows, state)


def _participant_part(rows: _Rows, state: dict) -> None:
    session, viewer, present = rows.session, rows.viewer, rows.present
    me = {"p": viewer.id}
    state["my_votes"] = sorted(f"{t}:{i}" for t, i in session.execute(_MY_VOTES, me)) if "votes" in present else []
    mine = [f"barrier:{i}" for i in session.scalars(_MY_BARRIERS, me)] if "barriers" in present else []
    mine += [f"solution:{i}" for i in session.scalars(_MY_SOLUTIONS, me)] if "solutions" in present else []
    state["mine"] = sorted(mine)
    own = next((v for v in rows.volunteers if v.participant_id == viewer.id), None)
    state["me"]["volunteer"] = (pj.volunteer_view(rows.people[viewer.id], own.contact, own.consent, own.role)
                                if own else None)
    # Their own objections (objections.py).
    state["objections"] = objection_views(session, viewer) if "objections" in present else {}
    state["me"]["pulses_answered"] = answered_by(session, viewer.id) if "pulses" in present else []
    elections = "elections" in present
    state["me"]["elections_voted"] = voted_by(session, viewer.id) if elections else []
    state["me"]["nominations"] = nominations_of(session, viewer.id) if elections else {}  # waiting for their answer
    # While the sectors' nominations are open: the named people of one's own sector, whatever their room.
    state["sector_people"] = sector_people(session, rows.ws.id, rows.people[viewer.id].group) if elections else {}
    _progress_part(rows, state)


def _display_part(rows: _Rows, state: dict) -> None:
    _progress_part(rows, state)
    state["stats"] = {str(r.id): room_stats(rows.session, r.id) for r in rows.rooms}


def _council_part(rows: _Rows, state: dict) -> None:
    state["me"]["participant_id"] = rows.session.get(CouncilLink, rows.viewer.id).participant_id


def _progress_part(rows: _Rows, state: dict) -> None:
    """How far each room's vote has got, counts of people only (tallies.py): every room's for the
    organisers and the projector, one's own room's for the others."""
    seen = [r.id for r in rows.rooms] if rows.role in ("organiser", "display") else [rows.viewer.room_id]
    state["vote_progress"] = tallies.progress(rows.session, rows.ws, seen)


_ROLE_PARTS = {"organiser": _organiser_part, "facilitator": _facilitator_part, "participant": _participant_part,
               "display": _display_part, "council": _council_part}


def me_view(viewer: Principal, participant: Participant | None) -> dict:
    me = {"role": viewer.role, "room_id": viewer.room_id}
    if participant is not None:
        me.update({"participant_id": participant.id, "name": participant.display_name,
                   "group": participant.group, "language": participant.language,
                   "anonymous": participant.anonymous})
    return me


def help_view(room: Room) -> dict:
    return {"room_id": room.id, "message": room.help_message, "at": pj.iso(room.help_requested_at)}
