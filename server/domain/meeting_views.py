"""The council's meetings and due dates as every view shows them (docs/council.md): the meeting
view, the snapshot's `meetings`, the progress page's list, "overdue", and a meeting as an iCalendar
file (served by server/meetings_http.py). A read of the domain (docs/architecture.md, "Floors of the
domain"); the commands that change them are in meetings.py.
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

from ..models import CouncilMeeting, Workshop
from . import rules
from .errors import CommandError

_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_time(starts_at: str, tz: str) -> datetime:
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


def is_overdue(fields: dict, today: date) -> bool:
    """Due date passed, and the action neither done nor dropped."""
    due = fields.get("due") or ""
    return bool(due) and due < today.isoformat() and (fields.get("status") or "proposed") not in rules.PLAN_CLOSED_STATUSES


# -- iCalendar -------------------------------------------------------------------

def ics(ws: Workshop, m: CouncilMeeting) -> bytes:
    """One meeting as an iCalendar file: DTSTART with its TZID (and a VTIMEZONE), DTEND, and a UID that stays
    the same whichever address served it (the workshop's random id and the meeting's), so a calendar
    that imports it twice updates one event."""
    tz = ZoneInfo(m.timezone)
    start = datetime.fromisoformat(m.starts_at).replace(tzinfo=tz)
    cal = Calendar()
    cal.add("prodid", "-//Common Ground//council meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    ev = Event()
    ev.add("uid", f"meeting-{m.id}-{ws.id}@common-ground")
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
