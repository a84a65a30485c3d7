"""The council's work after the day (docs/council.md, "Meetings, due dates and each action's history").

* `meeting_schedule`: the organiser or a council co-chair (through their own link) schedules a
  meeting: its local start in an IANA time zone, how long it lasts, a place and an agenda;
* `meeting_minutes_set`: the same people record its minutes afterwards (versioned as plan fields are);
* `plan_due_set`: the same people give an action a due date (`fields.due`, "" for none; an ordinary
  plan field to every view, heard as `plan_entry_updated`).

Meetings are public to the workshop (the progress page lists them), so `meeting_changed` goes to everyone.
An iCalendar file per meeting: `ics()` (served by server/meetings_http.py).
"""
from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from icalendar import Calendar, Event, Timezone
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import CouncilMeeting, PlanEntry, Workshop
from . import council, rules
from .commands import Context
from .errors import CommandError
from .registry import Payload, command, text_field

_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _check_time(starts_at: str, tz: str) -> datetime:
    if tz not in _zones():
        raise CommandError("invalid", "timezone: an IANA time zone such as Europe/London or America/Chicago")
    try:
        if not _LOCAL.match(starts_at):
            raise ValueError
        local = datetime.fromisoformat(starts_at)
    except ValueError:
        raise CommandError("invalid", "starts_at: a local date and time, YYYY-MM-DDTHH:MM") from None
    return local.replace(tzinfo=ZoneInfo(tz))


def starts_utc(m: CouncilMeeting) -> str:
    return datetime.fromisoformat(m.starts_at).replace(tzinfo=ZoneInfo(m.timezone)).astimezone(
        UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def meeting_view(m: CouncilMeeting) -> dict:
    return {"id": m.id, "starts_at": m.starts_at, "timezone": m.timezone, "starts_utc": starts_utc(m),
            "duration_minutes": m.duration_minutes, "place": m.place, "agenda": m.agenda,
            "minutes": m.minutes, "minutes_version": m.minutes_version}


def meetings_view(session: Session, workshop_id: str) -> dict:
    """Every meeting of the workshop by id (the snapshot's `meetings`)."""
    return {str(m.id): meeting_view(m) for m in session.scalars(
        select(CouncilMeeting).where(CouncilMeeting.workshop_id == workshop_id).order_by(CouncilMeeting.id))}


def meeting_list(session: Session, workshop_id: str) -> list[dict]:
    """The meetings in the order they take place (the progress page)."""
    return sorted(meetings_view(session, workshop_id).values(), key=lambda m: (m["starts_utc"], m["id"]))


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
    _check_time(starts_at, timezone)
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


def is_overdue(fields: dict, today: date) -> bool:
    """Due date passed, and the action neither done nor dropped."""
    due = fields.get("due") or ""
    return bool(due) and due < today.isoformat() and (fields.get("status") or "proposed") not in rules.PLAN_CLOSED_STATUSES


# -- iCalendar -------------------------------------------------------------------

def ics(ws: Workshop, m: CouncilMeeting, host: str) -> bytes:
    """One meeting as an iCalendar file: DTSTART with its TZID (and a VTIMEZONE), DTEND, a stable UID."""
    tz = ZoneInfo(m.timezone)
    start = datetime.fromisoformat(m.starts_at).replace(tzinfo=tz)
    cal = Calendar()
    cal.add("prodid", "-//Common Ground//council meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    ev = Event()
    ev.add("uid", f"meeting-{m.id}-{ws.id}@{host or 'common-ground'}")
    ev.add("dtstamp", datetime.now(UTC))
    ev.add("dtstart", start)
    ev.add("dtend", start + timedelta(minutes=m.duration_minutes))
    ev.add("summary", f"{ws.title}: council meeting" if ws.title else "Council meeting")
    if m.place:
        ev.add("location", m.place)
    description = m.agenda
    if m.minutes:
        description = f"{m.agenda}\n\nMinutes:\n{m.minutes}" if m.agenda else f"Minutes:\n{m.minutes}"
    if description:
        ev.add("description", description)
    cal.add_component(ev)
    try:
        cal.add_component(Timezone.from_tzinfo(tz, first_date=start.date() - timedelta(days=400),
                                               last_date=start.date() + timedelta(days=400)))
    except Exception:  # noqa: BLE001 - a VTIMEZONE is a courtesy; the TZID is an IANA name every calendar knows
        logging.getLogger(__name__).warning("no VTIMEZONE for %s", m.timezone)
    return cal.to_ical()
