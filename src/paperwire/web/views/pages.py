"""Every data page and its JSON twin, declared once (web/twins.py), in matching order.

Order matters: `/papers/{id}/similar` and `/papers/{id}.md` come before `/papers/{id}`, and the
`{paper_id:path}` routes come last because they match any longer path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection

from paperwire.domain.citations import bibtex
from paperwire.domain.ranking import WINDOWS_DAYS as WINDOWS
from paperwire.services import Services
from paperwire.web.builders.daily import MAX_API_LIMIT, DailyQuery, build_daily
from paperwire.web.builders.daily import SORTS as DAILY_SORTS
from paperwire.web.builders.hf import hf_items, hf_paper
from paperwire.web.builders.lists import (
    CURSOR_PATTERN,
    MAX_LIMIT,
    MAX_PAGE,
    build_author,
    build_category,
    build_changes,
    build_new,
    build_trending,
)
from paperwire.web.builders.paper import MAX_SIMILAR, build_paper, build_similar, meta_description, thumbnail_svg
from paperwire.web.builders.periods import parse_period
from paperwire.web.builders.search import MAX_LIMIT as SEARCH_MAX_LIMIT
from paperwire.web.builders.search import MAX_PAGE as SEARCH_MAX_PAGE
from paperwire.web.builders.search import MODES, SearchQuery, build_search
from paperwire.web.builders.search import SORTS as SEARCH_SORTS
from paperwire.web.deps import settings_of
from paperwire.web.markdown import paper_markdown
from paperwire.web.params import bounded, choice, matching
from paperwire.web.responses import Body, render_html
from paperwire.web.schema import (
    AuthorPage,
    CategoryPage,
    ChangesPage,
    DailyItem,
    PaperDetail,
    SearchResults,
    SimilarPublic,
)
from paperwire.web.twins import Html, Json, Page, register
from paperwire.web.views.accounts import viewer_is_moderator

router = APIRouter()
CATEGORIES = Query([], description="categories; repeat or separate with spaces")


@dataclass(frozen=True)
class TrendingQuery:
    window: str = "week"
    limit: int = 50


@dataclass(frozen=True)
class NewQuery:
    category: str | None = None
    page: int = 1


@dataclass(frozen=True)
class PaperQuery:
    paper_id: str
    include_hidden: bool = False  # a moderator's view: a hidden paper is 404 for everyone else


@dataclass(frozen=True)
class SimilarQuery:
    paper_id: str
    limit: int = 6
    include_hidden: bool = False


@dataclass(frozen=True)
class NameQuery:
    name: str
    page: int = 1


@dataclass(frozen=True)
class ChangesQuery:
    cursor: str | None = None
    limit: int = 100


def _items(data: dict[str, Any]) -> list[dict[str, Any]]:
    return hf_items(data["papers"])


def _with_items(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "papers": hf_items(data["papers"])}


# search


def search_query(
    q: str = Query("", description='query; supports author:, cat:, after:, before:, "phrases"'),
    cat: list[str] = CATEGORIES,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    author: str | None = None,
    sort: str = choice("relevance", SEARCH_SORTS),
    p: int = bounded(1, 1, SEARCH_MAX_PAGE, "page, from 1"),
) -> SearchQuery:
    return SearchQuery(
        q=q,
        categories=tuple(part for c in cat for part in c.replace(",", " ").split()),
        date_from=date_from or None,
        date_to=date_to or None,
        author=author or None,
        sort=sort,
        page=p,
    )


def api_search_query(
    q: str = Query("", description='query; supports author:, cat:, after:, before:, "phrases"'),
    limit: int = bounded(20, 1, SEARCH_MAX_LIMIT, f"results per page, 1..{SEARCH_MAX_LIMIT}"),
    p: int = bounded(1, 1, SEARCH_MAX_PAGE, "page, from 1"),
    sort: str = choice("relevance", SEARCH_SORTS),
    mode: str = choice("hybrid", MODES),
) -> SearchQuery:
    return SearchQuery(q=q, sort=sort, mode=mode, page=p, limit=limit)


def _search_items(data: dict[str, Any]) -> list[dict[str, Any]]:
    matches = [{**item, "match": True} for item in hf_items(data["papers"])]
    return matches + [{**item, "match": False} for item in hf_items(data["loosely_related"])]


def _search_results(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "query": data["query"],
        "mode": data["mode"],
        "sort": data["sort"],
        "total": data["total"],
        "page": data["page"],
        "pages": data["pages"],
        "results": [{**item, "match": True} for item in hf_items(data["papers"])],
        "looselyRelated": [{**item, "match": False} for item in hf_items(data["loosely_related"])],
        "suggestions": data["spellings"],
    }


def _build_search(conn: Connection, services: Services, query: SearchQuery) -> dict[str, Any]:
    return build_search(conn, services.settings, services.search, query)


SEARCH: Page[SearchQuery] = Page(
    "search",
    _build_search,
    Html(["/search"], "search/results.html", search_query, lambda query, data: {"form": query}),
    Json(
        "/api/papers/search",
        _search_items,
        list[DailyItem],
        "Search matches as daily-papers items, each with a `score` and `match: true`. Only papers that pass "
        "the relevance floor are matches (docs/search.md); sort=date|upvotes orders the matches. When nothing "
        "matches, up to 3 loosely related papers follow with `match: false`. /api/search has the total.",
        query=api_search_query,
    ),
)

SEARCH_RESULTS: Page[SearchQuery] = Page(
    "search-results",
    _build_search,
    json=Json(
        "/api/search",
        _search_results,
        SearchResults,
        "One page of a search with its `total` (matches only: papers that pass the relevance floor), the "
        "matches, and, when there is none, `looselyRelated` papers and spelling `suggestions` kept apart.",
        query=api_search_query,
    ),
)


# the daily feed


def daily_query(
    day: str | None = Query(None, alias="date", description="YYYY-MM-DD"),
    week: str | None = Query(None, description="YYYY-Www"),
    month: str | None = Query(None, description="YYYY-MM"),
    cat: str | None = None,
    p: int = bounded(1, 1, MAX_PAGE, "page, from 1"),
) -> DailyQuery:
    return DailyQuery(day=day, week=week, month=month, category=cat or None, page=p)


def api_daily_query(
    day: str | None = Query(None, alias="date", description="YYYY-MM-DD; default: the latest day with papers"),
    week: str | None = Query(None, description="ISO week, YYYY-Www"),
    month: str | None = Query(None, description="YYYY-MM"),
    cat: str | None = Query(None, description="only papers in this category"),
    submitter: str | None = Query(None, description="only papers this user submitted (their `user` name)"),
    p: int = bounded(0, 0, MAX_PAGE - 1, "page, from 0 (as on Hugging Face)"),
    limit: int = bounded(50, 1, MAX_API_LIMIT, f"1..{MAX_API_LIMIT}"),
    sort: str = choice("publishedAt", DAILY_SORTS, "publishedAt (newest submission first) | trending"),
) -> DailyQuery:
    return DailyQuery(
        day=day,
        week=week,
        month=month,
        category=cat or None,
        page=p + 1,
        limit=limit,
        sort=sort,
        scope="submitted",
        submitter=submitter or None,
    )


def home_query(cat: str | None = None, p: int = bounded(1, 1, MAX_PAGE, "page, from 1")) -> DailyQuery:
    return DailyQuery(category=cat or None, page=p)


_daily = Json(
    "/api/daily_papers",
    _items,
    list[DailyItem],
    "The community's submissions of a day, week or month (as Hugging Face): an array of daily items.",
    query=api_daily_query,
)
DAILY: Page[DailyQuery] = Page(
    "daily",
    lambda conn, services, query: build_daily(conn, services.settings, query, services.clock()),
    Html(["/papers"], "papers/daily.html", daily_query),
    _daily,
)
HOME: Page[DailyQuery] = Page(DAILY.name, DAILY.build, Html(["/"], "papers/daily.html", home_query))


# trending, new


def trending_query(window: str = choice("week", tuple(WINDOWS))) -> TrendingQuery:
    return TrendingQuery(window)


def api_trending_query(
    window: str = choice("week", tuple(WINDOWS)), limit: int = bounded(50, 1, MAX_LIMIT, f"1..{MAX_LIMIT}")
) -> TrendingQuery:
    return TrendingQuery(window, limit)


TRENDING: Page[TrendingQuery] = Page(
    "trending",
    lambda conn, services, query: build_trending(conn, services.settings, query.window, services.clock(), query.limit),
    Html(["/trending"], "papers/trending.html", trending_query),
    Json(
        "/api/trending",
        _items,
        list[DailyItem],
        "Trending papers of the window, by the trending formula (docs/community.md); each item says why.",
        query=api_trending_query,
    ),
)


def new_query(cat: str | None = None, p: int = bounded(1, 1, MAX_PAGE, "page, from 1")) -> NewQuery:
    return NewQuery(cat or None, p)


NEW: Page[NewQuery] = Page(
    "new",
    lambda conn, services, query: build_new(conn, services.settings, query.category, query.page),
    Html(["/new"], "papers/new.html", new_query),
    Json("/api/new", _items, list[DailyItem], "Newest announcements, optionally of one category."),
)


# authors, categories, the change feed


def author_query(name: str, p: int = bounded(1, 1, MAX_PAGE, "page, from 1")) -> NameQuery:
    return NameQuery(name, p)


AUTHOR: Page[NameQuery] = Page(
    "author",
    lambda conn, services, query: build_author(conn, services.settings, query.name, query.page),
    Html(["/authors/{name:path}"], "pages/author.html", author_query),
    Json(
        "/api/authors/{name:path}",
        _with_items,
        AuthorPage,
        "An author's papers, newest first: {name, total, page, has_next, papers: [daily-papers items]}.",
    ),
)


def category_query(category: str, p: int = bounded(1, 1, MAX_PAGE, "page, from 1")) -> NameQuery:
    return NameQuery(category, p)


CATEGORY: Page[NameQuery] = Page(
    "category",
    lambda conn, services, query: build_category(conn, services.settings, query.name, query.page),
    Html(["/categories/{category}"], "pages/category.html", category_query),
    Json(
        "/api/categories/{category}",
        _with_items,
        CategoryPage,
        "A category's papers, newest first: {info, page, has_next, papers: [daily-papers items]}.",
    ),
)


def changes_query(
    cursor: str | None = matching(CURSOR_PATTERN, "next_cursor of the previous page"),
    limit: int = bounded(100, 1, MAX_LIMIT, f"1..{MAX_LIMIT}"),
) -> ChangesQuery:
    return ChangesQuery(cursor, limit)


CHANGES: Page[ChangesQuery] = Page(
    "changes",
    lambda conn, services, query: build_changes(conn, services.settings, query.cursor, query.limit),
    json=Json(
        "/api/papers",
        lambda data: {"papers": [hf_paper(p) for p in data["papers"]], "next_cursor": data["next_cursor"]},
        ChangesPage,
        "Every paper, in the order it was last added or changed; a resumable change feed.",
        query=changes_query,
    ),
)


# one paper: similar papers, Markdown, the page


def api_similar_query(
    request: Request, paper_id: str, limit: int = bounded(10, 1, MAX_SIMILAR, f"1..{MAX_SIMILAR}")
) -> SimilarQuery:
    return SimilarQuery(paper_id, limit, include_hidden=viewer_is_moderator(request))


SIMILAR: Page[SimilarQuery] = Page(
    "similar",
    lambda conn, services, query: build_similar(
        conn, services.search, query.paper_id, query.limit, query.include_hidden
    ),
    json=Json(
        "/api/papers/{paper_id:path}/similar",
        lambda data: data["similar"],
        list[SimilarPublic],
        "Papers similar to this one: [{id, title, score, url, shared_terms}].",
        query=api_similar_query,
    ),
)


def paper_query(request: Request, paper_id: str) -> PaperQuery:
    return PaperQuery(paper_id, include_hidden=viewer_is_moderator(request))


def _paper_json(data: dict[str, Any]) -> dict[str, Any]:
    paper = data["paper"]
    return {**hf_paper(paper), "numComments": paper["num_comments"], "similarUrl": f"/api{paper['url']}/similar"}


# The HTML route is `paper_page` below: it also answers `Accept: text/markdown` with the Markdown twin.
PAPER: Page[PaperQuery] = Page(
    "paper",
    lambda conn, services, query: build_paper(conn, services.settings, query.paper_id, query.include_hidden),
    json=Json(
        "/api/papers/{paper_id:path}",
        _paper_json,
        PaperDetail,
        "One paper (Hugging Face's /api/papers/{id} shape plus versions, comment, DOI, similarUrl).",
        query=paper_query,
    ),
)


@router.get("/papers/{paper_id:path}/similar", name="pages.similar", include_in_schema=False)
async def similar(request: Request, paper_id: str, partial: bool = False) -> Response:
    """Similar papers: a fragment the paper page fetches (`?partial=1`), or a page of its own."""
    template = "papers/_similar.html" if partial else "papers/similar.html"
    query = SimilarQuery(paper_id, include_hidden=viewer_is_moderator(request))
    return await SIMILAR.respond(request, query, "html", render_html(template))


def _render_markdown(request: Request, data: dict[str, Any]) -> Body:
    text = paper_markdown(data["paper"], settings_of(request).base_url)
    return Body(text.encode("utf-8"), "text/markdown; charset=utf-8")


def _render_bibtex(request: Request, data: dict[str, Any]) -> Body:
    return Body(bibtex(data["paper"]).encode("utf-8"), "application/x-bibtex; charset=utf-8")


def _render_thumbnail(request: Request, data: dict[str, Any]) -> Body:
    return Body(thumbnail_svg(data["paper"]).encode("utf-8"), "image/svg+xml")


@router.get("/papers/{paper_id:path}.md", name="pages.paper.markdown", include_in_schema=False)
async def markdown(request: Request, paper_id: str) -> Response:
    return await PAPER.respond(request, paper_query(request, paper_id), "md", _render_markdown)


@router.get("/papers/{paper_id:path}.bib", name="pages.paper.bibtex", include_in_schema=False)
async def bibtex_entry(request: Request, paper_id: str) -> Response:
    return await PAPER.respond(request, paper_query(request, paper_id), "bib", _render_bibtex)


@router.get("/papers/{paper_id:path}/thumbnail.svg", name="pages.paper.thumbnail", include_in_schema=False)
async def thumbnail(request: Request, paper_id: str) -> Response:
    """HF's `thumbnail`: a title card, drawn here (no third-party image service)."""
    return await PAPER.respond(request, paper_query(request, paper_id), "svg", _render_thumbnail)


# Hugging Face's page URLs, redirected to ours (permanently: the mapping does not change).


@router.get("/papers/{kind}/{value}", name="pages.hf_period", include_in_schema=False)
async def hf_period(request: Request, kind: str, value: str) -> Response:
    """/papers/date/2025-01-31, /papers/week/2025-W05, /papers/month/2025-01 -> the daily feed."""
    param = {"date": "date", "week": "week", "month": "month"}.get(kind)
    if param is None:  # an old-style arXiv id such as hep-th/9901001
        return await paper_page(request, f"{kind}/{value}")
    parse_period(*(value if param == p else None for p in ("date", "week", "month")))
    return RedirectResponse(f"/papers?{urlencode({param: value})}", status_code=308)


@router.get("/papers/trending", name="pages.hf_trending", include_in_schema=False)
async def hf_trending() -> Response:
    return RedirectResponse("/trending", status_code=308)


def wants_markdown(request: Request) -> bool:
    """`Accept: text/markdown` preferred over text/html (by q-value, then order)."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(request.headers.get("accept", "").split(",")):
        kind, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if kind.strip() in ("text/markdown", "text/html", "text/x-markdown"):
            candidate = (q, -position, kind.strip())
            best = candidate if best is None or candidate > best else best
    return best is not None and best[0] > 0 and best[2] != "text/html"


@router.get("/papers/{paper_id:path}", name="pages.paper", include_in_schema=False)
async def paper_page(request: Request, paper_id: str) -> Response:
    """The paper page, or its Markdown when the client asks for text/markdown."""
    query = paper_query(request, paper_id)
    if wants_markdown(request):
        response = await PAPER.respond(request, query, "md", _render_markdown)
    else:
        response = await PAPER.respond(request, query, "html", render_html("papers/detail.html", _page_extras))
    response.headers["Vary"] = response.headers.get("Vary", "Cookie") + ", Accept"
    return response


def _page_extras(data: dict[str, Any]) -> dict[str, Any]:
    return {"bibtex": bibtex(data["paper"]), "description": meta_description(data["paper"])}


# SIMILAR's HTML route is `similar` above (two templates); PAPER comes last.
PAGES: tuple[Page[Any], ...] = (
    SEARCH,
    SEARCH_RESULTS,
    AUTHOR,
    CATEGORY,
    HOME,
    DAILY,
    TRENDING,
    NEW,
    CHANGES,
    SIMILAR,
    PAPER,
)
for _page in PAGES:
    register(router, _page)
