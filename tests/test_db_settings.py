"""server/db.py: SQLITE_SYNCHRONOUS and the per-workshop lock in front of the row lock."""
from __future__ import annotations

import threading

import pytest

from server import config
from server.db import Database
from server.domain import dispatch
from server.domain.auth import Principal
from server.domain.workshops import create_workshop


def _pragma(db: Database) -> int:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA synchronous").scalar()


def test_sqlite_syncs_every_commit_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("SQLITE_SYNCHRONOUS", raising=False)
    assert config.from_env(str(tmp_path))["SQLITE_SYNCHRONOUS"] == "full"
    db = Database(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    assert _pragma(db) == 2  # FULL
    db.dispose()


def test_sqlite_synchronous_normal_is_a_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("SQLITE_SYNCHRONOUS", "Normal")
    assert config.from_env(str(tmp_path))["SQLITE_SYNCHRONOUS"] == "normal"
    db = Database(f"sqlite:///{tmp_path / 'b.sqlite3'}", sqlite_synchronous="normal")
    assert _pragma(db) == 1  # NORMAL
    db.dispose()


def test_sqlite_synchronous_refuses_other_values(tmp_path, monkeypatch):
    monkeypatch.setenv("SQLITE_SYNCHRONOUS", "off")
    with pytest.raises(RuntimeError, match="SQLITE_SYNCHRONOUS must be one of full, normal"):
        config.from_env(str(tmp_path))
    with pytest.raises(ValueError, match="SQLITE_SYNCHRONOUS"):
        Database(f"sqlite:///{tmp_path / 'c.sqlite3'}", sqlite_synchronous="off")


def test_the_app_passes_the_setting_to_its_database(tmp_path):
    from tests.conftest import make_app
    app = make_app(f"sqlite:///{tmp_path / 'd.sqlite3'}", SQLITE_SYNCHRONOUS="normal")
    db = app.extensions["common_ground_db"]
    assert _pragma(db) == 1
    db.dispose()


def test_commands_of_one_workshop_queue_in_process(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'e.sqlite3'}")
    order: list[str] = []
    holding, release = threading.Event(), threading.Event()

    def first():
        with db.workshop_lock("w1"):
            order.append("first in")
            holding.set()
            release.wait(10)
            order.append("first out")

    def second():
        with db.workshop_lock("w1"):
            order.append("second in")

    a = threading.Thread(target=first)
    a.start()
    assert holding.wait(10)
    b = threading.Thread(target=second)
    b.start()
    # Another workshop is not held up by w1 (this would hang, and fail the join below, if it were).
    other = threading.Thread(target=lambda: db.workshop_lock("w2").__enter__())
    other.start()
    other.join(10)
    assert not other.is_alive()
    assert order == ["first in"]  # second is waiting for w1
    release.set()
    a.join(10)
    b.join(10)
    assert order == ["first in", "first out", "second in"]
    db.dispose()


def test_a_command_releases_the_lock_when_refused(tmp_path):
    from server.domain.errors import CommandError
    from server.migrate import upgrade
    db = Database(f"sqlite:///{tmp_path / 'f.sqlite3'}")
    upgrade(db)
    made = create_workshop(db, title="Lock", rooms=1, vote_budget=3, languages=["en"])
    organiser = Principal("organiser", made["workshop_id"])
    with pytest.raises(CommandError) as err:
        dispatch(db, organiser, "phase_back", {"cid": "c1", "from_phase": "lobby", "room_id": made["facilitators"][0]["room_id"]})
    assert err.value.code == "wrong_phase"
    # Not left held: the next command of the same workshop runs (it would hang otherwise).
    out = dispatch(db, organiser, "phase_advance", {"cid": "c2", "from_phase": "lobby", "room_id": made["facilitators"][0]["room_id"]})
    assert out.result["room"]["phase"] == "brainstorm"
    db.dispose()


def test_pg8000_placeholders_are_rewritten_once_per_sql_text():
    import pg8000.legacy as legacy
    from pg8000.dbapi import convert_paramstyle

    from server.db import _cache_pg8000_paramstyle
    _cache_pg8000_paramstyle()
    installed = legacy.convert_paramstyle
    _cache_pg8000_paramstyle()  # installing twice keeps the one wrapper
    assert legacy.convert_paramstyle is installed
    sql = "SELECT a FROM t WHERE b = %s AND c LIKE 'x%%' AND d = %s -- %s in a comment"
    for args in ((1, 2), ("p", None)):
        assert installed("format", sql, args) == convert_paramstyle("format", sql, args)
    # Other paramstyles are not cached: their values depend on the placeholders' names.
    assert installed("named", "SELECT :x, :y", {"x": 1, "y": 2}) == ("SELECT $1, $2", (1, 2))


@pytest.mark.postgres
def test_postgres_commands_run_through_the_cached_rewrite(postgres_url):
    from tests.conftest import make_app
    app = make_app(postgres_url)
    db = app.extensions["common_ground_db"]
    made = create_workshop(db, title="PG", rooms=1, vote_budget=3, languages=["en"])
    organiser = Principal("organiser", made["workshop_id"])
    out = dispatch(db, organiser, "phase_advance", {"cid": "pg1", "from_phase": "lobby", "room_id": made["facilitators"][0]["room_id"]})
    assert out.result["room"]["phase"] == "brainstorm"
    again = dispatch(db, organiser, "phase_advance", {"cid": "pg1", "from_phase": "lobby", "room_id": made["facilitators"][0]["room_id"]})
    assert again.repeated and again.result == out.result
    db.dispose()


def test_postgresql_keeps_a_fixed_pool_of_the_configured_size(tmp_path, monkeypatch, postgres_url):
    """DATABASE_POOL_SIZE connections per process, no overflow: connections beyond the pool were
    closed as soon as they were handed back, so a connect burst opened hundreds of backends."""
    monkeypatch.setenv("DATABASE_POOL_SIZE", "7")
    assert config.from_env(str(tmp_path))["DATABASE_POOL_SIZE"] == 7
    from tests.conftest import make_app
    app = make_app(postgres_url, DATABASE_POOL_SIZE=7)
    pool = app.extensions["common_ground_db"].engine.pool
    assert (pool.size(), pool._max_overflow) == (7, 0)
    app.extensions["common_ground_db"].dispose()
    monkeypatch.delenv("DATABASE_POOL_SIZE")
    assert config.from_env(str(tmp_path))["DATABASE_POOL_SIZE"] == 20


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_database_pool_size_refuses_what_is_not_a_count(tmp_path, monkeypatch, value):
    monkeypatch.setenv("DATABASE_POOL_SIZE", value)
    with pytest.raises(RuntimeError, match="DATABASE_POOL_SIZE must be"):
        config.from_env(str(tmp_path))


def test_group_commit_wait_is_a_setting_the_app_hands_to_its_database(tmp_path, monkeypatch):
    """GROUP_COMMIT_WAIT_MS: how long a vote storm's batch waits for more votes (domain/commands.py)."""
    from tests.conftest import make_app
    monkeypatch.delenv("GROUP_COMMIT_WAIT_MS", raising=False)
    assert config.from_env(str(tmp_path))["GROUP_COMMIT_WAIT_MS"] == 20
    monkeypatch.setenv("GROUP_COMMIT_WAIT_MS", " 25 ")
    assert config.from_env(str(tmp_path))["GROUP_COMMIT_WAIT_MS"] == 25
    monkeypatch.setenv("GROUP_COMMIT_WAIT_MS", "0")
    assert config.from_env(str(tmp_path))["GROUP_COMMIT_WAIT_MS"] == 0
    app = make_app(f"sqlite:///{tmp_path / 'w.sqlite3'}", GROUP_COMMIT_WAIT_MS=25)
    assert app.extensions["common_ground_db"].group_commit_wait == 0.025
    app.extensions["common_ground_db"].dispose()
    assert Database(f"sqlite:///{tmp_path / 'x.sqlite3'}").group_commit_wait == 0  # the CLI's never waits


@pytest.mark.parametrize("value, message", [("-1", "0 \\(never wait\\) or more"), ("soon", "whole number of milliseconds"),
                                            ("101", "100 or less"), ("2.5", "whole number")])
def test_group_commit_wait_refuses_what_is_not_a_short_wait(tmp_path, monkeypatch, value, message):
    monkeypatch.setenv("GROUP_COMMIT_WAIT_MS", value)
    with pytest.raises(RuntimeError, match=f"GROUP_COMMIT_WAIT_MS must be .*{message}"):
        config.from_env(str(tmp_path))
