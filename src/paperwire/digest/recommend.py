"""'Recommended for you': pool papers that share authors or a category with what the account upvoted.

Only when the community package's votes table exists and the subscriber is linked to an account.
"""

from __future__ import annotations

import importlib
from collections import Counter
from typing import Any

from sqlalchemy import Connection, select

from paperwire.digest.candidates import Pool
from paperwire.domain.papers import author_key
from paperwire.storage.subscribers import Subscriber
from paperwire.storage.tables import papers

LIMIT = 5


def _votes_table() -> Any | None:
    try:
        module = importlib.import_module("paperwire.storage.community_tables")
    except ModuleNotFoundError:
        return None
    return getattr(module, "votes", None)


def for_subscriber(conn: Connection, subscriber: Subscriber, pool: Pool) -> list[tuple[str, str]]:
    votes = _votes_table()
    if votes is None or subscriber.user_id is None:
        return []
    query = (
        select(papers.c.id, papers.c.authors_text, papers.c.primary_category)
        .join(votes, votes.c.paper_id == papers.c.id)
        .where(votes.c.user_id == subscriber.user_id)
        .limit(200)
    )
    liked: set[str] = set()
    authors: set[str] = set()
    categories: Counter[str] = Counter()
    for row in conn.execute(query):
        liked.add(row.id)
        authors.update(author_key(a) for a in (row.authors_text or "").split("; ") if a)
        categories[row.primary_category] += 1
    picks: list[tuple[str, str]] = []
    for paper in pool.papers.values():  # most upvoted first
        if paper.id in liked or len(picks) >= LIMIT:
            continue
        if any(author_key(a) in authors for a in paper.authors):
            picks.append((paper.id, "by an author of a paper you upvoted"))
        elif paper.categories and categories.get(paper.categories[0], 0) >= 2:
            picks.append((paper.id, f"you upvoted papers in {paper.categories[0]}"))
    return picks
