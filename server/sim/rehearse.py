"""`common-ground rehearse`: simulated people fill a workshop so a facilitator can practise.

Each simulated participant joins with a stakeholder group and a language,
keeps its screen's state from the events it receives (the same reducer as the
phones) and follows its room's phase as the facilitator moves it: posts
barriers in the brainstorm, votes in the vote, proposes solutions and votes on
them in the solutions phase, votes on the plenary board. Now and then a phone
loses the network right after sending, comes back, resyncs and resends with
the same cid. Runs until Ctrl-C, --duration, or the workshop closes.
"""
from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections import Counter

from . import samples
from .engine import Person, Phone, new_session


class Rehearsal:
    def __init__(self, url: str, code: str, participants: int, seed: int | None = None, pace: float = 1.0,
                 drop_rate: float = 0.05, duration: float | None = None, out=sys.stdout):
        self.url, self.code = url.rstrip("/"), code
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

    def say(self, msg: str) -> None:
        print(msg, file=self.out, flush=True)

    async def run(self) -> dict:
        async with new_session() as http:
            async with http.get(f"{self.url}/api/workshops/{self.code}") as resp:
                info = await resp.json(content_type=None)
            if not info.get("ok"):
                raise SystemExit(f"No workshop with join code {self.code!r} at {self.url}: {info}")
            self.say(f"Rehearsal: {self.n} simulated people join \"{info['title']}\" "
                     f"(languages {', '.join(info['languages'])}). Ctrl-C to stop.")
            for i in range(self.n):
                person = Person.random(self.rng, info["languages"])
                self.phones.append(Phone(self.url, person, http=http, label=f"phone{i}", keep_state=True,
                                         record=False))
            started = time.monotonic()
            tasks = [asyncio.create_task(self._person(p, random.Random(self.rng.random()), i))
                     for i, p in enumerate(self.phones)]
            reporter = asyncio.create_task(self._report())
            try:
                if self.duration:
                    await asyncio.wait(tasks, timeout=self.duration)
                else:
                    await asyncio.gather(*tasks)
            finally:
                for t in tasks + [reporter]:
                    t.cancel()
                await asyncio.gather(*tasks, reporter, return_exceptions=True)
                for p in self.phones:
                    try:
                        await p.disconnect()
                    except Exception:  # noqa: BLE001 - leaving anyway
                        pass
            summary = {"participants": self.n, "seconds": round(time.monotonic() - started, 1),
                       **dict(self.stats), "refused": dict(self.refused), "workshop_closed": self.closed}
            self.say("rehearsal over: " + json.dumps(summary, ensure_ascii=False))
            return summary

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
        await phone.join(self.code)
        await phone.connect()
        self.stats["joined"] += 1
        posts_wanted = rng.choice([1, 1, 2, 2, 3])
        solutions_wanted = rng.choice([0, 1, 1, 2])
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
                    return
                if st["workshop"]["paused"]:
                    continue
                action = self._decide(st, phone, rng, posts_wanted, solutions_wanted)
                if action is None:
                    continue
                kind, name, payload = action
                if rng.random() < self.drop_rate:
                    self.stats["drops"] += 1
                    ack = await phone.send_and_drop(name, payload, pause=rng.uniform(0.5, 3.0) / self.pace)
                else:
                    ack = await phone.send(name, payload)
                if ack is None:
                    continue  # in the outbox; resent after the next reconnect
                if ack.get("ok"):
                    self.stats[kind] += 1
                else:
                    self.refused[ack["error"]["code"]] += 1
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a simulated person never stops the others
                self.stats["errors"] += 1
                if self.stats["errors"] <= 5:
                    self.say(f"  {phone.label}: {type(exc).__name__}: {exc}")
                await asyncio.sleep(2)

    def _decide(self, st: dict, phone: Phone, rng: random.Random, posts_wanted: int, solutions_wanted: int):
        budget = st["workshop"]["vote_budget"]
        my_votes = st.get("my_votes", [])
        mine = set(st.get("mine", []))
        language = phone.person.language

        def used(kind: str) -> int:
            return sum(1 for v in my_votes if v.startswith(kind + ":"))

        if st["workshop"]["phase"] == "plenary":
            items = [i for i in st.get("plenary", {}).values() if f"plenary:{i['id']}" not in my_votes]
            if items and used("plenary") < budget:
                return "votes", "vote_cast", {"target_type": "plenary", "target_id": rng.choice(items)["id"]}
            return None
        if st["workshop"]["phase"] != "breakouts":
            return None
        room_id = phone.room_id
        phase = st["rooms"][str(room_id)]["phase"]
        barriers = [b for b in st["barriers"].values()
                    if b["room_id"] == room_id and not b["merged_into"] and not b["hidden"]]
        my_posts = sum(1 for k in mine if k.startswith("barrier:"))
        if phase in ("brainstorm", "reveal") and my_posts < posts_wanted:
            return "posts", "barrier_post", {"text": samples.barrier_text(rng, language)}
        if phase == "vote":
            choices = [b for b in barriers if f"barrier:{b['id']}" not in my_votes]
            if choices and used("barrier") < budget:
                return "votes", "vote_cast", {"target_type": "barrier", "target_id": rng.choice(choices)["id"]}
        if phase == "solutions":
            my_solutions = sum(1 for k in mine if k.startswith("solution:"))
            if barriers and my_solutions < solutions_wanted:
                top = sorted(barriers, key=lambda b: -b["votes"])[:3]
                return "solutions", "solution_post", {"barrier_id": rng.choice(top)["id"],
                                                      "text": samples.solution_text(rng, language)}
            sols = [s for s in st["solutions"].values() if s["room_id"] == room_id and not s["hidden"]
                    and f"solution:{s['id']}" not in my_votes]
            if sols and used("solution") < budget:
                return "votes", "vote_cast", {"target_type": "solution", "target_id": rng.choice(sols)["id"]}
        return None


def main(args) -> int:
    rehearsal = Rehearsal(args.url, args.join_code, args.participants, seed=args.seed, pace=args.pace,
                          drop_rate=args.drop_rate, duration=args.duration)
    try:
        asyncio.run(rehearsal.run())
    except KeyboardInterrupt:
        print("rehearsal stopped.", flush=True)
    return 0
