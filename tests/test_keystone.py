"""The keystone property (docs/architecture.md, the pattern of Zulip's events
tests): for a scripted series of commands and for each kind of viewer,

    reducer.apply_all(snapshot_before, events_that_viewer_received) == fresh snapshot after

Eight viewers watch every scenario: in room A the author of the posts and a
participant who is not the author, a participant of room B, the facilitators
of rooms A and B, the organiser, the projector and a council member's page
(a participant of room B seated on the council before the scenario, through
their own council link). Each scenario is a list of
steps; after every step each viewer's reduced state must equal a fresh
snapshot, and the viewers that a step should affect (`changes`) are stated,
so a command whose event never reached a viewer fails even when the rest of
the state agrees, and a viewer that was not meant to hear a step must hear
nothing.

Snapshots are fetched over a second connection with the viewer's token (a
"probe"), so the viewer's own socket does only what a real client does: it
applies live events, and sends `sync` when the protocol tells it to (after a
`room_changed`).

`state.seq` is the client's cursor, the last seq it applied (protocol §6);
a fresh snapshot carries the workshop's seq, which is higher when the last
events went to others. The comparison therefore takes the cursor from the
client and checks it separately: never ahead of the snapshot, and equal to
the last event the viewer received.

Every command of the registry (server/domain/registry.py) must be run by
some scenario inside a checked step (`covers(..., commands=...)`, verified by
`finish()`); test_every_command_is_covered fails for a command no scenario
runs, so a new command cannot go without keystone coverage. The full-day
scenario (test_full_day) runs every command once in one day, removals and the
purge included, with every viewer checked after every step.

With RECORD_FIXTURES=1 (SQLite backend only) each scenario is written to
tests/fixtures/events/<scenario>__<viewer>.json for the JavaScript reducer
test (tests/js/reducer.test.mjs) and tests/test_fixtures_replay.py; see
tests/fixtures/events/README.md.
"""
from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path

import pytest

from server.domain import REGISTRY, reducer, rules
from tests.conftest import Client

FIXTURES = Path(__file__).parent / "fixtures" / "events"
RECORD = os.environ.get("RECORD_FIXTURES") == "1"

VIEWERS = {
    "author": "participant",        # room A, writes the posts under test
    "peer": "participant",          # room A, not the author
    "other_room": "participant",    # room B
    "facilitator": "facilitator",   # room A
    "other_facilitator": "facilitator",  # room B
    "organiser": "organiser",
    "display": "display",
    "council": "council",            # a council member's own page (room B's second participant)
}
EVERYONE = frozenset(VIEWERS)
ROOM_A = frozenset({"author", "peer", "facilitator", "organiser"})
ROOM_B = frozenset({"other_room", "other_facilitator", "organiser"})
NOBODY = frozenset()

# Event types each scenario must produce, and commands it must run successfully inside a
# checked step (both checked at the end of the scenario); their unions must be every type
# the reducer handles (test_every_event_type_is_covered) and every command of the registry
# (test_every_command_is_covered).
SCENARIO_TYPES: dict[str, set[str]] = {}
SCENARIO_COMMANDS: dict[str, set[str]] = {}


def covers(*types: str, commands: tuple[str, ...] = ()):
    def mark(fn):
        name = fn.__name__.removeprefix("test_")
        SCENARIO_TYPES[name] = set(types)
        SCENARIO_COMMANDS[name] = set(commands)
        return fn
    return mark


def without_seq(state: dict) -> dict:
    return {k: v for k, v in state.items() if k != "seq"}


def first_difference(a, b, path="state"):
    """A readable pointer to where two states differ (for assertion messages)."""
    if type(a) is not type(b):
        return f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a:
                return f"{path}[{k!r}] missing in reduced state; snapshot has {b[k]!r}"
            if k not in b:
                return f"{path}[{k!r}] not in snapshot; reduced state has {a[k]!r}"
            d = first_difference(a[k], b[k], f"{path}[{k!r}]")
            if d:
                return d
        return None
    if a != b:
        return f"{path}: reduced {a!r} != snapshot {b!r}"
    return None


# -- making fixtures readable: the same run gives the same file ---------------

ISO_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")


def scrub(fixture: dict, workshop_id: str, join_code: str, progress_token: str = "") -> dict:
    """Replace the run's random parts with stable stand-ins, consistently within one file.

    Every timestamp becomes a fixed time numbered in order of first appearance,
    the workshop id, join code and progress token (carried once the day is closed) become constants. The mapping is one-to-one,
    so the reducer property still holds on the scrubbed file.
    """
    times: dict[str, str] = {}

    def walk(x):
        if isinstance(x, dict):
            return {k: walk(x[k]) for k in sorted(x, key=str)}
        if isinstance(x, list):
            return [walk(v) for v in x]
        if isinstance(x, str):
            if x == workshop_id:
                return "0123456789abcdef"
            if x == join_code:
                return "ABCDEF"
            if progress_token and x == progress_token:
                return "progress-token-0123456789abcdef"
            if ISO_RE.match(x):
                if x not in times:
                    n = len(times)
                    times[x] = f"2030-01-01T09:{n // 60:02d}:{n % 60:02d}.000000+00:00"
                return times[x]
        return x

    return {"name": fixture["name"], "viewer": fixture["viewer"], "before": walk(fixture["before"]),
            "events": walk(fixture["events"]), "after": walk(fixture["after"])}


# -- the harness ----------------------------------------------------------------

class Keystone:
    """Two rooms, seven viewers, and a `step()` that checks the property."""

    def __init__(self, day, record: bool):
        self.day, self.record = day, record
        # Live tallies, so every dot shows on every board; test_hidden_tallies_* turn them off (the default).
        day.create(rooms=2, vote_budget=3, title="Keystone workshop", live_tallies=True)
        self.room_a, self.room_b = day.room_ids
        self.org = day.organiser()
        self.display = day.display()
        self.fac = day.facilitator(0)
        self.fac_b = day.facilitator(1)
        # Joining order chosen so the balancing puts everyone where the story needs them.
        self.author = day.join(name="Officer Diaz", group="law_enforcement", anonymous=False)
        self.other_room = day.join(name="Sgt. Lee", group="law_enforcement", language="es", anonymous=False)
        self.peer = day.join(name="لیلا", group="community_member", language="fa")  # named, posts anonymously
        self.b_peer = day.join(group="community_member", language="es")
        self.voter = day.join(group="community_org")
        assert [c.room_id for c in (self.author, self.peer, self.voter)] == [self.room_a] * 3
        assert [c.room_id for c in (self.other_room, self.b_peer)] == [self.room_b] * 2
        # The council viewer: room B's second participant, on the council with a link of their own.
        self.b_peer.ok("council_volunteer", consent=False)
        self.org.ok("council_role_set", participant_id=self.b_peer.participant_id, role="member")
        token = self.org.ok("council_link_issue", participant_id=self.b_peer.participant_id)["token"]
        self.council = day._client(token, "council")
        self.viewers = {"author": self.author, "peer": self.peer, "other_room": self.other_room,
                        "facilitator": self.fac, "other_facilitator": self.fac_b,
                        "organiser": self.org, "display": self.display, "council": self.council}
        self.probes = {k: day._client(c.token, c.role, participant_id=c.participant_id, room_id=c.room_id)
                       for k, c in self.viewers.items()}
        self.scenario = None
        self.checking = False                # inside a checked step: commands sent are counted
        self.commands_run: set[str] = set()  # commands accepted inside checked steps

    # setup helpers (not checked: they run before begin())
    def phase(self, fac, n=1):
        for _ in range(n):
            fac.ok("phase_advance", from_phase=self.room_phase(fac.room_id))

    def room_phase(self, room_id: int) -> str:
        return self.fresh("organiser")["rooms"][str(room_id)]["phase"]

    def post(self, who, text, **kw) -> int:
        return who.ok("barrier_post", text=text, **kw)["barrier"]["id"]

    def fresh(self, key: str) -> dict:
        probe = self.probes[key]
        probe.events()  # the probe only fetches snapshots; its own queue is noise
        return probe.snapshot()

    def begin(self, scenario: str):
        self.scenario = scenario
        self.day.drain()
        self.start = {k: self.fresh(k) for k in VIEWERS}
        self.state = dict(self.start)        # what each viewer's client holds
        self.last = dict(self.start)         # the last fresh snapshot per viewer
        self.log = {k: [] for k in VIEWERS}  # every event each viewer applied, in order
        self.types: set[str] = set()

    def step(self, label: str, action, changes=NOBODY, quiet=NOBODY):
        """Run `action`; each viewer in `changes` must see its view change, the others must not.

        `quiet` lists viewers outside `changes` that may still receive events
        which change nothing for them (the projector hears unchanged counts
        after a merge or undo that moved no dot away).
        """
        changes, quiet = frozenset(changes), frozenset(quiet)
        assert changes <= EVERYONE and quiet <= EVERYONE
        self.checking = True
        try:
            result = action()
        finally:
            self.checking = False
        received = {k: c.events() for k, c in self.viewers.items()}
        cursors = {k: self.state[k]["seq"] for k in received}
        for key, events in received.items():
            self._apply(key, events)
        self._check(label, received, changes, quiet, cursors)
        return result

    def step_cut(self, label: str, action, key: str, quiet=NOBODY):
        """Run `action`, which ends viewer `key`'s access: it is told why (`access_ended`), then cut.

        Its probe is cut too (same link), so there is no fresh snapshot to compare
        with: its state must be its last snapshot plus `me.ended`. Every other
        viewer is checked as in step(); `key` is no longer watched afterwards.
        """
        client = self.viewers.pop(key)
        probe = self.probes.pop(key)
        result = self.step(label, action, NOBODY, quiet)
        assert not client.sio.is_connected() and not probe.sio.is_connected(), f"{key} was not cut"
        events = client.events()
        assert [e["type"] for e in events] == ["access_ended"], events
        cursor = self.state[key]["seq"]
        self._apply(key, events)
        expected = {**self.last[key], "me": {**self.last[key]["me"], "ended": events[0]["data"]}}
        assert without_seq(self.state[key]) == without_seq(expected), f"{self.scenario} / {label}: {key}"
        assert self.state[key]["seq"] == max(cursor, events[-1]["seq"])
        self.last[key] = {**expected, "seq": self.state[key]["seq"]}
        return result

    def step_cut_many(self, label: str, action, keys, changes=NOBODY):
        """step_cut for several viewers at once (the purge cuts every phone and tablet)."""
        clients = {k: self.viewers.pop(k) for k in keys}
        probes = {k: self.probes.pop(k) for k in keys}
        result = self.step(label, action, changes)
        for key, client in clients.items():
            assert not client.sio.is_connected() and not probes[key].sio.is_connected(), f"{key} was not cut"
            events = client.events()
            assert [e["type"] for e in events] == ["access_ended"], (key, events)
            cursor = self.state[key]["seq"]
            self._apply(key, events)
            expected = {**self.last[key], "me": {**self.last[key]["me"], "ended": events[0]["data"]}}
            assert without_seq(self.state[key]) == without_seq(expected), f"{self.scenario} / {label}: {key}"
            assert self.state[key]["seq"] == max(cursor, events[-1]["seq"])
            self.last[key] = {**expected, "seq": self.state[key]["seq"]}
        return result

    def sync(self, key: str, label: str = "sync"):
        """The viewer's client sends `sync {since: state.seq}` (e.g. after room_changed) and applies the answer."""
        client = self.viewers[key]
        ack = client.sync(self.state[key]["seq"])
        assert ack["ok"] and ack["mode"] == "events", ack
        live = client.events()
        cursor = self.state[key]["seq"]
        self._apply(key, ack["events"] + live)
        self._check(label, {key: ack["events"] + live}, NOBODY, frozenset({key}), {key: cursor})

    def _apply(self, key, events):
        seqs = [e["seq"] for e in events]
        assert seqs == sorted(seqs), f"{key} received events out of order: {seqs}"
        assert len(set(seqs)) == len(seqs), f"{key} received an event twice: {seqs}"
        self.state[key] = reducer.apply_all(self.state[key], events)
        self.log[key].extend(events)
        self.types.update(e["type"] for e in events)

    def _check(self, label, received, changes, quiet, cursors):
        where = f"{self.scenario} / {label}"
        for key in received:
            events = received[key]
            after = self.fresh(key)
            mine = self.state[key]
            assert mine["seq"] <= after["seq"], f"{where}: {key} is ahead of the server"
            assert mine["seq"] == max([cursors[key]] + [e["seq"] for e in events]), f"{where}: {key}'s cursor"
            diff = first_difference(without_seq(mine), without_seq(after))
            assert diff is None, f"{where}: {key} ({VIEWERS[key]}) diverged after {[e['type'] for e in events]}: {diff}"
            changed = without_seq(after) != without_seq(self.last[key])
            if key in changes:
                assert events, f"{where}: {key} should have heard about this but received no event"
                assert changed, f"{where}: {key} received {[e['type'] for e in events]} but its view did not change"
            else:
                assert not changed, f"{where}: {key}'s view changed, but the step was not meant to affect it"
                if key not in quiet:
                    assert not events, (f"{where}: {key} was not meant to hear this step but received "
                                        f"{[e['type'] for e in events]}")
            self.last[key] = after

    def sent(self, name: str, ack: dict) -> None:
        """Every command any client sends (conftest.Client.send): count the accepted ones of checked steps."""
        if self.checking and ack.get("ok"):
            self.commands_run.add(name)

    def finish(self):
        missing = SCENARIO_TYPES[self.scenario] - self.types
        assert not missing, f"{self.scenario}: expected event types never seen: {sorted(missing)}"
        missing = SCENARIO_COMMANDS[self.scenario] - self.commands_run
        assert not missing, f"{self.scenario}: commands never run in a checked step: {sorted(missing)}"
        if not self.record:
            return
        FIXTURES.mkdir(parents=True, exist_ok=True)
        created = self.day.created
        for key, role in VIEWERS.items():
            after = {**self.last[key], "seq": self.state[key]["seq"]}  # the client's cursor, see module doc
            fixture = scrub({"name": self.scenario, "viewer": role, "before": self.start[key],
                             "events": self.log[key], "after": after}, created["workshop_id"], created["join_code"],
                            created["progress_token"])
            assert reducer.apply_all(fixture["before"], fixture["events"]) == fixture["after"]
            path = FIXTURES / f"{self.scenario}__{key}.json"
            path.write_text(json.dumps(fixture, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    # views, for the explicit assertions the scenarios make
    def barriers(self, key) -> dict:
        return self.state[key]["barriers"]


@pytest.fixture
def ks(day, db_url, monkeypatch):
    keystone = Keystone(day, record=RECORD and db_url.startswith("sqlite"))
    send = Client.send

    def counted(client, name, cid=None, **payload):
        ack = send(client, name, cid, **payload)
        keystone.sent(name, ack)
        return ack
    monkeypatch.setattr(Client, "send", counted)
    return keystone


# -- scenarios -----------------------------------------------------------------

@covers("workshop_updated")
def test_workshop_settings_pause_and_phases(ks):
    ks.begin("workshop_settings_pause_and_phases")
    ks.step("rename", lambda: ks.org.ok("workshop_update", title="Building trust", place="Library hall",
                                        date="2026-11-25"), EVERYONE)
    ks.step("projector language", lambda: ks.org.ok("workshop_update", display_language="fa"), EVERYONE)
    ks.step("clear the place", lambda: ks.org.ok("workshop_update", place=""), EVERYONE)
    ks.step("pause", lambda: ks.org.ok("workshop_pause", message="Short break: back at 11:15"), EVERYONE)
    ks.step("paused post refused", lambda: ks.author.refused("barrier_post", "paused", text="x"))
    ks.step("resume", lambda: ks.org.ok("workshop_resume"), EVERYONE)
    ks.step("to plenary", lambda: ks.org.ok("workshop_advance"), EVERYONE)
    ks.step("back to breakouts", lambda: ks.org.ok("workshop_back"), EVERYONE)
    assert ks.state["display"]["workshop"]["display_language"] == "fa"
    ks.finish()


@covers("room_updated")
def test_room_phases_and_timers(ks):
    ks.begin("room_phases_and_timers")
    ks.step("advance with a timer", lambda: ks.fac.ok("phase_advance", from_phase="lobby", timer_secs=600), EVERYONE)
    ks.step("extend", lambda: ks.fac.ok("timer_extend", seconds=120), EVERYONE)
    ks.step("clear", lambda: ks.fac.ok("timer_clear"), EVERYONE)
    ks.step("no timer to clear", lambda: ks.fac.refused("timer_clear", "no_timer"))
    ks.step("room B timer by the organiser", lambda: ks.org.ok("timer_set", room_id=ks.room_b, seconds=300), EVERYONE)
    ks.step("organiser moves room A back", lambda: ks.org.ok("phase_back", from_phase="brainstorm", room_id=ks.room_a), EVERYONE)
    ks.step("other room is forbidden", lambda: ks.fac.refused("phase_advance", "forbidden", from_phase="lobby", room_id=ks.room_b))
    assert ks.state["other_room"]["rooms"][str(ks.room_b)]["deadline"] is not None
    ks.finish()


@covers("participant_joined")
def test_participants_join(ks):
    ks.begin("participants_join")
    # Room A has 3 people (1 police), room B 2 (1 police): a community member goes to B, then police to A.
    ks.step("community member joins room B", lambda: ks.day.join(group="community_member", connect=False),
            ROOM_B | {"display"})
    joined = ks.step("named officer joins room A",
                     lambda: ks.day.join(name="Det. Okafor", group="law_enforcement", language="es", connect=False),
                     ROOM_A | {"display"})
    assert joined["room_id"] == ks.room_a
    assert ks.state["peer"]["participants"][str(joined["participant_id"])]["name"] == "Det. Okafor"
    ks.finish()


@covers("room_added", "room_removed", "participant_joined", "participant_moved", "workshop_updated", "sectors_changed",
        commands=("rooms_set", "workshop_update"))
def test_rooms_and_languages_before_the_day(ks):
    ks.begin("rooms_and_languages_before_the_day")
    added = ks.step("a third room", lambda: ks.org.ok("rooms_set", count=3), EVERYONE)["added"]
    assert [r["number"] for r in ks.state["council"]["rooms"].values()] == [1, 2, 3]
    # Room A has two people of the community side, room B one, the new room none: a community member sits there.
    joined = ks.step("someone joins the new room", lambda: ks.day.join(group="community_member", connect=False),
                     {"organiser", "display"})
    assert joined["room_id"] == added[0]
    ks.step("the third room goes again: its person sits in room B", lambda: ks.org.ok("rooms_set", count=2),
            EVERYONE)
    assert ks.state["organiser"]["participants"][str(joined["participant_id"])]["room_id"] == ks.room_b
    assert str(added[0]) not in ks.state["display"]["stats"]
    ks.step("an Arabic-speaking table joins the day", lambda: ks.org.ok(
        "workshop_update", languages=["en", "es", "fa", "ar"]), EVERYONE)
    assert ks.state["peer"]["sectors"][0]["names"]["ar"] == "Law enforcement"
    ks.step("four dots each", lambda: ks.org.ok("workshop_update", vote_budget=4), EVERYONE)
    ks.step("a language people read stays", lambda: ks.org.refused(
        "workshop_update", "language_in_use", languages=["en", "es"]))
    ks.step("room A starts the day", lambda: ks.fac.ok("phase_advance", from_phase="lobby"), EVERYONE)
    ks.step("the day has begun: the rooms stay", lambda: ks.org.refused("rooms_set", "wrong_phase", count=3))
    ks.step("and so do the languages", lambda: ks.org.refused(
        "workshop_update", "wrong_phase", languages=["en", "es", "fa"]))
    ks.finish()


def sector_list(ks, **changes) -> list[dict]:
    """The workshop's sectors as `sectors_set` takes them, with `changes` (key -> new fields, or None to drop)."""
    out = []
    for sector in ks.fresh("organiser")["sectors"]:
        change = changes.get(sector["key"], {})
        if change is not None:
            out.append({**sector, **change})
    return out


@covers("sectors_changed", "participant_joined", commands=("sectors_set",))
def test_sectors(ks):
    ks.begin("sectors")
    youth = {"names": {"en": "Youth", "es": "Jóvenes", "fa": "جوانان"}, "side": "community"}
    renamed = {"names": {"en": "Police", "es": "Policía", "fa": "پلیس"}}
    ks.step("rename one, add one", lambda: ks.org.ok("sectors_set", sectors=[
        *sector_list(ks, law_enforcement=renamed), youth]), EVERYONE)
    assert [x["key"] for x in ks.state["peer"]["sectors"]] == [*rules.GROUPS, "youth"]
    assert ks.state["display"]["sectors"][0]["names"]["es"] == "Policía"
    ks.step("a sector people joined with cannot go", lambda: ks.org.refused(
        "sectors_set", "sector_in_use", sectors=sector_list(ks, community_org=None)))
    ks.step("nor change side", lambda: ks.org.refused(
        "sectors_set", "sector_in_use", sectors=sector_list(ks, community_member={"side": "other"})))
    ks.step("an unused one may change side", lambda: ks.org.ok(
        "sectors_set", sectors=sector_list(ks, government_other={"side": "community"})), EVERYONE)
    ks.step("and go", lambda: ks.org.ok("sectors_set", sectors=sector_list(ks, government_other=None)), EVERYONE)
    ks.step("the same list again", lambda: ks.org.refused("sectors_set", "no_change", sectors=sector_list(ks)))
    # Room A has 2 on the community side, room B 1: the young person sits in room B.
    joined = ks.step("someone joins the new sector", lambda: ks.day.join(group="youth", connect=False),
                     ROOM_B | {"display"})
    assert joined["room_id"] == ks.room_b
    assert ks.state["other_room"]["participants"][str(joined["participant_id"])]["group"] == "youth"
    resp = ks.step("a sector that was removed is not one to join", lambda: ks.day.join_http(group="government_other"))
    assert resp.status_code == 400 and resp.get_json()["error"]["details"]["sectors"] == [*rules.GROUPS[:3], "youth"]
    ks.finish()


@covers("barrier_posted", "authorship", "room_stats", "barriers_revealed", "room_updated")
def test_silent_brainstorm_then_reveal(ks):
    ks.phase(ks.fac)  # brainstorm
    ks.begin("silent_brainstorm_then_reveal")
    mine = ks.step("author posts, named", lambda: ks.post(ks.author, "Stops are rarely explained", anonymous=False),
                   {"author", "facilitator", "organiser", "display"})
    theirs = ks.step("peer posts, anonymous", lambda: ks.post(ks.peer, "مردم از تلافی می‌ترسند"),
                     {"peer", "facilitator", "organiser", "display"})
    assert set(ks.barriers("author")) == {str(mine)}
    assert set(ks.barriers("peer")) == {str(theirs)}
    assert set(ks.barriers("facilitator")) == {str(mine), str(theirs)}
    ks.step("reveal", lambda: ks.phase(ks.fac), EVERYONE)
    assert set(ks.barriers("peer")) == {str(mine), str(theirs)}
    assert ks.barriers("peer")[str(mine)]["author_name"] == "Officer Diaz"
    assert ks.barriers("author")[str(theirs)]["author_name"] is None
    ks.step("post after the reveal goes to the room",
            lambda: ks.post(ks.peer, "Officers and youth never meet outside incidents"),
            ROOM_A | {"display"})
    assert ks.barriers("other_room") == {} and ks.barriers("other_facilitator") == {}
    assert ks.barriers("display") == {}
    ks.finish()


@covers("barrier_withdrawn", "my_votes", "room_stats")
def test_withdraw_before_and_after_reveal(ks):
    ks.phase(ks.fac)
    first = ks.post(ks.author, "Too few officers speak Spanish")
    second = ks.post(ks.author, "Complaints go nowhere")
    third = ks.post(ks.author, "Response times differ by neighbourhood")
    ks.begin("withdraw_before_and_after_reveal")
    ks.step("withdraw during the silent brainstorm", lambda: ks.author.ok("barrier_withdraw", barrier_id=first),
            {"author", "facilitator", "organiser", "display"})
    assert f"barrier:{first}" not in ks.state["author"]["mine"]
    ks.step("reveal", lambda: ks.phase(ks.fac), EVERYONE)
    ks.step("withdraw after the reveal", lambda: ks.author.ok("barrier_withdraw", barrier_id=second),
            ROOM_A | {"display"})
    ks.step("only the author may withdraw",
            lambda: ks.peer.refused("barrier_withdraw", "forbidden", barrier_id=third))
    ks.step("to vote", lambda: ks.phase(ks.fac), EVERYONE)
    ks.step("peer dots the third", lambda: ks.peer.ok("vote_cast", target_type="barrier", target_id=third),
            ROOM_A | {"display"})
    ks.step("back to reveal", lambda: ks.fac.ok("phase_back", from_phase="vote"), EVERYONE)
    # The peer's dot comes back with the withdrawal.
    ks.step("withdraw a barrier that has a dot", lambda: ks.author.ok("barrier_withdraw", barrier_id=third),
            ROOM_A | {"display"})
    assert ks.state["peer"]["my_votes"] == []
    ks.finish()


@covers("post_hidden", "post_hidden_reason", "post_restored", "barriers_revealed")
def test_hide_in_brainstorm_then_restore(ks):
    ks.phase(ks.fac)
    hidden = ks.post(ks.author, "Officer K. on the night shift is a bully", anonymous=False)
    kept = ks.post(ks.peer, "Nobody explains what happens to complaints")
    ks.begin("hide_in_brainstorm_then_restore")
    ks.step("facilitator hides before the reveal",
            lambda: ks.fac.ok("post_hide", kind="barrier", id=hidden, reason="Names a person; please rephrase"),
            {"author", "facilitator", "organiser", "display"})
    b = ks.barriers("author")[str(hidden)]
    assert b["hidden"] is True and b["hidden_reason"] == "Names a person; please rephrase"
    ks.step("already hidden", lambda: ks.fac.refused("post_hide", "already_hidden", kind="barrier", id=hidden,
                                                      reason="again"))
    ks.step("restore before the reveal: still only the author and the facilitators",
            lambda: ks.org.ok("post_restore", kind="barrier", id=hidden), {"author", "facilitator", "organiser", "display"})
    ks.step("hide it again", lambda: ks.fac.ok("post_hide", kind="barrier", id=hidden,
                                               reason="Names a person; please rephrase"),
            {"author", "facilitator", "organiser", "display"})
    ks.step("reveal", lambda: ks.phase(ks.fac), EVERYONE)
    assert set(ks.barriers("peer")) == {str(kept)}
    assert str(hidden) in ks.barriers("author")
    ks.step("restore after the reveal", lambda: ks.fac.ok("post_restore", kind="barrier", id=hidden),
            ROOM_A | {"display"})
    assert ks.barriers("peer")[str(hidden)]["hidden"] is False
    ks.step("not hidden any more", lambda: ks.fac.refused("post_restore", "not_hidden", kind="barrier", id=hidden))
    # The peer never received the hidden text before the restore.
    restore_seq = ks.log["peer"][-1]["seq"]
    assert "bully" not in json.dumps([e for e in ks.log["peer"] if e["seq"] < restore_seq])
    ks.finish()


@covers("post_hidden", "post_hidden_reason", "post_restored", "my_votes", "tally", "room_stats")
def test_hide_after_reveal_with_votes(ks):
    ks.phase(ks.fac)
    b1 = ks.post(ks.author, "Police only show up when something is wrong", anonymous=False)
    b2 = ks.post(ks.peer, "Language barriers at the front desk")
    ks.phase(ks.fac, 2)  # reveal, vote
    ks.peer.ok("vote_cast", target_type="barrier", target_id=b1)
    ks.voter.ok("vote_cast", target_type="barrier", target_id=b1)
    ks.author.ok("vote_cast", target_type="barrier", target_id=b2)
    ks.begin("hide_after_reveal_with_votes")
    ks.step("organiser hides a post with dots",
            lambda: ks.org.ok("post_hide", kind="barrier", id=b1, reason="Off topic for this room"),
            ROOM_A | {"display"})
    assert str(b1) not in ks.barriers("peer")
    assert ks.barriers("author")[str(b1)]["votes"] == 0
    assert ks.state["peer"]["my_votes"] == []
    ks.step("a hidden post takes no dots", lambda: ks.voter.refused("vote_cast", "hidden", target_type="barrier",
                                                                     target_id=b1))
    ks.step("restore", lambda: ks.org.ok("post_restore", kind="barrier", id=b1), ROOM_A | {"display"})
    ks.step("dot it again", lambda: ks.peer.ok("vote_cast", target_type="barrier", target_id=b1),
            ROOM_A | {"display"})
    assert ks.barriers("facilitator")[str(b1)]["votes"] == 1
    ks.finish()


@covers("tally", "my_votes", "room_stats")
def test_dot_voting_budget(ks):
    ks.phase(ks.fac)
    ids = [ks.post(who, text) for who, text in (
        (ks.author, "Stops feel random"), (ks.peer, "No Persian-speaking officers"),
        (ks.voter, "Youth programs were cut"), (ks.author, "Complaints are not answered"))]
    ks.phase(ks.fac, 2)
    ks.begin("dot_voting_budget")
    for i, bid in enumerate(ids[:3]):
        ks.step(f"peer dot {i + 1}", lambda bid=bid: ks.peer.ok("vote_cast", target_type="barrier", target_id=bid),
                ROOM_A | {"display"})
    ks.step("author dots the first", lambda: ks.author.ok("vote_cast", target_type="barrier", target_id=ids[0]),
            ROOM_A | {"display"})
    ks.step("fourth dot refused", lambda: ks.peer.refused("vote_cast", "budget_spent", target_type="barrier",
                                                           target_id=ids[3]))
    ks.step("same item twice refused", lambda: ks.author.refused("vote_cast", "already_voted",
                                                                  target_type="barrier", target_id=ids[0]))
    ks.step("peer takes one back", lambda: ks.peer.ok("vote_withdraw", target_type="barrier", target_id=ids[1]),
            ROOM_A | {"display"})
    ks.step("and spends it elsewhere", lambda: ks.peer.ok("vote_cast", target_type="barrier", target_id=ids[3]),
            ROOM_A | {"display"})
    ks.step("not voted", lambda: ks.peer.refused("vote_withdraw", "not_voted", target_type="barrier",
                                                  target_id=ids[1]))
    assert ks.state["peer"]["my_votes"] == sorted(f"barrier:{i}" for i in (ids[0], ids[2], ids[3]))
    assert ks.barriers("author")[str(ids[0])]["votes"] == 2
    assert ks.state["display"]["stats"][str(ks.room_a)]["votes"] == 4
    ks.finish()


@covers("barriers_merged", "merge_undone", "my_votes", "tally", "room_stats")
def test_merge_with_votes_then_undo(ks):
    ks.phase(ks.fac)
    b1 = ks.post(ks.author, "Stops are never explained", anonymous=False)
    b2 = ks.post(ks.peer, "Nobody tells you why you were stopped")
    b3 = ks.post(ks.voter, "Unexplained traffic stops")
    other = ks.post(ks.peer, "Few community events with officers")
    ks.phase(ks.fac, 2)
    for who, bid in ((ks.peer, b1), (ks.peer, b2), (ks.voter, b2), (ks.author, b3), (ks.author, other)):
        who.ok("vote_cast", target_type="barrier", target_id=bid)
    ks.begin("merge_with_votes_then_undo")
    shared = ks.step("merge three duplicates",
                     lambda: ks.fac.ok("barrier_merge", barrier_ids=[b1, b2, b3], text="Stops are not explained"),
                     ROOM_A | {"display"})["shared_id"]
    assert shared_view(ks, "peer", shared)["votes"] == 3  # the peer's two dots count once
    assert ks.state["peer"]["my_votes"] == [f"barrier:{shared}"]
    assert ks.barriers("author")[str(b1)]["merged_into"] == shared
    ks.step("members take no dots", lambda: ks.peer.refused("vote_cast", "merged", target_type="barrier",
                                                             target_id=b1))
    ks.step("peer moves the dot back", lambda: ks.peer.ok("vote_withdraw", target_type="barrier", target_id=shared),
            ROOM_A | {"display"})
    ks.step("and casts it on the shared barrier itself",
            lambda: ks.peer.ok("vote_cast", target_type="barrier", target_id=shared), ROOM_A | {"display"})
    ks.step("undo the merge", lambda: ks.fac.ok("merge_undo", shared_id=shared), ROOM_A | {"display"})
    # Moved dots went home; the dot cast on the shared barrier itself came back to the peer.
    assert ks.state["peer"]["my_votes"] == []
    assert ks.state["author"]["my_votes"] == sorted([f"barrier:{b3}", f"barrier:{other}"])
    assert {k: v["votes"] for k, v in ks.barriers("facilitator").items()} == {
        str(b1): 0, str(b2): 1, str(b3): 1, str(other): 1}
    ks.step("undo twice refused", lambda: ks.fac.refused("merge_undo", "not_found", shared_id=shared))
    ks.finish()


@covers("barriers_merged", "merge_undone", "post_hidden", "post_hidden_reason", "post_restored", "my_votes", "room_stats")
def test_nested_merge_and_hidden_member(ks):
    ks.phase(ks.fac)
    b1 = ks.post(ks.author, "Stops are never explained", anonymous=False)
    b2 = ks.post(ks.peer, "Nobody says why they stop you")
    b3 = ks.post(ks.voter, "Stops without a reason")
    ks.phase(ks.fac, 2)
    ks.author.ok("vote_cast", target_type="barrier", target_id=b1)
    ks.author.ok("vote_cast", target_type="barrier", target_id=b3)
    ks.peer.ok("vote_cast", target_type="barrier", target_id=b2)
    ks.begin("nested_merge_and_hidden_member")
    # Two barriers become one: the projector counts one fewer (counts.js, room_stats).
    inner = ks.step("merge two", lambda: ks.fac.ok("barrier_merge", barrier_ids=[b1, b2]), ROOM_A | {"display"})["shared_id"]
    assert ks.barriers("peer")[str(inner)]["text"] == "Stops are never explained"
    outer = ks.step("merge the shared one with a third (the author's second dot comes back)",
                    lambda: ks.org.ok("barrier_merge", room_id=ks.room_a, barrier_ids=[inner, b3],
                                      text="Stops come without a reason"), ROOM_A | {"display"})["shared_id"]
    assert ks.barriers("facilitator")[str(outer)]["members"] == sorted([inner, b3])
    ks.step("inner cannot be undone first", lambda: ks.fac.refused("merge_undo", "merged", shared_id=inner))
    ks.step("hide a merged original", lambda: ks.fac.ok("post_hide", kind="barrier", id=b1, reason="Too personal"),
            {"author", "peer", "facilitator", "organiser"}, quiet={"display"})
    assert str(b1) not in ks.barriers("peer") and ks.barriers("author")[str(b1)]["hidden"]
    ks.step("undo the outer merge", lambda: ks.fac.ok("merge_undo", shared_id=outer), ROOM_A | {"display"})
    ks.step("undo the inner merge: the hidden original stays hidden",
            lambda: ks.fac.ok("merge_undo", shared_id=inner), ROOM_A | {"display"})
    assert str(b1) not in ks.barriers("peer") and ks.barriers("author")[str(b1)]["merged_into"] is None
    ks.step("restore it", lambda: ks.fac.ok("post_restore", kind="barrier", id=b1), ROOM_A | {"display"})
    assert ks.barriers("peer")[str(b1)]["merged_into"] is None
    ks.finish()


def shared_view(ks, key, shared_id):
    return ks.barriers(key)[str(shared_id)]


@covers("solution_posted", "solution_withdrawn", "post_hidden", "post_hidden_reason", "post_restored", "tally", "my_votes", "room_stats")
def test_solutions_votes_and_moderation(ks):
    ks.phase(ks.fac)
    b1 = ks.post(ks.author, "Stops are never explained", anonymous=False)
    ks.post(ks.peer, "No interpreters")
    ks.phase(ks.fac, 3)  # reveal, vote, solutions
    ks.begin("solutions_votes_and_moderation")
    s1 = ks.step("author proposes, named",
                 lambda: ks.author.ok("solution_post", barrier_id=b1, text="Hand out a card explaining every stop",
                                      anonymous=False)["solution"]["id"], ROOM_A | {"display"})
    s2 = ks.step("peer proposes, anonymous",
                 lambda: ks.peer.ok("solution_post", barrier_id=b1, text="کارت توضیح به زبان فارسی")["solution"]["id"],
                 ROOM_A | {"display"})
    assert ks.state["peer"]["solutions"][str(s1)]["author_name"] == "Officer Diaz"
    assert ks.state["author"]["solutions"][str(s2)]["author_name"] is None
    ks.step("voter dots s1", lambda: ks.voter.ok("vote_cast", target_type="solution", target_id=s1),
            ROOM_A | {"display"})
    ks.step("peer dots s1", lambda: ks.peer.ok("vote_cast", target_type="solution", target_id=s1),
            ROOM_A | {"display"})
    ks.step("author dots s2", lambda: ks.author.ok("vote_cast", target_type="solution", target_id=s2),
            ROOM_A | {"display"})
    ks.step("hide s1 (its dots come back)",
            lambda: ks.fac.ok("post_hide", kind="solution", id=s1, reason="Duplicate of the handout idea"),
            ROOM_A | {"display"})
    assert str(s1) not in ks.state["peer"]["solutions"]
    assert ks.state["author"]["solutions"][str(s1)]["hidden_reason"] == "Duplicate of the handout idea"
    ks.step("restore s1", lambda: ks.fac.ok("post_restore", kind="solution", id=s1), ROOM_A | {"display"})
    ks.step("author withdraws s1", lambda: ks.author.ok("solution_withdraw", solution_id=s1), ROOM_A | {"display"})
    assert f"solution:{s1}" not in ks.state["author"]["mine"]
    ks.step("peer withdraws s2 with the author's dot on it",
            lambda: ks.peer.ok("solution_withdraw", solution_id=s2), ROOM_A | {"display"})
    assert ks.state["author"]["my_votes"] == []
    ks.finish()


@covers("plenary_item_added", "plenary_item_withdrawn", "tally", "my_votes", "workshop_updated")
def test_report_out_and_plenary_votes(ks):
    ks.phase(ks.fac)
    ks.phase(ks.fac_b)
    b1 = ks.post(ks.author, "Stops are never explained", anonymous=False)
    b2 = ks.post(ks.peer, "No interpreters at the station")
    bb = ks.post(ks.other_room, "Officers rotate too often to know anyone")
    ks.phase(ks.fac, 2)
    ks.phase(ks.fac_b, 2)
    ks.peer.ok("vote_cast", target_type="barrier", target_id=b1)
    ks.phase(ks.fac)
    s = ks.author.ok("solution_post", barrier_id=b1, text="Explain every stop on a card")["solution"]["id"]
    ks.voter.ok("vote_cast", target_type="solution", target_id=s)
    ks.phase(ks.fac)  # report_out
    ks.phase(ks.fac_b, 2)
    ks.begin("report_out_and_plenary_votes")
    items = ks.step("room A pushes two barriers", lambda: ks.fac.ok("report_push", barrier_ids=[b1, b2]),
                    EVERYONE)["item_ids"]
    item = ks.state["display"]["plenary"][str(items[0])]
    assert item["room_votes"] == 1 and item["solutions"][0]["votes"] == 1
    ib = ks.step("room B pushes one", lambda: ks.fac_b.ok("report_push", barrier_ids=[bb]), EVERYONE)["item_ids"][0]
    ks.step("already pushed", lambda: ks.fac.refused("report_push", "already_pushed", barrier_ids=[b1]))
    ks.step("workshop to plenary", lambda: ks.org.ok("workshop_advance"), EVERYONE)
    ks.step("peer votes item 1", lambda: ks.peer.ok("vote_cast", target_type="plenary", target_id=items[0]),
            EVERYONE)
    ks.step("room B votes item 1", lambda: ks.other_room.ok("vote_cast", target_type="plenary", target_id=items[0]),
            EVERYONE)
    ks.step("author votes item 2", lambda: ks.author.ok("vote_cast", target_type="plenary", target_id=items[1]),
            EVERYONE)
    ks.step("room B votes room B's item", lambda: ks.other_room.ok("vote_cast", target_type="plenary", target_id=ib),
            EVERYONE)
    ks.step("peer takes the dot back", lambda: ks.peer.ok("vote_withdraw", target_type="plenary",
                                                           target_id=items[0]), EVERYONE)
    assert ks.state["display"]["plenary"][str(items[0])]["votes"] == 1
    ks.step("room A withdraws item 2 (the author's dot comes back)",
            lambda: ks.fac.ok("report_withdraw", item_id=items[1]), EVERYONE)
    assert ks.state["author"]["my_votes"] == []
    ks.step("not the other room's item", lambda: ks.fac.refused("report_withdraw", "forbidden", item_id=ib))
    ks.finish()


@covers("plenary_items_merged", "plenary_merge_undone", "my_votes", commands=("plenary_merge", "plenary_merge_undo"))
def test_plenary_merge_and_undo(ks):
    ks.phase(ks.fac)
    ks.phase(ks.fac_b)
    b1 = ks.post(ks.author, "Stops are never explained")
    bb = ks.post(ks.other_room, "Nobody explains a stop")
    ks.phase(ks.fac, 3)
    ks.phase(ks.fac_b, 3)
    ks.author.ok("solution_post", barrier_id=b1, text="A card after every stop")
    ks.other_room.ok("solution_post", barrier_id=bb, text="Say the reason out loud")
    ks.phase(ks.fac)
    ks.phase(ks.fac_b)
    ia = ks.fac.ok("report_push", barrier_ids=[b1])["item_ids"][0]
    ib = ks.fac_b.ok("report_push", barrier_ids=[bb])["item_ids"][0]
    ks.org.ok("workshop_advance")
    ks.peer.ok("vote_cast", target_type="plenary", target_id=ia)
    ks.peer.ok("vote_cast", target_type="plenary", target_id=ib)  # the same barrier twice
    ks.other_room.ok("vote_cast", target_type="plenary", target_id=ib)
    ks.begin("plenary_merge_and_undo")
    ks.step("organiser merges room B's item into room A's",
            lambda: ks.org.ok("plenary_merge", item_ids=[ia, ib]), EVERYONE)
    merged = ks.state["display"]["plenary"]
    assert merged[str(ia)]["votes"] == 2 and merged[str(ia)]["members"] == [ib]
    assert merged[str(ib)]["merged_into"] == ia
    assert ks.state["peer"]["my_votes"] == [f"plenary:{ia}"]
    ks.step("no dot on the merged item",
            lambda: ks.author.refused("vote_cast", "merged", target_type="plenary", target_id=ib))
    ks.step("organiser undoes the merge", lambda: ks.org.ok("plenary_merge_undo", item_id=ia), EVERYONE)
    assert ks.state["display"]["plenary"][str(ib)]["merged_into"] is None
    assert ks.state["other_room"]["my_votes"] == [f"plenary:{ib}"]
    ks.finish()


@covers("plan_entry_created", "plan_entry_updated")
def test_action_plan_edits_and_conflict(ks):
    ks.phase(ks.fac)
    b1 = ks.post(ks.author, "Stops are never explained")
    ks.phase(ks.fac, 4)
    item = ks.fac.ok("report_push", barrier_ids=[b1])["item_ids"][0]
    ks.org.ok("workshop_advance")
    ks.begin("action_plan_edits_and_conflict")
    entry = ks.step("entry from a plenary item", lambda: ks.org.ok("plan_entry_create", plenary_item_id=item),
                    EVERYONE)["entry"]
    ks.step("to action_plan", lambda: ks.org.ok("workshop_advance"), EVERYONE)
    ks.step("a new line", lambda: ks.org.ok("plan_entry_create", title="Quarterly listening sessions"), EVERYONE)
    ks.step("organiser sets the owner", lambda: ks.org.ok("plan_entry_update", entry_id=entry["id"], field="owner",
                                                           value="Chief's office", version=1), EVERYONE)
    err = ks.step("facilitator edits from the old version", lambda: ks.fac.refused(
        "plan_entry_update", "conflict", entry_id=entry["id"], field="owner", value="Community board", version=1))
    assert err["details"]["current_value"] == "Chief's office" and err["details"]["current_version"] == 2
    ks.step("retry with the new version", lambda: ks.fac.ok(
        "plan_entry_update", entry_id=entry["id"], field="owner", value="Chief's office + community board",
        version=2), EVERYONE)
    ks.step("status", lambda: ks.org.ok("plan_entry_update", entry_id=entry["id"], field="status", value="agreed",
                                        version=1), EVERYONE)
    assert ks.state["other_room"]["plan"][str(entry["id"])]["versions"]["owner"] == 3
    ks.finish()


@covers("council_volunteered", "council_role_set", "council_link_changed", "plan_note_added", "plan_entry_updated")
def test_council(ks):
    ks.org.ok("workshop_advance")
    ks.org.ok("workshop_advance")
    entry = ks.org.ok("plan_entry_create", title="Quarterly listening sessions")["entry"]["id"]
    ks.begin("council")
    ks.step("contact needs consent", lambda: ks.author.refused("council_volunteer", "consent_required",
                                                                contact="diaz@example.org", consent=False))
    ks.step("author volunteers with contact", lambda: ks.author.ok("council_volunteer", contact="diaz@example.org",
                                                                    consent=True), {"author", "organiser"})
    ks.step("peer volunteers without contact", lambda: ks.peer.ok("council_volunteer", consent=False),
            {"peer", "organiser"})
    ks.step("peer adds a phone number", lambda: ks.peer.ok("council_volunteer", contact="+1 555 0100", consent=True),
            {"peer", "organiser"})
    ks.step("author co-chairs", lambda: ks.org.ok("council_role_set", participant_id=ks.author.participant_id,
                                                   role="co_chair_law_enforcement"), EVERYONE)
    ks.step("peer is a member", lambda: ks.org.ok("council_role_set", participant_id=ks.peer.participant_id,
                                                   role="member"), EVERYONE)
    ks.step("a community member cannot take the police co-chair", lambda: ks.org.refused(
        "council_role_set", "wrong_group", participant_id=ks.peer.participant_id, role="co_chair_law_enforcement"))
    ks.step("police co-lead", lambda: ks.org.ok("plan_entry_update", entry_id=entry, field="co_lead_law_enforcement",
                                                 value=str(ks.author.participant_id), version=1), EVERYONE)
    ks.step("community co-lead", lambda: ks.org.ok("plan_entry_update", entry_id=entry, field="co_lead_community",
                                                    value=str(ks.peer.participant_id), version=1), EVERYONE)
    ks.step("an officer cannot be the community co-lead", lambda: ks.org.refused(
        "plan_entry_update", "wrong_group", entry_id=entry, field="co_lead_community",
        value=str(ks.author.participant_id), version=2))
    ks.step("the co-chair gets a council link", lambda: ks.org.ok(
        "council_link_issue", participant_id=ks.author.participant_id), {"organiser"})
    ks.step("a dated note", lambda: ks.org.ok("plan_note_add", entry_id=entry, text="First session booked"),
            EVERYONE)
    ks.step("peer steps down", lambda: ks.org.ok("council_role_set", participant_id=ks.peer.participant_id,
                                                  role=None), EVERYONE)
    assert ks.state["display"]["plan"][str(entry)]["fields"]["co_lead_community"] == ""
    ks.step("the council link is revoked", lambda: ks.org.ok(
        "council_link_revoke", participant_id=ks.author.participant_id), {"organiser"})
    ks.step("no link left to revoke", lambda: ks.org.refused(
        "council_link_revoke", "no_link", participant_id=ks.author.participant_id))
    ks.step("not a volunteer", lambda: ks.org.refused("council_role_set", "not_volunteer",
                                                       participant_id=ks.voter.participant_id, role="member"))
    assert ks.state["author"]["me"]["volunteer"]["role"] == "co_chair_law_enforcement"
    assert ks.state["organiser"]["volunteers"][str(ks.peer.participant_id)]["contact"] == "+1 555 0100"
    for key in ("peer", "other_room", "facilitator", "other_facilitator", "display"):
        assert "diaz@example.org" not in json.dumps(ks.log[key]) + json.dumps(ks.state[key])
    ks.finish()


@covers("meeting_changed", "plan_entry_updated", commands=("meeting_schedule", "meeting_minutes_set", "plan_due_set"))
def test_council_after_the_day(ks):
    """Meetings and due dates (docs/council.md): the council viewer, made a co-chair, schedules a meeting and
    gives an action a due date through their own link; the organiser records the minutes; everyone hears it."""
    ks.org.ok("workshop_advance")
    ks.org.ok("workshop_advance")
    entry = ks.org.ok("plan_entry_create", title="Quarterly listening sessions")["entry"]["id"]
    ks.org.ok("council_role_set", participant_id=ks.b_peer.participant_id, role="co_chair_community")
    ks.begin("council_after_the_day")
    meeting = ks.step("the co-chair schedules a meeting", lambda: ks.council.ok(
        "meeting_schedule", starts_at="2027-01-14T18:30", timezone="America/Chicago", duration_minutes=90,
        place="Library, room 2", agenda="Stop data: first release"), EVERYONE)["meeting"]
    ks.step("a time zone that does not exist", lambda: ks.org.refused(
        "meeting_schedule", "invalid", starts_at="2027-01-14T18:30", timezone="Mars/Olympus"))
    ks.step("the organiser records the minutes", lambda: ks.org.ok(
        "meeting_minutes_set", meeting_id=meeting["id"], minutes="Agreed a monthly release.", version=1), EVERYONE)
    ks.step("minutes from an old version", lambda: ks.council.refused(
        "meeting_minutes_set", "conflict", meeting_id=meeting["id"], minutes="Stale", version=1))
    ks.step("the co-chair sets a due date", lambda: ks.council.ok(
        "plan_due_set", entry_id=entry, due="2020-01-31", version=1), EVERYONE)
    ks.step("the day closes", lambda: ks.org.ok("workshop_advance"), EVERYONE)
    ks.step("the organiser moves it", lambda: ks.org.ok("plan_due_set", entry_id=entry, due="2027-03-31", version=2),
            EVERYONE)
    assert ks.state["peer"]["meetings"][str(meeting["id"])]["minutes"] == "Agreed a monthly release."
    assert ks.state["display"]["plan"][str(entry)]["fields"]["due"] == "2027-03-31"
    ks.finish()


@covers("help_called", "help_cleared")
def test_help_calls(ks):
    ks.begin("help_calls")
    ks.step("room A calls for help", lambda: ks.fac.ok("help_call", message="Heated exchange, please come"),
            {"facilitator", "organiser"})
    ks.step("room B too", lambda: ks.fac_b.ok("help_call"), {"other_facilitator", "organiser"})
    ks.step("organiser answers room A", lambda: ks.org.ok("help_clear", room_id=ks.room_a),
            {"facilitator", "organiser"})
    ks.step("room B clears its own", lambda: ks.fac_b.ok("help_clear"), {"other_facilitator", "organiser"})
    ks.step("nothing to clear", lambda: ks.fac.refused("help_clear", "no_help_call"))
    ks.finish()


@covers("participant_moved", "room_changed", "barrier_posted", "barriers_revealed", "authorship", "my_votes")
def test_participant_moved_mid_day(ks):
    ks.phase(ks.fac)
    ks.phase(ks.fac_b)
    ks.post(ks.author, "Stops are never explained", anonymous=False)
    own = ks.post(ks.peer, "No interpreters at the station")
    ks.post(ks.other_room, "Officers rotate too often", anonymous=False)
    ks.phase(ks.fac, 2)  # room A revealed, voting; room B still in its silent brainstorm
    ks.peer.ok("vote_cast", target_type="barrier", target_id=own)
    ks.fac.ok("phase_back", from_phase="vote")  # room A back to reveal: posts allowed again
    ks.begin("participant_moved_mid_day")
    ks.step("organiser moves the peer to room B",
            lambda: ks.org.ok("participant_move", participant_id=ks.peer.participant_id, room_id=ks.room_b),
            EVERYONE - {"council"})
    me = ks.state["peer"]
    assert me["me"]["room_id"] == ks.room_b
    assert me["barriers"] == {}  # room B is still brainstorming silently
    assert str(ks.peer.participant_id) in ks.state["other_room"]["participants"]
    assert str(ks.peer.participant_id) not in ks.state["author"]["participants"]
    # Until its sync is answered the phone's socket is still in room A's channel:
    # room A's news may reach it, and must not leak into its room B board.
    ks.step("room A post before the moved phone has synced",
            lambda: ks.post(ks.author, "Officers park in the bike lane"), ROOM_A - {"peer"} | {"display"},
            quiet={"peer"})
    ks.sync("peer", "the moved phone syncs, which moves its socket")
    new = ks.step("the peer posts in room B", lambda: ks.post(ks.peer, "Youth are stopped more than adults"),
                  {"peer", "other_facilitator", "organiser", "display"})
    ks.step("room A: a post the peer must no longer hear",
            lambda: ks.post(ks.voter, "Meetings are held when people work"), ROOM_A - {"peer"} | {"display"})
    ks.step("room B is revealed", lambda: ks.phase(ks.fac_b), EVERYONE)
    assert str(new) in ks.barriers("other_room")
    ks.step("room B is not voting yet", lambda: ks.peer.refused("vote_cast", "wrong_phase", target_type="barrier",
                                                                 target_id=new))
    ks.step("room B to vote", lambda: ks.fac_b.ok("phase_advance", from_phase="reveal"), EVERYONE)
    ks.step("room B votes", lambda: ks.other_room.ok("vote_cast", target_type="barrier", target_id=new),
            ROOM_B | {"peer", "display"})
    ks.finish()


@covers("post_edited", "participant_removed", "access_ended", "facilitator_link_changed")
def test_trust_and_safety(ks):
    ks.phase(ks.fac)
    typo = ks.post(ks.author, "Stops are nevr explained", anonymous=False)
    ks.post(ks.voter, "Complaints vanish")  # anonymous; the voter will be removed, the post stays
    ks.begin("trust_and_safety")
    ks.step("facilitator corrects a typo before the reveal: the author and the facilitators hear it",
            lambda: ks.fac.ok("post_edit", kind="barrier", id=typo, text="Stops are never explained"),
            {"author", "facilitator", "organiser"})
    assert ks.barriers("author")[str(typo)]["edited"] is True
    ks.step("reveal", lambda: ks.phase(ks.fac), EVERYONE)
    ks.step("organiser corrects it again after the reveal: the room hears it",
            lambda: ks.org.ok("post_edit", kind="barrier", id=typo, text="Stops are never explained."), ROOM_A)
    assert ks.barriers("peer")[str(typo)]["text"] == "Stops are never explained."
    ks.step("facilitator removes a participant: the room, the organiser and the projector hear it",
            lambda: ks.fac.ok("participant_remove", participant_id=ks.voter.participant_id, reason="Threats"),
            ROOM_A | {"display"})
    assert not ks.voter.sio.is_connected()
    assert str(ks.voter.participant_id) not in ks.state["peer"]["participants"]
    assert len(ks.barriers("peer")) == 2  # the removed person's post stays
    ks.step_cut("organiser revokes room B's facilitator link",
                lambda: ks.org.ok("facilitator_revoke", room_id=ks.room_b, reason="Tablet lost"),
                "other_facilitator", quiet={"organiser"})
    ks.step("organiser issues a new link for room B",
            lambda: ks.org.ok("facilitator_invite_renew", room_id=ks.room_b), quiet={"organiser"})
    ks.finish()


@covers("link_renewed", "access_ended", commands=("display_link_renew", "organiser_link_renew"))
def test_links_renewed(ks):
    from server.domain import dispatch
    from server.domain.auth import Principal
    ks.begin("links_renewed")
    ks.step_cut("organiser re-issues the projector link: the projector is cut, the consoles hear a notice",
                lambda: ks.org.ok("display_link_renew"), "display", quiet={"organiser"})
    def from_the_command_line():  # `common-ground links --reissue organiser`: dispatch with no socket
        outcome = dispatch(ks.day.db, Principal("organiser", ks.day.workshop_id), "organiser_link_renew",
                           {"cid": "cli-renew"})  # raises on a refusal
        ks.sent("organiser_link_renew", {"ok": True})
        return outcome

    ks.step_cut("the organiser link is re-issued from the command line: the console opened with it is cut",
                from_the_command_line, "organiser")
    ks.finish()


@covers("workshop_purged", "access_ended")
def test_purge_after_the_day(ks):
    ks.phase(ks.fac, 2)  # reveal
    named = ks.post(ks.author, "Stops are never explained", anonymous=False)
    hidden = ks.post(ks.peer, "An insult")
    ks.fac.ok("post_hide", kind="barrier", id=hidden, reason="Insults Officer Diaz")
    ks.author.ok("council_volunteer", contact="diaz@example.org", consent=True)
    ks.org.ok("council_role_set", participant_id=ks.author.participant_id, role="co_chair_law_enforcement")
    for _ in range(2):
        ks.org.ok("workshop_advance")  # action plan
    entry = ks.org.ok("plan_entry_create", title="Explain every stop")["entry"]["id"]
    token = ks.org.ok("council_link_issue", participant_id=ks.author.participant_id)["token"]
    council = ks.day._client(token, "council")
    council.ok("plan_note_add", entry_id=entry, text="Cards are printed")
    ks.org.ok("workshop_advance")  # closed
    ks.begin("purge_after_the_day")
    assert ks.state["organiser"]["barriers"][str(named)]["author_name"] == "Officer Diaz"
    assert ks.state["organiser"]["plan"][str(entry)]["notes"][0]["author"]["name"] == "Officer Diaz"
    ks.step_cut_many("organiser erases the personal data: every phone and tablet is cut",
                     lambda: ks.org.ok("workshop_purge"),
                     ("author", "peer", "other_room", "facilitator", "other_facilitator"),
                     {"organiser", "display", "council"})
    # The council member's link keeps working after the day, and their page hears the erasure too.
    assert [e["type"] for e in ks.log["council"]] == ["workshop_purged"]
    org, display = ks.state["organiser"], ks.state["display"]
    assert org["plan"][str(entry)]["notes"][0]["author"]["name"] is None
    assert org["privacy"]["purged_at"] and "privacy" not in display
    assert org["barriers"][str(named)]["author_name"] is None and org["barriers"][str(hidden)]["hidden_reason"] is None
    assert all(p["name"] is None for s in (org, display) for p in s["participants"].values())
    assert org["volunteers"][str(ks.author.participant_id)]["contact"] is None
    ks.step("a second purge is refused", lambda: ks.org.refused("workshop_purge", "already_purged"))
    ks.finish()


@covers("post_flagged", "merge_objected", "merge_objection_dismissed", "barriers_revealed", "barrier_withdrawn",
        "merge_undone")
def test_screening_flags_and_merge_objections(ks):
    ks.phase(ks.fac)  # brainstorm
    ks.begin("screening_flags_and_merge_objections")
    named = ks.step("author posts a named barrier that gives a badge number",
                    lambda: ks.post(ks.author, "The officer with badge 4411 never explains stops", anonymous=False),
                    {"author", "facilitator", "organiser", "display"})
    key = f"barrier:{named}"
    # Screening: no names before the reveal, not even for the facilitators; flags for them only.
    assert ks.barriers("facilitator")[str(named)]["author_name"] is None
    assert ks.state["facilitator"]["flags"] == {key: ["badge"]} == ks.state["organiser"]["flags"]
    assert "flags" not in ks.state["author"] and str(named) in ks.barriers("author")
    anon = ks.step("peer posts anonymously", lambda: ks.post(ks.peer, "Nobody explains why you were stopped"),
                   {"peer", "facilitator", "organiser", "display"})
    ks.step("facilitator takes the badge number out: the flag goes",
            lambda: ks.fac.ok("post_edit", kind="barrier", id=named, text="An officer never explains stops"),
            {"author", "facilitator", "organiser"})
    assert ks.state["facilitator"]["flags"] == {}
    ks.step("reveal: the name appears", lambda: ks.phase(ks.fac), EVERYONE)
    assert ks.barriers("facilitator")[str(named)]["author_name"] == "Officer Diaz"
    assert ks.barriers("facilitator")[str(anon)]["author_name"] is None
    shared = ks.step("merge the two", lambda: ks.fac.ok("barrier_merge", barrier_ids=[named, anon]),
                     ROOM_A | {"display"})["shared_id"]
    objection = ks.step("the anonymous author objects: the facilitators hear it, not who",
                        lambda: ks.peer.ok("merge_object", barrier_id=anon, reason="Mine is about traffic stops"),
                        {"peer", "facilitator", "organiser"})["objection"]
    assert ks.state["facilitator"]["objections"][str(objection["id"])]["status"] == "open"
    assert ks.state["author"]["objections"] == {}
    ks.step("only once", lambda: ks.peer.refused("merge_object", "already_objected", barrier_id=anon))
    ks.step("not someone else's barrier", lambda: ks.author.refused("merge_object", "forbidden", barrier_id=anon))
    ks.step("the named author objects too", lambda: ks.author.ok("merge_object", barrier_id=named),
            {"author", "facilitator", "organiser"})
    ks.step("facilitator keeps the merge: the objectors hear it",
            lambda: ks.fac.ok("merge_objection_dismiss", shared_id=shared), {"author", "peer", "facilitator", "organiser"})
    assert ks.state["peer"]["objections"][str(objection["id"])]["status"] == "dismissed"
    ks.step("nothing left to dismiss", lambda: ks.fac.refused("merge_objection_dismiss", "no_objection", shared_id=shared))
    phone = ks.step("a post with a phone number after the reveal is flagged for the facilitators",
                    lambda: ks.post(ks.author, "Call 555-867-5309, the night desk never answers"),
                    ROOM_A | {"display"})
    assert ks.state["organiser"]["flags"] == {f"barrier:{phone}": ["phone"]}
    ks.step("its author withdraws it: the flag goes too", lambda: ks.author.ok("barrier_withdraw", barrier_id=phone),
            ROOM_A | {"display"})
    assert ks.state["facilitator"]["flags"] == {}
    ks.step("undo the merge: its objections go with it", lambda: ks.fac.ok("merge_undo", shared_id=shared),
            ROOM_A | {"display"})
    assert ks.state["facilitator"]["objections"] == {} == ks.state["peer"]["objections"]
    ks.finish()


# -- the agenda: a caucus round, the prioritisation and a solution round ----------------

AGENDA = ["breakout", "caucus", "prioritise", "solution_round", "report_out", "action_plan", "council", "closing"]


def resync(ks, *keys) -> None:
    """Moved phones re-sync (protocol §6), which moves their sockets to their new rooms."""
    for key in keys:
        client = ks.viewers[key]
        assert client.sync(None)["ok"]
        client.room_id = ks.fresh(key)["me"]["room_id"]


@covers("agenda_changed", "workshop_updated", "room_updated", "participant_moved", "room_changed",
        "plenary_item_added", "priorities_set", "plan_entry_created", "plan_entry_updated",
        commands=("agenda_set", "prompts_set", "workshop_advance", "workshop_back", "rooms_form",
                  "plenary_vote_close", "priorities_confirm", "barrier_post", "phase_advance", "vote_cast",
                  "plan_entry_update", "participant_move", "room_languages_set"))
def test_agenda_day(ks):
    """A day given a caucus round, a prioritisation and a mixed solution round (docs/agenda.md)."""
    org = ks.org
    ks.begin("agenda_day")
    ks.step("the organiser sets the agenda", lambda: org.ok("agenda_set", agenda=AGENDA), EVERYONE)
    ks.step("and words the strengths prompt", lambda: org.ok(
        "prompts_set", prompts={"strength": {"en": "What already works?", "fa": "چه چیزی همین حالا کار می‌کند؟"}}),
        EVERYONE)
    # Rooms dealt to the four groups by their numbers (police 2, members 2, organisations 1, other 0):
    # room A gathers police and organisations, room B members and the rest.
    ks.step("the caucus round: rooms by sector", lambda: org.ok("workshop_advance"), EVERYONE)
    assert ks.fresh("organiser")["rooms"][str(ks.room_a)]["sectors"] == ["law_enforcement", "community_org"]
    assert ks.fresh("other_room")["me"]["room_id"] == ks.room_a and ks.fresh("peer")["me"]["room_id"] == ks.room_b
    resync(ks, "other_room", "peer")
    ks.step("a segment already reached cannot change", lambda: org.refused("agenda_set", "agenda_locked",
                                                                           preset="spcp"))
    ks.step("seating again moves no one", lambda: org.refused("rooms_form", "no_change"))
    ks.step("room A brainstorms", lambda: ks.fac.ok("phase_advance", from_phase="lobby"), EVERYONE)
    ks.step("a strength", lambda: ks.post(ks.author, "The chief meets the imams monthly", kind="strength"),
            {"author", "facilitator", "organiser", "display"})
    ks.step("a barrier", lambda: ks.post(ks.other_room, "Officers rotate too often", anonymous=False),
            {"other_room", "facilitator", "organiser", "display"})
    ks.step("the reveal", lambda: ks.fac.ok("phase_advance", from_phase="brainstorm"), EVERYONE)
    assert {b["kind"] for b in ks.barriers("author").values()} == {"strength", "barrier"}
    ks.step("the prioritisation: the caucus barriers come to one board", lambda: org.ok("workshop_advance"),
            EVERYONE)
    items = sorted(int(i) for i in ks.state["organiser"]["plenary"])
    assert len(items) == 1
    ks.step("a dot", lambda: ks.voter.ok("vote_cast", target_type="plenary", target_id=items[0]),
            EVERYONE)
    ks.step("the dots close", lambda: org.ok("plenary_vote_close"), EVERYONE)
    ks.step("the priorities", lambda: org.ok("priorities_confirm", item_ids=items), EVERYONE)
    assert ks.state["display"]["plenary"][str(items[0])]["priority"] == 1
    ks.step("the solution round: mixed rooms, a draft for the priority", lambda: org.ok("workshop_advance"),
            EVERYONE)
    entry = next(iter(ks.state["organiser"]["plan"].values()))
    assert entry["room_id"] == ks.room_a and entry["plenary_item_id"] == items[0]
    resync(ks, "other_room", "peer")
    ks.step("the organiser moves someone", lambda: org.ok(
        "participant_move", participant_id=ks.author.participant_id, room_id=ks.room_b),
        EVERYONE - {"council"})
    resync(ks, "author")
    ks.step("and seats everyone again", lambda: org.ok("rooms_form"), EVERYONE - {"council"})
    resync(ks, "author")
    ks.step("room B's facilitator reads Spanish and Persian", lambda: ks.fac_b.ok(
        "room_languages_set", languages=["es", "fa"]), EVERYONE)
    ks.step("room A works on its priority", lambda: ks.fac.ok("phase_advance", from_phase="lobby"), EVERYONE)
    ks.step("its facilitator writes what causes it", lambda: ks.fac.ok(
        "plan_entry_update", entry_id=entry["id"], field="causes", value="Rotation every six months", version=1),
        EVERYONE)
    ks.step("not room B's facilitator", lambda: ks.fac_b.refused(
        "plan_entry_update", "forbidden", entry_id=entry["id"], field="causes", value="x", version=2))
    ks.step("report-out", lambda: org.ok("workshop_advance"), EVERYONE)
    ks.step("back to the solution round", lambda: org.ok("workshop_back"), EVERYONE)
    ks.finish()


@covers("pulse_changed", "pulse_progress", "pulse_answered", commands=("pulse_open", "pulse_answer", "pulse_close"))
def test_trust_pulse(ks):
    """The trust pulse: asked, answered (each screen hears how many, the person that they did), closed."""
    org = ks.org
    ks.begin("trust_pulse")
    pulse = ks.step("the organiser asks the start pulse", lambda: org.ok("pulse_open", label="start"),
                    EVERYONE)["pulse"]["id"]
    for who, value in ((ks.author, 2), (ks.peer, 4), (ks.other_room, 3), (ks.voter, 5)):
        ks.step("an answer", lambda who=who, value=value: who.ok(
            "pulse_answer", pulse_id=pulse, answers={"trust": value, "heard": 3}), EVERYONE)
    assert ks.state["peer"]["me"]["pulses_answered"] == [pulse]
    assert ks.state["display"]["pulses"][str(pulse)]["answered"] == 4
    ks.step("once only", lambda: ks.peer.refused("pulse_answer", "already_answered", pulse_id=pulse,
                                                 answers={"trust": 1}))
    ks.step("the pulse closes: results", lambda: org.ok("pulse_close"), EVERYONE)
    assert ks.state["council"]["pulses"][str(pulse)]["results"]["cells"]["all"]["n"] == 4
    ks.finish()


@covers("workshop_updated", "pulse_changed", "pulse_progress", commands=("followup_open", "followup_close"))
def test_after_the_day(ks):
    """The day closes: every screen gets the progress link for its closing card (and loses it if the day
    goes back); a council member's link asks a follow-up pulse, a device answers it from the public page
    (every screen hears how many), the organiser closes it."""
    org = ks.org
    for _ in range(2):
        org.ok("workshop_advance")  # action plan
    ks.begin("after_the_day")
    ks.step("the day closes: the progress link reaches every screen", lambda: org.ok("workshop_advance"), EVERYONE)
    token = ks.day.created["progress_token"]
    assert ks.state["peer"]["workshop"]["progress_token"] == token
    ks.step("back to the plan: the link goes", lambda: org.ok("workshop_back"), EVERYONE)
    assert ks.state["peer"]["workshop"]["progress_token"] is None
    ks.step("closed again", lambda: org.ok("workshop_advance"), EVERYONE)
    pulse = ks.step("a council member asks a follow-up pulse", lambda: ks.council.ok("followup_open"),
                    EVERYONE)["pulse"]["id"]
    ks.step("a device answers it from the public page", lambda: ks.day.http.post(
        "/api/progress/pulse", json={"pulse_id": pulse, "sector": "community_member", "answers": {"trust": 4},
                                     "device_key": "k" * 32},
        headers={"Authorization": f"Bearer {token}"}).get_json(), EVERYONE)
    assert ks.state["display"]["pulses"][str(pulse)]["answered"] == 1
    ks.step("the organiser closes it", lambda: org.ok("followup_close"), EVERYONE)
    assert ks.state["council"]["pulses"][str(pulse)]["label"] == "followup-1"
    ks.finish()


@covers("election_changed", "election_candidate", "election_nomination", "election_progress", "election_voted",
        "council_volunteered", "council_role_set", "sector_people", "sector_person",
        commands=("election_open", "election_nominate", "election_nomination_answer", "election_withdraw",
                  "election_ballot_open", "election_vote", "election_close", "election_runoff",
                  "participant_remove"))
def test_council_election(ks):
    """The council chosen by its sectors (docs/council-election.md): nominations the nominee accepts,
    a secret ballot per sector, a tie and its second ballot, the elected on the council, then the
    co-chairs elected by the members. Every screen hears the candidates, how many voted and who is
    elected; the voter alone hears that they voted, the nominee alone of their nomination."""
    org = ks.org
    ks.begin("council_election")
    ks.step("the day has a council segment", lambda: org.ok("agenda_set", agenda=["breakout", "council", "closing"]),
            EVERYONE)
    ks.step("the council segment", lambda: org.ok("workshop_advance"), EVERYONE)
    eid = ks.step("seats: one for law enforcement, one for community members; nominations open", lambda: org.ok(
        "election_open", seats={"law_enforcement": 1, "community_member": 1, "community_org": 0,
                                "government_other": 0}), EVERYONE)["election"]["id"]
    # Each seated sector's phones hear the named people of their sector, whatever their room.
    police = {str(c.participant_id) for c in (ks.author, ks.other_room)}
    assert set(ks.state["author"]["sector_people"]) == police
    assert ks.state["author"]["sector_people"] == ks.state["other_room"]["sector_people"]
    assert set(ks.state["peer"]["sector_people"]) == {str(ks.peer.participant_id)}  # b_peer gave no name
    joined = ks.step("a named officer joins room B: the officers' phones hear of them", lambda: ks.day.join(
        name="Cpl. Reyes", group="law_enforcement", connect=False), ROOM_B | {"display", "author", "other_room"})
    assert joined["room_id"] == ks.room_b
    assert ks.state["author"]["sector_people"][str(joined["participant_id"])]["name"] == "Cpl. Reyes"
    ks.step("a nameless officer joins: on nobody's list", lambda: ks.day.join(group="law_enforcement", connect=False),
            ROOM_A | {"display"})
    ks.step("the named officer is removed: off the officers' lists", lambda: ks.org.ok(
        "participant_remove", participant_id=joined["participant_id"], reason="left early"),
        ROOM_B | {"display", "author", "other_room"})
    assert set(ks.state["other_room"]["sector_people"]) == police
    own = ks.step("an officer stands", lambda: ks.author.ok(
        "election_nominate", election_id=eid, participant_id=ks.author.participant_id), EVERYONE)["candidate_id"]
    nom = ks.step("and nominates a colleague: only the nominee hears it", lambda: ks.author.ok(
        "election_nominate", election_id=eid, participant_id=ks.other_room.participant_id),
        {"other_room"})["candidate_id"]
    assert str(nom) in ks.state["other_room"]["me"]["nominations"]
    ks.step("who accepts on their phone", lambda: ks.other_room.ok(
        "election_nomination_answer", candidate_id=nom, accept=True), EVERYONE)
    resident = ks.step("a community member stands", lambda: ks.peer.ok(
        "election_nominate", election_id=eid, participant_id=ks.peer.participant_id), EVERYONE)["candidate_id"]
    ks.step("and withdraws", lambda: ks.peer.ok("election_withdraw", election_id=eid), EVERYONE)
    ks.step("only a candidate withdraws", lambda: ks.voter.refused("election_withdraw", "not_candidate",
                                                                    election_id=eid))
    resident = ks.step("then stands again", lambda: ks.peer.ok(
        "election_nominate", election_id=eid, participant_id=ks.peer.participant_id), EVERYONE)["candidate_id"]
    ks.step("not for another sector", lambda: ks.voter.refused(
        "election_nominate", "not_voter", election_id=eid, participant_id=ks.voter.participant_id))
    ks.step("the ballot opens", lambda: org.ok("election_ballot_open", election_id=eid), EVERYONE)
    assert ks.state["author"]["sector_people"] == {} and ks.state["peer"]["sector_people"] == {}
    ks.step("too late to withdraw", lambda: ks.peer.refused("election_withdraw", "wrong_stage", election_id=eid))
    ks.step("the officers split", lambda: ks.author.ok("election_vote", election_id=eid, candidate_ids=[nom]),
            EVERYONE)
    ks.step("evenly", lambda: ks.other_room.ok("election_vote", election_id=eid, candidate_ids=[own]), EVERYONE)
    ks.step("a community member votes", lambda: ks.peer.ok("election_vote", election_id=eid,
                                                           candidate_ids=[resident]), EVERYONE)
    ks.step("once only", lambda: ks.peer.refused("election_vote", "already_voted", election_id=eid,
                                                 candidate_ids=[resident]))
    ks.step("not for another sector's candidate", lambda: ks.b_peer.refused(
        "election_vote", "not_candidate", election_id=eid, candidate_ids=[own]))
    assert ks.state["display"]["elections"][str(eid)]["voted"] == {"law_enforcement": 2, "community_member": 1}
    assert ks.state["peer"]["me"]["elections_voted"] == [eid]
    ks.step("the ballot closes: the community member is elected, the officers tie", lambda: org.ok(
        "election_close", election_id=eid), EVERYONE)
    assert ks.state["council"]["council"][str(ks.peer.participant_id)]["role"] == "member"
    second = ks.step("a second ballot between the tied officers", lambda: org.ok("election_runoff", election_id=eid),
                     EVERYONE)["election"]
    pick = next(int(k) for k, c in second["candidates"].items() if c["participant_id"] == ks.author.participant_id)
    for who in (ks.author, ks.other_room):
        ks.step("an officer votes again", lambda who=who: who.ok("election_vote", election_id=second["id"],
                                                                 candidate_ids=[pick]), EVERYONE)
    ks.step("the second ballot closes", lambda: org.ok("election_close", election_id=second["id"]), EVERYONE)
    assert ks.state["display"]["council"][str(ks.author.participant_id)]["role"] == "member"
    # The members elect the co-chairs.
    chairs = ks.step("the co-chairs' nominations open", lambda: org.ok("election_open", kind="co_chairs"),
                     EVERYONE)["election"]["id"]
    police_chair = ks.step("an officer on the council stands", lambda: ks.author.ok(
        "election_nominate", election_id=chairs, participant_id=ks.author.participant_id), EVERYONE)["candidate_id"]
    community_chair = ks.step("a member nominates a community member", lambda: ks.b_peer.ok(
        "election_nominate", election_id=chairs, participant_id=ks.peer.participant_id), {"peer"})["candidate_id"]
    ks.step("who accepts", lambda: ks.peer.ok("election_nomination_answer", candidate_id=community_chair,
                                              accept=True), EVERYONE)
    ks.step("the members' ballot opens", lambda: org.ok("election_ballot_open", election_id=chairs), EVERYONE)
    for who in (ks.author, ks.peer, ks.b_peer):
        ks.step("a member votes", lambda who=who: who.ok("election_vote", election_id=chairs,
                                                         candidate_ids=[police_chair, community_chair]), EVERYONE)
    ks.step("only members vote", lambda: ks.other_room.refused("election_vote", "not_voter", election_id=chairs,
                                                               candidate_ids=[police_chair]))
    ks.step("the co-chairs are elected", lambda: org.ok("election_close", election_id=chairs), EVERYONE)
    roles = {k: v["role"] for k, v in ks.state["council"]["council"].items()}
    assert roles[str(ks.author.participant_id)] == "co_chair_law_enforcement"
    assert roles[str(ks.peer.participant_id)] == "co_chair_community"
    ks.finish()


# -- the whole day: every command, every viewer ------------------------------------

EVERY_COMMAND = (
    "workshop_update", "workshop_pause", "workshop_resume", "workshop_advance", "workshop_back", "workshop_purge",
    "participant_move", "participant_remove", "phase_advance", "phase_back", "timer_set", "timer_extend",
    "timer_clear", "help_call", "help_clear", "barrier_post", "barrier_withdraw", "post_edit", "post_hide",
    "post_restore", "barrier_merge", "merge_undo", "merge_object", "merge_objection_dismiss", "vote_cast",
    "vote_withdraw", "solution_post", "solution_withdraw", "report_push", "report_withdraw", "council_volunteer",
    "council_role_set", "council_link_issue", "council_link_revoke", "plan_entry_create", "plan_entry_update",
    "plan_note_add", "facilitator_invite_renew", "facilitator_revoke", "sectors_set",
)
ROOMS_AB = ROOM_A | ROOM_B


@covers("participant_joined", "participant_moved", "participant_removed", "workshop_purged",
        "access_ended", "council_role_set", "council_link_changed", "plan_entry_updated", "author_names_cleared",
        commands=EVERY_COMMAND)
def test_full_day(ks):
    """One day with every command, every viewer checked after every step.

    Ray, a named participant, takes part in everything a person can (named posts,
    one hidden before the reveal, one merged, named solutions, one hidden, dots, an
    objection, the council with a seat, a co-lead, a link and a note), and is removed
    near the end; then the workshop is closed and its personal data erased.
    """
    ks.begin("full_day")
    fac, org = ks.fac, ks.org
    ks.step("rename the workshop", lambda: org.ok("workshop_update", title="Eastside trust day"), EVERYONE)
    ks.step("add a sector", lambda: org.ok("sectors_set", sectors=[
        *sector_list(ks), {"names": {"en": "Faith", "es": "Comunidades de fe", "fa": "جوامع دینی"},
                           "side": "community"}]), EVERYONE)
    joined = ks.step("Ray joins: room B has fewer people", lambda: ks.day.join(
        name="Ray Ortiz", group="government_other", anonymous=False), ROOM_B | {"display"})
    assert joined.room_id == ks.room_b
    ks.step("the organiser moves Ray to room A", lambda: org.ok(
        "participant_move", participant_id=joined.participant_id, room_id=ks.room_a), ROOMS_AB | {"display"})
    ray = joined
    assert ray.sync(None)["ok"]  # the moved phone re-syncs (protocol §6), which moves its socket
    ray.room_id = ks.room_a
    ks.step("pause", lambda: org.ok("workshop_pause", message="Coffee"), EVERYONE)
    ks.step("resume", lambda: org.ok("workshop_resume"), EVERYONE)
    ks.step("brainstorm with a timer", lambda: fac.ok("phase_advance", from_phase="lobby", timer_secs=900), EVERYONE)
    ks.step("extend the timer", lambda: fac.ok("timer_extend", seconds=60), EVERYONE)
    ks.step("clear the timer", lambda: fac.ok("timer_clear"), EVERYONE)
    ks.step("set a timer", lambda: org.ok("timer_set", room_id=ks.room_a, seconds=600), EVERYONE)
    ks.step("room B starts", lambda: ks.fac_b.ok("phase_advance", from_phase="lobby"), EVERYONE)
    ks.step("room B back to the lobby", lambda: org.ok("phase_back", from_phase="brainstorm", room_id=ks.room_b), EVERYONE)
    ks.step("room A calls for help", lambda: fac.ok("help_call", message="Come by"), {"facilitator", "organiser"})
    ks.step("the organiser answers", lambda: org.ok("help_clear", room_id=ks.room_a), {"facilitator", "organiser"})
    screening = {"facilitator", "organiser", "display"}
    a1 = ks.step("the author posts, named", lambda: ks.post(ks.author, "Stops are never explained",
                                                            anonymous=False), screening | {"author"})
    r1 = ks.step("Ray posts, named", lambda: ks.post(ray, "No interpreters at the front desk"), screening)
    r2 = ks.step("Ray posts something to hide", lambda: ks.post(ray, "Officer K. is a bully"), screening)
    p1 = ks.step("the peer posts a phone number", lambda: ks.post(ks.peer, "Nobody translates, call 555-867-5309"),
                 screening | {"peer"})
    v1 = ks.step("the voter posts", lambda: ks.post(ks.voter, "Interpreters are never booked"), screening)
    extra = ks.step("the author posts a duplicate", lambda: ks.post(ks.author, "Stops are not explained"),
                    screening | {"author"})
    ks.step("and withdraws it", lambda: ks.author.ok("barrier_withdraw", barrier_id=extra), screening | {"author"})
    ks.step("the facilitator hides Ray's post before the reveal", lambda: fac.ok(
        "post_hide", kind="barrier", id=r2, reason="Names an officer"), {"facilitator", "organiser", "display"})
    ks.step("the facilitator takes the phone number out", lambda: fac.ok(
        "post_edit", kind="barrier", id=p1, text="Nobody translates at the desk"), {"peer", "facilitator", "organiser"})
    ks.step("reveal", lambda: fac.ok("phase_advance", from_phase="brainstorm"), EVERYONE)
    assert ks.barriers("facilitator")[str(r2)]["author_name"] == "Ray Ortiz"
    assert ks.barriers("peer")[str(r1)]["author_name"] == "Ray Ortiz" and str(r2) not in ks.barriers("peer")
    ks.step("hide the voter's post", lambda: fac.ok("post_hide", kind="barrier", id=v1, reason="Duplicate"),
            ROOM_A | {"display"})
    ks.step("restore it", lambda: org.ok("post_restore", kind="barrier", id=v1), ROOM_A | {"display"})
    shared = ks.step("merge Ray's post with the peer's", lambda: fac.ok("barrier_merge", barrier_ids=[r1, p1]),
                     ROOM_A | {"display"})["shared_id"]
    ks.step("the peer objects", lambda: ks.peer.ok("merge_object", barrier_id=p1, reason="Mine is about phones"),
            {"peer", "facilitator", "organiser"})
    ks.step("Ray objects", lambda: ray.ok("merge_object", barrier_id=r1, reason="Keep Ray's own words"),
            {"facilitator", "organiser"})
    ks.step("the facilitator keeps the merge", lambda: fac.ok("merge_objection_dismiss", shared_id=shared),
            {"peer", "facilitator", "organiser"})
    other = ks.step("merge two more", lambda: fac.ok("barrier_merge", barrier_ids=[a1, v1]), ROOM_A | {"display"})["shared_id"]
    ks.step("and undo it", lambda: fac.ok("merge_undo", shared_id=other), ROOM_A | {"display"})
    ks.step("vote", lambda: fac.ok("phase_advance", from_phase="reveal"), EVERYONE)
    dots = ROOM_A | {"display"}
    ks.step("the peer dots the author's", lambda: ks.peer.ok("vote_cast", target_type="barrier", target_id=a1), dots)
    ks.step("Ray dots it too", lambda: ray.ok("vote_cast", target_type="barrier", target_id=a1), dots)
    ks.step("Ray dots the shared one", lambda: ray.ok("vote_cast", target_type="barrier", target_id=shared), dots)
    ks.step("the peer takes a dot back", lambda: ks.peer.ok("vote_withdraw", target_type="barrier", target_id=a1),
            dots)
    ks.step("solutions", lambda: fac.ok("phase_advance", from_phase="vote"), EVERYONE)
    s1 = ks.step("Ray proposes, named", lambda: ray.ok("solution_post", barrier_id=a1, text="A card for every stop")
                 ["solution"]["id"], dots)
    s2 = ks.step("Ray proposes again", lambda: ray.ok("solution_post", barrier_id=a1, text="Fire Officer K.")
                 ["solution"]["id"], dots)
    ks.step("the facilitator hides it", lambda: fac.ok("post_hide", kind="solution", id=s2, reason="Personal"),
            ROOM_A | {"display"})
    s3 = ks.step("the author proposes", lambda: ks.author.ok("solution_post", barrier_id=a1, text="Ride-alongs")
                 ["solution"]["id"], dots)
    ks.step("and withdraws it", lambda: ks.author.ok("solution_withdraw", solution_id=s3), dots)
    ks.step("the voter dots Ray's solution", lambda: ks.voter.ok("vote_cast", target_type="solution", target_id=s1),
            dots)
    ks.step("report-out", lambda: fac.ok("phase_advance", from_phase="solutions"), EVERYONE)
    items = ks.step("push two", lambda: fac.ok("report_push", barrier_ids=[a1, shared]), EVERYONE)["item_ids"]
    ks.step("withdraw one", lambda: fac.ok("report_withdraw", item_id=items[1]), EVERYONE)
    ks.step("Ray volunteers for the council", lambda: ray.ok("council_volunteer", contact="ray@example.org",
                                                              consent=True), {"organiser"})
    ks.step("Ray joins the council", lambda: org.ok("council_role_set", participant_id=ray.participant_id,
                                                     role="member"), EVERYONE)
    ks.step("plenary", lambda: org.ok("workshop_advance"), EVERYONE)
    ks.step("Ray dots the plenary item", lambda: ray.ok("vote_cast", target_type="plenary", target_id=items[0]),
            EVERYONE)
    ks.step("back to the breakouts", lambda: org.ok("workshop_back"), EVERYONE)
    ks.step("plenary again", lambda: org.ok("workshop_advance"), EVERYONE)
    ks.step("action plan", lambda: org.ok("workshop_advance"), EVERYONE)
    entry = ks.step("an entry from the item", lambda: org.ok("plan_entry_create", plenary_item_id=items[0]),
                    EVERYONE)["entry"]["id"]
    ks.step("Ray co-leads it", lambda: org.ok("plan_entry_update", entry_id=entry, field="co_lead_community",
                                               value=str(ray.participant_id), version=1), EVERYONE)
    ks.step("Ray gets a council link", lambda: org.ok("council_link_issue", participant_id=ray.participant_id),
            {"organiser"})
    ks.step("and loses it", lambda: org.ok("council_link_revoke", participant_id=ray.participant_id, reason="Lost"),
            {"organiser"})
    token = ks.step("and gets a new one", lambda: org.ok("council_link_issue", participant_id=ray.participant_id),
                    {"organiser"})["token"]
    ray_page = ks.day._client(token, "council")
    ks.step("Ray's page adds a note", lambda: ray_page.ok("plan_note_add", entry_id=entry, text="Cards designed"),
            EVERYONE)
    ks.step("the organiser adds a note", lambda: org.ok("plan_note_add", entry_id=entry, text="Budget agreed"),
            EVERYONE)
    ks.step_cut("room B's link is renewed: the old one is cut",
                lambda: org.ok("facilitator_invite_renew", room_id=ks.room_b), "other_facilitator",
                quiet={"organiser"})
    ks.step("and the new one revoked", lambda: org.ok("facilitator_revoke", room_id=ks.room_b), quiet={"organiser"})
    present = EVERYONE - {"other_facilitator"}
    before = dict(ks.state)
    ks.step("the facilitator removes Ray: every screen that showed Ray's name loses it",
            lambda: fac.ok("participant_remove", participant_id=ray.participant_id, reason="Threats"), present)
    for key in present:  # a screen that was offline and resumes with sync {since} gets there too
        ack = ks.probes[key].sync(before[key]["seq"])
        assert ack["ok"] and ack["mode"] == "events", ack
        diff = first_difference(without_seq(reducer.apply_all(before[key], ack["events"])), without_seq(ks.fresh(key)))
        assert diff is None, f"{key} resuming: {diff}"
    assert not ray.sio.is_connected() and not ray_page.sio.is_connected()
    assert ks.barriers("peer")[str(r1)]["author_name"] is None
    assert ks.state["author"]["solutions"][str(s1)]["author_name"] is None
    assert ks.barriers("facilitator")[str(r2)]["author_name"] is None
    assert ks.state["organiser"]["solutions"][str(s2)]["author_name"] is None
    assert str(ray.participant_id) not in ks.state["organiser"]["volunteers"]
    # The room hears which visible posts lose the name, never a hidden one and never who wrote them.
    cleared = [e["data"] for e in ks.log["peer"] if e["type"] == "author_names_cleared"]
    assert cleared == [{"barrier_ids": [r1], "solution_ids": [s1]}]
    ks.step("close the workshop", lambda: org.ok("workshop_advance"), present)
    assert ks.state["organiser"]["objections"] and all(o["reason"] for o in ks.state["organiser"]["objections"].values())
    ks.step_cut_many("erase the personal data", lambda: org.ok("workshop_purge"),
                     ("author", "peer", "other_room", "facilitator"), {"organiser", "display", "council"})
    assert all(o["reason"] == "" for o in ks.state["organiser"]["objections"].values())
    ks.finish()


@covers("tallies_shown", "vote_progress", "tally", "barriers_merged", "merge_undone", "solution_posted",
        "workshop_updated")
def test_hidden_tallies_in_the_room(ks):
    """The default (live_tallies off): an open vote's counts reach only the facilitators and
    organisers; the room sees how many people have voted; the counts come out when the vote closes."""
    ks.org.ok("workshop_update", live_tallies=False)
    ks.phase(ks.fac)
    b1 = ks.post(ks.author, "Stops are never explained", anonymous=False)
    b2 = ks.post(ks.peer, "Nobody says why they stop you")
    b3 = ks.post(ks.voter, "Youth programs were cut")
    ks.phase(ks.fac, 2)  # reveal, vote
    ks.begin("hidden_tallies_in_the_room")
    ack = ks.step("peer's first dot: the room learns that one person voted, not for what",
                  lambda: ks.peer.ok("vote_cast", target_type="barrier", target_id=b1), ROOM_A | {"display"})
    assert ack["votes"] is None and ack["remaining"] == 2
    assert ks.barriers("author")[str(b1)]["votes"] is None and ks.barriers("peer")[str(b1)]["votes"] is None
    assert ks.barriers("facilitator")[str(b1)]["votes"] == 1
    assert ks.state["author"]["vote_progress"][str(ks.room_a)]["barrier"] == {"voted": 1, "spent": 0}
    ks.step("peer's second dot: only the staff, the projector's counts and the voter hear",
            lambda: ks.peer.ok("vote_cast", target_type="barrier", target_id=b2),
            {"peer", "facilitator", "organiser", "display"})
    ks.step("and the third: the peer has no dots left, the room hears that (a count)",
            lambda: ks.peer.ok("vote_cast", target_type="barrier", target_id=b3), ROOM_A | {"display"})
    assert ks.state["facilitator"]["vote_progress"][str(ks.room_a)]["barrier"] == {"voted": 1, "spent": 1}
    ks.step("the voter's first dot", lambda: ks.voter.ok("vote_cast", target_type="barrier", target_id=b1),
            ROOM_A | {"display"})
    shared = ks.step("a merge during the vote keeps the counts from the room",
                     lambda: ks.fac.ok("barrier_merge", barrier_ids=[b1, b2]), ROOM_A | {"display"})["shared_id"]
    assert ks.barriers("peer")[str(shared)]["votes"] is None
    assert ks.barriers("facilitator")[str(shared)]["votes"] == 2
    ks.step("undo", lambda: ks.fac.ok("merge_undo", shared_id=shared), ROOM_A | {"display"})
    ks.step("the vote closes: everyone in the room sees the counts", lambda: ks.fac.ok("phase_advance", from_phase="vote"), EVERYONE)
    assert ks.barriers("author")[str(b1)]["votes"] == 2
    assert ks.barriers("peer")[str(b2)]["votes"] == 0
    s1 = ks.step("a solution: its vote is open now",
                 lambda: ks.author.ok("solution_post", barrier_id=b1, text="A card for every stop")["solution"]["id"],
                 ROOM_A | {"display"})
    ks.step("peer dots it", lambda: ks.peer.ok("vote_cast", target_type="solution", target_id=s1),
            ROOM_A | {"display"})
    assert ks.state["author"]["solutions"][str(s1)]["votes"] is None
    assert ks.state["facilitator"]["solutions"][str(s1)]["votes"] == 1
    ks.step("back to the vote: its counts are hidden again, the solutions' shown", lambda: ks.fac.ok("phase_back", from_phase="solutions"),
            EVERYONE)
    assert ks.barriers("author")[str(b1)]["votes"] is None
    assert ks.state["author"]["solutions"][str(s1)]["votes"] == 1
    ks.step("the organiser turns live tallies on", lambda: ks.org.ok("workshop_update", live_tallies=True), EVERYONE)
    assert ks.barriers("author")[str(b1)]["votes"] == 2
    ks.step("and off again", lambda: ks.org.ok("workshop_update", live_tallies=False), EVERYONE)
    assert ks.barriers("author")[str(b1)]["votes"] is None
    ks.step("nothing to change", lambda: ks.org.refused("workshop_update", "no_change", live_tallies=False))
    ks.step("not for a facilitator", lambda: ks.fac.refused("workshop_update", "forbidden", live_tallies=True))
    for key in ("author", "peer", "other_room", "display"):
        for ev in ks.log[key]:
            assert ev["type"] != "tally", f"{key} heard a tally while the vote was open: {ev}"
    ks.finish()


@covers("tallies_shown", "tally", "plenary_item_added", "workshop_updated")
def test_hidden_tallies_in_the_plenary(ks):
    ks.org.ok("workshop_update", live_tallies=False)
    ks.phase(ks.fac)
    b1 = ks.post(ks.author, "Stops are never explained", anonymous=False)
    b2 = ks.post(ks.peer, "No interpreters at the station")
    ks.phase(ks.fac, 4)  # reveal, vote, solutions, report_out
    item = ks.fac.ok("report_push", barrier_ids=[b1])["item_ids"][0]
    ks.org.ok("workshop_advance")  # plenary
    ks.begin("hidden_tallies_in_the_plenary")
    ks.step("peer votes on the plenary: the facilitators and organisers see the count, the projector does not",
            lambda: ks.peer.ok("vote_cast", target_type="plenary", target_id=item),
            {"peer", "facilitator", "other_facilitator", "organiser"})
    assert ks.state["display"]["plenary"][str(item)]["votes"] is None
    assert ks.state["other_facilitator"]["plenary"][str(item)]["votes"] == 1
    late = ks.step("a late item from room A", lambda: ks.fac.ok("report_push", barrier_ids=[b2]),
                   EVERYONE)["item_ids"][0]
    assert ks.state["other_room"]["plenary"][str(late)]["votes"] is None
    ks.step("the plenary closes: the counts go to everyone", lambda: ks.org.ok("workshop_advance"), EVERYONE)
    assert ks.state["display"]["plenary"][str(item)]["votes"] == 1
    assert ks.state["other_room"]["plenary"][str(late)]["votes"] == 0
    ks.finish()


@covers("access_ended", commands=("seat_code_issue",))
def test_seat_codes(ks):
    from server.domain import seats
    from server.domain.errors import CommandError
    ks.phase(ks.fac)
    own = ks.post(ks.peer, "No interpreters at the station")
    ks.phase(ks.fac, 2)
    ks.peer.ok("vote_cast", target_type="barrier", target_id=own)
    ks.begin("seat_codes")
    code = ks.step("the peer's phone asks for its seat code: nobody hears", lambda: ks.peer.ok("seat_code_issue"))
    assert seats.normalise_seat_code(code["seat_code"]) == code["seat_code"]
    ks.step("the facilitator issues one for the author: nobody hears",
            lambda: ks.fac.ok("seat_code_issue", participant_id=ks.author.participant_id))
    ks.step("the organiser too", lambda: ks.org.ok("seat_code_issue", participant_id=ks.author.participant_id))
    ks.step("not another room's facilitator", lambda: ks.fac_b.refused(
        "seat_code_issue", "not_found", participant_id=ks.author.participant_id))
    ks.step("not someone else's code", lambda: ks.peer.refused(
        "seat_code_issue", "forbidden", participant_id=ks.author.participant_id))
    ks.step("not the projector", lambda: ks.display.refused("seat_code_issue", "forbidden"))
    ks.step("a facilitator must say whose", lambda: ks.fac.refused("seat_code_issue", "invalid"))
    before = ks.last["peer"]
    key = "seat-" + uuid.uuid4().hex  # this new phone's own key (PostgreSQL's database is shared by the run)
    ask = seats.parse_rejoin({"code": ks.day.created["join_code"], "seat_code": code["seat_code"], "device_key": key})
    wrong = seats.parse_rejoin({"code": ks.day.created["join_code"], "seat_code": "ABCD2345", "device_key": key})
    def refused_rejoin():
        with pytest.raises(CommandError) as err:
            seats.rejoin(ks.day.db, ks.day.workshop_id, wrong)
        return err.value.code

    assert ks.step("a wrong seat code", refused_rejoin) == "not_found"
    answer = ks.step_cut("the peer takes the seat on a new phone: the old one is told and cut",
                         lambda: seats.rejoin(ks.day.db, ks.day.workshop_id, ask), "peer")
    assert ks.state["peer"]["me"]["ended"] == {"reason": "", "rejoined": True}
    assert answer["participant_id"] == ks.peer.participant_id and answer["room_id"] == ks.room_a
    again = ks.step("the same phone again (a lost answer): the same seat, nothing changes",
                    lambda: seats.rejoin(ks.day.db, ks.day.workshop_id, ask))
    assert again == answer
    phone = ks.day._client(answer["token"], "participant")
    fresh = phone.snapshot()
    assert without_seq(fresh) == without_seq(before)  # same room, same dots, same posts shown as "mine"
    assert fresh["my_votes"] == [f"barrier:{own}"] and fresh["mine"] == [f"barrier:{own}"]
    ks.finish()


# -- coverage --------------------------------------------------------------------

def reducer_event_types() -> set[str]:
    return set(reducer.EVENT_TYPES)


def test_every_event_type_is_covered():
    """Every type the reducer handles is produced and checked by some keystone scenario."""
    handled = reducer_event_types()
    assert len(handled) >= 26
    covered = set().union(*SCENARIO_TYPES.values())
    assert covered == handled, (f"not covered: {sorted(handled - covered)}; "
                                f"covered but unknown to the reducer: {sorted(covered - handled)}")


def test_every_event_type_the_server_emits_is_handled():
    """The reducer knows every event type any domain module emits (a new type needs a reducer rule and a scenario)."""
    domain = Path(reducer.__file__).parent
    emitted = set()
    for path in domain.glob("*.py"):
        emitted |= set(re.findall(r'\bemit\(\s*"(\w+)"', path.read_text(encoding="utf-8")))
    assert emitted and emitted == reducer_event_types()


def test_every_command_is_covered():
    """Every command of the registry is run, and every viewer checked, by some keystone scenario."""
    covered = set().union(*SCENARIO_COMMANDS.values())
    assert covered == set(REGISTRY), (f"commands no keystone scenario runs: {sorted(set(REGISTRY) - covered)}; "
                                      f"declared but not in the registry: {sorted(covered - set(REGISTRY))}")
