"""create_app(settings, services=None) -> PaperwireApp: the app factory; no import-time state."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from starlette.concurrency import run_in_threadpool

from paperwire import __version__
from paperwire.config import Settings
from paperwire.errors import PaperwireError
from paperwire.services import Services, build_services
from paperwire.web import errors, openapi, routes
from paperwire.web.deps import PaperwireApp
from paperwire.web.flash import ClearShownFlash
from paperwire.web.middleware import HeadAsGet, ReadApiCors, RejectNulBytes, SecurityHeaders, WritesRefreshVersion
from paperwire.web.static_files import CachedStaticFiles
from paperwire.web.templating import make_templates

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
# Enough connections for the threadpool that runs sync endpoints (40 threads by default).
WEB_POOL_SIZE = 20


@asynccontextmanager
async def _warm_up(app: FastAPI) -> AsyncIterator[None]:
    """Before the server accepts a request: load the search index and the query model, and compile the
    templates, so the first search and paper page after start answer as fast as later ones (they took
    up to 17 s when the model loaded on first use; docs/benchmarks.md)."""
    assert isinstance(app, PaperwireApp)
    started = time.perf_counter()
    await run_in_threadpool(_warm, app)
    if app.services.search.loaded:  # one search page through the whole stack: SQL compiled, caches primed
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://warm-up") as client:
            await client.get("/search", params={"q": "warm up the search page"})
    log.info("web.warm", extra={"seconds": round(time.perf_counter() - started, 3)})
    refresher = app.services.index_refresher  # keeps this process's index current (search/refresh.py)
    refresher.start()
    try:
        yield
    finally:
        refresher.stop()


def _warm(app: PaperwireApp) -> None:
    try:
        app.services.search.warm()
    except PaperwireError as error:  # e.g. a corrupt index: the search page reports it; the site still serves
        log.warning("web.warm_failed", extra={"error": str(error)})
    for name in app.templates.env.list_templates(filter_func=lambda name: name.endswith(".html")):
        app.templates.env.get_template(name)


def create_app(settings: Settings, services: Services | None = None) -> PaperwireApp:
    app = PaperwireApp(
        lifespan=_warm_up,
        title="paperwire",
        version=__version__,
        description="Trending research papers: daily feed, search, paper pages, digests.",
        docs_url=None,  # web/views/api_docs.py serves Swagger UI from /static (no CDN)
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.services = services or build_services(settings, pool_size=WEB_POOL_SIZE)
    app.templates = make_templates(app.services.settings)
    errors.install(app)
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(RejectNulBytes)  # inside SecurityHeaders: its 400s get the headers too
    app.add_middleware(SecurityHeaders)
    app.add_middleware(WritesRefreshVersion)
    app.add_middleware(ClearShownFlash)
    if app.services.settings.cors_origins:
        app.add_middleware(ReadApiCors, origins=app.services.settings.cors_origins)
    app.add_middleware(HeadAsGet)  # outermost: every layer inside sees a GET
    app.mount("/static", CachedStaticFiles(directory=STATIC), name="static")
    routes.include_all(app)
    openapi.install(app)
    return app
