"""Trending and comment ranking: pure functions, stdlib only.

Trending (gravity decay, as on Hacker News):

    score = (w_v * votes + w_c * comments) / (age_hours + 2) ** gravity

`votes` counts the upvotes that carry weight (imported upvotes plus votes from accounts old enough and not
banned), `comments` the visible comments, and `age_hours` the time since the paper joined a daily list
(midnight UTC of the day it was submitted, else announced). The +2 keeps a brand-new paper from dividing
by ~0. Weights and gravity are settings (PAPERWIRE_TRENDING_*).

`rank_trending` is the one place that orders papers by this score: the trending pages, the JSON API,
the feeds, the daily list's "trending" sort and the digest's trending section all call it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

WINDOWS_DAYS = {"day": 1, "week": 7, "month": 30}
AGE_OFFSET_HOURS = 2.0


@dataclass(frozen=True)
class TrendingWeights:
    vote: float = 1.0
    comment: float = 0.5
    gravity: float = 1.8


def window_days(window: str) -> int:
    """Days covered by a trending window name ('day', 'week', 'month'); ValueError otherwise."""
    try:
        return WINDOWS_DAYS[window]
    except KeyError:
        expected = ", ".join(WINDOWS_DAYS)
        raise ValueError(f"unknown trending window {window!r}; expected one of {expected}") from None


def trending_score(votes: float, comments: float, age_hours: float, weights: TrendingWeights) -> float:
    """The trending score; never negative, 0 when there is no activity."""
    points = weights.vote * max(votes, 0.0) + weights.comment * max(comments, 0.0)
    decay: float = (max(age_hours, 0.0) + AGE_OFFSET_HOURS) ** weights.gravity
    return points / decay


def explain_trending(votes: float, comments: float, age_hours: float, weights: TrendingWeights) -> dict[str, Any]:
    """The 'why trending' breakdown: each term of the formula and the result."""
    age = max(age_hours, 0.0)
    decay = (age + AGE_OFFSET_HOURS) ** weights.gravity
    vote_points = weights.vote * max(votes, 0.0)
    comment_points = weights.comment * max(comments, 0.0)
    return {
        "votes": votes,
        "comments": comments,
        "age_hours": round(age, 2),
        "vote_points": vote_points,
        "comment_points": comment_points,
        "decay": decay,
        "gravity": weights.gravity,
        "score": (vote_points + comment_points) / decay,
        "formula": "(w_v*votes + w_c*comments) / (age_hours + 2)^gravity",
    }


@dataclass(frozen=True)
class Activity:
    """What the formula needs of one paper."""

    paper_id: str
    votes: float  # upvotes that carry weight
    comments: int  # visible comments
    listed: date  # the day it joined a daily list


@dataclass(frozen=True)
class Ranked:
    paper_id: str
    score: float
    why: dict[str, Any]  # explain_trending's breakdown

    @property
    def is_active(self) -> bool:
        """Counted activity: a weighted vote or a visible comment that the weights turn into points."""
        return self.score > 0


def age_hours(listed: date, as_of: datetime) -> float:
    return max((as_of - datetime.combine(listed, time(0), tzinfo=UTC)).total_seconds() / 3600, 0.0)


def rank_trending(papers: Iterable[Activity], as_of: datetime, weights: TrendingWeights) -> list[Ranked]:
    """Best score first; equal scores (papers without activity) newest first, then by id descending."""
    scored = [(p, explain_trending(p.votes, p.comments, age_hours(p.listed, as_of), weights)) for p in papers]
    scored.sort(key=lambda item: (-item[1]["score"], -item[0].listed.toordinal(), _descending(item[0].paper_id)))
    return [Ranked(p.paper_id, why["score"], why) for p, why in scored]


def _descending(text: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in text)


def wilson_lower_bound(up: int, down: int, z: float = 1.96) -> float:
    """Lower bound of the Wilson score interval for the share of positive votes (0 with no votes)."""
    total = up + down
    if total <= 0:
        return 0.0
    share = up / total
    centre = share + z * z / (2 * total)
    spread = z * math.sqrt((share * (1 - share) + z * z / (4 * total)) / total)
    return max(0.0, (centre - spread) / (1 + z * z / total))
