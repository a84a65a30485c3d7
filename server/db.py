"""Engine and sessions: one Database object per app, no Flask globals.

Every write transaction takes the workshop's lock first (see
domain/commands.py). On SQLite we also open every transaction with
BEGIN IMMEDIATE so two writers never both read and then fail to upgrade.
"""
from __future__ import annotations

import functools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 15000
# PostgreSQL connections each server process keeps (DATABASE_POOL_SIZE): processes x this must stay
# under the server's max_connections (100 by default), with room for the CLI and maintenance.
DEFAULT_POOL_SIZE = 20
# PRAGMA synchronous in WAL mode (SQLITE_SYNCHRONOUS): "full" syncs the log on every commit, so an
# acknowledged command survives a power cut; "normal" syncs at checkpoints only (a process crash
# loses nothing, a power cut or OS crash can lose the last commits). docs/benchmarks.md measures both.
SQLITE_SYNCHRONOUS = ("full", "normal")
# GROUP_COMMIT_WAIT_MS: in a storm, how long the command that takes a workshop's lock waits, holding
# it, for more of the storm's commands to queue behind it and share its transaction
# (domain/commands.py; PostgreSQL's commit_delay is the same idea). docs/benchmarks.md measures it.
DEFAULT_GROUP_COMMIT_WAIT_MS = 20


class CommandQueue(deque):
    """Commands (or joins) of one workshop waiting for its lock, and the last batch taken from it:
    domain/commands.py waits for more only while the workshop's commands arrive together."""

    def __init__(self) -> None:
        super().__init__()
        self.last_batch_size = 0
        self.last_batch_at = float("-inf")  # time.monotonic()


class Database:
    def __init__(self, url: str, echo: bool = False, token_ttl_days: int = 0, sqlite_synchronous: str = "full",
                 pool_size: int = DEFAULT_POOL_SIZE, group_commit_wait_ms: int = 0):
        self.url = url
        # Seconds a storm's batch waits for more commands (GROUP_COMMIT_WAIT_MS); 0: never waits. The
        # app sets the configured value (default DEFAULT_GROUP_COMMIT_WAIT_MS); the CLI's and the
        # domain tests' Database never wait.
        self.group_commit_wait = group_commit_wait_ms / 1000
        self.engine = make_engine(url, echo=echo, sqlite_synchronous=sqlite_synchronous, pool_size=pool_size)
        # One lock per workshop in this process: commands of one workshop queue here, not while
        # holding a pooled connection in SELECT ... FOR UPDATE (a vote storm on PostgreSQL emptied
        # the pool that way: docs/benchmarks.md). The row lock still orders them across processes.
        # threading.Lock is green under eventlet's and gevent's monkey-patching.
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        # Commands waiting for a workshop's lock (domain/commands.py: group commit).
        self._queues: dict[str, CommandQueue] = {}
        # Called with committed commands' Outcomes (a list, in sequence order: a group commit's
        # together), under the workshop's lock (domain/commands.py). The Socket.IO app sets it to
        # broadcast.publish (server/app.py); without it (the CLI, tests of the domain) callers send
        # Outcome.events themselves.
        self.publisher: Callable | None = None
        # Join codes found, code -> workshop id (domain/workshops.workshop_by_code: a code never changes).
        self.join_codes: dict[str, str] = {}
        # Session.info carries the settings the domain needs without Flask (TOKEN_TTL_DAYS: domain/expiry.py).
        self.token_ttl_days = token_ttl_days
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, info={"token_ttl_days": token_ttl_days})

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: commit on success, roll back on error."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def workshop_lock(self, workshop_id: str) -> Iterator[None]:
        """Hold this process's lock of one workshop; take it before opening the transaction."""
        lock = self._locks.get(workshop_id)
        if lock is None:
            with self._locks_guard:
                lock = self._locks.setdefault(workshop_id, threading.Lock())
        with lock:
            yield

    def command_queue(self, workshop_id: str) -> CommandQueue:
        queue = self._queues.get(workshop_id)
        if queue is None:
            with self._locks_guard:
                queue = self._queues.setdefault(workshop_id, CommandQueue())
        return queue

    def publish(self, *outcomes) -> None:
        """Hand committed outcomes, in sequence order, to the publisher in one call (a group commit's
        together); a failure there is logged, never undoes the commit."""
        if self.publisher is None or not outcomes:
            return
        try:
            self.publisher(list(outcomes))
        except Exception:  # the commands are stored: clients that missed them catch up with `sync`
            logging.getLogger(__name__).exception("publishing seq %s failed", outcomes[-1].result.get("seq"))

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def make_engine(url: str, echo: bool = False, sqlite_synchronous: str = "full",
                pool_size: int = DEFAULT_POOL_SIZE) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo,
                               connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _sqlite_pragmas(engine, sqlite_synchronous)
        return engine
    if "+pg8000" in url:
        _cache_pg8000_paramstyle()
    # A fixed pool, no overflow: connections beyond the pool were closed as soon as they were handed
    # back, so a connect burst opened and closed hundreds of PostgreSQL backends (416 in one
    # 1,000-phone run on two processes; 46 with 20 and no overflow, and a fifth less of PostgreSQL's
    # CPU: docs/benchmarks.md). A green thread waits for a connection (pool_timeout) instead.
    engine = create_engine(url, echo=echo, pool_size=pool_size, max_overflow=0)
    _ping_when_idle(engine)
    return engine


# A pooled PostgreSQL connection is tested (an empty query) before it is used only when it has lain
# idle this long: after a quiet spell a restarted server or a dropped idle connection is found before
# a command runs on it. In a storm connections come back to work within milliseconds, and a ping per
# checkout (SQLAlchemy's pool_pre_ping) was one round trip of about twelve per vote
# (docs/benchmarks.md). A connection found dead mid-storm fails its transaction: SQLAlchemy then
# invalidates the whole pool, the command is answered `server_error` (retryable) and the phone's
# outbox sends it again with the same cid (tests/reliability/test_faults.py restarts PostgreSQL).
PING_AFTER_IDLE_SECS = 5.0


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine.pool, "checkin")
    def _idle_from(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECS:
            return  # new, or back in use at once
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as err:  # any failure: this connection and the pool's older ones go
            # As pool_pre_ping does: the pool drops every connection made before now and takes a new one.
            raise exc.InvalidatePoolError() from err


def _cache_pg8000_paramstyle() -> None:
    """Rewrite each SQL string's placeholders for pg8000 once, not on every execution.

    pg8000 (pure Python, green under eventlet) scans every statement character by character
    to turn SQLAlchemy's `%s` placeholders into `$1, $2...` (pg8000.dbapi.convert_paramstyle):
    0.17 ms of CPU per statement, a third of a vote's cost on PostgreSQL (server/sim/cost.py,
    docs/benchmarks.md). For the "format" style SQLAlchemy uses, the result depends on the SQL
    text alone and the values pass through unchanged, so it is cached per text (the SQL texts
    are SQLAlchemy's compiled, cached statements: a bounded set). Other styles are left alone.
    """
    import pg8000.legacy as legacy
    from pg8000.dbapi import convert_paramstyle

    if getattr(legacy.convert_paramstyle, "cached_by_common_ground", False):
        return

    @functools.lru_cache(maxsize=4096)
    def format_query(query: str) -> str:
        return convert_paramstyle("format", query, ())[0]

    def cached(style, query, args):
        if style == "format":
            return format_query(query), args
        return convert_paramstyle(style, query, args)

    cached.cached_by_common_ground = True
    legacy.convert_paramstyle = cached


def _sqlite_pragmas(engine: Engine, synchronous: str) -> None:
    if synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"SQLITE_SYNCHRONOUS must be one of {', '.join(SQLITE_SYNCHRONOUS)}, not {synchronous!r}")

    # The pysqlite recipe from SQLAlchemy's SQLite dialect documentation:
    # take over transaction control so BEGIN IMMEDIATE is what starts one.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
