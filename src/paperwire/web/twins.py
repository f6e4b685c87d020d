"""A page and its JSON twin, declared once: one builder, one cache key, two (or more) routes.

`Page` names the data (`build`), how each representation is rendered (a template, a JSON shape with
its response model for OpenAPI) and how its query parameters are read. `register` adds the HTML and
JSON routes; both call `respond` with the key `(page.name, query)`, so the twins share cached data.
Feeds (web/views/feeds.py) reuse `Page.build` and `Page.key` for the same reason.
"""

# No `from __future__ import annotations`: FastAPI reads the endpoints' annotations, which name local
# dependencies, at definition time.
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import Connection

from paperwire.services import Services
from paperwire.web.deps import services_of
from paperwire.web.responses import Render, render_html, render_json, respond

Q = TypeVar("Q", bound=Hashable)
Build = Callable[[Connection, Services, Q], dict[str, Any]]


@dataclass(frozen=True)
class Html(Generic[Q]):
    paths: Sequence[str]
    template: str
    query: Callable[..., Q]  # a FastAPI dependency: query parameters -> the page's query object
    context: Callable[[Q, dict[str, Any]], dict[str, Any]] | None = None  # template context beyond the data


@dataclass(frozen=True)
class Json(Generic[Q]):
    path: str
    shape: Callable[[dict[str, Any]], Any]
    model: Any  # the response model shown in /openapi.json (a pydantic model or list[...] of one)
    summary: str
    query: Callable[..., Q] | None = None  # default: the HTML page's query dependency
    tags: Sequence[str] = field(default=("papers",))


@dataclass(frozen=True)
class Page(Generic[Q]):
    name: str
    build: Build[Q]
    html: Html[Q] | None = None
    json: Json[Q] | None = None

    def key(self, query: Q) -> tuple[str, Q]:
        return (self.name, query)

    async def respond(self, request: Request, query: Q, kind: str, render: Render) -> Response:
        services = services_of(request)
        return await respond(request, self.key(query), kind, lambda conn: self.build(conn, services, query), render)


def _html_endpoint(page: Page[Q], html: Html[Q]) -> Callable[..., Any]:
    async def endpoint(request: Request, query: Annotated[Any, Depends(html.query)]) -> Response:
        context = html.context
        extra = (lambda data: context(query, data)) if context else None
        return await page.respond(request, query, "html", render_html(html.template, extra))

    return endpoint


def _json_endpoint(page: Page[Q], json: Json[Q], default: Callable[..., Q] | None) -> Callable[..., Any]:
    dependency = json.query or default
    if dependency is None:
        raise ValueError(f"page {page.name!r}: its JSON twin needs a query dependency")

    async def endpoint(request: Request, query: Annotated[Any, Depends(dependency)]) -> Response:
        return await page.respond(request, query, "json", render_json(json.shape))

    endpoint.__doc__ = json.summary
    return endpoint


def register(router: APIRouter, page: Page[Any]) -> None:
    """Add the page's HTML route(s) and its JSON route to `router`."""
    if page.html is not None:
        endpoint = _html_endpoint(page, page.html)
        for n, path in enumerate(page.html.paths):
            name = f"pages.{page.name}" + (f".{n}" if n else "")
            router.add_api_route(path, endpoint, methods=["GET"], name=name, include_in_schema=False)
    if page.json is not None:
        router.add_api_route(
            page.json.path,
            _json_endpoint(page, page.json, page.html.query if page.html else None),
            methods=["GET"],
            name=f"api.{page.name}",
            response_model=page.json.model,
            tags=list(page.json.tags),
            summary=page.json.summary.split("\n")[0],
            description=page.json.summary,
        )
