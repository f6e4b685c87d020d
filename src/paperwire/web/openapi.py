"""/openapi.json as the API answers: the one error shape documented for each status an operation can give.

FastAPI documents 422 for validation errors; paperwire answers 400 (web/errors.py), with
{"ok": false, "error", "status"} under /api and the HTML error page elsewhere. Every operation documents
400 (bad input), 403, 404, 429 and 503 (the database unavailable; writes also when arXiv is unreachable
while submitting), writes also 409. Reads answer 304 to a matching If-None-Match. An operation that
documents its own 503 (/api/health: the health report) keeps it. The schemathesis test
(tests/functional/test_community_schemathesis.py) runs every check against this document, so an
undocumented status fails the suite.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from paperwire.web.schema import ErrorPublic

READ_ERRORS = {
    400: "Invalid input",
    403: "Not allowed",
    404: "Not found",
    429: "Too many requests",
    503: "Unavailable (the database, for a moment: see Retry-After)",
}
WRITE_ERRORS = READ_ERRORS | {409: "Conflict", 503: "Unavailable (the database or arXiv: see Retry-After)"}
ERROR_REF = {"$ref": "#/components/schemas/ErrorPublic"}
HTML_ERROR = {"text/html": {"schema": {"type": "string", "description": "error.html: the message and status"}}}


def _is_json(path: str) -> bool:
    """Whether errors on this path are JSON (as web.errors.wants_json decides) or the HTML error page."""
    return path.startswith("/api/") or path.endswith((".json", ".md")) or path == "/openapi.json"


def _error_responses(path: str, method: str) -> dict[str, Any]:
    errors = READ_ERRORS if method in ("get", "head") else WRITE_ERRORS
    content = {"application/json": {"schema": ERROR_REF}} if _is_json(path) else HTML_ERROR
    documented: dict[str, Any] = {
        str(status): {"description": text, "content": content} for status, text in errors.items()
    }
    if method == "get":
        documented["304"] = {"description": "Not modified (If-None-Match matched the ETag)"}
    return documented


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorPublic"] = ErrorPublic.model_json_schema()
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            for status, documented in _error_responses(path, method).items():
                if status != "503" or status not in responses:
                    responses[status] = documented
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    app.openapi_schema = schema
    return schema


def install(app: FastAPI) -> None:
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
