"""The topic map (/map and its /api/map* data), topic pages (/topics/{id}, their JSON and feeds) and
Rising (/rising). Each page is a twins.Page built once; its ETag also carries the map generation, so a
rebuilt map is a new page even when the database did not change."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from paperwire.errors import InvalidInput, NotFound
from paperwire.storage import library as library_repo
from paperwire.storage import reader
from paperwire.storage.db import read_only
from paperwire.topics.rising import WINDOWS as RISING_WINDOWS
from paperwire.web import topic_schema
from paperwire.web.builders import topics as builders
from paperwire.web.builders.hf import hf_items
from paperwire.web.builders.topics import MapQuery, RisingQuery, TopicQuery
from paperwire.web.deps import services_of, settings_of
from paperwire.web.params import bounded, one_of
from paperwire.web.responses import Body, json_body, render_html, render_json
from paperwire.web.syndication import MEDIA_TYPES, FeedMeta, render_feed
from paperwire.web.twins import Page
from paperwire.web.views.accounts import get_auth

router = APIRouter()
SEARCH_LIMIT = 500
MINE_LIMIT = 500


def _version(request: Request) -> str:
    return services_of(request).topics.version()


def _require_map(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("map") is None:
        raise NotFound(data.get("how", "no topic map"))
    return data


MAP: Page[MapQuery] = Page("map", lambda conn, services, query: builders.build_map(conn, services, query))
TOPIC: Page[TopicQuery] = Page(
    "topic", lambda conn, services, query: builders.build_topic(conn, services, query, services.clock())
)
RISING: Page[RisingQuery] = Page(
    "rising", lambda conn, services, query: builders.build_rising(conn, services, query, services.clock())
)


def _map_json(data: dict[str, Any]) -> dict[str, Any]:
    found = _require_map(data)
    return {"map": found["map"], "topics": found["topics"]}


@router.get("/map", name="pages.map", include_in_schema=False)
async def map_page(request: Request) -> Response:
    version = _version(request)
    return await MAP.respond(request, MapQuery(version), f"html|{version}", render_html("topics/map.html"))


@router.get("/api/map", name="api.map", tags=["topics"], response_model=topic_schema.MapPublic)
async def map_api(request: Request) -> Response:
    """The topic map's summary (papers, days, build time, the points URL) and its topics with labels,
    terms, label positions (0..1) and neighbours; 404 when no map has been built."""
    version = _version(request)
    return await MAP.respond(request, MapQuery(version), f"json|{version}", render_json(_map_json))


# Binary, so not in /openapi.json (whose read endpoints all answer JSON); docs/api.md describes it.
@router.get("/api/map/points.bin", name="api.map.points", include_in_schema=False)
async def map_points(request: Request) -> Response:
    """Every point as little-endian binary: b'PWM1', uint32 papers, uint32 topics, uint16 x[n], y[n],
    topic[n] (coordinates 0..65535 over the map's unit square)."""
    services = services_of(request)
    version = services.topics.version()
    if not version:
        raise NotFound("no topic map yet: run `paperwire map build`")
    etag = f'"map-{version}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    body = builders.points_bytes(services.topics.current())
    return Response(body, media_type="application/octet-stream", headers=headers)


@router.get("/api/map/points/{row}", name="api.map.point", tags=["topics"], response_model=topic_schema.MapPoint)
def map_point(request: Request, row: int) -> Response:
    """One point: {row, id, title, url, topic, topic_label} (what hovering shows, where a click goes)."""
    services = services_of(request)
    with read_only(services.engine) as conn:
        return Response(json_body(builders.point_detail(conn, services, row)).content, media_type="application/json")


@router.get("/api/map/search", name="api.map.search", tags=["topics"], response_model=topic_schema.MapMatches)
def map_search(
    request: Request,
    q: str = Query("", description="a search query (as /search)"),
    limit: int = bounded(SEARCH_LIMIT, 1, SEARCH_LIMIT, f"1..{SEARCH_LIMIT}"),
) -> Response:
    """Map rows of the papers matching the query, best first (the search service's result set)."""
    if not 1 <= limit <= SEARCH_LIMIT:
        raise InvalidInput(f"limit: expected 1..{SEARCH_LIMIT}, got {limit}")
    rows = services_of(request).topics.matching_rows(q, limit)
    return Response(json_body({"query": q, "rows": rows}).content, media_type="application/json")


@router.get("/api/map/mine", name="api.map.mine", tags=["topics"], response_model=topic_schema.MapMine)
def map_mine(request: Request) -> Response:
    """Map rows of the signed-in viewer's upvoted and saved papers ("where am I on the map"); none when
    signed out."""
    user = get_auth(request).user
    upvoted: list[int] = []
    saved: list[int] = []
    if user is not None:
        services = services_of(request)
        position = services.topics.current().position
        with read_only(services.engine) as conn:
            voted = [p.id for p in reader.papers_voted_by(conn, user.id, MINE_LIMIT)]
            kept = sorted(library_repo.saved_ids(conn, user.id))
        upvoted = [position[p] for p in voted if p in position]
        saved = [position[p] for p in kept if p in position][:MINE_LIMIT]
    body = json_body({"signed_in": user is not None, "upvoted": upvoted, "saved": saved})
    return Response(body.content, media_type="application/json", headers={"Cache-Control": "private, no-store"})


TOPIC_PATTERN = r"^[0-9]{1,6}$"
TOPIC_ID = Path(description="a topic number (0, 1, ...)", json_schema_extra={"pattern": TOPIC_PATTERN})


def _topic_id(raw: str) -> int:
    if re.fullmatch(TOPIC_PATTERN, raw, re.ASCII) is None:
        raise InvalidInput(f"topic: expected a topic number, got {raw[:40]!r}")
    return int(raw)


@router.get("/topics/{topic_id}.{fmt}", name="feeds.topic", include_in_schema=False)
async def topic_feed(request: Request, topic_id: str, fmt: str) -> Response:
    if fmt not in MEDIA_TYPES:
        raise NotFound(f"no feed format {fmt[:20]!r}: use rss or atom")
    version = _version(request)
    query = TopicQuery(_topic_id(topic_id), version)
    base = settings_of(request).base_url

    def render(request: Request, data: dict[str, Any]) -> Body:
        topic = data["topic"]
        meta = FeedMeta(
            title=f"Topic: {topic['label']} · paperwire",
            page_url=base + topic["url"],
            self_url=base + request.url.path,
            description=f"Newest papers of the topic {topic['label']}",
        )
        return Body(render_feed(fmt, meta, data["papers"], base), MEDIA_TYPES[fmt])

    return await TOPIC.respond(request, query, f"{fmt}|{version}", render)


@router.get("/topics/{topic_id}", name="pages.topic", include_in_schema=False)
async def topic_page(request: Request, topic_id: str) -> Response:
    version = _version(request)
    query = TopicQuery(_topic_id(topic_id), version)
    return await TOPIC.respond(request, query, f"html|{version}", render_html("topics/topic.html"))


@router.get("/api/topics/{topic_id}", name="api.topic", tags=["topics"], response_model=topic_schema.TopicPage)
async def topic_api(request: Request, topic_id: str = TOPIC_ID) -> Response:
    """One topic: its terms, neighbouring topics, newest papers and trending papers (daily-papers dicts)."""
    version = _version(request)
    query = TopicQuery(_topic_id(topic_id), version)
    return await TOPIC.respond(request, query, f"json|{version}", render_json(_topic_json))


def _topic_json(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "papers": hf_items(data["papers"]), "trending": hf_items(data["trending"])}


@router.get("/rising", name="pages.rising", include_in_schema=False)
async def rising_page(request: Request, days: int = one_of(7, RISING_WINDOWS)) -> Response:
    version = _version(request)
    return await RISING.respond(
        request, RisingQuery(days, version), f"html|{version}", render_html("topics/rising.html")
    )


@router.get("/api/rising", name="api.rising", tags=["topics"], response_model=topic_schema.RisingPage)
async def rising_api(request: Request, days: int = one_of(7, RISING_WINDOWS)) -> Response:
    """Topics whose share of new papers grew most over the last `days` against the `days` before:
    share and growth in percentage points, weekly shares (sparkline) and the papers that drove it."""
    version = _version(request)
    return await RISING.respond(
        request, RisingQuery(days, version), f"json|{version}", render_json(lambda data: _require_map(data))
    )
