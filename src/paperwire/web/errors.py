"""The one exception handler: JSON {"ok": false, "error", "status"} for /api, error.html otherwise."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from paperwire.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PaperwireError,
    PermissionDenied,
    RateLimited,
    UnknownPaper,
    UpstreamUnavailable,
)
from paperwire.storage.db import DATABASE_ERRORS, DataError, is_unavailable
from paperwire.web.deps import templates_of

log = logging.getLogger(__name__)

DATABASE_RETRY_AFTER_S = 5  # a restarting PostgreSQL is usually back within seconds
DATABASE_UNAVAILABLE = "the database is unavailable right now; try again in a few seconds"

STATUS = {
    NotFound: 404,
    InvalidInput: 400,
    Conflict: 409,
    PermissionDenied: 403,
    RateLimited: 429,
    UpstreamUnavailable: 503,
}


def status_for(error: PaperwireError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.endswith((".json", ".md")) or path == "/openapi.json"


def render_error(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if wants_json(request):
        return JSONResponse({"ok": False, "error": message, "status": status}, status_code=status, headers=headers)
    try:
        templates = templates_of(request)
        return templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message}, status_code=status, headers=headers
        )
    except Exception:  # the error page itself must never fail
        log.exception("web.error_page_failed")
        return HTMLResponse(f"<h1>{status}</h1>", status_code=status, headers=headers)


def offer_to_index(request: Request, error: UnknownPaper) -> Response:
    """The 404 page of a well-formed arXiv id we do not hold: one button fetches it from arXiv."""
    from paperwire.web.views.accounts import get_auth, render

    auth = get_auth(request)
    return render(request, "papers/unknown.html", auth, status=404, paper_id=error.paper_id)


def install(app: FastAPI) -> None:
    @app.exception_handler(PaperwireError)
    async def _paperwire(request: Request, error: PaperwireError) -> Response:
        if isinstance(error, UnknownPaper) and not wants_json(request) and request.method in ("GET", "HEAD"):
            return offer_to_index(request, error)
        status = status_for(error)
        headers = {"Retry-After": str(error.retry_after_s)} if isinstance(error, RateLimited) else None
        return render_error(request, status, str(error), headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> Response:
        parts = []
        for item in error.errors():
            where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("query", "path", "body"))
            parts.append(f"{where}: {item.get('msg')}" if where else str(item.get("msg")))
        return render_error(request, 400, "invalid parameter: " + "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        message = error.detail if isinstance(error.detail, str) else "error"
        return render_error(request, error.status_code, message, dict(error.headers or {}) or None)

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, error: OverflowError) -> Response:
        # A number or date past what Python's date or the database's integer can hold (date=9999-12-31,
        # p=10**20, /users/10**23 on SQLite): the input's fault, never a 500.
        return render_error(request, 400, "invalid parameter: a number or date in the request is out of range")

    @app.exception_handler(DataError)
    async def _data_error(request: Request, error: DataError) -> Response:
        # PostgreSQL refuses a value (an integer out of range, a NUL byte in a form field) before storing.
        log.info("web.data_error", extra={"path": request.url.path, "reason": type(error.orig).__name__})
        return render_error(request, 400, "invalid input: a value in the request cannot be stored or compared")

    async def _database(request: Request, error: Exception) -> Response:
        # Down, restarting or out of connections: a fast 503 with Retry-After, never a 500 or a hang; the
        # transaction of the request was rolled back by its `with engine.begin()` (or died with the server).
        if not is_unavailable(error):
            log.exception("web.database_error", extra={"path": request.url.path})
            return render_error(request, 500, "internal error")
        log.warning("web.database_unavailable", extra={"path": request.url.path, "reason": type(error).__name__})
        return render_error(request, 503, DATABASE_UNAVAILABLE, {"Retry-After": str(DATABASE_RETRY_AFTER_S)})

    for error_class in DATABASE_ERRORS:
        app.add_exception_handler(error_class, _database)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> Response:
        log.exception("web.unhandled", extra={"path": request.url.path})
        return render_error(request, 500, "internal error")
