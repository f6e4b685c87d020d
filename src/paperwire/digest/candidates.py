"""The candidate pool of one edition: recent papers, indexed once so that composing 10k e-mails is cheap.

Saved searches go through the hybrid SearchService when it has an index; each distinct query is matched
once per edition (a cache on the pool), never once per subscriber.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from sqlalchemy import Engine, func, select

from paperwire.domain.papers import author_key
from paperwire.errors import PaperwireError
from paperwire.storage.db import read_only
from paperwire.storage.tables import papers

log = logging.getLogger(__name__)
_WORD = re.compile(r"\w+")
PER_SEARCH = 5


@dataclass(frozen=True)
class Candidate:
    id: str
    title: str
    abstract: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    upvotes: int
    day: date


class Matcher(Protocol):
    def match(self, query: str, since: date, pool: Pool) -> list[str]:
        """Ids of pool papers matching `query`, best first."""


@dataclass
class Pool:
    papers: dict[str, Candidate]  # in trending order: most upvotes first, then newest
    by_category: dict[str, list[str]] = field(default_factory=dict)
    by_author: dict[str, list[str]] = field(default_factory=dict)
    matcher: Matcher | None = None
    _searches: dict[tuple[str, date], list[str]] = field(default_factory=dict)
    _texts: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_category, by_author = defaultdict(list), defaultdict(list)
        for paper in self.papers.values():
            for category in paper.categories:
                by_category[category.lower()].append(paper.id)
            for name in paper.authors:
                by_author[author_key(name)].append(paper.id)
        self.by_category, self.by_author = dict(by_category), dict(by_author)

    def search(self, query: str, since: date) -> list[str]:
        key = (" ".join(query.lower().split()), since)
        if key not in self._searches:
            self._searches[key] = self._match(query, since)
        return self._searches[key]

    def _match(self, query: str, since: date) -> list[str]:
        if self.matcher is not None:
            try:
                return self.matcher.match(query, since, self)
            except PaperwireError as error:  # no index yet, bad query: fall back to words
                log.warning("digest.search_fallback", extra={"reason": str(error)[:200]})
        return KeywordMatcher().match(query, since, self)

    def text_of(self, paper_id: str) -> str:
        if paper_id not in self._texts:
            paper = self.papers[paper_id]
            self._texts[paper_id] = f"{paper.title} {paper.abstract}".lower()
        return self._texts[paper_id]

    @property
    def distinct_searches(self) -> int:
        return len(self._searches)


class KeywordMatcher:
    """Every word of the query in the title or abstract (used when there is no search index)."""

    def match(self, query: str, since: date, pool: Pool) -> list[str]:
        words = [w for w in _WORD.findall(query.lower()) if ":" not in w]
        if not words:
            return []
        return [pid for pid, p in pool.papers.items() if p.day >= since and all(w in pool.text_of(pid) for w in words)]


class RankIds(Protocol):
    """What saved searches need of the SearchService: ranked paper ids for a query."""

    def rank_ids(self, query: str, *, mode: str = "hybrid", limit: int = 100) -> list[str]: ...


class SearchMatcher:
    """The hybrid SearchService, restricted to the pool's dates and papers."""

    def __init__(self, search: RankIds, depth: int = 200) -> None:
        self.search, self.depth = search, depth

    def match(self, query: str, since: date, pool: Pool) -> list[str]:
        ids = self.search.rank_ids(f"{query} after:{since.isoformat()}", limit=self.depth)
        return [pid for pid in ids if pid in pool.papers and pool.papers[pid].day >= since]


_DAY = func.coalesce(papers.c.announced, papers.c.submitted_on, papers.c.published)


def load_pool(engine: Engine, since: date, until: date, matcher: Matcher | None = None) -> Pool:
    """Papers whose listing day falls in [since, until], most upvoted first."""
    columns = (
        papers.c.id,
        papers.c.title,
        papers.c.abstract,
        papers.c.authors_text,
        papers.c.categories_text,
        papers.c.upvotes,
        _DAY.label("day"),
    )
    # _DAY is a SQL column expression, not a constant: SIM300's "Yoda condition" does not apply.
    query = (
        select(*columns)
        .where(since <= _DAY, until >= _DAY)
        .order_by(
            papers.c.upvotes.desc(),
            _DAY.desc(),
            papers.c.id,
        )
    )
    found: dict[str, Candidate] = {}
    with read_only(engine) as conn:
        for row in conn.execute(query):
            found[row.id] = Candidate(
                id=row.id,
                title=row.title,
                abstract=row.abstract,
                upvotes=int(row.upvotes or 0),
                day=row.day,
                authors=tuple(a for a in (row.authors_text or "").split("; ") if a),
                categories=tuple((row.categories_text or "").split()),
            )
    return Pool(found, matcher=matcher)
