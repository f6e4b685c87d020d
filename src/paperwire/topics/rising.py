"""Rising topics: whose share of new papers grew most in the last window against the window before.

share(t, w) = papers of topic t listed in window w / all papers listed in w; growth is the difference in
percentage points (a topic going from 2 % to 5 % of new papers grew by 3 points), and only topics with at
least MIN_PAPERS papers in the last window count. Windows count back from the newest paper on the map,
as trending's do. The sparkline is the topic's share per week over the last SPARK_WEEKS weeks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from paperwire.topics.model import TopicMap

WINDOWS = (7, 30)
MIN_PAPERS = 3
SPARK_WEEKS = 12


@dataclass(frozen=True)
class Rising:
    topic_id: int
    papers: int  # in the last window
    previous: int  # in the window before
    share: float  # percent of the last window's new papers
    previous_share: float
    growth: float  # percentage points
    weekly_share: list[float] = field(default_factory=list)  # oldest first, percent
    rows: list[int] = field(default_factory=list)  # map rows of the topic's papers in the last window


def check_window(days: int) -> int:
    if days not in WINDOWS:
        from paperwire.errors import InvalidInput

        raise InvalidInput(f"days: expected one of {', '.join(map(str, WINDOWS))}, got {days}")
    return days


def rising_topics(topic_map: TopicMap, days: int, limit: int = 10) -> list[Rising]:
    check_window(days)
    dates = topic_map.dates
    known = dates > 0
    if not known.any():
        return []
    newest = int(dates[known].max())
    now = known & (dates > newest - days)
    before = known & (dates <= newest - days) & (dates > newest - 2 * days)
    count = len(topic_map.topics)
    current = np.bincount(topic_map.topic[now], minlength=count)
    previous = np.bincount(topic_map.topic[before], minlength=count)
    share = 100 * current / max(int(now.sum()), 1)
    previous_share = 100 * previous / max(int(before.sum()), 1)
    growth = share - previous_share
    eligible = [t for t in range(count) if current[t] >= MIN_PAPERS]
    best = sorted(eligible, key=lambda t: (-growth[t], -current[t], t))[:limit]
    weekly = _weekly_shares(topic_map, newest)
    return [
        Rising(
            t,
            int(current[t]),
            int(previous[t]),
            round(float(share[t]), 2),
            round(float(previous_share[t]), 2),
            round(float(growth[t]), 2),
            [round(float(v), 2) for v in weekly[:, t]],
            [int(r) for r in np.flatnonzero(now & (topic_map.topic == t))],
        )
        for t in best
    ]


def _weekly_shares(topic_map: TopicMap, newest: int) -> np.ndarray:
    count = len(topic_map.topics)
    shares = np.zeros((SPARK_WEEKS, count))
    for week in range(SPARK_WEEKS):
        end = newest - 7 * (SPARK_WEEKS - 1 - week)
        inside = (topic_map.dates > end - 7) & (topic_map.dates <= end)
        total = int(inside.sum())
        if total:
            shares[week] = 100 * np.bincount(topic_map.topic[inside], minlength=count) / total
    return shares
