"""The workshop links its signed-in organisers can open again, and re-issuing them.

Only a hash of each link's token is in the workshop's rows (server/domain/auth.py). A workshop made or
re-issued in the workspace also keeps its organiser, projector and facilitator tokens here, sealed with
Fernet under a key derived from SECRET_KEY (`kept_links`): a copy of the database alone does not open
anything. A kept token is shown only while its hash is still the workshop's: a link re-issued elsewhere
(`common-ground links --reissue`, the console's projector button) is shown as "re-issue to see it".

Re-issuing runs the console's and the CLI's own commands (display_link_renew, organiser_link_renew,
facilitator_invite_renew, server/domain/links.py and safety.py) inside the server, so the old link's open
screens are told (`access_ended`) and cut at once.
"""
from __future__ import annotations

import base64
import hashlib
import uuid

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select

from ..domain import auth, dispatch
from ..models import FacilitatorInvite, KeptLink, Room, Workshop

KINDS = ("organiser", "display", "facilitator")
PATHS = {"organiser": "/o#", "display": "/d#", "facilitator": "/f#"}
COMMANDS = {"organiser": "organiser_link_renew", "display": "display_link_renew",
            "facilitator": "facilitator_invite_renew"}


def _fernet(secret: str) -> Fernet:
    key = hashlib.sha256(b"common-ground workspace kept links\0" + secret.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def keep(session, secret: str, workshop_id: str, kind: str, token: str, room_id: int | None = None) -> None:
    row = session.scalar(select(KeptLink).where(KeptLink.workshop_id == workshop_id, KeptLink.kind == kind,
                                                 KeptLink.room_id.is_(None) if room_id is None
                                                 else KeptLink.room_id == room_id))
    sealed = _fernet(secret).encrypt(token.encode("utf-8")).decode("ascii")
    if row is None:
        session.add(KeptLink(workshop_id=workshop_id, kind=kind, room_id=room_id, sealed=sealed))
    else:
        row.sealed = sealed


def keep_created(db, secret: str, created: dict) -> None:
    """Keep the links `create_workshop` returned."""
    with db.transaction() as s:
        keep(s, secret, created["workshop_id"], "organiser", created["organiser_token"])
        keep(s, secret, created["workshop_id"], "display", created["display_token"])
        for f in created["facilitators"]:
            keep(s, secret, created["workshop_id"], "facilitator", f["token"], f["room_id"])


def _open(secret: str, row: KeptLink | None, current_hash: str | None) -> str | None:
    if row is None or current_hash is None:
        return None
    try:
        token = _fernet(secret).decrypt(row.sealed.encode("ascii")).decode("utf-8")
    except InvalidToken:  # SECRET_KEY changed since: the link must be re-issued
        return None
    return token if auth.token_hash(token) == current_hash else None


def workshop_links(session, secret: str, base: str, ws: Workshop) -> dict:
    """{organiser, display: url|None, facilitators: [{room_id, name, number, url|None}]}."""
    kept = {(k.kind, k.room_id): k for k in session.scalars(select(KeptLink).where(KeptLink.workshop_id == ws.id))}

    def url(kind, token):
        return f"{base}{PATHS[kind]}{token}" if token else None

    out = {"organiser": url("organiser", _open(secret, kept.get(("organiser", None)), ws.organiser_token_hash)),
           "display": url("display", _open(secret, kept.get(("display", None)), ws.display_token_hash)),
           "facilitators": []}
    rooms = session.scalars(select(Room).where(Room.workshop_id == ws.id).order_by(Room.number))
    for room in rooms:
        inv = session.scalar(select(FacilitatorInvite).where(
            FacilitatorInvite.room_id == room.id, FacilitatorInvite.revoked_at.is_(None))
            .order_by(FacilitatorInvite.id.desc()))
        token = _open(secret, kept.get(("facilitator", room.id)), inv.token_hash if inv else None)
        out["facilitators"].append({"room_id": room.id, "name": room.name, "number": room.number,
                                    "url": url("facilitator", token)})
    return out


def reissue(db, secret: str, workshop_id: str, kind: str, room_id: int | None = None) -> str:
    """A new link of this kind (the old one stops and its screens are told); kept for the organisers."""
    payload = {"cid": f"workspace-{uuid.uuid4().hex}"}
    if kind == "facilitator":
        payload["room_id"] = room_id
    outcome = dispatch(db, auth.Principal("organiser", workshop_id), COMMANDS[kind], payload)
    token = outcome.result["token"]
    with db.transaction() as s:
        keep(s, secret, workshop_id, kind, token, room_id if kind == "facilitator" else None)
    return token
