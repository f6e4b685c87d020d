"""Driver-level bulk writes for ingest: executemany without per-row SQLAlchemy parameter processing.

SQLAlchemy's compiled executemany costs ~50 µs a row in parameter processing; bulk ingest writes
hundreds of thousands of rows, so the hot tables go straight to the DB-API cursor. Values are
converted here exactly as SQLAlchemy would store them (dates as ISO text on SQLite, JSON as text).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Connection, Date, DateTime, Table

Converter = Callable[[Any], Any] | None


def _sqlite_converter(column_type: Any) -> Converter:
    if isinstance(column_type, DateTime):
        return lambda v: v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v
    if isinstance(column_type, Date):
        return lambda v: v.isoformat() if isinstance(v, date) else v
    if isinstance(column_type, JSON):
        return lambda v: None if v is None else json.dumps(v)
    return None


def _postgres_converter(column_type: Any) -> Converter:
    if isinstance(column_type, JSON):
        from psycopg.types.json import Json

        return lambda v: None if v is None else Json(v)
    return None


def _placeholder(conn: Connection) -> str:
    return "?" if conn.dialect.name == "sqlite" else "%s"


def bulk_insert(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], *, ignore_conflicts: bool = False
) -> None:
    """INSERT every row (all rows have the same keys); optionally ON CONFLICT DO NOTHING."""
    if not rows:
        return
    columns = list(rows[0])
    quote = conn.dialect.identifier_preparer.quote
    make = _sqlite_converter if conn.dialect.name == "sqlite" else _postgres_converter
    converters = [make(table.c[name].type) for name in columns]
    # Table and column names come from our own Table objects, never from input.
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join([_placeholder(conn)] * len(columns))
    sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"  # noqa: S608
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    params = [
        tuple(
            row[name] if convert is None else convert(row[name])
            for name, convert in zip(columns, converters, strict=True)
        )
        for row in rows
    ]
    conn.exec_driver_sql(sql, params)


def select_in(conn: Connection, sql_before_in: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run `<sql_before_in> IN (values...)` at the driver level, e.g. 'SELECT name, id FROM authors WHERE name'."""
    if not values:
        return []
    marks = ", ".join([_placeholder(conn)] * len(values))
    return [tuple(row) for row in conn.exec_driver_sql(f"{sql_before_in} IN ({marks})", tuple(values))]
