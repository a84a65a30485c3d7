"""After the rooms: report-out to the plenary, the draft action plan and the council."""
from __future__ import annotations

from typing import Literal

from pydantic import Field
from sqlalchemy import func, select

from ..models import CouncilVolunteer, Participant, PlanEntry, PlenaryItem, Solution
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
    return_votes(ctx, "plenary", item.id)
    # Deleted, not flagged: the barrier can be pushed again; the audit keeps the record.
    ctx.session.delete(item)
    ctx.emit("plenary_item_withdrawn", {"item_id": item.id}, [ctx.everyone])
    ctx.audit("report_withdraw", item_id=item.id)
    return {}


# -- the draft action plan ------------------------------------------------------

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
        fields["title"] = item.text
        fields["solution"] = item.solutions[0]["text"] if item.solutions else ""
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
        require_workshop_phase(ctx, ("plenary", "action_plan"), "edit the action plan")
        entry = ctx.session.get(PlanEntry, entry_id)
        if entry is None or entry.workshop_id != ctx.workshop.id:
            raise CommandError("not_found", "There is no such action-plan entry.")
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
    ctx.emit("council_volunteered", {"volunteer": view}, [ctx.organisers, f"p:{p.id}"])
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
