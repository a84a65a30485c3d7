"""The JSON archive of a whole workshop, and loading it back (`common-ground import FILE`).

Format ``common-ground-archive``, version 1: every row of the workshop under
archive-local keys ("r1", "p3", "b12"...) instead of database ids, so it
loads into any server with fresh ids. What it deliberately leaves out:

* secrets: no token or token hash; the import makes new organiser,
  projector and facilitator links (participants join again if needed);
* the author of an anonymous post: such a post has no "author" at all, so
  nothing in the archive links it to a person (named posts keep their
  author's key, which is how the name is shown);
* the text of withdrawn posts (their authors took them back);
* the event log, which holds the private `authorship` events; the imported
  workshop starts a fresh log at the original sequence number.

Votes keep their voter's key: the dot budget, "one dot per item" and the
splits by group of the report depend on it. The archive is therefore as
confidential as the database itself: see docs/agreement.md.
"""
from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import auth, rules
from ..domain.errors import CommandError
from ..models import (
    AuditEntry,
    Barrier,
    CouncilVolunteer,
    FacilitatorInvite,
    Merge,
    Participant,
    PlanEntry,
    PlanNote,
    PlenaryItem,
    Room,
    Solution,
    Vote,
    Workshop,
    utcnow,
)
from .model import NotFound

FORMAT = "common-ground-archive"
VERSION = 1
# Audit detail fields that hold ids, and the kind of row they point to.
AUDIT_REFS = {"room_id": "r", "from_room": "r", "to_room": "r", "shared_id": "b", "member_ids": "b",
              "barrier_ids": "b", "barrier_id": "b", "participant_id": "p", "entry_id": "e", "item_id": "i"}


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None


def encode(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8")


# -- export -----------------------------------------------------------------------------

def dump(session: Session, workshop_id: str) -> dict:
    ws = session.get(Workshop, workshop_id)
    if ws is None:
        raise NotFound(workshop_id)

    def rows(model, *order):
        return list(session.scalars(select(model).where(model.workshop_id == ws.id).order_by(*order)))

    rooms = rows(Room, Room.number)
    invites = rows(FacilitatorInvite, FacilitatorInvite.id)
    people = rows(Participant, Participant.id)
    barriers = rows(Barrier, Barrier.id)
    solutions = rows(Solution, Solution.id)
    merges = rows(Merge, Merge.id)
    votes = rows(Vote, Vote.id)
    plenary = rows(PlenaryItem, PlenaryItem.id)
    entries = rows(PlanEntry, PlanEntry.id)
    volunteers = rows(CouncilVolunteer, CouncilVolunteer.id)
    notes = rows(PlanNote, PlanNote.id)
    audit = rows(AuditEntry, AuditEntry.id)

    keys: dict[str, dict[int, str]] = {}

    def number(prefix: str, ids) -> None:
        keys[prefix] = {i: f"{prefix}{n}" for n, i in enumerate(ids, 1)}

    number("r", [r.id for r in rooms])
    number("f", [i.id for i in invites])
    number("p", [p.id for p in people])
    number("b", [b.id for b in barriers])
    number("s", [s.id for s in solutions])
    number("v", [v.id for v in votes])
    number("i", [i.id for i in plenary])
    number("e", [e.id for e in entries])

    def key(prefix: str, i: int | None) -> str | None:
        return None if i is None else keys[prefix].get(i)

    def post(x, prefix: str) -> dict:
        out = {"key": key(prefix, x.id), "room": key("r", x.room_id),
               "text": "" if x.withdrawn else x.text, "anonymous": x.anonymous,
               "hidden": x.hidden, "hidden_reason": x.hidden_reason, "withdrawn": x.withdrawn,
               "created_at": _iso(x.created_at)}
        # The one place authorship could leak: only a post shown with its author's name keeps the author.
        if not x.anonymous and x.author_id is not None:
            out["author"] = key("p", x.author_id)
        return out

    def target(kind: str, i: int) -> str | None:
        return key({"barrier": "b", "solution": "s", "plenary": "i"}[kind], i)

    def co_lead_keys(fields: dict) -> dict:
        """An action's co-leads are participants: archived by their p-key like every other reference."""
        out = dict(fields)
        for f in rules.CO_LEAD_FIELDS:
            v = out.get(f, "")
            out[f] = (key("p", int(v)) or "") if isinstance(v, str) and v.isdigit() else ""
        return out

    def audit_detail(detail: dict) -> dict:
        out = {}
        for k, v in detail.items():
            prefix = AUDIT_REFS.get(k)
            if k == "id" and detail.get("kind") in ("barrier", "solution"):
                out[k] = key("b" if detail["kind"] == "barrier" else "s", v)
            elif prefix and isinstance(v, list):
                out[k] = [key(prefix, x) for x in v]
            elif prefix and isinstance(v, int):
                out[k] = key(prefix, v)
            else:
                out[k] = v
        return out

    def actor(a: str) -> str:
        role, _, ident = a.partition(":")
        if role == "facilitator" and ident.isdigit():
            return f"facilitator:{key('f', int(ident))}"
        if role == "participant" and ident.isdigit():
            return f"participant:{key('p', int(ident))}"
        return role

    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(utcnow()),
        "workshop": {"title": ws.title, "date": ws.date, "place": ws.place, "languages": list(ws.languages),
                     "display_language": ws.display_language, "join_code": ws.join_code,
                     "vote_budget": ws.vote_budget, "live_tallies": ws.live_tallies, "phase": ws.phase,
                     "paused": ws.paused, "pause_message": ws.pause_message, "seq": ws.seq, "created_at": _iso(ws.created_at)},
        "rooms": [{"key": key("r", r.id), "number": r.number, "name": r.name, "phase": r.phase,
                   "revealed": r.revealed, "deadline": _iso(r.deadline),
                   "help_requested_at": _iso(r.help_requested_at), "help_message": r.help_message} for r in rooms],
        "facilitators": [{"key": key("f", i.id), "room": key("r", i.room_id), "name": i.name,
                          "revoked_at": _iso(i.revoked_at), "created_at": _iso(i.created_at)} for i in invites],
        "participants": [{"key": key("p", p.id), "room": key("r", p.room_id), "name": p.display_name,
                          "group": p.group, "language": p.language, "anonymous": p.anonymous,
                          "removed_at": _iso(p.removed_at), "joined_at": _iso(p.joined_at)} for p in people],
        "barriers": [{**post(b, "b"), "shared": b.is_shared, "merged_into": key("b", b.merged_into_id)}
                     for b in barriers],
        "solutions": [{**post(s, "s"), "barrier": key("b", s.barrier_id)} for s in solutions],
        "merges": [{"room": key("r", m.room_id), "shared": key("b", m.shared_id),
                    "members": [key("b", i) for i in m.member_ids],
                    "moved_votes": [{"vote": key("v", x["vote_id"]), "from": key("b", x["from"])}
                                    for x in m.moved_votes if x.get("vote_id") in keys["v"]],
                    "returned_votes": m.returned_votes, "created_at": _iso(m.created_at),
                    "undone_at": _iso(m.undone_at)} for m in merges],
        "votes": [{"key": key("v", v.id), "voter": key("p", v.participant_id), "target_type": v.target_type,
                   "target": target(v.target_type, v.target_id), "created_at": _iso(v.created_at)}
                  for v in votes if target(v.target_type, v.target_id) is not None],
        "plenary": [{"key": key("i", i.id), "room": key("r", i.room_id), "barrier": key("b", i.barrier_id),
                     "text": i.text, "room_votes": i.room_votes,
                     "solutions": [{"solution": key("s", s["id"]), "text": s["text"], "votes": s["votes"]}
                                   for s in i.solutions],
                     "merged_into": key("i", i.merged_into_id),
                     "created_at": _iso(i.created_at)} for i in plenary],
        "plan": [{"key": key("e", e.id), "plenary_item": key("i", e.plenary_item_id), "fields": co_lead_keys(e.fields),
                  "versions": dict(e.versions), "position": e.position, "created_at": _iso(e.created_at)}
                 for e in entries],
        "council": [{"participant": key("p", v.participant_id), "contact": v.contact if v.consent else None,
                     "consent": v.consent, "role": v.role, "created_at": _iso(v.created_at)} for v in volunteers],
        # Council members' links are secrets: not archived (the organiser issues new ones after an import).
        "plan_notes": [{"entry": key("e", n.entry_id), "text": n.text,
                        "author": {"role": n.author.get("role"), "group": n.author.get("group"),
                                   "participant": key("p", n.author.get("participant_id"))},
                        "created_at": _iso(n.created_at)} for n in notes],
        "audit": [{"actor": actor(a.actor), "action": a.action, "detail": audit_detail(a.detail),
                   "at": _iso(a.at)} for a in audit],
    }


# -- import -----------------------------------------------------------------------------

class ArchiveError(CommandError):
    def __init__(self, message: str):
        super().__init__("invalid_archive", message)


def parse(raw: bytes | str) -> dict:
    """Decode and check an archive's envelope; raises ArchiveError with a clear message."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ArchiveError(f"This file is not a Common Ground archive: it is not valid JSON ({err}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ArchiveError("This file is not a Common Ground archive (its \"format\" is not "
                           f"{FORMAT!r}).")
    if data.get("version") != VERSION:
        raise ArchiveError(f"This archive is version {data.get('version')!r}; this server reads version {VERSION}. "
                           "Export it again from a server of the same version.")
    return data


def _dt(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ArchiveError(f"{where}: expected a date-time string")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ArchiveError(f"{where}: {value!r} is not an ISO 8601 date-time") from None


def _when(value: Any, where: str) -> datetime:
    """A required timestamp (created_at, joined_at, at); an archive without one gets the import time."""
    return _dt(value, where) or utcnow()


def _need(obj: Any, field: str, kind, where: str, optional: bool = False):
    if not isinstance(obj, dict):
        raise ArchiveError(f"{where}: expected an object")
    value = obj.get(field)
    if value is None and optional:
        return None
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise ArchiveError(f"{where}.{field}: missing or of the wrong type")
    return value


def _list(data: dict, name: str) -> list:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise ArchiveError(f"{name}: expected a list")
    return value


def load(session: Session, data: dict) -> dict:
    """Create a new workshop from a parsed archive inside the caller's transaction.

    Returns the new workshop id and fresh secret tokens. Any inconsistency
    raises ArchiveError; the caller's transaction then rolls back, so a bad
    archive changes nothing.
    """
    from ..domain.sectors import preset
    from ..domain.workshops import new_join_code, store_sectors

    w = data.get("workshop")
    title = _need(w, "title", str, "workshop")
    if not title.strip() or len(title) > rules.MAX_TITLE_CHARS:
        raise ArchiveError("workshop.title: must be 1-200 characters")
    phase = _need(w, "phase", str, "workshop")
    if phase not in rules.WORKSHOP_PHASES:
        raise ArchiveError(f"workshop.phase: unknown phase {phase!r}")
    languages = _need(w, "languages", list, "workshop")
    if not languages or not all(isinstance(x, str) and x in rules.KNOWN_LANGUAGES for x in languages):
        raise ArchiveError("workshop.languages: unknown language")
    budget = _need(w, "vote_budget", int, "workshop")
    if not 1 <= budget <= rules.MAX_VOTE_BUDGET:
        raise ArchiveError("workshop.vote_budget: out of range")
    code = w.get("join_code")
    if not isinstance(code, str) or session.scalar(select(Workshop.id).where(Workshop.join_code == code)):
        code = new_join_code(session)
    organiser, display = auth.new_token(), auth.new_token()
    progress = auth.new_token()
    ws = Workshop(id=secrets.token_hex(8), title=title, date=_need(w, "date", str, "workshop", True),
                  place=_need(w, "place", str, "workshop", True), languages=languages,
                  display_language=_need(w, "display_language", str, "workshop"), join_code=code,
                  vote_budget=budget, live_tallies=bool(w.get("live_tallies")), phase=phase,
                  paused=bool(w.get("paused")),
                  pause_message=_need(w, "pause_message", str, "workshop", True),
                  organiser_token_hash=auth.token_hash(organiser), display_token_hash=auth.token_hash(display),
                  progress_token=progress,
                  seq=_need(w, "seq", int, "workshop"), created_at=_when(w.get("created_at"), "workshop.created_at"))
    if ws.display_language not in languages:
        raise ArchiveError("workshop.display_language: not one of the workshop's languages")
    session.add(ws)
    session.flush()
    # The archive's people belong to the four groups (checked below): the `groups` preset's sectors.
    sectors = preset("groups", languages)
    store_sectors(session, ws.id, sectors)

    ids: dict[str, int] = {}

    def ref(value: Any, prefix: str, where: str, optional: bool = False) -> int | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.startswith(prefix) or value not in ids:
            raise ArchiveError(f"{where}: refers to {value!r}, which is not in the archive")
        return ids[value]

    def new_key(obj: dict, prefix: str, where: str) -> str:
        k = _need(obj, "key", str, where)
        if not k.startswith(prefix) or k in ids:
            raise ArchiveError(f"{where}.key: {k!r} is not a new {prefix}-key")
        return k

    def add(row, k: str):
        session.add(row)
        session.flush()
        ids[k] = row.id
        return row

    facilitators = []
    for n, r in enumerate(_list(data, "rooms")):
        where = f"rooms[{n}]"
        k = new_key(r, "r", where)
        rphase = _need(r, "phase", str, where)
        if rphase not in rules.ROOM_PHASES:
            raise ArchiveError(f"{where}.phase: unknown phase {rphase!r}")
        add(Room(workshop_id=ws.id, number=_need(r, "number", int, where), name=_need(r, "name", str, where),
                 phase=rphase, revealed=bool(r.get("revealed")), deadline=_dt(r.get("deadline"), where),
                 help_requested_at=_dt(r.get("help_requested_at"), where),
                 help_message=_need(r, "help_message", str, where, True)), k)
    room_names = {ids[r["key"]]: r["name"] for r in _list(data, "rooms")}
    for n, f in enumerate(_list(data, "facilitators")):
        where = f"facilitators[{n}]"
        k = new_key(f, "f", where)
        token = auth.new_token()
        revoked = _dt(f.get("revoked_at"), where)
        inv = add(FacilitatorInvite(workshop_id=ws.id, room_id=ref(f.get("room"), "r", where),
                                    name=_need(f, "name", str, where, True), token_hash=auth.token_hash(token),
                                    revoked_at=revoked, created_at=_when(f.get("created_at"), where)), k)
        if revoked is None:
            facilitators.append({"room_id": inv.room_id, "room": room_names[inv.room_id], "token": token})
    for n, p in enumerate(_list(data, "participants")):
        where = f"participants[{n}]"
        k = new_key(p, "p", where)
        group = _need(p, "group", str, where)
        if group not in rules.GROUPS:
            raise ArchiveError(f"{where}.group: unknown group {group!r}")
        # Participants get a fresh random token no one holds: they join again with the join code.
        add(Participant(workshop_id=ws.id, room_id=ref(p.get("room"), "r", where),
                        display_name=_need(p, "name", str, where, True), group=group,
                        language=_need(p, "language", str, where), anonymous=bool(p.get("anonymous", True)),
                        token_hash=auth.token_hash(auth.new_token()), removed_at=_dt(p.get("removed_at"), where),
                        joined_at=_when(p.get("joined_at"), where)), k)

    def post_fields(x: dict, where: str) -> dict:
        return {"workshop_id": ws.id, "room_id": ref(x.get("room"), "r", where),
                "author_id": ref(x.get("author"), "p", where, optional=True),
                "text": _need(x, "text", str, where), "anonymous": bool(x.get("anonymous", True)),
                "hidden": bool(x.get("hidden")), "hidden_reason": _need(x, "hidden_reason", str, where, True),
                "withdrawn": bool(x.get("withdrawn")), "created_at": _when(x.get("created_at"), where)}

    barrier_rows = []
    for n, b in enumerate(_list(data, "barriers")):
        where = f"barriers[{n}]"
        k = new_key(b, "b", where)
        barrier_rows.append((add(Barrier(is_shared=bool(b.get("shared")), **post_fields(b, where)), k), b, where))
    for row, b, where in barrier_rows:  # merged_into may point forward
        row.merged_into_id = ref(b.get("merged_into"), "b", where, optional=True)
    for n, s in enumerate(_list(data, "solutions")):
        where = f"solutions[{n}]"
        k = new_key(s, "s", where)
        add(Solution(barrier_id=ref(s.get("barrier"), "b", where), **post_fields(s, where)), k)
    plenary_rows = []
    for n, i in enumerate(_list(data, "plenary")):
        where = f"plenary[{n}]"
        k = new_key(i, "i", where)
        sols = []
        for m, s in enumerate(_need(i, "solutions", list, where)):
            sols.append({"id": ref(s.get("solution") if isinstance(s, dict) else None, "s", f"{where}.solutions[{m}]"),
                         "text": _need(s, "text", str, where), "votes": _need(s, "votes", int, where)})
        plenary_rows.append((add(PlenaryItem(
            workshop_id=ws.id, room_id=ref(i.get("room"), "r", where), barrier_id=ref(i.get("barrier"), "b", where),
            text=_need(i, "text", str, where), room_votes=_need(i, "room_votes", int, where), solutions=sols,
            created_at=_when(i.get("created_at"), where)), k), i, where))
    for row, i, where in plenary_rows:  # merged on the plenary board; may point forward
        row.merged_into_id = ref(i.get("merged_into"), "i", where, optional=True)
    prefixes = {"barrier": "b", "solution": "s", "plenary": "i"}
    for n, v in enumerate(_list(data, "votes")):
        where = f"votes[{n}]"
        k = new_key(v, "v", where)
        kind = _need(v, "target_type", str, where)
        if kind not in prefixes:
            raise ArchiveError(f"{where}.target_type: unknown {kind!r}")
        add(Vote(workshop_id=ws.id, participant_id=ref(v.get("voter"), "p", where), target_type=kind,
                 target_id=ref(v.get("target"), prefixes[kind], where), created_at=_when(v.get("created_at"), where)), k)
    for n, m in enumerate(_list(data, "merges")):
        where = f"merges[{n}]"
        moved = []
        for x in _need(m, "moved_votes", list, where):
            vote_id = ref(x.get("vote") if isinstance(x, dict) else None, "v", where)
            voter = session.get(Vote, vote_id).participant_id
            moved.append({"vote_id": vote_id, "from": ref(x.get("from"), "b", where), "participant_id": voter})
        session.add(Merge(workshop_id=ws.id, room_id=ref(m.get("room"), "r", where),
                          shared_id=ref(m.get("shared"), "b", where),
                          member_ids=[ref(x, "b", where) for x in _need(m, "members", list, where)],
                          moved_votes=moved, returned_votes=_need(m, "returned_votes", int, where),
                          created_at=_when(m.get("created_at"), where), undone_at=_dt(m.get("undone_at"), where)))
    for n, e in enumerate(_list(data, "plan")):
        where = f"plan[{n}]"
        k = new_key(e, "e", where)
        fields, versions = _need(e, "fields", dict, where), _need(e, "versions", dict, where)
        if not all(isinstance(x, str) for x in fields.values()) or \
                not all(isinstance(x, int) for x in versions.values()):
            raise ArchiveError(f"{where}: fields must be text and versions numbers")
        fields = dict(fields)
        for f in rules.CO_LEAD_FIELDS:  # p-keys back to the new participants' ids
            if fields.get(f):
                fields[f] = str(ref(fields[f], "p", f"{where}.fields.{f}"))
        add(PlanEntry(workshop_id=ws.id, plenary_item_id=ref(e.get("plenary_item"), "i", where, optional=True),
                      fields=fields, versions=versions, position=_need(e, "position", int, where),
                      created_at=_when(e.get("created_at"), where)), k)
    for n, c in enumerate(_list(data, "council")):
        where = f"council[{n}]"
        role = c.get("role") if isinstance(c, dict) else None
        if role is not None and role not in rules.COUNCIL_ROLES + rules.LEGACY_COUNCIL_ROLES:
            raise ArchiveError(f"{where}.role: unknown role {role!r}")
        consent = bool(c.get("consent"))
        session.add(CouncilVolunteer(workshop_id=ws.id, participant_id=ref(c.get("participant"), "p", where),
                                     contact=_need(c, "contact", str, where, True) if consent else None,
                                     consent=consent, role=role, created_at=_when(c.get("created_at"), where)))

    for n, note in enumerate(data.get("plan_notes") or []):  # absent in archives from before the council notes
        where = f"plan_notes[{n}]"
        author = _need(note, "author", dict, where)
        text = _need(note, "text", str, where)
        if not text or len(text) > rules.MAX_NOTE_CHARS:
            raise ArchiveError(f"{where}.text: must be 1-{rules.MAX_NOTE_CHARS} characters")
        session.add(PlanNote(workshop_id=ws.id, entry_id=ref(note.get("entry"), "e", where), text=text,
                             author={"role": author.get("role"), "group": author.get("group"),
                                     "participant_id": ref(author.get("participant"), "p", where, optional=True)},
                             created_at=_when(note.get("created_at"), where)))

    def unkey(value: Any, prefix: str | None) -> Any:
        if isinstance(value, list):
            return [unkey(x, prefix) for x in value]
        if isinstance(value, str) and value in ids:
            return ids[value]
        return value

    for n, a in enumerate(_list(data, "audit")):
        where = f"audit[{n}]"
        detail = _need(a, "detail", dict, where)
        actor = _need(a, "actor", str, where)
        role, _, ident = actor.partition(":")
        actor = f"{role}:{ids.get(ident, ws.id)}" if ident else f"{role}:{ws.id}"
        fixed = {k: (unkey(v, AUDIT_REFS.get(k)) if (k in AUDIT_REFS or k == "id") else v)
                 for k, v in detail.items()}
        session.add(AuditEntry(workshop_id=ws.id, actor=actor[:40], action=_need(a, "action", str, where)[:40],
                               detail=fixed, at=_when(a.get("at"), where)))
    session.flush()
    return {"workshop_id": ws.id, "title": ws.title, "join_code": ws.join_code, "organiser_token": organiser,
            "display_token": display, "progress_token": progress, "facilitators": facilitators, "languages": list(languages),
            "vote_budget": budget, "sectors": sectors}
