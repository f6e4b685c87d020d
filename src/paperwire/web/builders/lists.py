"""Trending, New, author and category pages, and the change feed: lists of papers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Connection

from paperwire.config import Settings
from paperwire.errors import InvalidInput, NotFound
from paperwire.storage import feeds
from paperwire.web.builders._papers import order_by_votes, paper_dict, paper_dicts

WINDOWS = {"day": 1, "week": 7, "month": 30}
PAGE_SIZE = 50
MAX_LIMIT = 100


def check_page(page: int, limit: int = PAGE_SIZE) -> None:
    if page < 1:
        raise InvalidInput(f"p: expected a page number ≥ 1, got {page}")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit: expected 1..{MAX_LIMIT}, got {limit}")


def _papers(conn: Connection, settings: Settings, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return paper_dicts(conn, settings, rows)


def build_trending(conn: Connection, settings: Settings, window: str, limit: int = PAGE_SIZE) -> dict[str, Any]:
    """Most upvoted papers of the last day/week/month, counted back from the newest listed day."""
    if window not in WINDOWS:
        raise InvalidInput(f"window: expected one of {', '.join(WINDOWS)}, got {window[:40]!r}")
    check_page(1, limit)
    latest = feeds.latest_day(conn, ())
    if latest is None:
        return {"window": window, "since": None, "until": None, "papers": []}
    since = latest - timedelta(days=WINDOWS[window] - 1)
    rows = order_by_votes(feeds.window_rows(conn, since, limit=limit * 4))[:limit]
    return {
        "window": window,
        "since": since.isoformat(),
        "until": latest.isoformat(),
        "papers": _papers(conn, settings, rows),
    }


def build_new(conn: Connection, settings: Settings, category: str | None, page: int) -> dict[str, Any]:
    check_page(page)
    rows = feeds.newest_rows(conn, category, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    return {
        "category": category,
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "papers": _papers(conn, settings, rows[:PAGE_SIZE]),
    }


def build_category(conn: Connection, settings: Settings, category: str, page: int) -> dict[str, Any]:
    check_page(page)
    info = feeds.category_info(conn, category)
    if info is None:
        raise NotFound(f"no papers in category {category[:60]!r}")
    listing = build_new(conn, settings, category, page)
    return {**listing, "info": info}


def build_author(conn: Connection, settings: Settings, name: str, page: int) -> dict[str, Any]:
    check_page(page)
    author = feeds.find_author(conn, name)
    if author is None:
        raise NotFound(f"no author named {name[:80]!r}")
    total, rows = feeds.author_rows(conn, author["id"], PAGE_SIZE, (page - 1) * PAGE_SIZE)
    return {
        "name": author["name"],
        "total": total,
        "page": page,
        "has_next": page * PAGE_SIZE < total,
        "papers": _papers(conn, settings, rows),
    }


def parse_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.isdigit() or len(cursor) > 18:
        raise InvalidInput(f"cursor: expected the next_cursor of a previous page, got {cursor[:40]!r}")
    return int(cursor)


def build_changes(conn: Connection, settings: Settings, cursor: str | None, limit: int) -> dict[str, Any]:
    """Every paper in the order it was last added or changed; follow next_cursor until it is null."""
    check_page(1, limit)
    rows = feeds.changed_since(conn, parse_cursor(cursor), limit)
    next_cursor = str(rows[-1]["seq"]) if len(rows) == limit else None
    return {"papers": [paper_dict(r, settings) for r in rows], "next_cursor": next_cursor}
