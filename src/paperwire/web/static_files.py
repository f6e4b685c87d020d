"""Static files with cache headers: vendored libraries for a year, our own assets for a day."""

from __future__ import annotations

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

YEAR_S = 365 * 24 * 3600
DAY_S = 24 * 3600


class CachedStaticFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            # site.css and site.js are referenced with ?v=<version>, vendor files by versioned folder.
            max_age = YEAR_S if path.startswith("vendor/") else DAY_S
            response.headers["Cache-Control"] = f"public, max-age={max_age}"
        return response
