"""Configuration from the environment, with an embedded default.

Nothing here is required on a laptop: with no environment set, the app uses a
SQLite file in the instance folder and no message queue. Production sets
DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_ORIGINS (see docs/deploy.md).
"""
from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

# A development default: create_app refuses it in production (COMMON_GROUND_ENV=production).
DEFAULT_SECRET = "dev-only-not-secret"  # noqa: S105  # nosec B105
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def web_root() -> Path:
    """The web app's files: server/web in an installed package (setup.py copies web/ there), else the
    checkout's web/ (an editable install or a run from the checkout)."""
    packaged = Path(__file__).resolve().parent / "web"
    return packaged if packaged.is_dir() else PROJECT_ROOT / "web"


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


def from_env(instance_path: str) -> dict:
    """Read the settings the app needs from os.environ."""
    env = os.environ
    db_url = env.get("DATABASE_URL") or "sqlite:///" + str(Path(instance_path) / "common-ground.sqlite3")
    return {
        "DATABASE_URL": normalise_db_url(db_url, async_mode(env.get("ASYNC_MODE"))),
        "REDIS_URL": env.get("REDIS_URL") or None,
        # Redis pub/sub channels are not scoped by database number: processes of
        # one deployment share a channel; separate deployments (or test runs) on
        # one Redis need different channels.
        "REDIS_CHANNEL": env.get("REDIS_CHANNEL") or "flask-socketio",
        "SECRET_KEY": env.get("SECRET_KEY", DEFAULT_SECRET),
        # None means "same origin only" in python-engineio; "*" allows all.
        "ALLOWED_ORIGINS": _split(env.get("ALLOWED_ORIGINS")),
        "ASYNC_MODE": async_mode(env.get("ASYNC_MODE")),
        "PUBLIC_URL": env.get("PUBLIC_URL") or None,
        "WEB_ROOT": env.get("WEB_ROOT") or str(web_root()),
        "ENV": env.get("COMMON_GROUND_ENV", "development"),
        # Exports hide a stakeholder group's vote split where fewer people than this are in it (docs/agreement.md).
        "REPORT_MIN_GROUP_SIZE": _min_group(env.get("REPORT_MIN_GROUP_SIZE")),
        # PDF and Word exports rendered at once, each in a worker process (server/reports/worker.py); as many
        # more may wait, beyond that an export is refused with 503 busy.
        "EXPORT_WORKERS": export_workers(env.get("EXPORT_WORKERS")),
        # Overrides of the abuse limits (server/ratelimit.py), e.g. "join=5000/300,posts=30/60"
        # for a rehearsal or benchmark server where every simulated phone shares one address.
        # Only raises or lowers a limit; RATE_LIMITING=off is the one switch that disables them.
        "RATE_LIMITS": rate_limits(env.get("RATE_LIMITS")),
        # Participant and facilitator links stop working this many days after the workshop's date (or its
        # creation, if later), and `common-ground expire` erases its names and contacts; 0 = never
        # (server/domain/expiry.py and purge.py, docs/security.md "Data protection").
        "TOKEN_TTL_DAYS": token_ttl_days(env.get("TOKEN_TTL_DAYS")),
        # SQLite only: "full" (the default: every acknowledged command is on disk, even after a power
        # cut) or "normal" (no disk sync per commit; a power cut can lose the last ones). server/db.py.
        "SQLITE_SYNCHRONOUS": sqlite_synchronous(env.get("SQLITE_SYNCHRONOUS")),
        # PostgreSQL only: connections each server process keeps open (server/db.py, docs/deploy.md).
        "DATABASE_POOL_SIZE": pool_size(env.get("DATABASE_POOL_SIZE")),
        # Milliseconds a vote storm's batch waits for more votes to share its transaction (server/db.py,
        # domain/commands.py); 0 never waits. Lower server CPU per vote for a few ms more latency.
        "GROUP_COMMIT_WAIT_MS": group_commit_wait_ms(env.get("GROUP_COMMIT_WAIT_MS")),
    }


def _whole_number(value: str | None, default: int, least: int, name: str, unit: str, least_text: str) -> int:
    if value is None or not value.strip():
        return default
    try:
        number = int(value)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number of {unit}, not {value!r}") from None
    if number < least:
        raise RuntimeError(f"{name} must be {least_text} or more")
    return number


DEFAULT_EXPORT_WORKERS = 2


def pool_size(value: str | None) -> int:
    from .db import DEFAULT_POOL_SIZE
    return _whole_number(value, DEFAULT_POOL_SIZE, 1, "DATABASE_POOL_SIZE", "connections", "1")


MAX_GROUP_COMMIT_WAIT_MS = 100


def group_commit_wait_ms(value: str | None) -> int:
    from .db import DEFAULT_GROUP_COMMIT_WAIT_MS
    wait = _whole_number(value, DEFAULT_GROUP_COMMIT_WAIT_MS, 0, "GROUP_COMMIT_WAIT_MS",
                         "milliseconds (0 = never wait)", "0 (never wait)")
    if wait > MAX_GROUP_COMMIT_WAIT_MS:
        raise RuntimeError(f"GROUP_COMMIT_WAIT_MS must be {MAX_GROUP_COMMIT_WAIT_MS} or less: every vote of a storm "
                           "would wait that long")
    return wait


def export_workers(value: str | None) -> int:
    return _whole_number(value, DEFAULT_EXPORT_WORKERS, 1, "EXPORT_WORKERS", "processes", "1")


DEFAULT_TOKEN_TTL_DAYS = 30


def token_ttl_days(value: str | None) -> int:
    return _whole_number(value, DEFAULT_TOKEN_TTL_DAYS, 0, "TOKEN_TTL_DAYS", "days (0 = never)", "0 (never)")


def rate_limits(value: str | None) -> dict[str, tuple[int, int]]:
    """Parse "name=count/seconds,..." into {name: (count, seconds)}."""
    out: dict[str, tuple[int, int]] = {}
    for item in _split(value) or []:
        name, _, spec = item.partition("=")
        count, _, secs = spec.partition("/")
        try:
            out[name.strip()] = (int(count), int(secs))
        except ValueError:
            raise RuntimeError(f"RATE_LIMITS: {item!r} is not name=count/seconds") from None
        if out[name.strip()][0] < 1 or out[name.strip()][1] < 1:
            raise RuntimeError(f"RATE_LIMITS: {item!r} needs a count and seconds of at least 1")
    return out


ASYNC_MODES = ("eventlet", "gevent", "threading")


def async_mode(value: str | None) -> str:
    """eventlet (the default), gevent (optional extra `bench`: gevent, gevent-websocket), or threading (tests)."""
    mode = (value or "eventlet").strip().lower()
    if mode not in ASYNC_MODES:
        raise RuntimeError(f"ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}, not {value!r}")
    return mode


def sqlite_synchronous(value: str | None) -> str:
    from .db import SQLITE_SYNCHRONOUS
    mode = (value or "full").strip().lower()
    if mode not in SQLITE_SYNCHRONOUS:
        raise RuntimeError(f"SQLITE_SYNCHRONOUS must be one of {', '.join(SQLITE_SYNCHRONOUS)}, not {value!r}")
    return mode


def _min_group(value: str | None) -> int:
    from .domain.agreement import DEFAULT_MIN_GROUP_SIZE, FLOOR_MIN_GROUP_SIZE
    return _whole_number(value, DEFAULT_MIN_GROUP_SIZE, FLOOR_MIN_GROUP_SIZE, "REPORT_MIN_GROUP_SIZE", "people",
                         str(FLOOR_MIN_GROUP_SIZE))


def normalise_db_url(url: str, mode: str | None = None) -> str:
    """Pick the PostgreSQL driver for `postgresql://` URLs.

    psycopg (3), a C driver, in every mode: under eventlet and gevent (the server) its waits
    yield to the event loop (server/green.py, installed by create_app); in the threading mode
    (the CLI, the tests) it blocks its thread, as it should. It prepares the statements a
    connection runs again and again, so PostgreSQL stops parsing and planning them on every
    command (a quarter to a third of PostgreSQL's CPU in a vote storm: docs/benchmarks.md, issue 18).
    Without it: psycopg2 under eventlet and gevent (the same green waits, no prepared
    statements), pg8000 (pure Python) otherwise. A URL that names its driver
    (`postgresql+pg8000://`, `postgresql+psycopg2://`, `postgresql+psycopg://`) is kept as it is.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return f"postgresql+{_pg_driver(mode)}://" + url[len(prefix):]
    return url


def _pg_driver(mode: str | None) -> str:
    import importlib.util

    from .green import GREEN_MODES
    if importlib.util.find_spec("psycopg") is not None:
        return "psycopg"
    if mode in GREEN_MODES and importlib.util.find_spec("psycopg2") is not None:
        return "psycopg2"
    return "pg8000"


# -- the address phones use ----------------------------------------------------------

DEFAULT_PORT = 5000
LOOPBACK = "127.0.0.1"
# Listening on every interface: the default of `serve`, so phones on the venue network reach the laptop.
ALL_INTERFACES = ("0.0.0.0", "::", "")  # noqa: S104  # nosec B104
# An address outside every local network (TEST-NET-1, RFC 5737): the route to it is the default route.
_PROBE = ("192.0.2.1", 9)


def lan_address() -> tuple[str, str | None]:
    """(this machine's address on the interface with the default route, a warning or None).

    Connecting a UDP socket sends nothing: it only asks the routing table which source
    address would be used. Without a usable network (no default route, only a link-local
    address) the answer is 127.0.0.1, which no phone can reach, with a warning saying so.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(_PROBE)
            address = probe.getsockname()[0]
    except OSError:
        address = None
    try:
        usable = address is not None and not (ipaddress.ip_address(address).is_loopback
                                               or ipaddress.ip_address(address).is_unspecified
                                               or ipaddress.ip_address(address).is_link_local)
    except ValueError:
        usable = False
    if usable:
        return address, None
    return LOOPBACK, ("Could not find this machine's network address (is it on the venue's Wi-Fi?): links and the "
                      f"QR code use {LOOPBACK}, which phones cannot reach. Join the network and restart, or set "
                      "PUBLIC_URL to the address phones should use.")


def public_url(host: str, port: int, configured: str | None) -> tuple[str, str | None]:
    """(the base address for links and the QR code, a warning or None) for a server on host:port.

    PUBLIC_URL wins; listening on every interface, the LAN address (lan_address); else the host itself."""
    if configured:
        return configured.rstrip("/"), None
    if host in ALL_INTERFACES:
        address, warning = lan_address()
        return f"http://{address}:{port}", warning
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}", ("Listening on this machine only: phones cannot reach it. Use --host 0.0.0.0 "
                                      "(the default) for the venue network." if loopback else None)


def default_port() -> int:
    """The port `serve` listens on unless told: $PORT, else 5000."""
    value = os.environ.get("PORT", "").strip()
    try:
        return int(value) if value else DEFAULT_PORT
    except ValueError:
        raise RuntimeError(f"PORT must be a port number, not {value!r}") from None
