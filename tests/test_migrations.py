"""The Alembic migrations build exactly the schema the models describe, on both backends."""
from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from server.db import Database
from server.migrate import current, upgrade
from server.models import Base

from .conftest import IN_CI, PG_HOST, PG_PORT, PG_USER, _pg_admin


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request, tmp_path):
    """A database with nothing in it, made for this test alone."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    try:
        admin = _pg_admin()
    except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but not reachable at {PG_HOST}:{PG_PORT}: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT}: {exc}")
    name = f"cg_mig_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin.run(f"CREATE DATABASE {name}")
    admin.close()
    yield f"postgresql+pg8000://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    admin = _pg_admin()
    admin.run(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()")
    admin.run(f"DROP DATABASE IF EXISTS {name}")
    admin.close()


def test_upgrading_an_empty_database_matches_the_models(empty_url):
    db = Database(empty_url)
    try:
        assert current(db) is None
        upgrade(db)
        assert current(db) == "0004"
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
            diff = compare_metadata(ctx, Base.metadata)
            tables = set(inspect(conn).get_table_names())
        assert diff == [], f"migrations and models differ: {diff}"
        assert {t.name for t in Base.metadata.sorted_tables} <= tables
        upgrade(db)  # a second upgrade is a no-op
        assert current(db) == "0004"
    finally:
        db.dispose()
