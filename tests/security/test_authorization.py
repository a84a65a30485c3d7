"""Who may do what to whom (docs/security.md, "Authorization matrix").

Every command of server.domain.REGISTRY is sent by every kind of attacker at
a victim: room A's data in workshop W. Roles: the organiser of W, the
facilitator of room A, the facilitator of room B, a participant of room A who
is not the author, a participant of room B, the author (the victim itself),
the projector, the organiser of another workshop, and a sender without a
token. Each attempt is either allowed or refused with a named code; a refused
attempt changes nothing at all (every table's row count, the victim
workshop's event log length, and the snapshots of its organiser, room A's
facilitator and the author), and no screen receives an event because of it.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select, update

from server.domain import REGISTRY, dispatch
from server.domain.errors import CommandError
from server.domain.sectors import preset
from server.extensions import socketio
from server.models import FacilitatorInvite, Participant, PlanEntry, utcnow

from ..board import table_counts
from .conftest import Scene, event_count

ROLES = ("organiser", "facilitator", "other_facilitator", "participant", "other_participant", "author",
         "display", "other_organiser", "no_token")
PRINCIPAL_ROLE = {"organiser": "organiser", "facilitator": "facilitator", "other_facilitator": "facilitator",
                  "participant": "participant", "other_participant": "participant", "author": "participant",
                  "display": "display", "other_organiser": "organiser", "no_token": None}
OK = "ok"
# Accepted, but it acts on the sender's own workshop: the victim's must not change.
OWN = "own"
DROP = object()  # remove this key from the payload


@dataclass
class Case:
    setup: Callable[[Scene], None]
    payload: Callable[[Scene], dict]
    # role -> list of (expected code | OK | OWN, payload changes); a role missing
    # here is refused `forbidden` (not its command) or OK (its command).
    expect: dict[str, list[tuple[str, dict]]] = field(default_factory=dict)
    # run before each allowed attempt, so every allowed role finds a target
    fresh: Callable[[Scene], None] = lambda s: None


def nothing(s):
    pass


_renames = itertools.count(1)


def renamed_sectors() -> list[dict]:
    """The default sectors (the `groups` preset) with the first one renamed, differently each call."""
    out = preset("groups", ["en", "es", "fa"])
    out[0]["names"] = {lang: f"Police {next(_renames)}" for lang in out[0]["names"]}
    return out


def room_a(s):
    return {"room_id": s.A}


def in_phase(phase, rooms=(0, 1)):
    def setup(s):
        s.phase(phase, *rooms)
    return setup


def with_timer(s):
    s.org.ok("timer_set", room_id=s.A, seconds=600)


def help_called(s):
    s.fac.ok("help_call", message="Please come to room A")


def brainstorm_post(s):
    s.phase("brainstorm")
    s.vb = s.post("The victim's private brainstorm post")


def revealed_pair(s):
    if s.b.room_phase(s.A) != "reveal":
        s.phase("brainstorm")
        s.pair = [s.post("Stops are never explained"), s.post("Nobody explains a stop")]
        s.phase("reveal")
    else:
        s.pair = [s.post("Another duplicate"), s.post("Yet another duplicate")]


def merged(s):
    revealed_pair(s)
    s.shared = s.org.ok("barrier_merge", room_id=s.A, barrier_ids=s.pair)["shared_id"]


def merged_own(s):
    """The author's two posts merged (by the organiser): the author may object."""
    revealed_pair(s)
    s.shared = s.org.ok("barrier_merge", room_id=s.A, barrier_ids=s.pair)["shared_id"]
    s.member = s.pair[0]


def objected(s):
    merged_own(s)
    s.author.ok("merge_object", barrier_id=s.member, reason="Not the same thing")


def voting(s):
    s.phase("brainstorm")
    s.vb = s.post("Officers do not live here")
    s.post("Another barrier in room B", who=s.other_participant)
    s.phase("vote")


def voted(s):
    voting(s)
    s.author.ok("vote_cast", target_type="barrier", target_id=s.vb)


def solutions(s):
    voting(s)
    s.phase("solutions")


def solution_posted(s):
    solutions(s)
    s.vs = s.propose(s.vb, "Monthly coffee with officers")


def revealed_post(s):
    if s.b.room_phase(s.A) != "reveal":
        s.phase("brainstorm")
        s.phase("reveal")
    s.vb = s.post("A post to moderate")


def hidden_post(s):
    revealed_post(s)
    s.fac.ok("post_hide", kind="barrier", id=s.vb, reason="off topic")


def report_out(s):
    s.phase("brainstorm", 0)
    s.queue = [s.post(f"Barrier for the plenary {i}") for i in range(5)]
    s.phase("report_out", 0)
    s.vb = s.queue.pop(0)


def next_barrier(s):
    s.vb = s.queue.pop(0)


def pushed(s):
    report_out(s)
    s.items = s.org.ok("report_push", room_id=s.A, barrier_ids=s.queue[:3])["item_ids"]
    s.item = s.items[0]


def next_item(s):
    s.item = s.items.pop(0)


def plenary(s):
    pushed(s)
    s.b.workshop_phase("plenary")
    s.other_organiser.ok("workshop_advance")  # so its refusal is about the item, not its own phase


def plenary_merged(s):
    plenary(s)
    s.org.ok("plenary_merge", item_ids=s.items[:2])


def plan_entry(s):
    s.b.workshop_phase("plenary")
    s.entry = s.org.ok("plan_entry_create", title="Publish stop data monthly")["entry"]["id"]
    s.other_organiser.ok("workshop_advance")


def entry_version(s) -> int:
    with s.db.reading() as session:
        return session.get(PlanEntry, s.entry).versions["owner"]


def volunteered(s):
    s.author.ok("council_volunteer", contact="victoria@example.org", consent=True)


def council_member(s):
    volunteered(s)
    s.org.ok("council_role_set", participant_id=s.author.participant_id, role="member")


def council_link(s):
    s.org.ok("council_link_issue", participant_id=s.author.participant_id)


def council_linked(s):
    council_member(s)
    council_link(s)


def plan_after_the_day(s):
    """A plan entry with the workshop (and the other organiser's) in action_plan, where notes are taken."""
    plan_entry(s)
    s.b.workshop_phase("action_plan")
    s.other_organiser.ok("workshop_advance")


def meeting_scheduled(s):
    """A council meeting in W once its plan exists (docs/council.md); the other organiser's day has its plan too,
    so its refusal is about W's meeting, not its own phase."""
    plan_after_the_day(s)
    s.other_organiser.ok("workshop_advance")
    s.meeting = s.org.ok("meeting_schedule", starts_at="2027-01-14T18:30", timezone="America/Chicago")["meeting"]["id"]


def paused(s):
    s.org.ok("workshop_pause", message="Break")


def to_plenary(s):
    s.b.workshop_phase("plenary")


def dots_closed(s):
    plenary(s)
    s.org.ok("plenary_vote_close")
    s.other_organiser.ok("plenary_vote_close")  # so its refusal is about the items, not its own dots


def pulse_opened(s):
    s.pulse = s.org.ok("pulse_open", label="start")["pulse"]["id"]


def followup_closed(s):
    """No follow-up pulse open, so the organiser may ask one."""
    s.org.send("followup_close")


def followup_opened(s):
    closed(s)
    s.org.ok("followup_open")


def council_segment(s):
    """The day reaches its council segment, where the council is elected (docs/council-election.md)."""
    s.org.ok("agenda_set", agenda=["breakout", "council", "closing"])
    s.org.ok("workshop_advance")


def nominations_open(s):
    council_segment(s)
    s.election = s.org.ok("election_open")["election"]["id"]


def nominated(s):
    """Room A's other participant nominates the victim, who has not answered yet."""
    nominations_open(s)
    s.candidate = s.participant.ok("election_nominate", election_id=s.election,
                                   participant_id=s.author.participant_id)["candidate_id"]


def ballot_open(s):
    nominations_open(s)
    s.candidate = s.author.ok("election_nominate", election_id=s.election,
                              participant_id=s.author.participant_id)["candidate_id"]
    s.org.ok("election_ballot_open", election_id=s.election)


def ballot_tied(s):
    """Two candidates with a vote each: a tie for the seat."""
    nominations_open(s)
    own = {}
    for who in (s.author, s.participant):
        own[who] = who.ok("election_nominate", election_id=s.election, participant_id=who.participant_id)["candidate_id"]
    s.org.ok("election_ballot_open", election_id=s.election)
    for who in (s.author, s.participant):
        who.ok("election_vote", election_id=s.election, candidate_ids=[own[who]])
    s.org.ok("election_close", election_id=s.election)


def both_stand(s):
    """Room A's two participants stand: each may withdraw their own candidacy."""
    nominations_open(s)
    for who in (s.author, s.participant):
        who.ok("election_nominate", election_id=s.election, participant_id=who.participant_id)


def newcomer_of_room_a(s):
    s.newcomer = s.b.person(0)


def nominations_and_a_newcomer(s):
    nominations_open(s)
    newcomer_of_room_a(s)


def all_in_room_a(s):
    """Everyone of W in room A, so that seating the rooms again moves someone."""
    with s.db.reading() as session:
        away = list(session.scalars(select(Participant.id).where(
            Participant.workshop_id == s.day.workshop_id, Participant.room_id != s.A,
            Participant.removed_at.is_(None))))
    for pid in away:
        s.org.ok("participant_move", participant_id=pid, room_id=s.A)


_agendas = itertools.count(1)
_room_counts = itertools.count(3)
_language_sets = itertools.cycle([["en"], ["es"], ["en", "es"]])


def another_languages() -> list[str]:
    """A different set of the workshop's languages each call (the same again is `no_change`)."""
    return next(_language_sets)


def another_agenda() -> list[str]:
    """The short day with more action-plan segments each call (the same agenda again is `no_change`)."""
    return ["breakout", "prioritise", *["action_plan"] * (next(_agendas) % 9 + 1), "closing"]


def newcomer(s):
    s.newcomer = s.b.person(0)


def closed(s):
    s.b.workshop_phase("closed")


CROSS_ROOM = [("forbidden", {})]  # naming room A from elsewhere
FOREIGN = [("not_found", {})]  # the other workshop's organiser naming W's room or item
ROOM_CMD = {"other_facilitator": CROSS_ROOM, "other_organiser": FOREIGN}

CASES: dict[str, Case] = {
    "phase_advance": Case(nothing, lambda s: {"room_id": s.A, "from_phase": "lobby"}, ROOM_CMD,
                          fresh=in_phase("lobby", (0,))),
    "phase_back": Case(in_phase("brainstorm", (0,)), lambda s: {"room_id": s.A, "from_phase": "brainstorm"}, ROOM_CMD,
                       fresh=in_phase("brainstorm", (0,))),
    "timer_set": Case(nothing, lambda s: {"room_id": s.A, "seconds": 60}, ROOM_CMD),
    "timer_extend": Case(with_timer, lambda s: {"room_id": s.A, "seconds": 60}, ROOM_CMD),
    "timer_clear": Case(with_timer, room_a, ROOM_CMD, fresh=with_timer),
    # help_call names no room: the only way to aim it at room A is a field it does not have.
    "help_call": Case(nothing, lambda s: {"message": "help"},
                      {"other_facilitator": [("invalid", {"room_id": "A"})]}),
    "help_clear": Case(help_called, room_a, ROOM_CMD, fresh=help_called),
    "barrier_post": Case(in_phase("brainstorm"), lambda s: {"text": "My own barrier"},
                         {"other_participant": [("invalid", {"room_id": "A"})]}),
    "barrier_withdraw": Case(brainstorm_post, lambda s: {"barrier_id": s.vb},
                             {"participant": [("forbidden", {})], "other_participant": [("not_found", {})]}),
    "barrier_merge": Case(revealed_pair, lambda s: {"room_id": s.A, "barrier_ids": s.pair},
                          {"other_facilitator": [("forbidden", {}), ("not_found", {"room_id": DROP})],
                           "other_organiser": FOREIGN}, fresh=revealed_pair),
    "merge_undo": Case(merged, lambda s: {"shared_id": s.shared},
                       {"other_facilitator": [("not_found", {})], "other_organiser": FOREIGN}, fresh=merged),
    # Only the author of a member barrier may object: another participant of the room is not
    # its author; room B's participant cannot reach room A's barrier.
    "merge_object": Case(merged_own, lambda s: {"barrier_id": s.member, "reason": "Not the same"},
                         {"participant": [("forbidden", {})], "other_participant": [("not_found", {})]}),
    "merge_objection_dismiss": Case(objected, lambda s: {"shared_id": s.shared},
                                    {"other_facilitator": [("not_found", {})], "other_organiser": FOREIGN},
                                    fresh=objected),
    "vote_cast": Case(voting, lambda s: {"target_type": "barrier", "target_id": s.vb},
                      {"other_participant": [("not_found", {})]}),
    "vote_withdraw": Case(voted, lambda s: {"target_type": "barrier", "target_id": s.vb},
                          {"participant": [("not_voted", {})], "other_participant": [("not_found", {})]}),
    "solution_post": Case(solutions, lambda s: {"barrier_id": s.vb, "text": "Walk the beat on foot"},
                          {"other_participant": [("not_found", {})]}),
    "solution_withdraw": Case(solution_posted, lambda s: {"solution_id": s.vs},
                              {"participant": [("forbidden", {})], "other_participant": [("not_found", {})]}),
    "post_hide": Case(revealed_post, lambda s: {"kind": "barrier", "id": s.vb, "reason": "abuse"},
                      {"other_facilitator": [("not_found", {})], "other_organiser": FOREIGN}, fresh=revealed_post),
    "post_restore": Case(hidden_post, lambda s: {"kind": "barrier", "id": s.vb},
                         {"other_facilitator": [("not_found", {})], "other_organiser": FOREIGN}, fresh=hidden_post),
    "report_push": Case(report_out, lambda s: {"room_id": s.A, "barrier_ids": [s.vb]},
                        ROOM_CMD, fresh=next_barrier),
    "report_withdraw": Case(pushed, lambda s: {"item_id": s.item},
                            {"other_facilitator": [("forbidden", {})], "other_organiser": FOREIGN}, fresh=next_item),
    "plenary_merge": Case(plenary, lambda s: {"item_ids": s.items[:2]}, {"other_organiser": FOREIGN}),
    "plenary_merge_undo": Case(plenary_merged, lambda s: {"item_id": s.items[0]}, {"other_organiser": FOREIGN}),
    "plan_entry_create": Case(plenary, lambda s: {"plenary_item_id": s.item},
                              {"other_organiser": FOREIGN}, fresh=next_item),
    # The draft plan is the whole workshop's: every facilitator may edit it (audited).
    "plan_entry_update": Case(plan_entry, lambda s: {"entry_id": s.entry, "field": "owner", "value": "Chief",
                                                     "version": entry_version(s)},
                              {"other_organiser": FOREIGN}),
    "council_volunteer": Case(nothing, lambda s: {"contact": "me@example.org", "consent": True},
                              {"participant": [("invalid", {"participant_id": "author"}), (OK, {})]}),
    "council_role_set": Case(volunteered, lambda s: {"participant_id": s.author.participant_id, "role": "member"},
                             {"other_organiser": [("not_found", {})]}),
    # After the day (docs/council.md). The other organiser names W's council member: no such participant there.
    "council_link_issue": Case(council_member, lambda s: {"participant_id": s.author.participant_id},
                               {"other_organiser": [("not_found", {})]}),
    "council_link_revoke": Case(council_linked, lambda s: {"participant_id": s.author.participant_id},
                                {"other_organiser": [("not_found", {})]}, fresh=council_link),
    "plan_note_add": Case(plan_after_the_day, lambda s: {"entry_id": s.entry, "text": "Met with the chief"},
                          {"other_organiser": FOREIGN}),
    # The council's work after the day (server/domain/meetings.py): the organiser (and a co-chair's link).
    "meeting_schedule": Case(meeting_scheduled, lambda s: {"starts_at": "2027-02-11T18:30", "timezone": "Europe/London",
                                                           "place": "Library", "agenda": "Stop data"},
                             {"other_organiser": [(OWN, {})]}),
    "meeting_minutes_set": Case(meeting_scheduled, lambda s: {"meeting_id": s.meeting, "minutes": "Agreed", "version": 1},
                                {"other_organiser": FOREIGN}),
    "plan_due_set": Case(meeting_scheduled, lambda s: {"entry_id": s.entry, "due": "2027-01-31", "version": 1},
                         {"other_organiser": FOREIGN}),
    # A new name for the first sector each time (the same list again is `no_change`).
    "sectors_set": Case(nothing, lambda s: {"sectors": renamed_sectors()}, {"other_organiser": [(OWN, {})]}),
    "agenda_set": Case(nothing, lambda s: {"agenda": another_agenda()}, {"other_organiser": [(OWN, {})]}),
    "prompts_set": Case(nothing, lambda s: {"prompts": {"barrier": {"en": f"What is in the way? {next(_agendas)}"}}},
                        {"other_organiser": [(OWN, {})]}),
    "room_languages_set": Case(nothing, lambda s: {"room_id": s.A, "languages": another_languages()}, ROOM_CMD),
    # One more room each time (the same count again is `no_change`): before the day, organisers only.
    "rooms_set": Case(nothing, lambda s: {"count": next(_room_counts)}, {"other_organiser": [(OWN, {})]}),
    "rooms_form": Case(nothing, lambda s: {}, {"other_organiser": [(OWN, {})]}, fresh=all_in_room_a),
    "plenary_vote_close": Case(to_plenary, lambda s: {}, {"other_organiser": [(OWN, {})]}),
    "priorities_confirm": Case(dots_closed, lambda s: {"item_ids": s.items[:2]}, {"other_organiser": FOREIGN}),
    "pulse_open": Case(nothing, lambda s: {"label": "start"}, {"other_organiser": [(OWN, {})]}),
    "pulse_close": Case(pulse_opened, lambda s: {}, {"other_organiser": [(OWN, {})]}),
    # Both of W's participants answer once; nobody else may.
    "pulse_answer": Case(pulse_opened, lambda s: {"pulse_id": s.pulse, "answers": {"trust": 3}}),
    # After the day (docs/pulse.md): the other organiser's day is not closed.
    "followup_open": Case(closed, lambda s: {}, {"other_organiser": [("wrong_phase", {})]},
                          fresh=lambda s: followup_closed(s)),
    "followup_close": Case(followup_opened, lambda s: {}, {"other_organiser": [("not_open", {})]}),
    # The council elected by its sectors (docs/council-election.md); the other organiser's day is not
    # in its council segment, and it cannot name W's election.
    "election_open": Case(council_segment, lambda s: {}, {"other_organiser": [(OWN, {})]}),
    "election_ballot_open": Case(nominated, lambda s: {"election_id": s.election}, {"other_organiser": FOREIGN},
                                 fresh=lambda s: s.author.send("election_nomination_answer",
                                                               candidate_id=s.candidate, accept=True)),
    "election_close": Case(ballot_open, lambda s: {"election_id": s.election}, {"other_organiser": FOREIGN}),
    "election_runoff": Case(ballot_tied, lambda s: {"election_id": s.election}, {"other_organiser": FOREIGN}),
    # Each of W's participants nominates a newcomer of their sector; only participants nominate.
    "election_nominate": Case(nominations_and_a_newcomer, lambda s: {"election_id": s.election,
                                                           "participant_id": s.newcomer.participant_id},
                              fresh=newcomer_of_room_a),
    # Only the nominee answers their nomination.
    "election_nomination_answer": Case(nominated, lambda s: {"candidate_id": s.candidate, "accept": True},
                                       {"participant": [("not_found", {})],
                                        "other_participant": [("not_found", {})]}),
    # A candidate withdraws their own candidacy; room B's participant, who never stood, has none to withdraw.
    "election_withdraw": Case(both_stand, lambda s: {"election_id": s.election},
                              {"other_participant": [("not_candidate", {})]}),
    # Each of W's participants (one sector) votes once, secretly.
    "election_vote": Case(ballot_open, lambda s: {"election_id": s.election, "candidate_ids": [s.candidate]}),
    "workshop_update": Case(nothing, lambda s: {"title": "Hijacked"}, {"other_organiser": [(OWN, {})]}),
    "workshop_advance": Case(nothing, lambda s: {}, {"other_organiser": [(OWN, {})]}),
    "workshop_back": Case(to_plenary, lambda s: {}, {"other_organiser": [(OWN, {})]}),
    "workshop_pause": Case(nothing, lambda s: {"message": "Go home"}, {"other_organiser": [(OWN, {})]}),
    "workshop_resume": Case(paused, lambda s: {}, {"other_organiser": [(OWN, {})]}),
    "participant_move": Case(nothing, lambda s: {"participant_id": s.author.participant_id, "room_id": s.B},
                             {"other_organiser": FOREIGN}),
    # Each allowed removal takes a newcomer of room A (the victim stays for the other checks).
    "participant_remove": Case(newcomer, lambda s: {"participant_id": s.newcomer.participant_id, "reason": "abuse"},
                               {"other_facilitator": [("not_found", {})], "other_organiser": FOREIGN}, fresh=newcomer),
    "facilitator_revoke": Case(nothing, lambda s: {"room_id": s.A, "reason": "lost tablet"},
                               {"other_organiser": FOREIGN}),
    "facilitator_invite_renew": Case(nothing, room_a, {"other_organiser": FOREIGN}),
    # Re-issuing a link names no workshop: the other organiser can only re-issue its own.
    "display_link_renew": Case(nothing, lambda s: {}, {"other_organiser": [(OWN, {})]}),
    # The organiser link is re-issued only by the server's operator (the CLI), never over a socket.
    "organiser_link_renew": Case(nothing, lambda s: {}, {"organiser": [("forbidden", {})],
                                                         "other_organiser": [("forbidden", {})]}),
    # A seat code for the victim: their own phone, their room's facilitator or an organiser; nobody else.
    "seat_code_issue": Case(nothing, lambda s: {"participant_id": s.author.participant_id},
                            {"participant": [("forbidden", {})], "other_participant": [("forbidden", {})],
                             "other_facilitator": [("not_found", {})], "other_organiser": FOREIGN}),
    "post_edit": Case(revealed_post, lambda s: {"kind": "barrier", "id": s.vb, "text": "Corrected by someone"},
                      {"other_facilitator": [("not_found", {})], "other_organiser": FOREIGN}, fresh=revealed_post),
    # The other organiser can only aim at its own workshop, which is still open.
    "workshop_purge": Case(closed, lambda s: {}, {"other_organiser": [("wrong_phase", {})]}),
}


def test_every_command_has_a_case():
    assert set(CASES) == set(REGISTRY)


def expectations(name: str) -> dict[str, list[tuple[str, dict]]]:
    spec, case = REGISTRY[name], CASES[name]
    out = {}
    for role in ROLES:
        if role == "no_token":
            out[role] = [("unauthorized", {})]
        elif PRINCIPAL_ROLE[role] not in spec.roles:
            out[role] = [("forbidden", {})]
        else:
            out[role] = case.expect.get(role, [(OK, {})])
    return out


def resolve(s: Scene, payload: dict, changes: dict) -> dict:
    names = {"A": s.A, "B": s.B, "author": s.author.participant_id}
    out = dict(payload)
    for key, value in changes.items():
        if value is DROP:
            out.pop(key, None)
        else:
            out[key] = names.get(value, value) if isinstance(value, str) else value
    return out


def attempt(s: Scene, role: str, name: str, payload: dict) -> dict:
    """Send as `role`; returns the ack (dispatch without a principal for no_token)."""
    if role == "no_token":
        try:
            dispatch(s.db, None, name, {"cid": "no-token", **payload})
        except CommandError as err:
            return {"ok": False, "error": err.as_dict()}
        raise AssertionError("a command without a principal was accepted")
    return s.clients[role].send(name, **payload)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_attacker_is_refused_and_the_victim_unchanged(scene, name):
    s, case = scene, CASES[name]
    case.setup(s)
    plan = expectations(name)
    refused = [(r, code, ch) for r, variants in plan.items() for code, ch in variants if code not in (OK, OWN)]
    allowed = [(r, code, ch) for r, variants in plan.items() for code, ch in variants if code in (OK, OWN)]
    assert refused, name
    for role, code, changes in refused:
        payload = resolve(s, case.payload(s), changes)
        s.drain()
        before = s.everything()
        ack = attempt(s, role, name, payload)
        assert not ack["ok"], f"{role} {name} {payload} was accepted; expected {code}"
        assert ack["error"]["code"] == code, f"{role} {name}: expected {code}, got {ack['error']}"
        assert ack["error"]["message"]
        assert s.everything() == before, f"{role} {name} was refused ({code}) but the victim's data changed"
        got = {c.role + str(c.participant_id or c.room_id or ""): c.events() for c in s.day.clients}
        assert not any(got.values()), f"{role} {name} was refused but screens received events: {got}"
    for role, code, changes in allowed:
        case.fresh(s)
        payload = resolve(s, case.payload(s), changes)
        if code == OWN:
            before = s.victim_view()
            ack = attempt(s, role, name, payload)
            assert s.victim_view() == before, f"{role} {name} acted on its own workshop but changed the victim's"
        else:
            ack = attempt(s, role, name, payload)
            assert ack["ok"], f"{role} {name} {payload} should be allowed: {ack}"


# -- no token at all ----------------------------------------------------------------------

def test_without_a_token_nothing_connects_and_nothing_runs(scene):
    s = scene
    before = s.everything()
    for auth in (None, {}, {"token": s.day.created["join_code"]}, {"token": s.day.workshop_id}):
        client = socketio.test_client(s.day.app, auth=auth)
        assert not client.is_connected()
    for name in REGISTRY:
        assert attempt(s, "no_token", name, {})["error"]["code"] == "unauthorized"
    assert s.everything() == before


# -- room isolation: reading ------------------------------------------------------------------

def test_another_rooms_posts_never_reach_a_participant_or_facilitator(scene):
    """Room A's barriers and solutions are never sent to room B, live, by sync or in a snapshot."""
    s = scene
    watchers = {"other_participant": s.other_participant, "other_facilitator": s.b.fac_b}
    s.drain()
    live = {k: [] for k in watchers}

    def pump():
        for k, c in watchers.items():
            live[k].extend(c.events())

    secrets = []
    s.phase("brainstorm")
    for i in range(3):
        secrets.append(f"ROOM-A-SECRET-{i}")
        s.post(secrets[-1], who=[s.author, s.participant][i % 2], anonymous=bool(i % 2))
    s.post("Room B's own barrier", who=s.other_participant)
    pump()
    s.phase("reveal")
    secrets.append("ROOM-A-SECRET-merged")
    ids = [s.post("ROOM-A-SECRET-x"), s.post("ROOM-A-SECRET-y", who=s.participant)]
    secrets += ["ROOM-A-SECRET-x", "ROOM-A-SECRET-y"]
    s.fac.ok("barrier_merge", barrier_ids=ids, text="ROOM-A-SECRET-merged")
    s.phase("vote")
    s.phase("solutions")
    a_barriers = [int(k) for k in s.fac.snapshot()["barriers"]]
    top = next(b for b in a_barriers if s.fac.snapshot()["barriers"][str(b)]["merged_into"] is None)
    s.propose(top, "ROOM-A-SECRET-solution")
    secrets.append("ROOM-A-SECRET-solution")
    sol = int(next(iter(s.fac.snapshot()["solutions"])))
    s.participant.ok("vote_cast", target_type="solution", target_id=sol)
    s.fac.ok("post_hide", kind="solution", id=sol, reason="ROOM-A-SECRET-reason")
    secrets.append("ROOM-A-SECRET-reason")
    pump()
    for role, c in watchers.items():
        snap = c.snapshot()
        resumed = c.sync(0)
        assert resumed["ok"] and resumed["mode"] == "events"
        blob = repr([snap, resumed, live[role]])
        leaked = [t for t in secrets if t in blob]
        assert not leaked, f"{role} received room A's posts: {leaked}"
        assert not {int(k) for k in snap["barriers"]} & set(a_barriers)
        assert all(b["room_id"] == s.B for b in snap["barriers"].values())
        assert all(x["room_id"] == s.B for x in snap["solutions"].values())
        for ev in [*resumed["events"], *live[role]]:
            if ev["type"] in ("barrier_posted", "barriers_revealed", "barriers_merged", "solution_posted",
                              "post_hidden", "post_restored", "tally"):
                assert "ROOM-A" not in repr(ev) and ev["data"].get("room_id", s.B) == s.B, (role, ev)
                for view in (ev["data"].get("barrier"), ev["data"].get("solution"), ev["data"].get("shared")):
                    assert view is None or view["room_id"] == s.B, (role, ev)
    # The projector sees counts, never text, before anything is reported out.
    disp = s.b.display
    assert not [t for t in secrets if t in repr([disp.snapshot(), disp.sync(0), disp.events()])]


def test_a_facilitator_cannot_act_on_another_rooms_posts(scene):
    """Every item command a facilitator of room B could aim at room A's posts, without naming a room."""
    s = scene
    s.phase("brainstorm")
    b1, b2 = s.post("Room A barrier one"), s.post("Room A barrier two", who=s.participant)
    s.phase("reveal")
    shared_pair = [s.post("dup one"), s.post("dup two")]
    shared = s.fac.ok("barrier_merge", barrier_ids=shared_pair)["shared_id"]
    s.fac.ok("post_hide", kind="barrier", id=b2, reason="spam")
    fac_b = s.b.fac_b
    s.phase("reveal", 1)
    attempts = [
        ("post_hide", {"kind": "barrier", "id": b1, "reason": "mine now"}, "not_found"),
        ("post_restore", {"kind": "barrier", "id": b2}, "not_found"),
        ("barrier_merge", {"barrier_ids": [b1, shared]}, "not_found"),
        ("merge_undo", {"shared_id": shared}, "not_found"),
        ("phase_advance", {"room_id": s.A, "from_phase": "reveal"}, "forbidden"),
        ("timer_set", {"room_id": s.A, "seconds": 30}, "forbidden"),
    ]
    for name, payload, code in attempts:
        s.drain()
        before = s.everything()
        ack = fac_b.send(name, **payload)
        assert not ack["ok"] and ack["error"]["code"] == code, (name, ack)
        assert s.everything() == before, name
    s.phase("report_out", 1)
    s.phase("report_out", 0)
    item = s.org.ok("report_push", room_id=s.A, barrier_ids=[b1])["item_ids"][0]
    before = s.everything()
    assert fac_b.send("report_push", barrier_ids=[b1])["error"]["code"] == "not_found"
    assert fac_b.send("report_withdraw", item_id=item)["error"]["code"] == "forbidden"
    assert s.everything() == before


# -- revoked links and removed people ---------------------------------------------------------

def revoke(s: Scene):
    with s.db.transaction() as session:
        session.execute(update(FacilitatorInvite).where(FacilitatorInvite.room_id == s.A).values(revoked_at=utcnow()))


def remove(s: Scene, who):
    with s.db.transaction() as session:
        session.execute(update(Participant).where(Participant.id == who.participant_id).values(removed_at=utcnow()))


def test_revoke_and_remove_go_through_commands(scene):
    """The schema's revoked_at / removed_at are set by commands (audited), not by hand."""
    s = scene
    s.org.ok("facilitator_revoke", room_id=s.A, reason="lost")
    s.b.fac_b.ok("participant_remove", participant_id=s.other_participant.participant_id, reason="abuse")
    with s.db.reading() as session:
        assert session.scalar(select(FacilitatorInvite.revoked_at).where(FacilitatorInvite.room_id == s.A))
        assert session.get(Participant, s.other_participant.participant_id).removed_at is not None


def test_a_revoked_link_and_a_removed_person_can_do_and_read_nothing_more(scene):
    s = scene
    s.phase("brainstorm")
    revoke(s)
    remove(s, s.participant)

    def everything():
        return {"organiser": s.org.snapshot(), "author": s.author.snapshot(),
                "events": event_count(s.db, s.day.workshop_id), "rows": table_counts(s.db)}
    before = everything()
    for client, name, payload in ((s.fac, "timer_set", {"seconds": 60}), (s.participant, "barrier_post", {"text": "x"})):
        assert client.send(name, **payload)["error"]["code"] == "unauthorized"
        for since in (None, 0):
            ack = client.sync(since)
            assert ack == {"ok": False, "error": ack["error"]} and ack["error"]["code"] == "unauthorized"
    assert everything() == before
    for token in (s.day.created["facilitators"][0]["token"], s.participant.token):
        assert not socketio.test_client(s.day.app, auth={"token": token}).is_connected()


def test_a_revoked_link_loses_its_live_connection_at_once(scene):
    """facilitator_revoke cuts the open tablet at once (not at its next command), and nothing more reaches it."""
    s = scene
    s.phase("brainstorm")
    s.drain()
    s.org.ok("facilitator_revoke", room_id=s.A, reason="Tablet lost")
    assert not s.fac.sio.is_connected()
    assert [e["type"] for e in s.fac.events()] == ["access_ended"]
    s.post("Posted after the facilitator was revoked")
    assert not s.fac.sio.queue
    # Everyone else is still connected, the other room's facilitator and the organiser included.
    assert all(c.sio.is_connected() for k, c in s.clients.items() if k != "facilitator")


def test_a_removed_participant_loses_their_live_connection_at_once(scene):
    s = scene
    s.phase("brainstorm")
    s.drain()
    s.fac.ok("participant_remove", participant_id=s.participant.participant_id, reason="Threats")
    assert not s.participant.sio.is_connected()
    assert [e["type"] for e in s.participant.events()] == ["access_ended", "participant_removed"]
    s.phase("reveal")
    assert not s.participant.sio.queue
    assert s.author.sio.is_connected()
    # Reconnecting with the same link is refused.
    assert not socketio.test_client(s.day.app, auth={"token": s.participant.token}).is_connected()
