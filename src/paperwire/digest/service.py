"""DigestService: the use cases behind `paperwire digest ...`, the worker's digest job and the web preview.

There is one instance per process (built by paperwire.services.build_services) and one way to choose a
subscriber's papers (prepare.choose_for_page), so an edition is the same whoever makes it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from email.message import Message
from typing import Any

from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.digest import links
from paperwire.digest.candidates import Matcher, RankIds, SearchMatcher
from paperwire.digest.compose import build_message, render_sections
from paperwire.digest.prepare import PrepareReport, build_pool, choose_for_page, is_daily_day, prepare_edition
from paperwire.digest.report import SendReport
from paperwire.digest.sender import Sender
from paperwire.digest.throttle import SendHooks
from paperwire.digest.tokens import message_id
from paperwire.errors import NotFound
from paperwire.mail import Mailer
from paperwire.storage import digest_ledger as ledger
from paperwire.storage import subscribers as repo
from paperwire.storage.subscribers import Subscriber

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
PREVIEW_EDITION = 0  # the Message-ID of a preview names no real edition


def utcnow() -> datetime:
    return datetime.now(UTC)


class DigestService:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        mailer: Mailer,
        *,
        search: RankIds | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.engine, self.settings, self.mailer, self.clock = engine, settings, mailer, clock
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

    def send(
        self, day: date | None = None, only: str | None = None, *, prepare: bool = True, hooks: SendHooks | None = None
    ) -> list[SendReport]:
        """Prepare the day's edition if needed, then send every open edition, oldest first."""
        if prepare:
            self.prepare(day)
        only_id = self._subscriber(only).id if only else None
        with self.engine.begin() as conn:
            editions = ledger.open_editions(conn)
        sender = Sender(self.engine, self.settings, self.mailer, clock=self.clock, only=only_id, hooks=hooks)
        return [sender.send(edition) for edition in editions]

    def dry_run(self, day: date | None = None, only: str | None = None) -> dict[str, Any]:
        """What `send` would do for the day, composing in memory and writing nothing."""
        day = day or self.today()
        pool = build_pool(self.engine, self.settings, day, self.clock(), self.matcher)
        condition = repo.due_filter(day.weekday(), is_daily_day(self.settings, day))
        only_email = repo.normalize_email(only) if only else None
        would_send = would_skip = after = 0
        while True:
            with self.engine.begin() as conn:
                page = repo.page_due(conn, condition, after, 500)
                page_of = [s for s in page if only_email is None or s.email == only_email]
                for _, items in choose_for_page(conn, self.settings, page_of, pool, day):
                    would_send, would_skip = would_send + bool(items), would_skip + (not items)
            if not page:
                break
            after = page[-1].id
        return {
            "day": day.isoformat(),
            "dry_run": True,
            "would_send": would_send,
            "would_skip": would_skip,
            "pool_size": len(pool.papers),
            "distinct_searches": pool.distinct_searches,
        }

    def resume(self, day: date) -> None:
        with self.engine.begin() as conn:
            edition = ledger.edition_for_day(conn, day)
            if edition is None or edition.status != "paused":
                raise NotFound(f"no paused edition for {day.isoformat()}")
            ledger.set_edition(conn, edition.id, status="sending", note=None)

    def status(self, limit: int = 10) -> dict[str, Any]:
        with self.engine.begin() as conn:
            editions = [
                {
                    "id": e.id,
                    "day": e.day.isoformat(),
                    "status": e.status,
                    "note": e.note,
                    "sends": ledger.status_counts(conn, e.id),
                    "resent_ambiguous": ledger.resent_count(conn, e.id),
                }
                for e in ledger.recent_editions(conn, limit)
            ]
            return {"subscribers": repo.count_by_status(conn), "editions": editions}

    def preview(self, email: str, day: date | None = None) -> Message:
        """The edition `email` gets for `day` (default today), composed as `send` composes it; writes nothing."""
        day = day or self.today()
        subscriber = self._subscriber(email)
        pool = build_pool(self.engine, self.settings, day, self.clock(), self.matcher)
        with self.engine.begin() as conn:
            [(_, items)] = choose_for_page(conn, self.settings, [subscriber], pool, day)
        if not items:
            raise NotFound(f"nothing new for this subscriber on {day.isoformat()}: that edition would be skipped")
        sections = render_sections(self.settings, [i.as_json() for i in items], pool.papers)
        mid = message_id(self.settings, PREVIEW_EDITION, subscriber.id, links.mail_domain(self.settings))
        return build_message(self.settings, subscriber, day, sections, mid)

    def _subscriber(self, email: str) -> Subscriber:
        with self.engine.begin() as conn:
            subscriber = repo.get_by_email(conn, email)
        if subscriber is None:
            raise NotFound("no subscriber with that address")
        return subscriber
