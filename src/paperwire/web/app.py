"""create_app(settings, services=None) -> PaperwireApp: the app factory; no import-time state."""

from __future__ import annotations

from pathlib import Path

from fastapi.middleware.gzip import GZipMiddleware

from paperwire import __version__
from paperwire.config import Settings
from paperwire.services import Services, build_services
from paperwire.web import errors, openapi, routes
from paperwire.web.deps import PaperwireApp
from paperwire.web.flash import ClearShownFlash
from paperwire.web.middleware import HeadAsGet, ReadApiCors, RejectNulBytes, SecurityHeaders, WritesRefreshVersion
from paperwire.web.static_files import CachedStaticFiles
from paperwire.web.templating import make_templates

STATIC = Path(__file__).parent / "static"
# Enough connections for the threadpool that runs sync endpoints (40 threads by default).
WEB_POOL_SIZE = 20


def create_app(settings: Settings, services: Services | None = None) -> PaperwireApp:
    app = PaperwireApp(
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
