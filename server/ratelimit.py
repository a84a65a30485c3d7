"""Abuse limits: join attempts per client address, posts per participant,
messages per connection (docs/security.md).

A refused attempt raises CommandError("rate_limited") with `retry_after`
(whole seconds) and `retryable: true` in its details and changes nothing;
over HTTP it is a 429 with a Retry-After header.

Join codes and brute force
--------------------------
A join code is 6 characters from a 32-letter alphabet: 32**6 = 1,073,741,824
codes. Only a *wrong* code counts against the address's failure budget
(`join_failures`: 20 per 10 minutes), so a venue where every phone shares one
public address (NAT) is not locked out by its own joins; once the budget is
spent every lookup from that address (right codes included) is refused until
the window ends, so the refusal is not an oracle either. One address can
therefore try at most 20 codes per 10 minutes = 2,880 a day (40 in the worst
case at a window boundary, fixed windows). With W workshops live at the same
moment, a day of guessing from one address finds one with probability about
2,880 * W / 32**6: 2.7e-5 for W = 10, 2.7e-4 for W = 100. Reaching an even
chance for W = 100 takes about 3,700 address-days. IPv6 clients are counted
per /64 (one subscriber's prefix), or a single host could rotate addresses.
What a lucky guess gains is a seat as an ordinary participant, in view of the
organiser (every join is shown). `join` (300 per 5 minutes per address) caps
how fast anyone can fill a workshop with fake people.

Seat codes
----------
A seat code (server/domain/seats.py) is 8 characters from the same alphabet:
32**8 = 1.1e12 codes. A wrong one at /api/rejoin counts against the address
(`seat_failures`: 10 per 10 minutes) and against the workshop (`seat_failures_workshop`:
100 per 10 minutes, whatever the address); a spent budget refuses every seat
code from there until the window ends, right ones included (no oracle). So
however many addresses guess, a workshop sees at most 14,400 guesses a day:
with 200 live seat codes a guess finds one with probability 1.8e-10, a day of
guessing 2.6e-6. The price is that someone guessing can hold up re-joining
in one workshop for ten minutes at a time; joining itself is not affected.

Where the counters live
-----------------------
`join`, `join_failures`, the seat-code counters and `posts` are shared between server processes: in
Redis when REDIS_URL is set (the only supported multi-process set-up, since
Socket.IO itself needs the queue then; see docs/deploy.md), in this process's
memory otherwise (the single-process embedded default). `messages` is
counted per connection; a Socket.IO connection lives in exactly one process
(sticky sessions), so its counter is kept in that process without a round
trip. Behind a reverse proxy set TRUSTED_PROXY_HOPS (the number of proxies
that append to X-Forwarded-For) or every phone counts as the proxy's address.

Settings: RATE_LIMITING (env, "off" disables; app config bool), RATE_LIMITS
(app config: {name: (count, seconds)} overrides), TRUSTED_PROXY_HOPS.
"""
from __future__ import annotations

import ipaddress
import logging
import math
import os
import threading
import time
from dataclasses import dataclass

from .domain.errors import CommandError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


DEFAULT_LIMITS = {
    # per client address: lookups of a code that does not exist (/api/join, /api/workshops/<code>)
    "join_failures": Limit(20, 600),
    # per client address: every join request
    "join": Limit(300, 300),
    # seat codes (server/domain/seats.py): wrong codes at /api/rejoin, per client address and per workshop
    "seat_failures": Limit(10, 600),
    "seat_failures_workshop": Limit(100, 600),
    # per participant: barrier_post + solution_post that took effect
    "posts": Limit(12, 60),
    # per connection: every command and sync
    "messages": Limit(100, 10),
    # the organiser workspace's sign-in (server/workspace/): wrong passwords per client address and per account
    "login_failures": Limit(30, 900),
    "login_failures_account": Limit(10, 900),
}
POST_COMMANDS = frozenset({"barrier_post", "solution_post"})
LOCAL_ONLY = frozenset({"messages"})

MESSAGES = {
    "join_failures": ("Too many wrong join codes from this network. Check the code on the screen and try again "
                      "in {s} s."),
    "join": "Too many people joined from this network just now. Try again in {s} s.",
    "seat_failures": "Too many wrong seat codes from this network. Try again in {s} s, or ask your facilitator.",
    "seat_failures_workshop": "Too many wrong seat codes for this workshop just now. Try again in {s} s, "
                              "or ask your facilitator.",
    "posts": "You are posting very fast. Wait {s} s before posting again.",
    "messages": "This device is sending too fast. Wait {s} s.",
    "login_failures": "Too many wrong passwords from this network. Try again in {s} s.",
    "login_failures_account": "Too many wrong passwords for this account. Try again in {s} s.",
}


class MemoryBackend:
    """Fixed windows in this process's memory."""

    MAX_KEYS = 50_000

    def __init__(self):
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, float]] = {}

    def add(self, key: str, seconds: int, amount: int) -> tuple[int, float]:
        """Add `amount` to the key's current window; return (count, seconds left in the window)."""
        now = time.monotonic()
        with self._lock:
            count, ends = self._windows.get(key, (0, 0.0))
            if ends <= now:
                count, ends = 0, now + seconds
            count += amount
            if amount or key in self._windows:
                self._windows[key] = (count, ends)
            if len(self._windows) > self.MAX_KEYS:
                self._windows = {k: v for k, v in self._windows.items() if v[1] > now}
            return count, ends - now


class RedisBackend:
    """Fixed windows in Redis, shared by every process (one atomic script per call)."""

    SCRIPT = """
    local n
    if ARGV[1] == '0' then
      n = tonumber(redis.call('GET', KEYS[1]) or '0')
    else
      n = redis.call('INCRBY', KEYS[1], ARGV[1])
    end
    local ttl = redis.call('PTTL', KEYS[1])
    if n > 0 and ttl < 0 then
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      ttl = tonumber(ARGV[2])
    end
    return {n, ttl}
    """

    def __init__(self, url: str, namespace: str = "flask-socketio"):
        import redis
        # Every key carries the deployment's name (its REDIS_CHANNEL): two deployments on one Redis
        # count their people apart (participant 7 of one is not participant 7 of the other).
        self.prefix = f"cg:{namespace}:rl:"
        # A connect burst asks from hundreds of green threads at once: wait (up to 2 s) for one of
        # 50 connections rather than fail at redis-py's default cap of 100 (MaxConnectionsError).
        pool = redis.BlockingConnectionPool.from_url(url, max_connections=50, timeout=2, socket_timeout=2,
                                                     socket_connect_timeout=2)
        self.client = redis.Redis(connection_pool=pool)
        self._script = self.client.register_script(self.SCRIPT)

    def add(self, key: str, seconds: int, amount: int) -> tuple[int, float]:
        n, ttl_ms = self._script(keys=[self.prefix + key], args=[amount, seconds * 1000])
        return int(n), max(int(ttl_ms), 0) / 1000


class RateLimiter:
    def __init__(self, shared, local=None, limits: dict[str, Limit] | None = None, enabled: bool = True):
        self.shared = shared
        self.local = local or MemoryBackend()
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self.enabled = enabled

    def _add(self, name: str, key: str, amount: int) -> tuple[int, float] | None:
        limit = self.limits[name]
        backend = self.local if name in LOCAL_ONLY else self.shared
        try:
            return backend.add(f"{name}:{key}", limit.seconds, amount)
        except Exception as exc:  # noqa: BLE001 - a limiter outage must not stop the workshop
            log.warning("rate limiter unavailable (%s); allowing %s", type(exc).__name__, name)
            return None

    def _refuse(self, name: str, left: float):
        secs = max(1, math.ceil(left))
        raise CommandError("rate_limited", MESSAGES[name].format(s=secs), retry_after=secs, retryable=True)

    def hit(self, name: str, key: str) -> None:
        """Count one attempt; refuse it when it goes over the limit."""
        if not self.enabled:
            return
        got = self._add(name, key, 1)
        if got and got[0] > self.limits[name].count:
            self._refuse(name, got[1])

    def check(self, name: str, key: str) -> None:
        """Refuse when the budget is already spent, counting nothing."""
        if not self.enabled:
            return
        got = self._add(name, key, 0)
        if got and got[0] >= self.limits[name].count:
            self._refuse(name, got[1])

    def note(self, name: str, key: str) -> None:
        """Count one (a failure, a post that took effect) without refusing anything."""
        if self.enabled:
            self._add(name, key, 1)


def _setting(app, key: str, default):
    if key in app.config:
        return app.config[key]
    return os.environ.get(key, default)


_create_lock = threading.Lock()


def limiter(app) -> RateLimiter:
    """The app's limiter, made on first use from its configuration."""
    found = app.extensions.get("common_ground_ratelimit")
    if found is not None:
        return found
    with _create_lock:
        found = app.extensions.get("common_ground_ratelimit")
        if found is None:
            enabled = _setting(app, "RATE_LIMITING", "on")
            enabled = enabled if isinstance(enabled, bool) else str(enabled).lower() not in ("off", "0", "false", "no")
            limits = {k: Limit(*v) for k, v in (app.config.get("RATE_LIMITS") or {}).items()}
            url = app.config.get("REDIS_URL")
            shared = RedisBackend(url, app.config.get("REDIS_CHANNEL") or "flask-socketio") if url else MemoryBackend()
            found = RateLimiter(shared, MemoryBackend(), limits, enabled)
            app.extensions["common_ground_ratelimit"] = found
    return found


def client_address(app, request) -> str:
    """The client's address as the rate limits count it (an IPv6 client by its /64)."""
    addr = request.remote_addr or "unknown"
    hops = int(_setting(app, "TRUSTED_PROXY_HOPS", 0) or 0)
    if hops > 0:
        forwarded = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",") if p.strip()]
        if len(forwarded) >= hops:
            addr = forwarded[-hops]
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return addr[:64]
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


# -- hooks for the Socket.IO handlers (server/events/) -----------------------------------

def before_message(app, sid: str) -> None:
    limiter(app).hit("messages", sid)


def before_command(app, sid: str, name: str, principal, payload=None) -> None:
    """Per-connection budget for every command; per-participant budget for posts.

    A post resent with the cid of one already applied (an offline outbox) is
    let through: dispatch answers it with the first result and changes nothing.
    """
    before_message(app, sid)
    if name in POST_COMMANDS and principal is not None and principal.role == "participant":
        try:
            limiter(app).check("posts", principal.actor)
        except CommandError:
            if not _already_applied(app, principal, payload):
                raise


def _already_applied(app, principal, payload) -> bool:
    from sqlalchemy import select

    from .models import CommandRecord
    cid = payload.get("cid") if isinstance(payload, dict) else None
    if not isinstance(cid, str):
        return False
    with app.extensions["common_ground_db"].reading() as s:
        return s.scalar(select(CommandRecord.id).where(
            CommandRecord.workshop_id == principal.workshop_id, CommandRecord.actor == principal.actor,
            CommandRecord.client_id == cid)) is not None


def after_command(app, name: str, principal, outcome) -> None:
    if name in POST_COMMANDS and principal is not None and principal.role == "participant" and not outcome.repeated:
        limiter(app).note("posts", principal.actor)
