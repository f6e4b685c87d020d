"""Which database errors mean "unavailable right now" (the web answers 503 + Retry-After) and which are
bugs (500): storage.db.is_unavailable."""

from __future__ import annotations

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from paperwire.storage.db import DATABASE_ERRORS, is_unavailable


class _DriverError(Exception):
    pass


def test_a_lost_or_refused_connection_is_unavailable() -> None:
    assert is_unavailable(OperationalError("SELECT 1", {}, _DriverError("connection refused")))
    assert is_unavailable(DBAPIError("SELECT 1", {}, _DriverError("server closed"), connection_invalidated=True))


def test_an_exhausted_pool_is_unavailable() -> None:
    assert is_unavailable(PoolTimeout("QueuePool limit of size 20 overflow 20 reached"))


def test_errors_of_the_statement_are_not_unavailable() -> None:
    for error in (IntegrityError, ProgrammingError, DataError):
        assert not is_unavailable(error("INSERT ...", {}, _DriverError("bad")))


def test_the_web_handles_every_database_error_class() -> None:
    assert {DBAPIError, PoolTimeout} <= set(DATABASE_ERRORS)
