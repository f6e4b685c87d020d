"""The one list of routers, in matching order."""

from __future__ import annotations

from fastapi import FastAPI

from paperwire.web.views import (
    accounts,
    api_docs,
    bounces,
    community,
    feeds,
    for_you,
    health,
    library,
    pages,
    subscribe,
    topics,
)

ROUTERS = (
    feeds.router,  # RSS / Atom; before pages so /categories/{cat}.atom wins over /categories/{cat}
    accounts.router,  # sign up, log in, tokens
    community.router,  # submit, vote, comment, moderation
    library.router,  # follow, save, collections, exports (before pages: /papers/{id}/save)
    for_you.router,  # the personal feed, its API and private Atom feed
    subscribe.router,  # digests: subscribe, confirm, preferences, unsubscribe
    bounces.router,  # the signed bounce and complaint webhook
    health.router,
    api_docs.router,  # Swagger UI, served locally
    topics.router,  # the topic map, topic pages and their feeds, Rising
    # Last: the data pages and their JSON twins; /papers/{paper_id:path} matches any longer path.
    pages.router,
)


def include_all(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)
