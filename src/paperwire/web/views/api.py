"""The JSON API: Hugging Face-compatible field names, the same builders as the HTML pages."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from paperwire.web.builders.daily import DailyQuery, build_daily
from paperwire.web.builders.hf import hf_items, hf_paper
from paperwire.web.builders.lists import build_changes, build_new, build_trending
from paperwire.web.builders.paper import build_paper, build_similar
from paperwire.web.builders.search import SearchQuery, build_search
from paperwire.web.responses import render_json, respond

router = APIRouter(prefix="/api", tags=["papers"])
JSON_DOC: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}}, "description": "JSON; see docs/api.md for the shape"}
}


def _ctx(request: Request) -> tuple[Any, Any]:
    return request.app.state.settings, request.app.state.services.search


@router.get("/daily_papers", name="api.daily_papers", responses=JSON_DOC)
async def daily_papers(
    request: Request,
    day: str | None = Query(None, alias="date", description="YYYY-MM-DD; default: the latest day with papers"),
    week: str | None = Query(None, description="ISO week, YYYY-Www"),
    month: str | None = Query(None, description="YYYY-MM"),
    cat: str | None = Query(None, description="only papers in this category"),
    p: int = Query(0, description="page, from 0 (as on Hugging Face)"),
    limit: int = Query(50, description="1..100"),
    sort: str = Query("trending", description="trending | publishedAt"),
) -> Response:
    """Papers of a day, week or month: an array of {paper, publishedAt, title, summary, numComments}."""
    query = DailyQuery(day=day, week=week, month=month, category=cat or None, page=p + 1, limit=limit, sort=sort)
    settings, _ = _ctx(request)
    return await respond(
        request,
        ("daily", query),
        "json",
        lambda conn: build_daily(conn, settings, query),
        render_json(lambda data: hf_items(data["papers"])),
    )


@router.get("/trending", name="api.trending", responses=JSON_DOC)
async def trending(
    request: Request,
    window: str = Query("week", description="day | week | month"),
    limit: int = Query(50, description="1..100"),
) -> Response:
    """The most upvoted papers of the window, counted back from the newest listed day."""
    settings, _ = _ctx(request)
    return await respond(
        request,
        ("trending", window, limit),
        "json",
        lambda conn: build_trending(conn, settings, window, limit),
        render_json(lambda data: hf_items(data["papers"])),
    )


@router.get("/new", name="api.new", responses=JSON_DOC)
async def new(request: Request, cat: str | None = None, p: int = Query(1, description="page, from 1")) -> Response:
    """Newest announcements, optionally of one category."""
    settings, _ = _ctx(request)
    category = cat or None
    return await respond(
        request,
        ("new", category, p),
        "json",
        lambda conn: build_new(conn, settings, category, p),
        render_json(lambda data: hf_items(data["papers"])),
    )


@router.get("/papers/search", name="api.papers.search", responses=JSON_DOC)
async def search(
    request: Request,
    q: str = Query("", description='query; supports author:, cat:, after:, before:, "phrases"'),
    limit: int = Query(20, description="1..100"),
    p: int = Query(1, description="page, from 1"),
    sort: str = Query("relevance", description="relevance | date | upvotes"),
    mode: str = Query("hybrid", description="hybrid | lexical | semantic"),
) -> Response:
    """Search results as daily-papers items, each with a `score`."""
    query = SearchQuery(q=q, sort=sort, mode=mode, page=p, limit=limit)
    settings, search_service = _ctx(request)
    return await respond(
        request,
        ("search", query),
        "json",
        lambda conn: build_search(conn, settings, search_service, query),
        render_json(lambda data: hf_items(data["papers"])),
    )


@router.get("/papers", name="api.papers.list", responses=JSON_DOC)
async def papers(
    request: Request,
    cursor: str | None = Query(None, description="next_cursor of the previous page"),
    limit: int = Query(100, description="1..100"),
) -> Response:
    """Every paper, in the order it was last added or changed; a resumable change feed."""
    settings, _ = _ctx(request)
    return await respond(
        request,
        ("changes", cursor, limit),
        "json",
        lambda conn: build_changes(conn, settings, cursor, limit),
        render_json(lambda data: {"papers": [hf_paper(p) for p in data["papers"]], "next_cursor": data["next_cursor"]}),
    )


@router.get("/papers/{paper_id:path}/similar", name="api.papers.similar", responses=JSON_DOC)
async def similar(request: Request, paper_id: str, limit: int = Query(10, description="1..100")) -> Response:
    """Papers similar to this one: [{id, title, score, url, shared_terms}]."""
    _, search_service = _ctx(request)
    return await respond(
        request,
        ("similar", paper_id, limit),
        "json",
        lambda conn: build_similar(conn, search_service, paper_id, limit),
        render_json(lambda data: data["similar"]),
    )


@router.get("/papers/{paper_id:path}", name="api.papers.detail", responses=JSON_DOC)
async def detail(request: Request, paper_id: str) -> Response:
    """One paper (Hugging Face's /api/papers/{id} shape plus versions, comment, DOI, similarUrl)."""
    settings, search_service = _ctx(request)
    return await respond(
        request,
        ("paper", paper_id),
        "json",
        lambda conn: build_paper(conn, settings, search_service, paper_id),
        render_json(
            lambda data: {
                **hf_paper(data["paper"]),
                "numComments": data["paper"]["num_comments"],
                "similarUrl": f"/api{data['paper']['url']}/similar",
            }
        ),
    )
