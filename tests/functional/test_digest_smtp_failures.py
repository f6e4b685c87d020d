"""The sender against a real SMTP server that misbehaves: 4xx then 250, 550, dropped connection, rate limit,
error threshold, expired editions, hostile titles. Every test runs twice: with a server that advertises
PIPELINING (MAIL, RCPT and DATA in one write) and with one that does not (smtplib's one command at a time)."""

from __future__ import annotations

import dataclasses
import smtplib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.digest.service import DigestService
from paperwire.digest.subscriptions import SubscriptionService
from paperwire.mail import MemoryMailer, SMTPMailer
from paperwire.storage.papers import upsert_papers
from tests.factories import make_record
from tests.smtpserver import RecordingHandler, smtp_server

TUESDAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 14, tzinfo=UTC)


async def _advertise_pipelining(
    self: Any, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
) -> list[str]:
    session.host_name = hostname
    return [*responses[:-1], "250-PIPELINING", responses[-1]]


@pytest.fixture(autouse=True, params=[True, False], ids=["pipelining", "no-pipelining"])
def pipelining(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    if request.param:
        monkeypatch.setattr(RecordingHandler, "handle_EHLO", _advertise_pipelining, raising=False)
    return bool(request.param)


def populate(engine: Engine, settings: Settings, count: int, **paper: Any) -> list[str]:
    with engine.begin() as conn:
        upsert_papers(conn, [make_record(upvotes=3, announced=TUESDAY, **paper) for _ in range(3)])
    subscriptions = SubscriptionService(engine, settings)
    emails = [f"r{n}@example.org" for n in range(count)]
    for email in emails:
        subscriptions.add_confirmed(email)
    return emails


def moving_clock(start: datetime) -> Any:
    """Starts at `start` and advances in real time (retries become due)."""
    origin = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - origin)


def sender(engine: Engine, settings: Settings, url: str, **overrides: Any) -> DigestService:
    values = {"digest_rate_per_minute": 0, "digest_retry_base_s": 0.05} | overrides
    return DigestService(engine, dataclasses.replace(settings, **values), SMTPMailer(url), clock=moving_clock(NOW))


def recipients(handler: RecordingHandler) -> list[str]:
    return [r.rcpt_tos[0] for r in handler.received]


def test_temporary_failures_are_retried_then_delivered_once(engine: Engine, settings: Settings) -> None:
    emails = populate(engine, settings, 4)
    failures = {"r1@example.org": ["421 busy", "451 later"], "r2@example.org": ["451 later"]}
    handler = RecordingHandler(
        rcpt_hook=lambda address: failures.get(address, []).pop(0) if failures.get(address) else None
    )
    with smtp_server(handler) as (url, _):
        [report] = sender(engine, settings, url).send()
    assert sorted(recipients(handler)) == emails
    assert report.retried >= 3  # 421 also closes the connection
    assert report.sent == 4
    assert report.status == "finished"


def test_permanent_failure_bounces_and_suppresses_the_address(engine: Engine, settings: Settings) -> None:
    populate(engine, settings, 3)
    handler = RecordingHandler(rcpt_hook=lambda address: "550 no such user" if address == "r0@example.org" else None)
    with smtp_server(handler) as (url, _):
        [report] = sender(engine, settings, url).send()
    assert report.bounced == 1
    assert report.sent == 2
    assert DigestService(engine, settings, MemoryMailer()).status()["subscribers"] == {"active": 2, "bounced": 1}


class DroppingHandler(RecordingHandler):
    """Drops the connection after the first DATA, without answering."""

    dropped: bool = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not self.dropped:
            self.dropped = True
            server.transport.close()
            return "421 closing"
        return await super().handle_DATA(server, session, envelope)


def test_dropped_connection_after_data_reconnects_and_resends(engine: Engine, settings: Settings) -> None:
    emails = populate(engine, settings, 3)
    handler = DroppingHandler()
    with smtp_server(handler) as (url, _):
        [report] = sender(engine, settings, url).send()
    assert sorted(recipients(handler)) == emails
    assert report.retried == 1
    assert report.status == "finished"


def test_rate_limit_is_never_exceeded(engine: Engine, settings: Settings) -> None:
    populate(engine, settings, 6)
    stamps: list[float] = []
    handler = RecordingHandler(rcpt_hook=lambda address: stamps.append(time.monotonic()))  # type: ignore[func-returns-value]
    with smtp_server(handler) as (url, _):
        sender(engine, settings, url, digest_rate_per_minute=600).send()
    assert len(stamps) == 6
    # k intervals between messages i and i+k take at least k tenths of a second. The stamps are taken at
    # the server's RCPT, after a commit on the client, so a loaded machine may delay one message alone:
    # the jitter allowance covers that, never a limiter that lets a burst through (6 at once: span ~0).
    for i, j in [(a, b) for a in range(6) for b in range(a + 2, 6)]:
        assert stamps[j] - stamps[i] >= (j - i) * 0.1 - 0.06


def subscriber_counts(engine: Engine, settings: Settings) -> dict[str, int]:
    return dict(DigestService(engine, settings, MemoryMailer()).status()["subscribers"])


def edition_of(engine: Engine, settings: Settings) -> dict[str, Any]:
    [edition] = DigestService(engine, settings, MemoryMailer()).status()["editions"]
    return dict(edition)


def test_relay_refusing_everything_pauses_without_suppressing_anyone(engine: Engine, settings: Settings) -> None:
    populate(engine, settings, 12)
    refuse = lambda _address: "554 5.7.1 Service unavailable; client host blocked"  # noqa: E731
    handler = RecordingHandler(mail_hook=refuse, rcpt_hook=refuse, data_hook=refuse)
    with smtp_server(handler) as (url, _):
        [report] = sender(engine, settings, url, digest_batch_size=4).send()
    assert report.status == "paused"
    assert (report.attempts, report.bounced, report.refused) == (1, 0, 1)  # the first refused MAIL FROM
    assert subscriber_counts(engine, settings) == {"active": 12}
    edition = edition_of(engine, settings)
    assert edition["status"] == "paused"
    assert "refused the sender" in edition["note"]
    assert edition["sends"] == {"pending": 12}


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_relay_requiring_authentication_pauses_without_suppressing_anyone(engine: Engine, settings: Settings) -> None:
    populate(engine, settings, 5)
    with smtp_server(auth_required=True) as (url, handler):  # aiosmtpd answers MAIL with 530 5.7.0
        [report] = sender(engine, settings, url).send()
        assert sender(engine, settings, url).send(prepare=False) == []  # paused until an operator resumes
    assert handler.received == []
    assert report.status == "paused"
    assert report.bounced == 0
    assert subscriber_counts(engine, settings) == {"active": 5}
    edition = edition_of(engine, settings)
    assert "530" in edition["note"]
    assert edition["sends"] == {"pending": 5}


@contextmanager
def greeting_refusal(reply: bytes) -> Iterator[str]:
    """A server on loopback that answers every connection with `reply` and hangs up (no SMTP service)."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"smtp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)


def test_relay_refusing_the_session_at_greeting_pauses_without_suppressing_anyone(
    engine: Engine, settings: Settings
) -> None:
    populate(engine, settings, 4)
    with greeting_refusal(b"554 5.7.1 No SMTP service here for you\r\n") as url:
        [report] = sender(engine, settings, url).send()
    assert (report.status, report.bounced, report.refused) == ("paused", 0, 1)
    assert subscriber_counts(engine, settings) == {"active": 4}
    assert "554" in edition_of(engine, settings)["note"]


@pytest.mark.parametrize("reply", ["554 rejected", "554 5.7.1 Relaying denied", "550 5.7.1 Policy rejection"])
def test_policy_refusals_after_rcpt_pause_at_the_threshold_and_suppress_nobody(
    engine: Engine, settings: Settings, reply: str
) -> None:
    populate(engine, settings, 12)
    handler = RecordingHandler(rcpt_hook=lambda address: reply)
    with smtp_server(handler) as (url, _):
        [report] = sender(engine, settings, url, digest_pause_min_attempts=4, digest_batch_size=10).send()
    assert report.status == "paused"
    assert report.attempts == 4  # checked after every message, not at the end of the batch of 10
    assert report.bounced == 0
    assert subscriber_counts(engine, settings) == {"active": 12}
    assert edition_of(engine, settings)["sends"] == {"pending": 12}


def test_bounce_threshold_is_checked_after_every_message(engine: Engine, settings: Settings) -> None:
    populate(engine, settings, 20)
    handler = RecordingHandler(rcpt_hook=lambda address: "550 5.1.1 No such user")
    with smtp_server(handler) as (url, _):
        [report] = sender(engine, settings, url, digest_pause_min_attempts=4, digest_batch_size=20).send()
    assert report.status == "paused"
    assert report.bounced == 4  # not the whole batch of 20
    assert subscriber_counts(engine, settings) == {"active": 16, "bounced": 4}


def test_only_the_recipient_refused_after_rcpt_is_suppressed(engine: Engine, settings: Settings) -> None:
    populate(engine, settings, 6)
    replies = {"r3@example.org": "550 5.1.1 <r3@example.org>: no such user"}
    handler = RecordingHandler(rcpt_hook=replies.get)
    with smtp_server(handler) as (url, _):
        [report] = sender(engine, settings, url).send()
    assert (report.status, report.sent, report.bounced) == ("finished", 5, 1)
    assert subscriber_counts(engine, settings) == {"active": 5, "bounced": 1}
    assert sorted(recipients(handler)) == [f"r{n}@example.org" for n in range(6) if n != 3]


class AcceptThenDropHandler(RecordingHandler):
    """Keeps the message, then drops the connection instead of answering 250 (a relay that crashes or
    times out right after queueing). `drops` is how many times it does so (None: every time)."""

    drops: int | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if self.drops is None or self.drops > 0:
            self.drops = None if self.drops is None else self.drops - 1
            server.transport.close()
        return reply


def test_relay_dropping_after_data_gets_at_most_two_copies_and_rows_end_ambiguous_not_failed(
    engine: Engine, settings: Settings
) -> None:
    emails = populate(engine, settings, 3)
    handler = AcceptThenDropHandler()
    with smtp_server(handler) as (url, _):
        [report] = sender(engine, settings, url, digest_pause_min_attempts=100).send()
    copies = sorted(recipients(handler))
    assert copies == sorted(emails * 2)  # the one resend, never digest_max_attempts copies
    for email in emails:
        ids = {r.message["Message-ID"] for r in handler.received if r.rcpt_tos == [email]}
        assert len(ids) == 1  # the resend carries the same Message-ID, so clients can merge them
    assert report.status == "finished"
    assert report.ambiguous == 3
    edition = edition_of(engine, settings)
    assert edition["sends"] == {"ambiguous": 3}
    assert edition["resent_ambiguous"] == 3


def test_relay_dropping_once_after_data_resends_once_and_marks_sent(engine: Engine, settings: Settings) -> None:
    emails = populate(engine, settings, 3)
    handler = AcceptThenDropHandler()
    handler.drops = 1
    with smtp_server(handler) as (url, _):
        [report] = sender(engine, settings, url).send()
    assert sorted(recipients(handler)) == sorted([*emails, emails[0]])
    assert (report.status, report.sent, report.retried) == ("finished", 3, 1)
    assert edition_of(engine, settings)["sends"] == {"sent": 3}


def test_an_edition_older_than_the_max_age_is_never_sent(engine: Engine, settings: Settings) -> None:
    populate(engine, settings, 2)
    with smtp_server() as (url, handler):
        service = sender(engine, settings, url)
        service.prepare(TUESDAY)
        service.clock = moving_clock(NOW + timedelta(days=3))  # e.g. an old backup restored
        reports = service.send(TUESDAY + timedelta(days=3))
    assert handler.received == []
    assert reports[0].status == "expired"  # the new day's edition has nothing new for them


XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<a href='javascript:alert(1)'>x</a>",
    "<svg/onload=alert(1)>",
    "{{ 7*7 }} </td></table><iframe src=//evil>",
]


@pytest.mark.parametrize("title", XSS)
def test_hostile_titles_render_inert(engine: Engine, settings: Settings, title: str) -> None:
    populate(engine, settings, 1, title=title, authors=(title,), abstract=title)
    with smtp_server() as (url, handler):
        sender(engine, settings, url).send()
    html = handler.received[0].message.get_body(("html",)).get_content()
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all(["script", "img", "svg", "iframe"])
    assert not [a for tag in soup.find_all(True) for a in tag.attrs if a.startswith("on")]
    assert not [a for a in soup.find_all("a") if a["href"].startswith("javascript")]
    assert title in soup.get_text()


def test_pipelining_halves_the_writes_per_message(
    engine: Engine, settings: Settings, pipelining: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    emails = populate(engine, settings, 3)
    writes: list[bytes] = []
    original = smtplib.SMTP.send

    def send(self: smtplib.SMTP, data: str | bytes) -> None:
        writes.append(data if isinstance(data, bytes) else data.encode())
        original(self, data)

    monkeypatch.setattr(smtplib.SMTP, "send", send)
    with smtp_server() as (url, handler):
        [report] = sender(engine, settings, url).send()
    assert sorted(recipients(handler)) == emails
    assert report.sent == 3
    commands = [w for w in writes if w[:4].upper() in (b"MAIL", b"RCPT", b"DATA")]
    if pipelining:
        assert len(commands) == 3
        assert all(w.count(b"\r\n") == 3 for w in commands)  # MAIL + RCPT + DATA together
    else:
        assert len(commands) == 9
