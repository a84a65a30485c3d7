"""PostgreSQL under eventlet: a slow query for one workshop does not hold up another
workshop's clients, and one phone's commands are applied in the order it sent them."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from tests.live_server import ROOT, LiveServer

from .conftest import make_workshop, pg_connect, report
from .phones import Screen, join, token, wait_until


@pytest.fixture(scope="module")
def server(tmp_path_factory, pg_url):
    s = LiveServer(tmp_path_factory.mktemp("pg"), env={"DATABASE_URL": pg_url})
    yield s
    s.stop()


def test_serve_monkey_patches_before_the_driver_is_imported():
    """`common-ground serve` calls eventlet.monkey_patch() before importing the app; nothing
    that opens sockets (pg8000, redis, SQLAlchemy, Socket.IO) may be loaded before that."""
    probe = ("import sys, server.cli; "
             "print(','.join(m for m in ('pg8000', 'psycopg2', 'sqlalchemy', 'redis', 'socketio', 'flask', 'eventlet') "
             "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "", f"imported before serve() could monkey-patch: {out.stdout}"
    source = (ROOT / "server" / "cli.py").read_text()
    serve = source[source.index("def serve("):]
    assert serve.index("eventlet.monkey_patch()") < serve.index("from . import create_app")


def test_a_slow_query_for_one_workshop_does_not_delay_another(server, pg_url):
    """Another database session holds workshop A's row lock, so A's command waits inside
    PostgreSQL (a slow query). Meanwhile workshop B's command is applied and B's screens
    get its event: the event arrives *before* A's command returns."""
    a, b = make_workshop(pg_url, server.url, title="A", rooms=1), make_workshop(pg_url, server.url, title="B", rooms=1)
    fac_a = Screen(server.url, token(a["facilitator_urls"][0]), "A facilitator")
    fac_b = Screen(server.url, token(b["facilitator_urls"][0]), "B facilitator")
    phone_b = Screen(server.url, join(server.url, b["join_code"], "community_member")["token"], "B phone")
    order: list[str] = []
    a_done = threading.Event()
    locker = pg_connect(pg_url)
    try:
        locker.run("BEGIN")
        locker.run("SELECT id FROM workshops WHERE id = :id FOR UPDATE", id=a["workshop_id"])

        def on_ack(ack):
            order.append(f"A ack ok={ack['ok']}")
            a_done.set()

        fac_a.sio.emit("phase_advance", {"cid": "slow-a", "from_phase": "lobby"}, callback=on_ack)
        time.sleep(0.5)  # A's command is now waiting on the lock inside PostgreSQL
        assert not a_done.is_set(), "A's command should be waiting for the row lock"
        started = time.monotonic()
        fac_b.ok("phase_advance", from_phase="lobby")
        wait_until(lambda: phone_b.state["rooms"][str(phone_b.state["me"]["room_id"])]["phase"] == "brainstorm",
                   "B's phone gets B's phase change")
        order.append("B event")
        b_secs = time.monotonic() - started
        assert not a_done.is_set(), "A's slow command must still be waiting"
    finally:
        locker.run("ROLLBACK")
        locker.close()
    assert a_done.wait(10), "A's command completes once the lock is released"
    report("slow query isolation", order=" < ".join(order), b_event_secs=b_secs)
    assert order == ["B event", "A ack ok=True"]
    for s in (fac_a, fac_b, phone_b):
        s.close()


def test_one_phones_commands_are_applied_in_the_order_sent(server, pg_url):
    """A phone sends ten posts back to back without waiting for acks while the workshop
    row is locked, so they all queue up; they are applied in the order sent."""
    w = make_workshop(pg_url, server.url, rooms=1)
    fac = Screen(server.url, token(w["facilitator_urls"][0]), "facilitator")
    fac.ok("phase_advance", from_phase="lobby")  # brainstorm
    phone = Screen(server.url, join(server.url, w["join_code"], "law_enforcement")["token"], "phone")
    other = Screen(server.url, join(server.url, w["join_code"], "community_member")["token"], "other phone")
    acks: dict[int, dict] = {}
    all_acked = threading.Event()
    n = 10

    def acker(i):
        def cb(ack):
            acks[i] = ack
            if len(acks) == n:
                all_acked.set()
        return cb

    locker = pg_connect(pg_url)
    try:
        locker.run("BEGIN")
        locker.run("SELECT id FROM workshops WHERE id = :id FOR UPDATE", id=w["workshop_id"])
        for i in range(n):
            phone.sio.emit("barrier_post", {"cid": f"post-{i}", "text": f"post {i}"}, callback=acker(i))
            other.sio.emit("barrier_post", {"cid": f"other-{i}", "text": f"other {i}"})
        time.sleep(0.5)
    finally:
        locker.run("ROLLBACK")
        locker.close()
    assert all_acked.wait(20), f"only {len(acks)} of {n} acks"
    assert all(a["ok"] for a in acks.values()), acks
    seqs = [acks[i]["result"]["seq"] for i in range(n)]
    ids = [acks[i]["result"]["barrier"]["id"] for i in range(n)]
    report("per-phone order", seqs=seqs)
    assert seqs == sorted(seqs) and ids == sorted(ids), "applied in the order sent"
    for s in (fac, phone, other):
        s.close()
