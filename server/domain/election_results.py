"""What a council election shows (docs/council-election.md): the seats, the candidates who are on
the ballot, how many have voted per sector, and once the ballot is closed who is elected and who is
tied for a last seat. The counts per candidate are never shown, to anyone: only what they decide."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Election, ElectionCandidate, ElectionTally, ElectionVoter, Participant
from . import projection as pj


def candidate_view(c: ElectionCandidate, p: Participant) -> dict:
    return {"id": c.id, "participant_id": p.id, "name": p.display_name, "group": p.group,
            "constituency": c.constituency}


def nomination_view(c: ElectionCandidate) -> dict:
    """A nomination waiting for its nominee's answer, as the nominee's own screens see it."""
    return {"id": c.id, "election_id": c.election_id, "constituency": c.constituency}


def voted(session: Session, election_id: int) -> dict[str, int]:
    """How many have voted, per electorate (a sector's key; `council` for the co-chairs)."""
    return dict(session.execute(select(ElectionVoter.electorate, func.count()).where(
        ElectionVoter.election_id == election_id).group_by(ElectionVoter.electorate)).all())


def count(session: Session, election: Election) -> dict:
    """The results of a ballot, from the counts: per constituency, who is elected and who is tied
    for the last seat(s) (`open_seats` of them; a second ballot between them, or the organiser appoints).

    With no more candidates than seats every candidate is elected."""
    counts = dict(session.execute(select(ElectionTally.candidate_id, ElectionTally.count).where(
        ElectionTally.election_id == election.id)).all())
    by_seat: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for c in session.scalars(select(ElectionCandidate).where(ElectionCandidate.election_id == election.id,
                                                             ElectionCandidate.status == "accepted")
                             .order_by(ElectionCandidate.id)):
        by_seat[c.constituency].append((counts.get(c.id, 0), c.participant_id))
    out = {}
    for constituency, seats in election.seats.items():
        ranked = sorted(by_seat.get(constituency, []), key=lambda x: (-x[0], x[1]))
        if len(ranked) <= seats:
            elected, tied = [pid for _, pid in ranked], []
        else:
            boundary = ranked[seats - 1][0]
            elected = [pid for n, pid in ranked if n > boundary]
            at = [pid for n, pid in ranked if n == boundary]
            if len(elected) + len(at) <= seats:
                elected, tied = elected + at, []
            else:
                tied = sorted(at)
        out[constituency] = {"elected": sorted(elected), "tied": tied,
                             "open_seats": seats - len(elected) if tied else 0}
    return out


def election_view(session: Session, e: Election) -> dict:
    """An election as every screen sees it: never a count per candidate."""
    candidates = {}
    for c, p in session.execute(select(ElectionCandidate, Participant).join(
            Participant, Participant.id == ElectionCandidate.participant_id).where(
            ElectionCandidate.election_id == e.id, ElectionCandidate.status == "accepted")
            .order_by(ElectionCandidate.id)):
        candidates[str(c.id)] = candidate_view(c, p)
    return {"id": e.id, "kind": e.kind, "round": e.round, "runoff_of": e.runoff_of, "status": e.status,
            "seats": dict(e.seats), "candidates": candidates, "voted": voted(session, e.id),
            "results": e.results, "opened_at": pj.iso(e.opened_at), "closed_at": pj.iso(e.closed_at)}


def election_views(session: Session, workshop_id: str) -> dict[str, dict]:
    return {str(e.id): election_view(session, e) for e in session.scalars(
        select(Election).where(Election.workshop_id == workshop_id).order_by(Election.id))}


def voted_by(session: Session, participant_id: int) -> list[int]:
    """The ballots this person has voted in (their own screen shows them as done)."""
    return sorted(session.scalars(select(ElectionVoter.election_id).where(
        ElectionVoter.participant_id == participant_id)))


def nominating(session: Session, workshop_id: str) -> Election | None:
    """The sectors' election while it takes nominations (its first ballot), or None."""
    return session.scalar(select(Election).where(Election.workshop_id == workshop_id, Election.kind == "sectors",
                                                 Election.runoff_of.is_(None), Election.status == "nominating"))


def person_view(p: Participant) -> dict:
    """One of a sector's people as the others of that sector see them while nominations are open:
    the name the person chose to show, nothing else."""
    return {"id": p.id, "name": p.display_name}


def sector_members(session: Session, workshop_id: str, group: str) -> list[Participant]:
    """The present people of a sector (named or not), oldest first."""
    return list(session.scalars(select(Participant).where(
        Participant.workshop_id == workshop_id, Participant.group == group, Participant.removed_at.is_(None))
        .order_by(Participant.id)))


def sector_people(session: Session, workshop_id: str, group: str | None) -> dict[str, dict]:
    """Whom a person of `group` may nominate, by name, while the sectors' nominations are open and
    the sector has a seat (docs/council-election.md): the present people of the sector who gave a
    name; nobody who joined without one. Empty otherwise."""
    e = nominating(session, workshop_id)
    if e is None or group not in e.seats:
        return {}
    return {str(p.id): person_view(p) for p in sector_members(session, workshop_id, group) if p.display_name}


def nominations_of(session: Session, participant_id: int) -> dict[str, dict]:
    """This person's nominations still waiting for their answer."""
    return {str(c.id): nomination_view(c) for c in session.scalars(select(ElectionCandidate).where(
        ElectionCandidate.participant_id == participant_id, ElectionCandidate.status == "nominated")
        .order_by(ElectionCandidate.id))}
