"""server/driver_sql.DriverStatement: a Core statement compiled once and run through the driver.

On SQLite (qmark: positional parameters) and PostgreSQL (psycopg: named), it gives the rows
Session.execute gives, sends the statement's own constants, passes each parameter through its
type's bind processor, and refuses what it cannot run faithfully."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import (
    JSON,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    event,
    insert,
    literal,
    or_,
    select,
    text,
)

from server.db import Database
from server.driver_sql import DriverStatement, JsonRows
from server.models.base import UTCDateTime

from .conftest import _pg_database

meta = MetaData()
things = Table("driver_sql_things", meta, Column("id", Integer, primary_key=True), Column("name", String(20)),
               Column("at", UTCDateTime()), Column("size", Integer))
logged = Table("driver_sql_logged", meta, Column("id", Integer, primary_key=True), Column("tag", String(10)),
               Column("data", JSON), Column("audience", JSON), Column("at", UTCDateTime()))


@pytest.fixture
def db(empty_url):
    database = Database(empty_url)
    meta.create_all(database.engine)
    yield database
    database.dispose()


_INSERT = DriverStatement(insert(things).from_select(
    ["name", "at", "size"], select(bindparam("name", type_=String), bindparam("at", type_=UTCDateTime()),
                                   literal(7))))
_FIND = select(things.c.id, things.c.name, things.c.size, literal("fixed").label("tag")).where(
    or_(things.c.name == "a", things.c.name == bindparam("other")), things.c.size > bindparam("min"))


def test_the_same_rows_as_session_execute_with_constants_and_bind_processors(db):
    """Inserted through the driver: the literal 7 is sent, and an aware timestamp in another zone is
    stored exactly as Session.execute stores it through UTCDateTime (naive UTC)."""
    noon_in_tehran = datetime(2026, 12, 7, 12, 0, tzinfo=timezone(timedelta(hours=3, minutes=30)))
    with db.transaction() as s:
        for name in ("a", "b", "c"):
            _INSERT.execute(s, {"name": name, "at": noon_in_tehran})
        s.execute(insert(things).values(name="ref", at=noon_in_tehran, size=7))
    with db.reading() as s:
        stored = s.execute(select(things.c.name, things.c.at, things.c.size).order_by(things.c.id)).all()
        assert [(r.name, r.size) for r in stored] == [("a", 7), ("b", 7), ("c", 7), ("ref", 7)]
        assert {r.at for r in stored} == {datetime(2026, 12, 7, 8, 30, tzinfo=UTC)}
        # as stored (SQLite: text; PostgreSQL: a naive timestamp), without the type's reading
        assert len(set(s.execute(text("SELECT at FROM driver_sql_things")).scalars())) == 1
        params = {"other": "c", "min": 6}
        fast = DriverStatement(_FIND).execute(s, params).all()
        assert [tuple(r) for r in fast] == [tuple(r) for r in s.execute(_FIND, params).all()]
        assert [(r.name, r.tag) for r in fast] == [("a", "fixed"), ("c", "fixed")]  # rows by column name
        assert DriverStatement(_FIND).execute(s, {"other": "c", "min": 7}).all() == []


def test_a_missing_parameter_is_refused_and_nothing_is_stored(db):
    with pytest.raises(KeyError), db.transaction() as s:
        _INSERT.execute(s, {"name": "a"})  # no "at"
    with db.reading() as s:
        assert s.execute(select(things.c.id)).all() == []


def test_what_it_cannot_run_as_compiled_is_refused_when_it_compiles(db):
    """An expanding IN renders differently for each list."""
    with db.reading() as s, pytest.raises(ValueError, match="expanding IN"):
        DriverStatement(select(things.c.id).where(things.c.name.in_(["a", "b"]))).execute(s, {})


def test_columns_whose_type_processes_the_value_come_back_as_session_execute_gives_them(db):
    """UTCDateTime (aware UTC, not the driver's naive value or SQLite's text), JSON (SQLite: parsed,
    not its text) and booleans (SQLite: True/False, not 1/0), by name and by position; a statement
    with no such column still gives the driver's rows."""
    noon_in_tehran = datetime(2026, 12, 7, 12, 0, tzinfo=timezone(timedelta(hours=3, minutes=30)))
    with db.transaction() as s:
        s.execute(insert(logged), [{"tag": "x", "data": {"a": [1, "مانع"]}, "audience": ["r:1"], "at": noon_in_tehran}])
    query = select(logged.c.id, logged.c.at, logged.c.data, logged.c.audience,
                   (logged.c.tag == "x").label("is_x"), (logged.c.tag == "y").label("is_y"))
    with db.reading() as s:
        fast = DriverStatement(query).execute(s, {}).all()
        slow = s.execute(query).all()
        assert [tuple(r) for r in fast] == [tuple(r) for r in slow]
        row = fast[0]
        assert row.at == datetime(2026, 12, 7, 8, 30, tzinfo=UTC) and row.data == {"a": [1, "مانع"]}
        assert row.is_x is True and row.is_y is False and row.audience == ["r:1"]
        assert DriverStatement(query.where(logged.c.tag == "none")).execute(s, {}).first() is None


_LOGGED_ROW = DriverStatement(insert(logged).values({c: bindparam(c) for c in ("tag", "data", "audience", "at")}))


def _as_stored(session, tag: str) -> list[tuple]:
    return [tuple(r) for r in session.execute(text(
        "SELECT CAST(data AS TEXT), CAST(audience AS TEXT), CAST(at AS TEXT) FROM driver_sql_logged "
        "WHERE tag = :tag ORDER BY id"), {"tag": tag})]


def test_many_rows_through_executemany_are_stored_as_session_execute_stores_them(db):
    """execute_many (a batch's events and records on SQLite): JSON values, Persian text, quotes and
    aware timestamps stored exactly as Session.execute's INSERT stores them, compared as stored."""
    with db.transaction() as s:
        _LOGGED_ROW.execute_many(s, _rows("fast", 3))
        s.execute(insert(logged), _rows("slow", 3))
    with db.reading() as s:
        fast = _as_stored(s, "fast")
        assert len(fast) == 3 and fast == _as_stored(s, "slow")


def test_many_rows_sharing_values_are_each_stored_with_their_own(db):
    """A batch's events share their command's time stamp (the same object): execute_many processes it
    once while it repeats, and a row whose value differs, or comes back after another, gets its own."""
    at = datetime(2026, 12, 7, 12, 0, tzinfo=timezone(timedelta(hours=3, minutes=30)))
    later = at + timedelta(minutes=1)
    audience = ["r:1"]
    values = [(at, audience), (at, audience), (later, ["o:w"]), (later, audience), (at, audience), (None, None)]
    rows = [{"tag": "shared", "data": {"n": i}, "audience": who, "at": when} for i, (when, who) in enumerate(values)]
    with db.transaction() as s:
        _LOGGED_ROW.execute_many(s, rows)
        s.execute(insert(logged), [{**row, "tag": "slow"} for row in rows])
    with db.reading() as s:
        shared = _as_stored(s, "shared")
        assert shared == _as_stored(s, "slow")
        assert [r[2][11:16] if r[2] else None for r in shared] == ["08:30", "08:30", "08:31", "08:31", "08:30", None]
        assert [r[1] for r in shared] == ['["r:1"]', '["r:1"]', '["o:w"]', '["r:1"]', '["r:1"]', "null"], shared


def test_many_rows_run_one_text_in_one_call_and_none_run_nothing(db):
    calls: list[tuple[str, bool]] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda _c, _cur, sql, _p, _ctx, executemany: calls.append((sql, executemany)))
    with db.transaction() as s:
        _LOGGED_ROW.execute_many(s, [])
        assert not [sql for sql, _many in calls if sql.startswith("INSERT")]
        _LOGGED_ROW.execute_many(s, _rows("one", 1))
        _LOGGED_ROW.execute_many(s, _rows("five", 5))
    inserts = [(sql, many) for sql, many in calls if sql.startswith("INSERT")]  # SQLite also runs BEGIN
    assert [many for _sql, many in inserts] == [False, True] and inserts[0][0] == inserts[1][0], calls
    with db.reading() as s:
        assert len(_as_stored(s, "one")) == 1 and len(_as_stored(s, "five")) == 5


def test_a_row_missing_a_value_is_refused_and_none_of_the_rows_is_stored(db):
    rows = _rows("bad", 3)
    del rows[2]["at"]
    with pytest.raises(KeyError), db.transaction() as s:
        _LOGGED_ROW.execute_many(s, rows)
    with db.reading() as s:
        assert _as_stored(s, "bad") == []


_LOGGED = JsonRows(logged, ("tag", "data", "audience", "at"))
_INSERT_LOGGED = DriverStatement(_LOGGED.insert)


@pytest.fixture
def pg():
    """JsonRows is PostgreSQL's (json_to_recordset): a database of its own."""
    with _pg_database("cg_mig") as url:
        database = Database(url)
        meta.create_all(database.engine)
        yield database
        database.dispose()


def _rows(tag: str, n: int) -> list[dict]:
    at = datetime(2026, 12, 7, 12, 0, 0, 123456, tzinfo=timezone(timedelta(hours=3, minutes=30)))
    return [{"tag": tag, "data": {"text": f"مانع {i} (911) \"quoted\"", "n": i, "nested": [1, {"a": None}]},
             "audience": [f"r:{i}", "o:w"], "at": at + timedelta(seconds=i)} for i in range(n)]


def _store(session, rows: list[dict]) -> None:
    _INSERT_LOGGED.execute(session, {"rows": _LOGGED.values(session.get_bind().dialect, rows)})


def test_rows_as_json_are_stored_as_the_many_values_form_stores_them(pg):
    """Each JSON value (a list: an event's audience) stays one value, text and timestamps as
    Session.execute stores them: compared as stored, column by column."""
    with pg.transaction() as s:
        _store(s, _rows("fast", 3))
        s.execute(insert(logged), _rows("slow", 3))
        _store(s, [])  # no rows: nothing stored
    with pg.reading() as s:
        stored = s.execute(text("SELECT tag, CAST(data AS TEXT), CAST(audience AS TEXT), CAST(at AS TEXT) "
                                "FROM driver_sql_logged ORDER BY id")).all()
    fast, slow = [tuple(r)[1:] for r in stored if r[0] == "fast"], [tuple(r)[1:] for r in stored if r[0] == "slow"]
    assert len(fast) == 3 and fast == slow


def test_rows_as_json_run_one_text_whatever_their_number(pg):
    """The point of it: 1 row or 60 (240 values), one statement of the same text (psycopg converts
    and prepares it once)."""
    seen: list[str] = []
    event.listen(pg.engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: seen.append(sql))
    with pg.transaction() as s:
        _store(s, _rows("a", 1))
        _store(s, _rows("b", 60))
    with pg.reading() as s:
        assert s.execute(text("SELECT count(*) FROM driver_sql_logged")).scalar() == 61
    inserts = [sql for sql in seen if sql.startswith("INSERT")]
    assert len(inserts) == 2 and inserts[0] == inserts[1] and "json_to_recordset" in inserts[0]
