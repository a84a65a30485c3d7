"""Several processes sharing PostgreSQL and Redis, directly and behind nginx
(deploy/nginx/common-ground.conf, run as a non-daemon child on a free port)."""
from __future__ import annotations

import re
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.live_server import ROOT, _free_port

from .conftest import make_workshop, nginx_binary, pg_connect, port_open, report
from .phones import Screen, differences, join, token, wait_until

NGINX_CONF = ROOT / "deploy" / "nginx" / "common-ground.conf"

# Killing servers and databases breaks the test clients' sockets mid-use; python-socketio /
# pg8000 leave some to the garbage collector. Those are the simulated phones' sockets in this
# test process (the servers are other processes), so their ResourceWarnings are not errors here.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def event_seqs(pg_url: str, workshop_id: str) -> list[int]:
    conn = pg_connect(pg_url)
    try:
        return [r[0] for r in conn.run("SELECT seq FROM events WHERE workshop_id = :w ORDER BY seq", w=workshop_id)]
    finally:
        conn.close()


def test_processes_share_a_room_and_seq_stays_gap_free(fleet, pg_url, redis_env):
    """Phones of one room on two processes see each other's changes; commands sent
    concurrently on both processes get gap-free, ordered sequence numbers."""
    a, b = fleet.start(2, {"DATABASE_URL": pg_url, **redis_env})
    w = make_workshop(pg_url, a.url, rooms=1, budget=3)
    fac = Screen(a.url, token(w["facilitator_urls"][0]), "facilitator@A")
    display = Screen(b.url, token(w["display_url"]), "display@B")
    phones = []
    for i in range(6):
        server = (a, b)[i % 2]
        j = join(server.url, w["join_code"], ["law_enforcement", "community_member"][i % 2])
        phones.append(Screen(server.url, j["token"], f"phone{i}@{'AB'[i % 2]}"))
    screens = [fac, display, *phones]
    fac.ok("phase_advance", from_phase="lobby")  # brainstorm

    errors = []

    def post(phone, n):
        try:
            for k in range(n):
                phone.ok("barrier_post", text=f"{phone.name} says {k}")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(p, 4)) for p in phones]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    fac.ok("phase_advance", from_phase="brainstorm")  # reveal: everyone sees every post
    took = wait_until(lambda: all(s.converged() for s in screens), "every screen equals a fresh snapshot",
                      explain=lambda: differences(screens))
    seqs = event_seqs(pg_url, w["workshop_id"])
    report("two processes, one room", commands=len(phones) * 4, events=len(seqs), converge_secs=took,
           late_events=sum(s.stats["late_events"] for s in screens))
    assert seqs == list(range(1, len(seqs) + 1)), "gap-free and unique"
    for p in phones:
        assert len(p.state["barriers"]) == len(phones) * 4, "each phone sees the posts from both processes"
    for s in screens:
        s.close()


def test_a_commands_events_cross_to_the_other_process_as_one_message(fleet, pg_url, redis_env):
    """A vote makes three or four events (tally, my_votes, room_stats, vote_progress); they reach
    the other process's screens as ONE message on the Redis channel (events/broadcast.py), not one
    per event, and arrive there in order."""
    import json

    import redis
    a, b = fleet.start(2, {"DATABASE_URL": pg_url, **redis_env})
    w = make_workshop(pg_url, a.url, rooms=1, budget=3)
    fac = Screen(a.url, token(w["facilitator_urls"][0]), "facilitator@A")
    voter = Screen(a.url, join(a.url, w["join_code"], "community_member")["token"], "voter@A")
    other = Screen(b.url, join(b.url, w["join_code"], "law_enforcement")["token"], "phone@B")
    display = Screen(b.url, token(w["display_url"]), "display@B")
    fac.ok("phase_advance", from_phase="lobby")
    barrier = voter.ok("barrier_post", text="Nobody explains stops")["barrier"]["id"]
    fac.ok("phase_advance", from_phase="brainstorm")
    fac.ok("phase_advance", from_phase="reveal")  # the vote
    wait_until(lambda: all(s.converged() for s in (fac, voter, other, display)), "screens settled",
               explain=lambda: differences([fac, voter, other, display]))
    listener = redis.Redis.from_url(redis_env["REDIS_URL"]).pubsub()
    listener.subscribe(redis_env["REDIS_CHANNEL"])
    assert listener.get_message(timeout=5)["type"] == "subscribe"
    seq = voter.ok("vote_cast", target_type="barrier", target_id=barrier)["seq"]
    messages = []
    while (m := listener.get_message(timeout=2)) is not None:
        if m["type"] == "message":
            messages.append(json.loads(m["data"]))
    listener.close()
    assert len(messages) == 1, [m.get("method") for m in messages]
    items = messages[0]["cg_events"]["items"]
    types = [data["type"] for data, _rooms in items]
    assert types[:3] == ["tally", "my_votes", "room_stats"] and len(types) in (3, 4)
    assert [data["seq"] for data, _rooms in items] == list(range(seq - len(items) + 1, seq + 1))
    wait_until(lambda: other.converged() and display.converged(), "process B's screens have the vote",
               explain=lambda: differences([other, display]))
    for s in (fac, voter, other, display):
        s.close()


# -- nginx ---------------------------------------------------------------------------------

class Nginx:
    def __init__(self, root: Path, upstreams: list[int]):
        self.root = root
        self.port = _free_port()
        for d in ("logs", "tmp", "conf"):
            (root / d).mkdir(parents=True, exist_ok=True)
        site = NGINX_CONF.read_text()
        site = site.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        site = site.replace("server 127.0.0.1:5001", f"server 127.0.0.1:{upstreams[0]}")
        site = site.replace("server 127.0.0.1:5002", f"server 127.0.0.1:{upstreams[1]}")
        self.access_log = root / "logs" / "access.log"
        site = site.replace("/var/log/nginx/common-ground.access.log", str(self.access_log))
        (root / "conf" / "common-ground.conf").write_text(site)
        tmp = root / "tmp"
        (root / "conf" / "nginx.conf").write_text(f"""
worker_processes 1;
daemon off;
pid {root / 'nginx.pid'};
error_log {root / 'logs' / 'error.log'} warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {root / 'conf' / 'common-ground.conf'};
}}
""")
        cmd = [nginx_binary(), "-p", str(root), "-c", str(root / "conf" / "nginx.conf"), "-e",
               str(root / "logs" / "error.log")]
        check = subprocess.run(cmd + ["-t"], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not port_open(self.port):
            assert self.proc.poll() is None and time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
        self.url = f"http://127.0.0.1:{self.port}"

    def routes(self) -> dict[str, set[str]]:
        """socket.io requests in the access log: route cookie -> upstreams that served it."""
        out: dict[str, set[str]] = {}
        for line in self.access_log.read_text().splitlines():
            m = re.search(r'"GET /socket\.io/.*" (\d+) route=(\S+) upstream=(\S+)', line)
            if m and m.group(1) in ("101", "200"):
                out.setdefault(m.group(2), set()).add(m.group(3))
        return out

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def test_nginx_sticky_sessions_and_failover(fleet, pg_url, redis_env, tmp_path):
    """Through nginx with polling first (the transport that needs stickiness): screens
    spread over both processes, each screen's requests reach one process; when that
    process is killed its screens come back through nginx on the other and resync."""
    nginx_binary()
    a, b = fleet.start(2, {"DATABASE_URL": pg_url, **redis_env})
    proxy = Nginx(tmp_path / "nginx", [a.port, b.port])
    try:
        w = make_workshop(pg_url, proxy.url, rooms=1, budget=3)
        transports = ["polling", "websocket"]
        fac = Screen(proxy.url, token(w["facilitator_urls"][0]), "facilitator", transports=transports)
        phones = [Screen(proxy.url, join(proxy.url, w["join_code"], "community_member")["token"], f"phone{i}",
                         transports=transports) for i in range(8)]
        screens = [fac, *phones]
        fac.ok("phase_advance", from_phase="lobby")
        fac.ok("phase_advance", from_phase="brainstorm")  # reveal: posts are visible to the room at once
        for p in phones:
            p.ok("barrier_post", text=f"before, from {p.name}")
        wait_until(lambda: all(s.converged() for s in screens), "screens converge behind nginx",
                   explain=lambda: differences(screens))
        routes = proxy.routes()
        assert routes and all(len(ups) == 1 for ups in routes.values()), f"not sticky: {routes}"
        used = set().union(*routes.values())
        assert len(used) == 2, f"screens should spread over both processes: {routes}"

        a.kill()
        started = time.monotonic()
        for p in phones:
            p.ok("barrier_post", text=f"after, from {p.name}")
        took = wait_until(lambda: all(s.converged() for s in screens), "screens converge after a process died",
                          explain=lambda: differences(screens))
        moved = sum(1 for s in screens if s.stats["connects"] > 1)
        report("nginx failover", processes_used=len(used), screens_moved=moved,
               converge_secs=time.monotonic() - started, wait_secs=took)
        assert moved >= 1, "some screens were on the killed process"
        assert all(len(p.state["barriers"]) == 2 * len(phones) for p in phones)
        for s in screens:
            s.close()
    finally:
        proxy.stop()
