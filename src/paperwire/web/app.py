"""create_app(settings, services=None) -> FastAPI: the app factory; no import-time state."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware

from paperwire import __version__
from paperwire.config import Settings
from paperwire.web import errors, routes
from paperwire.web.middleware import SecurityHeaders, WritesRefreshVersion
from paperwire.web.services import Services, build_services
from paperwire.web.static_files import CachedStaticFiles

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings, services: Services | None = None) -> FastAPI:
    services = services or build_services(settings)
    app = FastAPI(
        title="paperwire",
        version=__version__,
        description="Trending research papers: daily feed, search, paper pages, digests.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.services = services
    app.state.settings = settings
    errors.install(app)
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(WritesRefreshVersion)
    app.mount("/static", CachedStaticFiles(directory=STATIC), name="static")
    routes.include_all(app)
    return app
