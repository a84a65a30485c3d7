"""The council's work after the day (docs/council.md, "Meetings, due dates and each action's history").

* `meeting_schedule`: the organiser or a council co-chair (through their own link) schedules a
  meeting: its local start in an IANA time zone, how long it lasts, a place and an agenda;
* `meeting_minutes_set`: the same people record its minutes afterwards (versioned as plan fields are);
* `plan_due_set`: the same people give an action a due date (`fields.due`, "" for none; an ordinary
  plan field to every view, heard as `plan_entry_updated`).

Meetings are public to the workshop (the progress page lists them), so `meeting_changed` goes to
everyone. Their views, "overdue" and the .ics: meeting_views.py.
"""
from __future__ import annotations

import re
from datetime import date

from ..models import CouncilMeeting, PlanEntry
from . import council, rules
from .commands import Context
from .errors import CommandError
from .meeting_views import check_time, meeting_view
from .registry import Payload, command, text_field

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _may_lead(ctx: Context, doing: str) -> None:
    """The organiser, or a co-chair through their own council link, once the plan exists."""
    if ctx.workshop.phase not in rules.COUNCIL_PHASES:
        raise CommandError("wrong_phase", f"The council can {doing} once the action plan is drafted.",
                           phase=ctx.workshop.phase, allowed=list(rules.COUNCIL_PHASES))
    if ctx.principal.role == "council":
        p = council.link_participant(ctx)
        if council.council_role(ctx.session, p.id) not in rules.CO_CHAIR_ROLES:
            raise CommandError("forbidden", f"Only the organiser or a co-chair can {doing}.")


class MeetingPayload(Payload):
    starts_at: str
    timezone: str
    duration_minutes: int = 60
    place: text_field(rules.MAX_MEETING_PLACE_CHARS, allow_empty=True) = ""
    agenda: text_field(rules.MAX_MEETING_AGENDA_CHARS, allow_empty=True) = ""


@command("meeting_schedule", roles=("organiser", "council"), schema=MeetingPayload)
def meeting_schedule(ctx: Context, starts_at, timezone, duration_minutes=60, place="", agenda=""):
    """Organiser, or a council co-chair through their link, schedules a council meeting (local start in its time zone, length, place, agenda); heard by everyone."""
    _may_lead(ctx, "schedule a meeting")
    check_time(starts_at, timezone)
    if not rules.MIN_MEETING_MINUTES <= duration_minutes <= rules.MAX_MEETING_MINUTES:
        raise CommandError("invalid", f"duration_minutes: {rules.MIN_MEETING_MINUTES} to {rules.MAX_MEETING_MINUTES}")
    m = CouncilMeeting(workshop_id=ctx.workshop.id, starts_at=starts_at, timezone=timezone,
                       duration_minutes=duration_minutes, place=place, agenda=agenda, minutes="",
                       minutes_version=1, created_at=ctx.now)
    ctx.session.add(m)
    ctx.session.flush()
    view = meeting_view(m)
    ctx.emit("meeting_changed", {"meeting": view}, [ctx.everyone])
    ctx.audit("meeting_schedule", meeting_id=m.id, starts_at=starts_at, timezone=timezone)
    return {"meeting": view}


class MinutesPayload(Payload):
    meeting_id: int
    minutes: text_field(rules.MAX_MEETING_MINUTES_CHARS, allow_empty=True)
    version: int


@command("meeting_minutes_set", roles=("organiser", "council"), schema=MinutesPayload)
def meeting_minutes_set(ctx: Context, meeting_id, minutes, version):
    """Organiser, or a council co-chair through their link, records a meeting's minutes (refused on a version conflict); heard by everyone."""
    _may_lead(ctx, "record minutes")
    m = ctx.session.get(CouncilMeeting, meeting_id)
    if m is None or m.workshop_id != ctx.workshop.id:
        raise CommandError("not_found", "There is no such meeting.")
    if version != m.minutes_version:
        raise CommandError("conflict", "Someone else changed these minutes while you were writing.",
                           current_value=m.minutes, current_version=m.minutes_version)
    m.minutes = minutes
    m.minutes_version += 1
    view = meeting_view(m)
    ctx.emit("meeting_changed", {"meeting": view}, [ctx.everyone])
    ctx.audit("meeting_minutes", meeting_id=m.id)
    return {"meeting": view}


class DuePayload(Payload):
    entry_id: int
    due: str  # YYYY-MM-DD, or "" for none
    version: int


@command("plan_due_set", roles=("organiser", "council"), schema=DuePayload)
def plan_due_set(ctx: Context, entry_id, due, version):
    """Organiser, or a council co-chair through their link, sets an action's due date ("" for none; refused on a version conflict); heard by everyone as plan_entry_updated (field due)."""
    _may_lead(ctx, "set due dates")
    entry = ctx.session.get(PlanEntry, entry_id)
    if entry is None or entry.workshop_id != ctx.workshop.id:
        raise CommandError("not_found", "There is no such action-plan entry.")
    if due:
        try:
            if not _DAY.match(due):
                raise ValueError
            date.fromisoformat(due)
        except ValueError:
            raise CommandError("invalid", "due: a date, YYYY-MM-DD, or empty for none") from None
    current = entry.versions.get("due", 1)
    if version != current:
        raise CommandError("conflict", "Someone else changed the due date while you were editing it.",
                           field="due", current_value=entry.fields.get("due", ""), current_version=current)
    entry.fields = {**entry.fields, "due": due}
    entry.versions = {**entry.versions, "due": current + 1}
    ctx.emit("plan_entry_updated", {"entry_id": entry.id, "field": "due", "value": due, "version": current + 1},
             [ctx.everyone])
    ctx.audit("plan_update", entry_id=entry.id, field="due", value=due)
    return {"field": "due", "version": current + 1}
