"""Trending papers per window: candidates from SQL, the score and its explanation from domain.ranking."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, or_, select

from paperwire.config import Settings
from paperwire.domain.ranking import TrendingWeights, explain_trending, window_days
from paperwire.storage.community_tables import comments, hidden_papers, votes
from paperwire.storage.db import read_only
from paperwire.storage.tables import papers


def weights_from(settings: Settings) -> TrendingWeights:
    return TrendingWeights(settings.trending_vote_weight, settings.trending_comment_weight, settings.trending_gravity)


def _candidates(conn: Connection, since: date) -> list[dict[str, Any]]:
    weighted_votes = (
        select(func.count())
        .where(votes.c.paper_id == papers.c.id, votes.c.counted.is_(True), votes.c.weighted.is_(True))
        .scalar_subquery()
    )
    visible_comments = (
        select(func.count())
        .where(
            comments.c.paper_id == papers.c.id,
            comments.c.deleted_at.is_(None),
            comments.c.hidden_at.is_(None),
        )
        .scalar_subquery()
    )
    listed = func.coalesce(papers.c.submitted_on, papers.c.announced, papers.c.published)
    hidden = select(hidden_papers.c.paper_id)
    query = (
        select(
            papers.c.id,
            papers.c.title,
            papers.c.authors_text,
            papers.c.upvotes,
            papers.c.imported_upvotes,
            listed.label("listed"),
            weighted_votes.label("weighted_votes"),
            visible_comments.label("comments"),
        )
        .where(listed >= since, papers.c.id.not_in(hidden))
        .where(or_(papers.c.upvotes > 0, papers.c.id.in_(select(comments.c.paper_id))))
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def _age_hours(listed: date | str, now: datetime) -> float:
    day = date.fromisoformat(listed) if isinstance(listed, str) else listed
    return max((now - datetime.combine(day, time(0), tzinfo=UTC)).total_seconds() / 3600, 0.0)


def trending_papers(
    conn: Connection,
    window: str,
    now: datetime,
    limit: int = 30,
    offset: int = 0,
    weights: TrendingWeights | None = None,
) -> list[dict[str, Any]]:
    """Papers listed within the window, best score first: id, title, upvotes, ..., score, breakdown."""
    weights = weights or TrendingWeights()
    since = (now - timedelta(days=window_days(window))).date()
    ranked = []
    for row in _candidates(conn, since):
        votes_ = row["imported_upvotes"] + row["weighted_votes"]
        breakdown = explain_trending(votes_, row["comments"], _age_hours(row["listed"], now), weights)
        if breakdown["score"] > 0:
            ranked.append({**row, "score": breakdown["score"], "breakdown": breakdown})
    ranked.sort(key=lambda r: (-r["score"], r["id"]))
    return ranked[offset : offset + limit]


def trending(
    engine: Engine, settings: Settings, window: str, now: datetime, limit: int = 30, offset: int = 0
) -> list[dict[str, Any]]:
    with read_only(engine) as conn:
        return trending_papers(conn, window, now, limit, offset, weights_from(settings))


__all__ = ["trending", "trending_papers", "weights_from"]
