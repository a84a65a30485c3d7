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
  workshop starts a fresh log at the original sequence number;
* the trust pulse's answers: `pulses` holds each closed pulse's published
  results only (the cells the small-group rule shows, as the projector showed
  them), never the counts per sector or who answered; the council's ballots:
  `elections` holds who each constituency elected, never a candidate list, a
  count or a voter. Both are for reading; `load` does not bring them back
  (docs/pulse.md says why).

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
from ..domain.stats import ROOM_ITEMS
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
# Version 2 adds the agenda (docs/agenda.md): the workshop's agenda, segment, plenary_vote_closed and prompts,
# a room's sectors, a post's kind, a plenary item's priority, a plan entry's room. A version-1 archive (none
# of them) reads as a `short` day; a server that reads version 1 only refuses a version-2 archive rather
# than lose its strengths and priorities.
VERSION = 2
READS = (1, 2)
# Audit detail fields that hold ids, and the kind of row they point to.
AUDIT_REFS = {"room_id": "r", "from_room": "r", "to_room": "r", "shared_id": "b", "member_ids": "b",
              "barrier_ids": "b", "barrier_id": "b", "participant_id": "p", "entry_id": "e", "item_id": "i",
              "item_ids": "i"}


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None


def encode(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8")


# -- export -----------------------------------------------------------------------------

def dump(session: Session, workshop_id: str) -> dict:
    from ..domain.sectors import sector_views

    ws = session.get(Workshop, workshop_id)
    if ws is None:
        raise NotFound(workshop_id)
    t = {name: list(session.scalars(select(model).where(model.workshop_id == ws.id).order_by(order)))
         for name, model, order, _, _ in TABLES}
    key = _Keys({prefix: t[name] for name, _, _, prefix, _ in TABLES if prefix})
    return {"format": FORMAT, "version": VERSION, "exported_at": _iso(utcnow()), "workshop": _dump_workshop(ws, sector_views(session, ws.id)),
            **{name: write(key, t[name]) for name, _, _, _, write in TABLES},
            "pulses": _dump_pulses(session, ws.id), "elections": _dump_elections(session, key, ws.id)}


def _dump_pulses(session: Session, workshop_id: str) -> list[dict]:
    """The closed trust pulses as they were published (pulse_results.results: the cells the small-group
    rule shows), never the counts per sector nor who answered: nothing ties an answer to a person.
    Not read back by `load` (docs/pulse.md: an imported day has no pulse)."""
    from ..domain.pulse_results import results
    from ..models import Pulse

    return [{"label": p.label, "questions": [dict(q) for q in p.questions], "opened_at": _iso(p.opened_at),
             "closed_at": _iso(p.closed_at), **results(session, p)}
            for p in session.scalars(select(Pulse).where(Pulse.workshop_id == workshop_id,
                                                         Pulse.closed_at.is_not(None)).order_by(Pulse.id))]


def _dump_elections(session: Session, key: _Keys, workshop_id: str) -> list[dict]:
    """The council's ballots as their outcome: who each constituency elected (participant keys) and
    who tied; never a candidate list, a count or a voter. Not read back by `load`: the council's
    seats come back with `council` (docs/council-election.md)."""
    from ..models import Election

    return [{"kind": e.kind, "round": e.round, "seats": dict(e.seats), "closed_at": _iso(e.closed_at),
             "results": {c: {"elected": [key("p", i) for i in r.get("elected") or []],
                             "tied": [key("p", i) for i in r.get("tied") or []]}
                         for c, r in (e.results or {}).items()}}
            for e in session.scalars(select(Election).where(Election.workshop_id == workshop_id,
                                                            Election.status == "closed").order_by(Election.id))]


class _Keys:
    """The archive-local keys ("r1", "p3", "b12"...) of a workshop's rows: key("p", participant id)."""

    def __init__(self, rows_by_prefix: dict[str, list]):
        self._keys = {prefix: {row.id: f"{prefix}{n}" for n, row in enumerate(rows, 1)}
                      for prefix, rows in rows_by_prefix.items()}

    def __call__(self, prefix: str, i: int | None) -> str | None:
        return None if i is None else self._keys[prefix].get(i)

    def known(self, prefix: str, i: Any) -> bool:
        return i in self._keys[prefix]


def _dump_workshop(ws: Workshop, sectors: list[dict]) -> dict:
    return {"title": ws.title, "date": ws.date, "place": ws.place, "languages": list(ws.languages),
            "display_language": ws.display_language, "join_code": ws.join_code,
            "vote_budget": ws.vote_budget, "live_tallies": ws.live_tallies, "phase": ws.phase,
            "paused": ws.paused, "pause_message": ws.pause_message, "seq": ws.seq, "created_at": _iso(ws.created_at),
            "agenda": list(ws.agenda), "segment": ws.segment, "plenary_vote_closed": ws.plenary_vote_closed,
            "prompts": ws.prompts or {},
            # [{key, names, side}]: a participant's "group" is one of these keys
            "sectors": sectors}


def _dump_rooms(key: _Keys, rooms: list[Room]) -> list[dict]:
    return [{"key": key("r", r.id), "number": r.number, "name": r.name, "phase": r.phase,
             "sectors": list(r.sectors or []), "languages": list(r.languages or []), "revealed": r.revealed,
             "deadline": _iso(r.deadline),
             "help_requested_at": _iso(r.help_requested_at), "help_message": r.help_message} for r in rooms]


def _dump_facilitators(key: _Keys, invites: list[FacilitatorInvite]) -> list[dict]:
    return [{"key": key("f", i.id), "room": key("r", i.room_id), "name": i.name,
             "revoked_at": _iso(i.revoked_at), "created_at": _iso(i.created_at)} for i in invites]


def _dump_participants(key: _Keys, people: list[Participant]) -> list[dict]:
    return [{"key": key("p", p.id), "room": key("r", p.room_id), "name": p.display_name,
             "group": p.group, "language": p.language, "anonymous": p.anonymous,
             "removed_at": _iso(p.removed_at), "joined_at": _iso(p.joined_at)} for p in people]


def _dump_post(key: _Keys, x: Barrier | Solution, prefix: str) -> dict:
    out = {"key": key(prefix, x.id), "room": key("r", x.room_id),
           "text": "" if x.withdrawn else x.text, "anonymous": x.anonymous,
           "hidden": x.hidden, "hidden_reason": x.hidden_reason, "withdrawn": x.withdrawn,
           "created_at": _iso(x.created_at)}
    # The one place authorship could leak: only a post shown with its author's name keeps the author.
    if not x.anonymous and x.author_id is not None:
        out["author"] = key("p", x.author_id)
    return out


def _dump_barriers(key: _Keys, barriers: list[Barrier]) -> list[dict]:
    return [{**_dump_post(key, b, "b"), "kind": b.kind, "shared": b.is_shared,
             "merged_into": key("b", b.merged_into_id)} for b in barriers]


def _dump_solutions(key: _Keys, solutions: list[Solution]) -> list[dict]:
    return [{**_dump_post(key, s, "s"), "barrier": key("b", s.barrier_id)} for s in solutions]


def _dump_merges(key: _Keys, merges: list[Merge]) -> list[dict]:
    return [{"room": key("r", m.room_id), "shared": key("b", m.shared_id),
             "members": [key("b", i) for i in m.member_ids],
             "moved_votes": [{"vote": key("v", x["vote_id"]), "from": key("b", x["from"])}
                             for x in m.moved_votes if key.known("v", x.get("vote_id"))],
             "returned_votes": m.returned_votes, "created_at": _iso(m.created_at),
             "undone_at": _iso(m.undone_at)} for m in merges]


def _target(key: _Keys, kind: str, i: int) -> str | None:
    return key({"barrier": "b", "solution": "s", "plenary": "i"}[kind], i)


def _dump_votes(key: _Keys, votes: list[Vote]) -> list[dict]:
    return [{"key": key("v", v.id), "voter": key("p", v.participant_id), "target_type": v.target_type,
             "target": _target(key, v.target_type, v.target_id), "created_at": _iso(v.created_at)}
            for v in votes if _target(key, v.target_type, v.target_id) is not None]


def _dump_plenary(key: _Keys, plenary: list[PlenaryItem]) -> list[dict]:
    return [{"key": key("i", i.id), "room": key("r", i.room_id), "barrier": key("b", i.barrier_id),
             "text": i.text, "room_votes": i.room_votes,
             "solutions": [{"solution": key("s", s["id"]), "text": s["text"], "votes": s["votes"]}
                           for s in i.solutions],
             "merged_into": key("i", i.merged_into_id), "priority": i.priority,
             "created_at": _iso(i.created_at)} for i in plenary]


def _co_lead_keys(key: _Keys, fields: dict) -> dict:
    """An action's co-leads are participants: archived by their p-key like every other reference."""
    out = dict(fields)
    for f in rules.CO_LEAD_FIELDS:
        v = out.get(f, "")
        out[f] = (key("p", int(v)) or "") if isinstance(v, str) and v.isdigit() else ""
    return out


def _dump_plan(key: _Keys, entries: list[PlanEntry]) -> list[dict]:
    return [{"key": key("e", e.id), "plenary_item": key("i", e.plenary_item_id), "room": key("r", e.room_id),
             "fields": _co_lead_keys(key, e.fields),
             "versions": dict(e.versions), "position": e.position, "created_at": _iso(e.created_at)}
            for e in entries]


def _dump_council(key: _Keys, volunteers: list[CouncilVolunteer]) -> list[dict]:
    # Council members' links are secrets: not archived (the organiser issues new ones after an import).
    return [{"participant": key("p", v.participant_id), "contact": v.contact if v.consent else None,
             "consent": v.consent, "role": v.role, "created_at": _iso(v.created_at)} for v in volunteers]


def _dump_plan_notes(key: _Keys, notes: list[PlanNote]) -> list[dict]:
    return [{"entry": key("e", n.entry_id), "text": n.text,
             "author": {"role": n.author.get("role"), "group": n.author.get("group"),
                        "participant": key("p", n.author.get("participant_id"))},
             "created_at": _iso(n.created_at)} for n in notes]


def _audit_detail(key: _Keys, detail: dict) -> dict:
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


def _actor(key: _Keys, a: str) -> str:
    role, _, ident = a.partition(":")
    if role == "facilitator" and ident.isdigit():
        return f"facilitator:{key('f', int(ident))}"
    if role == "participant" and ident.isdigit():
        return f"participant:{key('p', int(ident))}"
    return role


def _dump_audit(key: _Keys, audit: list[AuditEntry]) -> list[dict]:
    return [{"actor": _actor(key, a.actor), "action": a.action, "detail": _audit_detail(key, a.detail),
             "at": _iso(a.at)} for a in audit]


# The sections of the archive after "workshop", in order: each a table, read in a fixed order, the prefix
# of its rows' archive-local keys (None: nothing refers to them), and the function that writes it.
TABLES = (
    ("rooms", Room, Room.number, "r", _dump_rooms),
    ("facilitators", FacilitatorInvite, FacilitatorInvite.id, "f", _dump_facilitators),
    ("participants", Participant, Participant.id, "p", _dump_participants),
    ("barriers", Barrier, Barrier.id, "b", _dump_barriers),
    ("solutions", Solution, Solution.id, "s", _dump_solutions),
    ("merges", Merge, Merge.id, None, _dump_merges),
    ("votes", Vote, Vote.id, "v", _dump_votes),
    ("plenary", PlenaryItem, PlenaryItem.id, "i", _dump_plenary),
    ("plan", PlanEntry, PlanEntry.id, "e", _dump_plan),
    ("council", CouncilVolunteer, CouncilVolunteer.id, None, _dump_council),
    ("plan_notes", PlanNote, PlanNote.id, None, _dump_plan_notes),
    ("audit", AuditEntry, AuditEntry.id, None, _dump_audit),
)


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
    if data.get("version") not in READS:
        raise ArchiveError(f"This archive is version {data.get('version')!r}; this server reads versions "
                           f"{', '.join(map(str, READS))}. Export it again from a server of the same version.")
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


def _one_of(obj: Any, field: str, allowed: tuple[str, ...], where: str) -> str:
    """A required field that takes one of a few words (a phase, a group)."""
    value = _need(obj, field, str, where)
    if value not in allowed:
        raise ArchiveError(f"{where}.{field}: unknown {field} {value!r}")
    return value


def _priority(item: dict, where: str) -> int | None:
    """A plenary item's rank as a confirmed priority (absent in version 1: none)."""
    rank = _need(item, "priority", int, where, optional=True)
    if rank is not None and not 1 <= rank <= rules.MAX_PRIORITIES:
        raise ArchiveError(f"{where}.priority: out of range")
    return rank


def _agenda(w: dict, phase: str, languages: list[str]) -> dict:
    """The workshop's agenda columns, checked: its segments, the one it stands on (which makes its phase),
    the prioritisation's dots closed or not, the organiser's prompts. A version-1 archive has none of them:
    its day is a `short` one, on the segment its phase is in (as migration 0008 did to every workshop)."""
    from ..domain import agenda as ag

    if w.get("agenda") is None:
        short = ag.preset("short")
        return {"agenda": short, "segment": next(n for n, k in enumerate(short) if rules.SEGMENT_PHASE[k] == phase),
                "plenary_vote_closed": False, "prompts": {}}
    agenda = _need(w, "agenda", list, "workshop")
    try:
        agenda = ag.check(agenda)
    except CommandError as err:
        raise ArchiveError(f"workshop.{err.message}") from None
    segment = _need(w, "segment", int, "workshop")
    if not 0 <= segment < len(agenda):
        raise ArchiveError("workshop.segment: not a segment of its agenda")
    if rules.SEGMENT_PHASE[agenda[segment]] != phase:
        raise ArchiveError(f"workshop.phase: {phase!r} is not the phase of its segment {agenda[segment]!r}")
    prompts = _need(w, "prompts", dict, "workshop", optional=True) or {}
    return {"agenda": agenda, "segment": segment, "plenary_vote_closed": bool(w.get("plenary_vote_closed")),
            "prompts": _prompts(prompts, languages)}


def _prompts(prompts: dict, languages: list[str]) -> dict:
    """The organiser's wording, checked as `prompts_set` checks it: {"strength"|"barrier": {lang: text},
    "questions": {field: {lang: text}}}, in the workshop's languages."""
    from pydantic import ValidationError

    from ..domain.registry import validation_message
    from ..domain.workshops import Prompts

    try:
        given = Prompts.model_validate(prompts).model_dump()
    except ValidationError as err:
        raise ArchiveError("; ".join(f"workshop.prompts.{x}" for x in validation_message(err).split("; "))) from None
    texts = [("strength", given["strength"]), ("barrier", given["barrier"]),
             *((f"questions.{f}", t) for f, t in given["questions"].items())]
    for where, by_lang in texts:
        if set(by_lang) - set(languages):
            raise ArchiveError(f"workshop.prompts.{where}: not in the workshop's languages")
    out = {"strength": {k: v for k, v in given["strength"].items() if v},
           "barrier": {k: v for k, v in given["barrier"].items() if v},
           "questions": {f: {k: v for k, v in t.items() if v} for f, t in given["questions"].items()}}
    out["questions"] = {f: t for f, t in out["questions"].items() if t}
    return {k: v for k, v in out.items() if v}


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
    from ..domain.workshops import store_sectors

    ws, tokens = _load_workshop(session, data.get("workshop"))
    sectors = _load_sectors(data["workshop"], list(ws.languages))
    store_sectors(session, ws.id, sectors)
    into = _Import(session, ws, [x["key"] for x in sectors])
    room_names = into.rooms(_list(data, "rooms"))
    facilitators = into.facilitators(_list(data, "facilitators"), room_names)
    into.participants(_list(data, "participants"))
    into.barriers(_list(data, "barriers"))
    into.solutions(_list(data, "solutions"))
    into.plenary(_list(data, "plenary"))
    into.votes(_list(data, "votes"))
    into.merges(_list(data, "merges"))
    into.plan(_list(data, "plan"))
    into.council(_list(data, "council"))
    into.plan_notes(data.get("plan_notes") or [])  # absent in archives from before the council notes
    into.audit(_list(data, "audit"))
    session.flush()
    return {"workshop_id": ws.id, "title": ws.title, "join_code": ws.join_code, **tokens,
            "facilitators": facilitators, "languages": list(ws.languages), "vote_budget": ws.vote_budget,
            "sectors": sectors, "agenda": list(ws.agenda)}


def _load_sectors(w: dict, languages: list[str]) -> list[dict]:
    """The workshop's sectors, checked as `sectors_set` checks them, each with the key its people joined with;
    an archive from before sectors has none: its people belong to the four groups, the `groups` preset."""
    from ..domain import sectors as sc
    from ..domain.workshops import clean_sectors

    records = w.get("sectors")
    if records is None:
        return sc.preset("groups", languages)
    if not isinstance(records, list) or not all(isinstance(x, dict) and x.get("key") for x in records):
        raise ArchiveError("workshop.sectors: expected a list of sectors, each with its key")
    try:
        return sc.check(clean_sectors(records), languages)
    except CommandError as err:
        raise ArchiveError(f"workshop.{err.message}") from None


def _load_workshop(session: Session, w: Any) -> tuple[Workshop, dict[str, str]]:
    """The new workshop row, checked, with a join code no other workshop has, and its new secret tokens."""
    from ..domain.workshops import new_join_code

    title = _need(w, "title", str, "workshop")
    if not title.strip() or len(title) > rules.MAX_TITLE_CHARS:
        raise ArchiveError("workshop.title: must be 1-200 characters")
    phase = _one_of(w, "phase", rules.WORKSHOP_PHASES, "workshop")
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
                  seq=_need(w, "seq", int, "workshop"), created_at=_when(w.get("created_at"), "workshop.created_at"),
                  **_agenda(w, phase, languages))
    if ws.display_language not in languages:
        raise ArchiveError("workshop.display_language: not one of the workshop's languages")
    session.add(ws)
    session.flush()
    return ws, {"organiser_token": organiser, "display_token": display, "progress_token": progress}


class _Import:
    """An archive's rows added to a new workshop, one method per section, in an order where every
    reference points back (or, for merges on the board, is set once its section is in); `ids` maps
    each archive key to its new row's id."""

    def __init__(self, session: Session, ws: Workshop, sector_keys: list[str]):
        self.session, self.ws, self.sector_keys = session, ws, sector_keys
        self.ids: dict[str, int] = {}

    def ref(self, value: Any, prefix: str, where: str, optional: bool = False) -> int | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.startswith(prefix) or value not in self.ids:
            raise ArchiveError(f"{where}: refers to {value!r}, which is not in the archive")
        return self.ids[value]

    def new_key(self, obj: dict, prefix: str, where: str) -> str:
        k = _need(obj, "key", str, where)
        if not k.startswith(prefix) or k in self.ids:
            raise ArchiveError(f"{where}.key: {k!r} is not a new {prefix}-key")
        return k

    def add(self, row, k: str):
        self.session.add(row)
        self.session.flush()
        self.ids[k] = row.id
        return row

    def rooms(self, records: list) -> dict[int, str]:
        """Adds the rooms; returns their names by new id."""
        names = {}
        for n, r in enumerate(records):
            where = f"rooms[{n}]"
            k = self.new_key(r, "r", where)
            rphase = _one_of(r, "phase", rules.ROOM_PHASES, where)
            sectors = _need(r, "sectors", list, where, optional=True) or []  # absent in version 1: none
            if not all(x in self.sector_keys for x in sectors):
                raise ArchiveError(f"{where}.sectors: not the workshop's sectors ({sectors!r})")
            reads = _need(r, "languages", list, where, optional=True) or []  # absent before: not said
            if not all(x in self.ws.languages for x in reads):
                raise ArchiveError(f"{where}.languages: not the workshop's languages ({reads!r})")
            room = self.add(Room(workshop_id=self.ws.id, number=_need(r, "number", int, where),
                                 name=_need(r, "name", str, where), phase=rphase, sectors=list(sectors),
                                 languages=list(reads),
                                 revealed=bool(r.get("revealed")),
                                 deadline=_dt(r.get("deadline"), where),
                                 help_requested_at=_dt(r.get("help_requested_at"), where),
                                 help_message=_need(r, "help_message", str, where, True)), k)
            names[room.id] = room.name
        return names

    def facilitators(self, records: list, room_names: dict[int, str]) -> list[dict]:
        """Adds the facilitator links with new tokens; returns the links not revoked (room and token)."""
        links = []
        for n, f in enumerate(records):
            where = f"facilitators[{n}]"
            k = self.new_key(f, "f", where)
            token = auth.new_token()
            revoked = _dt(f.get("revoked_at"), where)
            inv = self.add(FacilitatorInvite(workshop_id=self.ws.id, room_id=self.ref(f.get("room"), "r", where),
                                             name=_need(f, "name", str, where, True), token_hash=auth.token_hash(token),
                                             revoked_at=revoked, created_at=_when(f.get("created_at"), where)), k)
            if revoked is None:
                links.append({"room_id": inv.room_id, "room": room_names[inv.room_id], "token": token})
        return links

    def participants(self, records: list) -> None:
        for n, p in enumerate(records):
            where = f"participants[{n}]"
            k = self.new_key(p, "p", where)
            group = _one_of(p, "group", tuple(self.sector_keys), where)  # one of the workshop's sectors
            # Participants get a fresh random token no one holds: they join again with the join code.
            self.add(Participant(workshop_id=self.ws.id, room_id=self.ref(p.get("room"), "r", where),
                                 display_name=_need(p, "name", str, where, True), group=group,
                                 language=_need(p, "language", str, where), anonymous=bool(p.get("anonymous", True)),
                                 token_hash=auth.token_hash(auth.new_token()),
                                 removed_at=_dt(p.get("removed_at"), where), joined_at=_when(p.get("joined_at"), where)),
                     k)

    def post_fields(self, x: dict, where: str) -> dict:
        """The columns barriers and solutions share."""
        return {"workshop_id": self.ws.id, "room_id": self.ref(x.get("room"), "r", where),
                "author_id": self.ref(x.get("author"), "p", where, optional=True),
                "text": _need(x, "text", str, where), "anonymous": bool(x.get("anonymous", True)),
                "hidden": bool(x.get("hidden")), "hidden_reason": _need(x, "hidden_reason", str, where, True),
                "withdrawn": bool(x.get("withdrawn")), "created_at": _when(x.get("created_at"), where)}

    def barriers(self, records: list) -> None:
        rows = []
        for n, b in enumerate(records):
            where = f"barriers[{n}]"
            k = self.new_key(b, "b", where)
            kind = _one_of(b, "kind", rules.BARRIER_KINDS, where) if "kind" in b else "barrier"
            rows.append((self.add(Barrier(is_shared=bool(b.get("shared")), kind=kind, **self.post_fields(b, where)), k),
                         b, where))
        for row, b, where in rows:  # merged_into may point forward
            row.merged_into_id = self.ref(b.get("merged_into"), "b", where, optional=True)

    def solutions(self, records: list) -> None:
        for n, s in enumerate(records):
            where = f"solutions[{n}]"
            k = self.new_key(s, "s", where)
            self.add(Solution(barrier_id=self.ref(s.get("barrier"), "b", where), **self.post_fields(s, where)), k)

    def plenary(self, records: list) -> None:
        rows = []
        for n, i in enumerate(records):
            where = f"plenary[{n}]"
            k = self.new_key(i, "i", where)
            sols = []
            for m, s in enumerate(_need(i, "solutions", list, where)):
                sols.append({"id": self.ref(s.get("solution") if isinstance(s, dict) else None, "s",
                                            f"{where}.solutions[{m}]"),
                             "text": _need(s, "text", str, where), "votes": _need(s, "votes", int, where)})
            rows.append((self.add(PlenaryItem(
                workshop_id=self.ws.id, room_id=self.ref(i.get("room"), "r", where),
                barrier_id=self.ref(i.get("barrier"), "b", where), text=_need(i, "text", str, where),
                room_votes=_need(i, "room_votes", int, where), solutions=sols,
                priority=_priority(i, where), created_at=_when(i.get("created_at"), where)), k), i, where))
        for row, i, where in rows:  # merged on the plenary board; may point forward
            row.merged_into_id = self.ref(i.get("merged_into"), "i", where, optional=True)

    def votes(self, records: list) -> None:
        prefixes = {"barrier": "b", "solution": "s", "plenary": "i"}
        for n, v in enumerate(records):
            where = f"votes[{n}]"
            k = self.new_key(v, "v", where)
            kind = _need(v, "target_type", str, where)
            if kind not in prefixes:
                raise ArchiveError(f"{where}.target_type: unknown {kind!r}")
            target = self.ref(v.get("target"), prefixes[kind], where)
            item = ROOM_ITEMS.get(kind)
            self.add(Vote(workshop_id=self.ws.id, participant_id=self.ref(v.get("voter"), "p", where),
                          target_type=kind, target_id=target,
                          room_id=self.session.get(item, target).room_id if item else None,
                          created_at=_when(v.get("created_at"), where)), k)

    def merges(self, records: list) -> None:
        for n, m in enumerate(records):
            where = f"merges[{n}]"
            moved = []
            for x in _need(m, "moved_votes", list, where):
                vote_id = self.ref(x.get("vote") if isinstance(x, dict) else None, "v", where)
                voter = self.session.get(Vote, vote_id).participant_id
                moved.append({"vote_id": vote_id, "from": self.ref(x.get("from"), "b", where), "participant_id": voter})
            self.session.add(Merge(workshop_id=self.ws.id, room_id=self.ref(m.get("room"), "r", where),
                                   shared_id=self.ref(m.get("shared"), "b", where),
                                   member_ids=[self.ref(x, "b", where) for x in _need(m, "members", list, where)],
                                   moved_votes=moved, returned_votes=_need(m, "returned_votes", int, where),
                                   created_at=_when(m.get("created_at"), where),
                                   undone_at=_dt(m.get("undone_at"), where)))

    def plan(self, records: list) -> None:
        for n, e in enumerate(records):
            where = f"plan[{n}]"
            k = self.new_key(e, "e", where)
            fields, versions = _need(e, "fields", dict, where), _need(e, "versions", dict, where)
            if not all(isinstance(x, str) for x in fields.values()) or \
                    not all(isinstance(x, int) for x in versions.values()):
                raise ArchiveError(f"{where}: fields must be text and versions numbers")
            fields = dict(fields)
            for f in rules.CO_LEAD_FIELDS:  # p-keys back to the new participants' ids
                if fields.get(f):
                    fields[f] = str(self.ref(fields[f], "p", f"{where}.fields.{f}"))
            self.add(PlanEntry(workshop_id=self.ws.id,
                               plenary_item_id=self.ref(e.get("plenary_item"), "i", where, optional=True),
                               room_id=self.ref(e.get("room"), "r", where, optional=True),
                               fields=fields, versions=versions, position=_need(e, "position", int, where),
                               created_at=_when(e.get("created_at"), where)), k)

    def council(self, records: list) -> None:
        for n, c in enumerate(records):
            where = f"council[{n}]"
            role = c.get("role") if isinstance(c, dict) else None
            if role is not None and role not in rules.COUNCIL_ROLES + rules.LEGACY_COUNCIL_ROLES:
                raise ArchiveError(f"{where}.role: unknown role {role!r}")
            consent = bool(c.get("consent"))
            self.session.add(CouncilVolunteer(
                workshop_id=self.ws.id, participant_id=self.ref(c.get("participant"), "p", where),
                contact=_need(c, "contact", str, where, True) if consent else None,
                consent=consent, role=role, created_at=_when(c.get("created_at"), where)))

    def plan_notes(self, records: list) -> None:
        for n, note in enumerate(records):
            where = f"plan_notes[{n}]"
            author = _need(note, "author", dict, where)
            text = _need(note, "text", str, where)
            if not text or len(text) > rules.MAX_NOTE_CHARS:
                raise ArchiveError(f"{where}.text: must be 1-{rules.MAX_NOTE_CHARS} characters")
            self.session.add(PlanNote(
                workshop_id=self.ws.id, entry_id=self.ref(note.get("entry"), "e", where), text=text,
                author={"role": author.get("role"), "group": author.get("group"),
                        "participant_id": self.ref(author.get("participant"), "p", where, optional=True)},
                created_at=_when(note.get("created_at"), where)))

    def unkey(self, value: Any) -> Any:
        """An audit detail's archive keys (alone or in a list) as the new ids."""
        if isinstance(value, list):
            return [self.unkey(x) for x in value]
        if isinstance(value, str) and value in self.ids:
            return self.ids[value]
        return value

    def audit(self, records: list) -> None:
        for n, a in enumerate(records):
            where = f"audit[{n}]"
            detail = _need(a, "detail", dict, where)
            actor = _need(a, "actor", str, where)
            role, _, ident = actor.partition(":")
            actor = f"{role}:{self.ids.get(ident, self.ws.id)}" if ident else f"{role}:{self.ws.id}"
            fixed = {k: (self.unkey(v) if (k in AUDIT_REFS or k == "id") else v) for k, v in detail.items()}
            self.session.add(AuditEntry(workshop_id=self.ws.id, actor=actor[:40],
                                        action=_need(a, "action", str, where)[:40], detail=fixed,
                                        at=_when(a.get("at"), where)))
