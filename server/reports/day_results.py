"""The trust pulse and the council election in the report of the day (issue 16).

Both are read here, once, for every renderer and for the archive, with their own privacy rules:

* the pulse: only what `server.domain.pulse_results.results()` publishes once a pulse is closed,
  and of that only the means of the cells the report shows (everyone, and each side); a cell that
  function holds back (fewer than K people, or one subtraction would give away) is simply absent,
  and the renderers say "too few to show". Never a count per sector, never an answer.
* the election: who sits on the council for each sector and as co-chair, and whether the ballot
  seated them (`elected`) or the organiser did (`appointed`); names as everyone may see them
  (the name a person chose to show; none after the personal data is erased). Never a ballot or
  a count per candidate (the election keeps none that could be shown: docs/council-election.md).

A day without a closed pulse has no `PulseReport`, a day without an election no `ElectionReport`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import rules
from ..domain.pulse_results import results
from ..models import CouncilVolunteer, Election, Participant, Pulse

# The cells of a pulse the report shows, in order: everyone, then each side.
CELLS = ("all", "side:police", "side:community")
ELECTED, APPOINTED = "elected", "appointed"


@dataclass
class PulseStatement:
    key: str
    texts: dict[str, str]                                   # the pulse's own wording by language ({}: catalogue's)
    means: dict[str, dict[str, float | None]] = field(default_factory=dict)  # label -> cell -> mean (absent: held back)


@dataclass
class PulseReport:
    labels: list[str]                                        # the closed pulses, in rules.PULSE_LABELS order
    answered: dict[str, int]                                 # label -> how many answered
    sizes: dict[str, dict[str, int]]                         # label -> shown cell -> how many answered in it
    statements: list[PulseStatement]

    def shown(self, label: str, cell: str) -> bool:
        return cell in self.sizes.get(label, {})


def pulse_report(session: Session, workshop_id: str) -> PulseReport | None:
    """The closed pulses' published means (pulse_results.results), by statement, label and cell."""
    pulses = {p.label: p for p in session.scalars(select(Pulse).where(
        Pulse.workshop_id == workshop_id, Pulse.closed_at.is_not(None)))}
    labels = [label for label in rules.PULSE_LABELS if label in pulses]
    if not labels:
        return None
    statements: dict[str, PulseStatement] = {}
    answered, sizes = {}, {}
    for label in labels:
        pulse = pulses[label]
        published = results(session, pulse)
        answered[label] = published["n"]
        sizes[label] = {cell: published["cells"][cell]["n"] for cell in CELLS if cell in published["cells"]}
        for q in pulse.questions:
            row = statements.setdefault(q["key"], PulseStatement(q["key"], dict(q.get("texts") or {})))
            row.means[label] = {cell: published["cells"][cell]["questions"].get(q["key"], {}).get("mean")
                                for cell in sizes[label]}
    return PulseReport(labels, answered, sizes, list(statements.values()))


@dataclass
class Seat:
    name: str | None                                         # the name they chose to show (None: none given, or erased)
    group: str
    how: str                                                 # elected | appointed


@dataclass
class ElectionReport:
    sectors: list[tuple[str, list[Seat]]]                    # sector key -> its council members
    co_chairs: list[tuple[str, Seat | None]]                 # co-chair role -> who holds it


def election_report(session: Session, workshop_id: str, sector_order: list[str]) -> ElectionReport | None:
    """Who sits on the council for each sector that had a seat, and the co-chairs; elected or appointed."""
    elections = list(session.scalars(select(Election).where(Election.workshop_id == workshop_id)
                                     .order_by(Election.id)))
    if not elections:
        return None
    elected = {"sectors": set(), "co_chairs": set()}
    seated_sectors: set[str] = set()
    for e in elections:
        if e.kind == "sectors":
            seated_sectors |= {k for k, n in e.seats.items() if n}
        for r in (e.results or {}).values():
            elected[e.kind].update(r.get("elected") or [])
    people = {p.id: p for p in session.scalars(select(Participant).where(Participant.workshop_id == workshop_id))}
    members = []
    for v in session.scalars(select(CouncilVolunteer).where(CouncilVolunteer.workshop_id == workshop_id)
                             .order_by(CouncilVolunteer.id)):
        p = people.get(v.participant_id)
        if v.role and p is not None and p.removed_at is None:
            members.append((v.role, p))

    def seat(p: Participant, kind: str) -> Seat:
        return Seat(p.display_name, p.group, ELECTED if p.id in elected[kind] else APPOINTED)

    sectors = [(key, [seat(p, "sectors") for _role, p in members if p.group == key])
               for key in sector_order if key in seated_sectors]
    co_chairs = [(role, next((seat(p, "co_chairs") for r, p in members if r == role), None))
                 for role in rules.CO_CHAIR_ROLES]
    return ElectionReport(sectors, co_chairs)
