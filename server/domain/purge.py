"""Data protection: erasing a workshop's personal data, by the organiser or once its links expire.

Two ways in, one erasure (`erase`):

* `workshop_purge`: the organiser, once the workshop is closed and exported;
* expiry: `TOKEN_TTL_DAYS` after the workshop, participant and facilitator
  links are refused (`expired`) and `common-ground expire` (also run when
  `serve` starts) erases the workshop's personal data. When links expire,
  and whether a workshop is erased, are facts that expiry.py keeps (a leaf:
  auth, joining and the snapshot ask it too).

What is erased: participants' display names, facilitators' names, council
volunteers' contact details, every participant and facilitator token (the
hash is replaced by a marker no token can match, so those links stop working;
open connections are cut), the link from each post to its author's row
(`author_id`: with the author's group and room it could narrow down who wrote
an anonymous post), the free-text moderation reasons (they are written
about a person and may name them; the report keeps that a post was hidden,
when, where and by whom, without the words), the event log and the
idempotency records (both hold copies of names and reasons). What stays: the
anonymous content (posts, merges, votes with the voter's stakeholder group and
room, the plenary, the action plan, the council's roles) and the audit trail
without reasons, so the report and the plan can still be exported.
docs/security.md, "Data protection", is the user-facing account of this.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .. import models
from ..db import Database
from ..models import (
    AuditEntry,
    Barrier,
    CommandRecord,
    CouncilVolunteer,
    Event,
    FacilitatorInvite,
    Participant,
    Solution,
    Workshop,
    utcnow,
)
from . import audiences as aud
from . import auth
from .commands import Context, lock_workshop
from .errors import CommandError
from .expiry import ERASE_ACTIONS, erased_marker, expires_at, is_erased_hash, purged_at
from .registry import command

# What the erasure changes in the views (docs/protocol.md §7), as `workshop_purged` tells every
# screen still open: each path runs from the state's top level ("*": every entry of a map or a
# list) to a field, which takes the value. Keep it equal to what `erase` does to the rows.
ERASED_FIELDS: tuple[dict, ...] = tuple({"path": path, "value": value} for path, value in (
    (["participants", "*", "name"], None),
    (["council", "*", "name"], None),
    (["volunteers", "*", "name"], None),
    (["volunteers", "*", "contact"], None),
    (["barriers", "*", "author_name"], None),
    (["barriers", "*", "hidden_reason"], None),
    (["solutions", "*", "author_name"], None),
    (["solutions", "*", "hidden_reason"], None),
    (["plan", "*", "notes", "*", "author", "name"], None),
    (["elections", "*", "candidates", "*", "name"], None),
    (["objections", "*", "reason"], ""),
))


# -- erasure ------------------------------------------------------------------------

def erase(ctx: Context, action: str) -> dict:
    """Erase the workshop's personal data inside the caller's transaction (see the module doc)."""
    s, ws, now = ctx.session, ctx.workshop, ctx.now
    if purged_at(s, ws.id) is not None:
        raise CommandError("already_purged", "This workshop's personal data has already been erased.")
    cut: list[str] = []
    people = list(s.scalars(select(Participant).where(Participant.workshop_id == ws.id)))
    for p in people:
        if p.removed_at is None and not is_erased_hash(p.token_hash):
            cut.append(aud.participant(p.id))
        p.display_name = None
        p.token_hash = erased_marker()
    links = list(s.scalars(select(FacilitatorInvite).where(FacilitatorInvite.workshop_id == ws.id)))
    for inv in links:
        if inv.revoked_at is None:
            cut.append(aud.facilitator_link(inv.id))
            inv.revoked_at = now
        inv.name = None
        inv.token_hash = erased_marker()
    contacts = 0
    for v in s.scalars(select(CouncilVolunteer).where(CouncilVolunteer.workshop_id == ws.id)):
        contacts += v.contact is not None
        v.contact = None
    # Posts keep their text but lose the link to their author's row (group, room, language).
    for model in (Barrier, Solution):
        for item in s.scalars(select(model).where(model.workshop_id == ws.id)):
            item.hidden_reason = None
            item.author_id = None
    reasons = 0
    for entry in s.scalars(select(AuditEntry).where(AuditEntry.workshop_id == ws.id)):
        if entry.detail.get("reason") is not None:
            entry.detail = {**entry.detail, "reason": None}
            reasons += 1
    # Notes written on the plan after the day keep their author's role and group, not the name.
    note_model = getattr(models, "PlanNote", None)
    if note_model is not None:
        for note in s.scalars(select(note_model).where(note_model.workshop_id == ws.id)):
            if isinstance(note.author, dict) and note.author.get("name") is not None:
                note.author = {**note.author, "name": None}
    # Copies of names and reasons: the log (clients that resume get a snapshot, server/domain/sync.py)
    # and the idempotency records. This command's own events and record are written after this.
    s.execute(delete(Event).where(Event.workshop_id == ws.id))
    s.execute(delete(CommandRecord).where(CommandRecord.workshop_id == ws.id))
    # The links the organiser workspace kept for its organisers (server/workspace/links.py).
    s.execute(delete(models.KeptLink).where(models.KeptLink.workshop_id == ws.id))
    s.flush()
    if cut:
        ctx.emit("access_ended", {"reason": "", "erased": True}, cut)
        ctx.disconnect.extend(cut)
    # Council members' links keep working after the day (server/domain/council.py): their pages hear it too.
    council_links = []
    link_model = getattr(models, "CouncilLink", None)
    if link_model is not None:
        council_links = [aud.council_link(i) for i in s.scalars(select(link_model.id).where(
            link_model.workshop_id == ws.id, link_model.revoked_at.is_(None)))]
    ctx.emit("workshop_purged", {"purged_at": now.isoformat(), "erased": [dict(f) for f in ERASED_FIELDS]},
             [ctx.organisers, ctx.display, *council_links])
    counts = {"participants": len(people), "facilitator_links": len(links), "contacts": contacts,
              "reasons": reasons, "connections_cut": len(cut)}
    ctx.audit(action, **counts)
    return counts


@command("workshop_purge", roles=("organiser",))
def workshop_purge(ctx: Context):
    """Organiser erases the closed workshop's personal data; heard by organisers and the projector.

    Names, contacts, links and moderation reasons go (phones and tablets are cut); posts, votes and the plan stay.
    """
    if ctx.workshop.phase != "closed":
        raise CommandError("wrong_phase", "Close the workshop (and export what you need) before erasing its "
                           "personal data.", phase=ctx.workshop.phase, allowed=["closed"])
    return {"erased": erase(ctx, "purge")}


# -- `common-ground expire` -------------------------------------------------------

def due(session: Session, days: int, now: datetime) -> list[str]:
    """Ids of workshops past their expiry whose personal data is not erased yet."""
    if days <= 0:
        return []
    done = select(AuditEntry.workshop_id).where(AuditEntry.action.in_(ERASE_ACTIONS))
    out = []
    for ws in session.scalars(select(Workshop).where(Workshop.id.not_in(done)).order_by(Workshop.created_at)):
        end = expires_at(ws, days)
        if end is not None and now >= end:
            out.append(ws.id)
    return out


def expire_due(db: Database, days: int, now: datetime | None = None) -> list[dict]:
    """Erase the personal data of every expired workshop, each in its own transaction.

    Returns one entry per workshop: {"workshop_id", "title", "erased": counts, "events", "disconnect"}
    (events and audiences to cut, for a caller that can reach the live connections).
    """
    now = now or utcnow()
    with db.reading() as s:
        ids = due(s, days, now)
    out = []
    for workshop_id in ids:
        with db.transaction() as s:
            ws = lock_workshop(s, workshop_id)
            if purged_at(s, ws.id) is not None:  # another process got there first
                continue
            ctx = Context(s, auth.Principal("system", ws.id), ws, now)
            counts = erase(ctx, "expire")
            events = ctx.finish()
            s.flush()
            out.append({"workshop_id": ws.id, "title": ws.title, "erased": counts, "events": events,
                        "disconnect": list(ctx.disconnect)})
    return out
