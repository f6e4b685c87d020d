"""Every JSON read endpoint declares its response model in /openapi.json, and real answers match it field by
field (the models forbid extra fields, so a shape change that the model does not know fails here)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import TypeAdapter
from starlette.testclient import TestClient

from paperwire.web import schema
from tests.factories import make_record

PAPER_ID = "2501.77777"
CASES: list[tuple[str, Any]] = [
    ("/api/daily_papers", list[schema.DailyItem]),
    ("/api/daily_papers?week=2025-W02&sort=publishedAt", list[schema.DailyItem]),
    ("/api/trending?window=month", list[schema.DailyItem]),
    ("/api/new", list[schema.DailyItem]),
    ("/api/papers/search?q=transformers", list[schema.DailyItem]),
    (f"/api/papers/{PAPER_ID}", schema.PaperDetail),
    (f"/api/papers/{PAPER_ID}/similar", list[schema.SimilarPublic]),
    ("/api/papers", schema.ChangesPage),
    ("/api/authors/Grace Hopper", schema.AuthorPage),
    ("/api/categories/cs.PL", schema.CategoryPage),
    ("/api/health", schema.HealthReport),
    ("/healthz", schema.HealthReport),
]


@pytest.fixture
def papers(add_papers, build_index) -> None:  # type: ignore[no-untyped-def]
    add_papers(
        make_record(id=PAPER_ID, authors=("Grace Hopper",), categories=("cs.PL",), announced=date(2025, 1, 8)),
        make_record(announced=date(2025, 1, 8), upvotes=3, submitted_on=date(2025, 1, 8)),
        make_record(announced=date(2025, 1, 7), upvotes=1),
    )
    build_index()


@pytest.mark.usefixtures("papers")
@pytest.mark.parametrize(("path", "model"), CASES, ids=[path for path, _ in CASES])
def test_answers_match_their_response_model(client: TestClient, path: str, model: Any) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data  # something to check
    TypeAdapter(model).validate_python(data, strict=False)


def test_openapi_shows_a_response_schema_for_every_json_read_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    missing = []
    for path, operations in paths.items():
        get = operations.get("get")
        if get is None or not path.startswith("/api/"):
            continue
        content = get["responses"]["200"].get("content", {}).get("application/json", {})
        if not content.get("schema"):
            missing.append(path)
    assert missing == []
    assert len([p for p in paths if p.startswith("/api/")]) >= 10
