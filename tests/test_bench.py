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
