"""Configuration from the environment, with an embedded default.

Nothing here is required on a laptop: with no environment set, the app uses a
SQLite file in the instance folder and no message queue. Production sets
DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_ORIGINS (see docs/deploy.md).
"""
from __future__ import annotations

import os
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
        "DATABASE_URL": normalise_db_url(db_url),
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
        # (server/domain/purge.py, docs/security.md "Data protection").
        "TOKEN_TTL_DAYS": token_ttl_days(env.get("TOKEN_TTL_DAYS")),
        # SQLite only: "full" (the default: every acknowledged command is on disk, even after a power
        # cut) or "normal" (no disk sync per commit; a power cut can lose the last ones). server/db.py.
        "SQLITE_SYNCHRONOUS": sqlite_synchronous(env.get("SQLITE_SYNCHRONOUS")),
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


def normalise_db_url(url: str) -> str:
    """Pick a driver that cooperates with eventlet for PostgreSQL.

    psycopg 3 blocks the eventlet hub while a query runs; pg8000 is pure Python
    and uses the (green) socket module, so a slow query for one client does not
    stall the others.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+pg8000://" + url[len(prefix):]
    return url
