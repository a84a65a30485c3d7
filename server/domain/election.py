"""The council chosen by its sectors (docs/council-election.md), in the agenda's `council` segment.

The organiser sets the seats per sector and opens the nominations (`election_open`); each sector's
people stand or nominate someone of their own sector, who accepts on their phone
(`election_nominate`, `election_nomination_answer`); the organiser opens the ballot
(`election_ballot_open`), each person votes secretly for candidates of their own sector
(`election_vote`), and closing the ballot (`election_close`) makes the elected council members. A
tie for a last seat: a second ballot between the tied (`election_runoff`), or the organiser appoints
(`council_role_set`, as before). The members then elect the two co-chairs the same way
(`election_open {kind: co_chairs}`).

A ballot is kept only as counts per candidate, made at 0 when the ballot opens; who voted is kept
apart; the event log, the idempotency record and the audit trail never hold whom anyone voted for.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import Field
from sqlalchemy import select

from ..models import CouncilVolunteer, Election, ElectionCandidate, ElectionTally, ElectionVoter, Participant
from . import agenda, common, rules
from . import audiences as aud
from . import projection as pj
from . import sectors as sc
from .commands import Context
from .council import council_role
from .election_results import (
    candidate_view,
    count,
    election_view,
    nominating,
    nomination_view,
    person_view,
    sector_members,
    sector_people,
    voted,
)
from .errors import CommandError
from .registry import Payload, command


def _in_council_segment(ctx: Context, doing: str) -> None:
    ws = ctx.workshop
    if agenda.kind(ws) != "council":
        raise CommandError("wrong_phase", f"The council is elected in the council segment of the day: {doing} then.",
                           phase=ws.phase, segment=agenda.kind(ws))


def _election(ctx: Context, election_id: int) -> Election:
    e = ctx.session.get(Election, election_id)
    if e is None or e.workshop_id != ctx.workshop.id:
        raise CommandError("not_found", "There is no such election.")
    return e


def _stage(e: Election, stage: str, message: str) -> None:
    if e.status != stage:
        raise CommandError("wrong_stage", message, stage=e.status)


def _side(ctx: Context, p: Participant) -> str:
    """The co-chair seat a member may stand for: law enforcement's, or the community's (every other sector)."""
    return "law_enforcement" if sc.side_of(ctx.session, ctx.workshop.id, p.group) == "law_enforcement" \
        else "community"


def _present(ctx: Context, participant_id: int) -> Participant:
    p = common.get_participant(ctx, participant_id)
    if p.removed_at is not None:
        raise CommandError("not_found", "This person was removed from the workshop.", participant_id=participant_id)
    return p


def _changed(ctx: Context, e: Election) -> dict:
    ctx.session.flush()
    view = election_view(ctx.session, e)
    ctx.emit("election_changed", {"election": view}, [ctx.everyone])
    return view


def _volunteer(ctx: Context, p: Participant) -> CouncilVolunteer:
    """Standing for the council is volunteering for it: the organiser can seat a candidate as before
    (council_role_set) and the organisers' list of volunteers shows them."""
    v = ctx.session.scalar(select(CouncilVolunteer).where(CouncilVolunteer.participant_id == p.id))
    if v is None:
        v = CouncilVolunteer(workshop_id=ctx.workshop.id, participant_id=p.id, created_at=ctx.now, consent=False)
        ctx.session.add(v)
        ctx.session.flush()
        ctx.emit("council_volunteered", {"volunteer": pj.volunteer_view(p, None, False, v.role)},
                 [ctx.organisers, aud.participant(p.id)])
    return v


def _seat(ctx: Context, p: Participant, role: str) -> None:
    """Give someone a council role, as council_role_set does (heard by everyone)."""
    v = _volunteer(ctx, p)
    if v.role == role:
        return
    v.role = role
    ctx.emit("council_role_set", {"participant_id": p.id, "role": role, "member": pj.council_member_view(p, role)},
             [ctx.everyone])
    # The same audit line as council_role_set: the report's timeline and the archive read it alike.
    ctx.audit("council_role", participant_id=p.id, role=role, elected=True)


# -- whom a sector's people may nominate (whatever their room) -----------------------------

def _sector_audience(ctx: Context, group: str, but: int | None = None) -> list[str]:
    """The phones of a sector's present people: what the sector's list of names goes to, and nobody else."""
    return [aud.participant(p.id) for p in sector_members(ctx.session, ctx.workshop.id, group) if p.id != but]


def _tell_sectors(ctx: Context, e: Election) -> None:
    """Each seated sector's people get the list of their sector's named people (nominations open),
    or an empty one (nominations closed): `sector_people`, to that sector's phones only."""
    ctx.session.flush()
    for group in e.seats:
        audience = _sector_audience(ctx, group)
        if audience:
            ctx.emit("sector_people", {"people": sector_people(ctx.session, ctx.workshop.id, group)}, audience)


def person_arrived(ctx: Context, p: Participant, open_election: Callable[[], Election | None] | None = None) -> None:
    """A named person joined while the sectors' nominations are open: their sector's others hear them.
    `open_election` gives the open nominations (a batch of joins reads them once); by default they are read."""
    _tell_sector(ctx, p, person_view(p), open_election)


def person_left(ctx: Context, p: Participant) -> None:
    """A named person was removed while the sectors' nominations are open: off their sector's lists."""
    _tell_sector(ctx, p, None)


def _tell_sector(ctx: Context, p: Participant, person: dict | None,
                 open_election: Callable[[], Election | None] | None = None) -> None:
    """`sector_person` to the others of p's sector, only while a sectors election takes nominations with a
    seat for it, and only for a person with a name (the nameless are never listed: nothing is read for them)."""
    if not p.display_name:
        return
    e = open_election() if open_election is not None else nominating(ctx.session, ctx.workshop.id)
    if e is None or p.group not in e.seats:
        return
    audience = _sector_audience(ctx, p.group, but=p.id)
    if audience:
        ctx.emit("sector_person", {"participant_id": p.id, "person": person}, audience)


# -- the organiser -------------------------------------------------------------------

class ElectionOpen(Payload):
    kind: Literal[rules.ELECTION_KINDS] = "sectors"  # type: ignore[valid-type]
    seats: dict[str, int] | None = None


@command("election_open", roles=("organiser",), schema=ElectionOpen)
def election_open(ctx: Context, kind="sectors", seats=None):
    """Organiser opens the nominations: the sectors' seats (default 1 each; 0 for none), or the co-chairs' (one per side whose seat is empty, elected by the members); heard by everyone."""
    _in_council_segment(ctx, "open the nominations")
    ws = ctx.workshop
    existing = ctx.session.scalar(select(Election).where(Election.workshop_id == ws.id, Election.kind == kind,
                                                         Election.runoff_of.is_(None)))
    if existing is not None:
        raise CommandError("election_exists", "This election has been opened already.", election_id=existing.id,
                           stage=existing.status)
    if kind == "sectors":
        keys = list(sc.sides(ctx.session, ws.id))
        unknown = sorted(set(seats or {}) - set(keys))
        if unknown:
            raise CommandError("invalid", f"seats: {unknown[0]!r} is not a sector of this workshop")
        if any(not 0 <= n <= rules.MAX_SECTOR_SEATS for n in (seats or {}).values()):
            raise CommandError("invalid", f"seats: 0 to {rules.MAX_SECTOR_SEATS} per sector")
        given = {k: (seats or {}).get(k, rules.DEFAULT_SECTOR_SEATS) for k in keys}
        table = {k: n for k, n in given.items() if n > 0}
        if not table:
            raise CommandError("invalid", "seats: at least one sector has a seat")
    else:
        if seats is not None:
            raise CommandError("invalid", "seats: the co-chairs are one per side")
        table = {side: 1 for side in rules.CO_CHAIR_SIDES if not ctx.session.scalar(select(CouncilVolunteer.id).where(
            CouncilVolunteer.workshop_id == ws.id, CouncilVolunteer.role == f"co_chair_{side}"))}
        if not table:
            raise CommandError("no_change", "Both co-chairs are seated already.")
    e = Election(workshop_id=ws.id, kind=kind, round=1, status="nominating", seats=table, opened_at=ctx.now)
    ctx.session.add(e)
    view = _changed(ctx, e)
    if kind == "sectors":
        _tell_sectors(ctx, e)
    ctx.audit("election_open", election_id=e.id, kind=kind, seats=table)
    return {"election": view}


class ElectionRef(Payload):
    election_id: int


def _tallies_at_zero(ctx: Context, e: Election) -> None:
    # Every count exists, at 0, before anyone votes: a vote only adds 1 to a row, so the order in
    # which rows were made says nothing about who voted for whom.
    ctx.session.add_all([ElectionTally(election_id=e.id, candidate_id=cid, count=0) for cid in ctx.session.scalars(
        select(ElectionCandidate.id).where(ElectionCandidate.election_id == e.id,
                                           ElectionCandidate.status == "accepted").order_by(ElectionCandidate.id))])


@command("election_ballot_open", roles=("organiser",), schema=ElectionRef)
def election_ballot_open(ctx: Context, election_id):
    """Organiser closes the nominations and opens the secret ballot on the candidates who accepted; heard by everyone."""
    e = _election(ctx, election_id)
    _in_council_segment(ctx, "open the ballot")
    _stage(e, "nominating", "The ballot can be opened only while nominations are open.")
    if not ctx.session.scalar(select(ElectionCandidate.id).where(ElectionCandidate.election_id == e.id,
                                                                 ElectionCandidate.status == "accepted")):
        raise CommandError("no_candidates", "Nobody stands yet: the ballot needs at least one candidate.")
    e.status = "voting"
    _tallies_at_zero(ctx, e)
    view = _changed(ctx, e)
    if e.kind == "sectors":
        _tell_sectors(ctx, e)  # nominations closed: the lists of names go
    ctx.audit("election_ballot_open", election_id=e.id)
    return {"election": view}


@command("election_close", roles=("organiser",), schema=ElectionRef)
def election_close(ctx: Context, election_id):
    """Organiser closes the ballot: who is elected in each constituency (never the counts) goes to everyone, and the elected take their seats on the council (council_role_set)."""
    e = _election(ctx, election_id)
    _stage(e, "voting", "Only an open ballot can be closed.")
    e.results = count(ctx.session, e)
    e.status = "closed"
    e.closed_at = ctx.now
    view = _changed(ctx, e)
    for constituency, result in e.results.items():
        for pid in result["elected"]:
            p = ctx.session.get(Participant, pid)
            if p.removed_at is not None:
                continue
            if e.kind == "sectors":
                if council_role(ctx.session, pid) is None:
                    _seat(ctx, p, "member")
            elif council_role(ctx.session, pid) is not None:  # still a member
                seat = f"co_chair_{constituency}"
                for holder in ctx.session.scalars(select(CouncilVolunteer).where(
                        CouncilVolunteer.workshop_id == ctx.workshop.id, CouncilVolunteer.role == seat,
                        CouncilVolunteer.participant_id != pid)):
                    _seat(ctx, ctx.session.get(Participant, holder.participant_id), "member")
                _seat(ctx, p, seat)
    ctx.audit("election_close", election_id=e.id,
              elected=sum(len(r["elected"]) for r in e.results.values()),
              tied=sorted(c for c, r in e.results.items() if r["tied"]))
    return {"election": view}


@command("election_runoff", roles=("organiser",), schema=ElectionRef)
def election_runoff(ctx: Context, election_id):
    """Organiser runs a second ballot between the candidates tied for a last seat, at once open for votes (the sectors with a tie vote again); heard by everyone."""
    e = _election(ctx, election_id)
    _in_council_segment(ctx, "run a second ballot")
    _stage(e, "closed", "A second ballot follows a closed ballot.")
    later = ctx.session.scalar(select(Election.id).where(Election.runoff_of == e.id))
    if later is not None:
        raise CommandError("election_exists", "A second ballot has been run already.", election_id=later,
                           stage=ctx.session.get(Election, later).status)
    tied = {c: r for c, r in (e.results or {}).items() if r["tied"]}
    if not tied:
        raise CommandError("no_tie", "No seat is tied: there is nothing to vote on again.")
    second = Election(workshop_id=ctx.workshop.id, kind=e.kind, round=e.round + 1, runoff_of=e.id, status="voting",
                      seats={c: r["open_seats"] for c, r in tied.items()}, opened_at=ctx.now)
    ctx.session.add(second)
    ctx.session.flush()
    ctx.session.add_all([ElectionCandidate(election_id=second.id, participant_id=pid, constituency=c,
                                           status="accepted") for c, r in tied.items() for pid in r["tied"]])
    ctx.session.flush()
    _tallies_at_zero(ctx, second)
    view = _changed(ctx, second)
    ctx.audit("election_runoff", election_id=second.id, runoff_of=e.id)
    return {"election": view}


# -- the participants -------------------------------------------------------------------

class Nominate(ElectionRef):
    participant_id: int


def _constituency(ctx: Context, e: Election, me: Participant, nominee: Participant) -> str:
    """Where the nominee would stand; refused when the nominator may not put them there."""
    if e.kind == "sectors":
        if me.group not in e.seats:
            raise CommandError("not_voter", "Your sector has no seat in this election.", group=me.group)
        if nominee.group != me.group:
            raise CommandError("other_sector", "You can nominate only someone of your own sector.",
                               group=nominee.group)
        return me.group
    if council_role(ctx.session, me.id) is None:
        raise CommandError("not_member", "The council's members choose the co-chairs.", participant_id=me.id)
    if council_role(ctx.session, nominee.id) is None:
        raise CommandError("not_member", "Only a council member can be a co-chair.", participant_id=nominee.id)
    side = _side(ctx, nominee)
    if side not in e.seats:
        raise CommandError("no_seat", "That side's co-chair is not elected in this ballot.", group=nominee.group)
    return side


@command("election_nominate", roles=("participant",), schema=Nominate)
def election_nominate(ctx: Context, election_id, participant_id):
    """Participant stands (their own id: on the ballot at once) or nominates someone of their own sector (the co-chairs: a member), who must accept on their phone; a candidate is heard by everyone, a nomination only by the nominee."""
    e = _election(ctx, election_id)
    _in_council_segment(ctx, "nominate")
    _stage(e, "nominating", "Nominations are closed.")
    me = ctx.session.get(Participant, ctx.principal.id)
    nominee = _present(ctx, participant_id)
    constituency = _constituency(ctx, e, me, nominee)
    if ctx.session.scalar(select(ElectionCandidate.id).where(ElectionCandidate.election_id == e.id,
                                                             ElectionCandidate.participant_id == nominee.id)):
        raise CommandError("already_candidate", "This person is a candidate or has been nominated already.",
                           participant_id=nominee.id)
    stands = nominee.id == me.id
    c = ElectionCandidate(election_id=e.id, participant_id=nominee.id, constituency=constituency,
                          status="accepted" if stands else "nominated")
    ctx.session.add(c)
    ctx.session.flush()
    if stands:
        _volunteer(ctx, me)
        ctx.emit("election_candidate", {"election_id": e.id, "candidate": candidate_view(c, me)}, [ctx.everyone])
    else:
        ctx.emit("election_nomination", {"nomination": nomination_view(c), "pending": True},
                 [aud.participant(nominee.id)])
    return {"candidate_id": c.id, "status": c.status}


class NominationAnswer(Payload):
    candidate_id: int
    accept: bool


@command("election_nomination_answer", roles=("participant",), schema=NominationAnswer)
def election_nomination_answer(ctx: Context, candidate_id, accept):
    """The nominee accepts (on the ballot: heard by everyone) or declines (heard by nobody else) a nomination."""
    c = ctx.session.get(ElectionCandidate, candidate_id)
    e = ctx.session.get(Election, c.election_id) if c is not None else None
    if c is None or e.workshop_id != ctx.workshop.id or c.participant_id != ctx.principal.id:
        raise CommandError("not_found", "There is no such nomination of yours.")
    if c.status != "nominated":
        raise CommandError("already_answered", "You have answered this nomination already.")
    _stage(e, "nominating", "Nominations are closed.")
    _in_council_segment(ctx, "answer a nomination")
    me = ctx.session.get(Participant, ctx.principal.id)
    c.status = "accepted" if accept else "declined"
    ctx.session.flush()
    ctx.emit("election_nomination", {"nomination": nomination_view(c), "pending": False},
             [aud.participant(me.id)])
    if accept:
        _volunteer(ctx, me)
        ctx.emit("election_candidate", {"election_id": e.id, "candidate": candidate_view(c, me)}, [ctx.everyone])
    return {"candidate_id": c.id, "status": c.status}


@command("election_withdraw", roles=("participant",), schema=ElectionRef)
def election_withdraw(ctx: Context, election_id):
    """A candidate withdraws from a ballot while nominations are open (off the ballot: heard by everyone); they may stand, or be nominated, again."""
    e = _election(ctx, election_id)
    c = ctx.session.scalar(select(ElectionCandidate).where(ElectionCandidate.election_id == e.id,
                                                           ElectionCandidate.participant_id == ctx.principal.id,
                                                           ElectionCandidate.status == "accepted"))
    if c is None:
        raise CommandError("not_candidate", "You are not a candidate in this election.")
    _stage(e, "nominating", "Nominations are closed: the ballot is set.")
    _in_council_segment(ctx, "withdraw")
    # The row goes: a withdrawn candidacy leaves nothing behind, and the person may come forward again.
    # Standing made them a volunteer (council_volunteered); that stays, as the organiser's list had it.
    ctx.session.delete(c)
    _changed(ctx, e)
    return {"election_id": e.id}


class Ballot(ElectionRef):
    candidate_ids: list[int] = Field(min_length=1, max_length=rules.MAX_BALLOT_CHOICES)


@command("election_vote", roles=("participant",), schema=Ballot)
def election_vote(ctx: Context, election_id, candidate_ids):
    """Participant votes, secretly and once, for up to as many candidates of their own sector as it has seats (the co-chairs: a member, one per side); kept only as counts per candidate. Heard: the person's own screens (voted) and everyone (how many voted)."""
    e = _election(ctx, election_id)
    _stage(e, "voting", "The ballot is not open.")
    me = ctx.session.get(Participant, ctx.principal.id)
    if e.kind == "sectors":
        if me.group not in e.seats:
            raise CommandError("not_voter", "Your sector has no seat in this ballot.", group=me.group)
        electorate = me.group
    else:
        if council_role(ctx.session, me.id) is None:
            raise CommandError("not_voter", "The council's members choose the co-chairs.")
        electorate = "council"
    if len(set(candidate_ids)) != len(candidate_ids):
        raise CommandError("invalid", "candidate_ids: each candidate only once")
    chosen = {c.id: c for c in ctx.session.scalars(select(ElectionCandidate).where(
        ElectionCandidate.election_id == e.id, ElectionCandidate.status == "accepted",
        ElectionCandidate.id.in_(candidate_ids)))}
    for cid in candidate_ids:
        c = chosen.get(cid)
        if c is None or (e.kind == "sectors" and c.constituency != me.group):
            raise CommandError("not_candidate", "That is not a candidate on your ballot.", candidate_id=cid)
    per_seat: dict[str, int] = {}
    for c in chosen.values():
        per_seat[c.constituency] = per_seat.get(c.constituency, 0) + 1
    over = sorted(k for k, n in per_seat.items() if n > e.seats[k])
    if over:
        raise CommandError("invalid", f"candidate_ids: at most {e.seats[over[0]]} for {over[0]}",
                           seats=e.seats[over[0]])
    if ctx.session.scalar(select(ElectionVoter.id).where(ElectionVoter.election_id == e.id,
                                                         ElectionVoter.participant_id == me.id)):
        raise CommandError("already_voted", "You have voted in this ballot already.")
    ctx.session.add(ElectionVoter(election_id=e.id, participant_id=me.id, electorate=electorate))
    for cid in sorted(chosen):
        row = ctx.session.scalar(select(ElectionTally).where(ElectionTally.election_id == e.id,
                                                             ElectionTally.candidate_id == cid))
        row.count += 1
    ctx.session.flush()
    ctx.emit("election_voted", {"election_id": e.id}, [aud.participant(me.id)])
    ctx.emit("election_progress", {"election_id": e.id, "voted": voted(ctx.session, e.id)}, [ctx.everyone])
    return {"election_id": e.id}
