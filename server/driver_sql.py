"""The storm's per-dot and per-batch statements: compiled once, run through the driver.

A vote storm runs one large statement per dot (domain/board.py: the dot's checks and its insert
or delete, on PostgreSQL). Through `Session.execute` SQLAlchemy spent more CPU on it than psycopg
and PostgreSQL together: it hashes the statement's cache key (dozens of elements) on every run,
builds each parameter set from the compiled statement and sets up an ORM-aware result (a CPU-clock
profile of the server under the 2,000-phone storm: 14 % of the servers' CPU in SQLAlchemy for that
one statement, 9 % in psycopg; docs/benchmarks.md, ninth session).

`DriverStatement` compiles the Core statement once per dialect and runs the compiled text with the
connection's `exec_driver_sql`, which skips those steps. What it keeps: each parameter passes through
its type's bind processor (UTCDateTime stores naive UTC), constants bound in the statement are sent,
positional drivers (SQLite, pg8000) get their parameters in the compiled order, and a result column
whose type processes the driver's value (SQLite's booleans and JSON, UTCDateTime) is processed as
Session.execute would: such a statement's rows come back as `ProcessedRows` (named tuples), the
others' as the driver's CursorResult. What it refuses, when it compiles: an expanding IN (its text
depends on the values). Not a general replacement for `Session.execute`: for the few statements a
storm runs per dot and per batch.

`execute_many` runs a one-row statement for many rows through the driver's executemany (a batch's
events and records on SQLite). `JsonRows` gives many rows to one statement as one JSON parameter
(see its docstring).
"""
from __future__ import annotations

import weakref
from collections import namedtuple
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, bindparam, func, insert, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class _Compiled:
    sql: str
    constants: dict[str, Any]
    processors: tuple[tuple[str, Any], ...]
    positions: tuple[str, ...] | None  # the parameters' order for a positional paramstyle
    results: tuple[tuple[int, Any], ...]  # (column's index, its type's result processor), where it has one
    row: Any  # the named tuple of the processed rows (None: no column needs processing)


class ProcessedRows:
    """The rows of a statement some of whose columns need processing, processed: `first()`, `all()`,
    iteration; each row a named tuple (attribute access by column name, as SQLAlchemy's Row)."""

    def __init__(self, rows: list):
        self._rows = rows

    def first(self):
        return self._rows[0] if self._rows else None

    def all(self) -> list:
        return list(self._rows)

    def __iter__(self):
        return iter(self._rows)


class DriverStatement:
    """A Core statement run as its compiled text (see the module's docstring)."""

    def __init__(self, statement):
        self.statement = statement
        # Keyed by the engine's dialect object: gone with its engine (tests make many).
        self._by_dialect: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def compiled(self, dialect) -> _Compiled:
        found = self._by_dialect.get(dialect)
        if found is None:
            found = self._by_dialect[dialect] = self._compile(dialect)
        return found

    def _compile(self, dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        if compiled.post_compile_params:
            raise ValueError("DriverStatement: the statement has an expanding IN (its text depends on the values)")
        columns = list(self.statement.exported_columns)  # a SELECT's columns, a DML's RETURNING
        results = []
        for index, column in enumerate(columns):
            processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if processor is not None:
                results.append((index, processor))
        row = namedtuple("ProcessedRow", [c.key for c in columns]) if results else None
        constants: dict[str, Any] = {}
        processors: dict[str, Any] = {}
        for bind, name in compiled.bind_names.items():
            if not bind.required:
                constants[name] = bind.effective_value
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors[name] = processor
        positions = tuple(compiled.positiontup) if compiled.positional else None
        return _Compiled(compiled.string, constants, tuple(processors.items()), positions, tuple(results), row)

    def execute(self, session: Session, params: dict[str, Any]) -> CursorResult | ProcessedRows:
        connection = session.connection()
        c = self.compiled(connection.dialect)
        result = connection.exec_driver_sql(c.sql, _driver_params(c, params))
        if c.row is None:
            return result
        rows = []
        for raw in result.fetchall():
            values = list(raw)
            for index, processor in c.results:
                values[index] = processor(values[index])
            rows.append(c.row._make(values))
        return ProcessedRows(rows)

    def execute_many(self, session: Session, rows: list[dict[str, Any]]) -> None:
        """Run the statement once per row through the driver's executemany (SQLite's is a C loop):
        for a one-row INSERT, one text whatever the number of rows. Nothing is returned."""
        if not rows:
            return
        connection = session.connection()
        c = self.compiled(connection.dialect)
        if len(rows) == 1:  # exec_driver_sql runs a list of one as a plain execute
            connection.exec_driver_sql(c.sql, _driver_params(c, rows[0]))
        else:
            last: dict[str, tuple[Any, Any]] = {}
            connection.exec_driver_sql(c.sql, [_driver_params(c, row, last) for row in rows])


def _driver_params(c: _Compiled, params: dict[str, Any], last: dict[str, tuple[Any, Any]] | None = None):
    """The parameters as the driver takes them: constants added, each through its bind processor,
    in the compiled order for a positional paramstyle.

    `last` (execute_many: one dict for all the rows): each parameter's value in the row before and
    what it became. A value that is the very object the row before had (a batch's events share their
    command's time stamp) is processed once: a storm's batch of events spent 1.7 % of the server's CPU
    formatting the same time stamp again (docs/benchmarks.md, fourteenth session)."""
    values = {**c.constants, **params}
    for name, processor in c.processors:
        value = values[name]
        seen = last.get(name) if last is not None else None
        if seen is not None and seen[0] is value:
            values[name] = seen[1]
            continue
        values[name] = processed = processor(value)
        if last is not None:
            last[name] = (value, processed)
    if c.positions is not None:
        return tuple(values[name] for name in c.positions)
    return values


class JsonRows:
    """Many rows as one JSON parameter: `INSERT ... SELECT ... FROM json_to_recordset(:param)`.

    PostgreSQL only. The statement's text does not change with the number of rows, so psycopg
    converts and prepares one text; SQLAlchemy's many-VALUES form renders a new text for each
    number of rows, which psycopg converted again on every batch once it had more than 50
    parameters (its cache's bound): 4 % of the servers' CPU in the storm's profile, 8 % for the
    whole events INSERT. `insert` is the Core statement (domain/commands.py makes it a CTE of a
    batch's one statement); `values` gives the rows as the parameter: a JSON column's value goes
    in as it is (one JSON text for all, by the same json.dumps), any other column's value first
    passes its type's bind processing (UTCDateTime: naive UTC), a timestamp as ISO text that
    PostgreSQL reads back exactly."""

    def __init__(self, table, columns: tuple[str, ...], param: str = "rows"):
        self.columns = columns
        self._table = table
        self._processors: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        rows = func.json_to_recordset(bindparam(param, type_=JSON)).table_valued(
            *(table.c[c] for c in columns)).render_derived(with_types=True)
        self.insert = insert(table).from_select(list(columns), select(*(rows.c[c] for c in columns)))

    def _column_processors(self, dialect) -> list[tuple[str, Any]]:
        found = self._processors.get(dialect)
        if found is None:
            found = []
            for name in self.columns:
                kind = self._table.c[name].type
                if isinstance(kind, JSON):
                    continue
                processor = kind.dialect_impl(dialect).bind_processor(dialect)
                if processor is not None or isinstance(kind.dialect_impl(dialect), DateTime):
                    found.append((name, processor))
            self._processors[dialect] = found
        return found

    def values(self, dialect, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        processors = self._column_processors(dialect)
        if not processors:
            return rows
        out = []
        for row in rows:
            row = dict(row)
            for name, processor in processors:
                value = processor(row[name]) if processor is not None else row[name]
                row[name] = value.isoformat() if isinstance(value, datetime) else value
            out.append(row)
        return out
