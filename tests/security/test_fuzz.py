"""Hostile input (docs/security.md): random and malformed commands from every
kind of sender, through dispatch() and through the Socket.IO handlers.

The state machine sends plausible commands (real ids, every phase reachable)
mixed with junk: wrong types, huge and nested values, control and bidi
characters, NUL, lone surrogates, unnormalised Unicode, out-of-range
integers, unknown fields, missing and repeated client ids. After every step:
- nothing but CommandError is ever raised, with a known code and a message;
- a refusal changed nothing (the organiser's whole view, every row count);
- a repeated cid returns the first result and adds no event;
and after every step the invariants hold: the event log is gap-free, no one is
over their dot budget, tallies equal the stored votes, dots sit only on
items that can hold them, merges are consistent (members point to a live
shared barrier; an undone merge left nothing behind), stored text is clean,
and the organiser's view built from the events it was sent equals a fresh
snapshot.

Runs on both backends: PostgreSQL with fewer examples (it is slower per
command) but it must run there, because its failures differ (NUL bytes and
32-bit integer columns are refused by PostgreSQL, not by SQLite).
"""
from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from server.domain import REGISTRY, auth, dispatch, expiry, reducer, rules
from server.domain.errors import CommandError
from server.domain.registry import _STRIP
from server.domain.snapshot import snapshot
from server.domain.workshops import create_workshop, join
from server.models import (
    AuditEntry,
    Barrier,
    CommandRecord,
    CouncilMeeting,
    Event,
    Merge,
    Participant,
    PlanEntry,
    PlenaryItem,
    Room,
    Solution,
    Vote,
    Workshop,
)

from ..conftest import make_app
from ..test_protocol_doc import DOC, raised_codes

# Every code a refusal may carry: the ones the server's command path raises, each of which
# tests/test_protocol_doc.py proves is in docs/protocol.md's error table.
KNOWN_CODES = set(raised_codes("server/domain", "server/events"))
assert {"forbidden", "invalid", "wrong_phase", "budget_spent"} <= KNOWN_CODES
assert all(f"`{c}`" in DOC for c in KNOWN_CODES)

NASTY = [
    "", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "\u202eevil\u202c", "\u2066isolate\u2069", "\u200f\u200e",
    "e\u0301\u0065\u0301", "\ufeffbom", "\r\n\r\n", "\t", "\x1b[31mred", "\u0085", "🏳️‍🌈" * 40,
    "<script>alert(1)</script>", "'; DROP TABLE barriers; --", "%s%n%x", "\u200b", "ﷺ" * 300, "x" * 281,
    "y" * 5000, "z" * 70_000, "Ω" * 401, "١٢٣", "null", "true", "0", "-1", "1e309",
]
INTS = [0, -1, 1, 2**31 - 1, 2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 2**80, 10**30]
scalar = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                   st.sampled_from(INTS), st.floats(allow_nan=True, allow_infinity=True),
                   st.text(max_size=30), st.sampled_from(NASTY))
junk = st.recursive(scalar, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=10)
texts = st.one_of(st.text(min_size=1, max_size=40), st.sampled_from(NASTY),
                  st.builds(lambda a, b: a + b, st.sampled_from(NASTY), st.text(max_size=20)))

SENDERS = ("organiser", "fac0", "fac1", "p0", "p1", "p2", "p3", "display", "foreign", None)
PHONES = ("p0", "p1", "p2", "p3")
PARTICIPANT_COMMANDS = sorted(name for name, spec in REGISTRY.items() if "participant" in spec.roles)
# Commands that move the day on are drawn more often, so every phase is reached.
STEERING = ["phase_advance"] * 3 + ["phase_back", "phase_back", "workshop_advance", "workshop_back"]
GOOD_TEXTS = ["Stops are not explained", "Nobody answers complaints", "مترجم فارسی نیست", "Falta de intérpretes",
              "Monthly coffee with officers", "Chief of police", "agreed", "me@example.org", "Off topic"]
plausible_text = st.one_of(st.sampled_from(GOOD_TEXTS), st.sampled_from(GOOD_TEXTS), texts)


def nested(depth: int):
    x: list = []
    for _ in range(depth):
        x = [x]
    return x


class FuzzDay(RuleBasedStateMachine):
    db = None  # set by the test

    def __init__(self):
        super().__init__()
        db = self.db
        created = create_workshop(db, title="Fuzz day", rooms=2, vote_budget=2, languages=["en", "fa"])
        foreign = create_workshop(db, title="Another day", rooms=1)
        self.ws = created["workshop_id"]
        self.rooms = [f["room_id"] for f in created["facilitators"]]
        self.foreign_room = foreign["facilitators"][0]["room_id"]
        tokens = {"organiser": created["organiser_token"], "display": created["display_token"],
                  "fac0": created["facilitators"][0]["token"], "fac1": created["facilitators"][1]["token"],
                  "foreign": foreign["organiser_token"]}
        for i, (name, group) in enumerate([("Ana", "community_member"), (None, "law_enforcement"),
                                           ("Reza", "community_org"), ("Lee", "law_enforcement")]):
            result, _ = join(db, {"code": created["join_code"], "group": group, "language": "en",
                                  "name": name, "anonymous": i % 2 == 0})
            tokens[f"p{i}"] = result["token"]
        with db.reading() as s:
            self.principals = {k: auth.resolve(s, t) for k, t in tokens.items()}
            self.principals[None] = None
        # Start from a room in the brainstorm with a few posts, so short runs reach the board.
        org = self.principals["organiser"]
        dispatch(db, org, "phase_advance", {"cid": "setup-1", "room_id": self.rooms[0], "from_phase": "lobby"})
        dispatch(db, org, "phase_advance", {"cid": "setup-2", "room_id": self.rooms[1], "from_phase": "lobby"})
        for i, who in enumerate(("p0", "p1", "p2", "p3", "p0", "p1", "p2", "p3")):
            dispatch(db, self.principals[who], "barrier_post", {"cid": f"setup-{i}", "text": f"Barrier {i}"})
        with db.reading() as s:
            self.org_view = snapshot(s, org)
        self.org_audiences = self.principals["organiser"].audiences(self.rooms)
        self.cids = itertools.count(1)
        self.sent: list[tuple] = []  # (sender, cid, name, payload, result) of accepted commands
        self.steps = Counter()

    @initialize(phases=st.tuples(st.sampled_from(rules.ROOM_PHASES[1:5]), st.sampled_from(rules.ROOM_PHASES[1:5])))
    def start_somewhere(self, phases):
        """Each room starts in a phase of its own (brainstorm to solutions)."""
        for room, phase in zip(self.rooms, phases):
            for step in range(1, rules.ROOM_PHASES.index(phase)):
                self.send("organiser", "phase_advance", {"room_id": room, "from_phase": rules.ROOM_PHASES[step]})

    # -- helpers -----------------------------------------------------------------------
    def ids(self, model, **where) -> list[int]:
        with self.db.reading() as s:
            q = select(model.id).where(model.workshop_id == self.ws)
            for k, v in where.items():
                q = q.where(getattr(model, k) == v)
            return list(s.scalars(q.order_by(model.id)))

    def fingerprint(self):
        """The organiser's whole view, every row count, and the foreign workshop's seq."""
        with self.db.reading() as s:
            view = snapshot(s, self.principals["organiser"])
            counts = {m.__tablename__: s.scalar(select(func.count()).select_from(m).where(m.workshop_id == self.ws))
                      for m in (Event, CommandRecord, AuditEntry, Vote, Barrier, Solution, PlenaryItem, PlanEntry,
                                Merge, Participant, CouncilMeeting)}
            foreign = s.get(Workshop, self.principals["foreign"].workshop_id).seq
        return view, counts, foreign

    def field_value(self, data, name: str, annotation):
        # Draw an index, not a value: what is drawn must not depend on the database's ids,
        # or Hypothesis cannot replay a run.
        def pick(xs):
            i = data.draw(st.integers(0, 15))
            return xs[i % len(xs)] if xs else 1
        ids = {
            "room_id": lambda: pick([*self.rooms, None, self.foreign_room, 0]),
            "barrier_id": lambda: pick(self.ids(Barrier) + [0]),
            "shared_id": lambda: pick(self.ids(Barrier, is_shared=True) + self.ids(Barrier)[:2]),
            "solution_id": lambda: pick(self.ids(Solution) + [0]),
            "item_id": lambda: pick(self.ids(PlenaryItem) + [0]),
            "plenary_item_id": lambda: pick(self.ids(PlenaryItem) + [None]),
            "entry_id": lambda: pick(self.ids(PlanEntry) + [0]),
            "participant_id": lambda: pick([p.id for k, p in self.principals.items() if k and k[0] == "p"] + [0]),
            # mostly top-level barriers of one room, as a facilitator would pick them
            "barrier_ids": lambda: self.some_barriers(data),
            "seconds": lambda: data.draw(st.sampled_from([10, 60, 600, 5, 14400, 20000])),
            "timer_secs": lambda: data.draw(st.sampled_from([None, 60, 9])),
            "from_phase": lambda: pick([*rules.ROOM_PHASES, "plenary", None]),
            "kind": lambda: pick(["barrier", "solution"]),
            "target_type": lambda: pick(["barrier", "barrier", "solution", "plenary"]),
            "field": lambda: pick(list(rules.PLAN_FIELDS)),
            "version": lambda: pick([1, 1, 2, 3, 0]),
            "role": lambda: pick([*rules.COUNCIL_ROLES, "co_chair", None]),
            "consent": lambda: data.draw(st.booleans()),
            "anonymous": lambda: data.draw(st.sampled_from([None, True, False])),
            "display_language": lambda: pick(["en", "fa", "de", None]),
            # The council after the day (server/domain/meetings.py).
            "meeting_id": lambda: pick(self.ids(CouncilMeeting) + [0]),
            "starts_at": lambda: pick(["2027-01-14T18:30", "2027-02-30T10:00", "tomorrow", "2027-03-28T01:30"]),
            "timezone": lambda: pick(["America/Chicago", "Asia/Tehran", "UTC", "Mars/Olympus", ""]),
            "duration_minutes": lambda: pick([60, 90, 5, 721]),
            "due": lambda: pick(["2027-01-31", "", "2020-02-30", "31/01/2027"]),
        }
        if name == "id":
            return pick(self.ids(Barrier) + self.ids(Solution) + [0])
        if name == "target_id":
            return pick(self.ids(Barrier) + self.ids(Solution) + self.ids(PlenaryItem) + [0])
        if name in ids:
            return ids[name]()
        return data.draw(plausible_text)

    def some_barriers(self, data) -> list[int]:
        """Mostly distinct top-level barriers of one room, as a facilitator would pick them."""
        room = self.rooms[data.draw(st.integers(0, 1))]
        ids = self.ids(Barrier, room_id=room, merged_into_id=None, withdrawn=False) or [1]
        start, n = data.draw(st.integers(0, 15)), data.draw(st.integers(2, 4))
        return list(dict.fromkeys(ids[(start + k) % len(ids)] for k in range(n)))

    def plausible(self, data, name: str) -> dict:
        spec = REGISTRY[name]
        payload = {}
        for field, info in spec.schema.model_fields.items():
            if not info.is_required() and data.draw(st.integers(0, 3)) == 0:
                continue
            value = self.field_value(data, field, info.annotation)
            if value is not None or not info.is_required():
                payload[field] = value
        kinds = {"barrier": Barrier, "solution": Solution, "plenary": PlenaryItem}
        if payload.get("target_type") in kinds and data.draw(st.integers(0, 3)):
            ids = self.ids(kinds[payload["target_type"]])
            payload["target_id"] = ids[data.draw(st.integers(0, 15)) % len(ids)] if ids else 0
        return payload

    def send(self, sender, name: str, payload, *, cid=None, add_cid=True):
        principal = self.principals[sender]
        if isinstance(payload, dict) and add_cid:
            payload = {**payload, "cid": cid or f"f{next(self.cids)}"}
        before = self.fingerprint()
        seq_before = before[0]["seq"] if principal is None or principal.workshop_id == self.ws else before[2]
        try:
            outcome = dispatch(self.db, principal, name, payload)
        except CommandError as err:
            assert err.code in KNOWN_CODES, f"unknown code {err.code!r} for {name} {payload!r:.300}"
            assert isinstance(err.message, str) and err.message.strip(), (name, err.code)
            assert self.fingerprint() == before, f"{sender} {name} refused ({err.code}) but something changed"
            self.steps[f"refused:{err.code}"] += 1
            return None
        # Anything other than CommandError propagates and fails the test.
        seqs = [e.seq for e in outcome.events]
        if outcome.repeated:
            assert not seqs
        else:
            assert seqs == list(range(seq_before + 1, seq_before + 1 + len(seqs))), (name, seqs, seq_before)
            # A secret in the first answer (a new link's token, a seat code) is never stored: a repeat has none.
            kept = {k: v for k, v in outcome.result.items() if k not in ("token", "seat_code")}
            self.sent.append((sender, payload["cid"], name, payload, kept))
            visible = [e.wire() for e in outcome.events if set(e.audience) & self.org_audiences]
            self.org_view = reducer.apply_all(self.org_view, visible)
        self.steps[f"ok:{name}"] += 1
        return outcome

    # -- rules ---------------------------------------------------------------------------
    @rule(data=st.data(), name=st.sampled_from(sorted(REGISTRY)), sender=st.sampled_from(SENDERS))
    def plausible_command(self, data, name, sender):
        self.send(sender, name, self.plausible(data, name))

    @rule(data=st.data(), name=st.sampled_from(PARTICIPANT_COMMANDS), sender=st.sampled_from(PHONES))
    def participant_command(self, data, name, sender):
        """Phones are the senders nobody vouches for: their own commands get a share of their own
        (drawn only from all commands and all senders, a phone's accepted command was rare enough
        that whether a run reached one depended on the draw)."""
        self.send(sender, name, self.plausible(data, name))

    @rule(data=st.data(), name=st.sampled_from(STEERING),
          sender=st.sampled_from(["organiser", "organiser", "fac0", "fac1"]))
    def steer(self, data, name, sender):
        payload = {}
        if name.startswith("phase"):
            room = data.draw(st.sampled_from(self.rooms)) if sender == "organiser" else self.rooms[int(sender[-1])]
            if sender == "organiser":
                payload["room_id"] = room
            # Mostly the phase the room is in, as a screen that is up to date sends; now and then a stale one.
            with self.db.reading() as s:
                now = s.get(Room, room).phase
            payload["from_phase"] = data.draw(st.sampled_from([now, now, now, *rules.ROOM_PHASES]))
        self.send(sender, name, payload)

    @rule(data=st.data(), name=st.sampled_from(["barrier_post", "solution_post", "vote_cast", "barrier_merge"]),
          sender=st.sampled_from(["p0", "p1", "p2", "p3", "fac0", "fac1"]))
    def participate(self, data, name, sender):
        self.send(sender, name, self.plausible(data, name))

    @rule(data=st.data(), name=st.sampled_from(["barrier_merge", "barrier_merge", "merge_undo", "post_hide",
                                                 "post_restore", "report_push", "report_withdraw", "plan_entry_create",
                                                 "plan_entry_update"]),
          sender=st.sampled_from(["fac0", "fac1", "organiser"]))
    def facilitate(self, data, name, sender):
        self.send(sender, name, self.plausible(data, name))

    @rule(data=st.data(), name=st.sampled_from(sorted(REGISTRY)), sender=st.sampled_from(SENDERS), how=st.integers(0, 5))
    def hostile_command(self, data, name, sender, how):
        add_cid = how >= 2
        if how == 0:  # not an object at all
            payload = data.draw(junk.filter(lambda x: not isinstance(x, dict)))
        elif how == 1:  # a junk cid, or none
            payload = {**self.plausible(data, name), "cid": data.draw(scalar)}
            if data.draw(st.booleans()):
                payload.pop("cid")
        elif how == 2:  # one field replaced by junk
            payload = self.plausible(data, name)
            fields = list(REGISTRY[name].schema.model_fields) or ["anything"]
            payload[data.draw(st.sampled_from(fields))] = data.draw(junk)
        elif how == 3:  # an extra field
            payload = {**self.plausible(data, name), data.draw(st.sampled_from(["author_id", "room", "", "cid2"])):
                       data.draw(junk)}
        elif how == 4:  # absurd sizes and depths
            payload = {**self.plausible(data, name), data.draw(st.sampled_from(["text", "barrier_ids", "x"])):
                       data.draw(st.sampled_from([nested(2000), ["a"] * 10_000, {"k": nested(50)}, "w" * 200_000]))}
        else:  # a junk command name now and then
            name = data.draw(st.sampled_from([name, "", "__init__", "dispatch", "barrier_post ", "x" * 1000]))
            payload = self.plausible(data, name) if name in REGISTRY else {}
        self.send(sender, name, payload, add_cid=add_cid)

    @precondition(lambda self: self.sent)
    @rule(data=st.data(), other_name=st.booleans())
    def repeat_a_cid(self, data, other_name):
        sender, cid, name, payload, result = self.sent[data.draw(st.integers(0, 10_000)) % len(self.sent)]
        if other_name:
            other = data.draw(st.sampled_from([n for n in REGISTRY if n != name]))
            before = self.fingerprint()
            with pytest.raises(CommandError) as err:
                dispatch(self.db, self.principals[sender], other, {**self.plausible(data, other), "cid": cid})
            # cid_reused, or refused earlier (role, shape) without looking at the cid
            assert err.value.code in KNOWN_CODES
            assert self.fingerprint() == before
            return
        outcome = self.send(sender, name, payload, cid=cid)
        assert outcome is not None and outcome.repeated and outcome.result == result, (name, outcome)

    # -- invariants --------------------------------------------------------------------------
    @invariant()
    def the_day_is_consistent(self):
        with self.db.reading() as s:
            ws = s.get(Workshop, self.ws)
            seqs = list(s.scalars(select(Event.seq).where(Event.workshop_id == self.ws).order_by(Event.seq)))
            # Erasing the personal data (workshop_purge) deletes the log before it (server/domain/purge.py).
            first = seqs[0] if seqs and expiry.purged_at(s, self.ws) is not None else 1
            assert seqs == list(range(first, ws.seq + 1)), "the event log has a gap or a duplicate"
            votes = list(s.execute(select(Vote.participant_id, Vote.target_type, Vote.target_id).where(
                Vote.workshop_id == self.ws)))
            assert len(votes) == len(set(votes)), "someone has two dots on one item"
            per_kind = Counter((p, t) for p, t, _ in votes)
            assert max(per_kind.values(), default=0) <= ws.vote_budget, f"over budget: {per_kind}"
            barriers = {b.id: b for b in s.scalars(select(Barrier).where(Barrier.workshop_id == self.ws))}
            sols = {x.id: x for x in s.scalars(select(Solution).where(Solution.workshop_id == self.ws))}
            items = set(s.scalars(select(PlenaryItem.id).where(PlenaryItem.workshop_id == self.ws)))
            for _, t, i in votes:
                if t == "barrier":
                    b = barriers.get(i)
                    assert b and not b.withdrawn and not b.hidden and b.merged_into_id is None, f"dot on barrier {i}"
                elif t == "solution":
                    x = sols.get(i)
                    assert x and not x.withdrawn and not x.hidden, f"dot on solution {i}"
                else:
                    assert i in items, f"dot on plenary item {i}"
            merges = list(s.scalars(select(Merge).where(Merge.workshop_id == self.ws)))
            for b in barriers.values():
                if b.merged_into_id is not None:
                    shared = barriers.get(b.merged_into_id)
                    assert shared and shared.is_shared and not shared.withdrawn and shared.room_id == b.room_id
                    assert not b.withdrawn
            for m in merges:
                members = {b.id for b in barriers.values() if b.merged_into_id == m.shared_id}
                if m.undone_at is None:
                    assert members == set(m.member_ids), f"merge {m.shared_id}: {members} vs {m.member_ids}"
                    assert not barriers[m.shared_id].withdrawn
                else:
                    assert not members and barriers[m.shared_id].withdrawn, f"undone merge {m.shared_id} left members"
            for x in [*barriers.values(), *sols.values()]:
                limit = rules.MAX_SOLUTION_CHARS if isinstance(x, Solution) else rules.MAX_BARRIER_CHARS
                assert x.text and len(x.text) <= limit and not _STRIP.search(x.text)
                assert unicodedata.normalize("NFC", x.text) == x.text and x.text == x.text.strip()
            fresh = snapshot(s, self.principals["organiser"])
        stored = Counter((t, i) for _, t, i in votes)
        for coll, kind in (("barriers", "barrier"), ("solutions", "solution"), ("plenary", "plenary")):
            for key, view in fresh[coll].items():
                assert view["votes"] == stored.get((kind, int(key)), 0), f"{kind} {key} tally is wrong"
        assert {**self.org_view, "seq": 0} == {**fresh, "seq": 0}, "the organiser's view drifted from the events"

    def teardown(self):
        reached = {k for k in self.steps if k.startswith("ok:")}
        FuzzDay.coverage |= reached


FuzzDay.coverage = set()
# A step costs about five transactions (15 ms each on SQLite in memory-backed storage,
# 50 ms on the test PostgreSQL): these budgets keep the file near a minute.
BUDGET = {"sqlite": dict(max_examples=15, stateful_step_count=50),
          "postgres": dict(max_examples=3, stateful_step_count=30)}


@pytest.fixture(params=["sqlite", "postgres"])
def fuzz_app(request, tmp_path):
    """SQLite on tmpfs when there is one (every step commits; fsync dominates on disk), and PostgreSQL."""
    if request.param == "sqlite":
        shm = Path("/dev/shm")
        folder = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() and os.access(shm, os.W_OK) else tmp_path
        url = f"sqlite:///{folder / 'fuzz.sqlite3'}"
    else:
        folder, url = None, request.getfixturevalue("postgres_url")
    app = make_app(url)
    yield request.param, app
    app.extensions["common_ground_db"].dispose()
    if folder is not None and folder != tmp_path:
        shutil.rmtree(folder, ignore_errors=True)


def test_hostile_commands_never_break_the_day(fuzz_app):
    backend, app = fuzz_app
    FuzzDay.db = app.extensions["common_ground_db"]
    FuzzDay.coverage = set()
    run_state_machine_as_test(FuzzDay, settings=settings(
        **BUDGET[backend], deadline=None, derandomize=True, database=None, print_blob=False,
        # No shrinking: a step is a database transaction, and shrinking a long run takes minutes.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck)))
    # The fuzzer got somewhere: commands from several parts of the day were accepted.
    assert "ok:phase_advance" in FuzzDay.coverage, sorted(FuzzDay.coverage)
    assert len(FuzzDay.coverage) >= 7 or backend == "postgres", sorted(FuzzDay.coverage)


# -- the same through the Socket.IO handlers ----------------------------------------------------------

def test_malformed_socket_messages_get_an_error_ack_and_the_connection_survives(day):
    from ..board import Board
    b = Board(day)
    p = b.person(0)
    b.phase("brainstorm")
    before = b.observe(b.org)
    for client in (p, b.fac, b.display):
        for args in [("just text",), (None,), ([1, 2, 3],), ({"cid": "m1"}, "second argument"),
                     ({"cid": "m2", "text": "hi"}, {"cid": "m3"}), (nested(200),), ({"cid": "\x00"},),
                     ({"cid": "\ud800", "text": "x"},), ({"cid": "m4", "text": "\ud800"},),
                     ({"cid": "m5", "barrier_id": 2**70},), ({"cid": "m6", "room_id": 2**40},)]:
            for name in ("barrier_post", "barrier_withdraw", "phase_advance", "timer_set"):
                ack = client.sio.emit(name, *args, callback=True)
                assert isinstance(ack, dict) and ack["ok"] is False, (client.role, name, args, ack)
                assert ack["error"]["code"] in KNOWN_CODES and ack["error"]["message"], ack
        for args in [("junk",), ({"since": "1"}, "extra"), ({"since": 2**80},), ({"since": -5},)]:
            ack = client.sio.emit("sync", *args, callback=True)
            assert isinstance(ack, dict) and "ok" in ack, ack
        assert client.sio.is_connected()
        assert client.snapshot()["workshop"]["id"] == day.workshop_id
    assert b.observe(b.org) == before
    # and it still works
    assert p.ok("barrier_post", text="Still here \u202e and clean")["barrier"]["text"] == "Still here  and clean"
