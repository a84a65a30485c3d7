"""The agenda (docs/agenda.md): an SPCP day's caucus rooms, prioritisation and mixed solution rooms,
and the organiser's commands that shape the day; each with what it refuses."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from server.domain import rules, seating
from server.domain.errors import CommandError
from server.domain.workshops import create_workshop
from server.models import Participant, PlanEntry, PlenaryItem

from .board import Board, types
from .conftest import Day

SIX = [{"names": {"en": name, "es": name, "fa": fa}, "side": side} for name, fa, side in (
    ("Faith", "ایمان", "community"), ("Youth", "جوانان", "community"), ("New Americans", "مهاجران", "community"),
    ("Law enforcement", "پلیس", "law_enforcement"), ("Business", "کسب‌وکار", "other"),
    ("Civil rights", "حقوق مدنی", "community"))]
KEYS = ["faith", "youth", "new_americans", "law_enforcement", "business", "civil_rights"]


class Spcp(Board):
    """An SPCP day: six named sectors, three rooms, the `spcp` agenda."""

    def __init__(self, day, people_per_sector=(4, 3, 2, 4, 1, 2)):
        super().__init__(day)
        self.people = []
        for key, n in zip(KEYS, people_per_sector, strict=True):
            for _ in range(n):
                self.people.append(day.join(group=key))

    def seats(self) -> dict[int, tuple[int, str]]:
        with self.db.reading() as s:
            return {p.id: (p.room_id, p.group) for p in s.scalars(select(Participant).where(
                Participant.workshop_id == self.day.workshop_id))}

    def walk_room(self, room_id: int, to: str) -> None:
        phases = rules.ROUND_PHASES[self.org.snapshot()["workshop"]["agenda"][self.segment()]]
        while (now := self.room_phase(room_id)) != to:
            self.org.ok("phase_advance", room_id=room_id, from_phase=now)
        assert now in phases

    def segment(self) -> int:
        return self.org.snapshot()["workshop"]["segment"]


def bare(result: dict) -> dict:
    """A command's result without the event number it carries."""
    return {k: v for k, v in result.items() if k != "seq"}


@pytest.fixture
def spcp(app):
    d = Day(app)
    d.create(rooms=3, agenda="spcp", sectors=SIX, live_tallies=False)
    yield Spcp(d)
    d.close()


def test_seating_rules():
    # As many rooms as sectors or more: a room each, the spare ones to the largest.
    assert seating.caucus_rooms([1, 2, 3, 4], [("a", 9), ("b", 2), ("c", 3)]) == {1: ["a"], 2: ["a"], 3: ["b"], 4: ["c"]}
    # Fewer rooms: the largest first, each where the fewest people are; the small ones share.
    assert seating.caucus_rooms([1, 2], [("a", 9), ("b", 2), ("c", 3)]) == {1: ["a"], 2: ["c", "b"]}
    people = [(i, key, "community" if key != "police" else "law_enforcement")
              for i, key in enumerate(["police"] * 4 + ["faith"] * 3 + ["youth"] * 2 + ["biz"])]
    seats = seating.seat_mixed(people, [10, 20, 30])
    by_room = {r: Counter(key for pid, key, _ in people if seats[pid] == r) for r in (10, 20, 30)}
    assert all(by_room[r]["police"] >= 1 and by_room[r]["faith"] == 1 for r in by_room)
    assert sorted(sum(c.values()) for c in by_room.values()) == [3, 3, 4]


def test_an_spcp_day_opens_with_caucus_rooms_and_people_sit_with_their_sector(spcp):
    view = spcp.org.snapshot()
    assert view["workshop"]["agenda"] == list(rules.AGENDA_PRESETS["spcp"]) and view["workshop"]["segment"] == 0
    assert view["workshop"]["phase"] == "breakouts"
    dealt = {r["id"]: r["sectors"] for r in view["rooms"].values()}
    assert sorted(k for keys in dealt.values() for k in keys) == sorted(KEYS)  # every sector has a room
    for room_id, key in spcp.seats().values():
        assert key in dealt[room_id], f"a {key} person sits in a room gathering {dealt[room_id]}"


def test_caucus_rooms_post_strengths_and_barriers_apart(spcp):
    faith = spcp.people[0]
    spcp.walk_room(faith.room_id, "brainstorm")
    strength = faith.ok("barrier_post", text="The mosque hosts the youth league", kind="strength")["barrier"]
    barrier = faith.ok("barrier_post", text="Stops without explanation")["barrier"]
    assert (strength["kind"], barrier["kind"]) == ("strength", "barrier")
    spcp.walk_room(faith.room_id, "reveal")
    other = spcp.people[1].ok("barrier_post", text="Stops without a reason")["barrier"]
    fac = spcp.day._client(spcp.day.created["facilitators"][spcp.day.room_ids.index(faith.room_id)]["token"],
                           "facilitator", room_id=faith.room_id)
    err = spcp.refuse(fac, "barrier_merge", "invalid", barrier_ids=[strength["id"], barrier["id"]])
    assert "strengths with strengths" in err["message"]
    shared = fac.ok("barrier_merge", barrier_ids=[barrier["id"], other["id"]])
    assert spcp.org.snapshot()["barriers"][str(shared["shared_id"])]["kind"] == "barrier"
    # The caucus round's rooms stop at the reveal.
    spcp.refuse(spcp.org, "phase_advance", "wrong_phase", room_id=faith.room_id, from_phase="reveal")


def test_a_strength_is_refused_outside_a_caucus_round(board):
    p = board.person(0)
    board.phase("brainstorm")
    err = board.refuse(p, "barrier_post", "wrong_phase", text="Good things", kind="strength")
    assert "caucus" in err["message"]
    board.refuse(p, "barrier_post", "invalid", text="Good things", kind="opinion")


def _caucus_with_posts(spcp) -> dict:
    """Every room posts; returns the posts by name."""
    posts = {}
    for room_id in spcp.day.room_ids:
        spcp.walk_room(room_id, "brainstorm")
    for n, p in enumerate(spcp.people[:6]):
        posts[f"b{n}"] = p.ok("barrier_post", text=f"Barrier {n} from room {p.room_id}")["barrier"]["id"]
    posts["strength"] = spcp.people[0].ok("barrier_post", text="Youth league", kind="strength")["barrier"]["id"]
    posts["withdrawn"] = spcp.people[1].ok("barrier_post", text="Oops")["barrier"]["id"]
    spcp.people[1].ok("barrier_withdraw", barrier_id=posts["withdrawn"])
    for room_id in spcp.day.room_ids:
        spcp.walk_room(room_id, "reveal")
    return posts


def test_prioritise_brings_every_caucus_barrier_to_one_board_and_the_dots_close_before_priorities(spcp):
    posts = _caucus_with_posts(spcp)
    spcp.day.drain()
    assert bare(spcp.org.ok("workshop_advance")) == {"phase": "plenary", "segment": 1}
    items = spcp.org.snapshot()["plenary"]
    assert sorted(i["barrier_id"] for i in items.values()) == sorted(posts[f"b{n}"] for n in range(6))
    assert "plenary_item_added" in types(spcp.people[0])
    ids = sorted(int(i) for i in items)
    voter = spcp.people[2]
    voter.ok("vote_cast", target_type="plenary", target_id=ids[3])
    voter.ok("vote_cast", target_type="plenary", target_id=ids[3 - 1])
    spcp.people[3].ok("vote_cast", target_type="plenary", target_id=ids[3])
    assert voter.snapshot()["plenary"][str(ids[3])]["votes"] is None  # hidden while the dots are open
    spcp.refuse(spcp.org, "priorities_confirm", "vote_open", item_ids=[ids[3]])
    spcp.day.drain()
    assert bare(spcp.org.ok("plenary_vote_close")) == {}
    assert "tallies_shown" in types(voter)
    assert voter.snapshot()["plenary"][str(ids[3])]["votes"] == 2
    assert voter.snapshot()["workshop"]["plenary_vote_closed"] is True
    spcp.refuse(spcp.org, "plenary_vote_close", "already_closed")
    spcp.refuse(spcp.people[4], "vote_cast", "vote_closed", target_type="plenary", target_id=ids[0])
    spcp.refuse(spcp.org, "priorities_confirm", "invalid", item_ids=[ids[3], ids[3]])
    spcp.refuse(spcp.org, "priorities_confirm", "not_found", item_ids=[ids[3], 999999])
    spcp.refuse(spcp.org, "priorities_confirm", "invalid", item_ids=[])
    spcp.refuse(spcp.people[0], "priorities_confirm", "forbidden", item_ids=[ids[3]])
    result = bare(spcp.org.ok("priorities_confirm", item_ids=[ids[3], ids[2], ids[0]]))
    assert result == {"priorities": {str(ids[3]): 1, str(ids[2]): 2, str(ids[0]): 3}}
    view = voter.snapshot()["plenary"]
    assert {i: view[str(i)]["priority"] for i in ids} == {ids[0]: 3, ids[1]: None, ids[2]: 2, ids[3]: 1,
                                                         ids[4]: None, ids[5]: None}
    spcp.refuse(spcp.org, "priorities_confirm", "no_change", item_ids=[ids[3], ids[2], ids[0]])


def test_a_merged_item_is_not_a_priority(spcp):
    _caucus_with_posts(spcp)
    spcp.org.ok("workshop_advance")
    ids = sorted(int(i) for i in spcp.org.snapshot()["plenary"])
    spcp.org.ok("plenary_merge", item_ids=ids[:2])
    spcp.org.ok("plenary_vote_close")
    spcp.refuse(spcp.org, "priorities_confirm", "merged", item_ids=[ids[1]])


def _to_solution_round(spcp) -> list[int]:
    _caucus_with_posts(spcp)
    spcp.org.ok("workshop_advance")
    ids = sorted(int(i) for i in spcp.org.snapshot()["plenary"])
    spcp.org.ok("plenary_vote_close")
    spcp.org.ok("priorities_confirm", item_ids=ids[:4])
    spcp.day.drain()
    assert bare(spcp.org.ok("workshop_advance")) == {"phase": "breakouts", "segment": 2}
    return ids[:4]


def test_the_solution_round_mixes_the_rooms_and_deals_the_priorities(spcp):
    before = spcp.seats()
    priorities = _to_solution_round(spcp)
    after = spcp.seats()
    for room_id in spcp.day.room_ids:
        sectors_here = Counter(key for rid, key in after.values() if rid == room_id)
        # Every sector with at least as many people as rooms has someone in every room.
        for key, n in Counter(key for _, key in after.values()).items():
            if n >= len(spcp.day.room_ids):
                assert sectors_here[key] >= 1, f"room {room_id} has no one from {key}"
    moved = [pid for pid in after if after[pid][0] != before[pid][0]]
    assert moved
    # A moved phone is told which room it is in now.
    mover = next(p for p in spcp.people if p.participant_id == moved[0])
    changed = [e for e in mover.events() if e["type"] == "room_changed"]
    assert changed and changed[-1]["data"]["room_id"] == after[moved[0]][0]
    view = spcp.org.snapshot()
    assert {r["phase"] for r in view["rooms"].values()} == {"lobby"}
    # A room keeps the sectors it gathered in the caucus (going back seats the caucus as it was).
    assert sorted(k for r in view["rooms"].values() for k in r["sectors"]) == sorted(KEYS)
    drafts = sorted(view["plan"].values(), key=lambda e: e["position"])
    assert [e["plenary_item_id"] for e in drafts] == priorities
    rooms = spcp.day.room_ids
    assert [e["room_id"] for e in drafts] == [rooms[0], rooms[1], rooms[2], rooms[0]]
    # The rooms go lobby -> solutions -> report_out.
    spcp.walk_room(rooms[0], "solutions")
    spcp.walk_room(rooms[0], "report_out")
    spcp.refuse(spcp.org, "phase_advance", "wrong_phase", room_id=rooms[0], from_phase="report_out")


def test_a_facilitator_writes_the_guiding_answers_of_their_own_rooms_drafts(spcp):
    _to_solution_round(spcp)
    drafts = sorted(spcp.org.snapshot()["plan"].values(), key=lambda e: e["position"])
    mine, theirs = drafts[0], drafts[1]
    fac = spcp.fac
    assert mine["room_id"] == fac.room_id and theirs["room_id"] != fac.room_id
    assert bare(fac.ok("plan_entry_update", entry_id=mine["id"], field="causes", value="No explanation at stops",
                       version=1)) == {"field": "causes", "version": 2}
    someone = next(p for p in spcp.people if p.snapshot()["me"]["room_id"] == fac.room_id)
    assert someone.snapshot()["plan"][str(mine["id"])]["fields"]["causes"] == "No explanation at stops"
    spcp.refuse(fac, "plan_entry_update", "forbidden", entry_id=theirs["id"], field="causes", value="x", version=1)
    spcp.refuse(spcp.people[0], "plan_entry_update", "forbidden", entry_id=mine["id"], field="causes", value="x",
                version=2)
    spcp.org.ok("plan_entry_update", entry_id=theirs["id"], field="problem", value="Fear", version=1)


def test_going_back_from_the_solution_round_seats_the_caucus_again(spcp):
    _caucus_with_posts(spcp)
    caucus = spcp.seats()
    spcp.org.ok("workshop_advance")
    spcp.org.ok("plenary_vote_close")
    spcp.org.ok("workshop_advance")
    assert spcp.seats() != caucus
    spcp.org.ok("workshop_back")
    spcp.org.ok("workshop_back")
    assert spcp.seats() == caucus
    view = spcp.org.snapshot()
    assert {r["phase"] for r in view["rooms"].values()} == {"reveal"}  # where the caucus rooms were
    assert view["workshop"]["plenary_vote_closed"] is False


def test_rooms_form_seats_everyone_again_by_the_rule_of_the_round(spcp):
    p = spcp.people[0]
    other = next(r for r in spcp.day.room_ids if r != p.room_id)
    spcp.org.ok("participant_move", participant_id=p.participant_id, room_id=other)
    spcp.day.drain()
    assert spcp.org.ok("rooms_form")["moved"] >= 1
    assert spcp.seats()[p.participant_id][0] != other
    assert "room_changed" in types(p)


def test_rooms_form_refusals(spcp):
    # The rooms were dealt before anyone joined: the numbers now deal them again, once.
    spcp.org.ok("rooms_form")
    spcp.refuse(spcp.org, "rooms_form", "no_change")
    spcp.refuse(spcp.fac, "rooms_form", "forbidden")
    spcp.org.ok("workshop_advance")
    spcp.refuse(spcp.org, "rooms_form", "wrong_phase")


def test_agenda_set_changes_what_comes_next(board):
    p = board.person(0)
    board.day.drain()
    wanted = ["breakout", "prioritise", "solution_round", "report_out", "action_plan", "council", "closing"]
    assert bare(board.org.ok("agenda_set", agenda=wanted)) == {"agenda": wanted}
    assert [e["data"] for e in p.events() if e["type"] == "agenda_changed"] == [{"agenda": wanted}]
    assert p.snapshot()["workshop"]["agenda"] == wanted
    assert bare(board.org.ok("agenda_set", preset="short")) == {"agenda": list(rules.AGENDA_PRESETS["short"])}


def test_agenda_set_refusals(board):
    org = board.org
    board.refuse(org, "agenda_set", "invalid", agenda=["breakout", "prioritise"])  # no closing
    board.refuse(org, "agenda_set", "invalid", agenda=["breakout", "solution_round", "prioritise", "closing"])
    board.refuse(org, "agenda_set", "invalid", agenda=["prioritise", "breakout", "closing"])
    board.refuse(org, "agenda_set", "invalid", agenda=["breakout", "closing", "closing"])
    board.refuse(org, "agenda_set", "invalid", agenda=["breakout", "dance", "closing"])
    board.refuse(org, "agenda_set", "invalid", agenda=["breakout", "closing"], preset="short")
    board.refuse(org, "agenda_set", "invalid")
    board.refuse(org, "agenda_set", "no_change", preset="short")
    board.phase("brainstorm")  # the day has begun: its first round is no longer to change
    err = board.refuse(org, "agenda_set", "agenda_locked", preset="spcp")
    assert err["details"]["reached"] == ["breakout"]
    board.refuse(board.fac, "agenda_set", "forbidden", preset="spcp")
    board.workshop_phase("plenary")
    board.refuse(org, "agenda_set", "agenda_locked", agenda=["breakout", "action_plan", "closing"])


def test_prompts_set_words_the_prompts_in_the_workshops_languages(board):
    p = board.person(0)
    board.day.drain()
    prompts = {"strength": {"en": "What works here?", "fa": "چه چیزی اینجا خوب کار می‌کند؟"},
               "questions": {"causes": {"en": "Why does it happen?"}}}
    assert bare(board.org.ok("prompts_set", prompts=prompts)) == {"prompts": prompts}
    assert p.snapshot()["workshop"]["prompts"] == prompts
    assert any(e["type"] == "workshop_updated" and e["data"]["workshop"] == {"prompts": prompts} for e in p.events())
    # An empty text goes back to the catalogue's wording.
    assert board.org.ok("prompts_set", prompts={"strength": {"en": ""}})["prompts"] == {}


def test_prompts_set_refusals(board):
    board.refuse(board.org, "prompts_set", "invalid", prompts={"strength": {"de": "Was klappt?"}})
    board.refuse(board.org, "prompts_set", "invalid", prompts={"questions": {"weather": {"en": "Sunny?"}}})
    board.refuse(board.org, "prompts_set", "invalid", prompts={"barrier": {"en": "x" * 301}})
    board.refuse(board.org, "prompts_set", "no_change", prompts={})
    board.refuse(board.fac, "prompts_set", "forbidden", prompts={"barrier": {"en": "What is in the way?"}})


def test_plenary_vote_close_is_refused_outside_the_prioritisation(board):
    board.refuse(board.org, "plenary_vote_close", "wrong_phase")
    board.refuse(board.org, "priorities_confirm", "wrong_phase", item_ids=[1])
    board.refuse(board.fac, "plenary_vote_close", "forbidden")


def test_a_short_day_closes_its_dots_too(board):
    """The short day's plenary is a prioritise segment: the organiser may close its dots early."""
    board.workshop_phase("plenary")
    assert bare(board.org.ok("plenary_vote_close")) == {}
    board.refuse(board.org, "plenary_vote_close", "already_closed")


def test_create_refuses_an_unknown_agenda(day):
    with pytest.raises(CommandError) as err:
        create_workshop(day.db, title="T", rooms=2, agenda="long")
    assert err.value.code == "invalid"
    with pytest.raises(CommandError):
        create_workshop(day.db, title="T", rooms=2, agenda=["breakout"])


def test_the_draft_of_each_priority_is_a_plan_entry_with_its_room(spcp):
    _to_solution_round(spcp)
    with spcp.db.reading() as s:
        rows = s.execute(select(PlanEntry.plenary_item_id, PlanEntry.room_id, PlenaryItem.priority).join(
            PlenaryItem, PlenaryItem.id == PlanEntry.plenary_item_id).where(
            PlanEntry.workshop_id == spcp.day.workshop_id).order_by(PlenaryItem.priority)).all()
    assert [r.priority for r in rows] == [1, 2, 3, 4]
    assert all(r.room_id in spcp.day.room_ids for r in rows)


def test_before_the_day_begins_the_first_round_may_change_too(board):
    """A short day switched to the SPCP agenda before any room left its lobby: caucus rooms at once."""
    police = [board.day.join(group="law_enforcement") for _ in range(2)]
    members = [board.day.join(group="community_member") for _ in range(2)]
    board.day.drain()
    assert bare(board.org.ok("agenda_set", preset="spcp"))["agenda"][0] == "caucus"
    view = board.org.snapshot()
    dealt = {r["id"]: r["sectors"] for r in view["rooms"].values()}
    assert sorted(k for keys in dealt.values() for k in keys) == sorted(x["key"] for x in view["sectors"])
    for p in police + members:
        seat = view["participants"][str(p.participant_id)]
        assert seat["group"] in dealt[seat["room_id"]]
    assert any(e["type"] == "agenda_changed" for e in police[0].events())
