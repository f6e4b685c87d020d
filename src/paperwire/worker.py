"""`paperwire worker`: the one scheduler process. A lease row keeps a second worker from running jobs.

Each due job runs in turn and is recorded as a job_runs row (running -> succeeded | failed, with counts).
The lease is renewed while a job runs, so a standby worker on another host takes it only from a worker that
stopped; the runs that worker left 'running' are then marked abandoned and run again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from paperwire import jobs
from paperwire.config import Settings
from paperwire.errors import Conflict
from paperwire.services import Services
from paperwire.storage import job_runs, leases

log = logging.getLogger(__name__)
LEASE = "worker"
ABANDONED_NOTE = "the worker running it stopped without finishing (killed?); the next lease holder runs it again"
JobFn = Callable[[Services], dict[str, Any]]


@dataclass(frozen=True)
class Job:
    name: str
    run: JobFn
    interval: Callable[[Settings], timedelta]


JOBS = (
    Job("ingest", jobs.ingest, lambda s: timedelta(hours=s.worker_ingest_interval_hours)),
    Job("index", jobs.index, lambda s: timedelta(hours=s.worker_ingest_interval_hours)),
    Job("keywords", jobs.keywords, lambda s: timedelta(hours=s.worker_ingest_interval_hours)),
    Job("github", jobs.github_stars, lambda s: timedelta(hours=s.github_refresh_hours)),
    Job("trending", jobs.trending_job, lambda s: timedelta(hours=s.worker_trending_interval_hours)),
    Job("map", jobs.map_build, lambda s: timedelta(days=max(s.worker_map_rebuild_days, 1))),
    Job("map-update", jobs.map_update, lambda s: timedelta(days=1)),
    Job("digest", jobs.digests, lambda s: timedelta(minutes=5)),  # the service knows when an edition is due
)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


class Worker:
    def __init__(
        self, services: Services, jobs_: tuple[Job, ...] = JOBS, clock: Callable[[], datetime] = _utcnow
    ) -> None:
        self.services, self.jobs, self.clock = services, jobs_, clock
        self.engine, self.settings = services.engine, services.settings
        self.holder = leases.make_holder()

    def _hold_lease(self, *, between_jobs: bool = True) -> None:
        with self.engine.begin() as conn:
            if not leases.acquire(conn, LEASE, self.holder, self.clock(), self.settings.worker_lease_s):
                raise Conflict(f"another worker holds the lease ({leases.holder_of(conn, LEASE)})")
            if between_jobs and (names := job_runs.abandon_running(conn, self.clock(), ABANDONED_NOTE)):
                log.warning("worker.runs_abandoned", extra={"jobs": names, "holder": self.holder})

    @contextmanager
    def _renewing(self) -> Iterator[None]:
        """Renew the lease every third of its life while a job runs (a digest send can outlast it)."""
        stop = threading.Event()

        def renew() -> None:
            while not stop.wait(self.settings.worker_lease_s / 3):
                try:
                    self._hold_lease(between_jobs=False)
                except Exception:  # a lost lease or a database gone for a while: the job goes on; logged
                    log.exception("worker.lease_not_renewed", extra={"holder": self.holder})

        thread = threading.Thread(target=renew, name="worker-lease", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def due(self) -> list[Job]:
        now = self.clock()
        with self.engine.begin() as conn:
            last = {job.name: job_runs.last_started(conn, job.name) for job in self.jobs}
        return [job for job in self.jobs if self._is_due(last[job.name], now, job)]

    def _is_due(self, last: datetime | None, now: datetime, job: Job) -> bool:
        return last is None or now - _aware(last) >= job.interval(self.settings)

    def run_once(self) -> list[dict[str, Any]]:
        """Run every due job once; returns their job rows' outcome."""
        self._hold_lease()
        return [self._run(job) for job in self.due()]

    def _run(self, job: Job) -> dict[str, Any]:
        with self.engine.begin() as conn:
            run_id = job_runs.start(conn, job.name, self.clock())
        status, counts, error = "succeeded", {}, None
        try:
            with self._renewing():
                counts = job.run(self.services)
        except Exception as failure:  # the one broad catch: the job loop must survive any job
            log.exception("worker.job_failed", extra={"job": job.name, "job_run_id": run_id})
            status, error = "failed", f"{type(failure).__name__}: {failure}"[:2000]
        with self.engine.begin() as conn:
            job_runs.finish(conn, run_id, self.clock(), status, counts, error)
        log.info("worker.job", extra={"job": job.name, "status": status, "job_run_id": run_id})
        return {"id": run_id, "job": job.name, "status": status, "counts": counts, "error": error}

    def run_forever(self) -> None:
        try:
            while True:
                self.run_once()
                time.sleep(self.settings.worker_poll_s)
        finally:
            self.release()

    def release(self) -> None:
        with self.engine.begin() as conn:
            leases.release(conn, LEASE, self.holder)
