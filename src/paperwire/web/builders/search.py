"""The search page and its JSON twin: filters become query operators for the SearchService."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from paperwire.config import Settings
from paperwire.domain.papers import parse_arxiv_id
from paperwire.errors import InvalidInput, NotFound
from paperwire.search.service import SearchService
from paperwire.search.text import STOP_WORDS, tokenize
from paperwire.storage import reader
from paperwire.web.builders._papers import paper_dicts, paper_path
from paperwire.web.builders.periods import parse_day

log = logging.getLogger(__name__)

SORTS = ("relevance", "date", "upvotes")
MODES = ("hybrid", "lexical", "semantic")
MAX_LIMIT = 120  # as Hugging Face allows
MAX_PAGE = 100
_OPERATOR = re.compile(r'\b[A-Za-z]+:(?:"[^"]*"?|\S*)')
_TERM = re.compile(r"\w+")


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    categories: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    author: str | None = None
    sort: str = "relevance"
    mode: str = "hybrid"
    page: int = 1
    limit: int = 20

    def check(self) -> None:
        if self.sort not in SORTS:
            raise InvalidInput(f"sort: expected one of {', '.join(SORTS)}, got {self.sort[:40]!r}")
        if self.mode not in MODES:
            raise InvalidInput(f"mode: expected one of {', '.join(MODES)}, got {self.mode[:40]!r}")
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidInput(f"limit: expected 1..{MAX_LIMIT}, got {self.limit}")
        if not 1 <= self.page <= MAX_PAGE:
            raise InvalidInput(f"p: expected a page number 1..{MAX_PAGE}, got {self.page}")
        for name, value in (("from", self.date_from), ("to", self.date_to)):
            if value:
                parse_day(value, name)

    def full_text(self) -> str:
        """The query with the form's filters appended as operators (see docs/search.md)."""
        parts = [self.q.strip()]
        parts += [f"cat:{c}" for c in self.categories if c]
        if self.date_from:
            parts.append(f"after:{self.date_from}")
        if self.date_to:
            parts.append(f"before:{self.date_to}")
        if self.author:
            parts.append('author:"' + self.author.replace('"', " ") + '"')
        return " ".join(p for p in parts if p)


def highlight_terms(q: str) -> list[str]:
    """The index terms to mark in results (stemmed, stop words dropped, search/text.py): free text only,
    operators removed."""
    return sorted(set(tokenize(_OPERATOR.sub(" ", q))))


def _suggestion(conn: Connection, q: str) -> dict[str, str | None] | None:
    """'Did you mean the paper 2401.12345?' when the query is an arXiv id we hold; for an arXiv id we
    do not hold, an offer to index it (`title` None)."""
    try:
        paper_id = parse_arxiv_id(q.strip()).id
    except ValueError:
        return None
    row = reader.paper_by_id(conn, paper_id)
    if row is None:
        return {"id": paper_id, "title": None, "url": None}
    return {"id": row.id, "title": row.title, "url": paper_path(row.id)}


@dataclass(frozen=True)
class _Found:
    total: int
    hits: list[tuple[str, float]]
    loose: list[tuple[str, float]]
    suggestions: list[str]
    degraded: bool = False


def _run(search: SearchService, conn: Connection, query: SearchQuery) -> _Found:
    """The service's result set (matches, and the nearest papers apart when none), or a title match
    without an index."""
    offset = (query.page - 1) * query.limit
    try:
        page = search.search(query.full_text(), mode=query.mode, sort=query.sort, offset=offset, limit=query.limit)
        loose = [(hit.id, hit.score) for hit in page.loosely_related]
        return _Found(page.total, [(hit.id, hit.score) for hit in page.hits], loose, page.suggestions)
    except NotFound as error:  # no index built yet
        log.warning("web.search_degraded", extra={"reason": str(error)})
    text = _OPERATOR.sub(" ", query.q)
    terms = [t.lower() for t in _TERM.findall(text) if len(t) > 1 and t.lower() not in STOP_WORDS]
    if not terms:
        return _Found(0, [], [], [], degraded=True)
    total, ids = reader.search_titles(conn, terms, query.limit, offset)
    return _Found(total, [(pid, 0.0) for pid in ids], [], [], degraded=True)


def _shown(conn: Connection, settings: Settings, hits: list[tuple[str, float]]) -> list[dict[str, Any]]:
    rows = reader.papers_by_id(conn, [pid for pid, _ in hits], visible_only=True)  # hidden papers never show
    found = [(rows[pid], score) for pid, score in hits if pid in rows]
    shown = paper_dicts(conn, settings, [row for row, _ in found])
    return [{**paper, "score": score} for paper, (_, score) in zip(shown, found, strict=True)]


def build_search(conn: Connection, settings: Settings, search: SearchService, query: SearchQuery) -> dict[str, Any]:
    """The search page's data. `total` and `papers` are matches only (they passed the relevance floor);
    `loosely_related` (nearest papers under the floor) and `spellings` are filled only when nothing matches."""
    query.check()
    result: dict[str, Any] = {
        "query": query.q,
        "mode": query.mode,
        "sort": query.sort,
        "total": 0,
        "papers": [],
        "loosely_related": [],
        "spellings": [],
        "page": query.page,
        "pages": 1,
        "degraded": False,
        "suggestion": None,
        "terms": highlight_terms(query.q),
    }
    if not query.full_text():
        return result
    found = _run(search, conn, query)
    papers = _shown(conn, settings, found.hits + found.loose)
    match_ids = {pid for pid, _ in found.hits}
    matches = [p for p in papers if p["id"] in match_ids]
    loose = [p for p in papers if p["id"] not in match_ids]
    result.update(total=found.total, papers=matches, loosely_related=loose, degraded=found.degraded)
    result.update(spellings=found.suggestions, suggestion=_suggestion(conn, query.q))
    result.update(pages=max(1, min(MAX_PAGE, -(-found.total // query.limit))))
    return result
