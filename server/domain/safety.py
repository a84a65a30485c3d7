"""Trust and safety: removing a person, revoking and renewing a facilitator link, correcting a post.

Removal and revocation take effect in three places: the token is refused at
connect (auth.resolve), every command and `sync` re-reads the principal inside
its transaction (auth.refresh), and the open connections of that principal are
cut right after commit (ctx.disconnect -> server/events/broadcast.cut, across
processes through the message queue). The person is told why first, in an
`access_ended` event to their own audience only.
"""
from __future__ import annotations

from typing import Literal

from sqlalchemy import select

from ..models import AuditEntry, Barrier, CouncilVolunteer, FacilitatorInvite, Participant, Room, Solution
from . import audiences as aud
from . import auth, council, election, pii, rules
from . import projection as pj
from .board import _moderated, emit_flags, reason_audience
from .commands import Context
from .common import barrier_payload, emit_stats, get_barrier, get_room, require_phase, solution_payload
from .errors import CommandError
from .objections import DISMISS_ACTION, OBJECT_ACTION, OBJECTOR, standing_objections
from .registry import Payload, command, text_field

# -- people and links --------------------------------------------------------

class RemovePayload(Payload):
    participant_id: int
    reason: text_field(rules.MAX_REASON_CHARS)


@command("participant_remove", roles=("facilitator", "organiser"), schema=RemovePayload)
def participant_remove(ctx: Context, participant_id, reason):
    """Facilitator (own room) or organiser removes a participant with a reason: their link stops working and their open connection is cut; their posts stay, without their name; heard by the room, organisers, the projector and (the reason) the person."""
    p = ctx.session.get(Participant, participant_id)
    if p is None or p.workshop_id != ctx.workshop.id or p.removed_at is not None:
        raise CommandError("not_found", "There is no such participant.")
    if ctx.principal.role == "facilitator" and p.room_id != ctx.principal.room_id:
        raise CommandError("not_found", "There is no such participant in this room.")
    named = _named_posts(ctx, p)
    p.removed_at = ctx.now
    ctx.session.flush()
    ctx.emit("access_ended", {"reason": reason}, [aud.participant(p.id)])
    # A council seat goes with them: every screen's council list drops them, their council
    # link is cut and the actions they co-led lose them (as council_role_set with null would).
    seat = ctx.session.scalar(select(CouncilVolunteer).where(CouncilVolunteer.workshop_id == ctx.workshop.id,
                                                             CouncilVolunteer.participant_id == p.id))
    if seat is not None and seat.role is not None:
        seat.role = None
        ctx.emit("council_role_set", {"participant_id": p.id, "role": None, "member": None}, [ctx.everyone])
        council.leave_council(ctx, p)
    ctx.emit("participant_removed", {"participant_id": p.id, "room_id": p.room_id},
             [aud.room(p.room_id), ctx.organisers, ctx.display])
    election.person_left(ctx, p)  # off their sector's list of names, while nominations are open
    # Their posts stay, without their name (projection.author_name): every screen showing one
    # hears which posts lose it. No person in this event: only posts that showed the name anyway.
    for audience, ids in sorted(named.items()):
        ctx.emit("author_names_cleared", {"barrier_ids": ids["barrier"], "solution_ids": ids["solution"]},
                 [audience])
    emit_stats(ctx, p.room_id)
    ctx.disconnect.append(aud.participant(p.id))
    ctx.audit("remove", participant_id=p.id, room_id=p.room_id, reason=reason)
    return {"participant_id": p.id}


def _named_posts(ctx: Context, p: Participant) -> dict[str, dict[str, list[int]]]:
    """The person's posts that show their name, by audience (the room, or its facilitators for a hidden one)."""
    out: dict[str, dict[str, list[int]]] = {}
    rooms: dict[int, Room] = {}
    for kind, model in (("barrier", Barrier), ("solution", Solution)):
        for item in ctx.session.scalars(select(model).where(model.workshop_id == ctx.workshop.id,
                                                            model.author_id == p.id).order_by(model.id)):
            room = rooms.get(item.room_id) or rooms.setdefault(item.room_id, ctx.session.get(Room, item.room_id))
            if pj.shows_author_name(item, p, room):
                out.setdefault(pj.name_audience(item), {"barrier": [], "solution": []})[kind].append(item.id)
    return out


class LinkPayload(Payload):
    room_id: int


def _revoke_links(ctx: Context, room_id: int, reason: str) -> list[int]:
    live = list(ctx.session.scalars(select(FacilitatorInvite).where(
        FacilitatorInvite.workshop_id == ctx.workshop.id, FacilitatorInvite.room_id == room_id,
        FacilitatorInvite.revoked_at.is_(None)).order_by(FacilitatorInvite.id)))
    for inv in live:
        inv.revoked_at = ctx.now
        ctx.emit("access_ended", {"reason": reason}, [aud.facilitator_link(inv.id)])
        ctx.disconnect.append(aud.facilitator_link(inv.id))
    return [inv.id for inv in live]


class RevokePayload(LinkPayload):
    reason: text_field(rules.MAX_REASON_CHARS, allow_empty=True) = ""


@command("facilitator_revoke", roles=("organiser",), schema=RevokePayload)
def facilitator_revoke(ctx: Context, room_id, reason=""):
    """Organiser revokes a room's facilitator link: it stops working and its open connections are cut; heard by organisers and the link's holder."""
    room = get_room(ctx, room_id)
    revoked = _revoke_links(ctx, room.id, reason)
    if not revoked:
        raise CommandError("no_link", "This room has no working facilitator link; issue a new one.")
    ctx.emit("facilitator_link_changed", {"room_id": room.id, "active": False}, [ctx.organisers])
    ctx.audit("facilitator_revoke", room_id=room.id, invite_ids=revoked, reason=reason)
    return {"room_id": room.id}


@command("facilitator_invite_renew", roles=("organiser",), schema=LinkPayload)
def facilitator_invite_renew(ctx: Context, room_id):
    """Organiser issues a fresh facilitator link for a room (any old one is revoked and cut); the token is in the ack only; organisers hear that the link changed."""
    room = get_room(ctx, room_id)
    if ctx.workshop.phase == "closed":
        raise CommandError("closed", "The workshop is closed; no new links are issued.")
    revoked = _revoke_links(ctx, room.id, "")
    token = auth.new_token()
    inv = FacilitatorInvite(workshop_id=ctx.workshop.id, room_id=room.id, token_hash=auth.token_hash(token))
    ctx.session.add(inv)
    ctx.session.flush()
    ctx.emit("facilitator_link_changed", {"room_id": room.id, "active": True}, [ctx.organisers])
    ctx.audit("facilitator_invite_renew", room_id=room.id, revoked=revoked, invite_id=inv.id)
    # The token goes to this ack only: never into the event log or the idempotency record.
    ctx.secrets["token"] = token
    return {"room_id": room.id}


# -- correcting a post -----------------------------------------------------------

class EditPayload(Payload):
    kind: Literal["barrier", "solution"]
    id: int
    text: text_field(rules.MAX_SOLUTION_CHARS)


@command("post_edit", roles=("facilitator", "organiser"), schema=EditPayload)
def post_edit(ctx: Context, kind, id, text):
    """Facilitator corrects a typo in a post; the first original is kept (audited); heard by whoever can see the post, the author included, with an "edited" marker."""
    item, room, audience = _moderated(ctx, kind, id)
    if item.hidden:  # the room no longer sees it: only the facilitators and the author hear the new text
        audience = reason_audience(item)
    if kind == "barrier" and len(text) > rules.MAX_BARRIER_CHARS:
        raise CommandError("invalid", f"text: must be at most {rules.MAX_BARRIER_CHARS} characters (got {len(text)})")
    if text == item.text:
        raise CommandError("no_change", "The text is unchanged.")
    before = item.text
    flags_before = pii.flags(before)
    if item.original_text is None:
        item.original_text = before
    item.text = text
    ctx.session.flush()
    view = barrier_payload(ctx, item) if kind == "barrier" else solution_payload(ctx, item)
    ctx.emit("post_edited", {"kind": kind, "id": item.id, "text": view["text"], "edited": True}, audience)
    emit_flags(ctx, kind, item, room.id, flags_before)
    ctx.audit("edit", kind=kind, id=item.id, room_id=room.id, before=before, after=text)
    return {"id": item.id}


# -- merge objections (what they are: objections.py) -------------------------------

class ObjectPayload(Payload):
    barrier_id: int
    reason: text_field(rules.MAX_REASON_CHARS, allow_empty=True) = ""


class DismissPayload(Payload):
    shared_id: int
    reason: text_field(rules.MAX_REASON_CHARS, allow_empty=True) = ""


@command("merge_object", roles=("participant",), schema=ObjectPayload)
def merge_object(ctx: Context, barrier_id, reason=""):
    """Author of a merged barrier objects to the merge (optional reason); heard by the room's facilitators and organisers (not told who) and the author's devices."""
    room = get_room(ctx, None)
    b = get_barrier(ctx, barrier_id, room)
    if b.author_id != ctx.principal.id:
        raise CommandError("forbidden", "You can object only to the merge of your own barrier.")
    if ctx.workshop.phase == "closed":
        raise CommandError("closed", "The workshop is closed.")
    if b.merged_into_id is None:
        raise CommandError("not_merged", "This barrier is not merged into another one.")
    require_phase(room, rules.MERGE_PHASES, "object to a merge")
    shared_id = b.merged_into_id
    if any(o["entry"].detail.get("shared_id") == shared_id and o["author_id"] == ctx.principal.id
           for o in standing_objections(ctx.session, ctx.workshop.id)):
        raise CommandError("already_objected", "You have already objected to this merge.")
    entry = AuditEntry(workshop_id=ctx.workshop.id, actor=OBJECTOR, action=OBJECT_ACTION,
                       detail={"room_id": room.id, "shared_id": shared_id, "barrier_id": b.id, "reason": reason},
                       at=ctx.now)
    ctx.session.add(entry)
    ctx.session.flush()
    view = pj.objection_view(entry.id, room.id, shared_id, reason, "open", ctx.now)
    ctx.emit("merge_objected", {"objection": view}, [aud.facilitators(room.id), aud.participant(ctx.principal.id)])
    return {"objection": view}


@command("merge_objection_dismiss", roles=("facilitator", "organiser"), schema=DismissPayload)
def merge_objection_dismiss(ctx: Context, shared_id, reason=""):
    """Facilitator keeps a merge despite the objections to it (optional reason); heard by the room's facilitators, organisers and the objectors."""
    shared = get_barrier(ctx, shared_id)
    room = get_room(ctx, shared.room_id if ctx.principal.role == "organiser" else None)
    if shared.room_id != room.id:
        raise CommandError("not_found", "There is no such barrier in this room.")
    open_ = [o for o in standing_objections(ctx.session, ctx.workshop.id)
             if o["entry"].detail.get("shared_id") == shared.id and o["status"] == "open"]
    if not open_:
        raise CommandError("no_objection", "No one has an open objection to this merge.")
    objectors = sorted({aud.participant(o["author_id"]) for o in open_ if o["author_id"] is not None})
    ctx.emit("merge_objection_dismissed", {"shared_id": shared.id}, [aud.facilitators(room.id), *objectors])
    ctx.audit(DISMISS_ACTION, room_id=room.id, shared_id=shared.id, count=len(open_), reason=reason)
    return {"shared_id": shared.id}
