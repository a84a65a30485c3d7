"""The server's own cost of one command, without sockets (docs/benchmarks.md).

    python -m server.sim.cost [--db sqlite|URL] [--participants 100] [--rooms 10] [--json]
                              [--async-mode eventlet|gevent]

Builds a workshop in-process (the domain's `dispatch`, exactly what a socket
handler runs), brings every room to the vote, then times every participant
spending their budget (`vote_cast`), withdrawing one dot and spending it again,
and a `join` burst and a `sync` per phone before that. For each command kind it
reports CPU milliseconds per command (`time.process_time`, so other processes
on the machine matter less than for wall time) and SQL statements per command
(counted on the engine). No timing is asserted anywhere: these are figures.

`--async-mode eventlet` (or gevent) monkey-patches the process first and picks the
PostgreSQL driver as the server does (server/config.py: psycopg with its green waits,
server/green.py), so a `postgresql://` URL costs what it costs in the server.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
import uuid
from collections import Counter
from contextlib import contextmanager

from sqlalchemy import event

from ..db import Database
from ..domain import dispatch
from ..domain.auth import Principal
from ..domain.rules import GROUPS
from ..domain.sync import catch_up
from ..domain.workshops import create_workshop, join
from ..migrate import upgrade


class Meter:
    """CPU time and SQL statements per labelled section."""

    def __init__(self, db: Database):
        self.statements = 0
        self.cpu: Counter = Counter()
        self.sql: Counter = Counter()
        self.count: Counter = Counter()
        event.listen(db.engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, *_args):
        self.statements += 1

    @contextmanager
    def measure(self, label: str, n: int = 1):
        s0, c0 = self.statements, time.process_time()
        yield
        self.cpu[label] += time.process_time() - c0
        self.sql[label] += self.statements - s0
        self.count[label] += n

    def figures(self) -> dict:
        return {label: {"n": n, "cpu_ms_each": round(1000 * self.cpu[label] / n, 3),
                        "sql_each": round(self.sql[label] / n, 2)} for label, n in self.count.items()}


def _green_pool():
    """A pool of green threads when this process runs under eventlet (`--async-mode eventlet`), else None."""
    import sys
    if "eventlet" not in sys.modules:
        return None
    from eventlet import GreenPool, patcher
    return GreenPool(1000) if patcher.is_monkey_patched("socket") else None


def _cid() -> str:
    return uuid.uuid4().hex[:16]


def run(url: str, participants: int = 100, rooms: int = 10, budget: int = 3, seed: int = 1) -> dict:
    rng = random.Random(seed)
    db = Database(url)
    upgrade(db)
    meter = Meter(db)
    made = create_workshop(db, title="Cost", rooms=rooms, vote_budget=budget, languages=["en", "es", "fa"])
    ws = made["workshop_id"]
    organiser = Principal("organiser", ws)

    people = []
    with meter.measure("join", participants):
        for i in range(participants):
            joined, _ = join(db, {"code": made["join_code"], "group": GROUPS[i % len(GROUPS)], "language": "en"})
            people.append(Principal("participant", ws, joined["participant_id"], joined["room_id"]))
    if _green_pool() is not None:
        # A connect burst: under eventlet the joins that arrive at once run in one transaction
        # (workshops.join batches them like commands); the same number again, all at once.
        body = {"code": made["join_code"], "language": "en"}
        groups = [GROUPS[i % len(GROUPS)] for i in range(participants)]
        with meter.measure("join (all at once)", participants):
            list(_green_pool().imap(lambda g: join(db, {**body, "group": g}), groups))
    with meter.measure("sync (snapshot)", participants):
        for p in people:
            catch_up(db, p, None)

    room_ids = [f["room_id"] for f in made["facilitators"]]
    for rid in room_ids:
        dispatch(db, organiser, "phase_advance", {"cid": _cid(), "room_id": rid, "from_phase": "lobby"})  # brainstorm
    by_room: dict[int, list[Principal]] = {}
    for p in people:
        by_room.setdefault(p.room_id, []).append(p)
    barriers: dict[int, list[int]] = {}
    for rid, members in by_room.items():
        for k in range(budget + 2):
            out = dispatch(db, members[k % len(members)], "barrier_post", {"cid": _cid(), "text": f"Barrier {k}"})
            barriers.setdefault(rid, []).append(out.result["barrier"]["id"])
    for rid in room_ids:
        for phase in ("brainstorm", "reveal"):  # to the reveal, then the vote
            dispatch(db, organiser, "phase_advance", {"cid": _cid(), "room_id": rid, "from_phase": phase})

    votes = [(p, t) for p in people for t in rng.sample(barriers[p.room_id], budget)]
    rng.shuffle(votes)
    with meter.measure("vote_cast", len(votes)):
        for p, t in votes:
            dispatch(db, p, "vote_cast", {"cid": _cid(), "target_type": "barrier", "target_id": t})
    firsts = {}
    for p, t in votes:
        firsts.setdefault(p, t)
    with meter.measure("vote_withdraw", len(firsts)):
        for p, t in firsts.items():
            dispatch(db, p, "vote_withdraw", {"cid": _cid(), "target_type": "barrier", "target_id": t})
    with meter.measure("vote_cast (again)", len(firsts)):
        for p, t in firsts.items():
            dispatch(db, p, "vote_cast", {"cid": _cid(), "target_type": "barrier", "target_id": t})
    with meter.measure("sync (since)", participants):
        for p in people:
            catch_up(db, p, 0)
    db.dispose()
    return {"database": url.split(":", 1)[0], "participants": participants, "rooms": rooms, "budget": budget,
            "nproc": os.cpu_count(), "loadavg": os.getloadavg(), "commands": meter.figures()}


# Monkey-patching has to come before anything else is imported: `--async-mode` runs the
# command again in a fresh interpreter that patches first (as `common-ground serve` does).
_BOOTSTRAP = """
import sys, warnings
mode = sys.argv[1]
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    if mode == "eventlet":
        import eventlet
        eventlet.monkey_patch()
    else:
        from gevent import monkey
        monkey.patch_all()
from server.sim.cost import main
raise SystemExit(main(sys.argv[2:], patched=mode))
"""


def _green_url(mode: str, url: str) -> str:
    """The URL with the server's driver for `mode`, its green wait callback installed (server/green.py)."""
    from .. import green
    from ..config import normalise_db_url
    url = normalise_db_url(url, mode)
    green.install(mode, url)
    return url


def main(argv=None, patched: str | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m server.sim.cost", description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="sqlite", help="'sqlite' (a temporary file) or a database URL")
    ap.add_argument("--participants", type=int, default=100)
    ap.add_argument("--rooms", type=int, default=10)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--async-mode", choices=["eventlet", "gevent"],
                    help="monkey-patch first and pick the PostgreSQL driver as the server does")
    args = ap.parse_args(argv)
    if args.async_mode and patched != args.async_mode:
        import subprocess
        import sys
        argv = sys.argv[1:] if argv is None else list(argv)
        return subprocess.run([sys.executable, "-c", _BOOTSTRAP, args.async_mode, *argv]).returncode
    if args.async_mode and args.db != "sqlite":
        args.db = _green_url(args.async_mode, args.db)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/cost.sqlite3" if args.db == "sqlite" else args.db
        out = run(url, args.participants, args.rooms)
    out["async_mode"] = patched
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"{out['database']}: {out['participants']} participants, {out['rooms']} rooms, load {out['loadavg']}")
        for label, f in out["commands"].items():
            print(f"  {label:20} n={f['n']:5}  cpu {f['cpu_ms_each']:7.3f} ms  sql {f['sql_each']:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
