"""server/sim/cost.py, the server's own cost per command: it runs and reports figures (never timing)."""
from __future__ import annotations

import json
import subprocess
import sys

from server.sim import cost

from .live_server import ROOT


def test_cost_reports_cpu_and_statements_per_command(tmp_path):
    out = cost.run(f"sqlite:///{tmp_path / 'c.sqlite3'}", participants=8, rooms=2)
    figures = out["commands"]
    assert {"join", "sync (snapshot)", "vote_cast", "vote_withdraw", "vote_cast (again)", "sync (since)"} <= set(figures)
    assert figures["vote_cast"]["n"] == 24 and figures["vote_cast"]["sql_each"] > 0
    assert "join (all at once)" not in figures  # only under eventlet


def test_cost_under_eventlet_measures_joins_at_once():
    """--async-mode eventlet patches first (in a fresh interpreter) and adds a burst of joins at once."""
    run = subprocess.run([sys.executable, "-m", "server.sim.cost", "--participants", "8", "--rooms", "2", "--json",
                          "--async-mode", "eventlet"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["async_mode"] == "eventlet"
    together, alone = out["commands"]["join (all at once)"], out["commands"]["join"]
    assert together["n"] == 8
    # The joins at once share transactions: fewer statements each (one BEGIN, lock and INSERT of events).
    assert together["sql_each"] < alone["sql_each"]
