"""DigestService: the use cases behind `paperwire digest ...`, the worker's digest job and the preview page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from email.message import Message
from typing import Any

from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.digest import links, recommend
from paperwire.digest.candidates import Matcher, SearchMatcher
from paperwire.digest.compose import build_message, choose_items, render_sections
from paperwire.digest.prepare import PrepareReport, build_pool, is_daily_day, pool_start, prepare_edition
from paperwire.digest.report import SendReport
from paperwire.digest.sender import Sender
from paperwire.digest.tokens import message_id
from paperwire.errors import NotFound
from paperwire.mail import Mailer, build_mailer
from paperwire.storage import digest_ledger as ledger
from paperwire.storage import subscribers as repo

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class DigestService:
    def __init__(self, engine: Engine, settings: Settings, mailer: Mailer | None = None, *, search: Any = None,
                 clock: Clock = _utcnow) -> None:  # fmt: skip
        self.engine, self.settings, self.clock = engine, settings, clock
        self.mailer = mailer if mailer is not None else build_mailer(settings)
        self.matcher: Matcher | None = SearchMatcher(search) if search is not None else None

    def today(self) -> date:
        return self.clock().date()

    def is_due(self) -> bool:
        """Past today's send hour and today's edition not prepared yet."""
        if self.clock().hour < self.settings.digest_send_hour_utc:
            return False
        with self.engine.begin() as conn:
            return ledger.edition_for_day(conn, self.today()) is None

    def prepare(self, day: date | None = None) -> PrepareReport:
        return prepare_edition(self.engine, self.settings, day or self.today(), self.clock(), self.matcher)

    def send(self, day: date | None = None, only: str | None = None, *, prepare: bool = True) -> list[SendReport]:
        """Prepare the day's edition if needed, then send every open edition, oldest first."""
        if prepare:
            self.prepare(day)
        only_id = self._subscriber_id(only) if only else None
        with self.engine.begin() as conn:
            editions = ledger.open_editions(conn)
        return [Sender(self.engine, self.settings, self.mailer, clock=self.clock, only=only_id).send(e)
                for e in editions]  # fmt: skip

    def dry_run(self, day: date | None = None, only: str | None = None) -> dict[str, Any]:
        """What `send` would do for the day, composing in memory and writing nothing; papers a subscriber
        already got are left out as `prepare` leaves them out."""
        day = day or self.today()
        pool = build_pool(self.engine, self.settings, day, self.matcher)
        would_send = would_skip = 0
        condition = repo.due_filter(day.weekday(), is_daily_day(self.settings, day))
        after = 0
        while True:
            with self.engine.begin() as conn:
                page = repo.page_due(conn, condition, after, 500)
                recent = ledger.edition_ids_since(conn, pool_start(pool, day))
                sent = ledger.sent_papers(conn, [s.id for s in page], recent)
                for subscriber in page:
                    if only and subscriber.email != repo.normalize_email(only):
                        continue
                    extra = recommend.for_subscriber(conn, subscriber, pool) if subscriber.user_id else ()
                    chosen = choose_items(self.settings, subscriber, pool, day, sent.get(subscriber.id, set()), extra)
                    would_send, would_skip = would_send + bool(chosen), would_skip + (not chosen)
            if not page:
                break
            after = page[-1].id
        return {"day": day.isoformat(), "dry_run": True, "would_send": would_send, "would_skip": would_skip,
                "pool_size": len(pool.papers), "distinct_searches": pool.distinct_searches}  # fmt: skip

    def resume(self, day: date) -> None:
        with self.engine.begin() as conn:
            edition = ledger.edition_for_day(conn, day)
            if edition is None or edition.status != "paused":
                raise NotFound(f"no paused edition for {day.isoformat()}")
            ledger.set_edition(conn, edition.id, status="sending", note=None)

    def status(self, limit: int = 10) -> dict[str, Any]:
        with self.engine.begin() as conn:
            editions = [{"id": e.id, "day": e.day.isoformat(), "status": e.status, "note": e.note,
                         "sends": ledger.status_counts(conn, e.id), "resent_ambiguous": ledger.resent_count(conn, e.id)}
                        for e in ledger.recent_editions(conn, limit)]  # fmt: skip
            return {"subscribers": repo.count_by_status(conn), "editions": editions}

    def preview(self, email: str, day: date | None = None) -> Message:
        return preview_message(self.engine, self.settings, email, day=day or self.today(), matcher=self.matcher)

    def _subscriber_id(self, email: str) -> int:
        with self.engine.begin() as conn:
            subscriber = repo.get_by_email(conn, email)
        if subscriber is None:
            raise NotFound("no subscriber with that address")
        return subscriber.id


def preview_message(engine: Engine, settings: Settings, email: str, *, day: date | None = None,
                    search: Any = None, matcher: Matcher | None = None) -> Message:  # fmt: skip
    """The edition `email` would get for `day` (papers already sent excluded), without writing anything."""
    day = day or datetime.now(UTC).date()
    matcher = matcher or (SearchMatcher(search) if search is not None else None)
    pool = build_pool(engine, settings, day, matcher)
    with engine.begin() as conn:
        subscriber = repo.get_by_email(conn, email)
        if subscriber is None:
            raise NotFound("no subscriber with that address")
        sent = ledger.sent_papers(conn, [subscriber.id], ledger.edition_ids_since(conn, date.min))
        extra = recommend.for_subscriber(conn, subscriber, pool) if subscriber.user_id else ()
    items = choose_items(settings, subscriber, pool, day, sent.get(subscriber.id, set()), extra)
    sections = render_sections(settings, [i.as_json() for i in items], pool.papers)
    return build_message(
        settings, subscriber, day, sections, message_id(settings, 0, subscriber.id, links.mail_domain(settings))
    )
