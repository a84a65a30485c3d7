"""One data model of a workshop's day, built from the database, for every renderer.

Privacy is settled here, once, so no renderer can get it wrong:
* a post's author appears only as the name the author chose to show
  (the same rule as server/domain/projection.py); anonymous posts carry no
  author at all, and no participant id is kept anywhere in the model;
* vote splits by stakeholder group come from server/domain/agreement.py,
  with its small-group suppression applied;
* hidden posts appear only as counts and the facilitators' reasons, never
  with their text; withdrawn posts do not appear;
* council volunteers' contact details are not in the report.

A day that follows an agenda other than `short` (docs/agenda.md) adds its
own sections: the agenda, the strengths the caucus rooms named (by room and
its sectors), the priorities the plenary confirmed, and the solution rooms'
drafts. A `short` day's report has none of them, as before agendas.

A day with a trust pulse or a council election adds them too (day_results.py): the
pulse's published means only, the council's seats and how they were filled.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import agreement as ag
from ..domain import rules
from ..domain import sectors as sc
from ..domain.notes import notes_by_entry
from ..domain.projection import author_name
from ..models import (
    AuditEntry,
    Barrier,
    CouncilVolunteer,
    FacilitatorInvite,
    Merge,
    Participant,
    PlanEntry,
    PlenaryItem,
    Room,
    Solution,
    Vote,
    Workshop,
    utcnow,
)
from .day_results import ElectionReport, PulseReport, election_report, pulse_report
from .i18n import Labels

# Audit actions that make the timeline (plan field edits and moves are too fine-grained).
TIMELINE_ACTIONS = ("phase", "workshop_phase", "merge", "merge_undo", "hide", "restore", "report_push",
                    "report_withdraw", "plan_create", "council_role", "pause", "resume", "edit", "remove",
                    "facilitator_revoke", "facilitator_invite_renew", "merge_object", "merge_objection_dismiss",
                    # the report says when the personal data was erased, and how (domain/purge.py)
                    "purge", "expire",
                    # the agenda (docs/agenda.md)
                    "agenda_set", "rooms_form", "plenary_vote_close", "priorities_confirm")
# Every facilitator and organiser action on people and posts, counted in the report's
# moderation section (with the reasons given). No names: the report goes to everyone.
MODERATION_ACTIONS = ("hide", "restore", "edit", "remove", "facilitator_revoke", "facilitator_invite_renew",
                      "merge_object", "merge_objection_dismiss", "merge_objection_undone")
REASON_ACTIONS = ("remove", "facilitator_revoke", "merge_object", "merge_objection_dismiss")


class NotFound(Exception):
    pass


@dataclass
class SolutionRow:
    id: int
    text: str
    author_name: str | None
    votes: int
    support: ag.Support


@dataclass
class BarrierRow:
    id: int
    room_id: int
    room_name: str
    text: str
    author_name: str | None
    votes: int
    support: ag.Support
    shared: bool
    member_texts: list[str]
    solutions: list[SolutionRow]
    pushed: bool


@dataclass
class StrengthRow:
    id: int
    text: str
    author_name: str | None
    member_texts: list[str]


@dataclass
class StrengthGroup:
    """The strengths one caucus room named, with the sectors the room gathered."""
    room_name: str
    sectors: list[str]                        # sector keys
    strengths: list[StrengthRow]


@dataclass
class PriorityRow:
    rank: int
    id: int
    text: str
    room_name: str
    votes: int
    support: ag.Support


@dataclass
class SolutionRoomRow:
    """One solution room's drafts, in rank order: {"rank", "title", "fields": {guiding field: text}}."""
    room_name: str
    drafts: list[dict]


@dataclass
class MergeRow:
    room_name: str
    shared_text: str
    member_texts: list[str]
    returned_votes: int
    undone: bool


@dataclass
class RoomRow:
    id: int
    number: int
    name: str
    phase: str
    sizes: dict[str, int]
    barriers: list[BarrierRow]
    merges: list[MergeRow]
    sectors: list[str] = field(default_factory=list)  # the sector keys the room gathered in a caucus round

    @property
    def people(self) -> int:
        return sum(self.sizes.values())


@dataclass
class PlenaryRow:
    id: int
    room_name: str
    text: str
    room_votes: int
    votes: int
    support: ag.Support
    solutions: list[dict]
    planned: bool


@dataclass
class TimelineRow:
    at: datetime
    actor: str          # organiser | facilitator | system
    room_name: str | None
    action: str
    detail: dict


@dataclass
class CouncilRow:
    name: str | None
    group: str
    role: str


@dataclass
class Report:
    workshop: dict
    generated_at: datetime
    k: int
    groups: tuple[str, ...]
    participation: dict[str, int]             # group -> people in the workshop
    rooms: list[RoomRow]
    votes_by_group: dict[str, int | None]     # dots cast by each group (None: suppressed)
    vote_totals: dict[str, int]               # kind -> dots
    moderation: dict                          # {"hidden": {"barrier": n, "solution": n}, "restored": n, "reasons": [...]}
    timeline: list[TimelineRow]
    plenary: list[PlenaryRow]
    common_ground: list[dict]                 # ranked: kind, text, room_name, support
    plan: list[dict]                          # {"position", "fields", "co_leads": {field: CouncilRow | None}, "notes"}
    council: list[CouncilRow]
    volunteers: int
    agreement: ag.Agreement = field(repr=False, default=None)
    layout: ag.Layout = ag.DEFAULT_LAYOUT                # the workshop's sectors and the police side
    sector_names: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> {lang: name}
    # The agenda (docs/agenda.md): its segment kinds and the index the day reached; [] for a `short` day.
    agenda: list[str] = field(default_factory=list)
    segment: int = 0
    strengths: list[StrengthGroup] = field(default_factory=list)
    priorities: list[PriorityRow] = field(default_factory=list)
    solution_rooms: list[SolutionRoomRow] = field(default_factory=list)
    hidden_strengths: int = 0
    # The trust pulse's published results and the council's election (day_results.py); None on a day without.
    pulse: PulseReport | None = None
    election: ElectionReport | None = None

    @property
    def guided(self) -> bool:
        """The plan was drafted in solution rooms: it shows the room and the guiding answers."""
        return any(e["room_name"] or any(e["fields"].get(f) for f in rules.NEW_PLAN_FIELDS) for e in self.plan)

    @property
    def people(self) -> int:
        return sum(self.participation.values())


def build(session: Session, workshop_id: str, k: int = ag.DEFAULT_MIN_GROUP_SIZE, lang: str = "en") -> Report:
    """Read one workshop and assemble its report (rooms named in `lang`). Raises NotFound for an unknown id."""
    ws = session.get(Workshop, workshop_id)
    if ws is None:
        raise NotFound(workshop_id)
    day = _read(session, ws, Labels(lang))
    agreement = _agreement(day, k)
    council, co_leads = _council(day)
    return Report(
        workshop=_workshop(ws), generated_at=utcnow(), k=k, groups=day.layout.groups,
        participation=dict(agreement.sizes.get(None, {g: 0 for g in day.layout.groups})),
        rooms=_room_rows(day, agreement),
        votes_by_group=_votes_by_group(day, agreement, k), vote_totals=_vote_totals(day.votes),
        moderation=_moderation(day), timeline=_timeline(day), plenary=_plenary_rows(day, agreement),
        common_ground=_common_ground(day, agreement), plan=_plan(day, co_leads), council=council,
        volunteers=len(day.volunteers), agreement=agreement, layout=day.layout,
        sector_names={x["key"]: x["names"] for x in day.sectors},
        agenda=[] if day.short else list(ws.agenda), segment=ws.segment, strengths=_strengths(day),
        priorities=_priorities(day, agreement), solution_rooms=_solution_rooms(day),
        hidden_strengths=sum(1 for b in day.barriers if b.kind == "strength" and b.hidden and not b.withdrawn),
        pulse=pulse_report(session, ws.id),
        election=election_report(session, ws.id, [x["key"] for x in day.sectors]))


@dataclass
class _Day:
    """One workshop's rows, read once, and the lookups the report's sections share."""
    ws: Workshop
    rooms: list[Room]
    room_name: dict[int, str]                 # room id -> the room's name in the report's language
    people: dict[int, Participant]
    barriers: list[Barrier]
    solutions: list[Solution]
    votes: list[tuple[int, str, int]]         # (participant id, target type, target id)
    plenary: list[PlenaryItem]
    entries: list[PlanEntry]
    merges: list[Merge]
    volunteers: list[CouncilVolunteer]
    invites: dict[int, FacilitatorInvite]
    audit: list[AuditEntry]
    notes: dict[int, list[dict]]              # plan entry id -> its dated notes
    sectors: list[dict]                       # [{key, names, side}] in order

    @cached_property
    def layout(self) -> ag.Layout:
        return workshop_layout(self.sectors)

    @cached_property
    def live_b(self) -> list[Barrier]:
        return [b for b in self.barriers if not b.withdrawn]

    @cached_property
    def live_s(self) -> list[Solution]:
        return [s for s in self.solutions if not s.withdrawn]

    @cached_property
    def tally(self) -> Counter:
        """(target type, target id) -> dots."""
        return Counter((t, i) for _, t, i in self.votes)

    @cached_property
    def short(self) -> bool:
        """The day follows the `short` agenda, the day of before agendas."""
        return list(self.ws.agenda) == list(rules.AGENDA_PRESETS["short"])

    @cached_property
    def caucus_sectors(self) -> dict[int, list[str]]:
        """Room id -> the sector keys the room gathered in the day's caucus round (a room keeps them
        after the round; none on a day without one)."""
        return {r.id: list(r.sectors) for r in self.rooms if r.sectors}

    @cached_property
    def top_plenary(self) -> list[PlenaryItem]:
        """The plenary items not merged into another one."""
        return [i for i in self.plenary if i.merged_into_id is None]


def workshop_layout(sectors: list[dict]) -> ag.Layout:
    """The agreement's layout of a workshop's sectors (the four groups for a workshop without any)."""
    return ag.layout({x["key"]: x["side"] for x in sectors}) if sectors else ag.DEFAULT_LAYOUT


def _read(session: Session, ws: Workshop, labels: Labels) -> _Day:
    rooms = list(session.scalars(select(Room).where(Room.workshop_id == ws.id).order_by(Room.number)))
    room_name = {r.id: labels.room_name(r.name, r.number) for r in rooms}
    people = {p.id: p for p in session.scalars(select(Participant).where(Participant.workshop_id == ws.id))}
    barriers = list(session.scalars(select(Barrier).where(Barrier.workshop_id == ws.id).order_by(Barrier.id)))
    solutions = list(session.scalars(select(Solution).where(Solution.workshop_id == ws.id).order_by(Solution.id)))
    votes = [(v.participant_id, v.target_type, v.target_id) for v in session.scalars(
        select(Vote).where(Vote.workshop_id == ws.id).order_by(Vote.id))]
    plenary = list(session.scalars(select(PlenaryItem).where(PlenaryItem.workshop_id == ws.id)))
    entries = list(session.scalars(select(PlanEntry).where(PlanEntry.workshop_id == ws.id)
                                   .order_by(PlanEntry.position, PlanEntry.id)))
    merges = list(session.scalars(select(Merge).where(Merge.workshop_id == ws.id).order_by(Merge.id)))
    volunteers = list(session.scalars(select(CouncilVolunteer).where(CouncilVolunteer.workshop_id == ws.id)))
    invites = {i.id: i for i in session.scalars(select(FacilitatorInvite).where(FacilitatorInvite.workshop_id == ws.id))}
    audit = list(session.scalars(select(AuditEntry).where(AuditEntry.workshop_id == ws.id)
                                 .order_by(AuditEntry.at, AuditEntry.id)))
    return _Day(ws, rooms, room_name, people, barriers, solutions, votes, plenary, entries, merges, volunteers,
                invites, audit, notes_by_entry(session, ws.id), sc.sector_views(session, ws.id))


def _workshop(ws: Workshop) -> dict:
    return {"id": ws.id, "title": ws.title, "date": ws.date, "place": ws.place,
            "languages": list(ws.languages), "phase": ws.phase, "vote_budget": ws.vote_budget,
            "created_at": ws.created_at}


def _agreement(day: _Day, k: int) -> ag.Agreement:
    """Support by group for every live post and plenary item (server/domain/agreement.py)."""
    items = ([ag.Item("barrier", b.id, b.room_id) for b in day.live_b]
             + [ag.Item("solution", s.id, s.room_id) for s in day.live_s]
             + [ag.Item("plenary", i.id, None) for i in day.plenary])
    persons = [ag.Person(p.id, p.group, p.room_id, p.removed_at is not None) for p in day.people.values()]
    return ag.compute(persons, items, day.votes, k, day.layout)


def _room_rows(day: _Day, agreement: ag.Agreement) -> list[RoomRow]:
    """Every room: its barriers by dots (each with its merged members and solutions), and its merges."""
    rooms, room_name, people, tally = day.rooms, day.room_name, day.people, day.tally
    live_b, live_s = day.live_b, day.live_s
    by_id = {b.id: b for b in day.barriers}
    pushed = {i.barrier_id for i in day.plenary}

    def sol_row(s: Solution) -> SolutionRow:
        return SolutionRow(s.id, s.text, author_name(s.anonymous, people.get(s.author_id)),
                           tally[("solution", s.id)], agreement.items[("solution", s.id)])

    room_rows = []
    for r in rooms:
        top = [b for b in live_b if b.room_id == r.id and b.merged_into_id is None and not b.hidden
               and b.kind != "strength"]
        rows = []
        for b in top:
            members = [m.text for m in live_b if m.merged_into_id == b.id and not m.hidden]
            sols = [sol_row(s) for s in live_s if s.barrier_id == b.id and not s.hidden]
            sols.sort(key=lambda s: (-s.votes, s.id))
            rows.append(BarrierRow(b.id, r.id, room_name[r.id], b.text, author_name(b.anonymous, people.get(b.author_id)),
                                   tally[("barrier", b.id)], agreement.items[("barrier", b.id)], b.is_shared,
                                   members, sols, b.id in pushed))
        rows.sort(key=lambda b: (-b.votes, b.id))
        merge_rows = []
        for m in day.merges:
            if m.room_id != r.id or m.shared_id not in by_id or by_id[m.shared_id].kind == "strength":
                continue  # a merge of strengths is told with the strengths
            member_texts = [by_id[i].text for i in m.member_ids if i in by_id and not by_id[i].hidden
                            and not by_id[i].withdrawn]
            merge_rows.append(MergeRow(room_name[r.id], by_id[m.shared_id].text, member_texts, m.returned_votes,
                                       m.undone_at is not None))
        sizes = agreement.sizes.get(r.id, {g: 0 for g in day.layout.groups})
        room_rows.append(RoomRow(r.id, r.number, room_name[r.id], r.phase, dict(sizes), rows, merge_rows,
                                 day.caucus_sectors.get(r.id, [])))
    return room_rows


def _votes_by_group(day: _Day, agreement: ag.Agreement, k: int) -> dict[str, int | None]:
    """Dots cast by each group over the day, with the workshop-wide suppression rule."""
    ws_plan = agreement.plans.get(None) or ag.plan({}, k, day.layout)
    group_of = {p.id: p.group for p in day.people.values()}
    dots = Counter(group_of[pid] for pid, _, _ in day.votes if pid in group_of)
    return {g: (dots[g] if ws_plan.shown(f"group:{g}") else None) for g in day.layout.groups}


def _vote_totals(votes: list[tuple[int, str, int]]) -> dict[str, int]:
    return {kind: sum(1 for _, t, _ in votes if t == kind) for kind in ("barrier", "solution", "plenary")}


def _moderation(day: _Day) -> dict:
    """Hidden posts counted with the reasons given, and every moderation action counted."""
    audit, room_name = day.audit, day.room_name
    hidden = Counter()
    reasons = []
    for kind, rows in (("barrier", [b for b in day.barriers if b.kind != "strength"]), ("solution", day.solutions)):
        for x in rows:
            if x.hidden and not x.withdrawn:
                hidden[kind] += 1
    restored = sum(1 for a in audit if a.action == "restore")
    strengths = {b.id for b in day.barriers if b.kind == "strength"}
    for a in audit:
        if a.action == "hide":
            kind = a.detail.get("kind")
            if kind == "barrier" and a.detail.get("id") in strengths:
                kind = "strength"
            reasons.append({"kind": kind, "reason": a.detail.get("reason") or "",
                            "room_name": room_name.get(a.detail.get("room_id"))})
    # Every moderation action with its count, and the reasons given for removals, link
    # revokes and merge objections (never who was removed or who objected).
    actions = Counter(a.action for a in audit if a.action in MODERATION_ACTIONS)
    undone = {m.shared_id for m in day.merges if m.undone_at is not None}
    actions["merge_objection_undone"] = sum(1 for a in audit if a.action == "merge_object"
                                            and a.detail.get("shared_id") in undone)
    action_reasons = [{"action": a.action, "reason": a.detail.get("reason"),
                       "room_name": room_name.get(a.detail.get("room_id"))}
                      for a in audit if a.action in REASON_ACTIONS and a.detail.get("reason")]
    return {"hidden": {"barrier": hidden["barrier"], "solution": hidden["solution"]},
            "restored": restored, "reasons": reasons,
            "actions": {k: actions[k] for k in MODERATION_ACTIONS}, "action_reasons": action_reasons}


def _timeline(day: _Day) -> list[TimelineRow]:
    """The day's steps from the audit log (TIMELINE_ACTIONS), each with its room and what it needs said."""
    timeline = []
    for a in day.audit:
        if a.action not in TIMELINE_ACTIONS:
            continue
        role, _, ident = a.actor.partition(":")
        room_id = a.detail.get("room_id")
        if role == "facilitator" and room_id is None and ident.isdigit() and int(ident) in day.invites:
            room_id = day.invites[int(ident)].room_id
        action, detail = a.action, _timeline_detail(a, day.people)
        if action == "workshop_phase" and not day.short and a.detail.get("kind"):
            action, detail = "segment", {"segment": a.detail["kind"]}  # the agenda's segment, not its phase
        timeline.append(TimelineRow(a.at, role if role in ("organiser", "facilitator", "participant") else "system",
                                    day.room_name.get(room_id), action, detail))
    return timeline


def _timeline_detail(a: AuditEntry, people: dict[int, Participant]) -> dict:
    """What a timeline line says beyond its action: the phase, a count, a post's kind, a council role."""
    detail = {}
    if a.action == "phase" or a.action == "workshop_phase":
        detail["phase"] = a.detail.get("phase")
    elif a.action == "merge":
        detail["count"] = len(a.detail.get("member_ids") or [])
    elif a.action == "report_push":
        detail["count"] = len(a.detail.get("barrier_ids") or [])
    elif a.action == "priorities_confirm":
        detail["count"] = len(a.detail.get("item_ids") or [])
    elif a.action in ("hide", "edit"):
        detail["kind"] = a.detail.get("kind")
    elif a.action == "council_role":
        p = people.get(a.detail.get("participant_id"))
        detail["name"] = p.display_name if p else None
        detail["role"] = a.detail.get("role")
    return detail


def _strengths(day: _Day) -> list[StrengthGroup]:
    """The strengths by room, in the room's order, each with what was merged into it; hidden ones only counted."""
    people = day.people
    live = [b for b in day.live_b if b.kind == "strength" and not b.hidden]
    out = []
    for r in day.rooms:
        rows = [StrengthRow(b.id, b.text, author_name(b.anonymous, people.get(b.author_id)),
                            [m.text for m in live if m.merged_into_id == b.id])
                for b in live if b.room_id == r.id and b.merged_into_id is None]
        if rows:
            out.append(StrengthGroup(day.room_name[r.id], day.caucus_sectors.get(r.id, []), rows))
    return out


def _priorities(day: _Day, agreement: ag.Agreement) -> list[PriorityRow]:
    """The confirmed priorities in rank order, with their plenary dots and support."""
    rows = [PriorityRow(i.priority, i.id, i.text, day.room_name.get(i.room_id, ""), day.tally[("plenary", i.id)],
                        agreement.items[("plenary", i.id)])
            for i in day.top_plenary if i.priority is not None]
    return sorted(rows, key=lambda x: (x.rank, x.id))


def _solution_rooms(day: _Day) -> list[SolutionRoomRow]:
    """Each solution room's drafts (the plan entries dealt to it), in rank order, with the guiding answers."""
    rank = {i.id: i.priority for i in day.plenary if i.priority is not None}
    out = []
    for r in day.rooms:
        entries = [e for e in day.entries if e.room_id == r.id]
        entries.sort(key=lambda e: (rank.get(e.plenary_item_id) or len(rank) + 1, e.position, e.id))
        if entries:
            out.append(SolutionRoomRow(day.room_name[r.id], [
                {"rank": rank.get(e.plenary_item_id), "title": e.fields.get("title", ""),
                 "fields": {f: e.fields.get(f, "") for f in rules.GUIDING_FIELDS}} for e in entries]))
    return out


def _plenary_rows(day: _Day, agreement: ag.Agreement) -> list[PlenaryRow]:
    """The plenary board by dots, each item naming every room it came from."""
    room_name = day.room_name
    planned = {e.plenary_item_id for e in day.entries if e.plenary_item_id is not None}
    # An item merged on the plenary board is part of the one it was merged into, which names every room.
    rooms_of = {i.id: [i.room_id] for i in day.plenary}
    for i in day.plenary:
        if i.merged_into_id is not None and i.merged_into_id in rooms_of:
            rooms_of[i.merged_into_id].append(i.room_id)
    plenary_rows = [PlenaryRow(i.id, " + ".join(room_name.get(r, "") for r in dict.fromkeys(rooms_of[i.id])), i.text,
                               i.room_votes, day.tally[("plenary", i.id)], agreement.items[("plenary", i.id)],
                               list(i.solutions), i.id in planned)
                    for i in day.top_plenary]
    plenary_rows.sort(key=lambda i: (-i.votes, i.id))
    return plenary_rows


def _common_ground(day: _Day, agreement: ag.Agreement) -> list[dict]:
    """The shown posts and plenary items with any dots, ranked by agreement."""
    room_name = day.room_name
    texts = {("barrier", b.id): (b.text, room_name[b.room_id]) for b in day.live_b if not b.hidden
             and b.merged_into_id is None and b.kind != "strength"}
    texts.update({("solution", s.id): (s.text, room_name[s.room_id]) for s in day.live_s if not s.hidden})
    texts.update({("plenary", i.id): (i.text, room_name.get(i.room_id, "")) for i in day.top_plenary})
    common = []
    for s in agreement.ranked():
        if (s.kind, s.id) in texts and s.total > 0:
            text, rname = texts[(s.kind, s.id)]
            common.append({"kind": s.kind, "id": s.id, "text": text, "room_name": rname, "support": s})
    return common


def _council(day: _Day) -> tuple[list[CouncilRow], dict[str, CouncilRow]]:
    """The council (co-chairs first), and its members by participant id as text (how plan fields name co-leads)."""
    council = []
    by_pid = {}
    order = {**{r: n for n, r in enumerate(rules.CO_CHAIR_ROLES)}, "co_chair": 0}
    for v in sorted(day.volunteers, key=lambda v: (order.get(v.role, len(order)), v.id)):
        p = day.people.get(v.participant_id)
        if v.role and p is not None and p.removed_at is None:
            council.append(CouncilRow(p.display_name, p.group, v.role))
            by_pid[str(p.id)] = council[-1]
    return council, by_pid


def _plan(day: _Day, co_leads: dict[str, CouncilRow]) -> list[dict]:
    # Co-leads as everyone may see them (the name they chose to show, else role and group), never an id.
    return [{"position": e.position, "room_name": day.room_name.get(e.room_id),
             "fields": {f: e.fields.get(f, "") for f in rules.PLAN_FIELDS if f not in rules.CO_LEAD_FIELDS},
             "co_leads": {f: co_leads.get(e.fields.get(f, "")) for f in rules.CO_LEAD_FIELDS},
             "notes": day.notes.get(e.id, [])} for e in day.entries]


def plenary_agreement(session: Session, workshop_id: str, k: int = ag.DEFAULT_MIN_GROUP_SIZE) -> dict[str, dict]:
    """Common ground on the plenary board (GET /api/workshops/<id>/agreement): per plenary item, by its id as
    text, the total dots and the police and community support and their agreement, with the small-group
    suppression applied. A suppressed or absent side is only its status, never a number. Plenary items
    are scoped to the whole workshop: the same population as the report's."""
    people = [ag.Person(p.id, p.group, p.room_id, p.removed_at is not None)
              for p in session.scalars(select(Participant).where(Participant.workshop_id == workshop_id))]
    items = [ag.Item("plenary", i.id, None)
             for i in session.scalars(select(PlenaryItem).where(PlenaryItem.workshop_id == workshop_id))]
    votes = [(v.participant_id, v.target_type, v.target_id) for v in session.scalars(
        select(Vote).where(Vote.workshop_id == workshop_id, Vote.target_type == "plenary"))]
    result = ag.compute(people, items, votes, k, workshop_layout(sc.sector_views(session, workshop_id)))

    def side(cell: ag.Cell) -> dict:
        if cell.status != ag.SHOWN:
            return {"status": cell.status}
        return {"status": ag.SHOWN, "share": cell.share}

    return {str(i.id): {"total": sup.total, "agreement": sup.agreement,
                        "police": side(sup.sides["police"]), "community": side(sup.sides["community"])}
            for i in items for sup in [result.items[("plenary", i.id)]]}
