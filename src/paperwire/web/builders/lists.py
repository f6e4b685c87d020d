"""Trending, New, author and category pages, and the change feed: lists of papers."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from paperwire.community.trending import trending_window, weights_from
from paperwire.config import Settings
from paperwire.domain.ranking import WINDOWS_DAYS as WINDOWS
from paperwire.errors import InvalidInput, NotFound
from paperwire.storage import charts as charts_repo
from paperwire.storage import claims as claims_repo
from paperwire.storage import reader
from paperwire.storage.reader import PaperRow
from paperwire.web.builders._papers import iso, paper_dict, paper_dicts
from paperwire.web.charts import day_series, month_series

PAGE_SIZE = 50
MAX_LIMIT = 100
MAX_PAGE = 100_000  # 5 million papers at 50 a page: past every list, well inside a 64-bit OFFSET
CURSOR_PATTERN = r"^[0-9]{1,18}$"


def check_page(page: int, limit: int = PAGE_SIZE) -> None:
    if not 1 <= page <= MAX_PAGE:
        raise InvalidInput(f"p: expected a page number 1..{MAX_PAGE}, got {page}")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit: expected 1..{MAX_LIMIT}, got {limit}")


def _papers(conn: Connection, settings: Settings, rows: list[PaperRow]) -> list[dict[str, Any]]:
    return paper_dicts(conn, settings, rows)


def build_trending(
    conn: Connection, settings: Settings, window: str, now: datetime, limit: int = PAGE_SIZE
) -> dict[str, Any]:
    """Trending papers of the last day/week/month by the trending formula (community.trending), each
    with its score and the terms that make it up."""
    if window not in WINDOWS:
        raise InvalidInput(f"window: expected one of {', '.join(WINDOWS)}, got {window[:40]!r}")
    check_page(1, limit)
    found = trending_window(conn, settings, window, now)
    ranked = found.ranked[:limit]
    rows = reader.papers_in_order(conn, [r.paper_id for r in ranked])
    papers = [
        {**paper, "score": r.score, "trending": r.why}
        for paper, r in zip(_papers(conn, settings, rows), ranked, strict=True)
    ]
    return {
        "window": window,
        "since": iso(found.since),
        "until": iso(found.until),
        "as_of": found.as_of.isoformat(),
        "weights": vars(weights_from(settings)),
        "papers": papers,
    }


def build_new(conn: Connection, settings: Settings, category: str | None, page: int) -> dict[str, Any]:
    check_page(page)
    rows = reader.newest_papers(conn, category, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    return {
        "category": category,
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "papers": _papers(conn, settings, rows[:PAGE_SIZE]),
    }


def build_category(conn: Connection, settings: Settings, category: str, page: int) -> dict[str, Any]:
    check_page(page)
    info = reader.category_info(conn, category)
    if info is None:
        raise NotFound(f"no papers in category {category[:60]!r}")
    listing = build_new(conn, settings, category, page)
    per_day = day_series(charts_repo.category_days(conn, category))
    return {**listing, "info": info, "papers_per_day": per_day}


def build_author(conn: Connection, settings: Settings, name: str, page: int) -> dict[str, Any]:
    check_page(page)
    spellings = reader.find_authors(conn, name)
    if not spellings:
        raise NotFound(f"no author named {name[:80]!r}")
    author = spellings[0]
    ids = [a["id"] for a in spellings]
    total, rows = reader.author_papers(conn, ids, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    return {
        "name": author["name"],
        "spellings": [a["name"] for a in spellings],
        "total": total,
        "page": page,
        "has_next": page * PAGE_SIZE < total,
        "papers": _papers(conn, settings, rows),
        "papers_per_month": month_series(charts_repo.author_months(conn, author["name"])),
        "claimed_by": [
            {"user_id": c["user_id"], "display_name": c["display_name"], "url": f"/users/{c['user_id']}"}
            for c in claims_repo.approved_for_author(conn, author["name"])
        ],
    }


def parse_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    if re.fullmatch(CURSOR_PATTERN, cursor, re.ASCII) is None:
        raise InvalidInput(f"cursor: expected the next_cursor of a previous page, got {cursor[:40]!r}")
    return int(cursor)


def build_changes(conn: Connection, settings: Settings, cursor: str | None, limit: int) -> dict[str, Any]:
    """Every paper in the order it was last added or changed; follow next_cursor until it is null."""
    check_page(1, limit)
    rows = reader.changed_since(conn, parse_cursor(cursor), limit)
    next_cursor = str(rows[-1].seq) if len(rows) == limit else None
    return {"papers": [paper_dict(r, settings) for r in rows], "next_cursor": next_cursor}
