"""The one list of routers. Each view module exposes `router`; optional ones are included when present."""

from __future__ import annotations

import importlib

from fastapi import FastAPI

VIEW_MODULES = (
    "papers",  # feed, paper pages, JSON twins
    "search",
    "feeds",  # RSS / Atom
    "accounts",  # sign up, log in, tokens
    "community",  # submit, vote, comment, moderation
    "subscribe",  # digests: subscribe, confirm, preferences, unsubscribe
    "health",
)


def include_all(app: FastAPI) -> None:
    for name in VIEW_MODULES:
        qualified = f"paperwire.web.views.{name}"
        try:
            module = importlib.import_module(qualified)
        except ModuleNotFoundError as error:
            if error.name == qualified:
                continue
            raise
        app.include_router(module.router)
