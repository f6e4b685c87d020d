"""Rising: share of new papers in the last window against the window before, in percentage points."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from paperwire.errors import InvalidInput
from paperwire.topics.model import Topic, TopicMap
from paperwire.topics.rising import rising_topics

NEWEST = date(2025, 3, 31).toordinal()


def _map(days_and_topics: list[tuple[int, int]]) -> TopicMap:
    dates = np.array([NEWEST - d for d, _ in days_and_topics], dtype=np.int32)
    topic = np.array([t for _, t in days_and_topics], dtype=np.int16)
    return TopicMap(
        ids=[f"p{i}" for i in range(len(dates))],
        dates=dates,
        xy=np.zeros((len(dates), 2), dtype=np.float32),
        topic=topic,
        topics=[Topic(t, f"t{t}", [], 0, 0.5, 0.5) for t in range(3)],
        centroids=np.eye(3, dtype=np.float32),
        built=len(dates),
        seq=1,
        days=90,
        reducer="pca",
        built_at="",
    )


def test_growth_is_the_change_in_share_and_small_topics_are_left_out() -> None:
    # Previous week (8..13 days back): topic 0 has 3 of 4 papers; last week (0..6): topic 1 has 4 of 6.
    previous = [(10, 0), (11, 0), (12, 0), (9, 1)]
    last = [(0, 1), (1, 1), (2, 1), (3, 1), (4, 0), (5, 2)]
    found = rising_topics(_map(previous + last), 7)
    assert [r.topic_id for r in found] == [1]  # topic 0 has 1 new paper, topic 2 one: below MIN_PAPERS
    rising = found[0]
    assert (rising.papers, rising.previous) == (4, 1)
    assert (rising.share, rising.previous_share, rising.growth) == (66.67, 25.0, 41.67)
    assert rising.rows == [4, 5, 6, 7]
    assert len(rising.weekly_share) == 12
    assert rising.weekly_share[-1] == 66.67


def test_only_7_and_30_day_windows() -> None:
    with pytest.raises(InvalidInput, match="days"):
        rising_topics(_map([(0, 0)]), 14)
