"""Reliability tests: real `common-ground serve` processes (eventlet) on PostgreSQL,
with Redis as the message queue, nginx in front, and faults injected on loopback.

Each run creates and drops its own PostgreSQL database and uses its own Redis
channel; the Redis-restart test runs its own redis-server, and the
PostgreSQL-restart test its own throwaway cluster, so the machine's shared
services are never restarted. Missing services skip with the reason, except
with CI=true, where they fail.
"""
from __future__ import annotations

import gc
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
import warnings
from pathlib import Path

import pytest

from tests.live_server import LiveServer, _free_port

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("TEST_PG_USER", "postgres")
REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))
REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "11"))
PG_BIN = Path(os.environ.get("TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (./scripts/test: `--dist loadgroup`) the reliability tests run on one
    worker, one after another, as they do without it: two kill -9 storms or Redis / PostgreSQL
    restarts never overlap, and only one worker at a time uses the machine's Redis database
    REDIS_DB (rate-limit counters of the server processes, keyed by the client's address).
    tryfirst: before pytest-xdist's own hook, which reads the group of each test. Without it the
    group was lost when this directory was named on the command line (`pytest tests/reliability`:
    this conftest is then loaded before pytest-xdist's hook is registered, and runs after it)."""
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.xdist_group("reliability"))


@pytest.fixture(autouse=True)
def _forget_broken_sockets(request):
    """The modules that kill servers declare their broken client sockets not errors
    (filterwarnings ignore PytestUnraisableExceptionWarning); collect those sockets at the end
    of the test that broke them, not in whichever test the garbage collector next runs in
    (with pytest-xdist, any test of the suite)."""
    yield
    declared = any("PytestUnraisableExceptionWarning" in str(arg)
                   for mark in request.node.iter_markers("filterwarnings") for arg in mark.args)
    if declared:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()


def missing(what: str):
    if IN_CI:
        pytest.fail(f"{what} (required with CI=true)")
    pytest.skip(what)


def report(title: str, **figures) -> None:
    """Print a fault test's figures (shown with -s, and in the captured output of a failure)."""
    line = ", ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items())
    print(f"\n[reliability] {title}: {line}", flush=True)


# -- PostgreSQL ---------------------------------------------------------------------------

def _pg_admin(host=PG_HOST, port=PG_PORT, user=PG_USER):
    import pg8000.native
    return pg8000.native.Connection(user, host=host, port=port, database="postgres", timeout=5)


def create_database(host=PG_HOST, port=PG_PORT, user=PG_USER, prefix="cg_rel") -> tuple[str, str]:
    """A new, migrated database: (name, url)."""
    from server.db import Database
    from server.migrate import upgrade
    admin = _pg_admin(host, port, user)
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin.run(f"CREATE DATABASE {name}")
    admin.close()
    url = f"postgresql://{user}@{host}:{port}/{name}"
    db = Database("postgresql+pg8000://" + url.split("://", 1)[1])
    upgrade(db)
    db.dispose()
    return name, url


def drop_database(name: str, host=PG_HOST, port=PG_PORT, user=PG_USER) -> None:
    admin = _pg_admin(host, port, user)
    admin.run(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
              "AND pid <> pg_backend_pid()")
    admin.run(f"DROP DATABASE IF EXISTS {name}")
    admin.close()


@pytest.fixture(scope="session")
def pg_url():
    """This run's PostgreSQL database (migrated), dropped at the end."""
    try:
        _pg_admin().close()
    except Exception as exc:  # noqa: BLE001
        missing(f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT}: {exc}")
    name, url = create_database()
    yield url
    drop_database(name)


def pg_connect(url: str):
    """A plain pg8000 connection to a test database (for locks and checks)."""
    import pg8000.native
    rest = url.split("://", 1)[1]
    userhost, dbname = rest.rsplit("/", 1)
    user, hostport = userhost.split("@")
    host, port = hostport.split(":")
    return pg8000.native.Connection(user, host=host, port=int(port), database=dbname, timeout=10)


class PgCluster:
    """A throwaway PostgreSQL cluster (initdb + pg_ctl) on a free port, owned by the
    `postgres` system user, that a test may stop and start."""

    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.port = _free_port()
        self.log = root / "postgres.log"
        self._as_pg(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                    "--no-sync", "-E", "UTF8")
        self.start()

    def _as_pg(self, *cmd):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + list(cmd), check=True, capture_output=True, timeout=60)

    def start(self):
        self._as_pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30",
                    "-o", f"-p {self.port} -k {self.root} -h 127.0.0.1 -c fsync=off", "start")

    def stop(self, mode: str = "fast"):
        self._as_pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def destroy(self):
        try:
            self.stop("immediate")
        except Exception:  # noqa: BLE001
            pass
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def pg_cluster():
    if not (PG_BIN / "initdb").exists():
        missing(f"PostgreSQL server binaries not found in {PG_BIN} (apt-get install postgresql)")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        missing("runuser is needed to run initdb as the postgres user")
    root = Path(tempfile.mkdtemp(prefix="cg-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    cluster = PgCluster(root)
    yield cluster
    cluster.destroy()


_databases: dict = {}


def make_workshop(db_url: str, base_url: str, title: str = "Trust workshop", rooms: int = 2,
                  budget: int = 3) -> dict:
    """Create a workshop in-process (as `common-ground workshop create --json` would print it;
    spawning the CLI costs seconds per workshop)."""
    from server.cli import _links
    from server.config import normalise_db_url
    from server.db import Database
    from server.domain.workshops import create_workshop
    db = _databases.get(db_url) or _databases.setdefault(db_url, Database(normalise_db_url(db_url)))
    created = create_workshop(db, title=title, rooms=rooms, vote_budget=budget, languages=["en", "es", "fa"])
    return _links(base_url, created)


@pytest.fixture(scope="session", autouse=True)
def _dispose_databases():
    yield
    for db in _databases.values():
        db.dispose()


# -- Redis --------------------------------------------------------------------------------

def _redis_ping(host: str, port: int) -> None:
    import redis
    redis.Redis(host=host, port=port, socket_connect_timeout=2).ping()


@pytest.fixture(scope="session")
def redis_env():
    """The machine's Redis with this run's own database number and channel."""
    try:
        _redis_ping(REDIS_HOST, REDIS_PORT)
    except Exception as exc:  # noqa: BLE001
        missing(f"Redis not reachable at {REDIS_HOST}:{REDIS_PORT}: {exc}")
    return {"REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}",
            "REDIS_CHANNEL": f"cg-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"}


class RedisServer:
    """Our own redis-server on a free port (never the machine's shared one)."""

    def __init__(self, root: Path):
        self.root, self.port = root, _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None
        self.start()

    def start(self):
        with open(self.root / "redis.log", "a") as out:
            self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                          "--save", "", "--appendonly", "no", "--dir", str(self.root)],
                                         stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            try:
                _redis_ping("127.0.0.1", self.port)
                return
            except Exception:  # noqa: BLE001
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.1)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    if not shutil.which("redis-server"):
        missing("redis-server not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path)
    yield server
    server.kill()


# -- server processes ----------------------------------------------------------------------

class Fleet:
    """Several `common-ground serve` processes sharing a database (and Redis)."""

    def __init__(self, root: Path):
        self.root = root
        self.servers: list[LiveServer] = []

    def start(self, n: int, env: dict) -> list[LiveServer]:
        from concurrent.futures import ThreadPoolExecutor
        names = [f"server{len(self.servers) + i}" for i in range(n)]
        with ThreadPoolExecutor(n) as pool:  # start them side by side: each takes seconds
            started = list(pool.map(lambda name: LiveServer(self.root, env=env, name=name), names))
        self.servers += started
        return started

    def stop(self):
        for s in self.servers:
            try:
                s.stop()
            except Exception:  # noqa: BLE001
                pass

    def logs(self) -> str:
        return "\n".join(f"--- {s.name}\n{s.log_path.read_text()[-3000:]}" for s in self.servers)


@pytest.fixture
def fleet(tmp_path):
    f = Fleet(tmp_path)
    yield f
    f.stop()


def nginx_binary() -> str:
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not path:
        missing("nginx not installed (apt-get install nginx)")
    return path


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0
