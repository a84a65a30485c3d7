"""Who is speaking: tokens, principals and the Socket.IO rooms they belong to.

Tokens are long random secrets; only their SHA-256 is stored, so a copy of
the database does not hand out anyone's link.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import String, bindparam, cast, exists, literal, or_, select
from sqlalchemy.orm import Session

from ..driver_sql import DriverStatement
from ..models import CouncilLink, CouncilVolunteer, FacilitatorInvite, Participant, Room, Workshop
from . import audiences as aud
from .errors import CommandError
from .expiry import check_not_expired, is_erased_hash

TOKEN_BYTES = 24
ROLES = ("organiser", "facilitator", "participant", "display", "council")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# A phone's device key (POST /api/join) is chosen by the client, so it must never share a namespace
# with the server's secrets: the participant's token is derived from it one way (a device key is
# never itself a token), and a device key that is some link's token is refused (is_token).
_DEVICE_TOKEN_CONTEXT = b"common-ground: participant token of a device key\0"


def device_token(device_key: str) -> str:
    """The participant token a device key stands for: the same key always gives the same token."""
    digest = hashlib.sha256(_DEVICE_TOKEN_CONTEXT + device_key.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).decode("ascii")


@dataclass(frozen=True)
class Principal:
    role: str
    workshop_id: str
    # participant id, facilitator invite id, council link id, or None for organiser / display
    id: int | None = None
    room_id: int | None = None
    # Organiser / projector: the SHA-256 of the link's token, so a re-issued link (server/domain/links.py)
    # stops the old one at its next command or sync; None for the server's own callers (the CLI).
    key: str | None = None

    @property
    def actor(self) -> str:
        """Stable key for idempotency records and the audit trail (never a token)."""
        return f"{self.role}:{self.id if self.id is not None else self.workshop_id}"

    def audiences(self, room_ids: list[int]) -> set[str]:
        """Socket.IO rooms (and event audiences) this principal belongs to (audiences.py says who is in each)."""
        w = self.workshop_id
        out = {aud.everyone(w)}
        if self.key is not None:
            # This organiser or projector link's own audience: re-issuing it cuts exactly its
            # connections, and a console opened with the new link never hears the old link's end.
            out.add(aud.workshop_link(self.key))
        if self.role in ("organiser", "facilitator"):
            out.add(aud.staff(w))  # the workshop's staff: what an open plenary vote's counts reach
        if self.role == "organiser":
            out.add(aud.organisers(w))
            for rid in room_ids:
                out.update({aud.room(rid), aud.facilitators(rid)})
        elif self.role == "facilitator":
            # The link's own audience: revoking it cuts exactly its connections.
            out.update({aud.room(self.room_id), aud.facilitators(self.room_id), aud.facilitator_link(self.id)})
        elif self.role == "participant":
            out.update({aud.room(self.room_id), aud.participant(self.id)})
        elif self.role == "display":
            out.add(aud.display(w))
        elif self.role == "council":
            # This council link's own audience: revoking it cuts exactly its connections.
            out.add(aud.council_link(self.id))
        return out


# Built once (a connect burst resolves a token per phone): each kind of link by its token's hash; a phone's
# (nearly every connection) is looked up apart, as a row of four columns: _PARTICIPANT_BY_HASH below.
_BY_HASH = {
    "facilitator": select(FacilitatorInvite).where(FacilitatorInvite.token_hash == bindparam("h")),
    "organiser": select(Workshop).where(Workshop.organiser_token_hash == bindparam("h")),
    "display": select(Workshop).where(Workshop.display_token_hash == bindparam("h")),
    "council": select(CouncilLink).where(CouncilLink.token_hash == bindparam("h")),
}


_IS_TOKEN = select(or_(
    *(exists().where(column == bindparam("h")) for column in (
        Participant.token_hash, FacilitatorInvite.token_hash, Workshop.organiser_token_hash,
        Workshop.display_token_hash, CouncilLink.token_hash)),
    exists().where(Workshop.progress_token == bindparam("t"))))


def is_token(session: Session, value: str) -> bool:
    """Whether a value is a link's token of any kind, in any workshop (the progress link's included)."""
    return bool(session.scalar(_IS_TOKEN, {"h": token_hash(value), "t": value}))


def resolve(session: Session, token: str | None) -> Principal:
    """Turn a token into a principal, or refuse with `unauthorized`."""
    if not token or not isinstance(token, str) or len(token) > 200:
        raise CommandError("unauthorized", "A valid access token is required.")
    h = {"h": token_hash(token)}
    # Phones are nearly every connection: look them up first (one query for most connects), as a row
    # through the driver, not an ORM object (a connect burst resolves a token per phone), checked as
    # every later command and sync checks it (participant_from_row).
    p = _PARTICIPANT_BY_HASH.execute(session, h).first()
    if p:
        return participant_from_row(session, Principal("participant", p.workshop_id, p.id), p)
    inv = session.scalar(_BY_HASH["facilitator"], h)
    if inv:
        if inv.revoked_at is not None:
            raise CommandError("unauthorized", "This facilitator link has been revoked.")
        _check_expiry(session, inv.workshop_id)
        return Principal("facilitator", inv.workshop_id, inv.id, inv.room_id)
    ws = session.scalar(_BY_HASH["organiser"], h)
    if ws:
        return Principal("organiser", ws.id, key=h["h"])
    ws = session.scalar(_BY_HASH["display"], h)
    if ws:
        return Principal("display", ws.id, key=h["h"])
    link = session.scalar(_BY_HASH["council"], h)
    if link:
        return council_principal(session, link)
    raise CommandError("unauthorized", "This link or token is not recognised.")


def council_principal(session: Session, link: CouncilLink | None) -> Principal:
    """A council member's link works while it is not revoked and they are still on the council."""
    if link is None or link.revoked_at is not None:
        raise CommandError("unauthorized", "This council link has been revoked.")
    p = session.get(Participant, link.participant_id)
    role = session.scalar(select(CouncilVolunteer.role).where(CouncilVolunteer.participant_id == link.participant_id))
    if p is None or p.removed_at is not None or not role:
        raise CommandError("unauthorized", "This person is no longer on the council.")
    return Principal("council", link.workshop_id, link.id, None)


_PEOPLE = Participant.__table__


def participant_actor_sql(participant_id):
    """Principal.actor of a participant, as SQL of their id column (commands._BATCH_SENDERS finds a
    batch's idempotency records by it); tests/test_round_trips.py checks the two agree."""
    return literal("participant:") + cast(participant_id, String)


# What participant_from_row needs of a participant's row (domain/commands.py reads it with the command's record;
# here by id for a sync, by the token's hash at connect), read through the driver (server/driver_sql.py).
PARTICIPANT_COLUMNS = (_PEOPLE.c.workshop_id, _PEOPLE.c.room_id, _PEOPLE.c.removed_at, _PEOPLE.c.token_hash)
_PARTICIPANT_ROW = DriverStatement(select(*PARTICIPANT_COLUMNS).where(_PEOPLE.c.id == bindparam("id")))
_PARTICIPANT_BY_HASH = DriverStatement(select(_PEOPLE.c.id, *PARTICIPANT_COLUMNS)
                                       .where(_PEOPLE.c.token_hash == bindparam("h")))


def refresh(session: Session, principal: Principal) -> Principal:
    """Re-read a principal inside a transaction: revocations and room moves apply at once."""
    if principal.role == "facilitator":
        inv = session.get(FacilitatorInvite, principal.id)
        _check_erased(inv)
        if inv is None or inv.revoked_at is not None:
            raise CommandError("unauthorized", "This facilitator link has been revoked.")
        _check_expiry(session, inv.workshop_id)
        return Principal("facilitator", inv.workshop_id, inv.id, inv.room_id)
    if principal.role == "participant":
        # Runs before every participant command and sync: the row's four columns, not an ORM object.
        return participant_from_row(session, principal, _PARTICIPANT_ROW.execute(session, {"id": principal.id}).first())
    if principal.role == "council":
        return council_principal(session, session.get(CouncilLink, principal.id))
    if principal.key is not None and principal.role in ("organiser", "display"):
        ws = session.get(Workshop, principal.workshop_id)
        current = ws.organiser_token_hash if principal.role == "organiser" else ws.display_token_hash
        if current != principal.key:
            raise CommandError("unauthorized", f"This {'organiser' if principal.role == 'organiser' else 'projector'} "
                               "link has been re-issued; ask for the new one.")
    return principal


def participant_from_row(session: Session, principal: Principal, p) -> Principal:
    """The participant as their row says now (workshop_id, room_id, removed_at, token_hash; None: gone)."""
    _check_erased(p)
    if p is None or p.removed_at is not None:
        raise CommandError("unauthorized", "You have been removed from this workshop.")
    _check_expiry(session, p.workshop_id)
    return Principal("participant", p.workshop_id, principal.id, p.room_id)


def _check_expiry(session: Session, workshop_id: str) -> None:
    """Participant and facilitator links stop working TOKEN_TTL_DAYS after the workshop (domain/expiry.py)."""
    check_not_expired(session, workshop_id)


def _check_erased(row) -> None:
    """A connection opened before the workshop's personal data was erased stops at its next command or sync."""
    if row is not None and is_erased_hash(row.token_hash):
        raise CommandError("unauthorized", "This workshop is over and its personal data has been erased; "
                           "this link no longer works.")


_ROOM_IDS = select(Room.id).where(Room.workshop_id == bindparam("w")).order_by(Room.number)


def room_ids(session: Session, workshop_id: str) -> list[int]:
    """The workshop's rooms in order (every connect and sync asks: built once)."""
    return list(session.scalars(_ROOM_IDS, {"w": workshop_id}))
