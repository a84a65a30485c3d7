"""A small benchmark run (50 phones, 5 rooms) as a correctness check: every
acknowledged vote is stored once and delivered once; a small national day
(--workshops) likewise, with its storms staggered. Never asserts timing."""
from __future__ import annotations

import argparse
import os
import socket

import pytest

from server.cli import main as cli
from server.sim import bench


def test_small_bench_loses_nothing_and_duplicates_nothing(monkeypatch):
    monkeypatch.setenv("GROUP_COMMIT_WAIT_MS", "7")  # the servers' environment: reported as set
    args = argparse.Namespace(participants=50, rooms=5, json=True, url=None, processes=1, baseline=False,
                              async_mode="eventlet", database="sqlite", client_processes=1, seed=3, window=2.0,
                              profile=None)
    result = bench.run(args)
    assert result["connect"]["connected"] == 50, result
    assert result["expected"] == 150
    assert result["acked"] == result["expected"], result
    assert result["lost"] == 0, result
    assert result["duplicates"] == 0, result
    assert result["stored_votes"] == 150
    assert result["missed_live_deliveries"] == 0, result
    assert result["fanout_ms"]["n"] == 150
    assert result["server"][0]["rss_mb"] > 0 and result["cpu_s"] > 0
    assert result["storm_cpu_ms_per_vote"] == round(result["storm_cpu_s"] * 1000 / 150, 3)
    assert result["client_cpu_s_storm"] > 0
    assert result["storm_cpu_vs_phones"] == round(result["storm_cpu_s"] / result["client_cpu_s_storm"], 3)
    assert set(result["services_cpu_s_storm"]) == {"postgres", "redis"}
    assert "storm_starts" not in result and "stagger_s" not in result  # one burst, one storm: no national day
    assert result["group_commit_wait_ms"] == 7


def test_run_async_works_inside_a_running_event_loop():
    """bench.run may be called where an event loop already runs (a browser driver in the same
    test session): the orchestration then runs on a loop of its own in its own thread."""
    import asyncio
    import concurrent.futures

    async def double(x):
        await asyncio.sleep(0)
        return 2 * x

    async def fails():
        raise ValueError("boom")

    async def caller():
        assert bench.run_async(double, 21) == 42
        try:
            bench.run_async(fails)
        except ValueError as exc:
            return str(exc)
    assert bench.run_async(double, 1) == 2  # with or without a loop running in this thread
    # The caller runs on a loop of its own in a thread: this thread may already have one running
    # (Playwright's sync API keeps its loop running for the whole session in the full suite).
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        assert pool.submit(lambda: asyncio.run(caller())).result() == "boom"


def test_simulated_phones_wait_as_long_as_real_ones():
    """The engine counts a call as unanswered (and resends) after the same wait as web/js/connection.js."""
    import re
    from pathlib import Path

    from server.sim import engine
    js = (Path(__file__).resolve().parent.parent / "web" / "js" / "connection.js").read_text()
    ms = {name: int(v) for name, v in re.findall(r"const (ACK_TIMEOUT_MS|SYNC_TIMEOUT_MS) = (\d+);", js)}
    assert ms == {"ACK_TIMEOUT_MS": engine.CALL_TIMEOUT * 1000, "SYNC_TIMEOUT_MS": engine.SYNC_TIMEOUT * 1000}


def test_cpu_hogs_start_and_stop():
    """`--cpu-hog N`: N busy processes run while the hogs are up and are gone after stop()."""
    import os

    hogs = bench.CpuHogs(2).start()
    try:
        pids = [p.pid for p in hogs.procs]
        assert hogs.alive() == 2
        assert all(os.path.exists(f"/proc/{pid}") for pid in pids)
    finally:
        cpu = hogs.stop()
    assert hogs.alive() == 0 and hogs.procs == []
    assert cpu >= 0
    for pid in pids:  # reaped: no process (nor zombie) left with these ids from us
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        else:
            raise AssertionError(f"hog {pid} still a child of this process")
    assert bench.CpuHogs(0).start().alive() == 0


def test_the_services_cpu_is_read_by_process_name(monkeypatch):
    """services_cpu() sums the CPU of every process with a service's name (here: a busy hog's),
    and gives 0.0 for a service with no process on this machine."""
    import time

    hogs = bench.CpuHogs(1).start()
    try:
        with open(f"/proc/{hogs.procs[0].pid}/comm") as fh:
            comm = fh.read().strip()
        monkeypatch.setattr(bench, "SERVICES", {"hog": comm, "none": "no-such-process"})
        before = bench.services_cpu()
        time.sleep(0.5)
        after = bench.services_cpu()
    finally:
        hogs.stop()
    assert set(after) == {"hog", "none"}
    assert after["hog"] > before["hog"]
    assert after["none"] == before["none"] == 0.0


def test_bench_runs_the_hogs_beside_the_server_and_the_baseline(monkeypatch, tmp_path):
    """The hogs are up for the app's run and the baseline's alike, stopped after, and `cpu_hog`
    is in the JSON (bench.run with the servers and the phones replaced; no timing)."""
    seen = []

    class FakeServers:
        def __init__(self, processes, database, async_mode, tmp, baseline=False, **_options):
            self.urls, self.baseline = ["http://127.0.0.1:1"], baseline

        def wait_ready(self):
            pass

        def create_workshop(self, rooms):
            return {"rooms": rooms}

        def stop(self):
            pass

    hogs_made = []
    real_hogs = bench.CpuHogs

    def hogs(n):
        hogs_made.append(real_hogs(n))
        return hogs_made[-1]

    def orchestrate(fn, args, urls, wss, baseline, servers):
        seen.append((baseline, hogs_made[0].alive()))
        return {"fanout_ms": {"p50": 1.0, "p99": 2.0}, "fanout_live_ms": {}, "connect": {}, "missed_live_deliveries": 0,
                "acked": 0, "lost": 0, "duplicates": 0, "storm_cpu_s": 0.3 if baseline else 0.5,
                "storm_cpu_ms_per_vote": 0.1 if baseline else 0.2}

    monkeypatch.setattr(bench, "Servers", FakeServers)
    monkeypatch.setattr(bench, "CpuHogs", hogs)
    monkeypatch.setattr(bench, "run_async", orchestrate)
    args = argparse.Namespace(participants=10, rooms=1, json=True, url=None, processes=1, baseline=True,
                              async_mode="eventlet", database="sqlite", client_processes=1, seed=3, window=4.0,
                              profile=None, cpu_hog=2)
    out = bench.run(args)
    assert seen == [(False, 2), (True, 2)]
    assert hogs_made[0].alive() == 0 and hogs_made[0].procs == []
    assert out["cpu_hog"] == 2 and out["cpu_hog_cpu_s"] >= 0
    # the bare server's storm CPU beside the app's: the sockets' floor
    assert (out["storm_cpu_s"], out["baseline_storm_cpu_s"]) == (0.5, 0.3)
    assert (out["storm_cpu_ms_per_vote"], out["baseline_storm_cpu_ms_per_vote"]) == (0.2, 0.1)


# -- a national day (--workshops): each workshop's joins and vote at its own offset -----------------

def _day_args(**options) -> argparse.Namespace:
    base = {"participants": 60, "rooms": None, "json": True, "url": None, "processes": 1, "baseline": False,
            "async_mode": "eventlet", "database": None, "client_processes": 1, "seed": 3, "window": 3.0,
            "profile": None, "cpu_hog": 0, "workshops": 3, "stagger": 6.0}
    return argparse.Namespace(**{**base, **options})


def _assert_a_staggered_day(result: dict, workshops: int, phones: int, stagger: float) -> None:
    """Every vote acknowledged and stored once, and each workshop's storm began at its own offset."""
    assert result["workshops"] == workshops and result["stagger_s"] == stagger, result
    assert result["connect"]["connected"] == phones, result
    assert result["expected"] == phones * bench.BUDGET
    assert result["acked"] == result["expected"], result
    assert result["lost"] == 0 and result["duplicates"] == 0, result
    assert result["stored_votes"] == result["expected"], result
    offsets, starts, opened = result["storm_offsets"], result["storm_starts"], result["vote_opened"]
    assert len(offsets) == len(starts) == len(opened) == workshops, result
    assert offsets == sorted(offsets) and offsets[0] >= 0 and offsets[-1] < stagger, offsets
    for w in range(workshops):
        # its organiser opened the vote at its offset, and its phones voted only then
        assert opened[w] >= offsets[w] and starts[w] >= offsets[w], (w, result)
        if w:  # staggered: it began after the previous workshop's offset, not in one storm
            assert starts[w] > offsets[w - 1], (w, result)
    p99s = result["fanout_p99_by_workshop_ms"]
    assert len(p99s) == workshops and None not in p99s, result
    assert result["fanout_p99_by_workshop_max_ms"] == max(p99s)
    assert 1 <= result["storms_at_once_max"] <= workshops


def test_a_small_national_day_staggers_the_storms_and_loses_nothing():
    """--workshops 3 --participants 60 --stagger 3 --window 1.5 --baseline: 6 rooms (participants / 10),
    2 per workshop; each organiser opens its vote at its own offset and its phones storm from then.
    The bare server gets the same staggered storm (it has no phases: from each offset)."""
    result = bench.run(_day_args(baseline=True, stagger=3.0, window=1.5))
    assert result["rooms"] == 6 and result["rooms_by_workshop"] == [2, 2, 2], result
    _assert_a_staggered_day(result, workshops=3, phones=60, stagger=3.0)
    assert result["missed_live_deliveries"] == 0, result
    assert result["baseline_acked"] == 180, result
    assert result["baseline_missed_live_deliveries"] == 0, result  # the voter's tally comes with its my_votes
    offsets, starts = result["storm_offsets"], result["baseline_storm_starts"]
    assert all(start >= offset for start, offset in zip(starts, offsets)), result
    assert result["baseline_fanout_p99_by_workshop_max_ms"] is not None, result


def test_a_national_day_is_laid_out_from_the_arguments():
    """Defaults (rooms = participants / 10, a 60 s stagger) and the offsets: one per workshop, in
    order, within the stagger, the same for the same --seed."""
    args = _day_args(participants=3200, workshops=40, stagger=None, seed=1)
    day = bench.day_plan(args)
    assert args.rooms == 320 and day.rooms == [8] * 40
    assert day.stagger == args.stagger == bench.DEFAULT_STAGGER_SECS
    assert day.offsets == sorted(day.offsets) and len(set(day.offsets)) == 40
    assert all(60 * w / 40 <= o < 60 * (w + 1) / 40 for w, o in enumerate(day.offsets))
    assert bench.day_plan(_day_args(participants=3200, workshops=40, stagger=None, seed=1)).offsets == day.offsets
    assert bench.day_plan(_day_args(participants=3200, workshops=40, stagger=None, seed=2)).offsets != day.offsets
    assert bench.day_plan(_day_args(participants=100, rooms=7, workshops=3)).rooms == [3, 2, 2]
    assert bench.day_plan(_day_args(workshops=1, stagger=None)).stagger == 0.0
    assert bench.day_plan(_day_args(workshops=None, stagger=None)) is None  # one burst, one storm


@pytest.mark.parametrize(("argv", "says"), [
    (["--workshops", "10", "--participants", "50"], "needs at least one room per workshop, but there are 5 rooms"),
    (["--workshops", "2", "--participants", "2000", "--rooms", "120"], "give --workshops 3 or more"),
    (["--workshops", "3", "--participants", "30", "--rooms", "9"], "every room needs at least 4 phones"),
    (["--workshops", "0"], "--workshops must be 1 or more"),
    (["--workshops", "2", "--stagger", "-1"], "--stagger must be 0 or more seconds"),
    (["--stagger", "30"], "--stagger is used only with --workshops"),
])
def test_a_national_day_that_cannot_be_laid_out_is_refused(argv, says, capsys, monkeypatch):
    """Refused by the command line (exit 2, the reason on stderr) before any server starts."""
    monkeypatch.setattr(bench, "run", lambda args: pytest.fail("a refused national day must not run"))
    with pytest.raises(SystemExit) as refused:
        cli(["bench", *argv])
    assert refused.value.code == 2
    assert says in capsys.readouterr().err


def _pg_and_redis_or_skip() -> None:
    """The machine's PostgreSQL (bench.PG_ADMIN) and Redis (bench.REDIS); a skip without them,
    a failure with CI=true (as tests/conftest.py does)."""
    import pg8000.native
    user, hostport = bench.PG_ADMIN.split("@")
    host, port = hostport.split(":")
    redis = bench.REDIS.split("://", 1)[1].split("/", 1)[0]
    try:
        pg8000.native.Connection(user, host=host, port=int(port), database="postgres", timeout=5).close()
        with socket.create_connection((redis.split(":")[0], int(redis.split(":")[1])), timeout=2) as s:
            s.sendall(b"PING\r\n")
            assert s.recv(16).startswith(b"+PONG")
    except Exception as exc:  # noqa: BLE001 - any failure means "not here"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL and Redis are required in CI: {exc}")
        pytest.skip(f"PostgreSQL at {bench.PG_ADMIN} or Redis at {bench.REDIS} not reachable: {exc}")


@pytest.mark.postgres
@pytest.mark.redis
def test_a_small_national_day_on_two_processes_loses_nothing():
    """The same on two server processes (PostgreSQL, Redis): phones of one workshop are on both."""
    _pg_and_redis_or_skip()
    result = bench.run(_day_args(participants=40, workshops=2, stagger=2.0, window=1.5, processes=2))
    assert result["database"] == "postgres" and result["server_processes"] == 2, result
    _assert_a_staggered_day(result, workshops=2, phones=40, stagger=2.0)


def test_a_phone_waits_and_sends_again_when_the_server_sheds_load():
    """A `rate_limited` answer with retry_after is not the vote's last word: the simulated phone waits
    and resends with the same cid, as web/js/outbox.js does; other refusals are final."""
    from server.sim.bench import _retry_after
    busy = {"ok": False, "error": {"code": "rate_limited", "message": "busy",
                                   "details": {"retry_after": 2, "retryable": True}}}
    assert _retry_after(busy) == 2.0
    assert _retry_after({"ok": False, "error": {"code": "rate_limited", "details": {"retryable": False}}}) is None
    assert _retry_after({"ok": False, "error": {"code": "budget_spent", "details": {"budget": 3}}}) is None
    assert _retry_after({"ok": True, "result": {"seq": 4}}) is None


def test_the_bench_knows_how_many_rooms_a_workshop_may_have():
    from server.domain.rules import MAX_ROOMS
    from server.sim.bench import MAX_ROOMS_PER_WORKSHOP
    assert MAX_ROOMS_PER_WORKSHOP == MAX_ROOMS


def test_a_vote_refused_busy_after_an_unanswered_send_may_be_stored_once():
    """The bench's duplicate count: a vote the phone stopped resending while the server shed load
    (or never heard about) may have been committed by an earlier send; found in the voter's snapshot
    it is stored once (stored_unanswered), not applied twice. A final refusal is never stored."""
    from server.sim.bench import _may_be_stored
    busy = {"code": "rate_limited", "message": "busy", "details": {"retry_after": 2, "retryable": True}}
    assert _may_be_stored({"ok": False, "error": {"code": "no_ack"}})
    assert _may_be_stored({"ok": False, "error": busy})
    assert not _may_be_stored({"ok": True, "error": None})
    assert not _may_be_stored({"ok": False, "error": {"code": "budget_spent", "details": {"budget": 3}}})
    assert not _may_be_stored({"ok": False, "error": {"code": "rate_limited", "details": {"retryable": False}}})
