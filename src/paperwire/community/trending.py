"""Trending: which papers trend and in which order, for every page, API, feed, digest and job.

Candidates and their activity come from storage; the score, the order and the explanation from
domain.ranking.rank_trending with the configured weights (PAPERWIRE_TRENDING_*). Only papers with
counted activity (score > 0) trend.

Windows count back from the newest listed day (so an instance whose last ingest was a while ago still
shows its last week), and ages are measured at `as_of`: now, or the end of that newest day if it is
earlier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, Engine

from paperwire.config import Settings
from paperwire.domain.ranking import Activity, Ranked, TrendingWeights, rank_trending, window_days
from paperwire.storage import reader
from paperwire.storage.comments import comment_counts
from paperwire.storage.db import read_only
from paperwire.storage.reader import PaperRow, PaperStub
from paperwire.storage.votes import weighted_votes


def weights_from(settings: Settings) -> TrendingWeights:
    return TrendingWeights(settings.trending_vote_weight, settings.trending_comment_weight, settings.trending_gravity)


def rank_papers(
    conn: Connection, settings: Settings, rows: Sequence[PaperRow | PaperStub], as_of: datetime
) -> list[Ranked]:
    """These papers in trending order, papers without counted activity last (newest first)."""
    ids = [row.id for row in rows]
    votes, comments = weighted_votes(conn, ids), comment_counts(conn, ids)
    activity = [
        Activity(row.id, row.imported_upvotes + votes.get(row.id, 0), comments.get(row.id, 0), row.listed or date.min)
        for row in rows
    ]
    return rank_trending(activity, as_of, weights_from(settings))


def trending_between(conn: Connection, settings: Settings, since: date, until: date, as_of: datetime) -> list[Ranked]:
    """The papers listed in [since, until] that trend, best first."""
    ranked = rank_papers(conn, settings, reader.trending_candidates(conn, since, until), as_of)
    return [r for r in ranked if r.is_active]


def as_of_for(conn: Connection, now: datetime, until: date | None = None) -> tuple[date | None, datetime]:
    """(the newest listed day, on or before `until` if given; the moment ages are measured at)."""
    latest = reader.latest_day(conn, (), until)
    if latest is None:
        return None, now
    end_of_latest = datetime.combine(latest + timedelta(days=1), time(0), tzinfo=UTC)
    return latest, min(now, end_of_latest)


@dataclass(frozen=True)
class TrendingWindow:
    window: str
    since: date | None
    until: date | None
    as_of: datetime
    ranked: list[Ranked]


def trending_window(conn: Connection, settings: Settings, window: str, now: datetime) -> TrendingWindow:
    """Trending of the last day / week / month (ValueError for another window name)."""
    days = window_days(window)
    latest, as_of = as_of_for(conn, now)
    if latest is None:
        return TrendingWindow(window, None, None, as_of, [])
    since = latest - timedelta(days=days - 1)
    return TrendingWindow(window, since, latest, as_of, trending_between(conn, settings, since, latest, as_of))


def trending(engine: Engine, settings: Settings, window: str, now: datetime) -> list[Ranked]:
    with read_only(engine) as conn:
        return trending_window(conn, settings, window, now).ranked


__all__ = ["rank_papers", "trending", "trending_between", "trending_window", "weights_from"]
