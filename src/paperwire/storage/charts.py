"""The counts behind the pages' charts (web/charts.py): papers per day of a category, a paper's counted
upvotes per day, an author's papers per month. Each is one query; days are bucketed in Python so the
SQL is the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from sqlalchemy import Connection, func, select

from paperwire.storage.community_tables import votes
from paperwire.storage.reader import visible
from paperwire.storage.tables import authors, paper_authors, paper_categories, papers

CATEGORY_DAYS = 30  # listing days with papers, the newest


def category_days(conn: Connection, category: str, limit: int = CATEGORY_DAYS) -> list[tuple[date, int]]:
    """(announced day, visible papers) of the category's newest `limit` announcement days, oldest first."""
    query = (
        select(papers.c.announced, func.count())
        .join(paper_categories, paper_categories.c.paper_id == papers.c.id)
        .where(paper_categories.c.category_id == category, papers.c.announced.is_not(None), visible())
        .group_by(papers.c.announced)
        .order_by(papers.c.announced.desc())
        .limit(limit)
    )
    return sorted((day, int(n)) for day, n in conn.execute(query))


def vote_days(conn: Connection, paper_id: str) -> list[tuple[date, int]]:
    """(day, counted upvotes cast that day, UTC) of one paper, oldest first."""
    query = select(votes.c.created_at).where(votes.c.paper_id == paper_id, votes.c.counted.is_(True))
    days = Counter(_utc_day(stamp) for (stamp,) in conn.execute(query))
    return sorted(days.items())


def author_months(conn: Connection, author_name: str) -> list[tuple[str, int]]:
    """(YYYY-MM, visible papers announced that month) of one author, oldest first."""
    query = (
        select(papers.c.announced)
        .join(paper_authors, paper_authors.c.paper_id == papers.c.id)
        .join(authors, authors.c.id == paper_authors.c.author_id)
        .where(authors.c.name == author_name, papers.c.announced.is_not(None), visible())
    )
    months = Counter(day.strftime("%Y-%m") for (day,) in conn.execute(query))
    return sorted(months.items())


def _utc_day(stamp: datetime) -> date:
    return (stamp if stamp.tzinfo is None else stamp.astimezone(UTC)).date()
