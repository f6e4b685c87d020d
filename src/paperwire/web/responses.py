"""One path for every data page: data version -> ETag/304 -> cached or built data -> rendered body.

`respond` opens one read transaction, asks the data version (one indexed query), answers 304 when
the client's copy is current, otherwise builds (or reuses) the page data and renders it. Responses
to requests without cookies are cached per ETag, so hot anonymous pages cost one SQL statement.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool

from paperwire import __version__
from paperwire.services import PageCaches
from paperwire.storage.db import read_only
from paperwire.storage.versions import DataVersion, data_version
from paperwire.web.deps import services_of, templates_of

Build = Callable[[Connection], Any]
Render = Callable[[Request, Any], "Body"]

JSON_TYPE = "application/json"
# Writers should bump a counter (storage.db.next_seq) so pages change at once; any change that does
# not is still picked up within this many seconds.
MAX_STALE_S = 30
HTML_TYPE = "text/html; charset=utf-8"
GZIP_MIN_BYTES = 1024  # as GZipMiddleware (web/app.py)


@dataclass(frozen=True)
class Body:
    content: bytes
    media_type: str


def _with_epoch(version: DataVersion, index_seq: int) -> DataVersion:
    """Bound staleness for writers that change rows without bumping seq or a counter; and name the search
    index's seq, so a page built before the index caught up with a new paper is not kept after it has
    (the index is per host and trails the database by up to PAPERWIRE_INDEX_REFRESH_S)."""
    epoch = int(time.time() // MAX_STALE_S)
    return DataVersion(f"{version.token}.{epoch}.{index_seq}", version.last_modified)


def make_etag(version: DataVersion, request: Request, kind: str) -> str:
    cookie = request.headers.get("cookie", "")
    raw = f"{__version__}|{version.token}|{kind}|{request.url.path}?{request.url.query}|{cookie}"
    return 'W/"' + hashlib.blake2b(raw.encode(), digest_size=12).hexdigest() + '"'


def is_fresh(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """The client's cached copy is current (If-None-Match wins over If-Modified-Since)."""
    match = request.headers.get("if-none-match")
    if match is not None:
        return etag in {tag.strip() for tag in match.split(",")} or match.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since and last_modified is not None:
        try:
            return last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _headers(etag: str, version: DataVersion) -> dict[str, str]:
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Cookie"}
    if version.last_modified is not None:
        headers["Last-Modified"] = format_datetime(version.last_modified, usegmt=True)
    return headers


async def respond(request: Request, key: Hashable, kind: str, build: Build, render: Render) -> Response:
    """`key` names the page data (shared by the HTML and JSON twins); `kind` the representation.

    The version check, 304s and cached responses run on the event loop (one short indexed query, or
    none: anonymous requests reuse a version up to a second old); only a cache miss goes to the
    threadpool to build and render.
    """
    services = services_of(request)
    caches = services.caches
    anonymous = "cookie" not in request.headers
    data = caches.data_version.get(lambda: _read_version(services.engine), fresh=_writer(request))
    version = _with_epoch(data, services.search.published_seq())
    etag = make_etag(version, request, kind)
    headers = _headers(etag, version)
    if is_fresh(request, etag, version.last_modified):
        return Response(status_code=304, headers=headers)
    cached: tuple[bytes, str] | None = caches.responses.get(etag, version.token) if anonymous else None
    if cached is None:
        cached = await run_in_threadpool(_build_and_render, request, key, version, build, render)
        if anonymous:
            caches.responses.put(etag, version.token, cached)
    if anonymous and len(cached[0]) >= GZIP_MIN_BYTES and "gzip" in request.headers.get("accept-encoding", ""):
        return await _gzipped(caches, etag, version, cached, headers)
    return Response(cached[0], media_type=cached[1], headers=headers)


async def _gzipped(
    caches: PageCaches, etag: str, version: DataVersion, cached: tuple[bytes, str], headers: dict[str, str]
) -> Response:
    """A cached response compressed once, not per request (GZipMiddleware passes it through as is):
    gzip -6 costs ~3 ms for the 65 KB home page and ~12 ms for the 180 KB /api/daily_papers."""
    body = caches.gzipped.get(etag, version.token)
    if body is None:
        body = await run_in_threadpool(gzip.compress, cached[0], 6, mtime=0)
        caches.gzipped.put(etag, version.token, body)
    headers.update({"Content-Encoding": "gzip", "Vary": "Cookie, Accept-Encoding"})
    return Response(body, media_type=cached[1], headers=headers)


def _read_version(engine: Engine) -> DataVersion:
    with read_only(engine) as conn:
        return data_version(conn)


def _writer(request: Request) -> bool:
    """Someone who may just have written (signed in, or an API token) sees the version as of now."""
    return "cookie" in request.headers or "authorization" in request.headers


def _build_and_render(
    request: Request, key: Hashable, version: DataVersion, build: Build, render: Render
) -> tuple[bytes, str]:
    services = services_of(request)

    def build_data() -> Any:
        with read_only(services.engine) as conn:
            return build(conn)

    data = services.caches.page_data.get_or_build(key, version.token, build_data)
    body = render(request, data)
    return body.content, body.media_type


def json_body(payload: Any) -> Body:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)
    # <, > and & as \u escapes: the same JSON, but inert if a client ever embeds it in HTML.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Body(text.encode("utf-8"), JSON_TYPE)


def render_json(shape: Callable[[Any], Any] = lambda data: data) -> Render:
    return lambda request, data: json_body(shape(data))


def render_html(template: str, extra: Callable[[Any], dict[str, Any]] | None = None) -> Render:
    def render(request: Request, data: Any) -> Body:
        templates = templates_of(request)
        context = {"request": request, **data, **(extra(data) if extra else {})}
        html = templates.get_template(template).render(context)
        return Body(html.encode("utf-8"), HTML_TYPE)

    return render
