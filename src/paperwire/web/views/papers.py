"""HTML pages: daily feed, trending, new, paper page and its Markdown twin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from paperwire.web.builders.daily import DailyQuery, build_daily
from paperwire.web.builders.lists import build_new, build_trending
from paperwire.web.builders.paper import build_paper, build_similar
from paperwire.web.markdown import paper_markdown
from paperwire.web.responses import Body, render_html, respond

router = APIRouter(include_in_schema=False)


def _settings(request: Request) -> Any:
    return request.app.state.settings


def daily_query(
    day: str | None,
    week: str | None,
    month: str | None,
    cat: str | None,
    p: int,
    limit: int = 50,
    sort: str = "trending",
) -> DailyQuery:
    return DailyQuery(day=day, week=week, month=month, category=cat or None, page=p, limit=limit, sort=sort)


@router.get("/", name="papers.home")
async def home(request: Request, cat: str | None = None, p: int = 1) -> Response:
    return await daily(request, None, None, None, cat, p)


@router.get("/papers", name="papers.daily")
async def daily(
    request: Request,
    day: str | None = Query(None, alias="date", description="YYYY-MM-DD"),
    week: str | None = Query(None, description="YYYY-Www"),
    month: str | None = Query(None, description="YYYY-MM"),
    cat: str | None = None,
    p: int = 1,
) -> Response:
    query = daily_query(day, week, month, cat, p)
    settings = _settings(request)
    return await respond(
        request,
        ("daily", query),
        "html",
        lambda conn: build_daily(conn, settings, query),
        render_html("papers/daily.html"),
    )


@router.get("/trending", name="papers.trending")
async def trending(request: Request, window: str = "week") -> Response:
    settings = _settings(request)
    return await respond(
        request,
        ("trending", window, 50),
        "html",
        lambda conn: build_trending(conn, settings, window),
        render_html("papers/trending.html"),
    )


@router.get("/new", name="papers.new")
async def new(request: Request, cat: str | None = None, p: int = 1) -> Response:
    settings = _settings(request)
    category = cat or None
    return await respond(
        request,
        ("new", category, p),
        "html",
        lambda conn: build_new(conn, settings, category, p),
        render_html("papers/new.html"),
    )


async def _paper(request: Request, paper_id: str, kind: str, render: Any) -> Response:
    settings, search = _settings(request), request.app.state.services.search
    return await respond(
        request, ("paper", paper_id), kind, lambda conn: build_paper(conn, settings, search, paper_id), render
    )


@router.get("/papers/{paper_id:path}.md", name="papers.markdown")
async def markdown(request: Request, paper_id: str) -> Response:
    def render(request: Request, data: dict[str, Any]) -> Body:
        text = paper_markdown(data["paper"], _settings(request).base_url)
        return Body(text.encode("utf-8"), "text/markdown; charset=utf-8")

    return await _paper(request, paper_id, "md", render)


@router.get("/papers/{paper_id:path}/similar", name="papers.similar")
async def similar(request: Request, paper_id: str, partial: bool = False) -> Response:
    """Similar papers: a fragment the paper page fetches (`?partial=1`), or a page of its own."""
    search = request.app.state.services.search
    return await respond(
        request,
        ("similar", paper_id),
        "html",
        lambda conn: build_similar(conn, search, paper_id),
        render_html("papers/_similar.html" if partial else "papers/similar.html"),
    )


@router.get("/papers/{paper_id:path}", name="papers.detail")
async def detail(request: Request, paper_id: str) -> Response:
    return await _paper(request, paper_id, "html", render_html("papers/detail.html"))
