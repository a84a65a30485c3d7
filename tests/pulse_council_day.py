"""The SPCP day of tests/agenda_day.py with a trust pulse at its start and end and the council chosen
by its sectors (issue 16), for the report and archive tests.

The start pulse: all ten answer (three officers, seven of the community sectors). The end pulse:
two officers and the seven others answer, so the police side is held back (fewer than K). The
council: each sector but `civil_rights`, `other` ... has a seat; one faith person stands and is
elected, the two youth tie and the organiser appoints one of them, law enforcement elects an
officer, business and new Americans elect whoever stood; then the members elect the co-chairs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .agenda_day import PEOPLE, play

# What each person answers (index into PEOPLE): start and end, {statement: value}.
START = {i: {"trust": 3 if PEOPLE[i][1] == "law_enforcement" else 2, "heard": 4, "together": 5 if i % 2 else 4}
         for i in range(len(PEOPLE))}
END = {i: {"trust": 4, "heard": 4, "together": 5} for i in range(len(PEOPLE)) if i != 5}  # one officer does not answer
STANDS = {"faith": [0], "law_enforcement": [3], "youth": [6, 7], "new_americans": [8], "business": [9]}
APPOINTED = 7   # the organiser appoints this one of the tied youth


@dataclass
class Council:
    workshop_id: str
    people: dict[int, dict]
    pid: list[int]                                            # PEOPLE index -> participant id
    elected: dict[str, list[int]] = field(default_factory=dict)  # sector -> PEOPLE indexes seated
    co_chairs: dict[str, int] = field(default_factory=dict)     # role -> PEOPLE index
    secret_names: set[str] = field(default_factory=set)


def play_with_pulse_and_council(day) -> Council:
    info = play(day)  # stops in the council segment
    org = next(c for c in day.clients if c.role == "organiser")
    phones = [c for c in day.clients if c.role == "participant"]
    assert len(phones) == len(PEOPLE)
    out = Council(info.workshop_id, info.people, [p.participant_id for p in phones], secret_names=info.secret_names)
    for label, answers in (("start", START), ("end", END)):
        pulse = org.ok("pulse_open", label=label)["pulse"]
        for i, a in answers.items():
            phones[i].ok("pulse_answer", pulse_id=pulse["id"], answers=a)
        org.ok("pulse_close")
    seats = {k: 1 for k in STANDS}
    sectors = {s["key"] for s in org.snapshot()["sectors"]}
    seats.update({k: 0 for k in sectors - set(seats)})
    e = org.ok("election_open", seats=seats)["election"]
    for sector, who in STANDS.items():
        for i in who:
            phones[i].ok("election_nominate", election_id=e["id"], participant_id=phones[i].participant_id)
    org.ok("election_ballot_open", election_id=e["id"])
    cand = {c["participant_id"]: int(cid) for cid, c in org.snapshot()["elections"][str(e["id"])]["candidates"].items()}
    for sector, who in STANDS.items():
        for i in who:  # each votes for themselves: the youth tie
            phones[i].ok("election_vote", election_id=e["id"], candidate_ids=[cand[phones[i].participant_id]])
    results = org.ok("election_close", election_id=e["id"])["election"]["results"]
    assert results["youth"]["tied"] and not results["youth"]["elected"]
    org.ok("council_role_set", participant_id=phones[APPOINTED].participant_id, role="member")
    out.elected = {s: [i for i in who if out.pid[i] in results[s]["elected"]] for s, who in STANDS.items()}
    out.elected["youth"] = [APPOINTED]
    # The co-chairs: the officer and the faith member stand; every member votes.
    c = org.ok("election_open", kind="co_chairs")["election"]
    for i in (3, 0):
        phones[i].ok("election_nominate", election_id=c["id"], participant_id=phones[i].participant_id)
    org.ok("election_ballot_open", election_id=c["id"])
    cands = org.snapshot()["elections"][str(c["id"])]["candidates"]
    ids = [int(cid) for cid in cands]
    for i in (0, 3, 7, 8, 9):
        phones[i].ok("election_vote", election_id=c["id"], candidate_ids=ids)
    org.ok("election_close", election_id=c["id"])
    out.co_chairs = {"co_chair_law_enforcement": 3, "co_chair_community": 0}
    day.drain()
    return out
