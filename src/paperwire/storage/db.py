"""Engines for SQLite (WAL, one writer at a time) and PostgreSQL, plus transaction helpers."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError as DataError  # what the web turns into a 400 (a NUL byte, say)
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from paperwire.config import Settings

DEFAULT_CONNECT_TIMEOUT_S = Settings().database_connect_timeout_s


def normalize_url(url: str) -> str:
    """Accept postgresql:// and postgres:// and pick the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def is_sqlite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url if isinstance(engine_or_url, str) else str(engine_or_url.url)
    return url.startswith("sqlite")


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy own transactions; issue BEGIN IMMEDIATE ourselves so writers queue on busy_timeout
    # instead of failing with "database is locked" on lock upgrade.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write", True) else "BEGIN")


def make_engine(database_url: str | Settings, **kwargs: object) -> Engine:
    """An engine for a URL or for settings (which also give PostgreSQL's connect timeout)."""
    url = database_url.database_url if isinstance(database_url, Settings) else database_url
    timeout = (
        database_url.database_connect_timeout_s if isinstance(database_url, Settings) else DEFAULT_CONNECT_TIMEOUT_S
    )
    url = normalize_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # A pooled connection is pinged before use, so after a PostgreSQL restart dead ones are replaced
    # (pre-ping invalidates the whole pool on a disconnect) instead of failing one request each.
    kwargs.setdefault("pool_pre_ping", True)
    # No server-side prepared statements: psycopg prepares a statement after 5 uses, and PostgreSQL's
    # generic plan for `= ANY($1)` on a table that was small at the time stays a sequential scan while
    # bulk ingest grows it (measured: ingesting 10,000 papers took 19 s with, 5.5 s without).
    connect_args = dict(kwargs.pop("connect_args", None) or {})  # type: ignore[call-overload]
    connect_args.setdefault("prepare_threshold", None)
    connect_args |= _unreachable_fast(timeout) | connect_args
    return create_engine(url, connect_args=connect_args, **kwargs)


def _unreachable_fast(timeout_s: int) -> dict[str, object]:
    """libpq parameters that bound how long an unreachable server can hold a request: connecting gives up
    after `timeout_s`; on an open connection, data the server does not acknowledge within 2 x timeout_s
    (a host gone from the network) and an idle peer silent to keepalives for ~60 s end the connection."""
    return {
        "connect_timeout": timeout_s,
        "tcp_user_timeout": 2 * timeout_s * 1000,  # milliseconds
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
    }


# What a failed database call raises (DataError, IntegrityError, OperationalError ... and the pool's
# timeout); `is_unavailable` says which of them mean "down right now" rather than a bug.
DATABASE_ERRORS: tuple[type[Exception], ...] = (DBAPIError, PoolTimeout)


def is_unavailable(error: BaseException) -> bool:
    """The database cannot be reached right now (down, restarting, connection lost, pool exhausted, SQLite
    locked past busy_timeout): the request may succeed if retried shortly, so the web answers 503."""
    if isinstance(error, PoolTimeout | OperationalError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


@contextmanager
def read_only(engine: Engine) -> Iterator[Connection]:
    """A read transaction: on SQLite a plain BEGIN (no writer lock); on PostgreSQL a normal one."""
    with engine.connect() as conn:
        conn.info["write"] = False
        try:
            with conn.begin():
                yield conn
        finally:
            conn.info["write"] = True


def next_seq(conn: Connection, name: str = "papers", amount: int = 1) -> int:
    """Reserve `amount` values of a named monotonic counter atomically; returns the first one.

    One upsert statement, so two processes creating the same counter at once cannot collide.
    """
    row = conn.execute(
        text(
            "INSERT INTO counters (name, value) VALUES (:n, :a) "
            "ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value RETURNING value"
        ),
        {"n": name, "a": amount},
    ).one()
    return int(row[0]) - amount + 1


def ping(engine: Engine) -> None:
    """Raises unless the database answers a trivial query."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
