"""The data version: one token that changes whenever papers or any counter (votes, comments, ...) change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, func, select

from paperwire.storage.tables import counters, papers


@dataclass(frozen=True)
class DataVersion:
    token: str
    last_modified: datetime | None


def data_version(conn: Connection) -> DataVersion:
    newest = select(func.max(papers.c.seq)).scalar_subquery()
    stamp = select(func.max(papers.c.updated_at)).scalar_subquery()
    total = select(func.coalesce(func.sum(counters.c.value), 0)).scalar_subquery()
    seq, updated, counted = conn.execute(select(newest, stamp, total)).one()
    if isinstance(updated, str):  # SQLite via a raw aggregate returns text
        updated = datetime.fromisoformat(updated)
    if updated is not None:  # SQLite drops the zone; values are written in UTC
        updated = updated.replace(tzinfo=UTC) if updated.tzinfo is None else updated.astimezone(UTC)
    return DataVersion(f"{seq or 0}.{counted}", updated)
