"""The search page: query, filters (categories, dates, author), sort, pagination, highlighted terms."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from paperwire.web.builders.search import SearchQuery, build_search
from paperwire.web.responses import render_html, respond

router = APIRouter(include_in_schema=False)
CATEGORIES = Query([], description="categories; repeat or separate with spaces")


def search_query(
    q: str,
    cat: list[str],
    date_from: str | None,
    date_to: str | None,
    author: str | None,
    sort: str,
    p: int,
    limit: int = 20,
    mode: str = "hybrid",
) -> SearchQuery:
    return SearchQuery(
        q=q,
        categories=tuple(part for c in cat for part in c.replace(",", " ").split()),
        date_from=date_from or None,
        date_to=date_to or None,
        author=author or None,
        sort=sort,
        mode=mode,
        page=p,
        limit=limit,
    )


@router.get("/search", name="search.results")
async def results(
    request: Request,
    q: str = "",
    cat: list[str] = CATEGORIES,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    author: str | None = None,
    sort: str = "relevance",
    p: int = 1,
) -> Response:
    query = search_query(q, cat, date_from, date_to, author, sort, p)
    settings, search = request.app.state.settings, request.app.state.services.search
    return await respond(
        request,
        ("search", query),
        "html",
        lambda conn: build_search(conn, settings, search, query),
        render_html("search/results.html", lambda data: {"form": query}),
    )
