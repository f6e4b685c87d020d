"""The trending formula and the Wilson bound: properties, not examples."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperwire.domain.ranking import (
    TrendingWeights,
    explain_trending,
    trending_score,
    wilson_lower_bound,
    window_days,
)

counts = st.integers(min_value=0, max_value=100_000)
ages = st.floats(min_value=0, max_value=24 * 365, allow_nan=False)
weights = st.builds(
    TrendingWeights,
    vote=st.floats(min_value=0.01, max_value=10),
    comment=st.floats(min_value=0, max_value=10),
    gravity=st.floats(min_value=0.1, max_value=3),
)


@given(counts, counts, ages, weights)
def test_score_rises_with_votes_at_fixed_age(votes: int, comments: int, age: float, w: TrendingWeights) -> None:
    assert trending_score(votes + 1, comments, age, w) > trending_score(votes, comments, age, w)


@given(st.integers(min_value=1, max_value=100_000), counts, ages, weights)
def test_score_falls_with_age_at_fixed_votes(votes: int, comments: int, age: float, w: TrendingWeights) -> None:
    assert trending_score(votes, comments, age + 1, w) < trending_score(votes, comments, age, w)


@given(counts, counts, ages, weights)
def test_score_is_deterministic_and_matches_explanation(
    votes: int, comments: int, age: float, w: TrendingWeights
) -> None:
    score = trending_score(votes, comments, age, w)
    assert score == trending_score(votes, comments, age, w)
    assert score >= 0
    assert explain_trending(votes, comments, age, w)["score"] == pytest.approx(score)


def test_score_without_activity_is_zero() -> None:
    assert trending_score(0, 0, 5, TrendingWeights()) == 0


def test_window_names() -> None:
    assert [window_days(w) for w in ("day", "week", "month")] == [1, 7, 30]
    with pytest.raises(ValueError, match="year"):
        window_days("year")


@given(st.integers(0, 1000), st.integers(0, 1000))
def test_wilson_bound_is_a_share(up: int, down: int) -> None:
    assert 0 <= wilson_lower_bound(up, down) <= 1


def test_wilson_prefers_many_positive_votes_over_few() -> None:
    assert wilson_lower_bound(100, 5) > wilson_lower_bound(3, 0) > wilson_lower_bound(0, 0)
