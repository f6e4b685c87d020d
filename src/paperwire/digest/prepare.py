"""Composing an edition: one ledger row per due subscriber, written before anything is sent.

Resumable: subscribers are taken in id order, a page per transaction, after the last one already composed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine

from paperwire.community.trending import as_of_for
from paperwire.config import Settings
from paperwire.digest import links, recommend
from paperwire.digest.candidates import Matcher, Pool, load_pool
from paperwire.digest.compose import WEEKLY_DAYS, Item, choose_items
from paperwire.digest.preferences import WEEKDAYS, with_follows
from paperwire.digest.tokens import message_id
from paperwire.storage import digest_ledger as ledger
from paperwire.storage import library
from paperwire.storage import subscribers as repo
from paperwire.storage.db import read_only
from paperwire.storage.digest_ledger import Edition
from paperwire.storage.subscribers import Subscriber

log = logging.getLogger(__name__)
PAGE = 500


@dataclass
class PrepareReport:
    edition_id: int
    day: date
    composed: int = 0
    skipped: int = 0
    pool_size: int = 0
    distinct_searches: int = 0

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__ | {"day": self.day.isoformat()}


def is_daily_day(settings: Settings, day: date) -> bool:
    return WEEKDAYS[day.weekday()] in {d.lower()[:3] for d in settings.digest_weekdays}


def build_pool(engine: Engine, settings: Settings, day: date, now: datetime, matcher: Matcher | None) -> Pool:
    """The edition's pool: papers of the longest window any subscriber looks back over, ranked as the site
    ranks them at `now` (or at the end of the newest listed day up to `day`, if earlier)."""
    longest = max(WEEKLY_DAYS, settings.digest_window_days)
    windows = {day - timedelta(days=WEEKLY_DAYS - 1), day - timedelta(days=settings.digest_window_days - 1)}
    with read_only(engine) as conn:
        _, as_of = as_of_for(conn, now, until=day)
        return load_pool(conn, settings, day - timedelta(days=longest - 1), day, windows, as_of, matcher)


def _row(
    settings: Settings, edition: Edition, subscriber: Subscriber, items: list[Any], now: datetime
) -> dict[str, Any]:
    return {
        "edition_id": edition.id,
        "subscriber_id": subscriber.id,
        "status": "pending" if items else "skipped",
        "items": [item.as_json() for item in items],
        "attempts": 0,
        "resends": 0,
        "next_attempt_at": now,
        "message_id": message_id(settings, edition.id, subscriber.id, links.mail_domain(settings)),
    }


def prepare_edition(
    engine: Engine,
    settings: Settings,
    day: date,
    now: datetime,
    matcher: Matcher | None = None,
    on_page: Callable[[int], None] | None = None,
) -> PrepareReport:
    with engine.begin() as conn:
        edition = ledger.get_or_create_edition(conn, day, now)
    report = PrepareReport(edition.id, day)
    if edition.status != "composing":
        return report
    pool = build_pool(engine, settings, day, now, matcher)
    report.pool_size = len(pool.papers)
    condition = repo.due_filter(day.weekday(), is_daily_day(settings, day))
    while _compose_page(engine, settings, edition, pool, condition, now, report):
        if on_page:
            on_page(report.composed + report.skipped)
    with engine.begin() as conn:
        ledger.set_edition(conn, edition.id, status="sending")
    report.distinct_searches = pool.distinct_searches
    log.info("digest.prepared", extra=report.as_dict())
    return report


def choose_for_page(
    conn: Connection, settings: Settings, page: Sequence[Subscriber], pool: Pool, day: date
) -> list[tuple[Subscriber, list[Item]]]:
    """Each subscriber's papers for `day`: the one choice that sending, dry runs and previews all make.

    Papers a subscriber got in an earlier edition of the pool's window are left out (unless they allow
    repeats); the day's own edition does not count, so a preview after sending shows what was sent.
    """
    earlier = ledger.edition_ids_between(conn, pool_start(pool, day), day)
    sent = ledger.sent_papers(conn, [s.id for s in page], earlier)
    follows = library.follows_of_users(conn, [s.user_id for s in page if s.user_id is not None])
    chosen = []
    for subscriber in page:
        if subscriber.user_id is not None:
            pairs = [(f.kind, f.label) for f in follows[subscriber.user_id]]
            subscriber = replace(subscriber, sections=with_follows(subscriber.sections, pairs))
        extra = recommend.for_subscriber(subscriber, pool) if subscriber.user_id else ()
        chosen.append(
            (subscriber, choose_items(settings, subscriber, pool, day, sent.get(subscriber.id, set()), extra))
        )
    return chosen


def _compose_page(
    engine: Engine,
    settings: Settings,
    edition: Edition,
    pool: Pool,
    condition: Any,
    now: datetime,
    report: PrepareReport,
) -> bool:
    with engine.begin() as conn:
        after = ledger.last_composed_subscriber(conn, edition.id)
        page = repo.page_due(conn, condition, after, PAGE)
        if not page:
            return False
        chosen = choose_for_page(conn, settings, page, pool, edition.day)
        rows = [_row(settings, edition, subscriber, items, now) for subscriber, items in chosen]
        ledger.insert_rows(conn, rows)
    _count(report, rows)
    return True


def _count(report: PrepareReport, rows: Sequence[dict[str, Any]]) -> None:
    skipped = sum(1 for row in rows if row["status"] == "skipped")
    report.skipped += skipped
    report.composed += len(rows) - skipped
    if skipped:
        log.info("digest.skipped_nothing_new", extra={"edition": report.edition_id, "subscribers": skipped})


def pool_start(pool: Pool, day: date) -> date:
    return min((p.day for p in pool.papers.values()), default=day)
