"""The scheduler: due jobs run once and are recorded; a second worker is refused while the lease is held."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.errors import Conflict
from paperwire.services import Services, build_services
from paperwire.storage import job_runs
from paperwire.worker import Job, Worker

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
