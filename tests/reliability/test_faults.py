"""Faults, each bounded in time: a server killed with SIGKILL during a vote storm, Redis
restarted mid-session, PostgreSQL restarted mid-session. Each prints what was
acknowledged, what was found afterwards and how long screens took to converge; the
assertions are about correctness only."""
from __future__ import annotations

import threading
import time
import uuid

import pytest

from .conftest import _databases, create_database, drop_database, make_workshop, pg_connect, report
from .phones import Screen, differences, join, token, wait_until

STORM_PHONES = 10
STORM_COMMANDS = 8  # per phone: vote_cast / vote_withdraw alternately

# Killing servers and databases breaks the test clients' sockets mid-use; python-socketio /
# pg8000 leave some to the garbage collector. Those are the simulated phones' sockets in this
# test process (the servers are other processes), so their ResourceWarnings are not errors here.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def _storm(phone: Screen, barrier_id: int, acked: list, errors: list, pause: threading.Event):
    try:
        for k in range(STORM_COMMANDS):
            name = "vote_cast" if k % 2 == 0 else "vote_withdraw"
            cid = f"{phone.name}-{k}-{uuid.uuid4().hex[:6]}"
            ack = phone.call(name, cid=cid, deadline_secs=45, target_type="barrier", target_id=barrier_id)
            if not ack["ok"]:
                errors.append((phone.name, name, ack))
                return
            acked.append((phone.name, cid, ack["repeated"]))
            if k == 2:
                pause.wait(10)
    except Exception as exc:  # noqa: BLE001
        errors.append((phone.name, repr(exc)))


# Known intermittent in the full suite (2 of 4 runs on 2026-12-01, never alone): a few phones of the
# killed process stayed stale. The harness's sync did not retry after an unanswered sync (the JS client
# does); that is fixed, and the test passed 5 of 5 since, alone and under load. One rerun stays until the
# full suite has shown it passes first time; a rerun shows as "R" in the CI log (docs/reliability.md).
@pytest.mark.flaky(reruns=1)
def test_kill_9_during_a_vote_storm(fleet, pg_url, redis_env):
    a, b = fleet.start(2, {"DATABASE_URL": pg_url, **redis_env})
    urls = [a.url, b.url]
    w = make_workshop(pg_url, a.url, rooms=1, budget=3)
    fac = Screen([b.url, a.url], token(w["facilitator_urls"][0]), "facilitator")
    fac.ok("phase_advance", from_phase="lobby")  # brainstorm
    phones = []
    for i in range(STORM_PHONES):
        first = urls[i % 2]
        j = join(first, w["join_code"], "community_member")
        phones.append(Screen([first] + [u for u in urls if u != first], j["token"], f"phone{i}"))
    barrier_id = phones[0].ok("barrier_post", text="Stops are not explained")["barrier"]["id"]
    fac.ok("phase_advance", from_phase="brainstorm")  # reveal
    fac.ok("phase_advance", from_phase="reveal")  # vote
    screens = [fac, *phones]

    acked, errors = [], []
    pause = threading.Event()
    threads = [threading.Thread(target=_storm, args=(p, barrier_id, acked, errors, pause)) for p in phones]
    for t in threads:
        t.start()
    time.sleep(0.3)
    a.kill()  # SIGKILL mid-storm: no clean shutdown, half the phones lose their server
    killed_at = time.monotonic()
    pause.set()
    a.start()  # and it comes back
    for t in threads:
        t.join(90)
    assert not errors, errors
    took = wait_until(lambda: all(s.converged() for s in screens), "every screen equals a fresh snapshot",
                      timeout=45, explain=lambda: differences(screens))

    conn = pg_connect(pg_url)
    try:
        cids = [c for _, c, _ in acked]
        found = conn.run("SELECT client_id, count(*) FROM command_records WHERE workshop_id = :w "
                         "AND client_id = ANY(:c) GROUP BY client_id", w=w["workshop_id"], c=cids)
        votes = conn.run("SELECT count(*) FROM votes WHERE target_id = :b", b=barrier_id)[0][0] \
            if _has_votes_table(conn) else None
        seqs = [r[0] for r in conn.run("SELECT seq FROM events WHERE workshop_id = :w ORDER BY seq",
                                       w=w["workshop_id"])]
    finally:
        conn.close()
    moved = sum(1 for p in phones if p.stats["connects"] > 1)
    report("kill -9 during a vote storm", acknowledged=len(acked), found=len(found),
           repeated_acks=sum(1 for *_, r in acked if r), phones_moved=moved,
           converge_secs=time.monotonic() - killed_at, final_wait_secs=took)
    assert len(acked) == STORM_PHONES * STORM_COMMANDS
    assert len(found) == len(acked) and all(n == 1 for _, n in found), "every acknowledged command, once"
    assert seqs == list(range(1, len(seqs) + 1)), "sequence numbers gap-free"
    # Each phone ended on a withdraw: no dot left, so nothing was applied twice.
    assert fac.state["barriers"][str(barrier_id)]["votes"] == 0
    if votes is not None:
        assert votes == 0
    assert moved >= 1
    for s in screens:
        s.close()


def _has_votes_table(conn) -> bool:
    return bool(conn.run("SELECT 1 FROM information_schema.columns WHERE table_name = 'votes' "
                         "AND column_name = 'target_id'"))


def test_redis_restart_mid_session(fleet, pg_url, own_redis):
    """Our own redis-server (never the machine's) is killed and started again. Commands
    go on meanwhile; each process reports its listener down on /healthz; after Redis is
    back, the processes subscribe again, tell their clients to resync, screens converge."""
    env = {"DATABASE_URL": pg_url, "REDIS_URL": own_redis.url, "REDIS_CHANNEL": f"cg-{uuid.uuid4().hex[:8]}"}
    a, b = fleet.start(2, env)
    w = make_workshop(pg_url, a.url, rooms=1)
    fac = Screen(a.url, token(w["facilitator_urls"][0]), "facilitator@A")
    display = Screen(b.url, token(w["display_url"]), "display@B")
    phones = [Screen((a, b)[i % 2].url, join((a, b)[i % 2].url, w["join_code"], "community_member")["token"],
                     f"phone{i}@{'AB'[i % 2]}") for i in range(4)]
    screens = [fac, display, *phones]
    fac.ok("phase_advance", from_phase="lobby")
    fac.ok("phase_advance", from_phase="brainstorm")  # reveal

    own_redis.kill()
    down_at = time.monotonic()
    acked = []
    for p in phones:
        acked.append(p.ok("barrier_post", text=f"while Redis is down, {p.name}")["seq"])
    wait_until(lambda: all(s.healthz()[0] == 503 for s in (a, b)), "/healthz reports the listener down", 15)
    status, body = b.healthz()
    reason = body.get("reason", "")
    own_redis.start()
    took = wait_until(lambda: all(s.converged() for s in screens), "screens converge after Redis is back",
                      timeout=45, explain=lambda: differences(screens))
    wait_until(lambda: all(s.healthz()[0] == 200 for s in (a, b)), "/healthz is 200 again", 15)
    health = b.healthz()[1]["listener"]
    report("Redis restart", acknowledged=len(acked), found=sum(len(p.state["barriers"]) for p in phones[:1]),
           healthz_during=f"{status} ({reason[:60]})", resync_notices=sum(s.stats["resync_notices"] for s in screens),
           reconnects=health.get("reconnects"), converge_secs=time.monotonic() - down_at, final_wait_secs=took)
    assert status == 503 and body["listener"]["ok"] is False
    assert all(len(p.state["barriers"]) == len(phones) for p in phones), "every post seen on both processes"
    for s in screens:
        s.close()


def test_postgres_restart_mid_session(fleet, pg_cluster):
    """Our own PostgreSQL cluster is stopped and started again under a running server:
    commands in between get a retryable `server_error` (nothing committed), /healthz is
    503, and after the restart the same commands (same cid) go through exactly once."""
    name, url = create_database(host="127.0.0.1", port=pg_cluster.port, user="postgres", prefix="cg_restart")
    (server,) = fleet.start(1, {"DATABASE_URL": url})
    w = make_workshop(url, server.url, rooms=1)
    _databases.pop(url).dispose()  # the test's own pool must not hold sockets the stop will break
    fac = Screen(server.url, token(w["facilitator_urls"][0]), "facilitator")
    phones = [Screen(server.url, join(server.url, w["join_code"], "community_member")["token"], f"phone{i}")
              for i in range(3)]
    screens = [fac, *phones]
    fac.ok("phase_advance", from_phase="lobby")
    fac.ok("phase_advance", from_phase="brainstorm")

    pg_cluster.stop("immediate")
    down_at = time.monotonic()
    refused = []
    cids = {p.name: uuid.uuid4().hex for p in phones}
    for p in phones:
        ack = p.sio.call("barrier_post", {"cid": cids[p.name], "text": f"during the restart, {p.name}"}, timeout=30)
        refused.append(ack)
    sync_ack = phones[0].sio.call("sync", {"since": 0}, timeout=30)
    health = server.healthz()
    pg_cluster.start()
    acked = [p.call("barrier_post", cid=cids[p.name], text=f"during the restart, {p.name}") for p in phones]
    took = wait_until(lambda: all(s.converged() for s in screens), "screens converge after PostgreSQL is back",
                      timeout=45, explain=lambda: differences(screens))
    conn = pg_connect(url)
    try:
        found = conn.run("SELECT count(*) FROM command_records WHERE client_id = ANY(:c)", c=list(cids.values()))[0][0]
    finally:
        conn.close()
    report("PostgreSQL restart", refused_while_down=[a["error"]["code"] for a in refused],
           acknowledged=sum(1 for a in acked if a["ok"]), found=found, healthz_during=health[0],
           converge_secs=time.monotonic() - down_at, final_wait_secs=took)
    assert all(not a["ok"] and a["error"]["code"] == "server_error" and a["error"]["details"]["retryable"]
               for a in refused), refused
    assert not sync_ack["ok"] and sync_ack["error"]["code"] == "server_error"
    assert health[0] == 503
    assert all(a["ok"] for a in acked) and found == len(phones)
    assert all(len(p.state["barriers"]) == len(phones) for p in phones)
    for s in screens:
        s.close()
    server.stop()
    drop_database(name, host="127.0.0.1", port=pg_cluster.port, user="postgres")
