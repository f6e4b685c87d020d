"""Paper rows -> the dicts every page, API and feed shares; ordering of lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection

from paperwire.config import Settings
from paperwire.domain.ranking import TrendingWeights, trending_score
from paperwire.storage import feeds
from paperwire.storage.papers import split_authors

SNIPPET_CHARS = 280
WEIGHTS = TrendingWeights()


def paper_path(paper_id: str) -> str:
    return "/papers/" + quote(paper_id, safe="/:")


def author_path(name: str) -> str:
    return "/authors/" + quote(name, safe="")


def category_path(category: str) -> str:
    return "/categories/" + quote(category, safe="")


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def paper_dicts(conn: Connection, settings: Settings, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """paper_dict for each row, with comment counts and, for submitted papers, the submitter's name."""
    comments = feeds.comment_counts(conn, [r["id"] for r in rows])
    names = feeds.submitter_names(conn, [r["id"] for r in rows if r["submitted_on"]])
    return [paper_dict(r, settings, comments.get(r["id"], 0), names.get(r["id"])) for r in rows]


def paper_dict(
    row: dict[str, Any], settings: Settings, comments: int = 0, submitted_by: str | None = None
) -> dict[str, Any]:
    """The one shape of a paper in lists: plain JSON types only, so it caches and serialises as is."""
    paper_id = row["id"]
    is_arxiv = not paper_id.startswith(("doi:", "hf:"))
    return {
        "id": paper_id,
        "title": row["title"],
        "abstract": row["abstract"],
        "snippet": snippet(row["abstract"]),
        "authors": split_authors(row["authors_text"]),
        "categories": (row["categories_text"] or "").split(),
        "primary_category": row["primary_category"],
        "published": iso(row["published"]),
        "announced": iso(row["announced"]),
        "submitted_on": iso(row["submitted_on"]),
        "submitted_by": submitted_by,
        "upvotes": row["upvotes"],
        "num_comments": comments,
        "code_links": [link for link in row["code_links"] or [] if link.startswith(("https://", "http://"))],
        "version": row["version"],
        "url": paper_path(paper_id),
        "abs_url": f"{settings.arxiv_abs_url}/{paper_id}" if is_arxiv else None,
        "pdf_url": f"{settings.arxiv_pdf_url}/{paper_id}" if is_arxiv else None,
        "updated_at": iso(row["updated_at"]),
    }


def _age_hours(row: dict[str, Any], now: datetime) -> float:
    day = row.get("submitted_on") or row.get("announced")
    if day is None:
        return 10_000.0
    return max(0.0, (now - datetime.combine(day, time(), tzinfo=UTC)).total_seconds() / 3600)


def trending_value(row: dict[str, Any], now: datetime) -> float:
    """The domain trending score (gravity decay since the paper joined a daily list)."""
    return trending_score(row["upvotes"], row.get("num_comments", 0), _age_hours(row, now), WEIGHTS)


def order_by_votes(rows: Sequence[dict[str, Any]], now: datetime | None = None) -> list[dict[str, Any]]:
    """Upvotes, then trending score (newer wins among equal votes), then newest day, then id."""
    now = now or datetime.now(UTC)

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        day = row.get("submitted_on") or row.get("announced") or date.min
        return (-row["upvotes"], -trending_value(row, now), -day.toordinal(), _reverse(row["id"]))

    return sorted(rows, key=key)


def order_by_date(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        day = row.get("announced") or row.get("submitted_on") or date.min
        return (-day.toordinal(), _reverse(row["id"]))

    return sorted(rows, key=key)


def _reverse(text: str) -> tuple[int, ...]:
    """Sort key that orders strings descending inside an ascending sort."""
    return tuple(-ord(ch) for ch in text)
