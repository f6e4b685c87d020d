"""/api/docs: Swagger UI from /static/vendor/swagger-ui (installed by `make swagger` from the npm registry).

No CDN and no inline script, so the site's Content-Security-Policy holds here too; if the assets were
never installed the page says how to install them instead of loading a blank page.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter()
VENDOR = Path(__file__).resolve().parents[1] / "static" / "vendor" / "swagger-ui"

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>paperwire API</title>
  <link rel="icon" href="/static/vendor/swagger-ui/favicon-32x32.png">
  <link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
  <main id="swagger-ui" data-openapi-url="/openapi.json"></main>
  <script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/static/swagger-init.js"></script>
</body>
</html>
"""

MISSING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>paperwire API</title></head>
<body><main><h1>paperwire API</h1>
<p>The interactive API documentation needs Swagger UI: run <code>make swagger</code> (it installs it from the npm
registry into <code>src/paperwire/web/static/vendor/swagger-ui</code>). The machine-readable description is at
<a href="/openapi.json">/openapi.json</a>; the endpoints are described in docs/api.md.</p></main></body></html>
"""


@router.get("/api/docs", name="api.docs", include_in_schema=False)
def api_docs() -> HTMLResponse:
    installed = (VENDOR / "swagger-ui-bundle.js").is_file()
    return HTMLResponse(PAGE if installed else MISSING, status_code=200 if installed else 503)
