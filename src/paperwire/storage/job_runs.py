"""Job run rows: one per run, with status and counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from paperwire.storage.job_tables import job_runs

ABANDONED = "abandoned"  # left 'running' by a worker that died; the next lease holder runs the job again


def start(conn: Connection, name: str, now: datetime) -> int:
    values = {"name": name, "status": "running", "started_at": now, "counts": {}}
    return int(conn.execute(job_runs.insert().values(**values).returning(job_runs.c.id)).scalar_one())


def finish(
    conn: Connection, run_id: int, now: datetime, status: str, counts: dict[str, Any], error: str | None = None
) -> None:
    conn.execute(
        update(job_runs)
        .where(job_runs.c.id == run_id)
        .values(status=status, finished_at=now, counts=counts, error=error)
    )


def last_started(conn: Connection, name: str) -> datetime | None:
    """When `name` last started, leaving out runs a killed worker abandoned (they are due again)."""
    query = (
        select(job_runs.c.started_at)
        .where(job_runs.c.name == name, job_runs.c.status != ABANDONED)
        .order_by(job_runs.c.started_at.desc())
    )
    return conn.execute(query.limit(1)).scalar()


def abandon_running(conn: Connection, now: datetime, reason: str) -> list[str]:
    """Close the rows a worker left 'running' when it died; returns their job names. Only the lease holder
    runs jobs, so when it calls this between jobs every 'running' row is a dead worker's."""
    running = job_runs.c.status == "running"
    names = list(conn.execute(select(job_runs.c.name).where(running)).scalars())
    conn.execute(update(job_runs).where(running).values(status=ABANDONED, finished_at=now, error=reason))
    return names


def recent(conn: Connection, limit: int = 20) -> list[dict[str, Any]]:
    query = select(job_runs).order_by(job_runs.c.id.desc()).limit(limit)
    return [dict(row._mapping) for row in conn.execute(query)]
