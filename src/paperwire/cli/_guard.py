"""Refuse to run against a database that was never migrated, with a hint instead of a traceback."""

from __future__ import annotations

from sqlalchemy import Engine

from paperwire.errors import PaperwireError
from paperwire.storage import migrate


def require_schema(engine: Engine) -> None:
    if not migrate.current_revisions(engine):
        raise PaperwireError(f"database {engine.url!r} has no schema: run `paperwire db upgrade` first")
