"""`common-ground rehearse --auto`: the organiser and the facilitators of a simulated day.

The simulated phones (rehearse.py) play the participants; the Director plays
the organiser console, from the organiser link (its token is after the `#`),
and the facilitators' steering (the organiser may steer every room with
`room_id`). It walks the workshop's agenda (docs/agenda.md), one segment at a
time, to `closed`:

- a round (`breakout`, `caucus`, `solution_round`): every room through the
  round's phases; at a breakout's report_out each room's top barriers go to
  the plenary board (report_push); in a solution round's solutions phase the
  guiding answers of each room's drafts are filled in (plan_entry_update);
- `prioritise`: the phones spend their dots, the organiser closes them
  (plenary_vote_close) and confirms the top five (priorities_confirm);
- `action_plan`: a plan entry for each priority that has none yet (the short
  day has no solution round), its guiding answers filled in;
- `report_out`: a short pause;
- `council`: the sectors' election (one seat per sector; the phones stand, then
  vote for candidates of their own sector; a second ballot on a tie, else the
  organiser appoints one of the tied), then the co-chairs' election among the
  members (docs/council-election.md);
then `workshop_advance`, until the workshop is `closed`. On a day whose agenda
has a council segment (the SPCP day) the trust pulse is asked too
(docs/pulse.md): `start` at the beginning of the first segment, `end` in the
last segment before `closing`; each is closed once every phone answered.

In every phase it waits until each phone has seen it and has nothing more to
do there (Rehearsal.settled), or until a time limit scaled by --pace.
"""
from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter

from ..domain import rules
from . import samples
from .engine import Device

# Before agendas (a server without them): the segment a workshop phase stood for.
LEGACY_SEGMENTS = {"breakouts": "breakout", "plenary": "prioritise", "action_plan": "action_plan",
                   "closed": "closing"}
# The phases of each kind of round (docs/agenda.md); rules' own table when the server defines one.
ROUND_PHASES = {
    "breakout": tuple(rules.ROOM_PHASES),
    "caucus": ("lobby", "brainstorm", "reveal"),
    "solution_round": ("lobby", "solutions", "report_out"),
    **getattr(rules, "ROUND_PHASES", {}),
}
# The guiding questions a solution room answers in its draft (plan entry fields).
GUIDING_FIELDS = tuple(getattr(rules, "GUIDING_FIELDS", samples.PLAN_ANSWERS))
PRIORITIES = 5  # the top N confirmed in a prioritise segment
REPORT_TOP = 2  # barriers each breakout room sends to the plenary board
MAX_SEGMENTS = 16  # a guard: an agenda has at most 12
PAUSE_SECS = 10.0  # a plenary segment with nothing to do (report_out, council) lasts this long at --pace 1


def segment_kind(workshop: dict) -> str:
    """The kind of the segment the day stands on (from the workshop phase on a server without agendas)."""
    agenda, seg = workshop.get("agenda"), workshop.get("segment")
    if agenda and isinstance(seg, int) and 0 <= seg < len(agenda):
        return agenda[seg]
    return LEGACY_SEGMENTS.get(workshop["phase"], workshop["phase"])


def settle_key(state: dict, room_id: int | None) -> tuple:
    """What a phone in `room_id` must have seen to count as done with the present moment of the day."""
    ws = state["workshop"]
    room = state.get("rooms", {}).get(str(room_id)) if room_id is not None else None
    return (ws["phase"], ws.get("segment"), bool(ws.get("plenary_vote_closed")), bool(ws.get("paused")),
            room_id, room["phase"] if room else None,
            # the trust pulse and the council's ballots: a phone has seen each one open, or close
            tuple(sorted((k, p["closed_at"] is None) for k, p in (state.get("pulses") or {}).items())),
            tuple(sorted((k, e["status"]) for k, e in (state.get("elections") or {}).items())))


def plays_pulse_and_election(workshop: dict) -> bool:
    """The trust pulse and the council election are played on a day whose agenda has a council segment."""
    return "council" in (workshop.get("agenda") or [])


class Director:
    """The organiser console (and the facilitators' steering) of a rehearsal."""

    def __init__(self, rehearsal, token: str, http):
        self.r = rehearsal
        self.dev = Device(rehearsal.url, token, http=http, label="organiser", keep_state=True, record=False)
        self.refused: Counter = Counter()
        self.played: list[str] = []
        self.commands: Counter = Counter()
        self.pulses: dict[str, int] = {}    # label -> how many answered when it closed
        self.council: dict = {}             # {"sectors": {sector: [participant id]}, "co_chairs": {...}}

    @property
    def limit(self) -> float:
        """How long to wait for the phones in one phase before moving on anyway."""
        return max(15.0, 90.0 / self.r.pace)

    # -- the connection ---------------------------------------------------------------
    async def connect(self) -> dict:
        problem = None
        for attempt in range(4):
            try:
                await self.dev.connect(sync=True)
                break
            except Exception as exc:  # noqa: BLE001 - refused or timed out: again, then give up
                problem = exc
                await self.dev.disconnect()
                await asyncio.sleep(0.5 * (attempt + 1))
        else:
            raise SystemExit(f"The organiser link does not connect to {self.r.url} (revoked, or of another "
                             f"server?): {problem}")
        if self.dev.state["me"].get("role") != "organiser":
            await self.dev.disconnect()
            raise SystemExit("--organiser-url is not an organiser link (its role is "
                             f"{self.dev.state['me'].get('role')!r}).")
        return self.dev.state

    async def refresh(self) -> dict:
        for attempt in range(6):
            try:
                if not self.dev.connected:
                    await self.dev.reconnect(0.2)
                if self.dev.resync_wanted or self.dev.state is None:
                    await self.dev.sync(snapshot=True)
                return self.dev.state
            except Exception:  # noqa: BLE001 - dropped meanwhile: again
                await self.dev.disconnect()
                await asyncio.sleep(0.5 * (attempt + 1))
        raise RuntimeError("the organiser cannot reach the server")

    async def send(self, name: str, payload: dict | None = None) -> dict:
        """A command with a cid, resent with the same cid after a drop; waits until its events are applied."""
        cid = uuid.uuid4().hex
        sent = time.monotonic()
        ack = await self.dev.send(name, payload or {}, cid=cid, timeout=60)
        if self.r.verbose and time.monotonic() - sent > 1:
            self.r.say(f"  organiser: {name} answered in {time.monotonic() - sent:.1f} s")
        for _ in range(8):
            if ack is not None:
                break
            try:
                await self.dev.reconnect(0.5)  # resends the outbox (this cid)
            except Exception:  # noqa: BLE001 - again
                await asyncio.sleep(1)
            ack = self.dev.acks.get(cid)
        if ack is None:
            raise RuntimeError(f"the organiser's {name} was never answered")
        if ack.get("ok"):
            self.commands[name] += 1
            caught = time.monotonic()
            await self._caught_up((ack.get("result") or {}).get("seq"))
            if self.r.verbose and time.monotonic() - caught > 1:
                self.r.say(f"  organiser: {name}'s events arrived {time.monotonic() - caught:.1f} s after")
        else:
            code = (ack.get("error") or {}).get("code")
            self.refused[f"{name}:{code}"] += 1
            self.r.say(f"  organiser: {name} refused: {code}: {(ack.get('error') or {}).get('message')}")
        return ack

    async def _caught_up(self, seq: int | None) -> None:
        if not seq:
            return
        for _ in range(50):
            if self.dev.state and self.dev.state["seq"] >= seq:
                return
            await asyncio.sleep(0.1)
        await self.dev.sync()

    # -- waiting for the phones -------------------------------------------------------------
    def _done(self, state: dict) -> bool:
        for phone in self.r.phones:
            pid = phone.info.get("participant_id")
            if pid is None:
                continue  # never joined
            person = state.get("participants", {}).get(str(pid))
            if person is None:
                continue  # removed
            if phone.settled != settle_key(state, person["room_id"]):
                return False
        return True

    async def settle(self, what: str) -> bool:
        """Until every phone has seen this moment and has nothing more to do in it (or the time limit)."""
        start = time.monotonic()
        deadline = start + self.limit
        while time.monotonic() < deadline:
            if self._done(await self.refresh()):
                if self.r.verbose:
                    self.r.say(f"  {time.monotonic() - self.r.started:5.1f} s    {what}: settled in "
                               f"{time.monotonic() - start:.1f} s")
                return True
            await asyncio.sleep(0.2)
        self.r.say(f"  {what}: not every phone had finished after {self.limit:.0f} s; moving on")
        self.r.stats["settle_timeouts"] += 1
        return False

    async def wait_joined(self) -> None:
        deadline = time.monotonic() + max(30.0, 5.0 + self.r.n * 0.5)
        while time.monotonic() < deadline:
            state = await self.refresh()
            if self.r.joining_done and len(state.get("participants", {})) >= self.r.stats["joined"]:
                return
            await asyncio.sleep(0.2)
        self.r.say("  not every simulated person had joined; the day starts anyway")

    # -- the day ------------------------------------------------------------------------------
    async def run(self) -> list[str]:
        await self.wait_joined()
        for n in range(MAX_SEGMENTS):
            ws = (await self.refresh())["workshop"]
            if ws["phase"] == "closed":
                break
            kind = segment_kind(ws)
            self.r.say(f"  {time.monotonic() - self.r.started:5.1f} s  segment {ws.get('segment', len(self.played))}: "
                       f"{kind} (workshop {ws['phase']})")
            self.played.append(kind)
            pulsing = plays_pulse_and_election(ws)
            if pulsing and n == 0:
                await self.pulse("start")
            await self.play(kind)
            agenda = ws.get("agenda") or []
            if pulsing and ws.get("segment") == len(agenda) - 2 and agenda[-1] == "closing":
                await self.pulse("end")
            ack = await self.send("workshop_advance")
            if not ack.get("ok"):
                raise RuntimeError(f"workshop_advance refused: {ack.get('error')}")
        state = await self.refresh()
        if state["workshop"]["phase"] == "closed":
            self.played.append(segment_kind(state["workshop"]))
        return self.played

    async def play(self, kind: str) -> None:
        if kind in ROUND_PHASES:
            await self.round(kind)
        elif kind == "prioritise":
            await self.prioritise()
        elif kind == "action_plan":
            await self.action_plan()
        elif kind == "council" and plays_pulse_and_election(self.dev.state["workshop"]):
            await self.elect()
        else:  # report_out, council and any other: the room listens a moment
            await self.settle(kind)
            await asyncio.sleep(PAUSE_SECS / self.r.pace)

    # -- the trust pulse and the council election ----------------------------------------
    def _present(self, state: dict) -> int:
        """The simulated people still in the workshop."""
        return sum(1 for p in self.r.phones if p.info.get("participant_id") is not None
                   and str(p.info["participant_id"]) in state.get("participants", {}))

    async def pulse(self, label: str) -> None:
        """Ask the pulse, wait until every phone answered (or the time limit), close it."""
        ack = await self.send("pulse_open", {"label": label})
        if not ack.get("ok"):
            return
        pid = str(ack["result"]["pulse"]["id"])
        deadline = time.monotonic() + self.limit
        while time.monotonic() < deadline:
            state = await self.refresh()
            if (state.get("pulses", {}).get(pid) or {}).get("answered", 0) >= self._present(state):
                break
            await asyncio.sleep(0.2)
        else:
            self.r.say(f"  the {label} pulse: not every phone had answered after {self.limit:.0f} s; closing it")
            self.r.stats["settle_timeouts"] += 1
        ack = await self.send("pulse_close")
        if ack.get("ok"):
            self.pulses[label] = ack["result"]["pulse"]["answered"]

    async def _ballot(self, election_id: int, what: str) -> dict:
        """Open the ballot of an election taking nominations (once the phones have stood), let the
        phones vote, close it; a second ballot on a tie; the organiser appoints one of those tied
        again. Returns the results of the last ballot, merged with the first's."""
        await self.settle(f"{what}: standing")
        ack = await self.send("election_ballot_open", {"election_id": election_id})
        if not ack.get("ok"):
            return {}
        await self.settle(f"{what}: voting")
        ack = await self.send("election_close", {"election_id": election_id})
        if not ack.get("ok"):
            return {}
        results = dict(ack["result"]["election"]["results"] or {})
        if any(r["tied"] for r in results.values()):
            ack = await self.send("election_runoff", {"election_id": election_id})
            if ack.get("ok"):
                second = ack["result"]["election"]["id"]
                await self.settle(f"{what}: second ballot")
                ack = await self.send("election_close", {"election_id": second})
                if ack.get("ok"):
                    results.update(ack["result"]["election"]["results"] or {})
        return results

    async def elect(self) -> None:
        """The sectors elect their seats, then the members the co-chairs; a tie left is appointed."""
        ack = await self.send("election_open", {})
        if ack.get("ok"):
            results = await self._ballot(ack["result"]["election"]["id"], "council election")
            for _sector, r in sorted(results.items()):
                for pid in r["tied"][:r["open_seats"]]:
                    await self.send("council_role_set", {"participant_id": pid, "role": "member"})
        ack = await self.send("election_open", {"kind": "co_chairs"})
        if ack.get("ok"):
            results = await self._ballot(ack["result"]["election"]["id"], "co-chairs' election")
            for side, r in sorted(results.items()):
                if r["tied"]:
                    await self.send("council_role_set", {"participant_id": r["tied"][0], "role": f"co_chair_{side}"})
        state = await self.refresh()
        members = state.get("council", {}).values()
        self.council = {
            "sectors": {s["key"]: sorted(m["participant_id"] for m in members if m["group"] == s["key"])
                        for s in state.get("sectors", [])},
            "co_chairs": {m["role"]: m["participant_id"] for m in members if m["role"] != "member"}}
        await asyncio.sleep(PAUSE_SECS / self.r.pace)

    async def round(self, kind: str) -> None:
        phases = ROUND_PHASES[kind]
        await self.settle(f"{kind} lobby")  # every phone has found its room
        for target in phases[1:]:
            state = await self.refresh()
            # every room's facilitator at once
            await asyncio.gather(*(self._steer(int(rid), phases, target) for rid in sorted(state["rooms"], key=int)))
            if kind == "breakout" and target == "report_out":
                await self.push_reports()
            if kind == "solution_round" and target == "solutions":
                await self.fill_drafts(lambda e: e.get("room_id") is not None)  # the rooms' drafts
            await self.settle(f"{kind} {target}")

    async def _steer(self, room_id: int, phases: tuple, target: str) -> None:
        """Move one room on, phase by phase, to `target` (as its facilitator would)."""
        for _ in range(len(rules.ROOM_PHASES)):
            phase = (await self.refresh())["rooms"][str(room_id)]["phase"]
            if phase == target or phase not in phases or phases.index(phase) > phases.index(target):
                return
            ack = await self.send("phase_advance", {"room_id": room_id, "from_phase": phase})
            if not ack.get("ok"):
                return

    async def push_reports(self) -> None:
        """Each room's most supported barriers go to the plenary board."""
        state = await self.refresh()
        pushed = {i["barrier_id"] for i in state.get("plenary", {}).values()}
        for rid in sorted(state["rooms"], key=int):
            ranked = sorted((b for b in state["barriers"].values()
                             if b["room_id"] == int(rid) and not b["merged_into"] and not b["hidden"]
                             and b.get("kind", "barrier") == "barrier" and b["id"] not in pushed),
                            key=lambda b: (-(b["votes"] or 0), b["id"]))[:REPORT_TOP]
            if ranked:
                await self.send("report_push", {"room_id": int(rid), "barrier_ids": [b["id"] for b in ranked]})

    async def fill_drafts(self, which) -> None:
        """The guiding answers of the drafts `which` picks, where still empty."""
        state = await self.refresh()

        async def answer(entry: dict) -> None:
            for field in GUIDING_FIELDS:
                if field in entry["fields"] and field in samples.PLAN_ANSWERS and not entry["fields"][field]:
                    await self.send("plan_entry_update", {
                        "entry_id": entry["id"], "field": field, "value": samples.PLAN_ANSWERS[field],
                        "version": entry["versions"].get(field, 1)})
        # each room's draft at once, as each room's facilitator would write its own
        await asyncio.gather(*(answer(e) for e in sorted(state.get("plan", {}).values(), key=lambda e: e["id"])
                               if which(e)))

    def _ranked_items(self, state: dict) -> list[dict]:
        items = [i for i in state.get("plenary", {}).values() if not i.get("merged_into")]
        return sorted(items, key=lambda i: (-(i["votes"] or 0), i["id"]))

    async def prioritise(self) -> None:
        await self.settle("prioritise: the dots")  # the phones spend their dots
        state = await self.refresh()
        ws = state["workshop"]
        if "plenary_vote_closed" not in ws:
            return  # a server without agendas: no closing of dots, no priorities
        if not ws["plenary_vote_closed"]:
            await self.send("plenary_vote_close")
        top = self._ranked_items(await self.refresh())[:PRIORITIES]
        if top:
            await self.send("priorities_confirm", {"item_ids": [i["id"] for i in top]})
        await self.settle("prioritise: closed")

    async def action_plan(self) -> None:
        """A plan entry for each priority without one (the short day), its guiding answers filled in."""
        state = await self.refresh()
        planned = {e.get("plenary_item_id") for e in state.get("plan", {}).values()}
        items = sorted((i for i in state.get("plenary", {}).values() if i.get("priority")),
                       key=lambda i: i["priority"]) or self._ranked_items(state)[:PRIORITIES]
        created = set()
        for item in items:
            if item["id"] not in planned:
                ack = await self.send("plan_entry_create", {"plenary_item_id": item["id"]})
                if ack.get("ok"):
                    created.add(ack["result"]["entry"]["id"])
        await self.fill_drafts(lambda e: e["id"] in created)
        await self.settle("action plan")
        await asyncio.sleep(PAUSE_SECS / self.r.pace)


def lost_and_twice(phones: list, snapshot: dict) -> dict:
    """Every acknowledged post and vote against the organiser's final snapshot.

    `lost`: acknowledged posts missing from it, and votes it holds fewer of than were
    acknowledged; `duplicates`: more posts or votes stored than were acknowledged (a resend
    applied twice); `unanswered`: sends still without an answer at the end."""
    lost: list[dict] = []
    posts = Counter()
    votes: Counter = Counter()
    unanswered = 0
    colls = {"barrier": "barriers", "solution": "solutions", "plenary": "plenary"}
    for phone in phones:
        for cid, (name, payload) in phone.sent.items():
            ack = phone.acks.get(cid)
            if ack is None:
                unanswered += 1
                continue
            if not ack.get("ok"):
                continue
            if name == "barrier_post":
                bid = ack["result"]["barrier"]["id"]
                posts[payload.get("kind", "barrier")] += 1
                if str(bid) not in snapshot["barriers"]:
                    lost.append({"phone": phone.label, "post": f"barrier:{bid}"})
            elif name == "solution_post":
                sid = ack["result"]["solution"]["id"]
                posts["solution"] += 1
                if str(sid) not in snapshot["solutions"]:
                    lost.append({"phone": phone.label, "post": f"solution:{sid}"})
            elif name == "vote_cast":
                votes[(payload["target_type"], payload["target_id"])] += 1
    stored_votes = 0
    for coll in colls.values():
        stored_votes += sum(x.get("votes") or 0 for x in snapshot.get(coll, {}).values())
    for (target_type, target_id), n in sorted(votes.items()):
        stored = (snapshot.get(colls[target_type], {}).get(str(target_id)) or {}).get("votes") or 0
        if stored < n:
            lost.append({"vote": f"{target_type}:{target_id}", "acknowledged": n, "stored": stored})
    stored_posts = sum(1 for b in snapshot["barriers"].values() if not b.get("shared")) + len(snapshot["solutions"])
    acked_posts = sum(posts.values())
    acked_votes = sum(votes.values())
    twice = max(0, stored_posts - acked_posts - unanswered) + max(0, stored_votes - acked_votes - unanswered)
    return {"lost": lost, "unanswered": unanswered, "duplicates": twice,
            "posts": posts.get("barrier", 0), "strengths": posts.get("strength", 0),
            "solutions": posts.get("solution", 0), "votes": acked_votes,
            "votes_by_kind": dict(Counter(t for (t, _i) in votes.elements())),
            "stored": {"posts": stored_posts, "votes": stored_votes}}
