"""Configuration from the environment, with an embedded default.

Nothing here is required on a laptop: with no environment set, the app uses a
SQLite file in the instance folder and no message queue. Production sets
DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_ORIGINS (see docs/deploy.md).
"""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SECRET = "dev-only-not-secret"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
        "SECRET_KEY": env.get("SECRET_KEY", DEFAULT_SECRET),
        # None means "same origin only" in python-engineio; "*" allows all.
        "ALLOWED_ORIGINS": _split(env.get("ALLOWED_ORIGINS")),
        "ASYNC_MODE": env.get("ASYNC_MODE", "eventlet"),
        "PUBLIC_URL": env.get("PUBLIC_URL") or None,
        "WEB_ROOT": env.get("WEB_ROOT", str(PROJECT_ROOT / "web")),
        "ENV": env.get("COMMON_GROUND_ENV", "development"),
    }


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
