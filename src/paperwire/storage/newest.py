"""The newest papers of many authors, or of many categories, in one statement: the /following page
lists three per follow and For You reads up to 200 per followed author, so a reader with 500 follows
costs what a reader with five does (tests/functional/test_query_counts.py pins it).

Each query ranks papers per author (or category) with ROW_NUMBER() in the database, keeps the first
`limit` of each, and returns them in the lists' order (announced, then id, newest first); Python then
merges the spellings of one person. SQLite has window functions since 3.25 (2018).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence

from sqlalchemy import Connection, func, select

from paperwire.storage.reader import visible
from paperwire.storage.tables import paper_authors, paper_categories, papers

NEWEST_FIRST = (papers.c.announced.desc(), papers.c.id.desc())  # reader.author_papers and newest_papers


def newest_of_authors(conn: Connection, groups: Sequence[Sequence[int]], limit: int) -> list[list[str]]:
    """For each group of author ids (the stored spellings of one person), the ids of its `limit` newest
    visible papers, as reader.author_papers orders them. A group's newest are among the newest of each
    of its spellings, so ranking per author id is enough. The ids go in one IN (...): at most MAX_FOLLOWS
    (500) groups of a few spellings each, well under both databases' parameter limits."""
    wanted = sorted({author_id for group in groups for author_id in group})
    if not wanted:
        return [[] for _ in groups]
    rank = func.row_number().over(partition_by=paper_authors.c.author_id, order_by=NEWEST_FIRST).label("rank")
    ranked = (
        select(paper_authors.c.author_id, papers.c.id, papers.c.announced, rank)
        .join(papers, papers.c.id == paper_authors.c.paper_id)
        .where(paper_authors.c.author_id.in_(wanted), visible())
        .subquery()
    )
    query = select(ranked.c.author_id, ranked.c.id).where(ranked.c.rank <= limit)
    rows = conn.execute(query.order_by(ranked.c.announced.desc(), ranked.c.id.desc())).all()
    owned = _by_owner(rows)
    return [_first(owned, group, limit) for group in groups]


def newest_in_categories(conn: Connection, categories: Sequence[str], limit: int) -> dict[str, list[str]]:
    """The ids of the `limit` newest announced visible papers of each category, as reader.newest_papers
    orders them (one category per follow, so at most MAX_FOLLOWS in the IN (...))."""
    wanted = sorted(set(categories))
    if not wanted:
        return {}
    category = paper_categories.c.category_id
    rank = func.row_number().over(partition_by=category, order_by=NEWEST_FIRST).label("rank")
    ranked = (
        select(category, papers.c.id, papers.c.announced, rank)
        .join(papers, papers.c.id == paper_categories.c.paper_id)
        .where(category.in_(wanted), papers.c.announced.is_not(None), visible())
        .subquery()
    )
    query = select(ranked.c.category_id, ranked.c.id).where(ranked.c.rank <= limit)
    rows = conn.execute(query.order_by(ranked.c.announced.desc(), ranked.c.id.desc())).all()
    owned = _by_owner(rows)
    return {name: _first(owned, [name], limit) for name in wanted}


def _by_owner(rows: Sequence[tuple[object, str]]) -> dict[object, list[tuple[int, str]]]:
    """Each owner's (position in the rows, paper id) pairs, in row order."""
    found: dict[object, list[tuple[int, str]]] = {}
    for position, (owner, paper_id) in enumerate(rows):
        found.setdefault(owner, []).append((position, paper_id))
    return found


def _first(owned: dict[object, list[tuple[int, str]]], owners: Sequence[object], limit: int) -> list[str]:
    """The first `limit` distinct paper ids of these owners, in row order."""
    merged = heapq.merge(*(owned.get(owner, []) for owner in dict.fromkeys(owners)))
    return list(itertools.islice(dict.fromkeys(paper_id for _, paper_id in merged), limit))
