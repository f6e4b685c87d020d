"""HEAD on every GET route, CORS for the read API only (off by default), ?week=/?month= in daily feeds."""

from __future__ import annotations

from datetime import date

import feedparser
import pytest
from fastapi.routing import APIRoute
from starlette.testclient import TestClient

from paperwire.config import Settings
from paperwire.web.app import create_app
from tests.factories import make_record


def _get_routes(routes: list[object]) -> list[APIRoute]:
    """Every APIRoute, looking inside included routers (newer FastAPI wraps them)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        inner = getattr(route, "original_router", None)
        if inner is not None:
            found += _get_routes(list(inner.routes))
    return found


def _sample_path(path: str) -> str:
    values = {"paper_id": "2501.00001", "name": "Ada Lovelace", "category": "cs.LG", "fmt": "atom", "user_id": "1"}
    for key, value in values.items():
        path = path.replace(f"{{{key}:path}}", value).replace(f"{{{key}}}", value)
    return path


def test_every_get_route_answers_head_like_get(app, client: TestClient, add_papers) -> None:
    add_papers(make_record(id="2501.00001", announced=date(2025, 1, 6)))
    paths = sorted(
        {
            _sample_path(route.path)
            for route in _get_routes(list(app.routes))
            if "GET" in route.methods and "{" not in _sample_path(route.path)
        }
    )
    assert len(paths) > 20
    for path in paths:
        get, head = client.get(path, follow_redirects=False), client.head(path, follow_redirects=False)
        assert head.status_code == get.status_code, path
        assert head.content == b"", path
        assert head.headers.get("content-type") == get.headers.get("content-type"), path


def test_cors_is_off_by_default(client: TestClient) -> None:
    response = client.get("/api/health", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in response.headers


@pytest.fixture
def cors_client(settings: Settings):
    app = create_app(Settings(**{**settings.__dict__, "cors_origins": ("https://reader.example",)}))
    with TestClient(app) as client:
        yield client
    app.services.engine.dispose()


def test_cors_allows_the_configured_origin_to_read_the_api_only(cors_client: TestClient) -> None:
    origin = {"Origin": "https://reader.example"}
    assert cors_client.get("/api/health", headers=origin).headers["access-control-allow-origin"] == origin["Origin"]
    other = cors_client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    assert "access-control-allow-origin" not in cors_client.get("/", headers=origin).headers  # pages: no CORS
    preflight = {**origin, "Access-Control-Request-Method": "POST"}
    refused = cors_client.options("/api/papers/submit", headers=preflight)
    assert "POST" not in refused.headers.get("access-control-allow-methods", "")


def test_daily_feeds_honour_week_and_month(client: TestClient, add_papers) -> None:
    add_papers(
        make_record(title="Monday paper", announced=date(2025, 1, 6)),
        make_record(title="Friday paper", announced=date(2025, 1, 10)),
        make_record(title="Later in January", announced=date(2025, 1, 27)),
    )
    titles = lambda path: sorted(e.title for e in feedparser.parse(client.get(path).text).entries)  # noqa: E731
    assert titles("/feeds/daily.atom?date=2025-01-06") == ["Monday paper"]
    assert titles("/feeds/daily.atom?week=2025-W02") == ["Friday paper", "Monday paper"]
    assert titles("/feeds/daily.rss?month=2025-01") == ["Friday paper", "Later in January", "Monday paper"]
    assert client.get("/feeds/daily.atom?week=2025-W99").status_code == 400
