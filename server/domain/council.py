"""The council and the plan after the day.

The organiser forms the council from the volunteers (`council_role_set` in
plenary.py): one co-chair from law enforcement, one from the community, and
members. Each action-plan entry can have two co-leads, one per side
(`plan_entry_update` of `co_lead_law_enforcement` / `co_lead_community`,
organiser only, with the same per-field versions as every plan field).

After the day:
* the read-only progress link (`/progress/<token>`, `progress_view`) shows
  the plan, each action's status, co-leads and notes, and nothing about
  anyone beyond a co-lead's shown name or their council role and group;
* each council member gets their own link (`council_link_issue`, revocable)
  with which they update the status of actions and add dated notes, through
  the same commands and version rules as the organiser, audited. Co-chairs
  may update every action; a member, the actions they co-lead.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    CouncilLink,
    CouncilVolunteer,
    Participant,
    PlanEntry,
    PlanNote,
    Workshop,
)
from . import audiences as aud
from . import auth, common, history, meeting_views, rules
from . import projection as pj
from . import sectors as sc
from .commands import Context
from .errors import CommandError
from .notes import notes_by_entry
from .registry import Payload, command, text_field


def side_ok(seat: str, side: str | None) -> bool:
    """A law-enforcement seat needs a member whose sector is on the law-enforcement side; a community
    seat a member whose sector is not (community or other, as agreement counts them)."""
    police = side == "law_enforcement"
    return police if seat.endswith("law_enforcement") else not police


# Who may hold each side's seat: co-chairs among the members, co-leads on an action.
WRONG_SIDE = {
    "co_chair_law_enforcement": "The law-enforcement co-chair must be a member from law enforcement.",
    "co_chair_community": "The community co-chair must be a member who is not from law enforcement.",
    "co_lead_law_enforcement": "The law-enforcement co-lead must be a council member from law enforcement.",
    "co_lead_community": "The community co-lead must be a council member who is not from law enforcement.",
}


def check_side(ctx: Context, seat: str, p: Participant, key: str) -> None:
    """Refuse (`wrong_group`) a person whose sector is not on this seat's side."""
    if not side_ok(seat, sc.side_of(ctx.session, ctx.workshop.id, p.group)):
        raise CommandError("wrong_group", WRONG_SIDE[seat], group=p.group, **{key: seat})


def council_role(session: Session, participant_id: int) -> str | None:
    return session.scalar(select(CouncilVolunteer.role).where(CouncilVolunteer.participant_id == participant_id))


def check_co_chair(ctx: Context, p: Participant, role: str) -> None:
    """One co-chair per side, and the side must match the person's stakeholder group."""
    check_side(ctx, role, p, "role")
    holder = ctx.session.scalar(select(CouncilVolunteer.participant_id).where(
        CouncilVolunteer.workshop_id == ctx.workshop.id, CouncilVolunteer.role == role,
        CouncilVolunteer.participant_id != p.id))
    if holder is not None:
        raise CommandError("role_taken", "This co-chair seat is already taken; make the current co-chair a member first.",
                           role=role, participant_id=holder)


def check_co_lead(ctx: Context, field: str, value: str) -> str:
    """A co-lead value is "" (nobody) or a council member's participant id on the field's side."""
    if value == "":
        return ""
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        raise CommandError("invalid", "value: a co-lead is a council member's participant id, or empty for nobody")
    pid = int(value)
    p = common.get_participant(ctx, pid)
    if p.removed_at is not None or not council_role(ctx.session, pid):
        raise CommandError("not_member", "Only a council member can co-lead an action.", participant_id=pid)
    check_side(ctx, field, p, "field")
    return str(pid)


def _live_links(ctx: Context, participant_id: int) -> list[CouncilLink]:
    return list(ctx.session.scalars(select(CouncilLink).where(
        CouncilLink.workshop_id == ctx.workshop.id, CouncilLink.participant_id == participant_id,
        CouncilLink.revoked_at.is_(None)).order_by(CouncilLink.id)))


def _revoke(ctx: Context, participant_id: int, reason: str) -> list[int]:
    live = _live_links(ctx, participant_id)
    for link in live:
        link.revoked_at = ctx.now
        ctx.emit("access_ended", {"reason": reason}, [aud.council_link(link.id)])
        ctx.disconnect.append(aud.council_link(link.id))
    return [link.id for link in live]


def leave_council(ctx: Context, p: Participant) -> None:
    """Someone left the council: their link stops working and the actions they co-led lose them as co-lead."""
    if _revoke(ctx, p.id, ""):
        ctx.emit("council_link_changed", {"participant_id": p.id, "active": False}, [ctx.organisers])
    for entry in ctx.session.scalars(select(PlanEntry).where(PlanEntry.workshop_id == ctx.workshop.id)
                                     .order_by(PlanEntry.position, PlanEntry.id)):
        for field in rules.CO_LEAD_FIELDS:
            if entry.fields.get(field, "") == str(p.id):
                version = entry.versions.get(field, 1) + 1
                entry.fields = {**entry.fields, field: ""}
                entry.versions = {**entry.versions, field: version}
                ctx.emit("plan_entry_updated", {"entry_id": entry.id, "field": field, "value": "", "version": version},
                         [ctx.everyone])


def link_participant(ctx: Context) -> Participant:
    """The council member speaking through their own link."""
    link = ctx.session.get(CouncilLink, ctx.principal.id)
    return ctx.session.get(Participant, link.participant_id)


def editable_entry(ctx: Context, entry_id: int, doing: str) -> PlanEntry:
    """The entry a council member's link may change: any for a co-chair, the ones they co-lead for a member."""
    if ctx.workshop.phase not in rules.COUNCIL_PHASES:
        raise CommandError("wrong_phase", f"The council can {doing} once the action plan is drafted.",
                           phase=ctx.workshop.phase, allowed=list(rules.COUNCIL_PHASES))
    entry = ctx.session.get(PlanEntry, entry_id)
    if entry is None or entry.workshop_id != ctx.workshop.id:
        raise CommandError("not_found", "There is no such action-plan entry.")
    p = link_participant(ctx)
    role = council_role(ctx.session, p.id)
    if role not in rules.CO_CHAIR_ROLES and str(p.id) not in (entry.fields.get(f, "") for f in rules.CO_LEAD_FIELDS):
        raise CommandError("forbidden", "You can update only the actions you co-lead; the co-chairs can update every action.")
    return entry


# -- council members' links ---------------------------------------------------------

class MemberRef(Payload):
    participant_id: int


@command("council_link_issue", roles=("organiser",), schema=MemberRef)
def council_link_issue(ctx: Context, participant_id):
    """Organiser issues a council member their own link (any earlier one is revoked and cut); the token is in the ack only; organisers hear that the link changed."""
    p = common.get_participant(ctx, participant_id)
    if p.removed_at is not None or not council_role(ctx.session, participant_id):
        raise CommandError("not_member", "Only a council member gets a council link.", participant_id=participant_id)
    revoked = _revoke(ctx, p.id, "")
    token = auth.new_token()
    link = CouncilLink(workshop_id=ctx.workshop.id, participant_id=p.id, token_hash=auth.token_hash(token),
                       created_at=ctx.now)
    ctx.session.add(link)
    ctx.session.flush()
    ctx.emit("council_link_changed", {"participant_id": p.id, "active": True}, [ctx.organisers])
    ctx.audit("council_link_issue", participant_id=p.id, link_id=link.id, revoked=revoked)
    # The token goes to this ack only: never into the event log or the idempotency record.
    ctx.secrets["token"] = token
    return {"participant_id": p.id}


class RevokeMember(MemberRef):
    reason: text_field(rules.MAX_REASON_CHARS, allow_empty=True) = ""


@command("council_link_revoke", roles=("organiser",), schema=RevokeMember)
def council_link_revoke(ctx: Context, participant_id, reason=""):
    """Organiser revokes a council member's link: it stops working and its open pages are cut; heard by organisers and the link's holder."""
    common.get_participant(ctx, participant_id)
    revoked = _revoke(ctx, participant_id, reason)
    if not revoked:
        raise CommandError("no_link", "This person has no working council link.")
    ctx.emit("council_link_changed", {"participant_id": participant_id, "active": False}, [ctx.organisers])
    ctx.audit("council_link_revoke", participant_id=participant_id, link_ids=revoked, reason=reason)
    return {"participant_id": participant_id}


# -- dated notes on the plan's actions ----------------------------------------------

class NotePayload(Payload):
    entry_id: int
    text: text_field(rules.MAX_NOTE_CHARS)


@command("plan_note_add", roles=("organiser", "council"), schema=NotePayload)
def plan_note_add(ctx: Context, entry_id, text):
    """Organiser, or a council member through their link (co-chairs: any action; members: those they co-lead), adds a dated note to an action; heard by everyone."""
    if ctx.principal.role == "council":
        entry = editable_entry(ctx, entry_id, "add notes")
        p = link_participant(ctx)
        author = {"role": council_role(ctx.session, p.id), "group": p.group, "participant_id": p.id}
    else:
        if ctx.workshop.phase not in rules.NOTE_PHASES:
            raise CommandError("wrong_phase", "Notes are added once the action plan is drafted.",
                               phase=ctx.workshop.phase, allowed=list(rules.NOTE_PHASES))
        entry = ctx.session.get(PlanEntry, entry_id)
        if entry is None or entry.workshop_id != ctx.workshop.id:
            raise CommandError("not_found", "There is no such action-plan entry.")
        author, p = {"role": "organiser", "group": None, "participant_id": None}, None
    note = PlanNote(workshop_id=ctx.workshop.id, entry_id=entry.id, text=text, author=author, created_at=ctx.now)
    ctx.session.add(note)
    ctx.session.flush()
    view = pj.note_view(note, p)
    ctx.emit("plan_note_added", {"note": view}, [ctx.everyone])
    ctx.audit("plan_note", entry_id=entry.id, note_id=note.id)
    return {"note": view}


# -- reading: the progress link (the notes as every view shows them: notes.py) -------

def person_label(session: Session, pid_text: str) -> dict | None:
    """A co-lead as anyone may see them: the name they chose to show, else only their council role and group."""
    if not pid_text or not pid_text.isdigit():
        return None
    p = session.get(Participant, int(pid_text))
    role = council_role(session, int(pid_text)) if p is not None else None
    if p is None or p.removed_at is not None or not role:
        return None
    return {"name": p.display_name or None, "group": p.group, "role": role}


def progress_workshop(session: Session, token: str) -> Workshop | None:
    if not token or len(token) > 100:
        return None
    return session.scalar(select(Workshop).where(Workshop.progress_token == token))


def progress_view(session: Session, ws: Workshop) -> dict:
    """The read-only progress page: the plan, status, co-leads and notes. No ids of people, no contacts."""
    notes = notes_by_entry(session, ws.id)
    rows = list(session.scalars(select(PlanEntry).where(PlanEntry.workshop_id == ws.id)
                                .order_by(PlanEntry.position, PlanEntry.id)))
    # After the day (meetings.py, history.py): due dates, where each action came from and what happened since.
    origins, changes = history.origins(session, ws.id, rows), history.changes(session, ws.id)
    entries = []
    for e in rows:
        f = e.fields
        entry_notes = [{k: v for k, v in n.items() if k != "entry_id"} for n in notes.get(e.id, [])]
        entries.append({
            "id": e.id, "position": e.position,
            "fields": {name: f.get(name, "") for name in rules.PLAN_FIELDS if name not in rules.CO_LEAD_FIELDS},
            "co_leads": {name.removeprefix("co_lead_"): person_label(session, f.get(name, ""))
                         for name in rules.CO_LEAD_FIELDS},
            "notes": entry_notes,
            "due": f.get("due", ""),
            "origin": origins[e.id],
            "history": history.timeline(changes.get(e.id, []), entry_notes),
        })
    return {"workshop": {"title": ws.title, "date": ws.date, "place": ws.place, "languages": list(ws.languages),
                         "display_language": ws.display_language, "phase": ws.phase},
            "entries": entries, "meetings": meeting_views.meeting_list(session, ws.id),
            "sectors": sc.sector_views(session, ws.id)}  # the names a co-lead's sector shows under
