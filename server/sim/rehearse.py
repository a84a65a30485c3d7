"""`common-ground rehearse`: simulated people fill a workshop so a facilitator can practise.

Each simulated participant joins with a stakeholder group and a language,
keeps its screen's state from the events it receives (the same reducer as the
phones) and follows its room's phase as the facilitator moves it: posts
barriers in the brainstorm, votes in the vote, proposes solutions and votes on
them in the solutions phase, votes on the plenary board; in a caucus round it
posts strengths as well as barriers. Whenever the trust pulse is open it
answers it, once, each statement 1-5 from its seed; in a council election it
stands (the first of each sector, and a few others), votes for candidates of
its own sector, and, once on the council, stands and votes for the co-chairs. Now and then a phone loses the network
right after sending, comes back, resyncs and resends with the same cid. Runs
until Ctrl-C, --duration, or the workshop closes.

With --auto (and the organiser link) the organiser and the facilitators are
simulated too (day.py): the whole agenda is played to `closed`, and every
acknowledged post and vote is checked against the organiser's final snapshot.
"""
from __future__ import annotations

import asyncio
import json
import random
import sys
import time
import uuid
from collections import Counter

from . import samples
from .day import Director, lost_and_twice, segment_kind, settle_key
from .engine import Person, Phone, new_session


class Rehearsal:
    def __init__(self, url: str, code: str, participants: int, seed: int | None = None, pace: float = 1.0,
                 drop_rate: float = 0.05, duration: float | None = None, out=sys.stdout,
                 organiser_token: str | None = None, as_json: bool = False, verbose: bool = False):
        self.url, self.code = url.rstrip("/"), code
        self.json = as_json  # --json: one JSON object on stdout, the running commentary on stderr
        self.organiser_token = organiser_token  # --auto: the organiser (and the facilitators) are simulated too
        self.n = participants
        self.rng = random.Random(seed)
        self.pace = max(pace, 0.05)
        self.drop_rate = drop_rate
        self.duration = duration
        self.out = out
        self.stats: Counter = Counter()
        self.refused: Counter = Counter()
        self.phones: list[Phone] = []
        self.closed = False
        self.joining_done = False
        self.started = time.monotonic()
        self.verbose = verbose  # --verbose: how long each phase waited, slow organiser commands
        self._pending_joins = participants

    def say(self, msg: str) -> None:
        print(msg, file=sys.stderr if self.json else self.out, flush=True)

    async def run(self) -> dict:
        async with new_session() as http:
            async with http.get(f"{self.url}/api/workshops/{self.code}") as resp:
                info = await resp.json(content_type=None)
            if not info.get("ok"):
                raise SystemExit(f"No workshop with join code {self.code!r} at {self.url}: {info}")
            director = Director(self, self.organiser_token, http) if self.organiser_token else None
            self._director = director
            if director:
                org_state = await director.connect()
                if org_state["workshop"]["id"] != info["workshop_id"]:
                    await director.dev.disconnect()
                    raise SystemExit("The organiser link and the join code are of different workshops.")
            self.say(f"Rehearsal: {self.n} simulated people join \"{info['title']}\" "
                     f"(languages {', '.join(info['languages'])})"
                     + ("; the organiser and facilitators are simulated too." if director else ". Ctrl-C to stop."))
            sectors = info.get("groups") or samples.GROUPS
            for i in range(self.n):
                person = Person.random(self.rng, info["languages"])
                if person.group not in sectors:  # the workshop's own sectors
                    person.group = self.rng.choice(sectors)
                phone = Phone(self.url, person, http=http, label=f"phone{i}", keep_state=True, record=False)
                phone.sent = {}  # cid -> (command, payload): every send, for the final check
                phone.settled = None  # settle_key of the moment it had nothing more to do in
                # Stands for the council: the first of each sector, and a few others.
                phone.stands = not any(p.person.group == person.group for p in self.phones) or self.rng.random() < 0.15
                self.phones.append(phone)
            started = self.started = time.monotonic()
            tasks = [asyncio.create_task(self._person(p, random.Random(self.rng.random()), i))
                     for i, p in enumerate(self.phones)]
            reporter = asyncio.create_task(self._report())
            directing = asyncio.create_task(director.run()) if director else None
            summary: dict = {}
            try:
                if directing:
                    await self._auto(directing, tasks, summary)
                elif self.duration:
                    await asyncio.wait(tasks, timeout=self.duration)
                else:
                    await asyncio.gather(*tasks)
            finally:
                for t in tasks + [reporter] + ([directing] if directing else []):
                    t.cancel()
                await asyncio.gather(*tasks, reporter, *([directing] if directing else []), return_exceptions=True)
                for p in self.phones + ([director.dev] if director else []):
                    try:
                        await p.disconnect()
                    except Exception:  # noqa: BLE001 - leaving anyway
                        pass
            summary = {"participants": self.n, "seconds": round(time.monotonic() - started, 1),
                       **dict(self.stats), **summary, "refused": dict(self.refused), "workshop_closed": self.closed}
            if not self.json:
                self.say("rehearsal over: " + json.dumps(summary, ensure_ascii=False))
            return summary

    async def _auto(self, directing: asyncio.Task, tasks: list, summary: dict) -> None:
        """The organiser plays the agenda to `closed`; the phones leave when they see it; then the check."""
        done, _ = await asyncio.wait([directing], timeout=self.duration)
        if not done:
            raise SystemExit(f"the day did not close within --duration {self.duration} s")
        segments = directing.result()
        # Each phone sees `closed`, sends what is still in its outbox and stops.
        await asyncio.wait(tasks, timeout=max(30.0, 60.0 / self.pace))
        state = await self._final_snapshot()
        summary.update({"final_phase": state["workshop"]["phase"], "segments": segments,
                        "agenda": state["workshop"].get("agenda"),
                        **lost_and_twice(self.phones, state),
                        "plenary_items": len(state.get("plenary", {})),
                        "priorities": sum(1 for i in state.get("plenary", {}).values() if i.get("priority")),
                        "plan_entries": len(state.get("plan", {})),
                        "pulses": dict(self._director.pulses),
                        "council": self._director.council,
                        "organiser_commands": dict(self._director.commands),
                        "organiser_refused": dict(self._director.refused)})

    async def _final_snapshot(self) -> dict:
        director = self._director
        for attempt in range(5):
            try:
                if not director.dev.connected:
                    await director.dev.reconnect(0.2)
                return (await director.dev.sync(snapshot=True))["state"]
            except Exception:  # noqa: BLE001 - again
                await director.dev.disconnect()
                await asyncio.sleep(0.5 * (attempt + 1))
        raise RuntimeError("cannot read the organiser's final snapshot")

    async def _report(self) -> None:
        while True:
            await asyncio.sleep(10)
            phases = Counter()
            for p in self.phones:
                if p.state:
                    phases[p.state["rooms"][str(p.room_id)]["phase"]] += 1
            self.say(f"  {sum(p.connected for p in self.phones)} connected; phases {dict(phases)}; "
                     f"{dict(self.stats)}")

    async def _person(self, phone: Phone, rng: random.Random, index: int) -> None:
        await asyncio.sleep(rng.uniform(0, min(3.0, 0.1 * self.n)) / self.pace)
        try:
            await phone.join(self.code)
            await phone.connect()
            self.stats["joined"] += 1
        finally:
            self._pending_joins -= 1
            self.joining_done = self._pending_joins == 0
        wants = {"barrier": rng.choice([1, 1, 2, 2, 3]), "strength": rng.choice([1, 1, 2]),
                 "solution": rng.choice([0, 1, 1, 2])}
        while True:
            await asyncio.sleep(rng.uniform(1.5, 6.0) / self.pace)
            try:
                if not phone.connected:
                    await phone.reconnect(1.0)
                    self.stats["reconnects"] += 1
                if phone.resync_wanted:
                    await phone.sync(snapshot=True)
                st = phone.state
                if st["workshop"]["phase"] == "closed":
                    self.closed = True
                    await self._flush(phone)
                    return
                if st["workshop"]["paused"]:
                    phone.settled = None
                    continue
                action = self._decide(st, phone, rng, wants)
                if action is None:
                    # done with this moment of the day, once nothing waits in the outbox
                    phone.settled = None if phone.outbox else settle_key(st, phone.room_id)
                    continue
                phone.settled = None
                kind, name, payload = action
                cid = uuid.uuid4().hex
                phone.sent[cid] = (name, payload)
                if rng.random() < self.drop_rate:
                    self.stats["drops"] += 1
                    ack = await phone.send_and_drop(name, payload, pause=rng.uniform(0.5, 3.0) / self.pace, cid=cid)
                else:
                    ack = await phone.send(name, payload, cid=cid)
                if ack is None:
                    continue  # in the outbox; resent after the next reconnect
                if ack.get("ok"):
                    self.stats[kind] += 1
                else:
                    self.refused[ack["error"]["code"]] += 1
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a simulated person never stops the others
                phone.settled = None
                self.stats["errors"] += 1
                if self.stats["errors"] <= 5:
                    self.say(f"  {phone.label}: {type(exc).__name__}: {exc}")
                await asyncio.sleep(2)

    async def _flush(self, phone: Phone) -> None:
        """Before leaving: whatever is still in the outbox is resent (same cids) until answered."""
        for _ in range(5):
            if not phone.outbox:
                return
            try:
                await phone.reconnect(0.2)
                self.stats["reconnects"] += 1
            except Exception:  # noqa: BLE001 - again
                await asyncio.sleep(1)

    @staticmethod
    def _posted(phone: Phone, name: str, kind: str | None = None) -> int:
        """This phone's posts of a kind: answered yes, or still waiting for an answer."""
        n = 0
        for cid, (sent, payload) in phone.sent.items():
            if sent != name or (kind and payload.get("kind", "barrier") != kind):
                continue
            ack = phone.acks.get(cid)
            n += ack is None or bool(ack.get("ok"))
        return n

    @staticmethod
    def _sent(phone: Phone, name: str, key: str, value) -> bool:
        """This phone sent `name` with payload[key] == value, answered yes or not answered yet."""
        for cid, (sent, payload) in phone.sent.items():
            if sent == name and payload.get(key) == value:
                ack = phone.acks.get(cid)
                if ack is None or ack.get("ok"):
                    return True
        return False

    def _pulse_or_ballot(self, st: dict, phone: Phone, rng: random.Random):
        """The trust pulse (answered once, its values drawn from this phone's seed) and the council's
        ballots (stand, vote for candidates of one's own sector; council members: the co-chairs)."""
        me = st.get("me", {})
        pid = me.get("participant_id") or phone.info.get("participant_id")
        for pulse in sorted((st.get("pulses") or {}).values(), key=lambda x: x["id"]):
            if pulse["closed_at"] is None and pulse["id"] not in me.get("pulses_answered", []) \
                    and not self._sent(phone, "pulse_answer", "pulse_id", pulse["id"]):
                return "pulse_answers", "pulse_answer", {
                    "pulse_id": pulse["id"], "answers": {q["key"]: rng.randint(1, 5) for q in pulse["questions"]}}
        group = phone.person.group
        side = next((s["side"] for s in st.get("sectors", []) if s["key"] == group), None)
        member = str(pid) in (st.get("council") or {})
        for e in sorted((st.get("elections") or {}).values(), key=lambda x: x["id"]):
            mine = group if e["kind"] == "sectors" else ("law_enforcement" if side == "law_enforcement"
                                                         else "community")
            if e["kind"] == "co_chairs" and not member:
                continue
            candidates = list(e["candidates"].values())
            if e["status"] == "nominating" and e["seats"].get(mine) and e["round"] == 1 \
                    and not any(c["participant_id"] == pid for c in candidates) \
                    and not self._sent(phone, "election_nominate", "election_id", e["id"]):
                wants = phone.stands if e["kind"] == "sectors" else not any(
                    c["constituency"] == mine for c in candidates)
                if wants:
                    return "stood", "election_nominate", {"election_id": e["id"], "participant_id": pid}
            if e["status"] == "voting" and e["id"] not in me.get("elections_voted", []) \
                    and not self._sent(phone, "election_vote", "election_id", e["id"]):
                if e["kind"] == "sectors":
                    choices = [c for c in candidates if c["constituency"] == group]
                    picked = rng.sample(choices, min(len(choices), e["seats"].get(group, 0)))
                else:
                    picked = [rng.choice([c for c in candidates if c["constituency"] == side_])
                              for side_ in sorted(e["seats"]) if any(c["constituency"] == side_ for c in candidates)]
                if picked:
                    return "ballots", "election_vote", {"election_id": e["id"],
                                                        "candidate_ids": [c["id"] for c in picked]}
        return None

    def _decide(self, st: dict, phone: Phone, rng: random.Random, wants: dict):
        pulse_or_ballot = self._pulse_or_ballot(st, phone, rng)
        if pulse_or_ballot is not None:
            return pulse_or_ballot
        ws = st["workshop"]
        budget = ws["vote_budget"]
        my_votes = st.get("my_votes", [])
        language = phone.person.language
        segment = segment_kind(ws)

        def used(kind: str) -> int:
            return sum(1 for v in my_votes if v.startswith(kind + ":"))

        if ws["phase"] == "plenary":
            if segment != "prioritise" or ws.get("plenary_vote_closed"):
                return None
            items = [i for i in st.get("plenary", {}).values()
                     if f"plenary:{i['id']}" not in my_votes and not i.get("merged_into")]
            if items and used("plenary") < budget:
                return "votes", "vote_cast", {"target_type": "plenary", "target_id": rng.choice(items)["id"]}
            return None
        if ws["phase"] != "breakouts":
            return None
        room_id = phone.room_id
        phase = st["rooms"][str(room_id)]["phase"]
        barriers = [b for b in st["barriers"].values()
                    if b["room_id"] == room_id and not b["merged_into"] and not b["hidden"]
                    and b.get("kind", "barrier") == "barrier"]
        if phase in ("brainstorm", "reveal"):
            if self._posted(phone, "barrier_post", "barrier") < wants["barrier"]:
                return "posts", "barrier_post", {"text": samples.barrier_text(rng, language)}
            if segment == "caucus" and self._posted(phone, "barrier_post", "strength") < wants["strength"]:
                return "strengths", "barrier_post", {"text": samples.strength_text(rng, language), "kind": "strength"}
        if phase == "vote":
            choices = [b for b in barriers if f"barrier:{b['id']}" not in my_votes]
            if choices and used("barrier") < budget:
                return "votes", "vote_cast", {"target_type": "barrier", "target_id": rng.choice(choices)["id"]}
        if phase == "solutions" and segment == "breakout":
            if barriers and self._posted(phone, "solution_post") < wants["solution"]:
                top = sorted(barriers, key=lambda b: -(b["votes"] or 0))[:3]
                return "solutions", "solution_post", {"barrier_id": rng.choice(top)["id"],
                                                      "text": samples.solution_text(rng, language)}
            sols = [s for s in st["solutions"].values() if s["room_id"] == room_id and not s["hidden"]
                    and f"solution:{s['id']}" not in my_votes]
            if sols and used("solution") < budget:
                return "votes", "vote_cast", {"target_type": "solution", "target_id": rng.choice(sols)["id"]}
        return None


def organiser_token(url: str) -> str:
    """The organiser's token: what follows the `#` of the organiser link."""
    token = url.split("#", 1)[1] if "#" in url else ""
    if not token:
        raise SystemExit("--organiser-url must be the organiser link as printed by `workshop create`, with the "
                         "token after its #.")
    return token


def main(args) -> int:
    token = organiser_token(args.organiser_url) if getattr(args, "auto", False) else None
    rehearsal = Rehearsal(args.url, args.join_code, args.participants, seed=args.seed, pace=args.pace,
                          drop_rate=args.drop_rate, duration=args.duration, organiser_token=token,
                          as_json=getattr(args, "json", False), verbose=getattr(args, "verbose", False))
    try:
        summary = asyncio.run(rehearsal.run())
    except KeyboardInterrupt:
        print("rehearsal stopped.", file=sys.stderr if rehearsal.json else sys.stdout, flush=True)
        return 0
    if rehearsal.json:
        print(json.dumps(summary, ensure_ascii=False), flush=True)
    if token:
        return 0 if summary.get("final_phase") == "closed" and not summary.get("lost") \
            and not summary.get("duplicates") else 1
    return 0
