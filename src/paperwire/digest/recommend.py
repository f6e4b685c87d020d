"""'Recommended for you': pool papers that share authors or a category with what the account upvoted."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Connection

from paperwire.digest.candidates import Pool
from paperwire.domain.papers import author_key
from paperwire.storage import reader
from paperwire.storage.subscribers import Subscriber

LIMIT = 5


def for_subscriber(conn: Connection, subscriber: Subscriber, pool: Pool) -> list[tuple[str, str]]:
    if subscriber.user_id is None:
        return []
    liked: set[str] = set()
    authors: set[str] = set()
    categories: Counter[str | None] = Counter()
    for row in reader.papers_voted_by(conn, subscriber.user_id):
        liked.add(row.id)
        authors.update(author_key(a) for a in row.authors)
        categories[row.primary_category] += 1
    picks: list[tuple[str, str]] = []
    for paper in pool.papers.values():  # in the daily list's order
        if paper.id in liked or len(picks) >= LIMIT:
            continue
        if any(author_key(a) in authors for a in paper.authors):
            picks.append((paper.id, "by an author of a paper you upvoted"))
        elif paper.categories and categories.get(paper.categories[0], 0) >= 2:
            picks.append((paper.id, f"you upvoted papers in {paper.categories[0]}"))
    return picks
