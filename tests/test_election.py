"""The council chosen by its sectors (docs/council-election.md): seats per sector, nominations the
nominee accepts, a secret ballot per sector, a second ballot on a tie, the elected on the council,
and the co-chairs elected by the members."""
from __future__ import annotations

from sqlalchemy import select

from server.models import AuditEntry, Base, CommandRecord, ElectionTally, ElectionVoter, Event

from .board import types


def to_council(board):
    """The day's agenda reaches its council segment (phase action_plan)."""
    board.org.ok("agenda_set", agenda=["breakout", "council", "closing"])
    board.org.ok("workshop_advance")


def crowd(board):
    """Three officers, three community members, one community organisation (no seat), in two rooms."""
    people = {
        "police": [board.person(i % 2, name=f"Officer {i}", group="law_enforcement", anonymous=False)
                   for i in range(3)],
        "members": [board.person(i % 2, name=f"Resident {i}", group="community_member", anonymous=False)
                    for i in range(3)],
        "org": board.person(0, group="community_org"),
    }
    to_council(board)
    board.day.drain()
    return people


def stand(who, election_id) -> int:
    return who.ok("election_nominate", election_id=election_id, participant_id=who.participant_id)["candidate_id"]


def council(board) -> dict:
    return board.display.snapshot()["council"]


def test_a_sector_elects_its_seats_by_secret_ballot_and_they_join_the_council(board):
    ppl = crowd(board)
    police, members = ppl["police"], ppl["members"]
    e = board.org.ok("election_open", seats={"law_enforcement": 1, "community_member": 2, "community_org": 0,
                                              "government_other": 0})["election"]
    assert e["status"] == "nominating" and e["seats"] == {"law_enforcement": 1, "community_member": 2}
    assert "election_changed" in types(police[0])
    eid = e["id"]
    # An officer stands; another nominates a colleague, who accepts on their phone.
    c_p0 = stand(police[0], eid)
    nom = police[1].ok("election_nominate", election_id=eid, participant_id=police[2].participant_id)
    assert nom["status"] == "nominated"
    assert str(nom["candidate_id"]) not in board.display.snapshot()["elections"][str(eid)]["candidates"]
    assert police[2].snapshot()["me"]["nominations"] == {
        str(nom["candidate_id"]): {"id": nom["candidate_id"], "election_id": eid, "constituency": "law_enforcement"}}
    police[2].events()
    police[2].ok("election_nomination_answer", candidate_id=nom["candidate_id"], accept=True)
    assert "election_nomination" in types(police[2])
    assert police[2].snapshot()["me"]["nominations"] == {}
    # Community members: two stand, one is nominated and declines.
    c_m0, c_m1 = stand(members[0], eid), stand(members[1], eid)
    declined = members[0].ok("election_nominate", election_id=eid, participant_id=members[2].participant_id)
    members[2].ok("election_nomination_answer", candidate_id=declined["candidate_id"], accept=False)
    view = board.display.snapshot()["elections"][str(eid)]
    assert sorted(int(c) for c in view["candidates"]) == sorted([c_p0, nom["candidate_id"], c_m0, c_m1])
    # Standing is volunteering: the organiser could seat them as before.
    assert str(police[2].participant_id) in board.org.snapshot()["volunteers"]
    e = board.org.ok("election_ballot_open", election_id=eid)["election"]
    assert e["status"] == "voting" and e["voted"] == {}
    police[0].ok("election_vote", election_id=eid, candidate_ids=[c_p0])
    police[1].ok("election_vote", election_id=eid, candidate_ids=[c_p0])
    police[2].ok("election_vote", election_id=eid, candidate_ids=[nom["candidate_id"]])
    members[0].ok("election_vote", election_id=eid, candidate_ids=[c_m0, c_m1])
    members[2].ok("election_vote", election_id=eid, candidate_ids=[c_m1])
    assert "election_voted" in types(members[2])
    assert members[2].snapshot()["me"]["elections_voted"] == [eid]
    assert board.display.snapshot()["elections"][str(eid)]["voted"] == {"law_enforcement": 3, "community_member": 2}
    closed = board.org.ok("election_close", election_id=eid)["election"]
    assert closed["results"] == {
        "law_enforcement": {"elected": [police[0].participant_id], "tied": [], "open_seats": 0},
        "community_member": {"elected": sorted([members[0].participant_id, members[1].participant_id]),
                             "tied": [], "open_seats": 0}}
    seated = council(board)
    assert {int(k): v["role"] for k, v in seated.items()} == {
        police[0].participant_id: "member", members[0].participant_id: "member", members[1].participant_id: "member"}
    # Audited as when the organiser seats someone (the report's timeline reads it).
    with board.db.reading() as s:
        seated_lines = sorted(a.detail["participant_id"] for a in s.scalars(select(AuditEntry).where(
            AuditEntry.workshop_id == board.day.workshop_id, AuditEntry.action == "council_role")))
    assert seated_lines == sorted(int(k) for k in seated)
    # The counts are never shown, to anyone.
    assert "votes" not in str(board.org.snapshot()["elections"]) and "count" not in str(closed)
    # A member elected this way gets a council link and co-leads an action as any member does.
    assert board.org.ok("council_link_issue", participant_id=members[1].participant_id)["token"]
    entry = board.org.ok("plan_entry_create", title="Quarterly listening sessions")["entry"]["id"]
    board.org.ok("plan_entry_update", entry_id=entry, field="co_lead_community",
                 value=str(members[1].participant_id), version=1)
    # Someone not elected cannot.
    board.refuse(board.org, "plan_entry_update", "not_member", entry_id=entry, field="co_lead_law_enforcement",
                 value=str(police[2].participant_id), version=1)


def test_a_tie_for_the_last_seat_goes_to_a_second_ballot_or_the_organiser_appoints(board):
    ppl = crowd(board)
    police, members = ppl["police"], ppl["members"]
    eid = board.org.ok("election_open")["election"]["id"]
    a, b = stand(police[0], eid), stand(police[1], eid)
    c, d = stand(members[0], eid), stand(members[1], eid)
    board.org.ok("election_ballot_open", election_id=eid)
    police[0].ok("election_vote", election_id=eid, candidate_ids=[a])
    police[1].ok("election_vote", election_id=eid, candidate_ids=[b])
    members[0].ok("election_vote", election_id=eid, candidate_ids=[c])
    members[1].ok("election_vote", election_id=eid, candidate_ids=[d])
    results = board.org.ok("election_close", election_id=eid)["election"]["results"]
    assert results["law_enforcement"] == {"elected": [], "tied": sorted([police[0].participant_id,
                                                                         police[1].participant_id]), "open_seats": 1}
    assert results["community_org"] == {"elected": [], "tied": [], "open_seats": 0}  # nobody stood
    assert council(board) == {}
    second = board.org.ok("election_runoff", election_id=eid)["election"]
    assert second["status"] == "voting" and second["round"] == 2 and second["runoff_of"] == eid
    assert second["seats"] == {"law_enforcement": 1, "community_member": 1}
    on_ballot = {v["participant_id"]: int(k) for k, v in second["candidates"].items()}
    assert set(on_ballot) == {p.participant_id for p in (*police[:2], *members[:2])}
    # Only the tied sectors vote again; the community organisation has no seat in it.
    board.refuse(ppl["org"], "election_vote", "not_voter", election_id=second["id"],
                 candidate_ids=[on_ballot[members[0].participant_id]])
    for who in police:
        who.ok("election_vote", election_id=second["id"], candidate_ids=[on_ballot[police[1].participant_id]])
    members[0].ok("election_vote", election_id=second["id"], candidate_ids=[on_ballot[members[0].participant_id]])
    members[1].ok("election_vote", election_id=second["id"], candidate_ids=[on_ballot[members[1].participant_id]])
    results = board.org.ok("election_close", election_id=second["id"])["election"]["results"]
    assert results["law_enforcement"]["elected"] == [police[1].participant_id]
    assert results["community_member"]["open_seats"] == 1
    # Still tied: the organiser appoints, as before.
    board.org.ok("council_role_set", participant_id=members[1].participant_id, role="member")
    assert {int(k) for k in council(board)} == {police[1].participant_id, members[1].participant_id}


def test_with_no_more_candidates_than_seats_every_candidate_is_elected(board):
    ppl = crowd(board)
    eid = board.org.ok("election_open", seats={"law_enforcement": 2})["election"]["id"]
    stand(ppl["police"][0], eid)
    board.org.ok("election_ballot_open", election_id=eid)
    results = board.org.ok("election_close", election_id=eid)["election"]["results"]
    assert results["law_enforcement"]["elected"] == [ppl["police"][0].participant_id]


def test_the_members_elect_the_co_chairs_one_per_side(board):
    ppl = crowd(board)
    police, members = ppl["police"], ppl["members"]
    for p in (police[0], police[1], members[0], members[1]):
        p.ok("council_volunteer", consent=False)
        board.org.ok("council_role_set", participant_id=p.participant_id, role="member")
    # The organiser has appointed a community co-chair already: only the law-enforcement seat is elected.
    board.org.ok("council_role_set", participant_id=members[0].participant_id, role="co_chair_community")
    e = board.org.ok("election_open", kind="co_chairs")["election"]
    assert e["seats"] == {"law_enforcement": 1}
    eid = e["id"]
    board.refuse(police[2], "election_nominate", "not_member", election_id=eid,
                 participant_id=police[2].participant_id)
    board.refuse(police[0], "election_nominate", "not_member", election_id=eid,
                 participant_id=police[2].participant_id)
    board.refuse(members[1], "election_nominate", "no_seat", election_id=eid,
                 participant_id=members[1].participant_id)
    nom = members[1].ok("election_nominate", election_id=eid, participant_id=police[1].participant_id)
    police[1].ok("election_nomination_answer", candidate_id=nom["candidate_id"], accept=True)
    own = stand(police[0], eid)
    board.org.ok("election_ballot_open", election_id=eid)
    board.refuse(police[2], "election_vote", "not_voter", election_id=eid, candidate_ids=[own])
    for who in (police[0], members[0], members[1]):
        who.ok("election_vote", election_id=eid, candidate_ids=[nom["candidate_id"]])
    police[1].ok("election_vote", election_id=eid, candidate_ids=[own])
    assert board.display.snapshot()["elections"][str(eid)]["voted"] == {"council": 4}
    board.org.ok("election_close", election_id=eid)
    roles = {int(k): v["role"] for k, v in council(board).items()}
    assert roles[police[1].participant_id] == "co_chair_law_enforcement"
    assert roles[members[0].participant_id] == "co_chair_community"
    assert roles[police[0].participant_id] == "member"


def test_nothing_stored_ties_a_ballot_to_a_person(board):
    """Counts per candidate only, every count made before anyone voted, who voted kept apart with
    no order or time; the log, the idempotency records and the audit hold no choice."""
    ppl = crowd(board)
    police = ppl["police"]
    eid = board.org.ok("election_open")["election"]["id"]
    a, b = stand(police[0], eid), stand(police[1], eid)
    board.org.ok("election_ballot_open", election_id=eid)
    with board.db.reading() as s:
        before = sorted(s.scalars(select(ElectionTally.id).where(ElectionTally.election_id == eid)))
    assert len(before) == 2
    for who, choice in ((police[0], a), (police[1], b), (police[2], b)):
        who.ok("election_vote", election_id=eid, candidate_ids=[choice])
    with board.db.reading() as s:
        after = sorted(s.scalars(select(ElectionTally.id).where(ElectionTally.election_id == eid)))
        assert sorted(s.scalars(select(ElectionTally.count).where(ElectionTally.election_id == eid))) == [1, 2]
        assert s.scalar(select(ElectionVoter.id).where(ElectionVoter.election_id == eid)) is not None
    assert after == before  # votes changed counts, made no rows
    for table in ("election_tallies", "election_voters"):
        columns = set(Base.metadata.tables[table].c.keys())
        assert not columns & {"created_at", "at", "voted_at", "updated_at"}, table
    assert "participant_id" not in Base.metadata.tables["election_tallies"].c
    assert not {"candidate_id", "count"} & set(Base.metadata.tables["election_voters"].c.keys())
    w = board.day.workshop_id
    with board.db.reading() as s:
        logged = [e.data for e in s.scalars(select(Event).where(Event.workshop_id == w, Event.type.in_(
            ("election_voted", "election_progress"))))]
        records = [r.result for r in s.scalars(select(CommandRecord).where(CommandRecord.workshop_id == w,
                                                                           CommandRecord.name == "election_vote"))]
        audited = [e.action for e in s.scalars(select(AuditEntry).where(AuditEntry.workshop_id == w))]
    assert logged and all(set(d) <= {"election_id", "voted"} for d in logged)
    assert len(records) == 3 and all(set(r) <= {"election_id", "seq"} for r in records)
    assert "election_vote" not in audited
    # No view shows a count per candidate: only who is elected, once closed.
    closed = board.org.ok("election_close", election_id=eid)["election"]
    assert closed["results"]["law_enforcement"] == {"elected": [police[1].participant_id], "tied": [],
                                                    "open_seats": 0}
    assert "count" not in str(closed) and "votes" not in str(closed)
    # Nor does any role's state, or what a resuming screen is sent.
    for who in (board.org, board.fac, board.display, police[1]):
        view = who.snapshot()["elections"][str(eid)]
        assert set(view) == {"id", "kind", "round", "runoff_of", "status", "seats", "candidates", "voted",
                             "results", "opened_at", "closed_at"}
        assert all(set(c) == {"id", "participant_id", "name", "group", "constituency"}
                   for c in view["candidates"].values())
        resumed = who.sync(0)
        for ev in resumed.get("events", []):
            if ev["type"] in ("election_voted", "election_progress"):
                assert set(ev["data"]) <= {"election_id", "voted"}, ev


# -- refusals ---------------------------------------------------------------------------

def test_election_open_refusals(board):
    org = board.org
    board.refuse(org, "election_open", "wrong_phase")
    to_council(board)
    board.refuse(board.fac, "election_open", "forbidden")
    board.refuse(org, "election_open", "invalid", seats={"astronauts": 1})
    board.refuse(org, "election_open", "invalid", seats={"law_enforcement": 9})
    board.refuse(org, "election_open", "invalid", seats={k: 0 for k in ("law_enforcement", "community_member",
                                                                        "community_org", "government_other")})
    board.refuse(org, "election_open", "invalid", kind="mayor")
    board.refuse(org, "election_open", "invalid", kind="co_chairs", seats={"law_enforcement": 1})
    org.ok("election_open")
    board.refuse(org, "election_open", "election_exists")


def test_co_chair_election_needs_an_empty_seat(board):
    officer, resident = board.person(0, group="law_enforcement"), board.person(1)
    to_council(board)
    for p, role in ((officer, "co_chair_law_enforcement"), (resident, "co_chair_community")):
        p.ok("council_volunteer", consent=False)
        board.org.ok("council_role_set", participant_id=p.participant_id, role=role)
    board.refuse(board.org, "election_open", "no_change", kind="co_chairs")


def test_ballot_open_close_and_runoff_refusals(board):
    ppl = crowd(board)
    org = board.org
    board.refuse(org, "election_ballot_open", "not_found", election_id=999999)
    board.refuse(org, "election_close", "not_found", election_id=999999)
    board.refuse(org, "election_runoff", "not_found", election_id=999999)
    eid = org.ok("election_open")["election"]["id"]
    board.refuse(org, "election_ballot_open", "no_candidates", election_id=eid)
    board.refuse(org, "election_close", "wrong_stage", election_id=eid)
    board.refuse(org, "election_runoff", "wrong_stage", election_id=eid)
    board.refuse(board.fac, "election_ballot_open", "forbidden", election_id=eid)
    a = stand(ppl["police"][0], eid)
    b = stand(ppl["police"][1], eid)
    org.ok("election_ballot_open", election_id=eid)
    board.refuse(org, "election_ballot_open", "wrong_stage", election_id=eid)
    board.refuse(board.fac, "election_close", "forbidden", election_id=eid)
    ppl["police"][0].ok("election_vote", election_id=eid, candidate_ids=[a])
    ppl["police"][1].ok("election_vote", election_id=eid, candidate_ids=[b])
    org.ok("election_close", election_id=eid)
    board.refuse(org, "election_close", "wrong_stage", election_id=eid)
    board.refuse(board.fac, "election_runoff", "forbidden", election_id=eid)
    org.ok("election_runoff", election_id=eid)
    board.refuse(org, "election_runoff", "election_exists", election_id=eid)


def test_runoff_without_a_tie_is_refused(board):
    ppl = crowd(board)
    eid = board.org.ok("election_open")["election"]["id"]
    stand(ppl["police"][0], eid)
    board.org.ok("election_ballot_open", election_id=eid)
    board.org.ok("election_close", election_id=eid)
    board.refuse(board.org, "election_runoff", "no_tie", election_id=eid)
    board.org.ok("workshop_advance")  # closing
    board.refuse(board.org, "election_runoff", "wrong_phase", election_id=eid)


def test_nominate_and_answer_refusals(board):
    ppl = crowd(board)
    police, members = ppl["police"], ppl["members"]
    board.refuse(police[0], "election_nominate", "not_found", election_id=999999,
                 participant_id=police[0].participant_id)
    eid = board.org.ok("election_open", seats={"community_org": 0})["election"]["id"]
    board.refuse(police[0], "election_nominate", "other_sector", election_id=eid,
                 participant_id=members[0].participant_id)
    board.refuse(ppl["org"], "election_nominate", "not_voter", election_id=eid,
                 participant_id=ppl["org"].participant_id)
    board.refuse(police[0], "election_nominate", "not_found", election_id=eid, participant_id=999999)
    board.refuse(board.org, "election_nominate", "forbidden", election_id=eid,
                 participant_id=police[0].participant_id)
    nom = police[0].ok("election_nominate", election_id=eid, participant_id=police[1].participant_id)
    board.refuse(police[2], "election_nominate", "already_candidate", election_id=eid,
                 participant_id=police[1].participant_id)
    # Only the nominee answers, once.
    board.refuse(police[0], "election_nomination_answer", "not_found", candidate_id=nom["candidate_id"], accept=True)
    board.refuse(police[1], "election_nomination_answer", "not_found", candidate_id=999999, accept=True)
    police[1].ok("election_nomination_answer", candidate_id=nom["candidate_id"], accept=False)
    board.refuse(police[1], "election_nomination_answer", "already_answered", candidate_id=nom["candidate_id"],
                 accept=True)
    late = police[1].ok("election_nominate", election_id=eid, participant_id=police[2].participant_id)
    stand(police[0], eid)
    board.org.ok("election_ballot_open", election_id=eid)
    board.refuse(police[2], "election_nomination_answer", "wrong_stage", candidate_id=late["candidate_id"],
                 accept=True)
    board.refuse(members[0], "election_nominate", "wrong_stage", election_id=eid,
                 participant_id=members[0].participant_id)


def test_vote_refusals(board):
    ppl = crowd(board)
    police, members = ppl["police"], ppl["members"]
    eid = board.org.ok("election_open")["election"]["id"]
    a, b = stand(police[0], eid), stand(police[1], eid)
    m = stand(members[0], eid)
    board.refuse(police[2], "election_vote", "wrong_stage", election_id=eid, candidate_ids=[a])
    board.org.ok("election_ballot_open", election_id=eid)
    board.refuse(police[2], "election_vote", "not_found", election_id=999999, candidate_ids=[a])
    board.refuse(police[2], "election_vote", "not_candidate", election_id=eid, candidate_ids=[m])
    board.refuse(police[2], "election_vote", "not_candidate", election_id=eid, candidate_ids=[999999])
    board.refuse(police[2], "election_vote", "invalid", election_id=eid, candidate_ids=[a, a])
    board.refuse(police[2], "election_vote", "invalid", election_id=eid, candidate_ids=[a, b])  # one seat
    board.refuse(police[2], "election_vote", "invalid", election_id=eid, candidate_ids=[])
    board.refuse(board.fac, "election_vote", "forbidden", election_id=eid, candidate_ids=[a])
    police[2].ok("election_vote", election_id=eid, candidate_ids=[b])
    board.refuse(police[2], "election_vote", "already_voted", election_id=eid, candidate_ids=[a])
    board.org.ok("election_close", election_id=eid)
    board.refuse(police[1], "election_vote", "wrong_stage", election_id=eid, candidate_ids=[a])
    with board.db.reading() as s:
        assert list(s.scalars(select(ElectionVoter.participant_id).where(ElectionVoter.election_id == eid))) == [
            police[2].participant_id]


def test_a_sectors_phones_know_its_named_people_whatever_their_room_while_nominations_are_open(board):
    """On an SPCP day the council segment follows mixed rooms: a sector's people are spread over the
    rooms, so each phone of a seated sector hears its sector's named people (not the nameless, not
    another sector's) while nominations are open, and nominates across rooms."""
    ppl = crowd(board)
    police, members = ppl["police"], ppl["members"]
    nameless = board.person(1, group="law_enforcement")
    assert police[0].snapshot()["sector_people"] == {}  # nothing before the nominations open
    eid = board.org.ok("election_open", seats={"community_member": 0, "community_org": 0})["election"]["id"]
    names = {str(p.participant_id): {"id": p.participant_id, "name": f"Officer {i}"} for i, p in enumerate(police)}
    # police[0] sits in room A, police[1] in room B: each knows the other by name.
    assert police[0].room_id != police[1].room_id
    assert police[0].snapshot()["sector_people"] == names
    assert str(police[1].participant_id) not in police[0].snapshot()["participants"]
    assert nameless.snapshot()["sector_people"] == names  # a nameless person still sees the named
    assert members[0].snapshot()["sector_people"] == {}  # no seat: no list
    assert ppl["org"].snapshot()["sector_people"] == {}
    assert "sector_people" not in board.org.snapshot() and "sector_people" not in board.display.snapshot()
    # Who else heard it: the officers' phones only.
    for who in (members[0], ppl["org"]):
        assert "sector_people" not in types(who)
    with board.db.reading() as s:
        audiences = [e.audience for e in s.scalars(select(Event).where(
            Event.type == "sector_people", Event.workshop_id == board.day.workshop_id))]
    assert [sorted(a) for a in audiences] == [sorted(f"p:{p.participant_id}" for p in (*police, nameless))]
    # Across rooms: the server takes it, the nominee answers on their phone.
    nom = police[0].ok("election_nominate", election_id=eid, participant_id=police[1].participant_id)
    police[1].ok("election_nomination_answer", candidate_id=nom["candidate_id"], accept=True)
    # A named officer joins (heard by the officers), is removed (heard again); the lists follow.
    police[0].events()
    members[0].events()
    late = board.person(0, name="Officer Late", group="law_enforcement", anonymous=False)
    assert "sector_person" in types(police[0]) and "sector_person" not in types(members[0])
    assert police[1].snapshot()["sector_people"][str(late.participant_id)] == {"id": late.participant_id,
                                                                                "name": "Officer Late"}
    board.org.ok("participant_remove", participant_id=late.participant_id, reason="left")
    assert "sector_person" in types(police[0])
    assert police[1].snapshot()["sector_people"] == names
    # Nominations close: the lists go.
    board.org.ok("election_ballot_open", election_id=eid)
    assert "sector_people" in types(police[0])
    assert police[0].snapshot()["sector_people"] == {}


def test_a_candidate_withdraws_while_nominations_are_open(board):
    ppl = crowd(board)
    police = ppl["police"]
    eid = board.org.ok("election_open")["election"]["id"]
    mine = stand(police[0], eid)
    stand(police[1], eid)
    board.day.drain()
    assert police[0].ok("election_withdraw", election_id=eid)["election_id"] == eid
    view = board.display.snapshot()["elections"][str(eid)]
    assert str(mine) not in view["candidates"] and len(view["candidates"]) == 1
    assert "election_changed" in types(police[2]) and "election_changed" in types(board.display)
    # Standing made them a volunteer: that stays (the organiser may still ask them).
    assert str(police[0].participant_id) in board.org.snapshot()["volunteers"]
    # They may come forward again, or be nominated again.
    again = police[1].ok("election_nominate", election_id=eid, participant_id=police[0].participant_id)
    assert again["status"] == "nominated"
    police[0].ok("election_nomination_answer", candidate_id=again["candidate_id"], accept=True)
    assert str(again["candidate_id"]) in board.display.snapshot()["elections"][str(eid)]["candidates"]


def test_withdraw_refusals(board):
    ppl = crowd(board)
    police = ppl["police"]
    board.refuse(police[0], "election_withdraw", "not_found", election_id=999999)
    eid = board.org.ok("election_open")["election"]["id"]
    board.refuse(police[0], "election_withdraw", "not_candidate", election_id=eid)  # never stood
    nom = police[0].ok("election_nominate", election_id=eid, participant_id=police[1].participant_id)
    board.refuse(police[1], "election_withdraw", "not_candidate", election_id=eid)  # asked, not accepted: decline
    board.refuse(board.org, "election_withdraw", "forbidden", election_id=eid)
    police[1].ok("election_nomination_answer", candidate_id=nom["candidate_id"], accept=True)
    # Past the council segment, nominations still open: refused, as nominating is.
    board.org.ok("workshop_advance")
    board.refuse(police[1], "election_withdraw", "wrong_phase", election_id=eid)
    board.org.ok("workshop_back")
    board.org.ok("election_ballot_open", election_id=eid)
    board.refuse(police[1], "election_withdraw", "wrong_stage", election_id=eid)
