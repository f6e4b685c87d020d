"""RSS 2.0 and Atom feeds of the daily list, trending, new, categories, authors and any search."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from paperwire.errors import NotFound
from paperwire.web.builders.daily import DailyQuery, build_daily
from paperwire.web.builders.lists import build_author, build_category, build_new, build_trending
from paperwire.web.builders.search import SearchQuery, build_search
from paperwire.web.responses import Body, respond
from paperwire.web.syndication import MEDIA_TYPES, FeedMeta, render_feed

router = APIRouter(include_in_schema=False)
FORMATS = ("rss", "atom")


async def _feed(
    request: Request, fmt: str, key: Any, build: Callable[..., Any], meta: Callable[[Any], FeedMeta]
) -> Response:
    base_url = request.app.state.settings.base_url

    def render(request: Request, data: dict[str, Any]) -> Body:
        return Body(render_feed(fmt, meta(data), data["papers"], base_url), MEDIA_TYPES[fmt])

    return await respond(request, key, fmt, build, render)


def _meta(request: Request, title: str, page: str, description: str) -> FeedMeta:
    base = request.app.state.settings.base_url
    self_url = base + request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return FeedMeta(title=f"{title} · paperwire", page_url=base + page, self_url=self_url, description=description)


@router.get("/feeds/daily.{fmt}", name="feeds.daily")
async def daily(
    request: Request, fmt: str, day: str | None = Query(None, alias="date"), cat: str | None = None
) -> Response:
    _check(fmt)
    settings = request.app.state.settings
    query = DailyQuery(day=day, category=cat or None)
    page = "/" + (f"?{urlencode({'date': day})}" if day else "")
    return await _feed(
        request,
        fmt,
        ("daily", query),
        lambda conn: build_daily(conn, settings, query),
        lambda data: _meta(
            request,
            "Daily papers",
            page,
            f"Papers of {data['period']['label'] if data['period'] else 'the day'}",
        ),
    )


@router.get("/feeds/trending.{fmt}", name="feeds.trending")
async def trending(request: Request, fmt: str, window: str = "week") -> Response:
    _check(fmt)
    settings = request.app.state.settings
    return await _feed(
        request,
        fmt,
        ("trending", window, 50),
        lambda conn: build_trending(conn, settings, window),
        lambda data: _meta(
            request, f"Trending this {window}", f"/trending?window={quote(window)}", "The most upvoted papers"
        ),
    )


@router.get("/feeds/new.{fmt}", name="feeds.new")
async def new(request: Request, fmt: str, cat: str | None = None) -> Response:
    _check(fmt)
    settings, category = request.app.state.settings, cat or None
    page = "/new" + (f"?{urlencode({'cat': category})}" if category else "")
    return await _feed(
        request,
        fmt,
        ("new", category, 1),
        lambda conn: build_new(conn, settings, category, 1),
        lambda data: _meta(request, f"New in {category or 'all categories'}", page, "Newest announcements"),
    )


@router.get("/feeds/search.{fmt}", name="feeds.search")
async def search(request: Request, fmt: str, q: str = "") -> Response:
    _check(fmt)
    settings, service = request.app.state.settings, request.app.state.services.search
    query = SearchQuery(q=q, sort="date", limit=50)
    return await _feed(
        request,
        fmt,
        ("search", query),
        lambda conn: build_search(conn, settings, service, query),
        lambda data: _meta(
            request, f"Search: {q}", f"/search?{urlencode({'q': q})}", "Newest papers matching the query"
        ),
    )


async def category(request: Request, fmt: str, category: str) -> Response:
    settings = request.app.state.settings
    return await _feed(
        request,
        fmt,
        ("category", category, 1),
        lambda conn: build_category(conn, settings, category, 1),
        lambda data: _meta(
            request, f"Category {category}", f"/categories/{quote(category)}", f"Newest papers in {category}"
        ),
    )


async def author(request: Request, fmt: str, name: str) -> Response:
    settings = request.app.state.settings
    return await _feed(
        request,
        fmt,
        ("author", name, 1),
        lambda conn: build_author(conn, settings, name, 1),
        lambda data: _meta(
            request,
            f"Papers by {data['name']}",
            f"/authors/{quote(name, safe='')}",
            f"Newest papers by {data['name']}",
        ),
    )


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise NotFound(f"no feed format {fmt[:20]!r}: use rss or atom")


def _fixed(handler: Callable[..., Awaitable[Response]], fmt: str) -> Callable[..., Awaitable[Response]]:
    """An endpoint for one format, so '/categories/{category}.atom' needs no format parameter."""
    if handler is category:

        async def by_category(request: Request, category: str) -> Response:
            return await handler(request, fmt, category)

        return by_category

    async def by_author(request: Request, name: str) -> Response:
        return await handler(request, fmt, name)

    return by_author


for _fmt in FORMATS:
    for _prefix in ("/feeds", ""):
        router.add_api_route(
            f"{_prefix}/categories/{{category}}.{_fmt}",
            _fixed(category, _fmt),
            methods=["GET"],
            name=f"feeds.category.{_fmt}{_prefix.replace('/', '.')}",
        )
        router.add_api_route(
            f"{_prefix}/authors/{{name:path}}.{_fmt}",
            _fixed(author, _fmt),
            methods=["GET"],
            name=f"feeds.author.{_fmt}{_prefix.replace('/', '.')}",
        )
