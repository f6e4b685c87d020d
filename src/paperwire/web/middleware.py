"""Pure ASGI middleware (no BaseHTTPMiddleware overhead): security headers; writes refresh the version."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Scripts and styles come from /static only (KaTeX is served locally). No 'unsafe-inline' anywhere:
# templates carry no style attributes or <style> blocks (site.css has the classes), and KaTeX sets its
# glyph positions through element.style (CSSOM), which style-src does not restrict.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# The digest preview shows the e-mail exactly as mail clients get it, and e-mail needs inline styles:
# it gets a policy that allows those and nothing else (no script at all, a sandboxed document).
EMAIL_PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https:; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'none'; sandbox"
)
EMAIL_PREVIEW_PATHS = ("/digest/preview",)


def csp_for(path: str) -> str:
    """The Content-Security-Policy of every response (HTML, JSON, feeds, /api/docs alike)."""
    return EMAIL_PREVIEW_CSP if path.startswith(EMAIL_PREVIEW_PATHS) else CSP


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = csp_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                headers["Content-Security-Policy"] = policy
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RejectNulBytes:
    """400 (the one error shape) for a NUL byte anywhere in the path or query string, raw or %00-encoded.

    PostgreSQL text cannot hold NUL, so such a value would fail deep in a query (DataError) on one
    database and pass on the other; refusing it at the door gives one answer on both."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _has_nul(scope):
            from starlette.requests import Request

            from paperwire.web.errors import render_error  # errors imports deps; deps imports services

            response = render_error(Request(scope), 400, "invalid input: the address contains a NUL byte (%00)")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _has_nul(scope: Scope) -> bool:
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
    query: bytes = scope.get("query_string", b"")
    return any(b"\x00" in part or b"%00" in part for part in (raw_path, query)) or "\x00" in scope["path"]


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class WritesRefreshVersion:
    """After a write request, this worker re-reads the data version on its next page (not a second later)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            if scope["type"] == "http" and scope["method"] not in READ_METHODS:
                scope["app"].services.caches.data_version.invalidate()


class HeadAsGet:
    """HEAD on every GET route: the request runs as GET and the body is dropped (headers kept)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


class ReadApiCors:
    """CORS for the read API only (GET/HEAD under /api/, settings.cors_origins); write routes never
    answer cross-origin requests, so a page elsewhere cannot post with a visitor's token."""

    def __init__(self, app: ASGIApp, origins: tuple[str, ...]) -> None:
        from starlette.middleware.cors import CORSMiddleware

        self.app = app
        self.cors = CORSMiddleware(app, allow_origins=list(origins), allow_methods=["GET", "HEAD"], max_age=3600)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        is_read = scope["type"] == "http" and scope["method"] in READ_METHODS and scope["path"].startswith("/api/")
        await (self.cors if is_read else self.app)(scope, receive, send)
