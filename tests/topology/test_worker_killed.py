"""kill -9 the worker host's `paperwire worker` in the middle of a digest send: a standby worker on another
host (restarted by its supervisor, as systemd's Restart=always does) takes the lease once it expires and
finishes the edition; every subscriber gets exactly one message."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from paperwire.config import load_settings
from paperwire.digest.subscriptions import SubscriptionService
from paperwire.storage import job_runs
from paperwire.storage.digest_tables import digest_editions, digest_sends, subscribers
from paperwire.storage.job_tables import job_runs as job_runs_table
from paperwire.storage.papers import upsert_papers
from paperwire.worker import JOBS
from tests.factories import make_record
from tests.smtpserver import RecordingHandler, smtp_server
from tests.topology.hosts import Program, Topology

SUBSCRIBERS = 30
KILL_AT_MESSAGE = 11  # the worker dies while it talks to the relay about this message (before DATA)
WORKER = {
    "mail_backend": "smtp",
    "digest_send_hour_utc": "0",
    "digest_weekdays": "mon tue wed thu fri sat sun",
    "digest_rate_per_minute": "240",
    "digest_batch_size": "5",
    "digest_claim_timeout_s": "2",  # the sender's lease: expires 2 s after its holder's last batch
    "worker_lease_s": "15",  # renewed every 5 s while a job runs, so it outlives the sender's lease
    "worker_poll_s": "1",
}
DEADLINE_S = 120  # a hang fails the test; no figure is asserted


def populate(engine: Engine, database_url: str) -> None:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        upsert_papers(conn, [make_record(upvotes=3, announced=now.date()) for _ in range(5)])
        for job in JOBS:  # everything but the digest ran a moment ago, so the worker goes straight to it
            if job.name != "digest":
                job_runs.finish(conn, job_runs.start(conn, job.name, now), now, "succeeded", {})
    subscriptions = SubscriptionService(engine, load_settings({}, database_url=database_url))
    for n in range(SUBSCRIBERS):
        subscriptions.add_confirmed(f"reader{n}@example.org")


class KillDuringSend:
    """The relay's MAIL FROM hook: SIGKILLs the worker at the N-th message, mid-conversation."""

    def __init__(self) -> None:
        self.victim: Program | None = None
        self.mails, self.killed_at, self.killed_on = 0, 0.0, datetime.now(UTC)
        self.killed = threading.Event()

    def __call__(self, address: str) -> str | None:
        self.mails += 1
        if self.mails == KILL_AT_MESSAGE and self.victim is not None:
            os.kill(self.victim.process.pid, signal.SIGKILL)
            self.killed_at, self.killed_on = time.monotonic(), datetime.now(UTC)
            self.killed.set()
            return "421 4.3.0 going away"
        return None


def standby(topology: Topology, host: str, settings: dict[str, str], done: threading.Event) -> list[int]:
    """A supervisor restarting `paperwire worker` a second after each exit, until `done`; returns the exits."""
    exits: list[int] = []
    while not done.is_set():
        program = topology.start(host, "worker", **settings)
        while program.process.poll() is None and not done.wait(0.2):
            pass
        if program.process.poll() is None:
            program.stop()
            break
        exits.append(program.process.returncode)
        done.wait(1.0)
    return exits


def edition_status(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(digest_editions.c.status)).scalar()


def digest_recorded(engine: Engine) -> bool:
    """The edition is finished and the run that finished it is recorded (the worker writes it after)."""
    runs = select(job_runs_table.c.status).where(job_runs_table.c.name == "digest")
    with engine.connect() as conn:
        last = conn.execute(runs.order_by(job_runs_table.c.id.desc()).limit(1)).scalar()
    return edition_status(engine) == "finished" and last not in (None, "running")


def test_a_standby_worker_finishes_the_digest_of_a_killed_one_exactly_once(
    topology: Topology, topology_engine: Engine, topology_url: str
) -> None:
    populate(topology_engine, topology_url)
    relay = KillDuringSend()
    with smtp_server(RecordingHandler(mail_hook=relay), host=topology.network.root_address) as (url, handler):
        settings = WORKER | {"smtp_url": url}
        relay.victim = topology.start("worker-1", "worker", **settings)
        assert relay.killed.wait(DEADLINE_S), relay.victim.output()
        done, exits = threading.Event(), []
        supervisor = threading.Thread(target=lambda: exits.extend(standby(topology, "app-2", settings, done)))
        supervisor.start()
        deadline = time.monotonic() + DEADLINE_S
        while not digest_recorded(topology_engine) and time.monotonic() < deadline:
            time.sleep(0.2)
        finished_after_s = time.monotonic() - relay.killed_at  # finished and recorded
        done.set()
        supervisor.join()
    assert edition_status(topology_engine) == "finished", topology.programs[-1].output()

    got: dict[str, list[str]] = defaultdict(list)
    for received in handler.received:
        got[received.rcpt_tos[0]].append(str(received.message["Message-ID"]))
    with topology_engine.connect() as conn:
        ledger = dict(
            conn.execute(
                select(subscribers.c.email, digest_sends.c.message_id)
                .join(digest_sends, digest_sends.c.subscriber_id == subscribers.c.id)
                .where(digest_sends.c.status == "sent")
            ).all()
        )
        runs = conn.execute(
            select(job_runs_table.c.status, job_runs_table.c.counts, job_runs_table.c.started_at)
            .where(job_runs_table.c.name == "digest")
            .order_by(job_runs_table.c.id)
        ).all()
    assert len(ledger) == SUBSCRIBERS
    assert {email: ids for email, ids in got.items()} == {email: [mid] for email, mid in ledger.items()}
    assert [run.status for run in runs] == ["abandoned", "succeeded"]  # the killed run, then the standby's
    [edition] = runs[1].counts["editions"]
    assert edition["status"] == "finished"
    assert edition["sent"] == SUBSCRIBERS - KILL_AT_MESSAGE + 1
    print(  # the observation for docs/scaling.md (pytest -rP shows it)
        f"worker killed at message {KILL_AT_MESSAGE}; standby exits while the lease was held: {exits}; "
        f"standby took over {(runs[1].started_at - relay.killed_on).total_seconds():.1f} s after the kill "
        f"(lease {WORKER['worker_lease_s']} s), finished {finished_after_s:.1f} s after it; "
        f"{len(handler.received)} messages for {SUBSCRIBERS} subscribers; standby's report: {edition}"
    )
