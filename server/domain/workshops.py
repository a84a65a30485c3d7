"""Setting the day up and steering it: workshops, joining, rooms, phases, timers, pause, help."""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Literal

from pydantic import Field, TypeAdapter, ValidationError
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from ..db import Database
from ..models import (
    Barrier,
    Election,
    FacilitatorInvite,
    KeptLink,
    NewEvent,
    Participant,
    PlanEntry,
    PlenaryItem,
    Pulse,
    Room,
    Sector,
    Solution,
    Vote,
    Workshop,
    utcnow,
)
from . import agenda as ag
from . import audiences as aud
from . import auth, election, rules, seating, tallies
from . import projection as pj
from . import sectors as sc
from .board import return_room_dots
from .commands import Context, Outcome, lock_workshop, store_batch
from .common import barrier_payload, get_room
from .errors import CommandError
from .expiry import check_not_expired, expires_at, refuse_if_purged, ttl_days
from .registry import Payload, clean_text, command, text_field, validation_message
from .snapshot import help_view, room_content
from .stats import room_stats

Side = Literal[rules.SECTOR_SIDES]  # type: ignore[valid-type]


class SectorIn(Payload):
    """One sector as the organiser gives it: names in every language of the workshop, a side, and the key
    of the sector it keeps (absent: a new sector, whose key is made from its name)."""
    key: str | None = Field(default=None, pattern=sc.KEY_PATTERN)
    names: dict[str, text_field(rules.MAX_SECTOR_NAME_CHARS)]
    side: Side


_SECTOR_LIST = TypeAdapter(list[SectorIn])


def clean_sectors(raw: list) -> list[dict]:
    """Sectors from outside the command path (workshop creation, the CLI), validated as `sectors_set`'s."""
    try:
        return [s.model_dump() for s in _SECTOR_LIST.validate_python(raw, strict=True)]
    except ValidationError as err:
        raise CommandError("invalid", "; ".join(f"sectors.{part}" for part in validation_message(err).split("; "))) \
            from None


def store_sectors(session: Session, workshop_id: str, wanted: list[dict]) -> None:
    """Make the workshop's sector rows what `wanted` ([{key, names, side}], checked) says, in its order."""
    rows = {s.key: s for s in session.scalars(select(Sector).where(Sector.workshop_id == workshop_id))}
    keep = {w["key"] for w in wanted}
    gone = [s.id for key, s in rows.items() if key not in keep]
    if gone:
        session.execute(delete(Sector).where(Sector.id.in_(gone)))
    for position, w in enumerate(wanted):
        row = rows.get(w["key"])
        if row is None:
            session.add(Sector(workshop_id=workshop_id, position=position, key=w["key"], names=dict(w["names"]),
                               side=w["side"]))
        else:
            row.position, row.names, row.side = position, dict(w["names"]), w["side"]
    session.flush()


def new_join_code(session: Session) -> str:
    for _ in range(20):
        code = "".join(secrets.choice(rules.JOIN_CODE_ALPHABET) for _ in range(rules.JOIN_CODE_LENGTH))
        if session.scalar(select(Workshop.id).where(Workshop.join_code == code)) is None:
            return code
    raise RuntimeError("could not find a free join code")


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def check_languages(languages: list[str]) -> list[str]:
    out = []
    for lang in languages:
        lang = lang.strip().lower()
        if lang not in rules.KNOWN_LANGUAGES:
            raise CommandError("invalid", f"languages: unknown language {lang!r}; "
                               f"known: {', '.join(rules.KNOWN_LANGUAGES)}")
        if lang not in out:
            out.append(lang)
    if not out:
        raise CommandError("invalid", "languages: at least one language is required")
    return out


def create_workshop(db: Database, *, title: str, rooms: int, vote_budget: int = 3,
                    languages: list[str] | None = None, date: str | None = None,
                    place: str | None = None, live_tallies: bool = False,
                    sectors: list[dict] | None = None, sector_preset: str | None = None,
                    agenda: str | list[str] | None = None) -> dict:
    """Create a workshop with its rooms, its sectors and one facilitator link per room. Returns the secrets once.

    The sectors are `sectors` ([{names: {lang: text}, side, key?}], as `sectors_set` takes them), or
    the preset `sector_preset` (default: `groups`, the four groups of before). The agenda is a
    preset's name (default `short`, the day of before) or a list of segment kinds (docs/agenda.md)."""
    title = clean_text(title or "")
    if not title or len(title) > rules.MAX_TITLE_CHARS:
        raise CommandError("invalid", f"title: must be 1-{rules.MAX_TITLE_CHARS} characters")
    if not (1 <= rooms <= rules.MAX_ROOMS):
        raise CommandError("invalid", f"rooms: must be between 1 and {rules.MAX_ROOMS}")
    if not (1 <= vote_budget <= rules.MAX_VOTE_BUDGET):
        raise CommandError("invalid", f"vote_budget: must be between 1 and {rules.MAX_VOTE_BUDGET}")
    langs = check_languages(list(languages or rules.DEFAULT_LANGUAGES))
    if sectors is not None and sector_preset is not None:
        raise CommandError("invalid", "sectors: give the sectors or a preset, not both")
    if sectors is not None:
        chosen = sc.check(clean_sectors(sectors), langs)
    else:
        chosen = sc.check(sc.preset(sector_preset or sc.DEFAULT_PRESET, langs), langs)
    if agenda is None or isinstance(agenda, str):
        if (agenda or "short") not in rules.AGENDA_PRESETS:
            raise CommandError("invalid", f"agenda: unknown preset {agenda!r}; known: {', '.join(rules.AGENDA_PRESETS)}")
        segments = ag.preset(agenda or "short")
    else:
        segments = ag.check(list(agenda))
    organiser_token, display_token = auth.new_token(), auth.new_token()
    with db.transaction() as s:
        ws = Workshop(id=secrets.token_hex(8), title=title, date=date, place=place, languages=langs,
                      display_language=langs[0], join_code=new_join_code(s), vote_budget=vote_budget,
                      live_tallies=bool(live_tallies), agenda=segments, segment=0,
                      phase=rules.SEGMENT_PHASE[segments[0]], plenary_vote_closed=False, prompts={},
                      organiser_token_hash=auth.token_hash(organiser_token),
                      display_token_hash=auth.token_hash(display_token), progress_token=auth.new_token())
        s.add(ws)
        s.flush()
        store_sectors(s, ws.id, chosen)
        facilitators, made = [], []
        for n in range(1, rooms + 1):
            room = Room(workshop_id=ws.id, number=n, name=f"Room {n}", sectors=[])
            s.add(room)
            s.flush()
            made.append(room)
            token = auth.new_token()
            s.add(FacilitatorInvite(workshop_id=ws.id, room_id=room.id, token_hash=auth.token_hash(token)))
            facilitators.append({"room_id": room.id, "room": room.name, "token": token})
        if ag.caucus(ws):
            # The day opens with a caucus round: the rooms are dealt to the sectors before anyone joins.
            dealt = seating.caucus_rooms([r.id for r in made], [(x["key"], 0) for x in chosen])
            for r in made:
                r.sectors = dealt[r.id]
    return {"workshop_id": ws.id, "title": ws.title, "join_code": ws.join_code,
            "organiser_token": organiser_token, "display_token": display_token,
            "progress_token": ws.progress_token, "facilitators": facilitators, "languages": langs,
            "vote_budget": vote_budget, "live_tallies": bool(live_tallies), "sectors": chosen, "agenda": segments}


def public_info(db: Database, code: str) -> dict:
    """What the join page shows before someone joins: title, languages, sectors. No secrets."""
    with db.reading() as s:
        ws = s.scalar(select(Workshop).where(Workshop.join_code == normalise_code(code)))
        if ws is None:
            raise CommandError("not_found", "No workshop has this join code. Check the code on the screen.")
        check_not_expired(s, ws.id)
        # For the privacy notice at join: how long names and links are kept (TOKEN_TTL_DAYS, 0 = no limit).
        days = ttl_days(s)
        end = expires_at(ws, days)
        listed = sc.sector_views(s, ws.id)
        # `groups`: the sector keys, for clients from before sectors had names.
        return {"workshop_id": ws.id, "title": ws.title, "languages": list(ws.languages),
                "date": ws.date, "place": ws.place, "groups": [x["key"] for x in listed], "sectors": listed,
                "retention_days": days, "expires_at": end.isoformat() if end else None}


def pick_room(session: Session, ws: Workshop, group: str, sides: dict[str, str], language: str | None = None,
              among: list[int] | None = None, heads: HeadCount | None = None) -> int:
    """Balanced assignment: the room with fewest people of this sector's side, then fewest people.

    `sides`: the workshop's sector key -> side (`law_enforcement`, `community`, `other`); with the
    `groups` preset: police, community members and organisations, government/other, as before sectors.
    `heads`: who sits where, when the caller seats several people (read once, counted on); else read now."""
    heads = heads or HeadCount(session, ws.id)
    rooms = [r for r in heads.rooms(sides, group) if among is None or r.id in among]
    if ag.caucus(ws):
        # A caucus round: the least full room gathering this sector (any room if none does).
        mine = [r for r in rooms if group in (r.sectors or [])] or rooms
        return min(mine, key=lambda r: (r.everyone, r.number)).id
    # Fewest of this side, then a room whose facilitator reads the person's language (where rooms
    # say so: room_languages_set), then fewest people.
    return min(rooms, key=lambda r: (r.side, 1 if r.languages and language not in r.languages else 0,
                                     r.everyone, r.number)).id


_ROOMS_OF = select(Room.id, Room.number, Room.languages, Room.sectors).where(Room.workshop_id == bindparam("w"))
_HEADS_OF = (select(Participant.room_id, Participant.group, func.count())
             .where(Participant.workshop_id == bindparam("w"), Participant.removed_at.is_(None))
             .group_by(Participant.room_id, Participant.group))


@dataclass(frozen=True)
class RoomCount:
    id: int
    number: int
    everyone: int  # present people
    side: int  # present people of the side being seated
    languages: list
    sectors: list | None


class HeadCount:
    """Who sits where, by sector: read in two queries, then counted on as people are seated
    (`seated`), so a batch of joins or a re-seating picks each room from the same numbers a fresh
    read would give, without reading again (a count over every participant of the workshop on
    every join of a connect burst: docs/benchmarks.md, issue 18)."""

    def __init__(self, session: Session, ws_id: str):
        self._rooms = [tuple(r) for r in session.execute(_ROOMS_OF, {"w": ws_id})]
        self._counts: dict[tuple[int, str], int] = {
            (room_id, group): n for room_id, group, n in session.execute(_HEADS_OF, {"w": ws_id})}

    def rooms(self, sides: dict[str, str], group: str) -> list[RoomCount]:
        """Every room with its head-count, and the count of `group`'s side."""
        side = {key for key, s in sides.items() if s == sides.get(group)}
        everyone: dict[int, int] = {}
        same_side: dict[int, int] = {}
        for (room_id, g), n in self._counts.items():
            everyone[room_id] = everyone.get(room_id, 0) + n
            if g in side:
                same_side[room_id] = same_side.get(room_id, 0) + n
        return [RoomCount(rid, number, everyone.get(rid, 0), same_side.get(rid, 0), langs or [], sectors)
                for rid, number, langs, sectors in self._rooms]

    def seated(self, room_id: int, group: str) -> None:
        self._counts[(room_id, group)] = self._counts.get((room_id, group), 0) + 1


class JoinPayload(Payload):
    code: text_field(20)
    # The key of the person's sector (the name `group` is kept for older clients).
    group: str = Field(min_length=1, max_length=rules.MAX_SECTOR_KEY_CHARS)
    language: str = Field(max_length=16)
    name: text_field(rules.MAX_NAME_CHARS, allow_empty=True) | None = None
    anonymous: bool = True
    # A secret the device made; joining again with it returns the same person.
    device_key: str | None = Field(default=None, min_length=32, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")


def join(db: Database, payload: dict) -> tuple[dict, list[NewEvent]]:
    """A phone joins with the code: becomes a participant in a balanced room.

    Joins of one workshop queue for its lock like commands (domain/commands.py, group commit):
    whoever holds it runs every join waiting at that moment in one transaction, each with
    exactly the outcome it would have had alone (a refused one is run again alone, the others
    together: _joins_together). A connect burst of two thousand phones was a write
    transaction per phone (docs/benchmarks.md, issue 18)."""
    try:
        data = JoinPayload.model_validate(payload if isinstance(payload, dict) else {})
    except ValidationError as err:
        raise CommandError("invalid", validation_message(err)) from None
    token = auth.device_token(data.device_key) if data.device_key else auth.new_token()
    ws_id = workshop_by_code(db, data.code)
    job = _JoinJob(data, token)
    waiting = db.command_queue(join_queue(ws_id))
    waiting.append(job)
    with db.workshop_lock(ws_id):
        if not job.done:
            # As in commands.execute: under eventlet or gevent a SQLite transaction never yields,
            # so this pause lets the joins that have arrived queue behind this one.
            time.sleep(0)
        while not job.done and waiting:
            _run_joins(db, ws_id, waiting)
        if not job.done:  # a leader took it and then died (its green thread was killed): run it now
            _joins_together(db, ws_id, [job])
    error, job.error = job.error, None  # the job is in the error's traceback: no reference cycle
    if error is not None:
        raise error
    return job.result


def join_queue(ws_id: str) -> str:
    """The key of a workshop's queue of waiting joins (Database.command_queue; commands use the id)."""
    return f"join:{ws_id}"


# Joins that wait for a workshop's lock run together, at most this many in one transaction.
MAX_JOIN_BATCH = 64


@dataclass
class _JoinJob:
    """One join waiting to run: filled in by whichever caller runs it (itself or the batch's leader)."""
    data: JoinPayload
    token: str
    result: tuple[dict, list[NewEvent]] | None = None
    error: Exception | None = None
    done: bool = False


class _JoinFailed(Exception):
    """Join number `index` of a transaction raised `error` (index None: the lock or the commit did)."""

    def __init__(self, index: int | None, error: Exception):
        super().__init__(index, error)
        self.index = index
        self.error = error


def _run_joins(db: Database, ws_id: str, waiting) -> None:
    jobs: list[_JoinJob] = []
    while len(jobs) < MAX_JOIN_BATCH:
        try:
            jobs.append(waiting.popleft())
        except IndexError:
            break
    if jobs:
        _joins_together(db, ws_id, jobs)


def _joins_together(db: Database, ws_id: str, jobs: list[_JoinJob]) -> None:
    """Run the joins in one transaction; if one raises, nothing of the batch is stored: the ones
    before it run again together, it runs alone (and gets its refusal as if it had been alone),
    and the rest continue the same way. Committed joins are published in order, under the lock."""
    while jobs:
        try:
            results = _join_transaction(db, ws_id, jobs)
        except _JoinFailed as failed:
            if len(jobs) == 1:
                jobs[0].error, jobs[0].done = failed.error, True
                return
            if failed.index is None:  # the lock or the commit failed: each alone says why
                for job in jobs:
                    _joins_together(db, ws_id, [job])
                return
            _joins_together(db, ws_id, jobs[:failed.index])
            _joins_together(db, ws_id, [jobs[failed.index]])
            jobs = jobs[failed.index + 1:]
            continue
        for job, (joined, events) in zip(jobs, results, strict=True):
            job.result, job.done = (joined, events), True
        # Published like a group commit's events: in sequence order, together, under the workshop's lock.
        db.publish(*(Outcome(joined, events) for joined, events in results if events))
        return


def _join_transaction(db: Database, ws_id: str, jobs: list[_JoinJob]) -> list[tuple[dict, list[NewEvent]]]:
    results: list[tuple[dict, list[NewEvent]]] = []
    index: int | None = None
    try:
        with db.transaction() as s:
            ws = lock_open_workshop(s, ws_id)
            start_seq = ws.seq
            events: list[NewEvent] = []
            batch = _JoinBatch(s, ws)
            for index, job in enumerate(jobs):  # noqa: B007  (index names the failed join in _JoinFailed)
                joined, new = _join_one(s, ws, job.data, job.token, batch)
                results.append((joined, new))
                events.extend(new)
            index = None
            store_batch(s, ws, start_seq, events)
    except Exception as err:
        raise _JoinFailed(index, err) from err
    return results


_BY_CODE = select(Workshop.id).where(Workshop.join_code == bindparam("code"))
# Join codes this process has found (code -> workshop id), at most this many kept.
CODES_KEPT = 4096


def workshop_by_code(db: Database, join_code: str) -> str:
    """The id of the workshop a join code names (join, and rejoin with a seat code), or `not_found`.

    A workshop keeps its code and its row for good (erasure blanks the people, never the row), so a
    code once found is kept in this process (Database.join_codes): a connect burst asked the database
    the same question two thousand times (docs/benchmarks.md, issue 18). A code not found is asked
    again every time (another process may have just created it); whether the workshop still takes
    people is checked under its lock (lock_open_workshop)."""
    code = normalise_code(join_code)
    ws_id = db.join_codes.get(code)
    if ws_id is not None:
        return ws_id
    with db.reading() as s:
        ws_id = s.scalar(_BY_CODE, {"code": code})
    if ws_id is None:
        raise CommandError("not_found", "No workshop has this join code. Check the code on the screen.")
    if len(db.join_codes) >= CODES_KEPT:
        db.join_codes.clear()
    db.join_codes[code] = ws_id
    return ws_id


def lock_open_workshop(s, ws_id: str) -> Workshop:
    """Lock a workshop that people may still join or re-join: not closed, not past its retention."""
    ws = lock_workshop(s, ws_id)
    if ws.phase == "closed":
        raise CommandError("closed", "This workshop has ended.")
    check_not_expired(s, ws.id)
    return ws


class _JoinBatch:
    """What every join of one batch reads alike, read once for the batch (the workshop is locked, and
    nothing but these joins changes it meanwhile): the sectors' sides, the open nominations, the
    rooms' head-count (kept up to date as the batch seats people)."""

    def __init__(self, s: Session, ws: Workshop):
        self.session, self.ws = s, ws

    @cached_property
    def sides(self) -> dict[str, str]:
        return sc.sides(self.session, self.ws.id)

    @cached_property
    def heads(self) -> HeadCount:
        return HeadCount(self.session, self.ws.id)

    @cached_property
    def nominations(self) -> Election | None:
        return election.nominating(self.session, self.ws.id)


def _join_one(s: Session, ws: Workshop, data: JoinPayload, token: str,
              batch: _JoinBatch) -> tuple[dict, list[NewEvent]]:
    """One join inside a batch's transaction (the workshop locked): its answer and its events,
    numbered but not yet stored (_join_transaction stores a batch's events in one INSERT)."""
    lang = data.language.lower()
    if lang not in ws.languages:
        # The languages may have changed since the join page read them: `details.languages` has them now.
        raise CommandError("invalid", f"language: this workshop offers {', '.join(ws.languages)}",
                           languages=list(ws.languages))
    if data.device_key and auth.is_token(s, data.device_key):
        # Someone else's link (read off a screen or over a shoulder) used as a device key.
        raise CommandError("unauthorized", "This device key cannot join this workshop.")
    existing = s.scalar(select(Participant).where(Participant.token_hash == auth.token_hash(token)))
    if existing is not None:
        if existing.workshop_id != ws.id or existing.removed_at is not None:
            raise CommandError("unauthorized", "This device key cannot join this workshop.")
        return _joined(existing, token), []
    sides = batch.sides
    if data.group not in sides:
        # The sectors may have changed since the join page read them: `details.sectors` has the keys now.
        raise CommandError("invalid", f"group: {data.group!r} is not a sector of this workshop; "
                           f"its sectors: {', '.join(sides)}", sectors=list(sides))
    heads = batch.heads
    room_id = pick_room(s, ws, data.group, sides, lang, heads=heads)
    p = Participant(workshop_id=ws.id, room_id=room_id, display_name=data.name or None, group=data.group,
                    language=lang, anonymous=data.anonymous if data.name else True,
                    token_hash=auth.token_hash(token))
    s.add(p)
    s.flush()
    heads.seated(room_id, data.group)
    ctx = Context(s, auth.Principal("participant", ws.id, p.id, room_id), ws, utcnow())
    ctx.emit("participant_joined", {"participant": pj.participant_view(p)},
             [aud.room(room_id), ctx.organisers, ctx.display])
    # On their sector's list of names, while nominations are open (read once per batch).
    election.person_arrived(ctx, p, lambda: batch.nominations)
    return _joined(p, token), ctx.numbered()


def _joined(p: Participant, token: str) -> dict:
    return {"token": token, "participant_id": p.id, "workshop_id": p.workshop_id, "room_id": p.room_id}


# -- room steering (facilitator of the room, or organiser) ------------------

class RoomRef(Payload):
    room_id: int | None = None


RoomPhase = Literal[rules.ROOM_PHASES]  # type: ignore[valid-type]


class PhaseChange(RoomRef):
    # The phase the sender saw when it tapped: a second tap of a double tap, or a tap queued
    # offline behind one that already ran, names a phase the room has left and is refused.
    from_phase: RoomPhase
    timer_secs: int | None = Field(default=None, ge=10, le=rules.MAX_TIMER_SECS)


def _check_from(room, from_phase: str, phases: tuple[str, ...]) -> int:
    """The room's phase index in this round's `phases`, once the sender's `from_phase` is the room's phase."""
    if room.phase != from_phase:
        raise CommandError("stale_phase", f"This room has already moved on: it is in {room.phase}, not {from_phase}. "
                           "Nothing was changed.", phase=room.phase)
    return phases.index(room.phase) if room.phase in phases else 0


def _set_phase(ctx: Context, room, phase: str, timer_secs: int | None) -> dict:
    before = room.phase
    room.phase = phase
    # A running countdown is kept: only a new one (timer_secs) or timer_clear replaces it.
    # One that has already run out is not carried into the next phase.
    if timer_secs:
        room.deadline = ctx.now + timedelta(seconds=timer_secs)
    elif room.deadline is not None and room.deadline <= ctx.now:
        room.deadline = None
    revealing = phase == "reveal" and not room.revealed
    if revealing:
        room.revealed = True
    ctx.emit("room_updated", {"room": pj.room_view(room)}, [ctx.everyone])
    if revealing:
        visible = [barrier_payload(ctx, b) for b in ctx.session.scalars(select(Barrier).where(
            Barrier.room_id == room.id, Barrier.withdrawn.is_(False), Barrier.hidden.is_(False)).order_by(Barrier.id))]
        ctx.emit("barriers_revealed", {"room_id": room.id, "barriers": visible}, [aud.room(room.id)])
        # Facilitators screened the brainstorm without names (projection.barrier_view): a hidden
        # post that shows its author's name gets it now, for the facilitators and its author only.
        by_author: dict[int, list[dict]] = {}
        for b in ctx.session.scalars(select(Barrier).where(
                Barrier.room_id == room.id, Barrier.withdrawn.is_(False), Barrier.hidden.is_(True),
                Barrier.anonymous.is_(False)).order_by(Barrier.id)):
            view = barrier_payload(ctx, b)
            if view["author_name"] is not None:
                by_author.setdefault(b.author_id, []).append(view)
        for author_id, views in sorted(by_author.items()):
            ctx.emit("barriers_revealed", {"room_id": room.id, "barriers": views},
                     [aud.facilitators(room.id), aud.participant(author_id)])
    tallies.room_phase_changed(ctx, room, before)  # a vote that closed shows its counts
    ctx.audit("phase", room_id=room.id, phase=phase)
    return {"room": pj.room_view(room)}


@command("phase_advance", roles=("facilitator", "organiser"), schema=PhaseChange)
def phase_advance(ctx: Context, from_phase, room_id=None, timer_secs=None):
    """Facilitator moves their room from `from_phase` to the next phase (revealing the brainstorm on the way); heard by everyone."""
    room = get_room(ctx, room_id)
    phases = ag.room_phases(ctx.workshop)
    i = _check_from(room, from_phase, phases)
    if i + 1 >= len(phases):
        raise CommandError("wrong_phase", f"This room is already at its last phase ({phases[-1]}).",
                           phase=room.phase, allowed=list(phases[:-1]))
    return _set_phase(ctx, room, phases[i + 1], timer_secs)


@command("phase_back", roles=("facilitator", "organiser"), schema=PhaseChange)
def phase_back(ctx: Context, from_phase, room_id=None, timer_secs=None):
    """Facilitator moves their room back one phase from `from_phase` (a reveal is never undone); heard by everyone."""
    room = get_room(ctx, room_id)
    phases = ag.room_phases(ctx.workshop)
    i = _check_from(room, from_phase, phases)
    if i == 0:
        raise CommandError("wrong_phase", "This room is already at its first phase (lobby).",
                           phase=room.phase, allowed=list(phases[1:]))
    return _set_phase(ctx, room, phases[i - 1], timer_secs)


class TimerSet(RoomRef):
    seconds: int = Field(ge=10, le=rules.MAX_TIMER_SECS)


@command("timer_set", roles=("facilitator", "organiser"), schema=TimerSet)
def timer_set(ctx: Context, seconds, room_id=None):
    """Facilitator starts the room's countdown: a UTC deadline `seconds` from now; heard by everyone."""
    room = get_room(ctx, room_id)
    room.deadline = ctx.now + timedelta(seconds=seconds)
    ctx.emit("room_updated", {"room": pj.room_view(room)}, [ctx.everyone])
    return {"room": pj.room_view(room)}


@command("timer_extend", roles=("facilitator", "organiser"), schema=TimerSet)
def timer_extend(ctx: Context, seconds, room_id=None):
    """Facilitator adds time to a running countdown; heard by everyone."""
    room = get_room(ctx, room_id)
    if room.deadline is None or room.deadline <= ctx.now:
        raise CommandError("no_timer", "There is no running timer to extend; start one instead.")
    room.deadline = room.deadline + timedelta(seconds=seconds)
    if room.deadline - ctx.now > timedelta(seconds=rules.MAX_TIMER_SECS):
        raise CommandError("invalid", f"seconds: a timer cannot run longer than {rules.MAX_TIMER_SECS} s")
    ctx.emit("room_updated", {"room": pj.room_view(room)}, [ctx.everyone])
    return {"room": pj.room_view(room)}


@command("timer_clear", roles=("facilitator", "organiser"), schema=RoomRef)
def timer_clear(ctx: Context, room_id=None):
    """Facilitator stops the room's countdown; heard by everyone."""
    room = get_room(ctx, room_id)
    if room.deadline is None:
        raise CommandError("no_timer", "There is no timer to stop.")
    room.deadline = None
    ctx.emit("room_updated", {"room": pj.room_view(room)}, [ctx.everyone])
    return {"room": pj.room_view(room)}


class RoomLanguages(RoomRef):
    languages: list[str] = Field(max_length=len(rules.KNOWN_LANGUAGES))


@command("room_languages_set", roles=("facilitator", "organiser"), schema=RoomLanguages)
def room_languages_set(ctx: Context, languages, room_id=None):
    """Facilitator (own room) or organiser says which of the workshop's languages the room's facilitator reads;
    mixed rooms seat people who read one of them there where sectors and sides allow; heard by everyone."""
    room = get_room(ctx, room_id)
    unknown = [lang for lang in languages if lang not in ctx.workshop.languages]
    if unknown or len(set(languages)) != len(languages):
        raise CommandError("invalid", f"languages: each once, among the workshop's ({', '.join(ctx.workshop.languages)})")
    wanted = [lang for lang in ctx.workshop.languages if lang in languages]
    if wanted == list(room.languages or []):
        raise CommandError("no_change", "These are the room's languages already.")
    room.languages = wanted
    ctx.emit("room_updated", {"room": pj.room_view(room)}, [ctx.everyone])
    ctx.audit("room_languages_set", room_id=room.id, languages=wanted)
    return {"room": pj.room_view(room)}


class HelpCall(Payload):
    message: text_field(rules.MAX_MESSAGE_CHARS, allow_empty=True) = ""


@command("help_call", roles=("facilitator",), schema=HelpCall)
def help_call(ctx: Context, message=""):
    """Facilitator calls the lead facilitator to their room; heard by organisers and that room's facilitators."""
    room = get_room(ctx, None)
    room.help_requested_at = ctx.now
    room.help_message = message or None
    ctx.emit("help_called", {"help": help_view(room)}, [ctx.organisers, aud.facilitators(room.id)])
    return {}


@command("help_clear", roles=("facilitator", "organiser"), schema=RoomRef)
def help_clear(ctx: Context, room_id=None):
    """Organiser (or the facilitator) marks a help call as answered; heard by organisers and the room's facilitators."""
    room = get_room(ctx, room_id)
    if room.help_requested_at is None:
        raise CommandError("no_help_call", "This room has no open help call.")
    room.help_requested_at = None
    room.help_message = None
    ctx.emit("help_cleared", {"room_id": room.id}, [ctx.organisers, aud.facilitators(room.id)])
    return {}


# -- the organiser ---------------------------------------------------------

class WorkshopUpdate(Payload):
    title: text_field(rules.MAX_TITLE_CHARS) | None = None
    date: text_field(40, allow_empty=True) | None = None
    place: text_field(200, allow_empty=True) | None = None
    display_language: str | None = Field(default=None, max_length=16)
    live_tallies: bool | None = None
    # Before the day begins only: the workshop's languages (the first is the projector's) ...
    languages: list[str] | None = Field(default=None, min_length=1, max_length=len(rules.KNOWN_LANGUAGES))
    # ... and, until the first dot is cast, each person's dots.
    vote_budget: int | None = Field(default=None, ge=1, le=rules.MAX_VOTE_BUDGET)


def before_the_day(ctx: Context) -> bool:
    """The day has not begun: its first segment, every room still in the lobby (agenda_set's test too)."""
    return ctx.workshop.segment == 0 and ctx.workshop.phase != "closed" and all(
        r.phase == "lobby" for r in _rooms(ctx))


def _check_new_languages(ctx: Context, languages: list[str]) -> list[str]:
    """The workshop's new languages, or a refusal: before the day only, and none that someone joined with."""
    ws = ctx.workshop
    wanted = check_languages([str(x)[:16] for x in languages])
    if wanted == list(ws.languages):
        return wanted
    if not before_the_day(ctx):
        raise CommandError("wrong_phase", "The workshop's languages are chosen before the day begins (every room "
                           "still in the lobby).", segment=ag.kind(ws))
    if ctx.session.scalar(select(Pulse.id).where(Pulse.workshop_id == ws.id).limit(1)) is not None:
        raise CommandError("wrong_phase", "A trust pulse has been asked in the workshop's languages already: "
                           "they cannot change now.", segment=ag.kind(ws))
    spoken = set(ctx.session.scalars(select(Participant.language).where(
        Participant.workshop_id == ws.id, Participant.removed_at.is_(None)).distinct()))
    dropped = sorted(spoken - set(wanted))
    if dropped:
        raise CommandError("language_in_use", f"People joined reading {', '.join(dropped)}: keep "
                           f"{'it' if len(dropped) == 1 else 'them'} among the workshop's languages.",
                           languages=dropped)
    return wanted


def _sectors_in(ctx: Context, languages: list[str]) -> list[dict]:
    """The workshop's sectors named in `languages`: a new language takes a preset sector's own name there,
    else the name in the workshop's first language (the organiser renames it with sectors_set)."""
    first = ctx.workshop.languages[0]
    named = {key: names for preset in sc.PRESETS.values() for key, _side, names in preset}
    out = []
    for x in sc.sector_views(ctx.session, ctx.workshop.id):
        names = {}
        for lang in languages:
            preset = named.get(x["key"])
            names[lang] = x["names"].get(lang) or (preset.get(lang) if preset else None) or x["names"][first]
        out.append({"key": x["key"], "names": names, "side": x["side"]})
    return sc.check(out, languages, existing=[x["key"] for x in out])


def _change_languages(ctx: Context, languages: list[str], changes: dict) -> None:
    """The languages change: the sectors get names in the new ones, the rooms' facilitators read only the
    workshop's, the prompts keep their wording in the languages that stay."""
    ws = ctx.workshop
    sectors = _sectors_in(ctx, languages)
    ws.languages = list(languages)
    changes["languages"] = list(languages)
    if sectors != sc.sector_views(ctx.session, ws.id):
        store_sectors(ctx.session, ws.id, sectors)
        ctx.emit("sectors_changed", {"sectors": sectors}, [ctx.everyone])
    for room in _rooms(ctx):
        reads = [lang for lang in languages if lang in (room.languages or [])]
        if reads != list(room.languages or []):
            room.languages = reads
            ctx.emit("room_updated", {"room": pj.room_view(room)}, [ctx.everyone])
    prompts = ws.prompts or {}
    kept = {k: {lang: v for lang, v in prompts.get(k, {}).items() if lang in languages} for k in ("strength", "barrier")}
    kept["questions"] = {f: {lang: v for lang, v in t.items() if lang in languages}
                         for f, t in (prompts.get("questions") or {}).items()}
    kept["questions"] = {f: t for f, t in kept["questions"].items() if t}
    kept = {k: v for k, v in kept.items() if v}
    if kept != prompts:
        ws.prompts = kept
        changes["prompts"] = kept


@command("workshop_update", roles=("organiser",), schema=WorkshopUpdate)
def workshop_update(ctx: Context, title=None, date=None, place=None, display_language=None, live_tallies=None,
                    languages=None, vote_budget=None):
    """Organiser edits the title, date, place, the projector's language, live tallies; before the day its
    languages, and until the first dot each person's dots; heard by everyone."""
    ws = ctx.workshop
    langs = _check_new_languages(ctx, languages) if languages is not None else list(ws.languages)
    if display_language is not None and display_language not in langs:
        raise CommandError("invalid", f"display_language: must be one of {', '.join(langs)}")
    if languages is not None and langs != list(ws.languages) and display_language is None:
        display_language = langs[0]  # the first language is the projector's
    if vote_budget is not None and vote_budget != ws.vote_budget and ctx.session.scalar(
            select(Vote.id).where(Vote.workshop_id == ws.id).limit(1)) is not None:
        raise CommandError("votes_cast", "Dots have been cast already: the number of dots each person has "
                           "cannot change now.", vote_budget=ws.vote_budget)
    # Only a field given with a new value is a change; nothing to change (an empty payload too) is no_change.
    changes = {}
    for key, value in (("title", title), ("date", date), ("place", place), ("display_language", display_language)):
        if value is not None and (value or None) != getattr(ws, key):
            changes[key] = value or None  # an empty date or place clears it
    if live_tallies is not None and live_tallies != ws.live_tallies:
        changes["live_tallies"] = live_tallies
    if vote_budget is not None and vote_budget != ws.vote_budget:
        changes["vote_budget"] = vote_budget
    if not changes and langs == list(ws.languages):
        raise CommandError("no_change", "There is nothing to change: give a field with a new value.")
    if langs != list(ws.languages):
        _change_languages(ctx, langs, changes)
    for key, value in changes.items():
        setattr(ws, key, value)
    ctx.emit("workshop_updated", {"workshop": changes}, [ctx.everyone])
    if changes.get("live_tallies"):
        tallies.live_tallies_on(ctx)  # open votes' counts go out now (turning it off: the reducers hide them)
    ctx.audit("workshop_update", fields=sorted(changes))
    return {"workshop": pj.workshop_view(ws)}


class RoomsSet(Payload):
    count: int = Field(ge=1, le=rules.MAX_ROOMS)


@command("rooms_set", roles=("organiser",), schema=RoomsSet)
def rooms_set(ctx: Context, count):
    """Organiser sets how many rooms the day has, before it begins: new rooms get a facilitator link each
    (their tokens in the ack only); the last rooms go, their people seated in the others by the round's
    rule and their facilitator links cut; heard by everyone."""
    ws = ctx.workshop
    rooms = _rooms(ctx)
    if count == len(rooms):
        raise CommandError("no_change", f"The workshop has {count} rooms already.")
    if not before_the_day(ctx):
        raise CommandError("wrong_phase", "Rooms are added or removed before the day begins (every room still in "
                           "the lobby).", segment=ag.kind(ws))
    made, tokens = [], []
    top = max((r.number for r in rooms), default=0)
    for n in range(top + 1, top + 1 + count - len(rooms)):
        room = Room(workshop_id=ws.id, number=n, name=f"Room {n}", sectors=[], languages=[], phase="lobby")
        ctx.session.add(room)
        ctx.session.flush()
        made.append(room)
        token = auth.new_token()
        inv = FacilitatorInvite(workshop_id=ws.id, room_id=room.id, token_hash=auth.token_hash(token))
        ctx.session.add(inv)
        tokens.append({"room_id": room.id, "number": n, "token": token})
    ctx.session.flush()
    for room in made:
        ctx.emit("room_added", {"room": pj.room_view(room), "stats": room_stats(ctx.session, room.id),
                                "vote_progress": tallies.progress(ctx.session, ws, [room.id])[str(room.id)]},
                 [ctx.everyone])
    going = rooms[count:] if count < len(rooms) else []
    if going:
        _remove_rooms(ctx, going, rooms[:count])
    if ag.caucus(ws):
        # A caucus round: the rooms are dealt to the sectors again, and everyone takes their seat.
        _deal_caucus_rooms(ctx)
        seat_everyone(ctx)
    ctx.audit("rooms_set", count=count, added=[r.id for r in made], removed=[r.id for r in going])
    ctx.secrets["facilitators"] = tokens  # the new rooms' links: in this ack only
    return {"rooms": count, "added": [r.id for r in made], "removed": [r.id for r in going]}


def _remove_rooms(ctx: Context, going: list[Room], staying: list[Room]) -> None:
    ws = ctx.workshop
    ids = [r.id for r in going]
    for model in (Barrier, Solution, PlenaryItem, PlanEntry):
        if ctx.session.scalar(select(model.id).where(model.room_id.in_(ids)).limit(1)) is not None:
            raise CommandError("room_in_use", "Something was written in this room already: it cannot be removed.",
                               room_ids=ids)
    people = list(ctx.session.scalars(select(Participant).where(Participant.room_id.in_(ids)).order_by(Participant.id)))
    # Each person takes the seat a join would give them among the rooms that stay (a caucus is seated
    # again by its rule afterwards).
    sides = sc.sides(ctx.session, ws.id)
    by_id = {r.id: r for r in staying}
    heads = HeadCount(ctx.session, ws.id)  # those leaving still count in their old rooms, which are not among these
    for p in people:
        if p.removed_at is None:
            room_id = pick_room(ctx.session, ws, p.group, sides, p.language, among=list(by_id), heads=heads)
            move_person(ctx, p, by_id[room_id], why="seating")
            heads.seated(room_id, p.group)
    for p in people:
        if p.room_id in ids:
            p.room_id = staying[0].id  # someone removed from the day: in no view, their row stays
    ctx.session.flush()
    for inv in ctx.session.scalars(select(FacilitatorInvite).where(FacilitatorInvite.room_id.in_(ids))
                                   .order_by(FacilitatorInvite.id)):
        if inv.revoked_at is None:
            ctx.emit("access_ended", {"reason": ""}, [aud.facilitator_link(inv.id)])
            ctx.disconnect.append(aud.facilitator_link(inv.id))
    ctx.session.execute(delete(FacilitatorInvite).where(FacilitatorInvite.room_id.in_(ids)))
    ctx.session.execute(delete(KeptLink).where(KeptLink.room_id.in_(ids)))
    for room in going:
        ctx.session.delete(room)
        ctx.emit("room_removed", {"room_id": room.id}, [ctx.everyone])
    ctx.session.flush()


class SectorsSet(Payload):
    sectors: list[SectorIn] | None = None
    preset: Literal[rules.SECTOR_PRESETS] | None = None  # type: ignore[valid-type]


@command("sectors_set", roles=("organiser",), schema=SectorsSet)
def sectors_set(ctx: Context, sectors=None, preset=None):
    """Organiser replaces the workshop's sectors or puts a preset's in their place; heard by everyone.

    Sectors may be renamed, reordered and added; one that someone joined with stays, on its side."""
    ws = ctx.workshop
    if (sectors is None) == (preset is None):
        raise CommandError("invalid", f"sectors: give the sectors, or a preset ({', '.join(rules.SECTOR_PRESETS)}), "
                           "one of the two")
    before = sc.sector_views(ctx.session, ws.id)
    old = {x["key"]: x for x in before}
    if preset is not None:
        # A preset sector with the key of one the workshop has takes its place (law_enforcement in both).
        wanted = sc.check(sc.preset(preset, ws.languages), list(ws.languages))
    else:
        unknown = sorted({x["key"] for x in sectors if x["key"] and x["key"] not in old})
        if unknown:
            # A kept sector names its key; a new one has none (its key is made from its name).
            raise CommandError("not_found", f"There is no sector {unknown[0]!r} in this workshop; leave out the key "
                               "of a new sector.", keys=unknown)
        wanted = sc.check(sectors, list(ws.languages), existing=old)
    in_use = sc.keys_in_use(ctx.session, ws.id)
    kept = {x["key"]: x for x in wanted}
    removed = sorted(k for k in old if k not in kept and k in in_use)
    if removed:
        raise CommandError("sector_in_use", "People joined with this sector: it cannot be removed (rename it "
                           "instead).", keys=removed)
    moved = sorted(k for k in old if k in kept and k in in_use and kept[k]["side"] != old[k]["side"])
    if moved:
        raise CommandError("sector_in_use", "People joined with this sector: its side cannot change (the rooms "
                           "were balanced and the council seated by it).", keys=moved)
    if wanted == before:
        raise CommandError("no_change", "These are the workshop's sectors already.")
    store_sectors(ctx.session, ws.id, wanted)
    ctx.emit("sectors_changed", {"sectors": wanted}, [ctx.everyone])
    ctx.audit("sectors_set", keys=[x["key"] for x in wanted])
    return {"sectors": wanted}


def _set_workshop_phase(ctx: Context, step: int) -> dict:
    """Move the day one segment along its agenda, and do what entering that segment does (docs/agenda.md)."""
    ws = ctx.workshop
    i = ws.segment + step
    if not 0 <= i < len(ws.agenda):
        raise CommandError("wrong_phase", f"The workshop is already at its {'last' if step > 0 else 'first'} segment.",
                           phase=ws.phase, segment=ws.segment)
    was_open = tallies.hidden(ws, "plenary")
    before_round = ag.round_index(ws)
    ws.segment, ws.phase = i, rules.SEGMENT_PHASE[ws.agenda[i]]
    entering = ws.agenda[i]
    changes = {"phase": ws.phase, "segment": ws.segment}
    if "closed" in (ws.phase, rules.SEGMENT_PHASE[ws.agenda[i - step]]):
        changes["progress_token"] = pj.closing_token(ws)  # the closing card's links come and go with `closed`
    if entering == "prioritise" and ws.plenary_vote_closed:
        ws.plenary_vote_closed = False  # its dots open again
        changes["plenary_vote_closed"] = False
    ctx.emit("workshop_updated", {"workshop": changes}, [ctx.everyone])
    if was_open and not tallies.hidden(ws, "plenary"):
        tallies.show_plenary(ctx)  # leaving the prioritisation closes its dots
    if ag.round_index(ws) != before_round:
        _enter_round(ctx, forward=step > 0)
    if entering == "prioritise" and step > 0 and ag.caucus(ws):
        _caucus_barriers_to_plenary(ctx)
    if entering == "solution_round" and step > 0:
        _drafts_for_priorities(ctx)
    ctx.audit("workshop_phase", phase=ws.phase, segment=ws.segment, kind=entering)
    return {"phase": ws.phase, "segment": ws.segment}


def _rooms(ctx: Context) -> list[Room]:
    return list(ctx.session.scalars(select(Room).where(Room.workshop_id == ctx.workshop.id).order_by(Room.number)))


def _enter_round(ctx: Context, forward: bool) -> None:
    """A new round of rooms: the rooms start it (going back: stand at its end) and take the round's
    shape; then everyone is seated by the round's rule."""
    phases = ag.room_phases(ctx.workshop)
    # Going forward into a caucus round deals the rooms to the sectors by their numbers; a room keeps
    # its sectors after the caucus, so going back seats the caucus as it was.
    dealt = _caucus_shape(ctx) if ag.caucus(ctx.workshop) and forward else {}
    for room in _rooms(ctx):
        sectors = dealt.get(room.id, list(room.sectors or []))
        # Forward, the rooms start the round; back, they are where the round ended when the day left it.
        phase = phases[0] if forward else phases[-1]
        if (phase, sectors) == (room.phase, room.sectors or []) and room.deadline is None:
            continue
        room.phase, room.sectors, room.deadline = phase, sectors, None
        ctx.emit("room_updated", {"room": pj.room_view(room)}, [ctx.everyone])
    seat_everyone(ctx)


def _caucus_shape(ctx: Context) -> dict[int, list[str]]:
    """The sectors each room gathers now, from how many people each sector has."""
    counts = dict(ctx.session.execute(select(Participant.group, func.count()).where(
        Participant.workshop_id == ctx.workshop.id, Participant.removed_at.is_(None)).group_by(Participant.group)).all())
    sizes = [(x["key"], counts.get(x["key"], 0)) for x in sc.sector_views(ctx.session, ctx.workshop.id)]
    return seating.caucus_rooms([r.id for r in _rooms(ctx)], sizes)


def seat_everyone(ctx: Context) -> int:
    """Seat every present person where the current round's rule puts them; returns how many moved."""
    people = list(ctx.session.scalars(select(Participant).where(
        Participant.workshop_id == ctx.workshop.id, Participant.removed_at.is_(None)).order_by(Participant.id)))
    rooms = _rooms(ctx)
    if ag.caucus(ctx.workshop):
        target = seating.seat_caucus([(p.id, p.group) for p in people], {r.id: list(r.sectors or []) for r in rooms})
    else:
        sides = sc.sides(ctx.session, ctx.workshop.id)
        target = seating.seat_mixed([(p.id, p.group, sides.get(p.group, "other"), p.language) for p in people],
                                    [r.id for r in rooms], {r.id: list(r.languages or []) for r in rooms})
    by_id = {r.id: r for r in rooms}
    moved = 0
    for p in people:
        if target[p.id] != p.room_id:
            move_person(ctx, p, by_id[target[p.id]], why="seating")
            moved += 1
    return moved


def _caucus_barriers_to_plenary(ctx: Context) -> None:
    """Every caucus room's barriers (not strengths) come to the one board to be prioritised."""
    ws = ctx.workshop
    on_board = set(ctx.session.scalars(select(PlenaryItem.barrier_id).where(PlenaryItem.workshop_id == ws.id)))
    rooms = {r.id: r.number for r in _rooms(ctx)}
    barriers = ctx.session.scalars(select(Barrier).where(
        Barrier.workshop_id == ws.id, Barrier.kind == "barrier", Barrier.withdrawn.is_(False),
        Barrier.hidden.is_(False), Barrier.merged_into_id.is_(None)).order_by(Barrier.id))
    items = [PlenaryItem(workshop_id=ws.id, room_id=b.room_id, barrier_id=b.id, text=b.text, room_votes=0,
                         solutions=[], created_at=ctx.now)
             for b in sorted(barriers, key=lambda b: (rooms[b.room_id], b.id)) if b.id not in on_board]
    ctx.session.add_all(items)
    ctx.session.flush()
    for item in items:
        ctx.emit("plenary_item_added", {"item": pj.plenary_view(item, 0)}, [ctx.everyone])


def _drafts_for_priorities(ctx: Context) -> None:
    """Each confirmed priority without a draft gets one, dealt to the rooms in rank order."""
    ws = ctx.workshop
    rooms = _rooms(ctx)
    planned = set(ctx.session.scalars(select(PlanEntry.plenary_item_id).where(PlanEntry.workshop_id == ws.id)))
    priorities = [i for i in ctx.session.scalars(select(PlenaryItem).where(
        PlenaryItem.workshop_id == ws.id, PlenaryItem.priority.is_not(None)).order_by(PlenaryItem.priority))
        if i.id not in planned]
    position = ctx.session.scalar(select(func.max(PlanEntry.position)).where(PlanEntry.workshop_id == ws.id)) or 0
    for k, item in enumerate(priorities):
        fields = {name: "" for name in rules.PLAN_FIELDS}
        fields.update(title=item.text, status="proposed")
        entry = PlanEntry(workshop_id=ws.id, plenary_item_id=item.id, room_id=rooms[k % len(rooms)].id,
                          fields=fields, versions={name: 1 for name in rules.PLAN_FIELDS},
                          position=position + k + 1, created_at=ctx.now)
        ctx.session.add(entry)
        ctx.session.flush()
        ctx.emit("plan_entry_created", {"entry": pj.plan_view(entry)}, [ctx.everyone])


@command("workshop_advance", roles=("organiser",))
def workshop_advance(ctx: Context):
    """Organiser moves the whole workshop on: breakouts, plenary, action plan, closed; heard by everyone."""
    return _set_workshop_phase(ctx, 1)


@command("workshop_back", roles=("organiser",))
def workshop_back(ctx: Context):
    """Organiser moves the whole workshop back one phase (not once its personal data is erased); heard by everyone."""
    refuse_if_purged(ctx.session, ctx.workshop.id, "be reopened")
    return _set_workshop_phase(ctx, -1)


class PauseMessage(Payload):
    message: text_field(rules.MAX_MESSAGE_CHARS, allow_empty=True) = ""


@command("workshop_pause", roles=("organiser",), schema=PauseMessage)
def workshop_pause(ctx: Context, message=""):
    """Organiser pauses every phone with a message (participants' commands are refused); heard by everyone."""
    if ctx.workshop.paused:
        raise CommandError("already_paused", "The workshop is already paused.")
    ctx.workshop.paused = True
    ctx.workshop.pause_message = message or None
    ctx.emit("workshop_updated", {"workshop": {"paused": True, "pause_message": message or None}}, [ctx.everyone])
    ctx.audit("pause", message=message)
    return {}


@command("workshop_resume", roles=("organiser",))
def workshop_resume(ctx: Context):
    """Organiser lifts the pause; heard by everyone."""
    if not ctx.workshop.paused:
        raise CommandError("not_paused", "The workshop is not paused.")
    ctx.workshop.paused = False
    ctx.workshop.pause_message = None
    ctx.emit("workshop_updated", {"workshop": {"paused": False, "pause_message": None}}, [ctx.everyone])
    ctx.audit("resume")
    return {}


class MovePayload(Payload):
    participant_id: int
    room_id: int


@command("participant_move", roles=("organiser",), schema=MovePayload)
def participant_move(ctx: Context, participant_id, room_id):
    """Organiser moves a participant to another room; heard by both rooms, organisers, the projector and the person."""
    p = ctx.session.get(Participant, participant_id)
    if p is None or p.workshop_id != ctx.workshop.id or p.removed_at is not None:
        raise CommandError("not_found", "There is no such participant.")
    room = get_room(ctx, room_id)
    if p.room_id == room.id:
        raise CommandError("no_change", "This participant is already in that room.")
    returned = move_person(ctx, p, room)
    return {"participant": pj.participant_view(p), "returned_votes": returned}


def move_person(ctx: Context, p: Participant, room: Room, why: str = "move") -> int:
    """Seat `p` in `room` and tell everyone concerned; returns the dots given back."""
    old = p.room_id
    # Budgets count a person's dots across the workshop and a dot can be taken back only in
    # one's own room: the old room's dots come back now, or they could never be spent again.
    returned = return_room_dots(ctx, p.id, old)
    p.room_id = room.id
    ctx.session.flush()
    ctx.emit("participant_moved", {"participant": pj.participant_view(p), "from_room_id": old},
             [aud.room(old), aud.room(room.id), ctx.organisers, ctx.display])
    # The person's own screen gets its new room's content in one event.
    view = room_content(ctx.session, auth.Principal("participant", ctx.workshop.id, p.id, room.id))
    ctx.emit("room_changed", {"room_id": room.id, "participants": view["participants"],
                              "barriers": view["barriers"], "solutions": view["solutions"],
                              "vote_progress": view["vote_progress"]}, [aud.participant(p.id)])
    ctx.audit(why, participant_id=p.id, from_room=old, to_room=room.id, returned_votes=returned)
    return returned


# -- the agenda (docs/agenda.md) -------------------------------------------------

class AgendaSet(Payload):
    agenda: list[Literal[rules.SEGMENT_KINDS]] | None = Field(default=None, max_length=rules.MAX_SEGMENTS)  # type: ignore[valid-type]
    preset: Literal[tuple(rules.AGENDA_PRESETS)] | None = None  # type: ignore[valid-type]


@command("agenda_set", roles=("organiser",), schema=AgendaSet)
def agenda_set(ctx: Context, agenda=None, preset=None):
    """Organiser sets the day's segments, or a preset's; the segments reached so far stay; heard by everyone."""
    ws = ctx.workshop
    if (agenda is None) == (preset is None):
        raise CommandError("invalid", f"agenda: give the segments, or a preset ({', '.join(rules.AGENDA_PRESETS)}), "
                           "one of the two")
    wanted = ag.check(list(agenda) if agenda is not None else ag.preset(preset))
    # Before the day begins (its first round, every room still in the lobby) the first segment may change too.
    before_start = ws.segment == 0 and all(r.phase == "lobby" for r in _rooms(ctx))
    kept = 0 if before_start else ws.segment + 1
    if wanted[:kept] != list(ws.agenda[:kept]):
        raise CommandError("agenda_locked", "The day has already been through these segments: keep them as they were "
                           f"({', '.join(ws.agenda[:ws.segment + 1])}) and change only what comes next.",
                           reached=list(ws.agenda[:ws.segment + 1]))
    if wanted == list(ws.agenda):
        raise CommandError("no_change", "This is the workshop's agenda already.")
    first_round = ag.round_kind(ws)
    ws.agenda = wanted
    ctx.emit("agenda_changed", {"agenda": wanted}, [ctx.everyone])
    if ag.round_kind(ws) != first_round:
        # The day opens with another kind of round now: the rooms take its shape and people their seats.
        _enter_round(ctx, forward=True)
    ctx.audit("agenda_set", agenda=wanted)
    return {"agenda": wanted}


def _deal_caucus_rooms(ctx: Context) -> None:
    """Deal the rooms to the sectors again by their numbers (a caucus round); each room whose sectors change
    is heard as `room_updated`."""
    dealt = _caucus_shape(ctx)
    for room in _rooms(ctx):
        if dealt[room.id] != (room.sectors or []):
            room.sectors = dealt[room.id]
            ctx.emit("room_updated", {"room": pj.room_view(room)}, [ctx.everyone])


@command("rooms_form", roles=("organiser",))
def rooms_form(ctx: Context):
    """Organiser seats everyone again by the current round's rule (caucus: by sector; else mixed); heard as moves are."""
    ws = ctx.workshop
    if ag.kind(ws) not in ag.ROUNDS:
        raise CommandError("wrong_phase", "Rooms are formed during a round of rooms (breakout, caucus, solution_round).",
                           segment=ag.kind(ws))
    if ag.caucus(ws):
        _deal_caucus_rooms(ctx)
    moved = seat_everyone(ctx)
    if not moved and not ctx.events:
        raise CommandError("no_change", "Everyone already sits where the rooms' rule puts them.")
    ctx.audit("rooms_form", moved=moved)
    return {"moved": moved}


@command("plenary_vote_close", roles=("organiser",))
def plenary_vote_close(ctx: Context):
    """Organiser closes the dots of the prioritisation: the counts show on every screen; heard by everyone."""
    ws = ctx.workshop
    if ag.kind(ws) != "prioritise":
        raise CommandError("wrong_phase", "The dots are closed during the prioritisation.", segment=ag.kind(ws))
    if ws.plenary_vote_closed:
        raise CommandError("already_closed", "The dots are already closed.")
    was_hidden = tallies.hidden(ws, "plenary")
    ws.plenary_vote_closed = True
    ctx.emit("workshop_updated", {"workshop": {"plenary_vote_closed": True}}, [ctx.everyone])
    if was_hidden:
        tallies.show_plenary(ctx)
    ctx.audit("plenary_vote_close")
    return {}


class PrioritiesConfirm(Payload):
    item_ids: list[int] = Field(min_length=1, max_length=rules.MAX_PRIORITIES)


@command("priorities_confirm", roles=("organiser",), schema=PrioritiesConfirm)
def priorities_confirm(ctx: Context, item_ids):
    """Organiser confirms the day's priorities, ranked (the first is 1), once the dots are closed; heard by everyone."""
    ws = ctx.workshop
    if ag.kind(ws) != "prioritise":
        raise CommandError("wrong_phase", "Priorities are confirmed during the prioritisation.", segment=ag.kind(ws))
    if not ws.plenary_vote_closed:
        raise CommandError("vote_open", "Close the dots first, so that everyone sees the results you confirm.")
    if len(set(item_ids)) != len(item_ids):
        raise CommandError("invalid", "item_ids: each item may appear only once")
    items = {i.id: i for i in ctx.session.scalars(select(PlenaryItem).where(PlenaryItem.workshop_id == ws.id))}
    for item_id in item_ids:
        if item_id not in items:
            raise CommandError("not_found", f"There is no plenary item {item_id}.", item_id=item_id)
        if items[item_id].merged_into_id is not None:
            raise CommandError("merged", "This item was merged into another; confirm the merged item.",
                               item_id=item_id)
    ranks = {item_id: k + 1 for k, item_id in enumerate(item_ids)}
    if all(items[i].priority == ranks.get(i) for i in items):
        raise CommandError("no_change", "These are the confirmed priorities already.")
    for i, item in items.items():
        item.priority = ranks.get(i)
    ctx.emit("priorities_set", {"priorities": {str(i): r for i, r in ranks.items()}}, [ctx.everyone])
    ctx.audit("priorities_confirm", item_ids=list(item_ids))
    return {"priorities": {str(i): r for i, r in ranks.items()}}


PromptTexts = dict[str, text_field(rules.MAX_PROMPT_CHARS, allow_empty=True)]


class Prompts(Payload):
    strength: PromptTexts = Field(default_factory=dict)
    barrier: PromptTexts = Field(default_factory=dict)
    questions: dict[Literal[rules.GUIDING_FIELDS], PromptTexts] = Field(default_factory=dict)  # type: ignore[valid-type]


class PromptsSet(Payload):
    prompts: Prompts


@command("prompts_set", roles=("organiser",), schema=PromptsSet)
def prompts_set(ctx: Context, prompts):
    """Organiser words the caucus prompts and the guiding questions in the workshop's languages (an empty text:
    the catalogue's wording); heard by everyone."""
    ws = ctx.workshop
    given = prompts if isinstance(prompts, dict) else prompts.model_dump()
    texts = [("strength", given.get("strength") or {}), ("barrier", given.get("barrier") or {})]
    texts += [(f"questions.{f}", t) for f, t in (given.get("questions") or {}).items()]
    for where, by_lang in texts:
        for lang in by_lang:
            if lang not in ws.languages:
                raise CommandError("invalid", f"prompts.{where}.{lang}: this workshop's languages are "
                                   f"{', '.join(ws.languages)}")
    clean = {"strength": {k: v for k, v in (given.get("strength") or {}).items() if v},
             "barrier": {k: v for k, v in (given.get("barrier") or {}).items() if v},
             "questions": {f: {k: v for k, v in t.items() if v} for f, t in (given.get("questions") or {}).items()}}
    clean["questions"] = {f: t for f, t in clean["questions"].items() if t}
    clean = {k: v for k, v in clean.items() if v}
    if clean == (ws.prompts or {}):
        raise CommandError("no_change", "These are the workshop's prompts already.")
    ws.prompts = clean
    ctx.emit("workshop_updated", {"workshop": {"prompts": clean}}, [ctx.everyone])
    ctx.audit("prompts_set")
    return {"prompts": clean}
