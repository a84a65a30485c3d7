"""A small benchmark run (50 phones, 5 rooms) as a correctness check: every
acknowledged vote is stored once and delivered once. Never asserts timing."""
from __future__ import annotations

import argparse

from server.sim import bench


def test_small_bench_loses_nothing_and_duplicates_nothing():
    args = argparse.Namespace(participants=50, rooms=5, json=True, url=None, processes=1, baseline=False,
                              async_mode="eventlet", database="sqlite", client_processes=1, seed=3, window=4.0,
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
                "acked": 0, "lost": 0, "duplicates": 0}

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
