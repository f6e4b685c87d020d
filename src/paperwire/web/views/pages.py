"""Author and category pages with their JSON twins."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from paperwire.web.builders.hf import hf_items
from paperwire.web.builders.lists import build_author, build_category
from paperwire.web.responses import render_html, render_json, respond

router = APIRouter()


@router.get("/authors/{name:path}", name="pages.author", include_in_schema=False)
async def author(request: Request, name: str, p: int = 1) -> Response:
    settings = request.app.state.settings
    return await respond(
        request,
        ("author", name, p),
        "html",
        lambda conn: build_author(conn, settings, name, p),
        render_html("pages/author.html"),
    )


@router.get("/api/authors/{name:path}", name="api.authors.detail", tags=["papers"])
async def author_json(request: Request, name: str, p: int = 1) -> Response:
    """An author's papers, newest first: {name, total, page, has_next, papers: [daily-papers items]}."""
    settings = request.app.state.settings
    return await respond(
        request,
        ("author", name, p),
        "json",
        lambda conn: build_author(conn, settings, name, p),
        render_json(lambda data: {**data, "papers": hf_items(data["papers"])}),
    )


@router.get("/categories/{category}", name="pages.category", include_in_schema=False)
async def category(request: Request, category: str, p: int = 1) -> Response:
    settings = request.app.state.settings
    return await respond(
        request,
        ("category", category, p),
        "html",
        lambda conn: build_category(conn, settings, category, p),
        render_html("pages/category.html"),
    )


@router.get("/api/categories/{category}", name="api.categories.detail", tags=["papers"])
async def category_json(request: Request, category: str, p: int = 1) -> Response:
    """A category's papers, newest first: {info, page, has_next, papers: [daily-papers items]}."""
    settings = request.app.state.settings
    return await respond(
        request,
        ("category", category, p),
        "json",
        lambda conn: build_category(conn, settings, category, p),
        render_json(lambda data: {**data, "papers": hf_items(data["papers"])}),
    )
