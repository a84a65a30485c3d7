"""After the rooms: report-out to the plenary, the draft action plan and the council."""
from __future__ import annotations

from typing import Literal

from pydantic import Field
from sqlalchemy import func, select

from ..models import CouncilVolunteer, Participant, PlanEntry, PlenaryItem, PlenaryMerge, Solution, Vote
from . import audiences as aud
from . import council, rules
from . import projection as pj
from .commands import Context
from .common import (
    count_votes,
    get_barrier,
    get_participant,
    get_room,
    require_phase,
    require_workshop_phase,
    return_votes,
)
from .errors import CommandError
from .registry import Payload, command, text_field


class ReportPush(Payload):
    room_id: int | None = None
    barrier_ids: list[int] = Field(min_length=1, max_length=20)


@command("report_push", roles=("facilitator", "organiser"), schema=ReportPush)
def report_push(ctx: Context, barrier_ids, room_id=None):
    """Facilitator pushes chosen barriers, with their solutions, to the plenary board; heard by everyone."""
    room = get_room(ctx, room_id)
    require_phase(room, rules.REPORT_PHASES, "report out")
    require_workshop_phase(ctx, ("breakouts", "plenary"), "report out")
    if len(set(barrier_ids)) != len(barrier_ids):
        raise CommandError("invalid", "barrier_ids: each barrier may appear only once")
    items = []
    for bid in barrier_ids:
        b = get_barrier(ctx, bid, room)
        if b.kind != "barrier":
            raise CommandError("not_pushable", f"Post {b.id} is a strength: the plenary board takes barriers.")
        if b.merged_into_id is not None or b.hidden:
            raise CommandError("not_pushable", f"Barrier {b.id} is merged or hidden; push the shared or visible one.")
        if ctx.session.scalar(select(PlenaryItem.id).where(PlenaryItem.barrier_id == b.id)):
            raise CommandError("already_pushed", f"Barrier {b.id} is already on the plenary board.")
        solutions = []
        for s in ctx.session.scalars(select(Solution).where(Solution.barrier_id == b.id, Solution.withdrawn.is_(False),
                                                            Solution.hidden.is_(False)).order_by(Solution.id)):
            solutions.append({"id": s.id, "text": s.text, "votes": count_votes(ctx, "solution", s.id)})
        solutions.sort(key=lambda s: (-s["votes"], s["id"]))
        item = PlenaryItem(workshop_id=ctx.workshop.id, room_id=room.id, barrier_id=b.id, text=b.text,
                           room_votes=count_votes(ctx, "barrier", b.id), solutions=solutions, created_at=ctx.now)
        ctx.session.add(item)
        items.append(item)
    ctx.session.flush()
    for item in items:
        ctx.emit("plenary_item_added", {"item": pj.plenary_view(item, 0)}, [ctx.everyone])
    ctx.audit("report_push", room_id=room.id, barrier_ids=list(barrier_ids))
    return {"item_ids": [i.id for i in items]}


class ItemRef(Payload):
    item_id: int


@command("report_withdraw", roles=("facilitator", "organiser"), schema=ItemRef)
def report_withdraw(ctx: Context, item_id):
    """Facilitator takes an item back off the plenary board (its dots come back); heard by everyone."""
    item = ctx.session.get(PlenaryItem, item_id)
    if item is None or item.workshop_id != ctx.workshop.id:
        raise CommandError("not_found", "There is no such plenary item.")
    get_room(ctx, item.room_id if ctx.principal.role == "organiser" else None)
    if ctx.principal.role == "facilitator" and item.room_id != ctx.principal.room_id:
        raise CommandError("forbidden", "You can only withdraw your own room's items.")
    require_workshop_phase(ctx, ("breakouts", "plenary"), "withdraw plenary items")
    if ctx.session.scalar(select(PlanEntry.id).where(PlanEntry.plenary_item_id == item.id)):
        raise CommandError("in_plan", "This item is already in the action plan.")
    refuse_merged(ctx, item, "withdraw it")
    return_votes(ctx, "plenary", item.id)
    # Deleted, not flagged: the barrier can be pushed again; the audit keeps the record.
    ctx.session.delete(item)
    ctx.emit("plenary_item_withdrawn", {"item_id": item.id}, [ctx.everyone])
    ctx.audit("report_withdraw", item_id=item.id)
    return {}


# -- merging duplicates on the plenary board -------------------------------------

def refuse_merged(ctx: Context, item: PlenaryItem, what: str) -> None:
    """Refuse acting on an item that is part of a plenary merge, kept or folded in."""
    if item.merged_into_id is not None or _active_merge(ctx, item.id) is not None:
        raise CommandError("merged", f"This item is part of a merge on the plenary board; undo the merge to {what}.")


def _active_merge(ctx: Context, item_id: int) -> PlenaryMerge | None:
    return ctx.session.scalar(select(PlenaryMerge).where(PlenaryMerge.item_id == item_id,
                                                         PlenaryMerge.undone_at.is_(None)))


def _members(ctx: Context, item_id: int) -> list[int]:
    return list(ctx.session.scalars(select(PlenaryItem.id).where(PlenaryItem.merged_into_id == item_id)))


def item_payload(ctx: Context, item: PlenaryItem) -> dict:
    return pj.plenary_view(item, count_votes(ctx, "plenary", item.id), _members(ctx, item.id))


def _get_item(ctx: Context, item_id: int) -> PlenaryItem:
    item = ctx.session.get(PlenaryItem, item_id)
    if item is None or item.workshop_id != ctx.workshop.id:
        raise CommandError("not_found", "There is no such plenary item.")
    return item


def _emit_votes(ctx: Context, changes: dict[int, dict]) -> None:
    for pid, change in sorted(changes.items()):
        ctx.emit("my_votes", {"add": sorted(change["add"]), "remove": sorted(change["remove"])}, [aud.participant(pid)])


class PlenaryMergePayload(Payload):
    item_ids: list[int] = Field(min_length=2, max_length=rules.MAX_MERGE_MEMBERS)
    text: text_field(rules.MAX_BARRIER_CHARS) | None = None


@command("plenary_merge", roles=("organiser",), schema=PlenaryMergePayload)
def plenary_merge(ctx: Context, item_ids, text=None):
    """Organiser merges duplicate plenary items (the same barrier from several rooms) into the first one: its text (or `text`), every solution, one dot per person; heard by everyone."""
    require_workshop_phase(ctx, ("breakouts", "plenary"), "merge plenary items")
    if len(set(item_ids)) != len(item_ids):
        raise CommandError("invalid", "item_ids: each item may appear only once")
    items = [_get_item(ctx, i) for i in item_ids]
    for item in items:
        if item.merged_into_id is not None or _active_merge(ctx, item.id) is not None:
            raise CommandError("merged", f"Item {item.id} is already part of a merge; undo it and merge them all at once.")
    if ctx.session.scalar(select(PlanEntry.id).where(PlanEntry.plenary_item_id.in_(item_ids))):
        raise CommandError("in_plan", "An item already in the action plan cannot be merged.")
    kept, members = items[0], items[1:]
    merge = PlenaryMerge(workshop_id=ctx.workshop.id, item_id=kept.id, member_ids=[m.id for m in members],
                         before={"text": kept.text, "room_votes": kept.room_votes, "solutions": list(kept.solutions)},
                         created_at=ctx.now)
    # Each person keeps one dot on the kept item (the one they had there, else their earliest
    # on a member); their other dots on the members come back to them.
    votes = list(ctx.session.scalars(select(Vote).where(Vote.target_type == "plenary",
                                                        Vote.target_id.in_(item_ids)).order_by(Vote.id)))
    holders = {v.participant_id for v in votes if v.target_id == kept.id}
    moved, returned, changes = [], 0, {}
    for v in votes:
        if v.target_id == kept.id:
            continue
        change = changes.setdefault(v.participant_id, {"add": [], "remove": []})
        change["remove"].append(f"plenary:{v.target_id}")
        if v.participant_id in holders:
            ctx.session.delete(v)
            returned += 1
        else:
            moved.append({"vote_id": v.id, "from": v.target_id})
            holders.add(v.participant_id)
            v.target_id = kept.id
            change["add"].append(f"plenary:{kept.id}")
    merge.moved_votes, merge.returned_votes = moved, returned
    kept.text = text or kept.text
    kept.room_votes = sum(i.room_votes for i in items)
    kept.solutions = sorted([s for i in items for s in i.solutions], key=lambda s: (-s["votes"], s["id"]))
    for m in members:
        m.merged_into_id = kept.id
    ctx.session.add(merge)
    ctx.session.flush()
    ctx.emit("plenary_items_merged", {"item": item_payload(ctx, kept),
                                      "members": [item_payload(ctx, m) for m in members]}, [ctx.everyone])
    _emit_votes(ctx, changes)
    ctx.audit("plenary_merge", item_id=kept.id, member_ids=[m.id for m in members], returned_votes=returned)
    return {"item_id": kept.id, "returned_votes": returned}


@command("plenary_merge_undo", roles=("organiser",), schema=ItemRef)
def plenary_merge_undo(ctx: Context, item_id):
    """Organiser undoes a plenary merge: the items come back as they were, with the dots that were moved; heard by everyone."""
    kept = _get_item(ctx, item_id)
    require_workshop_phase(ctx, ("breakouts", "plenary"), "undo plenary merges")
    merge = _active_merge(ctx, kept.id)
    if merge is None:
        raise CommandError("not_merged", "This item is not a merge that can be undone.")
    if ctx.session.scalar(select(PlanEntry.id).where(PlanEntry.plenary_item_id == kept.id)):
        raise CommandError("in_plan", "This item is already in the action plan; its merge cannot be undone.")
    origin = {m["vote_id"]: m["from"] for m in merge.moved_votes}
    changes: dict[int, dict] = {}
    for v in ctx.session.scalars(select(Vote).where(Vote.target_type == "plenary", Vote.target_id == kept.id,
                                                    Vote.id.in_(list(origin)))):
        v.target_id = origin[v.id]
        changes[v.participant_id] = {"add": [f"plenary:{v.target_id}"], "remove": [f"plenary:{kept.id}"]}
    kept.text = merge.before["text"]
    kept.room_votes = merge.before["room_votes"]
    kept.solutions = list(merge.before["solutions"])
    members = list(ctx.session.scalars(select(PlenaryItem).where(PlenaryItem.merged_into_id == kept.id)
                                       .order_by(PlenaryItem.id)))
    for m in members:
        m.merged_into_id = None
    merge.undone_at = ctx.now
    ctx.session.flush()
    ctx.emit("plenary_merge_undone", {"item": item_payload(ctx, kept),
                                      "members": [item_payload(ctx, m) for m in members]}, [ctx.everyone])
    _emit_votes(ctx, changes)
    ctx.audit("plenary_merge_undo", item_id=kept.id, member_ids=[m.id for m in members])
    return {"member_ids": [m.id for m in members]}


# -- the draft action plan ------------------------------------------------------

def plan_solutions(solutions: list[dict]) -> str:
    """Every solution of a plenary item for its plan entry, most supported first (ties in the
    order they were proposed), one per line; as many whole ones as the field holds."""
    lines: list[str] = []
    for s in sorted(solutions, key=lambda s: (-s["votes"], s["id"])):
        if len("\n".join([*lines, s["text"]])) > rules.MAX_PLAN_FIELD_CHARS:
            break
        lines.append(s["text"])
    return "\n".join(lines)


class PlanCreate(Payload):
    plenary_item_id: int | None = None
    title: text_field(rules.MAX_PLAN_FIELD_CHARS) | None = None


@command("plan_entry_create", roles=("organiser",), schema=PlanCreate)
def plan_entry_create(ctx: Context, plenary_item_id=None, title=None):
    """Organiser turns a plenary item (or a new line) into a draft action-plan entry; heard by everyone."""
    if (plenary_item_id is None) == (title is None):
        raise CommandError("invalid", "plenary_item_id, title: give exactly one of them")
    require_workshop_phase(ctx, ("plenary", "action_plan"), "edit the action plan")
    fields = {name: "" for name in rules.PLAN_FIELDS}
    fields["status"] = "proposed"
    if plenary_item_id is not None:
        item = ctx.session.get(PlenaryItem, plenary_item_id)
        if item is None or item.workshop_id != ctx.workshop.id:
            raise CommandError("not_found", "There is no such plenary item.")
        if ctx.session.scalar(select(PlanEntry.id).where(PlanEntry.plenary_item_id == item.id)):
            raise CommandError("already_planned", "This plenary item already has an action-plan entry.")
        if item.merged_into_id is not None:
            raise CommandError("merged", "This item was merged into another; plan the merged item.")
        fields["title"] = item.text
        fields["solution"] = plan_solutions(item.solutions)
    else:
        fields["title"] = title
    position = (ctx.session.scalar(select(func.max(PlanEntry.position)).where(
        PlanEntry.workshop_id == ctx.workshop.id)) or 0) + 1
    entry = PlanEntry(workshop_id=ctx.workshop.id, plenary_item_id=plenary_item_id, fields=fields,
                      versions={name: 1 for name in rules.PLAN_FIELDS}, position=position, created_at=ctx.now)
    ctx.session.add(entry)
    ctx.session.flush()
    ctx.emit("plan_entry_created", {"entry": pj.plan_view(entry)}, [ctx.everyone])
    ctx.audit("plan_create", entry_id=entry.id)
    return {"entry": pj.plan_view(entry)}


class PlanUpdate(Payload):
    entry_id: int
    field: Literal[rules.PLAN_FIELDS]  # type: ignore[valid-type]
    value: text_field(rules.MAX_PLAN_FIELD_CHARS, allow_empty=True)
    # The version the editor started from; a different current version is a conflict.
    version: int


@command("plan_entry_update", roles=("organiser", "facilitator", "council"), schema=PlanUpdate)
def plan_entry_update(ctx: Context, entry_id, field, value, version):
    """Organiser or facilitator edits one field of an action-plan entry (co-leads: organiser only; after the day a council member's link: the status of the actions they may update), refused on a version conflict; heard by everyone."""
    if ctx.principal.role == "council":
        entry = council.editable_entry(ctx, entry_id, "update the status")
        if field not in rules.COUNCIL_EDITABLE_FIELDS:
            raise CommandError("forbidden", "A council member's link can change only the status of an action.")
    else:
        entry = ctx.session.get(PlanEntry, entry_id)
        if entry is None or entry.workshop_id != ctx.workshop.id:
            raise CommandError("not_found", "There is no such action-plan entry.")
        if entry.room_id is None or ctx.workshop.phase == "closed":
            require_workshop_phase(ctx, ("plenary", "action_plan"), "edit the action plan")
        # A solution room's draft (docs/agenda.md): its own facilitator writes the room's answers.
        if ctx.principal.role == "facilitator" and entry.room_id is not None \
                and entry.room_id != ctx.principal.room_id and ctx.workshop.phase == "breakouts":
            raise CommandError("forbidden", "This draft belongs to another room.")
        if field in rules.CO_LEAD_FIELDS and ctx.principal.role != "organiser":
            raise CommandError("forbidden", "Only the organiser assigns an action's co-leads.")
    current = entry.versions.get(field, 1)
    if version != current:
        raise CommandError("conflict", "Someone else changed this field while you were editing it.",
                           field=field, current_value=entry.fields.get(field, ""), current_version=current)
    if field == "status" and value not in rules.PLAN_STATUSES:
        raise CommandError("invalid", f"value: status must be one of {', '.join(rules.PLAN_STATUSES)}")
    if field in rules.CO_LEAD_FIELDS:
        value = council.check_co_lead(ctx, field, value)
    entry.fields = {**entry.fields, field: value}
    entry.versions = {**entry.versions, field: current + 1}
    ctx.emit("plan_entry_updated", {"entry_id": entry.id, "field": field, "value": value, "version": current + 1},
             [ctx.everyone])
    ctx.audit("plan_update", entry_id=entry.id, field=field, **({"value": value} if field in (
        "status", *rules.CO_LEAD_FIELDS) else {}))
    return {"field": field, "version": current + 1}


# -- the council -----------------------------------------------------------------

class Volunteer(Payload):
    contact: text_field(rules.MAX_CONTACT_CHARS, allow_empty=True) | None = None
    consent: bool  # required: the person says yes or no to sharing their contact


@command("council_volunteer", roles=("participant",), schema=Volunteer)
def council_volunteer(ctx: Context, consent, contact=None):
    """Participant volunteers for the council (contact shared with organisers only, with consent); heard by organisers and themself."""
    if contact and not consent:
        raise CommandError("consent_required", "Tick the consent box to share your contact details with the organisers.")
    p = ctx.session.get(Participant, ctx.principal.id)
    v = ctx.session.scalar(select(CouncilVolunteer).where(CouncilVolunteer.participant_id == p.id))
    if v is None:
        v = CouncilVolunteer(workshop_id=ctx.workshop.id, participant_id=p.id, created_at=ctx.now)
        ctx.session.add(v)
    v.contact = contact or None
    v.consent = bool(consent and contact)
    ctx.session.flush()
    view = pj.volunteer_view(p, v.contact, v.consent, v.role)
    ctx.emit("council_volunteered", {"volunteer": view}, [ctx.organisers, aud.participant(p.id)])
    return {"volunteer": view}


class CouncilRole(Payload):
    participant_id: int
    role: Literal[rules.COUNCIL_ROLES] | None  # type: ignore[valid-type]


@command("council_role_set", roles=("organiser",), schema=CouncilRole)
def council_role_set(ctx: Context, participant_id, role):
    """Organiser forms the council from the volunteers: a co-chair seat (law enforcement / community, one each, matching the person's group), member, or null to remove them (their link stops working, their co-leads are cleared); heard by everyone."""
    get_participant(ctx, participant_id)
    v = ctx.session.scalar(select(CouncilVolunteer).where(CouncilVolunteer.participant_id == participant_id,
                                                          CouncilVolunteer.workshop_id == ctx.workshop.id))
    if v is None:
        raise CommandError("not_volunteer", "Only people who volunteered can join the council.")
    p = ctx.session.get(Participant, participant_id)
    if p is None or p.removed_at is not None:
        raise CommandError("not_found", "This person was removed from the workshop.")
    if v.role == role:
        raise CommandError("no_change", "This person already has that role.")
    if role in rules.CO_CHAIR_ROLES:
        council.check_co_chair(ctx, p, role)
    v.role = role
    member = pj.council_member_view(p, role) if role else None
    ctx.emit("council_role_set", {"participant_id": p.id, "role": role, "member": member}, [ctx.everyone])
    if role is None:
        council.leave_council(ctx, p)
    ctx.audit("council_role", participant_id=p.id, role=role)
    return {"member": member}
