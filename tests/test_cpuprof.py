"""The bench's CPU-clock sampler (server/sim/cpuprof.py, `bench --cpu-profile DIR`): it samples what
the process itself runs, writes folded stacks on SIGUSR2, and is not there at all without the
environment variable. Counts samples, never asserts timing."""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from server.sim import bench, cpuprof

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="setitimer is Unix only")


def burn_cpu(seconds: float) -> int:
    """Spin until this process has spent `seconds` of CPU (not wall time)."""
    end = time.process_time() + seconds
    n = 0
    while time.process_time() < end:
        n += 1
    return n


def test_the_sampler_records_the_stacks_the_process_runs(tmp_path):
    sampler = cpuprof.Sampler(tmp_path, "here")
    sampler.start()
    burn_cpu(0.3)
    path = sampler.stop()
    assert path == tmp_path / f"here.{os.getpid()}.folded"
    counts = cpuprof.read_folded(path)
    total, rows = cpuprof.shares(counts)
    assert 0.25e6 <= total <= 0.5e6, total  # microseconds of this process's CPU: the 0.3 s burnt
    burner = {f: inc for f, inc, _own in rows}.get("tests/test_cpuprof.py:burn_cpu", 0)
    assert burner > 0.5, rows[:5]
    assert sampler.stop() is None  # stopped once: nothing more to write


def test_the_sampler_ignores_wall_time_the_process_spends_asleep(tmp_path):
    sampler = cpuprof.Sampler(tmp_path, "asleep")
    sampler.start()
    time.sleep(0.3)
    burn_cpu(0.05)
    total, rows = cpuprof.shares(cpuprof.read_folded(sampler.stop()))
    names = {f for f, _inc, _own in rows}
    assert "tests/test_cpuprof.py:burn_cpu" in names
    assert total < 0.2e6, total  # the 0.05 s burnt, not the 0.3 s asleep (a wall clock would count it)


def test_nothing_is_installed_without_the_environment_variable(monkeypatch):
    monkeypatch.delenv(cpuprof.ENV, raising=False)
    before = signal.getsignal(signal.SIGUSR1), signal.getsignal(signal.SIGUSR2)
    assert cpuprof.install_from_env("server") is None
    assert (signal.getsignal(signal.SIGUSR1), signal.getsignal(signal.SIGUSR2)) == before


def test_signals_start_and_stop_a_process_sampler(tmp_path):
    code = ("import sys, time\n"
            "from server.sim import cpuprof\n"
            "assert cpuprof.install_from_env('child')\n"
            "print('ready', flush=True)\n"
            "end = time.monotonic() + 20\n"
            "while time.monotonic() < end:\n"
            "    sum(range(1000))\n")
    env = {**os.environ, cpuprof.ENV: str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        cpuprof.signal_all([proc.pid], signal.SIGUSR1)
        time.sleep(0.5)
        cpuprof.signal_all([proc.pid], signal.SIGUSR2)
        files = cpuprof.wait_written(tmp_path, 1)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    assert [f.name for f in files] == [f"child.{proc.pid}.folded"]
    assert sum(cpuprof.read_folded(files[0]).values()) > 0
    cpuprof.signal_all([proc.pid], signal.SIGUSR2)  # a process that ended is skipped, not an error


def test_shares_count_a_recursive_function_once_per_stack():  # weights: microseconds of CPU
    counts = Counter({"a;b;a": 3, "a;c": 1})
    total, rows = cpuprof.shares(counts)
    table = {f: (inc, own) for f, inc, own in rows}
    assert total == 4
    assert table["a"] == (1.0, 0.75)
    assert table["b"] == (0.75, 0.0)
    assert table["c"] == (0.25, 0.25)


def test_the_summary_reads_a_directory_and_refuses_an_empty_one(tmp_path, capsys):
    assert cpuprof.main([str(tmp_path)]) == 2
    assert "no .folded files" in capsys.readouterr().err
    (tmp_path / "x.1.folded").write_text("m/a.py:f;m/b.py:g 3\nm/a.py:f 1\n")
    assert cpuprof.main([str(tmp_path), "--top", "5"]) == 0
    out = capsys.readouterr().out
    assert "0.00 CPU-s" in out and "m/b.py:g" in out


def test_a_profiled_bench_writes_each_server_and_phone_process(tmp_path):
    args = argparse.Namespace(participants=30, rooms=3, json=True, url=None, processes=1, baseline=False,
                              async_mode="eventlet", database="sqlite", client_processes=1, seed=5, window=2.0,
                              profile=None, cpu_profile=str(tmp_path / "prof"))
    result = bench.run(args)
    assert result["lost"] == 0 and result["duplicates"] == 0, result
    for phase, server_code in (("burst", "server/http.py"), ("storm", "events/commands.py")):
        folder = tmp_path / "prof" / phase
        files = sorted(p.name.split(".")[0] for p in folder.glob("*.folded"))
        assert files[0] == "phones-0", files
        assert files[1].startswith("server-") and len(files) == 2, files
        server = cpuprof.read_folded(next(folder.glob("server-*.folded")))
        assert any(server_code in stack for stack in server), f"no {server_code} frame in the {phase}"
    assert not list((tmp_path / "prof").glob("*.folded"))  # every file is in its phase's folder
