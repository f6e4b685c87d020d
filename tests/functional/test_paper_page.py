"""The paper page, its Markdown twin, and its JSON twin."""

from __future__ import annotations

from datetime import date

from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from paperwire.domain.papers import VersionRecord
from tests.factories import make_record


def test_paper_page_shows_everything_about_the_paper(client: TestClient, add_papers) -> None:
    (paper,) = add_papers(
        make_record(
            title="Energy $E=mc^2$",
            version=2,
            comment="12 pages",
            versions=(VersionRecord(version=1, date=date(2025, 1, 2)), VersionRecord(version=2, date=date(2025, 1, 5))),
        )
    )
    response = client.get(f"/papers/{paper.id}")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one("h1.paper-title").text == "Energy $E=mc^2$"  # KaTeX renders it in the browser
    assert [a["href"] for a in soup.select(".authors a")] == ["/authors/Ada%20Lovelace", "/authors/Alan%20Turing"]
    hrefs = [a["href"] for a in soup.select(".paper-actions a")]
    assert f"https://arxiv.org/abs/{paper.id}" in hrefs
    assert f"https://arxiv.org/pdf/{paper.id}" in hrefs
    assert any(h.startswith("https://github.com/example/") for h in hrefs)
    assert [li.text for li in soup.select(".versions li")] == ["v1 · 2025-01-02", "v2 · 2025-01-05"]
    assert soup.select_one("section#comments") is not None
    assert soup.select_one(".upvote-count").text.strip() == "0"


def test_old_style_ids_with_a_slash_work(client: TestClient, add_papers) -> None:
    add_papers(make_record(id="hep-th/9901001", title="Strings"))
    assert client.get("/papers/hep-th/9901001").status_code == 200
    assert client.get("/api/papers/hep-th/9901001").json()["id"] == "hep-th/9901001"
    assert client.get("/papers/hep-th/9901001.md").text.startswith("# Strings")


def test_versioned_ids_find_the_paper(client: TestClient, add_papers) -> None:
    (paper,) = add_papers(make_record())
    assert client.get(f"/papers/{paper.id}v1").status_code == 200


def test_unknown_paper_is_404_with_a_search_box(client: TestClient) -> None:
    response = client.get("/papers/2501.99999")
    assert response.status_code == 404
    assert BeautifulSoup(response.text, "html.parser").select_one("form[role=search] input[name=q]") is not None
    assert client.get("/api/papers/2501.99999").json() == {
        "ok": False,
        "error": "no paper with id '2501.99999'",
        "status": 404,
    }
    assert client.get("/papers/2501.99999.md").status_code == 404


def test_markdown_twin(client: TestClient, add_papers) -> None:
    (paper,) = add_papers(make_record(title="Title with *stars*"))
    response = client.get(f"/papers/{paper.id}.md")
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert response.text.startswith(r"# Title with \*stars\*")
    assert f"(https://arxiv.org/abs/{paper.id})" in response.text


def test_similar_papers_come_from_the_search_index(client: TestClient, add_papers, build_index) -> None:
    first, _, _ = add_papers(
        make_record(title="Graph neural networks for molecules"),
        make_record(title="Graph neural networks for proteins"),
        make_record(title="Medieval poetry"),
    )
    build_index()
    page = BeautifulSoup(client.get(f"/papers/{first.id}").text, "html.parser")
    (section,) = page.select(".similar[data-similar-src]")  # the page leaves the index scan to a fragment
    fragment = BeautifulSoup(client.get(section["data-similar-src"]).text, "html.parser")
    similar = [a.text for a in fragment.select("a")]
    assert similar
    assert similar[0] == "Graph neural networks for proteins"
    fallback = BeautifulSoup(client.get(f"/papers/{first.id}/similar").text, "html.parser")
    assert [a.text for a in fallback.select(".similar li a")] == similar
    api = client.get(f"/api/papers/{first.id}/similar?limit=1").json()
    assert [item["title"] for item in api] == ["Graph neural networks for proteins"]
    assert client.get(f"/api/papers/{first.id}/similar?limit=0").status_code == 400


def test_similar_degrades_without_an_index(client: TestClient, add_papers) -> None:
    (paper,) = add_papers(make_record())
    assert client.get(f"/papers/{paper.id}").status_code == 200
    assert client.get(f"/api/papers/{paper.id}/similar").json() == []
    assert "No similar papers yet" in client.get(f"/papers/{paper.id}/similar?partial=1").text
