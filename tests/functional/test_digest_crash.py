"""kill -9 the sender (a subprocess) at random moments and at named points; restart; check the invariant:
every subscriber got the edition exactly once, except reported ambiguous rows: at most twice, same Message-ID.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from paperwire.config import Settings
from paperwire.digest.subscriptions import SubscriptionService
from paperwire.storage.digest_tables import digest_sends, subscribers
from paperwire.storage.papers import upsert_papers
from tests.factories import make_record
from tests.smtpserver import RecordingHandler, smtp_server

SUBSCRIBERS = 30
REPO = Path(__file__).resolve().parents[2]


def populate(engine: Engine, settings: Settings) -> None:
    today = datetime.now(UTC).date()
    with engine.begin() as conn:
        upsert_papers(conn, [make_record(upvotes=3, announced=today) for _ in range(5)])
    subscriptions = SubscriptionService(engine, settings)
    for n in range(SUBSCRIBERS):
        subscriptions.add_confirmed(f"reader{n}@example.org")


def run_sender(database_url: str, smtp_url: str, crash_point: str = "", kill_after_s: float | None = None) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")} | {
        "PAPERWIRE_DATABASE_URL": database_url,
        "PAPERWIRE_MAIL_BACKEND": "smtp",
        "PAPERWIRE_SMTP_URL": smtp_url,
        "PAPERWIRE_DIGEST_RATE_PER_MINUTE": "1500",
        "PAPERWIRE_DIGEST_WEEKDAYS": "mon tue wed thu fri sat sun",
        "PAPERWIRE_DIGEST_BATCH_SIZE": "7",
        "PAPERWIRE_BASE_URL": "http://testserver",
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_sender", crash_point],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if kill_after_s is not None:
        time.sleep(kill_after_s)
        process.kill()
    _, err = process.communicate(timeout=60)
    assert process.returncode in (0, -9), err.decode()[-2000:]
    return process.returncode


def check_invariant(engine: Engine, handler: RecordingHandler) -> int:
    """Returns how many subscribers got a (reported) second copy."""
    got: dict[str, list[str]] = defaultdict(list)
    for received in handler.received:
        got[received.rcpt_tos[0]].append(str(received.message["Message-ID"]))
    with engine.connect() as conn:
        rows = {
            r.email: r
            for r in conn.execute(
                select(
                    subscribers.c.email, digest_sends.c.status, digest_sends.c.resends, digest_sends.c.message_id
                ).join(digest_sends, digest_sends.c.subscriber_id == subscribers.c.id)
            )
        }
    assert len(rows) == SUBSCRIBERS
    twice = 0
    for email, row in rows.items():
        assert row.status == "sent", (email, row.status)
        ids = got[email]
        assert 1 <= len(ids) <= 2, (email, ids)
        assert set(ids) == {row.message_id}, (email, ids)
        if len(ids) == 2:
            assert row.resends == 1, f"{email} got two copies but the ledger did not report it"
            twice += 1
    return twice


@pytest.mark.parametrize("point", ["after_claim", "before_data", "after_data_before_commit", "after_commit"])
def test_kill_at_named_point_then_restart_sends_each_subscriber_once(
    point: str, engine: Engine, settings: Settings, database_url: str
) -> None:
    populate(engine, settings)
    with smtp_server() as (url, handler):
        assert run_sender(database_url, url, crash_point=f"{point}:{3 if point == 'after_claim' else 9}") == -9
        assert run_sender(database_url, url) == 0
        twice = check_invariant(engine, handler)
    assert twice == (1 if point == "after_data_before_commit" else 0)


def test_kill_at_random_moments_then_restart_sends_each_subscriber_once(
    engine: Engine, settings: Settings, database_url: str
) -> None:
    populate(engine, settings)
    rng = random.Random(20261129)
    with smtp_server() as (url, handler):
        for _ in range(12):
            run_sender(database_url, url, kill_after_s=rng.uniform(0.2, 1.2))
        assert run_sender(database_url, url) == 0
        check_invariant(engine, handler)
        assert len(handler.received) >= SUBSCRIBERS
