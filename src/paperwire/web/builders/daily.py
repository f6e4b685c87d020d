"""The daily feed: one day, week or month of papers, with neighbours that skip empty days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from paperwire.community.trending import as_of_for, rank_papers
from paperwire.config import Settings
from paperwire.errors import InvalidInput
from paperwire.storage import reader
from paperwire.storage.reader import PaperStub
from paperwire.web.builders._papers import order_by_date, paper_dicts
from paperwire.web.builders.lists import MAX_PAGE
from paperwire.web.builders.periods import Period, parse_period, period_of

SORTS = ("trending", "publishedAt")
SCOPES = ("all", "submitted")  # the whole list (pages) | the community's submissions (/api/daily_papers, as HF)
MAX_LIMIT = 100
MAX_API_LIMIT = 120  # Hugging Face's own limit
SUBMITTED_ON_PAGE = 30  # submissions shown above the day's full list on the page


@dataclass(frozen=True)
class DailyQuery:
    day: str | None = None
    week: str | None = None
    month: str | None = None
    category: str | None = None
    page: int = 1
    limit: int = 50
    sort: str = "trending"
    scope: str = "all"
    submitter: str | None = None

    def check(self) -> None:
        if self.sort not in SORTS:
            raise InvalidInput(f"sort: expected one of {', '.join(SORTS)}, got {self.sort[:40]!r}")
        most = MAX_API_LIMIT if self.scope == "submitted" else MAX_LIMIT
        if not 1 <= self.limit <= most:
            raise InvalidInput(f"limit: expected 1..{most}, got {self.limit}")
        if not 1 <= self.page <= MAX_PAGE:
            raise InvalidInput(f"p: expected a page number 1..{MAX_PAGE}, got {self.page}")


def _resolve(conn: Connection, settings: Settings, query: DailyQuery) -> Period | None:
    period = parse_period(query.day, query.week, query.month)
    if period is not None:
        return period
    latest = reader.latest_day(conn, settings.feed_categories)
    return period_of("day", latest) if latest else None


def _neighbours(conn: Connection, settings: Settings, period: Period) -> dict[str, dict[str, str] | None]:
    tracked = settings.feed_categories
    before = reader.neighbour_day(conn, period.start, tracked, before=True)
    after = reader.neighbour_day(conn, period.end, tracked, before=False)
    return {
        "previous": period.containing(before).query() if before else None,
        "next": period.containing(after).query() if after else None,
    }


def _ordered(conn: Connection, settings: Settings, rows: list[PaperStub], sort: str, now: datetime) -> list[str]:
    """Ids by the trending formula (papers without activity after, newest first), or by date."""
    if sort == "trending":
        _, as_of = as_of_for(conn, now)
        return [r.paper_id for r in rank_papers(conn, settings, rows, as_of)]
    return [r.id for r in order_by_date(rows)]


def _page(conn: Connection, settings: Settings, rows: list[PaperStub], query: DailyQuery, now: datetime) -> list[str]:
    """Ids of the requested page."""
    start = (query.page - 1) * query.limit
    return _ordered(conn, settings, rows, query.sort, now)[start : start + query.limit]


def submitted_in(rows: list[PaperStub], period: Period) -> list[PaperStub]:
    """The community's submissions of the period: what Hugging Face's /api/daily_papers lists."""
    return [r for r in rows if r.submitted_on is not None and period.start <= r.submitted_on <= period.end]


def _by_submitter(conn: Connection, settings: Settings, rows: list[PaperStub], submitter: str) -> list[PaperStub]:
    """Only the papers `submitter` (a username, HF's `user`) submitted."""
    found = paper_dicts(conn, settings, reader.papers_in_order(conn, [r.id for r in rows]))
    mine = {p["id"] for p in found if p["submitter"] and p["submitter"]["user"] == submitter}
    return [r for r in rows if r.id in mine]


def _period_dict(period: Period) -> dict[str, str]:
    return {
        "kind": period.kind,
        "value": period.value,
        "label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "param": "date" if period.kind == "day" else period.kind,
        "week": period_of("week", period.start).value,
        "month": period_of("month", period.start).value,
    }


def _fallback_note(query: DailyQuery, period: Period, now: datetime) -> str | None:
    """Without a date the feed shows the latest day with papers; when that is not today, say so."""
    today = now.date()
    if query.day or query.week or query.month or period.start >= today:
        return None
    return f"No papers for today ({today:%A, %B %d, %Y}) yet: this is the latest day with papers."


def build_daily(conn: Connection, settings: Settings, query: DailyQuery, now: datetime) -> dict[str, Any]:
    query.check()
    period = _resolve(conn, settings, query)
    if period is None:
        return {
            "period": None,
            "note": None,
            "papers": [],
            "categories": {},
            "total": 0,
            "previous": None,
            "next": None,
            "category": query.category,
            "page": 1,
            "pages": 1,
            "sort": query.sort,
            "submitted": [],
        }
    rows = reader.period_papers(conn, period.start, period.end, settings.feed_categories)
    chips = reader.category_counts(rows)
    if query.category:
        rows = [r for r in rows if query.category in r.categories]
    submitted = submitted_in(rows, period)
    if query.scope == "submitted":
        rows = _by_submitter(conn, settings, submitted, query.submitter) if query.submitter else submitted
    page_rows = reader.papers_in_order(conn, _page(conn, settings, rows, query, now))
    on_top: list[str] = []
    if query.scope == "all" and query.page == 1 and submitted:
        on_top = _ordered(conn, settings, submitted, "trending", now)[:SUBMITTED_ON_PAGE]
    return {
        "period": _period_dict(period),
        "note": _fallback_note(query, period, now),
        "papers": paper_dicts(conn, settings, page_rows),
        "submitted": paper_dicts(conn, settings, reader.papers_in_order(conn, on_top)),
        "categories": chips,
        "category": query.category,
        "total": len(rows),
        "page": query.page,
        "pages": max(1, -(-len(rows) // query.limit)),
        "sort": query.sort,
        **_neighbours(conn, settings, period),
    }
