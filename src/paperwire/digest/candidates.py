"""The candidate pool of one edition: recent papers, indexed once so that composing 10k e-mails is cheap.

The pool is ordered as the site orders a daily list (community.trending), and carries, for each window
an edition can look back over, the papers that trend there as the site's Trending page ranks them.
Saved searches go through the hybrid SearchService; each distinct query is matched once per edition
(a cache on the pool), never once per subscriber.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import Connection

from paperwire.community.trending import rank_papers, trending_between
from paperwire.config import Settings
from paperwire.domain.papers import author_key
from paperwire.domain.ranking import Ranked
from paperwire.errors import PaperwireError
from paperwire.storage import reader
from paperwire.storage.reader import PaperRow

if TYPE_CHECKING:
    from paperwire.search.personal import Pick

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
    day: date  # the day it joined a daily list


def _candidate(row: PaperRow) -> Candidate:
    return Candidate(
        id=row.id,
        title=row.title,
        abstract=row.abstract,
        authors=row.authors,
        categories=row.categories,
        upvotes=row.upvotes,
        day=row.listed or date.min,
    )


class Matcher(Protocol):
    def match(self, query: str, since: date, pool: Pool) -> list[str]:
        """Ids of pool papers matching `query`, best first."""


def trending_why(rank: int, ranked: Ranked) -> str:
    votes, comments = int(ranked.why["votes"]), int(ranked.why["comments"])
    return f"#{rank} trending: {votes} vote{'s' * (votes != 1)}, {comments} comment{'s' * (comments != 1)}"


@dataclass
class Pool:
    papers: dict[str, Candidate]  # in the daily list's trending order
    trending: dict[date, list[tuple[str, str]]] = field(default_factory=dict)  # window start -> (id, why)
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
    """What saved searches and "Recommended for you" need of the SearchService: ranked paper ids for a
    query, and a reader's For You ranking (search/personal.py) restricted to candidates."""

    def rank_ids(self, query: str, *, mode: str = "hybrid", limit: int = 100) -> list[str]: ...

    def for_you(self, user_id: int, candidates: Sequence[str] | None = None, limit: int = 50) -> list[Pick]: ...


class SearchMatcher:
    """The hybrid SearchService, restricted to the pool's dates and papers."""

    def __init__(self, search: RankIds, depth: int = 200) -> None:
        self.search, self.depth = search, depth

    def match(self, query: str, since: date, pool: Pool) -> list[str]:
        ids = self.search.rank_ids(f"{query} after:{since.isoformat()}", limit=self.depth)
        return [pid for pid in ids if pid in pool.papers and pool.papers[pid].day >= since]

    def recommend(self, user_id: int, pool: Pool, limit: int) -> list[tuple[str, str]]:
        """The reader's For You ranking over the pool: the same function as the /for-you page."""
        return [(pick.paper_id, pick.why) for pick in self.search.for_you(user_id, list(pool.papers), limit)]


def load_pool(
    conn: Connection,
    settings: Settings,
    since: date,
    until: date,
    windows: Iterable[date],
    as_of: datetime,
    matcher: Matcher | None = None,
) -> Pool:
    """Papers that joined a daily list in [since, until], and the trending papers of each window start."""
    rows = {row.id: row for row in reader.listed_between(conn, since, until)}
    ordered = {
        r.paper_id: _candidate(rows[r.paper_id]) for r in rank_papers(conn, settings, list(rows.values()), as_of)
    }
    trending = {
        start: [
            (r.paper_id, trending_why(n, r))
            for n, r in enumerate(trending_between(conn, settings, start, until, as_of), 1)
        ]
        for start in windows
    }
    return Pool(ordered, trending, matcher=matcher)
