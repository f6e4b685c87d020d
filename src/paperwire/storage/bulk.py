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
    suffix = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    pairs = list(zip(columns, converters, strict=True))
    params = [tuple(row[name] if convert is None else convert(row[name]) for name, convert in pairs) for row in rows]
    if conn.dialect.name == "sqlite":  # in-process: executemany is the fastest path
        marks = ", ".join(["?"] * len(columns))
        conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks}){suffix}", params)  # noqa: S608
        return
    # PostgreSQL: one statement per chunk of rows (a server round trip per row costs ~0.2 ms).
    row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = max(1, min(1000, 65535 // len(columns)))
    for start in range(0, len(params), per_statement):
        chunk = params[start : start + per_statement]
        values = ", ".join([row_marks] * len(chunk))
        flat = tuple(value for row in chunk for value in row)
        conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({names}) VALUES {values}{suffix}", flat)  # noqa: S608


def select_in(conn: Connection, sql_before_in: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run `<sql_before_in> IN (values...)` at the driver level, e.g. 'SELECT name, id FROM authors WHERE name'.

    On PostgreSQL the values travel as one array (`= ANY(%s)`): a long IN list of parameters gets a
    generic plan once psycopg prepares the statement, and that plan scans the whole table.
    """
    if not values:
        return []
    if conn.dialect.name == "sqlite":
        marks = ", ".join(["?"] * len(values))
        return [tuple(row) for row in conn.exec_driver_sql(f"{sql_before_in} IN ({marks})", tuple(values))]
    return [tuple(row) for row in conn.exec_driver_sql(f"{sql_before_in} = ANY(%s)", (list(values),))]
