"""The JSON API: Hugging Face-shaped daily papers, paper detail, change feed, search, errors."""

from __future__ import annotations

from datetime import date

import pytest
from starlette.testclient import TestClient

from tests.factories import make_record


def test_daily_papers_have_the_hugging_face_shape(client: TestClient, add_papers) -> None:
    add_papers(
        make_record(
            id="2501.10001",
            title="T",
            abstract="S",
            announced=date(2025, 1, 6),
            published=date(2025, 1, 5),
            submitted_on=date(2025, 1, 6),
            upvotes=4,
        )
    )
    (item,) = client.get("/api/daily_papers").json()
    assert item["title"] == "T"
    assert item["summary"] == "S"
    assert item["numComments"] == 0
    assert item["publishedAt"] == "2025-01-06T00:00:00.000Z"
    assert item["submittedBy"] is None  # submitted, but by no one we know (see test_hf_client.py)
    paper = item["paper"]
    assert paper["id"] == "2501.10001"
    assert paper["upvotes"] == 4
    assert [(a["name"], a["hidden"], len(a["_id"])) for a in paper["authors"]] == [
        ("Ada Lovelace", False, 24),
        ("Alan Turing", False, 24),
    ]
    assert paper["publishedAt"] == "2025-01-05T00:00:00.000Z"
    assert paper["summary"] == "S"
    assert paper["title"] == "T"


def test_daily_papers_periods_pages_and_sort(client: TestClient, add_papers) -> None:
    day = date(2025, 1, 6)
    add_papers(*(make_record(title=f"P{i}", announced=day, submitted_on=day, upvotes=i) for i in range(5)))
    add_papers(make_record(title="announced, not submitted", announced=day))
    api = "/api/daily_papers?date=2025-01-06&sort=trending"
    assert [i["title"] for i in client.get(f"{api}&limit=2").json()] == ["P4", "P3"]
    assert [i["title"] for i in client.get(f"{api}&limit=2&p=1").json()] == ["P2", "P1"]
    assert len(client.get("/api/daily_papers?week=2025-W02").json()) == 5
    assert len(client.get("/api/daily_papers?month=2025-01&sort=publishedAt").json()) == 5
    assert client.get("/api/daily_papers?date=2025-01-07").json() == []


@pytest.mark.parametrize(
    "query",
    ["date=bad", "week=2025-W99", "month=2025-13", "sort=random", "limit=0", "limit=121", "p=-1", "p=x"],
)
def test_daily_papers_bad_parameters_share_the_error_shape(client: TestClient, query: str) -> None:
    response = client.get(f"/api/daily_papers?{query}")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"ok", "error", "status"}
    assert body["ok"] is False
    assert body["status"] == 400


def test_paper_detail_json(client: TestClient, add_papers) -> None:
    (paper,) = add_papers(make_record(doi="10.1/x", journal_ref="J. Tests 1"))
    body = client.get(f"/api/papers/{paper.id}").json()
    assert body["id"] == paper.id
    assert body["doi"] == "10.1/x"
    assert body["journalRef"] == "J. Tests 1"
    assert body["versions"] == [{"version": 1, "submitted": "2025-01-02"}]
    assert body["absUrl"] == f"https://arxiv.org/abs/{paper.id}"
    assert "similar" not in body  # an index scan: fetched separately
    assert client.get(body["similarUrl"]).json() == []


def test_change_feed_pages_with_a_cursor(client: TestClient, add_papers) -> None:
    add_papers(*(make_record() for _ in range(5)))
    first = client.get("/api/papers?limit=2").json()
    second = client.get(f"/api/papers?limit=2&cursor={first['next_cursor']}").json()
    third = client.get(f"/api/papers?limit=2&cursor={second['next_cursor']}").json()
    ids = [p["id"] for page in (first, second, third) for p in page["papers"]]
    assert len(ids) == len(set(ids)) == 5
    assert third["next_cursor"] is None
    assert client.get("/api/papers?cursor=abc").status_code == 400
    assert client.get("/api/papers?limit=101").status_code == 400


def test_search_api_returns_items_with_scores(client: TestClient, add_papers, build_index) -> None:
    add_papers(make_record(title="Sparse attention kernels"), make_record(title="Bird migration"))
    build_index()
    items = client.get("/api/papers/search?q=attention&limit=5").json()
    assert items[0]["title"] == "Sparse attention kernels"
    assert "score" in items[0]
    assert client.get("/api/papers/search?q=x&sort=bogus").status_code == 400
    assert client.get("/api/papers/search?q=x&limit=0").status_code == 400


def test_trending_api_lists_only_papers_with_activity_and_says_why(client: TestClient, add_papers) -> None:
    add_papers(
        make_record(title="Hot", announced=date(2025, 1, 6), upvotes=3),
        make_record(title="Warm", announced=date(2025, 1, 6), upvotes=1),
        make_record(title="Cold", announced=date(2025, 1, 6)),
    )
    items = client.get("/api/trending?window=day").json()
    assert [i["title"] for i in items] == ["Hot", "Warm"]
    why = items[0]["trending"]
    assert (why["votes"], why["comments"]) == (3, 0)
    assert items[0]["score"] == why["score"] > items[1]["score"] > 0
    assert client.get("/api/trending?window=decade").status_code == 400
    assert len(client.get("/api/new?cat=cs.LG").json()) == 3


def test_author_and_category_json_twins(client: TestClient, add_papers) -> None:
    add_papers(make_record(authors=("Grace Hopper",), categories=("cs.PL",)))
    author = client.get("/api/authors/Grace Hopper").json()
    assert author["name"] == "Grace Hopper"
    assert author["total"] == 1
    assert len(author["papers"]) == 1
    category = client.get("/api/categories/cs.PL").json()
    assert category["info"] == {"id": "cs.PL", "archive": "cs", "papers": 1}
    assert client.get("/api/authors/Nobody").json()["status"] == 404


def test_openapi_lists_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/daily_papers",
        "/api/papers/{paper_id}",
        "/api/papers/search",
        "/api/papers",
        "/api/papers/{paper_id}/similar",
        "/api/trending",
    ):
        assert path in paths
    assert client.get("/api/docs").status_code == 200


def test_api_docs_load_swagger_ui_from_this_site_only(client: TestClient) -> None:
    from bs4 import BeautifulSoup

    response = client.get("/api/docs")
    soup = BeautifulSoup(response.text, "html.parser")
    assets = [tag.get("src") or tag.get("href") for tag in soup.select("script, link")]
    assert response.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in assets
    assert all(a.startswith("/static/") for a in assets)
    assert all(not tag.string for tag in soup.select("script"))  # no inline script: the CSP applies
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for asset in assets:
        assert client.get(asset).status_code == 200


def test_unknown_api_path_uses_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["ok"] is False
