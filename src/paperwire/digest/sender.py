"""The sender: claims ledger rows in batches and sends them over one reused SMTP connection.

Per message: mark 'sending' (commit) -> DATA -> mark 'sent' (commit). A crash between DATA and the 'sent'
commit leaves 'sending', which the next sender resends once with the same Message-ID and reports.

One commit per message, not two: the 'sent' mark of a message is written in the next transaction the sender
opens, normally the one that marks the next message 'sending' right before its DATA. A batch's messages are
composed before its first DATA, so nothing but that commit lies between a DATA reply and the 'sent' mark (the
ambiguous window is no wider than with a commit of its own). Before a rate-limit sleep, and when the loop
ends, pending marks are committed on their own.

Failures (paperwire.mail.backends has the classification): a 4xx or a connection dropped before the content
went out is retried with backoff up to digest_max_attempts, then 'failed'. A connection dropped after the
whole message went out is uncertain, like a crash during DATA: resent once with the same Message-ID, then
'ambiguous'. A 5xx naming this recipient after RCPT is a hard bounce (the address is suppressed); a 5xx to
the session or MAIL FROM (530 authentication required, a refused sender) pauses the edition at once and
suppresses nobody; any other 5xx is retried like a 4xx. The error share is checked after every message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import Any

from sqlalchemy import Connection, Engine

from paperwire.config import Settings
from paperwire.digest import dkim
from paperwire.digest.batch import BatchData, load_batch
from paperwire.digest.compose import build_raw, render_sections
from paperwire.digest.report import SendReport
from paperwire.digest.throttle import NoHooks, RateLimiter, SendHooks
from paperwire.mail import Mailer, MailPermanentError, MailTemporaryError, failure_fields
from paperwire.mail.backends import BOUNCE, SENDER, MailSession
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
        self.mailer, self.stack = mailer, ExitStack()
        self.session: MailSession | None = None

    def send(self, sender: str, recipient: str, data: bytes) -> None:
        if self.session is None:
            self.session = self.stack.enter_context(self.mailer.session())
        self.session.send_raw(sender, recipient, data)

    def reset(self) -> None:
        try:
            self.stack.close()
        except Exception:  # the connection is already broken; closing it may fail too
            log.debug("digest.smtp_close_failed", exc_info=True)
        self.stack, self.session = ExitStack(), None


class Sender:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        mailer: Mailer,
        *,
        clock: Clock = _utcnow,
        only: int | None = None,
        hooks: SendHooks | None = None,
    ) -> None:
        self.engine, self.settings, self.mailer, self.clock, self.only = engine, settings, mailer, clock, only
        self.holder = leases.make_holder()
        self.crash: SendHooks = hooks or NoHooks()
        self.envelope_from = parseaddr(settings.mail_from)[1] or settings.mail_from
        self.unsaved: list[tuple[SendRow, datetime]] = []  # delivered, 'sent' not committed yet

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """A transaction that also commits the pending 'sent' marks."""
        marks = len(self.unsaved)
        with self.engine.begin() as conn:
            for row, at in self.unsaved:
                ledger.mark_sent(conn, row, at)
            yield conn
        del self.unsaved[:marks]
        if marks:
            self.crash.reach("after_commit")

    def _flush(self) -> None:
        if self.unsaved:
            with self._transaction():
                pass

    def _flush_quietly(self) -> None:
        """On the way out after an error; rows left 'sending' are resent once by the next sender, and reported."""
        try:
            self._flush()
        except Exception:
            log.exception("digest.sent_marks_not_saved", extra={"rows": [row.id for row, _ in self.unsaved]})

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
                for row, message in self._compose(rows, load_batch(self.engine, rows)):
                    if report.status != "sending":
                        self._release(row)
                    elif message is None:
                        self._set(row, status="skipped", last_error="not active at send time")
                        report.skipped += 1
                    else:
                        self._send_one(edition, row, message, connection, limiter, report)
        finally:
            connection.reset()
            self._flush_quietly()

    def _compose(self, rows: list[SendRow], batch: BatchData) -> list[tuple[SendRow, tuple[str, bytes] | None]]:
        """(recipient, wire bytes) of each row's message; None for a subscriber no longer active."""
        composed: list[tuple[SendRow, tuple[str, bytes] | None]] = []
        rendered: dict[str, dict[str, Any]] = {}
        for row in rows:
            subscriber = batch.subscribers.get(row.subscriber_id)
            if subscriber is None or subscriber.status != "active" or subscriber.paused:
                composed.append((row, None))
                continue
            sections = render_sections(self.settings, row.items, batch.papers, rendered)
            raw = build_raw(self.settings, subscriber, batch.day, sections, row.message_id)
            composed.append((row, (subscriber.email, dkim.sign(self.settings, raw))))
        return composed

    def _claim(self, edition: Edition) -> list[SendRow]:
        with self._transaction() as conn:
            now = self.clock()
            if not leases.acquire(conn, LEASE, self.holder, now, self.settings.digest_claim_timeout_s):
                raise RuntimeError("digest sender lease lost")
            return ledger.claim(conn, edition.id, self.holder, now, self.settings.digest_batch_size, self.only)

    def _finish_or_wait(self, edition: Edition, report: SendReport) -> None:
        if self.only is not None:
            report.status = "done"
            return
        with self._transaction() as conn:
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

    def _send_one(
        self,
        edition: Edition,
        row: SendRow,
        message: tuple[str, bytes],
        connection: _Connection,
        limiter: RateLimiter,
        report: SendReport,
    ) -> None:
        if limiter.interval:
            self._flush()  # never leave a delivered message unmarked through a sleep
        limiter.wait()
        self._set(row, status="sending", claimed_at=self.clock())
        self.crash.reach("before_data")
        report.attempts += 1
        try:
            connection.send(self.envelope_from, *message)
        except MailPermanentError as error:
            self._refused(edition, row, error, connection, report)
        except MailTemporaryError as error:
            log.warning("digest.send_failed", extra={"subscriber": row.subscriber_id, **failure_fields(error)})
            if error.code is None:  # dropped connection: open a new one for the next message
                connection.reset()
            if error.after_data:
                self._uncertain(row, error, report)
            else:
                self._retry(row, str(error), report, code=error.code)
        else:
            self.crash.reach("after_data_before_commit")
            self.unsaved.append((row, self.clock()))
            report.sent += 1
        self._check_threshold(edition, report)

    def _refused(
        self, edition: Edition, row: SendRow, error: MailPermanentError, connection: _Connection, report: SendReport
    ) -> None:
        """Only a refusal of this recipient suppresses; a refused sender pauses; a policy refusal retries."""
        if error.kind == BOUNCE:
            self._bounce(row, error, report)
            return
        report.refused += 1
        if error.kind == SENDER:
            connection.reset()
            self._set(row, status="pending", last_error=str(error)[:500])  # not this row's fault: no attempt
            self._pause(edition, report, f"paused: the relay refused the sender ({str(error)[:300]})")
            return
        self._retry(row, str(error), report, code=error.code)

    def _bounce(self, row: SendRow, error: MailPermanentError, report: SendReport) -> None:
        reason = str(error)
        with self._transaction() as conn:
            ledger.set_row(conn, row.id, status="bounced", attempts=row.attempts + 1, last_error=reason[:500])
            ledger.suppress(conn, row.subscriber_id, reason)
        report.bounced += 1
        log.warning("digest.bounced", extra={"subscriber": row.subscriber_id, **failure_fields(error)})

    def _uncertain(self, row: SendRow, error: MailTemporaryError, report: SendReport) -> None:
        """The relay had the whole message and gave no answer: it may have been delivered. As after a crash
        during DATA (ledger.recover): resent once with the same Message-ID, then 'ambiguous', never 'failed'."""
        attempts = row.attempts + 1
        if row.resends == 0:
            note = f"ambiguous: {str(error)[:300]}; resending once"
            self._set(row, status="pending", attempts=attempts, resends=1, last_error=note)
            report.retried += 1
        else:
            note = f"ambiguous twice: {str(error)[:300]}; not resent again"
            self._set(row, status="ambiguous", attempts=attempts, last_error=note)
            report.ambiguous += 1
        log.warning("digest.ambiguous", extra={"subscriber": row.subscriber_id, "resent": row.resends == 0})

    def _retry(self, row: SendRow, reason: str, report: SendReport, code: int | None = None) -> None:
        attempts = row.attempts + 1
        if attempts >= self.settings.digest_max_attempts:
            self._set(row, status="failed", attempts=attempts, last_error=reason[:500])
            report.failed += 1
            return
        delay = self.settings.digest_retry_base_s * 2 ** (attempts - 1)
        self._set(
            row,
            status="pending",
            attempts=attempts,
            last_error=reason[:500],
            next_attempt_at=self.clock() + timedelta(seconds=delay),
        )
        report.retried += 1
        log.info("digest.retry", extra={"subscriber": row.subscriber_id, "attempt": attempts, "code": code})

    def _release(self, row: SendRow) -> None:
        self._set(row, status="pending")

    def _set(self, row: SendRow, **values: Any) -> None:
        with self._transaction() as conn:
            ledger.set_row(conn, row.id, **values)

    def _check_threshold(self, edition: Edition, report: SendReport) -> None:
        """After every message, so that a relay refusing everyone stops the run within
        digest_pause_min_attempts messages, not at the end of a batch."""
        if report.status != "sending" or report.attempts < self.settings.digest_pause_min_attempts:
            return
        errors = report.errors
        if errors / report.attempts > self.settings.digest_pause_error_ratio:
            self._pause(edition, report, f"paused: {errors} errors in {report.attempts} attempts")

    def _pause(self, edition: Edition, report: SendReport, note: str) -> None:
        with self._transaction() as conn:
            ledger.set_edition(conn, edition.id, status="paused", note=note[:500])
        report.status = "paused"
        log.error("digest.edition_paused", extra={"edition": edition.id, "errors": report.errors, "note": note})


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
