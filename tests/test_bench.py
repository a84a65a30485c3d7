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
