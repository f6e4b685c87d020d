"""Typed access to the services from views: `Annotated[..., Depends(...)]` aliases and plain helpers.

`create_app` stores the one `Services` object (paperwire.services) and the Jinja templates on a
`PaperwireApp`; views declare what they need (`search: SearchDep`) and helpers that only have the
request call `services_of(request)`. Nothing looks a service up by name.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from paperwire.community.service import Community
from paperwire.config import Settings
from paperwire.digest.service import DigestService
from paperwire.digest.subscriptions import SubscriptionService
from paperwire.search.service import SearchService
from paperwire.services import Services


class PaperwireApp(FastAPI):
    """The FastAPI app with its services and templates as typed attributes."""

    services: Services
    templates: Jinja2Templates


def app_of(request: Request) -> PaperwireApp:
    app = request.app
    if not isinstance(app, PaperwireApp):  # pragma: no cover - create_app always makes one
        raise TypeError("paperwire views run inside create_app()'s PaperwireApp")
    return app


def services_of(request: Request) -> Services:
    return app_of(request).services


def templates_of(request: Request) -> Jinja2Templates:
    return app_of(request).templates


def settings_of(request: Request) -> Settings:
    return services_of(request).settings


def engine_of(request: Request) -> Engine:
    return services_of(request).engine


def search_of(request: Request) -> SearchService:
    return services_of(request).search


def community_of(request: Request) -> Community:
    return services_of(request).community


def digest_of(request: Request) -> DigestService:
    return services_of(request).digest


def subscriptions_of(request: Request) -> SubscriptionService:
    return services_of(request).subscriptions


ServicesDep = Annotated[Services, Depends(services_of)]
EngineDep = Annotated[Engine, Depends(engine_of)]
SettingsDep = Annotated[Settings, Depends(settings_of)]
SearchDep = Annotated[SearchService, Depends(search_of)]
CommunityDep = Annotated[Community, Depends(community_of)]
DigestDep = Annotated[DigestService, Depends(digest_of)]
SubscriptionsDep = Annotated[SubscriptionService, Depends(subscriptions_of)]
