"""'Recommended for you': the reader's For You ranking (search/personal.py) over the edition's pool,
so the e-mail and the /for-you page agree. Without a search index there is no ranking and no section."""

from __future__ import annotations

from paperwire.digest.candidates import Pool, SearchMatcher
from paperwire.storage.subscribers import Subscriber

LIMIT = 5


def for_subscriber(subscriber: Subscriber, pool: Pool) -> list[tuple[str, str]]:
    if subscriber.user_id is None or not isinstance(pool.matcher, SearchMatcher):
        return []
    return pool.matcher.recommend(subscriber.user_id, pool, LIMIT)
