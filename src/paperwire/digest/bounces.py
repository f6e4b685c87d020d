"""Bounce and complaint intake: `paperwire digest bounces FILE` and the signed webhook both end here.

A hard bounce (5.x.x) or a complaint suppresses the address at once (status 'bounced' / 'complained'; the
digest goes to active subscribers only). Soft bounces (4.x.x) are scored: the address is suppressed at
the digest_soft_bounce_limit-th within digest_soft_bounce_window_days of the first one; a soft bounce
after the window starts a new count, and confirming the address again (a new opt-in) clears it.
Whatever is written, is written in one transaction: a dry run is the same work, rolled back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from paperwire.community import ratelimit
from paperwire.config import Settings
from paperwire.digest import bounce_hook
from paperwire.digest.bounce_reports import (
    COMPLAINT,
    HARD,
    SOFT,
    BounceEvent,
    events_from_message,
    parse_message_bytes,
    read_messages,
)
from paperwire.errors import InvalidInput, NotFound, PermissionDenied, RateLimited
from paperwire.storage import subscribers as repo
from paperwire.storage.subscribers import ACTIVE, BOUNCED, COMPLAINED, PENDING, Subscriber

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
SUPPRESSIBLE = (ACTIVE, PENDING)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class BounceReport:
    messages: int = 0  # messages read (files, mbox entries, webhook bodies)
    ignored: int = 0  # messages that are not DSNs or feedback reports
    hard: int = 0
    soft: int = 0
    complaints: int = 0
    suppressed: int = 0  # addresses newly suppressed by this run
    unknown: int = 0  # events for addresses that are not subscribers (or reports that name nobody)
    repeated: int = 0  # events of reports read before (same Message-ID, address, kind, status, time): skipped
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def soft_score(subscriber: Subscriber, at: datetime, window: timedelta) -> tuple[int, datetime]:
    """(count, since) after one more soft bounce at `at`: counted from the first one of the window."""
    since = subscriber.soft_bounce_since
    since = since.replace(tzinfo=UTC) if since is not None and since.tzinfo is None else since
    if since is None or subscriber.soft_bounces == 0 or at - since > window:
        return 1, at
    return subscriber.soft_bounces + 1, since


class BounceService:
    def __init__(self, engine: Engine, settings: Settings, clock: Clock = _utcnow) -> None:
        self.engine, self.settings, self.clock = engine, settings, clock

    def read(self, path: Path, step: Callable[[], None] | None = None) -> tuple[list[BounceEvent], BounceReport]:
        """Every event in the reports under `path`, parsed before anything is written."""
        events: list[BounceEvent] = []
        report = BounceReport()
        for source, message in read_messages(path):
            found = events_from_message(message, source)
            report.messages += 1
            report.ignored += found is None
            events.extend(found or [])
            if step is not None:
                step()
        return events, report

    def apply(
        self, events: Iterable[BounceEvent], report: BounceReport | None = None, *, dry_run: bool = False
    ) -> BounceReport:
        report = report or BounceReport()
        report.dry_run = dry_run
        with self.engine.connect() as conn:
            transaction = conn.begin()
            for event in events:
                self._apply_one(conn, event, report)
            if dry_run:
                transaction.rollback()
            else:
                transaction.commit()
        log.info("digest.bounces", extra=report.as_dict())
        return report

    def _apply_one(self, conn: Connection, event: BounceEvent, report: BounceReport) -> None:
        fingerprint = event.fingerprint
        if fingerprint is not None and not repo.first_sighting(conn, fingerprint, self.clock()):
            report.repeated += 1
            return
        subscriber = repo.get_by_email(conn, event.email) if event.email else None
        if subscriber is None:
            report.unknown += 1
            return
        if event.kind == SOFT:
            report.soft += 1
            window = timedelta(days=self.settings.digest_soft_bounce_window_days)
            count, since = soft_score(subscriber, event.at or self.clock(), window)
            repo.set_fields(conn, subscriber.id, soft_bounces=count, soft_bounce_since=since)
            if count >= self.settings.digest_soft_bounce_limit > 0:
                reason = f"{count} soft bounces since {since:%Y-%m-%d}, the last {event.status} {event.detail}"
                self._suppress(conn, subscriber, BOUNCED, reason, report)
            return
        report.hard += event.kind == HARD
        report.complaints += event.kind == COMPLAINT
        status = COMPLAINED if event.kind == COMPLAINT else BOUNCED
        what = "complaint (feedback type" if event.kind == COMPLAINT else "hard bounce (status"
        self._suppress(conn, subscriber, status, f"{what} {event.status}) {event.detail}".strip(), report)

    def _suppress(
        self, conn: Connection, subscriber: Subscriber, status: str, reason: str, report: BounceReport
    ) -> None:
        if subscriber.status not in SUPPRESSIBLE:
            return
        repo.set_fields(conn, subscriber.id, status=status, bounce_reason=reason[:500])
        report.suppressed += 1
        log.warning("digest.suppressed", extra={"subscriber": subscriber.id, "status": status})

    def accept_webhook(self, header: str | None, body: bytes, content_type: str) -> BounceReport:
        """A signed webhook call: checked (off, unsigned, forged, stale, replayed), then applied."""
        secret = self.settings.bounce_webhook_secret
        if not secret:
            raise NotFound("not found")
        if len(body) > bounce_hook.MAX_BODY_BYTES:
            raise InvalidInput(f"the body is larger than {bounce_hook.MAX_BODY_BYTES} bytes")
        max_age = self.settings.bounce_webhook_max_age_s
        signed = bounce_hook.verify(secret, header, body, time.time(), max_age)
        self._refuse_replay(signed)
        report = BounceReport(messages=1)
        if content_type.split(";")[0].strip().lower() in ("application/json", ""):
            events = bounce_hook.parse_json_events(body)
        else:
            found = parse_message_bytes(body, "webhook")
            report.ignored += found is None
            events = found or []
        return self.apply(events, report)

    def _refuse_replay(self, signed: str) -> None:
        """Each signature is accepted once: counted under its own signed time, so every replay of it
        lands in the same rate-limit window whenever it arrives."""
        timestamp, digest = signed.split(":", 1)
        moment = datetime.fromtimestamp(int(timestamp), UTC)
        try:
            with self.engine.begin() as conn:
                ratelimit.hit(conn, f"bounce-hook:{digest[:40]}", 1, 86400, moment)
        except RateLimited:
            raise PermissionDenied("this signed request was already received: refused (replay protection)") from None
