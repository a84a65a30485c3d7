"""The benchmark figure (server/sim/plot.py): a group per result, labelled from the result."""
from __future__ import annotations

import json

import pytest

from server.sim import plot


def _result(**more) -> dict:
    return {"participants": 1000, "rooms": 100, "server_processes": 1, "database": "sqlite",
            "async_mode": "eventlet", "fanout_ms": {"p50": 10.0, "p95": 30.0, "p99": 47.0, "n": 3000},
            "baseline_fanout_ms": {"p99": 44.5}, **more}


def test_the_figure_labels_each_run_and_draws_the_target_given(tmp_path):
    runs = [_result(label="before"), _result(label="after", cpu_hog=2),
            _result(participants=3200, rooms=320, server_processes=2, database="postgres", workshops=40,
                    stagger_s=60)]
    files = []
    for i, r in enumerate(runs):
        files.append(tmp_path / f"r{i}.json")
        files[-1].write_text(json.dumps(r))
    out = tmp_path / "fig.svg"
    assert plot.main(["--target-ms", "250", "--title", "Issue 18", str(out), *map(str, files)]) == 0
    text = out.read_text()
    assert "before: 1000 / 100" in text and "after: 1000 / 100" in text and "2 CPU hogs" in text
    assert "3200 / 320" in text and "2 proc, pg" in text and "40 ws staggered" in text
    assert "target p99 250 ms" in text and ">Issue 18<" in text
    assert text.count("<title>baseline p99 44.5 ms</title>") == 3


@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["out.svg"], ["--bogus", "out.svg", "r.json"],
                                  ["notes.txt", "r.json"]])
def test_options_it_does_not_take_and_missing_arguments_write_nothing(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.json").write_text(json.dumps(_result()))
    with pytest.raises(SystemExit) as stopped:
        plot.main(argv)
    assert stopped.value.code in (0, 2)  # --help: 0 with the usage; the rest: 2 with the reason
    captured = capsys.readouterr()
    assert "usage:" in captured.out + captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]  # no figure, no file named --help
