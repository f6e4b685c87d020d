"""The scheduler: due jobs run once and are recorded; a second worker is refused while the lease is held."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from paperwire.config import Settings
from paperwire.errors import Conflict
from paperwire.services import Services, build_services
from paperwire.storage import job_runs, leases
from paperwire.storage.job_tables import leases as lease_rows
from paperwire.worker import LEASE, Job, Worker

calls: list[str] = []


def fake(services: Services) -> dict[str, Any]:
    calls.append("fake")
    return {"done": 1}


def broken(services: Services) -> dict[str, Any]:
    raise ValueError("boom")


JOBS = (Job("fake", fake, lambda s: timedelta(hours=1)), Job("broken", broken, lambda s: timedelta(hours=1)))


def test_due_jobs_run_once_and_are_recorded(engine: Engine, settings: Settings) -> None:
    now = [datetime(2026, 11, 24, 12, tzinfo=UTC)]
    worker = Worker(build_services(settings, engine=engine), JOBS, clock=lambda: now[0])
    results = worker.run_once()
    assert [(r["job"], r["status"]) for r in results] == [("fake", "succeeded"), ("broken", "failed")]
    assert worker.run_once() == []  # nothing due within the interval
    now[0] += timedelta(hours=1)
    assert [r["job"] for r in worker.run_once()] == ["fake", "broken"]
    with engine.begin() as conn:
        rows = job_runs.recent(conn)
    assert rows[0]["error"] == "ValueError: boom"
    assert rows[-1]["counts"] == {"done": 1}


def test_second_worker_is_refused_while_the_lease_is_held(engine: Engine, settings: Settings) -> None:
    first = Worker(build_services(settings, engine=engine), JOBS)
    first.run_once()
    with pytest.raises(Conflict):
        Worker(build_services(settings, engine=engine), JOBS).run_once()
    first.release()
    Worker(build_services(settings, engine=engine), JOBS).run_once()


def test_a_run_left_running_by_a_killed_worker_is_abandoned_and_run_again(engine: Engine, settings: Settings) -> None:
    now = datetime(2026, 12, 3, 12, tzinfo=UTC)
    with engine.begin() as conn:
        job_runs.start(conn, "fake", now - timedelta(minutes=5))  # the dead worker's, never finished
        leases.acquire(conn, LEASE, "elsewhere:1:dead", now - timedelta(minutes=5), settings.worker_lease_s)
    results = Worker(build_services(settings, engine=engine), JOBS[:1], clock=lambda: now).run_once()
    assert [(r["job"], r["status"]) for r in results] == [("fake", "succeeded")]
    with engine.begin() as conn:
        rows = job_runs.recent(conn)
    assert [row["status"] for row in reversed(rows)] == ["abandoned", "succeeded"]
    assert "stopped without finishing" in rows[1]["error"]


def test_the_lease_is_renewed_while_a_long_job_runs(engine: Engine, settings: Settings) -> None:
    def expiry() -> datetime:
        with engine.connect() as conn:
            return conn.execute(select(lease_rows.c.expires_at)).scalar_one()

    def long_job(services: Services) -> dict[str, Any]:
        first = expiry()
        deadline = time.monotonic() + 30
        while expiry() == first and time.monotonic() < deadline:
            time.sleep(0.05)
        return {"renewed": expiry() > first}

    quick = replace(settings, worker_lease_s=1)  # renewed every third of a second
    worker = Worker(build_services(quick, engine=engine), (Job("long", long_job, lambda s: timedelta(hours=1)),))
    assert [r["counts"] for r in worker.run_once()] == [{"renewed": True}]
