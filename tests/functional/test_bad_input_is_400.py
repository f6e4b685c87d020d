"""Input that used to answer 500 answers 400 with the one error shape, on SQLite and PostgreSQL
(issue 16, item 7): dates at the end of the calendar, integers past 64 bits, NUL bytes anywhere."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from tests.factories import make_record

HUGE = str(10**20)
CASES = [
    "/papers?date=9999-12-31",
    "/api/daily_papers?date=9999-12-31",
    "/papers?week=9999-W52",
    "/papers?month=9999-12",
    "/papers?date=0001-01-01",
    "/papers?date=\u0662\u0660\u0662\u0665-01-07",  # Arabic-Indic digits
    f"/new?p={HUGE}",
    f"/api/new?p={HUGE}",
    f"/api/papers/search?q=transformers&p={HUGE}",
    f"/search?q=transformers&p={HUGE}",
    f"/users/{10**23}",
    f"/api/papers/search?q=a&limit={HUGE}",
    "/papers/2501.0%0001",
    "/api/papers/2501.0%0001",
    "/papers/2501.0%0001.md",
    "/papers?cat=cs%00LG",
    "/api/daily_papers?cat=cs%00LG",
    "/feeds/daily.atom?cat=cs%00LG",
    "/search?q=a%00b",
    "/authors/Ada%00Lovelace",
    "/api/categories/cs%00LG",
    "/discuss/2501.0%0001",
]


@pytest.fixture
def client(add_papers, build_index, client: TestClient) -> TestClient:  # type: ignore[no-untyped-def]
    add_papers(*(make_record() for _ in range(3)))
    build_index()
    return client


@pytest.mark.parametrize("path", CASES)
def test_bad_input_is_a_400_in_the_one_error_shape(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400, (path, response.text[:300])
    if path.startswith("/api/") or ".md" in path:
        body = response.json()
        assert set(body) == {"ok", "error", "status"}
        assert body["ok"] is False
        assert body["status"] == 400
        assert body["error"]
    else:
        assert response.headers["content-type"].startswith("text/html")
        assert "400" in BeautifulSoup(response.text, "html.parser").get_text()


def test_a_nul_byte_in_a_form_field_is_a_400_on_postgresql(settings, engine) -> None:  # type: ignore[no-untyped-def]
    from tests.unit.community.support import client_for, login, make_app, make_user

    member = client_for(make_app(settings)[0])
    csrf = login(member, make_user(engine)["email"])
    response = member.post("/account/profile", data={"csrf_token": csrf, "display_name": "Nul", "bio": "a\x00b"})
    # SQLite stores the byte; PostgreSQL text cannot, and says so as a 400 (never a 500)
    assert response.status_code == (400 if engine.dialect.name == "postgresql" else 303)


def test_the_openapi_document_gives_400_not_422(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    statuses = {
        code for operations in document["paths"].values() for op in operations.values() for code in op["responses"]
    }
    assert "422" not in statuses
    search = document["paths"]["/api/papers/search"]["get"]["responses"]
    assert search["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorPublic"}
