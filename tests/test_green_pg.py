"""PostgreSQL's driver under eventlet and gevent (server/config.py, server/green.py, issue 18):
psycopg (3) with a wait that yields to the event loop, so a slow query does not stop the
process (psycopg2 with a wait callback where psycopg is missing, then pg8000). The PostgreSQL tests need a server (CI=true fails
without one, as tests/conftest.py does)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from server import green
from server.config import normalise_db_url

from .live_server import ROOT


def test_the_driver_follows_the_async_mode():
    url = "postgresql://u:p@h:5432/db"
    assert normalise_db_url(url, "eventlet") == "postgresql+psycopg://u:p@h:5432/db"
    assert normalise_db_url(url, "gevent") == "postgresql+psycopg://u:p@h:5432/db"
    assert normalise_db_url("postgres://u@h/db", "eventlet") == "postgresql+psycopg://u@h/db"
    assert normalise_db_url(url, "threading") == "postgresql+psycopg://u:p@h:5432/db"  # it blocks its thread
    assert normalise_db_url(url) == "postgresql+psycopg://u:p@h:5432/db"
    # A URL that names its driver keeps it, whatever the mode.
    assert normalise_db_url("postgresql+pg8000://u@h/db", "eventlet") == "postgresql+pg8000://u@h/db"
    assert normalise_db_url("postgresql+psycopg2://u@h/db", "eventlet") == "postgresql+psycopg2://u@h/db"
    assert normalise_db_url("postgresql+psycopg2://u@h/db", "threading") == "postgresql+psycopg2://u@h/db"
    assert normalise_db_url("sqlite:///x.sqlite3", "eventlet") == "sqlite:///x.sqlite3"


def test_without_psycopg_the_server_takes_psycopg2_then_pg8000(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` raises ImportError
    assert normalise_db_url("postgresql://u@h/db", "eventlet") == "postgresql+psycopg2://u@h/db"
    assert normalise_db_url("postgresql://u@h/db", "threading") == "postgresql+pg8000://u@h/db"
    monkeypatch.setitem(sys.modules, "psycopg2", None)
    assert normalise_db_url("postgresql://u@h/db", "eventlet") == "postgresql+pg8000://u@h/db"


def test_no_callback_outside_a_monkey_patched_server():
    """The CLI and the tests block on purpose: the callback goes in only where the event loop runs."""
    assert green.install("threading", "postgresql+psycopg2://u@h/db") is None
    assert green.install("threading", "postgresql+psycopg://u@h/db") is None
    assert green.install("eventlet", "postgresql+pg8000://u@h/db") is None
    assert green.install("eventlet", "postgresql+psycopg2://u@h/db") is None  # this process is not patched
    assert green.install("eventlet", "postgresql+psycopg://u@h/db") is None
    assert green.installed("psycopg") is None and green.installed("psycopg2") is None


# A monkey-patched process: a green thread counts its turns while another runs a query that
# takes 0.6 s in PostgreSQL, first without the callback, then with it.
PROBE = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
mode, url, driver = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "eventlet":
    import eventlet
    eventlet.monkey_patch()
    spawn, sleep = eventlet.spawn, eventlet.sleep
else:
    from gevent import monkey
    monkey.patch_all()
    import gevent
    spawn, sleep = gevent.spawn, gevent.sleep
from server import green
from server.config import normalise_db_url
from server.db import Database
url = normalise_db_url(url.replace("postgresql://", f"postgresql+{driver}://"), mode)

def turns_during_a_slow_query(db):
    turns, stop = [0], [False]
    def ticker():
        while not stop[0]:
            turns[0] += 1
            sleep(0.01)
    spawn(ticker)
    sleep(0.05)
    before = turns[0]
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT pg_sleep(0.6)")
    during = turns[0] - before
    stop[0] = True
    sleep(0.05)
    return during

if driver == "psycopg2":
    from psycopg2 import extensions
    extensions.set_wait_callback(None)  # eventlet.monkey_patch() installed a callback of its own
else:
    from psycopg import waiting
    waiting.wait = waiting.wait_c  # psycopg's own C wait (it would pick a green one under gevent)
blocking = Database(url)
out = {"url": url.split("://")[0], "blocking": turns_during_a_slow_query(blocking)}
blocking.dispose()
out["installed"] = green.install(mode, url)
out["which"] = green.installed(driver)
db = Database(url)
out["green"] = turns_during_a_slow_query(db)
with db.transaction() as s:  # a transaction and a result through the callback
    out["answer"] = s.connection().exec_driver_sql("SELECT 40 + 2").scalar()
    # many rows in one call (how a command stores its events): psycopg sends them in a pipeline,
    # waiting to read and to write at once
    from sqlalchemy import text
    s.execute(text("CREATE TEMP TABLE many (x int)"))
    s.execute(text("INSERT INTO many VALUES (:x)"), [{"x": x} for x in range(1, 201)])
    out["many"] = s.execute(text("SELECT sum(x) FROM many")).scalar()
db.dispose()
print(json.dumps(out))
"""


@pytest.mark.parametrize("driver", ["psycopg", "psycopg2"])
@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_a_slow_query_lets_other_green_threads_run(mode, driver, postgres_url):
    if mode == "gevent":
        pytest.importorskip("gevent")
    plain = "postgresql://" + postgres_url.split("://", 1)[1]
    out = subprocess.run([sys.executable, "-c", PROBE, mode, plain, driver], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["url"] == f"postgresql+{driver}"
    assert result["installed"] == mode and result["which"] == mode
    assert result["answer"] == 42 and result["many"] == 20100
    # Without the green wait the driver waits inside C and nothing else runs; with it the ticker
    # keeps turning (about 60 turns of 10 ms in 0.6 s; a loaded machine gives fewer).
    assert result["blocking"] <= 2, result
    assert result["green"] >= 10, result


def test_the_servers_driver_prepares_what_a_connection_repeats(postgres_url):
    """What the switch to psycopg is for (docs/benchmarks.md, issue 18): a statement a connection runs
    again and again is prepared on the server, so PostgreSQL stops parsing and planning it each time."""
    from sqlalchemy import text

    from server.db import Database
    plain = "postgresql://" + postgres_url.split("://", 1)[1]
    db = Database(normalise_db_url(plain, "eventlet"))
    assert db.engine.dialect.driver == "psycopg"
    probe = text("SELECT CAST(:x AS integer) + 1 AS repeated_probe")
    try:
        with db.engine.connect() as conn:
            prepared = "SELECT count(*) FROM pg_prepared_statements WHERE strpos(statement, 'repeated_probe') > 0"
            assert conn.execute(probe, {"x": 0}).scalar() == 1
            assert conn.exec_driver_sql(prepared).scalar() == 0  # once: sent as it is
            for x in range(1, 8):
                assert conn.execute(probe, {"x": x}).scalar() == x + 1
            assert conn.exec_driver_sql(prepared).scalar() == 1  # again and again: prepared, once
    finally:
        db.dispose()
