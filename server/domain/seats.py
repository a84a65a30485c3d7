"""Seat codes: taking one's own seat back on another device (docs/security.md, "Seat codes").

A phone that dies, or is swapped for another, must not turn its owner into a
stranger: a new participant in another room with fresh dots. Every person can
get a short seat code (`seat_code_issue`: their own phone asks for it, or the
room's facilitator or an organiser issues one for them); entering it with the
join code on another device (`POST /api/rejoin`) gives that device a fresh
token for the same participant: same room, same dots, same posts shown as theirs.

- The code is 8 characters from the join-code alphabet (40 bits), shown once:
  it is in the command's acknowledgement only, never in an event, the audit
  trail, a log line or a snapshot. Only its salted SHA-256 is stored.
- Single-purpose: it re-joins as this participant in this workshop and does
  nothing else (it is not a token). Issuing a new one replaces the old one;
  the re-joined phone asks for a new one as soon as it is in, so the code it
  used stops working within moments.
- One device at a time: the re-join moves the seat to the new device. The old
  device's token stops working and its open connections are told
  (`access_ended` with `rejoined: true`) and cut.
- Guessing is rate-limited per address and per workshop (server/ratelimit.py,
  `seat_failures`, `seat_failures_workshop`).
"""
from __future__ import annotations

import hashlib
import secrets

from pydantic import Field, ValidationError
from sqlalchemy import select

from ..db import Database
from ..models import Participant, utcnow
from . import audiences as aud
from . import auth, rules
from .commands import Context, Outcome
from .errors import CommandError
from .registry import Payload, command, validation_message
from .workshops import lock_open_workshop

SEAT_CODE_LENGTH = 8
SEAT_CODE_ALPHABET = rules.JOIN_CODE_ALPHABET


def new_seat_code() -> str:
    return "".join(secrets.choice(SEAT_CODE_ALPHABET) for _ in range(SEAT_CODE_LENGTH))


def normalise_seat_code(raw: str) -> str | None:
    """Upper case without spaces or dashes; None unless it has the shape of a seat code."""
    code = "".join(ch for ch in str(raw).upper() if ch not in " -\t")
    if len(code) != SEAT_CODE_LENGTH or any(ch not in SEAT_CODE_ALPHABET for ch in code):
        return None
    return code


def seat_code_hash(workshop_id: str, code: str) -> str:
    return hashlib.sha256(f"common-ground seat\0{workshop_id}\0{code}".encode()).hexdigest()


class SeatCodeIssue(Payload):
    participant_id: int | None = None


@command("seat_code_issue", roles=("participant", "facilitator", "organiser"), schema=SeatCodeIssue)
def seat_code_issue(ctx: Context, participant_id=None):
    """A person's seat code, to take their seat back on another device: their own phone asks for it,
    or the room's facilitator (or an organiser) issues it for them. Any earlier code stops working.
    The code is in this acknowledgement only; nobody hears an event."""
    me = ctx.principal
    if me.role == "participant":
        if participant_id not in (None, me.id):
            raise CommandError("forbidden", "You can only get your own seat code.")
        participant_id = me.id
    elif participant_id is None:
        raise CommandError("invalid", "participant_id: required")
    p = ctx.session.get(Participant, participant_id)
    if p is None or p.workshop_id != ctx.workshop.id or p.removed_at is not None:
        raise CommandError("not_found", "There is no such participant.")
    if me.role == "facilitator" and p.room_id != me.room_id:
        raise CommandError("not_found", "There is no such participant in this room.")
    if ctx.workshop.phase == "closed":
        raise CommandError("closed", "This workshop has ended.")
    code = new_seat_code()
    p.seat_code_hash = seat_code_hash(ctx.workshop.id, code)
    ctx.secrets["seat_code"] = code  # never stored: a repeated cid answers without it
    ctx.audit("seat_code", participant_id=p.id)
    return {"participant_id": p.id}


class RejoinPayload(Payload):
    code: str = Field(max_length=20)
    seat_code: str = Field(max_length=20)
    device_key: str = Field(min_length=32, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")


def parse_rejoin(payload) -> RejoinPayload:
    try:
        data = RejoinPayload.model_validate(payload if isinstance(payload, dict) else {})
    except ValidationError as err:
        raise CommandError("invalid", validation_message(err)) from None
    if normalise_seat_code(data.seat_code) is None:
        raise CommandError("invalid", f"seat_code: {SEAT_CODE_LENGTH} letters and digits, as shown on your phone")
    return data


def rejoin(db: Database, ws_id: str, data: RejoinPayload) -> dict:
    """A new device takes a seat back with its seat code (POST /api/rejoin). `not_found` for a wrong code."""
    token = auth.device_token(data.device_key)
    with db.workshop_lock(ws_id):
        with db.transaction() as s:
            ws = lock_open_workshop(s, ws_id)
            p = s.scalar(select(Participant).where(
                Participant.workshop_id == ws.id, Participant.removed_at.is_(None),
                Participant.seat_code_hash == seat_code_hash(ws.id, normalise_seat_code(data.seat_code))))
            if p is None:
                raise CommandError("not_found", "No seat has this code. Check it, or ask your facilitator for a new one.")
            answer = {"token": token, "participant_id": p.id, "workshop_id": ws.id, "room_id": p.room_id}
            if p.token_hash == auth.token_hash(token):
                return answer  # the same device again (its first answer was lost): nothing changes
            if auth.is_token(s, data.device_key) or s.scalar(
                    select(Participant.id).where(Participant.token_hash == auth.token_hash(token))):
                raise CommandError("unauthorized", "This device key cannot take this seat.")
            p.token_hash = auth.token_hash(token)
            ctx = Context(s, auth.Principal("participant", ws.id, p.id, p.room_id), ws, utcnow())
            # The device that had the seat is told, then cut (it may be lost, or in the wrong hands).
            ctx.emit("access_ended", {"reason": "", "rejoined": True}, [aud.participant(p.id)])
            ctx.disconnect.append(aud.participant(p.id))
            ctx.audit("rejoin", participant_id=p.id)
            events = ctx.finish()
        db.publish(Outcome(answer, events, disconnect=list(ctx.disconnect)))
    return answer
