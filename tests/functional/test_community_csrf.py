"""Every state-changing community route refuses a logged-in browser's request without a CSRF token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.web.views import accounts, community
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

__all__ = ["dispose_apps"]  # an autouse fixture
WRITE = {"POST", "PUT", "PATCH", "DELETE"}


def _routes(routes: list[Any]) -> list[Any]:
    """Flatten app.routes (FastAPI keeps included routers as nested objects)."""
    flat = []
    for route in routes:
        if hasattr(route, "original_router"):
            flat.extend(_routes(route.original_router.routes))
        else:
            flat.append(route)
    return flat


def _state_changing(app: Any) -> list[tuple[str, str]]:
    mine = {accounts.__name__, community.__name__}
    found = []
    for route in _routes(app.routes):
        endpoint = getattr(route, "endpoint", None)
        if endpoint is None or endpoint.__module__ not in mine:
            continue
        for method in sorted(set(getattr(route, "methods", ())) & WRITE):
            found.append((method, route.path))
    return found


def _fill(path: str, paper_id: str) -> str:
    path = path.replace("{paper_id:path}", paper_id).replace("{action}", "hide")
    return re.sub(r"\{[a-z_]+\}", "1", path)


def test_route_list_is_complete(settings: Settings) -> None:
    routes = _state_changing(make_app(settings)[0])
    assert ("POST", "/login") in routes
    assert ("DELETE", "/api/papers/{paper_id:path}/vote") in routes
    assert len(routes) >= 25


@pytest.mark.parametrize("with_wrong_token", [False, True])
def test_every_state_changing_route_needs_csrf(settings: Settings, engine: Engine, with_wrong_token: bool) -> None:
    paper_id = make_paper(engine)
    admin = make_user(engine, admin=True)
    app = make_app(settings)[0]
    client = client_for(app)
    login(client, admin["email"])
    data = {"csrf_token": "0" * 64} if with_wrong_token else {}
    failures = []
    for method, path in _state_changing(app):
        url = _fill(path, paper_id)
        response = client.request(method, url, data=data or None)
        if response.status_code != 403:
            failures.append((method, url, response.status_code))
    assert failures == []
    assert client.get("/account").status_code == 200  # still logged in: nothing was changed


def test_token_of_another_session_is_refused(settings: Settings, engine: Engine) -> None:
    app = make_app(settings)[0]
    mallory, alice = client_for(app), client_for(app)
    stolen = login(mallory, make_user(engine)["email"])
    login(alice, make_user(engine)["email"])
    response = alice.post("/account/tokens", data={"csrf_token": stolen})
    assert response.status_code == 403
