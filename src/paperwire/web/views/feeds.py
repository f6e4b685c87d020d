"""RSS 2.0 and Atom feeds of the daily list, trending, new, categories, authors and any search."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from paperwire.domain.ranking import WINDOWS_DAYS as WINDOWS
from paperwire.errors import NotFound
from paperwire.web.builders.daily import DailyQuery
from paperwire.web.builders.search import SearchQuery
from paperwire.web.deps import settings_of
from paperwire.web.params import choice
from paperwire.web.responses import Body
from paperwire.web.syndication import MEDIA_TYPES, FeedMeta, render_feed
from paperwire.web.twins import Page
from paperwire.web.views.pages import AUTHOR, CATEGORY, DAILY, NEW, SEARCH, TRENDING, NameQuery, NewQuery, TrendingQuery

router = APIRouter(include_in_schema=False)
FORMATS = ("rss", "atom")


async def _feed(request: Request, fmt: str, page: Page[Any], query: Any, meta: Callable[[Any], FeedMeta]) -> Response:
    """The page's data (same builder and cache key as the HTML page and its JSON twin) as a feed."""
    base_url = settings_of(request).base_url

    def render(request: Request, data: dict[str, Any]) -> Body:
        return Body(render_feed(fmt, meta(data), data["papers"], base_url), MEDIA_TYPES[fmt])

    return await page.respond(request, query, fmt, render)


def _meta(request: Request, title: str, page: str, description: str) -> FeedMeta:
    base = settings_of(request).base_url
    self_url = base + request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return FeedMeta(title=f"{title} · paperwire", page_url=base + page, self_url=self_url, description=description)


@router.get("/feeds/daily.{fmt}", name="feeds.daily")
async def daily(
    request: Request,
    fmt: str,
    day: str | None = Query(None, alias="date"),
    week: str | None = Query(None, description="YYYY-Www"),
    month: str | None = Query(None, description="YYYY-MM"),
    cat: str | None = None,
) -> Response:
    _check(fmt)
    query = DailyQuery(day=day, week=week, month=month, category=cat or None)
    period = {k: v for k, v in (("date", day), ("week", week), ("month", month)) if v}
    page = ("/papers?" + urlencode(period)) if period else "/"

    def meta(data: dict[str, Any]) -> FeedMeta:
        label = data["period"]["label"] if data["period"] else "the day"
        return _meta(request, "Daily papers", page, f"Papers of {label}")

    return await _feed(request, fmt, DAILY, query, meta)


@router.get("/feeds/trending.{fmt}", name="feeds.trending")
async def trending(request: Request, fmt: str, window: str = choice("week", tuple(WINDOWS))) -> Response:
    _check(fmt)
    page, description = f"/trending?window={quote(window)}", "Trending papers, by the trending formula"
    return await _feed(
        request,
        fmt,
        TRENDING,
        TrendingQuery(window),
        lambda data: _meta(request, f"Trending this {window}", page, description),
    )


@router.get("/feeds/new.{fmt}", name="feeds.new")
async def new(request: Request, fmt: str, cat: str | None = None) -> Response:
    _check(fmt)
    category = cat or None
    page = "/new" + (f"?{urlencode({'cat': category})}" if category else "")
    title = f"New in {category or 'all categories'}"
    return await _feed(
        request, fmt, NEW, NewQuery(category, 1), lambda data: _meta(request, title, page, "Newest announcements")
    )


@router.get("/feeds/search.{fmt}", name="feeds.search")
async def search(request: Request, fmt: str, q: str = "") -> Response:
    _check(fmt)
    query = SearchQuery(q=q, sort="date", limit=50)
    page = f"/search?{urlencode({'q': q})}"
    return await _feed(
        request,
        fmt,
        SEARCH,
        query,
        lambda data: _meta(request, f"Search: {q}", page, "Newest papers matching the query"),
    )


async def category(request: Request, fmt: str, category: str) -> Response:
    page, title = f"/categories/{quote(category)}", f"Category {category}"
    return await _feed(
        request,
        fmt,
        CATEGORY,
        NameQuery(category, 1),
        lambda data: _meta(request, title, page, f"Newest papers in {category}"),
    )


async def author(request: Request, fmt: str, name: str) -> Response:
    page = f"/authors/{quote(name, safe='')}"
    return await _feed(
        request,
        fmt,
        AUTHOR,
        NameQuery(name, 1),
        lambda data: _meta(request, f"Papers by {data['name']}", page, f"Newest papers by {data['name']}"),
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
