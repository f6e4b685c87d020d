"""The one list of routers. Each view module exposes `router`; optional ones are included when present."""

from __future__ import annotations

from fastapi import FastAPI

from paperwire._imports import import_optional

VIEW_MODULES = (
    "search",
    "feeds",  # RSS / Atom; before "pages" so /categories/{cat}.atom wins over /categories/{cat}
    "pages",  # authors, categories
    "accounts",  # sign up, log in, tokens
    "community",  # submit, vote, comment, moderation
    "subscribe",  # digests: subscribe, confirm, preferences, unsubscribe
    "health",
    # Last: their /papers/{paper_id:path} and /api/papers/{paper_id:path} routes match any longer path.
    "api",  # JSON twins of the pages
    "papers",  # daily feed, trending, new, paper pages, Markdown
)


def include_all(app: FastAPI) -> None:
    for name in VIEW_MODULES:
        module = import_optional(f"paperwire.web.views.{name}")
        if module is not None:
            app.include_router(module.router)
