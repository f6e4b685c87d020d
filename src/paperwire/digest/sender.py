"""The sender: claims ledger rows in batches and sends them over one reused SMTP connection.

Per message: mark 'sending' (commit) -> DATA -> mark 'sent' (commit). A crash between DATA and the second
commit leaves 'sending', which the next sender resends once with the same Message-ID and reports.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.digest import dkim
from paperwire.digest.batch import BatchData, load_batch
from paperwire.digest.compose import build_message, render_sections
from paperwire.digest.report import SendReport
from paperwire.digest.throttle import RateLimiter, crash_points
from paperwire.mail import Mailer, MailPermanentError, MailTemporaryError
from paperwire.storage import digest_ledger as ledger
from paperwire.storage import leases
from paperwire.storage.digest_ledger import Edition, SendRow

log = logging.getLogger(__name__)
LEASE = "digest-sender"
MAX_INLINE_WAIT_S = 60.0
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _Connection:
    """One SMTP session, reopened after the server drops it."""

    def __init__(self, mailer: Mailer) -> None:
        self.mailer, self.stack, self.session = mailer, ExitStack(), None

    def send(self, message: Any) -> None:
        if self.session is None:
            self.session = self.stack.enter_context(self.mailer.session())
        self.session.send(message)

    def reset(self) -> None:
        try:
            self.stack.close()
        except Exception:  # the connection is already broken; closing it may fail too
            log.debug("digest.smtp_close_failed", exc_info=True)
        self.stack, self.session = ExitStack(), None


class Sender:
    def __init__(self, engine: Engine, settings: Settings, mailer: Mailer, *, clock: Clock = _utcnow,
                 only: int | None = None) -> None:  # fmt: skip
        self.engine, self.settings, self.mailer, self.clock, self.only = engine, settings, mailer, clock, only
        self.holder = leases.make_holder()
        self.crash = crash_points(settings)

    def is_expired(self, edition: Edition) -> bool:
        start = datetime(edition.day.year, edition.day.month, edition.day.day, tzinfo=UTC)
        return self.clock() - start > timedelta(hours=self.settings.digest_max_edition_age_hours)

    def send(self, edition: Edition) -> SendReport:
        report = SendReport(edition.id, edition.day)
        if self.is_expired(edition):
            with self.engine.begin() as conn:
                ledger.set_edition(conn, edition.id, status="expired", note="older than digest_max_edition_age_hours")
            report.status = "expired"
            log.warning("digest.edition_expired", extra={"edition": edition.id})
            return report
        with self.engine.begin() as conn:
            if not leases.acquire(conn, LEASE, self.holder, self.clock(), self.settings.digest_claim_timeout_s):
                report.status = "locked"
                return report
            report.recovered = ledger.recover(conn, edition.id)
            last = ledger.last_activity(conn)
        try:
            self._loop(edition, report, RateLimiter(self.settings.digest_rate_per_minute, last))
        finally:
            with self.engine.begin() as conn:
                leases.release(conn, LEASE, self.holder)
        return report

    def _loop(self, edition: Edition, report: SendReport, limiter: RateLimiter) -> None:
        connection = _Connection(self.mailer)
        try:
            while report.status == "sending":
                rows = self._claim(edition)
                if not rows:
                    self._finish_or_wait(edition, report)
                    continue
                self.crash.reach("after_claim")
                batch = load_batch(self.engine, rows)
                for row in rows:
                    if report.status == "sending":
                        self._send_one(row, batch, connection, limiter, report)
                    else:
                        self._release(row)
                self._check_threshold(edition, report)
        finally:
            connection.reset()

    def _claim(self, edition: Edition) -> list[SendRow]:
        with self.engine.begin() as conn:
            now = self.clock()
            if not leases.acquire(conn, LEASE, self.holder, now, self.settings.digest_claim_timeout_s):
                raise RuntimeError("digest sender lease lost")
            return ledger.claim(conn, edition.id, self.holder, now, self.settings.digest_batch_size, self.only)

    def _finish_or_wait(self, edition: Edition, report: SendReport) -> None:
        if self.only is not None:
            report.status = "done"
            return
        with self.engine.begin() as conn:
            counts = ledger.status_counts(conn, edition.id)
            retry_at = ledger.next_retry_at(conn, edition.id)
            report.resent_ambiguous = ledger.resent_count(conn, edition.id)
            if retry_at is None and not any(counts.get(s) for s in ledger.OPEN):
                ledger.set_edition(conn, edition.id, status="finished", finished_at=self.clock())
                report.status = "finished"
                return
        wait = (_aware(retry_at) - self.clock()).total_seconds() if retry_at else 0.0
        if retry_at is None or wait > MAX_INLINE_WAIT_S:
            report.status = "waiting" if retry_at else "done"
            return
        time.sleep(max(wait, 0.0) + 0.01)

    def _send_one(self, row: SendRow, batch: BatchData, connection: _Connection, limiter: RateLimiter,
                  report: SendReport) -> None:  # fmt: skip
        subscriber = batch.subscribers.get(row.subscriber_id)
        if subscriber is None or subscriber.status != "active" or subscriber.paused:
            self._set(row, status="skipped", last_error="not active at send time")
            report.skipped += 1
            return
        sections = render_sections(self.settings, row.items, batch.papers)
        message = dkim.sign(self.settings, build_message(self.settings, subscriber, batch.day, sections, row.message_id))
        limiter.wait()
        self._set(row, status="sending", claimed_at=self.clock())
        self.crash.reach("before_data")
        report.attempts += 1
        try:
            connection.send(message)
        except MailPermanentError as error:
            self._bounce(row, str(error), report)
        except MailTemporaryError as error:
            self._retry(row, error, connection, report)
        else:
            self.crash.reach("after_data_before_commit")
            with self.engine.begin() as conn:
                ledger.mark_sent(conn, row, self.clock())
            report.sent += 1
            self.crash.reach("after_commit")

    def _bounce(self, row: SendRow, reason: str, report: SendReport) -> None:
        with self.engine.begin() as conn:
            ledger.set_row(conn, row.id, status="bounced", attempts=row.attempts + 1, last_error=reason[:500])
            ledger.suppress(conn, row.subscriber_id, reason)
        report.bounced += 1
        log.warning("digest.bounced", extra={"subscriber": row.subscriber_id, "reason": reason[:200]})

    def _retry(self, row: SendRow, error: MailTemporaryError, connection: _Connection, report: SendReport) -> None:
        if error.code is None:  # dropped connection: open a new one for the next message
            connection.reset()
        attempts = row.attempts + 1
        if attempts >= self.settings.digest_max_attempts:
            self._set(row, status="failed", attempts=attempts, last_error=str(error)[:500])
            report.failed += 1
            return
        delay = self.settings.digest_retry_base_s * 2 ** (attempts - 1)
        self._set(row, status="pending", attempts=attempts, last_error=str(error)[:500],
                  next_attempt_at=self.clock() + timedelta(seconds=delay))  # fmt: skip
        report.retried += 1
        log.info("digest.retry", extra={"subscriber": row.subscriber_id, "attempt": attempts, "code": error.code})

    def _release(self, row: SendRow) -> None:
        self._set(row, status="pending")

    def _set(self, row: SendRow, **values: Any) -> None:
        with self.engine.begin() as conn:
            ledger.set_row(conn, row.id, **values)

    def _check_threshold(self, edition: Edition, report: SendReport) -> None:
        errors = report.bounced + report.failed + report.retried
        if report.attempts < self.settings.digest_pause_min_attempts:
            return
        if errors / report.attempts > self.settings.digest_pause_error_ratio:
            note = f"paused: {errors} errors in {report.attempts} attempts"
            with self.engine.begin() as conn:
                ledger.set_edition(conn, edition.id, status="paused", note=note)
            report.status = "paused"
            log.error("digest.edition_paused", extra={"edition": edition.id, "errors": errors})


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
