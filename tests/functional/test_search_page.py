"""The search page: results, highlighting, filters, pagination, id suggestions, degraded mode."""

from __future__ import annotations

from datetime import date

from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from tests.factories import make_record


def soup_of(client: TestClient, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def test_results_highlight_terms_after_escaping(client: TestClient, add_papers, build_index) -> None:
    add_papers(
        make_record(title="Attention <b>is</b> all & more", abstract="Self-attention layers."),
        make_record(title="Bird songs", abstract="Nothing related."),
    )
    build_index()
    soup = soup_of(client, "/search?q=attention")
    card = soup.select(".paper-card")[0]  # hybrid search may also list weaker semantic matches
    assert [m.text for m in card.select(".paper-title mark")] == ["Attention"]
    assert card.select_one(".paper-title").text == "Attention <b>is</b> all & more"  # shown as text
    assert card.select_one(".paper-title b") is None
    assert soup.select_one(".result-count[role=status]").text == "1 match for “attention”"  # the bird paper is not one


def test_highlighting_never_breaks_entities(client: TestClient, add_papers, build_index) -> None:
    add_papers(make_record(title="Ampersands & amp lt gt"))
    build_index()
    title = soup_of(client, "/search?q=amp+lt").select_one(".paper-title")
    assert title.text == "Ampersands & amp lt gt"


def test_filters_become_query_operators(client: TestClient, add_papers, build_index) -> None:
    add_papers(
        make_record(
            title="Graph learning A",
            categories=("cs.LG",),
            authors=("Ada Lovelace",),
            announced=date(2025, 1, 3),
            published=date(2025, 1, 2),
        ),
        make_record(
            title="Graph learning B",
            categories=("cs.CV",),
            authors=("Grace Hopper",),
            announced=date(2025, 3, 3),
            published=date(2025, 3, 2),
        ),
    )
    build_index()

    def titles(url: str) -> list[str]:
        return [a.text for a in soup_of(client, url).select(".paper-title a")]

    assert sorted(titles("/search?q=graph")) == ["Graph learning A", "Graph learning B"]
    assert titles("/search?q=graph&cat=cs.CV") == ["Graph learning B"]
    assert titles("/search?q=graph&author=Grace+Hopper") == ["Graph learning B"]
    assert titles("/search?q=graph&from=2025-02-01") == ["Graph learning B"]
    assert titles("/search?q=graph&to=2025-02-01") == ["Graph learning A"]
    assert titles("/search?q=graph&sort=date")[0] == "Graph learning B"


def test_pagination_links_keep_the_filters(client: TestClient, add_papers, build_index) -> None:
    add_papers(*(make_record(title=f"Kernel methods {i}") for i in range(25)))
    build_index()
    soup = soup_of(client, "/search?q=kernel&cat=cs.LG")
    nxt = soup.select_one(".pager a[rel=next]")["href"]
    assert "p=2" in nxt
    assert "cat=cs.LG" in nxt
    assert "q=kernel" in nxt
    assert len(soup_of(client, nxt).select(".paper-card")) == 5


def test_an_id_query_suggests_the_paper(client: TestClient, add_papers, build_index) -> None:
    (paper,) = add_papers(make_record(title="Findable"))
    build_index()
    link = soup_of(client, f"/search?q={paper.id}").select_one(".suggestion a")
    assert link["href"] == f"/papers/{paper.id}"


def test_search_without_an_index_falls_back_to_titles(client: TestClient, add_papers) -> None:
    add_papers(make_record(title="Quantum walks"), make_record(title="Classical walks"))
    soup = soup_of(client, "/search?q=quantum")
    assert soup.select_one(".notice") is not None
    assert [a.text for a in soup.select(".paper-title a")] == ["Quantum walks"]


def test_empty_query_shows_the_form(client: TestClient) -> None:
    soup = soup_of(client, "/search")
    assert soup.select_one("form.search-form") is not None
    assert not soup.select(".paper-card")


def test_bad_search_parameters_are_400(client: TestClient) -> None:
    for query in ("q=x&sort=best", "q=x&p=0", "q=x&p=1000", "q=x&from=2025-02-30", "q=x&to=soon"):
        assert client.get(f"/search?{query}").status_code == 400, query
