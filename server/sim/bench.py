"""`common-ground bench`: a connect burst and a vote storm against real servers.

    common-ground bench --participants 1000 --rooms 100 --json [--baseline] [--processes 2]
    common-ground bench --workshops 40 --participants 3200 --processes 2 --json   (a national day)

1. Starts its own `common-ground serve` process(es) (or targets --url): one
   process on SQLite, or --processes P on a PostgreSQL database it creates and
   drops, sharing its own Redis channel. Join limits are raised for the run
   through RATE_LIMITS (every simulated phone shares 127.0.0.1), never turned off.
2. Connect burst: N phones join (POST /api/join) and connect within --window s.
3. Four phones per room post a barrier; the organiser reveals and opens the vote.
4. Vote storm: every phone spends its whole budget (3 dots) within --window s.
5. fan-out: from a vote's send to its `tally` reaching EVERY member of the room
   (phones and the facilitator) and its `room_stats` reaching the projector.
6. Checks: every acknowledged vote is in its voter's fresh snapshot (`lost`),
   the organiser's snapshot holds exactly the acknowledged dots (`duplicates`,
   plus events delivered twice to one device).
Clients run in several processes (--client-processes) so the client side is
not the bottleneck; server CPU and RSS are read from /proc.

A national day (--workshops N, `NationalDay`): the rooms and phones are spread
over N workshops, and each workshop's day is shifted by its own offset within
--stagger s: its phones join within their own window, its organiser reveals its
rooms and opens the vote at its offset, and its phones vote once they see it
open. All phones stay connected throughout; only a few workshops storm at once.
"""
from __future__ import annotations

import asyncio
import json
import multiprocessing as mp
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import config
from . import cpuprof

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "server.cli"]
PG_ADMIN = os.environ.get("BENCH_PG", "postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0")
BUDGET = 3
# Live tallies on: every dot goes to the whole room as it is cast, the heaviest fan-out a vote can have
# (with the default, hidden tallies, a dot reaches only the voter, the staff and the projector).
TALLIES = ("--live-tallies",)
POSTERS_PER_ROOM = 4
# Barrier posts in flight at once per client process while seeding (setup before the storm).
SEED_IN_FLIGHT = 25
GRACE_SECS = 3.0
# A workshop has at most 50 rooms (server/domain/rules.py MAX_ROOMS; not imported: importing the domain
# package registers every command and loads SQLAlchemy into each of the bench's client processes).
# tests/test_bench.py checks the two agree.
MAX_ROOMS_PER_WORKSHOP = 50
# A national day's default stagger with several workshops (docs/benchmarks.md, "## Benchmark"):
# with 40 workshops and a 10 s window about 40 x 10 / 60 = 7 storms overlap at any moment.
DEFAULT_STAGGER_SECS = 60.0
# A phone that has not seen its room go to the vote this long after its workshop's offset asks (sync):
# it may have missed the event while dropped.
VOTE_OPEN_WAIT_SECS = 30.0
VOTE_OPEN_ASKS = 10  # then the run fails (an organiser that cannot open its rooms fails it sooner)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_nofile() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def proc_usage(pid: int) -> dict:
    """CPU seconds (user+system) and resident memory of a process, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        cpu = (int(fields[11]) + int(fields[12])) / ticks
        rss = hwm = 0.0
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) / 1024
        return {"cpu_s": cpu, "rss_mb": rss, "peak_rss_mb": hwm}
    except OSError:
        return {"cpu_s": 0.0, "rss_mb": 0.0, "peak_rss_mb": 0.0}


# The services a run leans on, when they run on this machine (their CPU in the storm is reported
# beside the servers' and the clients': on one machine they all share the same cores).
SERVICES = {"postgres": "postgres", "redis": "redis-server"}


def services_cpu() -> dict[str, float]:
    """CPU seconds (user+system) used so far by every local process of each service in SERVICES
    (all of PostgreSQL's backends, not only this run's; 0.0 where none is found or /proc is closed)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = dict.fromkeys(SERVICES, 0.0)
    names = {comm: key for key, comm in SERVICES.items()}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                head, _, rest = fh.read().rpartition(")")
        except OSError:
            continue
        key = names.get(head.partition("(")[2])
        if key:
            fields = rest.split()
            total[key] += (int(fields[11]) + int(fields[12])) / ticks
    return total


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def pct(values: list[float]) -> dict:
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None, "n": 0}
    v = sorted(values)

    def at(q):
        return round(v[min(len(v) - 1, int(q * len(v)))], 1)
    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": round(v[-1], 1), "n": len(v)}


# -- CPU contention ------------------------------------------------------------------

# A busy process: a pure CPU loop, no memory growth, no I/O (killed by CpuHogs.stop()).
HOG_CODE = "while True:\n    pass\n"


class CpuHogs:
    """N busy processes beside the server(s) for the whole run (`--cpu-hog N`): a laptop at a venue
    shares its cores with a projector browser, a hosted service with other workshops.

    Each is its own process (`python -c 'while True: pass'`), so it competes for a core as a
    separate program would; stop() kills them by their own process ids and reports their CPU."""

    def __init__(self, n: int):
        self.n = max(0, int(n or 0))
        self.procs: list[subprocess.Popen] = []
        self.cpu_s = 0.0

    def start(self) -> CpuHogs:
        for _ in range(self.n):
            self.procs.append(subprocess.Popen([sys.executable, "-c", HOG_CODE], stdin=subprocess.DEVNULL,
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        return self

    def alive(self) -> int:
        return sum(1 for p in self.procs if p.poll() is None)

    def stop(self) -> float:
        """Stop every hog; their CPU seconds in all (read from /proc just before)."""
        self.cpu_s += sum(proc_usage(p.pid)["cpu_s"] for p in self.procs if p.poll() is None)
        for p in self.procs:
            if p.poll() is None:
                p.kill()
        for p in self.procs:
            p.wait()
        self.procs = []
        return round(self.cpu_s, 2)

    def __enter__(self) -> CpuHogs:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()


# -- servers -------------------------------------------------------------------------

class Servers:
    """The server process(es) the benchmark starts and stops."""

    def __init__(self, processes: int, database: str, async_mode: str, tmp: Path, baseline: bool = False,
                 pg_driver: str | None = None, cpu_profile: str | None = None):
        self.tmp = tmp
        self.procs: list[subprocess.Popen] = []
        self.urls: list[str] = []
        self.pg_name = None
        self.logs = []
        self.env: dict | None = None  # the app servers' environment (None for the bare baseline server)
        if baseline:
            port = _free_port()
            self._spawn([sys.executable, "-m", "server.sim.baseline", "--port", str(port)], os.environ.copy(),
                        port, "baseline")
            return
        env = {**os.environ, "ASYNC_MODE": async_mode, "COMMON_GROUND_ENV": "development",
               # every simulated phone joins from 127.0.0.1: raise the per-address join limit for this run only
               "RATE_LIMITS": "join=1000000/300"}
        env.pop("REDIS_URL", None)
        env.pop(cpuprof.ENV, None)
        if cpu_profile:  # each server samples its own CPU between a phase's SIGUSR1 and SIGUSR2 (_Sampled)
            env[cpuprof.ENV] = str(Path(cpu_profile).resolve())
        if database == "postgres":
            import pg8000.native
            user, hostport = PG_ADMIN.split("@")
            host, port = hostport.split(":")
            self.pg = (user, host, int(port))
            self.pg_name = f"cg_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            admin = pg8000.native.Connection(user, host=host, port=int(port), database="postgres", timeout=10)
            admin.run(f"CREATE DATABASE {self.pg_name}")
            admin.close()
            # postgresql:// lets the server pick its driver (server/config.py); --pg-driver names one
            scheme = f"postgresql+{pg_driver}" if pg_driver else "postgresql"
            env["DATABASE_URL"] = f"{scheme}://{user}@{host}:{port}/{self.pg_name}"
        else:
            env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        if processes > 1:
            env["REDIS_URL"] = REDIS
            env["REDIS_CHANNEL"] = f"cg-bench-{uuid.uuid4().hex[:8]}"
        self.env = env
        subprocess.run(CLI + ["db", "upgrade"], env={**env, "ASYNC_MODE": "threading"}, cwd=ROOT, check=True,
                       capture_output=True)
        for i in range(processes):
            port = _free_port()
            env_i = {**env, "PUBLIC_URL": f"http://127.0.0.1:{port}"}
            self._spawn(CLI + ["serve", "--host", "127.0.0.1", "--port", str(port)], env_i, port, f"server{i}")

    def _spawn(self, cmd, env, port, name):
        log = open(self.tmp / f"{name}.log", "w")  # noqa: SIM115  (open while the process runs; closed in stop())
        self.logs.append(log)
        self.procs.append(subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
        self.urls.append(f"http://127.0.0.1:{port}")

    def wait_ready(self, timeout: float = 60) -> None:
        for url, proc in zip(self.urls, self.procs, strict=False):
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(url + "/healthz", timeout=2) as resp:
                        if resp.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server {url} did not start; see {self.tmp}")
                time.sleep(0.2)

    def create_workshop(self, rooms: int) -> dict:
        out = subprocess.run(CLI + ["workshop", "create", "--title", "Benchmark", "--rooms", str(rooms),
                                    "--vote-budget", str(BUDGET), "--languages", "en,es,fa",
                                    "--base-url", self.urls[0], "--json", *TALLIES],
                             env={**self.env, "ASYNC_MODE": "threading"}, cwd=ROOT, check=True,
                             capture_output=True, text=True)
        return json.loads(out.stdout)

    def usage(self) -> list[dict]:
        return [proc_usage(p.pid) for p in self.procs]

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for log in self.logs:
            log.close()
        if self.pg_name:
            import pg8000.native
            user, host, port = self.pg
            admin = pg8000.native.Connection(user, host=host, port=port, database="postgres", timeout=10)
            admin.run(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{self.pg_name}'")
            admin.run(f"DROP DATABASE IF EXISTS {self.pg_name}")
            admin.close()


# -- client worker processes ---------------------------------------------------------

def _worker(conn, specs: list[dict], seed: int, baseline: bool, cpu_profile: str | None = None,
            name: str = "phones") -> None:
    """A client process: its share of the phones, steered step by step over a pipe."""
    raise_nofile()
    if cpu_profile:  # sampled between each phase's SIGUSR1 and SIGUSR2, as the servers are
        cpuprof.install(Path(cpu_profile), name)
    asyncio.run(_worker_main(conn, specs, seed, baseline))


async def _worker_main(conn, specs, seed, baseline) -> None:
    """Answer the parent's steps (`Workers.ask`) one by one until it says `close`."""
    loop = asyncio.get_running_loop()
    side = _ClientSide(specs, seed, baseline)
    steps = {"burst": side.burst, "seed": side.seed_posts, "prepare": side.prepare, "storm": side.storm,
             "report": side.report, "verify": side.verify, "close": side.close}
    while True:
        msg = await loop.run_in_executor(None, conn.recv)
        name, args = msg[0], msg[1:]
        try:
            conn.send(("ok", await steps[name](*args)))
        except Exception as exc:  # noqa: BLE001 - the parent reports it
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        if name == "close":
            return


class _ClientSide:
    """One client process's share of the phones, and what they sent and saw; one method per step."""

    def __init__(self, specs: list[dict], seed: int, baseline: bool):
        from .engine import new_session
        self.specs, self.baseline = specs, baseline
        self.rng = random.Random(seed)
        self.http = new_session()
        self.phones: dict[int, Any] = {}
        self.barriers: dict[int, list[int]] = {}  # phone -> the barriers it may vote on
        self.sends: list[dict] = []
        self.ws_of = {spec["index"]: spec["ws"] for spec in specs}  # phone -> its workshop (index)
        self.vote_open: dict[int, asyncio.Event] = {}  # room -> set once a phone saw it go to the vote

    def _opened(self, room: int) -> asyncio.Event:
        return self.vote_open.setdefault(room, asyncio.Event())

    def _track(self, phone, idx):
        def on(ev):
            if ev.get("type") == "barriers_revealed":
                self.barriers[idx] = [b["id"] for b in ev["data"]["barriers"] if not b["merged_into"]]
            elif ev.get("type") == "room_updated":
                room = (ev.get("data") or {}).get("room") or {}
                if room.get("phase") == "vote":
                    self._opened(room["id"]).set()
        phone.listeners.append(on)

    async def burst(self, codes, t0, window, offsets=None):
        """Every phone joins and connects at a random moment of the window (of its workshop's
        window, starting at its offset, on a national day)."""
        from .engine import Device, Person, Phone
        rng, http, phones = self.rng, self.http, self.phones
        lat, fails = {}, []

        async def one(spec):
            idx = spec["index"]
            window_opens = t0 + (offsets[spec["ws"]] if offsets else 0.0)
            await asyncio.sleep(max(0.0, window_opens + rng.uniform(0, window) - time.monotonic()))
            start = time.monotonic()
            try:
                if self.baseline:
                    room = spec["room"]
                    dev = Device(spec["url"], f"p:{room}:{idx}", http=http, label=f"p{idx}")
                    dev.info = {"room_id": room, "participant_id": idx}
                else:
                    dev = Phone(spec["url"], Person.random(rng, ["en", "es", "fa"]), http=http, label=f"p{idx}")
                    await dev.join(codes[spec["ws"]])
                self._track(dev, idx)
                phones[idx] = dev
                await dev.connect(sync=True)
                lat[idx] = (time.monotonic() - start) * 1000
            except Exception as exc:  # noqa: BLE001 - counted, reported
                fails.append(f"{idx}: {type(exc).__name__}: {exc}"[:200])
        await asyncio.gather(*(one(s) for s in self.specs))
        return {"latency_ms": list(lat.values()), "failed": fails, "done_at": time.monotonic(),
                # every phone that joined (one dropped since reconnects when it next sends)
                "rooms": {i: p.info["room_id"] for i, p in phones.items() if p.info.get("room_id")},
                "connected": sum(1 for p in phones.values() if p.connected)}

    async def seed_posts(self, indices):
        """The chosen phones post a barrier each, a few at a time."""
        from . import samples
        gate = asyncio.Semaphore(SEED_IN_FLIGHT)  # setup, not measured: do not pile onto a busy server

        async def post(i):
            async with gate:
                return await post_once(i)

        async def post_once(i):
            p = self.phones[i]
            lang = p.person.language if hasattr(p, "person") else "en"
            cid = uuid.uuid4().hex
            ack = await p.send("barrier_post", {"text": samples.barrier_text(self.rng, lang)}, cid=cid, timeout=60)
            for _ in range(5):  # no answer (dropped under load): reconnect, resend the same cid
                if ack is not None:
                    break
                try:
                    await p.reconnect(0.2)
                except Exception:  # noqa: BLE001 - try again
                    await asyncio.sleep(1)
                ack = p.acks.get(cid)
            return ack
        acks = await asyncio.gather(*(post(i) for i in indices))
        return {"ok": sum(1 for a in acks if a and a.get("ok")), "refused": [a for a in acks if not a or not a["ok"]]}

    async def prepare(self):
        """Each phone knows the barriers it may vote on (a sync for those that missed the reveal)."""
        missing = 0
        for i, p in self.phones.items():
            if self.baseline:
                self.barriers[i] = list(range(1, POSTERS_PER_ROOM + 1))
            elif len(self.barriers.get(i, [])) < BUDGET:
                await self._ask_barriers(i, p)
                missing += 1
        return {"resynced": missing}

    async def _ask_barriers(self, idx, p) -> None:
        """The barriers this phone may vote on, from a fresh snapshot (it missed the reveal)."""
        ack = await _robust_sync(p)
        room = p.info["room_id"]
        self.barriers[idx] = [int(k) for k, b in ack["state"]["barriers"].items()
                              if b["room_id"] == room and not b["merged_into"]]
        if len(self.barriers[idx]) < BUDGET:
            raise RuntimeError(f"room {room} has {len(self.barriers[idx])} barriers to vote on, fewer than "
                               f"the budget of {BUDGET} (seeding posts failed)")

    async def _vote_opens(self, idx, p, start: float) -> float:
        """National day: from its workshop's offset, wait until this phone's room is in the vote
        (the organiser opens it then) and its barriers are known; the moment it can vote."""
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        if self.baseline:  # the bare server has no phases: its rooms vote from the offset
            return start
        room = p.info["room_id"]
        opened = self._opened(room)
        for _ in range(VOTE_OPEN_ASKS):
            if opened.is_set():
                break
            try:
                await asyncio.wait_for(opened.wait(), VOTE_OPEN_WAIT_SECS)
            except TimeoutError:  # the event may have come while this phone was dropped: ask
                state = (await _robust_sync(p))["state"]
                if state.get("rooms", {}).get(str(room), {}).get("phase") == "vote":
                    opened.set()
        if not opened.is_set():
            raise RuntimeError(f"room {room} was not opened for the vote within "
                               f"{VOTE_OPEN_ASKS * VOTE_OPEN_WAIT_SECS:g} s of its workshop's offset")
        if len(self.barriers.get(idx, [])) < BUDGET:
            await self._ask_barriers(idx, p)
        return time.monotonic()

    async def storm(self, t0, window, offsets=None):
        """Every phone casts its whole budget at random moments of the window, resending when unanswered.

        National day (`offsets`, one per workshop): a phone's window starts once its room is in
        the vote, which its organiser opens at its workshop's offset after t0."""
        rng, sends = self.rng, self.sends

        async def one(idx, p):
            times = sorted(rng.uniform(0, window) for _ in range(BUDGET))
            start = t0
            if offsets is not None:
                start = await self._vote_opens(idx, p, t0 + offsets[self.ws_of[idx]])
            targets = rng.sample(self.barriers[idx], BUDGET)
            for at, target in zip(times, targets, strict=False):
                await asyncio.sleep(max(0.0, start + at - time.monotonic()))
                sent = time.monotonic()
                cid = uuid.uuid4().hex
                payload = {"target_type": "barrier", "target_id": target}
                ack = await p.send("vote_cast", payload, cid=cid)
                resent = busy = 0
                while resent < 5 and busy < 10:
                    if ack is None:
                        # no answer (the server dropped this socket, e.g. a missed ping under overload):
                        # as a phone does, reconnect, sync and resend the outbox with the same cid
                        resent += 1
                        try:
                            await p.reconnect(0.2)
                        except Exception:  # noqa: BLE001 - try again
                            await asyncio.sleep(1)
                        ack = p.acks.get(cid)
                    elif _retry_after(ack) is not None:
                        # refused for now (the server sheds load: `rate_limited`, `retry_after`): as the
                        # phone's outbox does (web/js/outbox.js), wait and send it again with the same cid
                        busy += 1
                        await asyncio.sleep(_retry_after(ack))
                        ack = await p.send("vote_cast", payload, cid=cid)
                    else:
                        break
                sends.append({"phone": idx, "room": p.info["room_id"], "ws": self.ws_of[idx], "target": target,
                              "sent": sent, "resent": resent, "busy": busy,
                              "acked": time.monotonic(), "ok": bool(ack and ack.get("ok")),
                              "seq": (ack or {}).get("result", {}).get("seq"),
                              "error": None if ack and ack.get("ok") else (ack or {}).get("error", {"code": "no_ack"})})
        await asyncio.gather(*(one(i, p) for i, p in self.phones.items()))
        return {"sent": len(sends), "done_at": time.monotonic()}

    async def report(self):
        """Every vote sent, and what each phone received and when."""
        return {"sends": self.sends,
                "devices": {i: {"room": p.info["room_id"], "arrivals": p.arrivals, "types": p.types,
                                "duplicates": p.duplicates} for i, p in self.phones.items()}}

    async def verify(self):
        """Each phone's fresh snapshot holds every vote it had acknowledged (else: lost)."""
        lost, checked = [], 0
        if self.baseline:
            return {"lost": [], "checked": 0}
        by_phone: dict[int, set] = {}
        unanswered: dict[int, set] = {}  # sent, but never answered ok even after the resends
        for s in self.sends:
            if s["ok"]:
                by_phone.setdefault(s["phone"], set()).add(f"barrier:{s['target']}")
            elif _may_be_stored(s):
                unanswered.setdefault(s["phone"], set()).add(f"barrier:{s['target']}")
        sem = asyncio.Semaphore(50)
        stored_unanswered = 0

        async def one(i, p):
            nonlocal checked, stored_unanswered
            async with sem:
                ack = await _robust_sync(p)
            have = set(ack["state"]["my_votes"])
            checked += 1
            for key in by_phone.get(i, set()) - have:
                lost.append({"phone": i, "vote": key})
            # committed, but the answer never reached the phone: stored once, not a duplicate
            stored_unanswered += len(unanswered.get(i, set()) & have)
        await asyncio.gather(*(one(i, p) for i, p in self.phones.items()))
        return {"lost": lost, "checked": checked, "stored_unanswered": stored_unanswered}

    async def close(self):
        await asyncio.gather(*(p.disconnect() for p in self.phones.values()), return_exceptions=True)
        await self.http.close()
        return {"closed": True}


def _may_be_stored(send: dict) -> bool:
    """A vote whose last answer was not ok, yet which may have been committed: no answer at all (the
    socket dropped before the ack), or `rate_limited` after the phone stopped resending (a send before
    may have been queued and committed, its ack lost with a dropped socket; a real phone's outbox keeps
    sending and gets the stored result). Found in the voter's snapshot it is stored once, not twice."""
    error = send.get("error") or {}
    if send.get("ok"):
        return False
    return error == {"code": "no_ack"} or _retry_after({"ok": False, "error": error}) is not None


def _retry_after(ack: dict) -> float | None:
    """Seconds to wait before sending again, when the answer is a retryable `rate_limited`; else None."""
    error = ack.get("error") or {} if not ack.get("ok") else {}
    if error.get("code") != "rate_limited":
        return None
    details = error.get("details") or {}
    return float(details.get("retry_after") or 1) if details.get("retryable", True) else None


def _progress(step: str) -> None:
    """One line per step on stderr (stdout carries the JSON): where a long run is, or where it stalled."""
    print(f"bench {time.strftime('%H:%M:%S')}: {step}", file=sys.stderr, flush=True)


async def _steer(organiser, room_id: int, from_phase: str) -> None:
    """The organiser moves a room on from `from_phase` (reconnecting and resending if dropped)."""
    cid = uuid.uuid4().hex
    ack = await organiser.send("phase_advance", {"room_id": room_id, "from_phase": from_phase}, cid=cid, timeout=60)
    for _ in range(5):
        if ack:
            break
        await organiser.reconnect(0.5)
        ack = organiser.acks.get(cid)
    if not (ack and ack.get("ok")):
        raise RuntimeError(f"phase_advance of room {room_id} failed: {ack}")


async def _connect_robust(dev) -> None:
    """Connect and sync, retrying (with a pause) when an overloaded server does not answer in time."""
    for attempt in range(6):
        try:
            await dev.connect(sync=True)
            return
        except Exception:  # noqa: BLE001 - timed out or refused meanwhile: again
            await dev.disconnect()
            await asyncio.sleep(0.5 * (attempt + 1))
    raise RuntimeError(f"{dev.label}: cannot connect")


async def _robust_sync(p) -> dict:
    for attempt in range(5):
        try:
            if not p.connected:
                await p.reconnect(0.2)
            return await p.sync(snapshot=True)
        except Exception:  # noqa: BLE001 - dropped meanwhile: again
            await p.disconnect()
            await asyncio.sleep(0.5 * (attempt + 1))
    raise RuntimeError(f"{p.label}: cannot sync")


class Workers:
    def __init__(self, count: int, specs: list[dict], seed: int, baseline: bool, cpu_profile: str | None = None):
        # fork is quick and needs nothing of the caller, but forking a process that has other
        # threads (run_async's, a browser driver's) can deadlock the child: then spawn a
        # fresh interpreter (the caller's __main__ must be import-safe, as pytest's and the CLI's are).
        ctx = mp.get_context("fork" if threading.active_count() == 1 else "spawn")
        self.count = count
        self.pipes, self.procs = [], []
        for k in range(count):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_worker, args=(child, specs[k::count], seed * 1000 + k, baseline,
                                                     cpu_profile, f"phones-{k}"), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)

    async def ask(self, *msg, per_worker=None) -> list:
        loop = asyncio.get_running_loop()
        for k, pipe in enumerate(self.pipes):
            pipe.send(per_worker(k) if per_worker else msg)
        out = []
        for pipe in self.pipes:
            status, value = await loop.run_in_executor(None, pipe.recv)
            if status != "ok":
                raise RuntimeError(f"client worker failed: {value}")
            out.append(value)
        return out

    def cpu_s(self) -> float:
        return sum(proc_usage(p.pid)["cpu_s"] for p in self.procs)

    def join(self):
        for p in self.procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()


# -- the run ---------------------------------------------------------------------------

@dataclass
class _Staff:
    """The screens the benchmark drives itself: organiser consoles, projectors, facilitator tablets."""
    organisers: list
    displays: list
    facs: dict[int, Any]  # room id -> its tablet
    room_ws: dict[int, int]  # room id -> its workshop (the index of its organiser and projector)

    def devices(self) -> list:
        return [*self.displays, *self.facs.values(), *self.organisers]


@dataclass
class _Storm:
    """When the vote storm ran, and the machine around it."""
    t0: float
    end: float
    load_before: list[float]
    usage_before: list[dict]
    usage_after: list[dict]
    client_cpu_s: float
    services_cpu_s: dict[str, float]
    # National day: when each workshop's rooms were all in the vote (s after t0; None for the baseline)
    vote_opened: list[float] | None = None


def _staff(urls: list[str], wss: list[dict] | None, rooms: int, baseline: bool, http) -> _Staff:
    """The staff's devices (not connected yet): from the workshops' links, or the baseline's plain rooms."""
    from .engine import Device
    if baseline:
        facs = {r: Device(urls[r % len(urls)], f"f:{r}", http=http, label=f"f{r}") for r in range(1, rooms + 1)}
        return _Staff(organisers=[], displays=[Device(urls[0], "display", http=http, label="display")],
                      facs=facs, room_ws={r: 0 for r in facs})
    organisers = [Device(urls[0], ws["organiser_url"].split("#", 1)[1], http=http, label="organiser",
                         record=False) for ws in wss]
    displays = [Device(urls[-1], ws["display_url"].split("#", 1)[1], http=http, label="display")
                for ws in wss]
    facs, room_ws = {}, {}
    for w, ws in enumerate(wss):
        for k, (r, u) in enumerate(zip(ws["rooms"], ws["facilitator_urls"], strict=False)):
            facs[r["room_id"]] = Device(urls[k % len(urls)], u.split("#", 1)[1], http=http,
                                        label=f"f{r['room_id']}")
            room_ws[r["room_id"]] = w
    return _Staff(organisers=organisers, displays=displays, facs=facs, room_ws=room_ws)


async def _open_brainstorm(staff: _Staff) -> None:
    """The organisers connect and move every room from the lobby to the brainstorm."""
    for org in staff.organisers:
        await _connect_robust(org)
    for rid, w in staff.room_ws.items():
        await _steer(staff.organisers[w], rid, "lobby")  # brainstorm


async def _connect_screens(staff: _Staff) -> None:
    """The projectors connect, then the tablets, a few at a time (not 200 snapshots at once)."""
    for display in staff.displays:
        await _connect_robust(display)
    gate = asyncio.Semaphore(20)

    async def tablet(f):
        async with gate:
            await _connect_robust(f)
    await asyncio.gather(*(tablet(f) for f in staff.facs.values()))


async def _connect_burst(workers: Workers, wss: list[dict] | None, window: float,
                         offsets: list[float] | None = None) -> tuple[dict, dict[int, int]]:
    """Every phone joins and connects within the window (its workshop's, from its offset, on a
    national day): the burst's figures, and each phone's room."""
    t0 = time.monotonic() + 1.0
    burst = await workers.ask("burst", [ws["join_code"] for ws in wss] if wss else [], t0, window * 0.8, offsets)
    lat = [x for b in burst for x in b["latency_ms"]]
    failed = [f for b in burst for f in b["failed"]]
    phone_rooms = {int(i): r for b in burst for i, r in b["rooms"].items()}
    connect = {"joined": len(phone_rooms), "connected": sum(b["connected"] for b in burst),
               "failed": len(failed), "failures": failed[:5],
               "all_in_s": round(max(b["done_at"] for b in burst) - t0, 2),
               "latency_ms": pct(lat)}
    return connect, phone_rooms


async def _seed_barriers(workers: Workers, phone_rooms: dict[int, int]) -> dict:
    """Barriers to vote on: four posters per room post one each (setup, not measured)."""
    posters: dict[int, list[int]] = {}
    for i, r in sorted(phone_rooms.items()):
        if len(posters.setdefault(r, [])) < POSTERS_PER_ROOM:
            posters[r].append(i)
    chosen = {i for ids in posters.values() for i in ids}
    seeded = await workers.ask(per_worker=lambda k: ("seed", [i for i in chosen if i % workers.count == k]))
    out: dict = {"seed_posts": sum(s["ok"] for s in seeded)}
    seed_refused = [r for s in seeded for r in s["refused"]]
    if seed_refused:
        out["seed_refused"] = seed_refused[:5]
        print(f"bench: {len(seed_refused)} barrier posts not accepted, e.g. {seed_refused[:3]}",
              file=sys.stderr)
    return out


async def _open_vote(staff: _Staff, participants: int) -> None:
    """The organisers move every room on to the reveal, then the vote, and let the events settle."""
    for rid in staff.facs:
        for phase in ("brainstorm", "reveal"):  # to the reveal, then the vote
            await _steer(staff.organisers[staff.room_ws[rid]], rid, phase)
    await asyncio.sleep(1.0 + participants / 1000)


async def _open_votes_staggered(staff: _Staff, t0: float, offsets: list[float]) -> list[float]:
    """National day: each organiser, at its workshop's offset, reveals its rooms and opens the vote
    (room by room, as facilitators would); when each workshop's last room was in the vote."""
    rooms_of: dict[int, list[int]] = {}
    for rid, w in staff.room_ws.items():
        rooms_of.setdefault(w, []).append(rid)

    async def workshop(w: int) -> float:
        await asyncio.sleep(max(0.0, t0 + offsets[w] - time.monotonic()))
        for rid in rooms_of.get(w, []):
            for phase in ("brainstorm", "reveal"):  # to the reveal, then the vote
                await _steer(staff.organisers[w], rid, phase)
        return round(time.monotonic() - t0, 2)
    return list(await asyncio.gather(*(workshop(w) for w in range(len(offsets)))))


def _start_profiler(args, servers: Servers | None, span: float):
    """py-spy recording the first server through the storm (--profile) for `span` s, or None."""
    if not (args.profile and servers):
        return None
    fmt = "raw" if args.profile.endswith(".txt") else "flamegraph"
    pyspy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return subprocess.Popen([pyspy, "record", "-p", str(servers.procs[0].pid), "-d",
                             str(int(span + 3)), "-o", args.profile, "-f", fmt, "-r", "200"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class _Sampled:
    """--cpu-profile: the app's servers and the phones sampled through one phase (`burst`, `storm`),
    their folded stacks moved into DIR/<phase>/ once every process has written its file."""

    def __init__(self, args, workers: Workers, servers: Servers | None, phase: str):
        self.dir = Path(args.cpu_profile) if getattr(args, "cpu_profile", None) else None
        self.phase = phase
        self.pids = ([p.pid for p in servers.procs] + [p.pid for p in workers.procs]
                     if self.dir and servers is not None and servers.env else [])

    def start(self) -> None:
        cpuprof.signal_all(self.pids, signal.SIGUSR1)

    async def stop(self) -> None:
        if not self.pids:
            return
        cpuprof.signal_all(self.pids, signal.SIGUSR2)
        written = await asyncio.to_thread(cpuprof.wait_written, self.dir, len(self.pids))
        into = self.dir / self.phase
        into.mkdir(parents=True, exist_ok=True)
        for path in written:
            path.replace(into / path.name)
        _progress(f"CPU profile of the {self.phase}: {len(written)} of {len(self.pids)} processes in {into} "
                  f"(python -m server.sim.cpuprof {into})")


async def _vote_storm(args, workers: Workers, servers: Servers | None, day: NationalDay | None = None,
                      staff: _Staff | None = None) -> _Storm:
    """Every phone spends its whole budget within the window (on a national day, each workshop
    from its offset, once its organiser has opened the vote); the servers' and clients' usage
    around it."""
    usage1 = servers.usage() if servers else []
    load_before = loadavg()
    wcpu0 = workers.cpu_s()
    svc0 = services_cpu()
    profiler = _start_profiler(args, servers, args.window + (day.stagger if day else 0.0))
    sampled = _Sampled(args, workers, servers, "storm")
    sampled.start()
    t0 = time.monotonic() + 1.0
    opened = None
    if day is None:
        storm = await workers.ask("storm", t0, args.window)
    elif staff and staff.organisers:
        storm, opened = await asyncio.gather(workers.ask("storm", t0, args.window, day.offsets),
                                             _open_votes_staggered(staff, t0, day.offsets))
    else:  # the baseline: no phases to open
        storm = await workers.ask("storm", t0, args.window, day.offsets)
    storm_end = max(s["done_at"] for s in storm)
    await asyncio.sleep(GRACE_SECS)
    usage2 = servers.usage() if servers else []
    client_cpu_s = round(workers.cpu_s() - wcpu0, 2)
    svc = {key: round(cpu - svc0[key], 2) for key, cpu in services_cpu().items()}
    await sampled.stop()
    if profiler:
        profiler.wait(timeout=60)
    return _Storm(t0=t0, end=storm_end, load_before=load_before, usage_before=usage1, usage_after=usage2,
                  client_cpu_s=client_cpu_s, services_cpu_s=svc, vote_opened=opened)


async def _collect_sends(workers: Workers) -> tuple[list[dict], dict[int, dict]]:
    """Every vote sent (with its ack) and what each phone received, from every client process."""
    reports = await workers.ask("report")
    sends = [s for r in reports for s in r["sends"]]
    devices = {}
    for r in reports:
        devices.update({int(i): d for i, d in r["devices"].items()})
    return sends, devices


def _fanout(acked: list[dict], devices: dict[int, dict], staff: _Staff) -> dict:
    """Per acknowledged vote: its ack time, and when its tally had reached the whole room and its
    room_stats the projector (`fanout_ms`; `fanout_live_ms` over the receivers that got it live)."""
    members: dict[int, list[dict]] = {}
    for d in devices.values():
        members.setdefault(d["room"], []).append(d)
    fac_by_room = {rid: {"arrivals": f.arrivals, "types": f.types} for rid, f in staff.facs.items()}
    fanout, fanout_live, ack_ms, missed = [], [], [], 0
    for s in acked:
        ack_ms.append((s["acked"] - s["sent"]) * 1000)
        recv = members.get(s["room"], []) + ([fac_by_room[s["room"]]] if s["room"] in fac_by_room else [])
        display = staff.displays[staff.room_ws[s["room"]]]
        # A vote's events: tally, my_votes, room_stats, then vote_progress on a first or last dot
        # (the ack's seq is the last one): find the tally and the projector's room_stats among them.
        tally_seq = next((q for q in (s["seq"] - 2, s["seq"] - 3)
                          if any(d["types"].get(q) == "tally" for d in recv)), s["seq"] - 2)
        stats_seq = tally_seq + 2
        times = []
        for d in recv:
            t = d["arrivals"].get(tally_seq)
            if t is None or d["types"].get(tally_seq) != "tally":
                missed += 1
                continue
            times.append(t)
        t = display.arrivals.get(stats_seq)
        if t is None or display.types.get(stats_seq) != "room_stats":
            missed += 1
        else:
            times.append(t)
        if len(times) == len(recv) + 1:
            fanout.append((max(times) - s["sent"]) * 1000)
        if times:  # the slowest receiver among those that got it live (defined even when some dropped)
            fanout_live.append((max(times) - s["sent"]) * 1000)
    return {"fanout_ms": pct(fanout), "fanout_live_ms": pct(fanout_live), "ack_ms": pct(ack_ms),
            "missed_live_deliveries": missed}


def _storm_figures(sends: list[dict], devices: dict[int, dict], staff: _Staff, storm: _Storm,
                   expected: int) -> dict:
    """The vote storm's figures: counts, refusals by code, rate, fan-out, resends, load."""
    acked = [s for s in sends if s["ok"]]
    fanout = _fanout(acked, devices, staff)
    refused: dict[str, int] = {}
    for s in sends:
        if not s["ok"]:
            refused[s["error"]["code"]] = refused.get(s["error"]["code"], 0) + 1
    return {
        "expected": expected,
        "sent": len(sends),
        "acked": len(acked),
        "refused": refused,
        "storm_s": round(storm.end - storm.t0, 2),
        "votes_per_s": round(len(acked) / max(storm.end - storm.t0, 0.001), 1),
        **fanout,
        "resent": sum(s.get("resent", 0) for s in sends),
        "reconnects": sum(1 for s in sends if s.get("resent")),
        # sent again after a `rate_limited` answer (the server shedding load), as the phone's outbox does
        "busy_retries": sum(s.get("busy", 0) for s in sends),
        "loadavg_storm": [storm.load_before, loadavg()],
    }


def _day_figures(day: NationalDay, sends: list[dict], devices: dict[int, dict], staff: _Staff,
                 storm: _Storm) -> dict:
    """A national day's own figures: the planned offsets, when each workshop's storm really began
    and ended (s after the storm period's start), how many workshops stormed at once at most, and
    each workshop's fan-out p99 (so one slow workshop is not hidden among the others)."""
    by_ws: dict[int, list[dict]] = {}
    for s in sends:
        by_ws.setdefault(s["ws"], []).append(s)
    spans = {w: (min(s["sent"] for s in ss) - storm.t0, max(s["sent"] for s in ss) - storm.t0)
             for w, ss in by_ws.items()}
    p99s = [_fanout([s for s in by_ws.get(w, []) if s["ok"]], devices, staff)["fanout_ms"]["p99"]
            for w in range(len(day.rooms))]
    # the most workshops between their first and last send at one moment (a start counts before an end)
    edges = sorted([(a, -1) for a, _ in spans.values()] + [(b, 1) for _, b in spans.values()])
    at_once = most = 0
    for _, step in edges:
        at_once -= step
        most = max(most, at_once)
    return {"stagger_s": day.stagger, "rooms_by_workshop": day.rooms, "storm_offsets": day.offsets,
            "vote_opened": storm.vote_opened,
            "storm_starts": [round(spans[w][0], 2) if w in spans else None for w in range(len(day.rooms))],
            "storm_ends": [round(spans[w][1], 2) if w in spans else None for w in range(len(day.rooms))],
            "storms_at_once_max": most,
            "fanout_p99_by_workshop_ms": p99s,
            "fanout_p99_by_workshop_max_ms": max((x for x in p99s if x is not None), default=None)}


def _delivered_twice(devices: dict[int, dict], staff: _Staff) -> int:
    """Events that reached one device twice (phones, projectors, tablets)."""
    return sum(d["duplicates"] for d in devices.values()) + sum(d.duplicates for d in staff.displays) + \
        sum(f.duplicates for f in staff.facs.values())


async def _check_stored(workers: Workers, organisers: list, acked: int) -> tuple[list, int, dict]:
    """Every acknowledged vote in its voter's fresh snapshot (the lost ones), and the organisers'
    snapshots holding no more dots than were sent (how many were applied twice)."""
    verified = await workers.ask("verify")
    lost = [x for v in verified for x in v["lost"]]
    stored = 0
    for org in organisers:
        snap = (await _robust_sync(org))["state"]
        stored += sum(b["votes"] for b in snap["barriers"].values())
    # each send is one (phone, barrier) pair, and a vote can be stored once per pair: more
    # stored than acknowledged + committed-but-unanswered means something was applied twice
    unanswered = sum(v["stored_unanswered"] for v in verified)
    applied_twice = max(0, stored - acked - unanswered)
    if stored < acked and not lost:
        lost = [{"organiser_snapshot_short_by": acked - stored}]
    return lost, applied_twice, {"stored_unanswered": unanswered, "stored_votes": stored}


def _server_figures(usage0: list[dict], usage1: list[dict], usage2: list[dict]) -> dict:
    """Each server process's CPU (whole run, storm) and memory, and their sums."""
    per = [{"cpu_s": round(u2["cpu_s"] - u0["cpu_s"], 2),
            "storm_cpu_s": round(u2["cpu_s"] - u1["cpu_s"], 2),
            "rss_mb": round(u2["rss_mb"], 1), "peak_rss_mb": round(u2["peak_rss_mb"], 1)}
           for u0, u1, u2 in zip(usage0, usage1, usage2, strict=False)]
    return {"server": per,
            "cpu_s": round(sum(s["cpu_s"] for s in per), 2),
            "storm_cpu_s": round(sum(s["storm_cpu_s"] for s in per), 2),
            "rss_mb": round(sum(s["rss_mb"] for s in per), 1)}


async def _hang_up(devices: list, http) -> None:
    for dev in devices:
        try:
            await dev.disconnect()
        except Exception:  # noqa: BLE001
            pass
    await http.close()


async def _orchestrate(args, urls: list[str], wss: list[dict] | None, baseline: bool,
                       servers: Servers | None) -> dict:
    from .engine import new_session
    day = day_plan(args)
    n, rooms = args.participants, args.rooms
    if day:  # phone i takes room slot i % rooms, and the slot's workshop (the baseline's too)
        n_ws, ws_of = len(day.rooms), day.workshop_of_slots()
        specs = [{"index": i, "url": urls[i % len(urls)], "room": (i % rooms) + 1, "ws": ws_of[i % rooms]}
                 for i in range(n)]
    else:
        # A workshop has at most 50 rooms: more rooms means several workshops on the server(s).
        n_ws = len(wss) if wss else 1
        specs = [{"index": i, "url": urls[i % len(urls)], "room": (i % rooms) + 1, "ws": i % n_ws}
                 for i in range(n)]
    workers_n = args.client_processes or max(1, min(4, n // 250))
    cpu_profile = None if baseline else getattr(args, "cpu_profile", None)
    workers = Workers(workers_n, specs, args.seed, baseline, cpu_profile)
    http = new_session()
    result: dict = {"participants": n, "rooms": rooms, "workshops": n_ws, "server_processes": len(urls),
                    "client_processes": workers_n, "baseline_server": baseline}
    staff = None
    try:
        staff = _staff(urls, wss, rooms, baseline, http)
        if not baseline:
            await _open_brainstorm(staff)
        await _connect_screens(staff)
        _progress("workshops ready, tablets and projectors connected")
        # 1. connect burst
        usage0 = servers.usage() if servers else []
        sampled = _Sampled(args, workers, servers, "burst")
        sampled.start()
        result["connect"], phone_rooms = await _connect_burst(workers, wss, args.window,
                                                              day.offsets if day else None)
        if servers:  # the servers' CPU for the burst: joins, handshakes, first snapshots
            result["connect_cpu_s"] = round(sum(u1["cpu_s"] - u0["cpu_s"]
                                                for u0, u1 in zip(usage0, servers.usage(), strict=False)), 2)
        await sampled.stop()  # after the figures: writing the profile is not the burst's work
        if not baseline:
            _progress(f"connect burst done: {result['connect']['joined']} joined, all in "
                      f"{result['connect']['all_in_s']} s")
            # 2. barriers to vote on: four posters per room
            result.update(await _seed_barriers(workers, phone_rooms))
            if not day:  # a national day's organisers open the vote in the storm period, each at its offset
                await _open_vote(staff, n)
        if baseline or not day:
            await workers.ask("prepare")

        _progress("barriers seeded, every room in the vote" if not day else
                  f"barriers seeded; {n_ws} workshops open their votes over {day.stagger:g} s")
        # 3. vote storm
        storm = await _vote_storm(args, workers, servers, day, staff)
        result["client_cpu_s_storm"] = storm.client_cpu_s
        result["services_cpu_s_storm"] = storm.services_cpu_s
        sends, devices = await _collect_sends(workers)
        delivered_twice = _delivered_twice(devices, staff)
        result.update(_storm_figures(sends, devices, staff, storm, expected=len(phone_rooms) * BUDGET))
        if day:
            result.update(_day_figures(day, sends, devices, staff, storm))

        _progress("vote storm done")
        # 4. correctness against the stored state
        lost: list = []
        applied_twice = 0
        if not baseline:
            lost, applied_twice, stored = await _check_stored(workers, staff.organisers, result["acked"])
            result.update(stored)
        result["lost"] = len(lost)
        result["lost_detail"] = lost[:5]
        result["duplicates"] = applied_twice + delivered_twice
        if servers:
            result.update(_server_figures(usage0, storm.usage_before, storm.usage_after))
            # the servers' whole CPU in the storm (commands, fan-out to every screen, pings) per vote
            result["storm_cpu_ms_per_vote"] = (round(result["storm_cpu_s"] * 1000 / result["acked"], 3)
                                               if result["acked"] else None)
            # The servers' storm CPU per CPU-second of the phones in the same storm. The phones do the
            # same work in every run of a size, so their CPU measures the machine's speed at that moment;
            # this ratio divides it out (the same code's ms per vote swung 1.49-2.53 on one VM within
            # twenty minutes, this ratio 1.34-1.48: docs/benchmarks.md, twelfth session).
            result["storm_cpu_vs_phones"] = (round(result["storm_cpu_s"] / result["client_cpu_s_storm"], 3)
                                             if result.get("client_cpu_s_storm") else None)
        await workers.ask("close")
    finally:
        workers.join()
        await _hang_up(staff.devices() if staff else [], http)
    return result


def split_rooms(rooms: int, most: int = MAX_ROOMS_PER_WORKSHOP) -> list[int]:
    """Rooms per workshop: a workshop has at most 50 (server/domain/rules.py MAX_ROOMS)."""
    k = -(-rooms // most)
    return _spread(rooms, k)


def _spread(rooms: int, workshops: int) -> list[int]:
    """`rooms` over `workshops` as evenly as can be (the first ones take one more)."""
    return [rooms // workshops + (1 if i < rooms % workshops else 0) for i in range(workshops)]


@dataclass
class NationalDay:
    """`--workshops N`: the rooms of each workshop, and each workshop's offset within the
    stagger period (the same offset for its joins and for its vote)."""
    rooms: list[int]
    offsets: list[float]
    stagger: float

    def workshop_of_slots(self) -> list[int]:
        """Room slot (0 .. rooms-1, as phone i takes slot i % rooms) -> its workshop."""
        return [w for w, k in enumerate(self.rooms) for _ in range(k)]


def day_plan(args) -> NationalDay | None:
    """The national day asked for by --workshops (None without it), after settling the defaults
    (--rooms: participants/10, --stagger: 60 s with several workshops) on `args`.

    Raises ValueError, worded for the command line, for a combination that cannot be laid out."""
    n = getattr(args, "workshops", None)
    stagger = getattr(args, "stagger", None)
    if args.rooms is None:
        args.rooms = args.participants // 10 if n else 10
    if n is None:
        if stagger is not None:
            raise ValueError("--stagger is used only with --workshops")
        return None
    if n < 1:
        raise ValueError(f"--workshops must be 1 or more, not {n}")
    if stagger is None:
        stagger = args.stagger = DEFAULT_STAGGER_SECS if n > 1 else 0.0
    if stagger < 0:
        raise ValueError(f"--stagger must be 0 or more seconds, not {stagger:g}")
    rooms = args.rooms
    if rooms < n:
        raise ValueError(f"--workshops {n} needs at least one room per workshop, but there are {rooms} rooms "
                         "(--rooms, by default --participants / 10)")
    per = _spread(rooms, n)
    if per[0] > MAX_ROOMS_PER_WORKSHOP:
        raise ValueError(f"{rooms} rooms in {n} workshops puts {per[0]} rooms in one, and a workshop has at most "
                         f"{MAX_ROOMS_PER_WORKSHOP}: give --workshops {-(-rooms // MAX_ROOMS_PER_WORKSHOP)} or more")
    if args.participants < POSTERS_PER_ROOM * rooms:
        raise ValueError(f"{args.participants} phones in {rooms} rooms: every room needs at least "
                         f"{POSTERS_PER_ROOM} phones (they post the barriers its vote needs)")
    # One slot of stagger/N per workshop, in order, each offset at a random point of its slot:
    # deterministic from --seed, and workshop w always starts after workshop w-1.
    rng = random.Random(args.seed)
    offsets = [round(stagger * (w + rng.random()) / n, 3) for w in range(n)]
    return NationalDay(rooms=per, offsets=offsets, stagger=float(stagger))


def run_async(fn, *args):
    """Run the coroutine function `fn(*args)` to completion and return its result.

    Works whether or not an event loop is already running in this thread (a test
    session or a browser driver may have one): then the coroutine is created and
    run on a fresh loop in a thread of its own. The coroutine object is only ever
    created where it is awaited, so none is left un-awaited.
    """
    try:
        asyncio.get_running_loop()
        running = True
    except RuntimeError:
        running = False
    if not running:
        return asyncio.run(fn(*args))
    box: dict = {}

    def target():
        try:
            box["value"] = asyncio.run(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc
    thread = threading.Thread(target=target, name="bench-orchestrate", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def run(args) -> dict:
    day = day_plan(args)  # settles --rooms and --stagger; refuses a national day that cannot be laid out
    layout = day.rooms if day else split_rooms(args.rooms)
    nofile = raise_nofile()
    tmp = Path(tempfile.mkdtemp(prefix="cg-bench-"))
    out: dict = {"participants": args.participants, "rooms": args.rooms}
    database = args.database or ("postgres" if args.processes > 1 else "sqlite")
    hogs = CpuHogs(getattr(args, "cpu_hog", 0))
    if hogs.n:
        _progress(f"{hogs.n} busy process(es) beside the server for the whole run (--cpu-hog)")
    hogs.start()
    try:
        servers = None
        if args.url:
            env_db = os.environ.get("DATABASE_URL")
            if not env_db:
                raise SystemExit("--url needs the target server's DATABASE_URL in the environment "
                                 "(to create the benchmark workshop).")
            urls = [args.url]
            wss = [json.loads(subprocess.run(
                CLI + ["workshop", "create", "--title", "Benchmark", "--rooms", str(k), "--vote-budget", str(BUDGET),
                       "--base-url", args.url, "--json", *TALLIES], env={**os.environ, "ASYNC_MODE": "threading"},
                cwd=ROOT, check=True, capture_output=True, text=True).stdout) for k in layout]
        else:
            servers = Servers(args.processes, database, args.async_mode, tmp,
                              pg_driver=getattr(args, "pg_driver", None),
                              cpu_profile=getattr(args, "cpu_profile", None))
        try:
            if servers:
                servers.wait_ready()
                wss, urls = [servers.create_workshop(k) for k in layout], servers.urls
            load0 = loadavg()
            out = run_async(_orchestrate, args, urls, wss, False, servers)
            out.update({"database": "url" if args.url else database, "async_mode": args.async_mode,
                        "sqlite_synchronous": (os.environ.get("SQLITE_SYNCHRONOUS") or "full").lower()
                        if database == "sqlite" and not args.url else None,
                        "group_commit_wait_ms": None if args.url
                        else config.group_commit_wait_ms(os.environ.get("GROUP_COMMIT_WAIT_MS")),
                        "loadavg_start": load0, "nofile": nofile, "cores": os.cpu_count(),
                        "pg_driver": (getattr(args, "pg_driver", None) or "server's choice")
                        if database == "postgres" and not args.url else None})
        finally:
            if servers:
                servers.stop()
        if args.baseline:
            base = Servers(1, "", "eventlet", tmp, baseline=True)
            try:
                base.wait_ready()
                b = run_async(_orchestrate, args, base.urls, None, True, base)
            finally:
                base.stop()
            out["baseline_fanout_ms"] = b["fanout_ms"]
            out["baseline_fanout_live_ms"] = b["fanout_live_ms"]
            out["baseline_connect"] = b["connect"]
            out["baseline_missed_live_deliveries"] = b["missed_live_deliveries"]
            out["baseline_acked"] = b["acked"]
            out["baseline_cpu_s"] = b.get("cpu_s")
            out["baseline_storm_cpu_s"] = b.get("storm_cpu_s")
            out["baseline_storm_cpu_ms_per_vote"] = b.get("storm_cpu_ms_per_vote")
            if day:  # the bare server got the same staggered storm
                out["baseline_fanout_p99_by_workshop_max_ms"] = b["fanout_p99_by_workshop_max_ms"]
                out["baseline_storms_at_once_max"] = b["storms_at_once_max"]
                out["baseline_storm_starts"] = b["storm_starts"]
            if b["fanout_ms"]["p99"] and out["fanout_ms"]["p99"]:
                out["ratio_p50"] = round(out["fanout_ms"]["p50"] / max(b["fanout_ms"]["p50"], 0.1), 2)
                out["ratio_p99"] = round(out["fanout_ms"]["p99"] / max(b["fanout_ms"]["p99"], 0.1), 2)
                out["ratio"] = out["ratio_p99"]
    except BaseException:
        print(f"benchmark failed; server logs kept in {tmp}", file=sys.stderr)
        raise
    finally:
        hog_cpu_s = hogs.stop()
    # Busy processes beside the server and the baseline alike, for the whole run (0: none).
    out["cpu_hog"] = hogs.n
    out["cpu_hog_cpu_s"] = hog_cpu_s
    shutil.rmtree(tmp, ignore_errors=True)
    return out


def main(args) -> int:
    result = run(args)
    if args.json:
        print(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))
    return 0 if result.get("lost") == 0 and result.get("duplicates") == 0 else 1
