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

from ..models import FacilitatorInvite, Participant
from . import auth, rules
from .board import _moderated
from .commands import Context
from .common import barrier_payload, emit_stats, get_room, solution_payload
from .errors import CommandError
from .registry import Payload, command, text_field


# -- people and links --------------------------------------------------------

class RemovePayload(Payload):
    participant_id: int
    reason: text_field(rules.MAX_REASON_CHARS)


@command("participant_remove", roles=("facilitator", "organiser"), schema=RemovePayload)
def participant_remove(ctx: Context, participant_id, reason):
    """Facilitator (own room) or organiser removes a participant with a reason: their link stops working and their open connection is cut; their posts stay; heard by the room, organisers, the projector and (the reason) the person."""
    p = ctx.session.get(Participant, participant_id)
    if p is None or p.workshop_id != ctx.workshop.id or p.removed_at is not None:
        raise CommandError("not_found", "There is no such participant.")
    if ctx.principal.role == "facilitator" and p.room_id != ctx.principal.room_id:
        raise CommandError("not_found", "There is no such participant in this room.")
    p.removed_at = ctx.now
    ctx.session.flush()
    ctx.emit("access_ended", {"reason": reason}, [f"p:{p.id}"])
    ctx.emit("participant_removed", {"participant_id": p.id, "room_id": p.room_id},
             [f"r:{p.room_id}", ctx.organisers, ctx.display])
    emit_stats(ctx, p.room_id)
    ctx.disconnect.append(f"p:{p.id}")
    ctx.audit("remove", participant_id=p.id, room_id=p.room_id, reason=reason)
    return {"participant_id": p.id}


class LinkPayload(Payload):
    room_id: int


def _revoke_links(ctx: Context, room_id: int, reason: str) -> list[int]:
    live = list(ctx.session.scalars(select(FacilitatorInvite).where(
        FacilitatorInvite.workshop_id == ctx.workshop.id, FacilitatorInvite.room_id == room_id,
        FacilitatorInvite.revoked_at.is_(None)).order_by(FacilitatorInvite.id)))
    for inv in live:
        inv.revoked_at = ctx.now
        ctx.emit("access_ended", {"reason": reason}, [f"l:{inv.id}"])
        ctx.disconnect.append(f"l:{inv.id}")
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
    if kind == "barrier" and len(text) > rules.MAX_BARRIER_CHARS:
        raise CommandError("invalid", f"text: must be at most {rules.MAX_BARRIER_CHARS} characters (got {len(text)})")
    if text == item.text:
        raise CommandError("no_change", "The text is unchanged.")
    before = item.text
    if item.original_text is None:
        item.original_text = before
    item.text = text
    ctx.session.flush()
    view = barrier_payload(ctx, item) if kind == "barrier" else solution_payload(ctx, item)
    ctx.emit("post_edited", {"kind": kind, "id": item.id, "text": view["text"], "edited": True}, audience)
    ctx.audit("edit", kind=kind, id=item.id, room_id=room.id, before=before, after=text)
    return {"id": item.id}
