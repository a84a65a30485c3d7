"""Abuse limits (server/ratelimit.py, docs/security.md): join attempts per
client address, posts per participant, messages per connection.

A refused attempt answers `rate_limited` with `retry_after` (and over HTTP a
429 with Retry-After) and changes nothing. These tests run on SQLite only:
the counters never live in the database (memory, or Redis with REDIS_URL).
"""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import func, select

from server import ratelimit
from server.domain import rules
from server.models import Participant

from ..board import Board
from ..conftest import IN_CI, Day, make_app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def limited_app(tmp_path, **limits):
    return make_app(f"sqlite:///{tmp_path / 'limits.sqlite3'}", RATE_LIMITING=True,
                    RATE_LIMITS={k: tuple(v) for k, v in limits.items()})


@pytest.fixture
def day_with(tmp_path):
    made = []

    def make(**limits):
        app = limited_app(tmp_path / uuid.uuid4().hex, **limits)
        d = Day(app)
        d.create()
        made.append(d)
        return d
    yield make
    for d in made:
        d.close()
        d.app.extensions["common_ground_db"].dispose()


def people(d) -> int:
    with d.db.reading() as s:
        return s.scalar(select(func.count()).select_from(Participant))


def join_from(d, address, code=None, **body):
    body = {"code": code or d.created["join_code"], "group": "community_member", "language": "en", **body}
    return d.http.post("/api/join", json=body, environ_base={"REMOTE_ADDR": address})


def assert_limited(resp):
    assert resp.status_code == 429, resp.get_json()
    err = resp.get_json()["error"]
    assert err["code"] == "rate_limited" and err["message"]
    assert err["details"]["retryable"] is True and 1 <= err["details"]["retry_after"] <= 600
    assert resp.headers["Retry-After"] == str(err["details"]["retry_after"])


def test_the_code_space_and_the_limit_match_the_documented_arithmetic():
    space = len(rules.JOIN_CODE_ALPHABET) ** rules.JOIN_CODE_LENGTH
    assert space == 32**6 == 1_073_741_824
    limit = ratelimit.DEFAULT_LIMITS["join_failures"]
    per_day = limit.count * 86_400 // limit.seconds
    assert per_day == 2_880
    # With 100 workshops live at once, one address guessing all day finds one with p < 3e-4.
    assert per_day * 100 / space < 3e-4
    assert "2,880" in ratelimit.__doc__ and "1,073,741,824" in ratelimit.__doc__


def test_wrong_codes_from_one_address_are_limited_and_then_even_the_right_code_is_refused(day_with):
    d = day_with(join_failures=(3, 600))
    for guess in ("AAAAAA", "BBBBBB", "CCCCCC"):
        assert join_from(d, "203.0.113.7", code=guess).status_code == 404
    before = people(d)
    # Over the budget: refused before the lookup, so the answer says nothing about the code.
    assert_limited(join_from(d, "203.0.113.7", code="DDDDDD"))
    assert_limited(join_from(d, "203.0.113.7"))
    assert_limited(d.http.get(f"/api/workshops/{d.created['join_code']}", environ_base={"REMOTE_ADDR": "203.0.113.7"}))
    assert people(d) == before
    # Another address is not affected.
    assert join_from(d, "198.51.100.20").status_code == 200


def test_code_lookups_share_the_budget_with_joins(day_with):
    d = day_with(join_failures=(2, 600))
    for guess in ("AAAAAA", "BBBBBB"):
        assert d.http.get(f"/api/workshops/{guess}", environ_base={"REMOTE_ADDR": "203.0.113.8"}).status_code == 404
    assert_limited(join_from(d, "203.0.113.8"))


def test_a_venue_behind_one_address_can_all_join(day_with):
    """Right codes do not count as failures: 60 phones behind one NAT join, with a few typos among them."""
    d = day_with()
    for i in range(60):
        if i % 20 == 0:
            assert join_from(d, "192.0.2.1", code="ZZZZZZ").status_code == 404
        assert join_from(d, "192.0.2.1", name=f"Person {i}").status_code == 200
    assert people(d) == 60


def test_joins_per_address_are_capped(day_with):
    d = day_with(join=(5, 300))
    for i in range(5):
        assert join_from(d, "192.0.2.9").status_code == 200
    before = people(d)
    assert_limited(join_from(d, "192.0.2.9"))
    assert people(d) == before
    assert join_from(d, "192.0.2.10").status_code == 200


def test_ipv6_addresses_count_per_64_and_forwarded_for_needs_a_trusted_proxy(day_with):
    d = day_with(join_failures=(2, 600))
    for host in ("2001:db8:1:2::1", "2001:db8:1:2::ffff"):
        assert join_from(d, host, code="AAAAAA").status_code == 404
    assert_limited(join_from(d, "2001:db8:1:2:abcd::9"))
    assert join_from(d, "2001:db8:1:3::1").status_code == 200
    # Without TRUSTED_PROXY_HOPS a client cannot pick its own address with X-Forwarded-For.
    for _ in range(2):
        d.http.post("/api/join", json={"code": "AAAAAA", "group": "community_member", "language": "en"},
                    environ_base={"REMOTE_ADDR": "203.0.113.50"}, headers={"X-Forwarded-For": "10.9.9.9"})
    assert_limited(d.http.post("/api/join", json={"code": d.created["join_code"], "group": "community_member",
                                                  "language": "en"},
                               environ_base={"REMOTE_ADDR": "203.0.113.50"}, headers={"X-Forwarded-For": "10.1.1.1"}))


def test_behind_a_trusted_proxy_the_forwarded_address_counts(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'p.sqlite3'}", RATE_LIMITING=True, TRUSTED_PROXY_HOPS=1,
                   RATE_LIMITS={"join_failures": (1, 600)})
    try:
        d = Day(app)
        d.create()
        proxy = {"REMOTE_ADDR": "10.0.0.2"}
        body = {"code": "AAAAAA", "group": "community_member", "language": "en"}
        assert d.http.post("/api/join", json=body, environ_base=proxy,
                           headers={"X-Forwarded-For": "spoofed, 203.0.113.1"}).status_code == 404
        ok = {**body, "code": d.created["join_code"]}
        assert_limited(d.http.post("/api/join", json=ok, environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.1"}))
        assert d.http.post("/api/join", json=ok, environ_base=proxy,
                           headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 200
    finally:
        app.extensions["common_ground_db"].dispose()


def test_a_participant_posting_too_fast_is_refused_and_nothing_changes(day_with):
    d = day_with(posts=(3, 60))
    b = Board(d)
    p, other = b.person(0), b.person(0)
    b.phase("brainstorm")
    sent = [p.send("barrier_post", cid=f"post-{i}", text=f"Barrier {i}") for i in range(3)]
    assert all(a["ok"] for a in sent)
    before = b.observe(p)
    err = p.refused("barrier_post", "rate_limited", text="One too many")
    assert err["details"]["retryable"] and 1 <= err["details"]["retry_after"] <= 60
    assert p.refused("solution_post", "rate_limited", barrier_id=1, text="x")
    assert b.observe(p) == before
    # An offline outbox resending a post that was applied still gets its answer.
    again = p.send("barrier_post", cid="post-1", text="Barrier 1")
    assert again["ok"] and again["repeated"] and again["result"] == sent[1]["result"]
    # Someone else in the room is not held back, nor are the person's other commands.
    assert other.ok("barrier_post", text="My first")
    assert p.ok("barrier_withdraw", barrier_id=sent[0]["result"]["barrier"]["id"])
    # The budget is per person, not per connection.
    p2 = d._client(p.token, "participant", participant_id=p.participant_id, room_id=p.room_id)
    p2.refused("barrier_post", "rate_limited", text="From my second device")


def test_a_connection_sending_too_fast_is_refused(day_with):
    d = day_with(messages=(5, 60))
    b = Board(d)  # its own set-up sends nothing yet from these connections
    fac = b.fac
    for _ in range(4):
        fac.ok("timer_set", seconds=60)
    assert fac.sync(None)["ok"]  # a sync counts too (the fifth message)
    before = b.observe(b.org)
    err = fac.refused("timer_set", "rate_limited", seconds=60)
    assert err["details"]["retry_after"] >= 1
    ack = fac.sync(None)
    assert not ack["ok"] and ack["error"]["code"] == "rate_limited"
    assert b.observe(b.org) == before
    assert b.fac_b.ok("timer_set", seconds=60)  # another connection is not affected


def test_limits_are_on_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("RATE_LIMITING", raising=False)
    app = make_app(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    app.config.pop("RATE_LIMITING")
    try:
        assert ratelimit.limiter(app).enabled
        assert isinstance(ratelimit.limiter(app).shared, ratelimit.MemoryBackend)
    finally:
        app.extensions["common_ground_db"].dispose()
    monkeypatch.setenv("RATE_LIMITING", "off")
    app = make_app(f"sqlite:///{tmp_path / 'e.sqlite3'}")
    app.config.pop("RATE_LIMITING")
    try:
        assert not ratelimit.limiter(app).enabled
    finally:
        app.extensions["common_ground_db"].dispose()


# -- several processes: the counters are shared through Redis ----------------------------------

@pytest.fixture
def redis_url():
    try:
        import redis
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001 - no server here
        if IN_CI:
            pytest.fail(f"Redis is required in CI but not reachable at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL


class FakeApp:
    def __init__(self, **config):
        self.config, self.extensions = config, {}


def test_with_redis_every_process_counts_against_the_same_budget(redis_url):
    """Two processes (two limiters, as two apps would build them) share one budget; memory would not."""
    limits = {"join_failures": (3, 60)}
    procs = [FakeApp(REDIS_URL=redis_url, RATE_LIMITS=limits, RATE_LIMITING=True) for _ in range(2)]
    a, b = (ratelimit.limiter(p) for p in procs)
    assert isinstance(a.shared, ratelimit.RedisBackend) and a is not b
    address = f"test-{uuid.uuid4().hex}"
    a.note("join_failures", address)
    b.note("join_failures", address)
    a.note("join_failures", address)
    for limiter in (a, b):
        with pytest.raises(ratelimit.CommandError) as err:
            limiter.check("join_failures", address)
        assert err.value.code == "rate_limited" and 1 <= err.value.details["retry_after"] <= 60
    # Messages per connection stay in the connection's own process.
    assert "messages" in ratelimit.LOCAL_ONLY and isinstance(a.local, ratelimit.MemoryBackend)
    separate = [ratelimit.limiter(FakeApp(RATE_LIMITS=limits, RATE_LIMITING=True)) for _ in range(2)]
    separate[0].note("join_failures", address)
    separate[1].note("join_failures", address)
    separate[0].check("join_failures", address)  # memory: each process counts alone (single-process default)


def test_an_unreachable_redis_lets_people_in_rather_than_locking_the_workshop(caplog):
    limiter = ratelimit.RateLimiter(ratelimit.RedisBackend("redis://127.0.0.1:1/0"),
                                    limits={"join": ratelimit.Limit(1, 60)})
    for _ in range(3):
        limiter.hit("join", "192.0.2.1")
    assert "rate limiter unavailable" in caplog.text


def test_a_burst_waits_for_a_redis_connection_instead_of_failing(redis_url):
    """A connect burst asks from hundreds of green threads at once: redis-py's default pool refuses
    the 101st (MaxConnectionsError) and the limiter then let joins through unchecked; a blocking pool
    of 50 makes the 51st wait for a connection to come back."""
    import threading

    import redis
    backend = ratelimit.RedisBackend(redis_url)
    pool = backend.client.connection_pool
    assert isinstance(pool, redis.BlockingConnectionPool) and pool.max_connections == 50
    held = [pool.get_connection() for _ in range(50)]
    got: list = []
    key = f"test-{uuid.uuid4().hex}"
    waiter = threading.Thread(target=lambda: got.append(backend.add(key, 60, 1)))
    waiter.start()
    waiter.join(0.2)
    assert waiter.is_alive() and got == []  # waiting for a connection, not failed
    pool.release(held.pop())
    waiter.join(5)
    assert got and got[0][0] == 1
    for conn in held:
        pool.release(conn)


def test_two_deployments_on_one_redis_count_apart(redis_url):
    """Two deployments (their own REDIS_CHANNEL) share a Redis server but not their counters: the same
    participant id or address in the other deployment is someone else (issue 18: namespaced keys)."""
    limits = {"join_failures": (2, 60)}
    channel = f"deployment-{uuid.uuid4().hex[:8]}"
    here = ratelimit.limiter(FakeApp(REDIS_URL=redis_url, REDIS_CHANNEL=channel + "-a", RATE_LIMITS=limits,
                                     RATE_LIMITING=True))
    there = ratelimit.limiter(FakeApp(REDIS_URL=redis_url, REDIS_CHANNEL=channel + "-b", RATE_LIMITS=limits,
                                      RATE_LIMITING=True))
    also_here = ratelimit.limiter(FakeApp(REDIS_URL=redis_url, REDIS_CHANNEL=channel + "-a", RATE_LIMITS=limits,
                                          RATE_LIMITING=True))
    address = "participant:7"  # the same id means different people in two deployments
    here.note("join_failures", address)
    here.note("join_failures", address)
    with pytest.raises(ratelimit.CommandError):
        here.check("join_failures", address)
    with pytest.raises(ratelimit.CommandError):
        also_here.check("join_failures", address)  # another process of the same deployment shares it
    there.check("join_failures", address)  # the other deployment's person 7 is not held up
    there.note("join_failures", address)
    there.check("join_failures", address)
