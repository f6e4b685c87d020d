"""The rich paper page: submitter and comment, links from the arXiv comment, GitHub stars (a local GitHub
API), editable links, Cite/BibTeX, meta tags, Markdown with math, index on demand, authorship claims."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, update

from paperwire.config import Settings
from paperwire.ingest.github import GitHubClient, refresh_stars
from paperwire.storage.community_tables import submissions
from paperwire.storage.github import stars_of
from paperwire.storage.tables import papers
from tests.httpserver import ScriptedServer, serve
from tests.smtpserver import free_port
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

__all__ = ["dispose_apps"]
DATA = Path(__file__).resolve().parents[1] / "data" / "arxiv"
JAN_3 = datetime(2025, 1, 3, tzinfo=UTC).date()
PLAIN = "We study attention in long documents."
COMMENT = "ICLR 2025. Project page: https://sparse.github.io/demo. Code at https://github.com/acme/sparse."


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    yield from serve()


def _local(settings: Settings, **changes: object) -> Settings:
    return Settings(**{**settings.__dict__, **changes})


def _submitted_paper(engine: Engine, user_id: int, **overrides: object) -> str:
    paper_id = make_paper(engine, comment=COMMENT, **{"abstract": PLAIN, **overrides})
    now = datetime(2025, 1, 3, 9, 30, tzinfo=UTC)
    with engine.begin() as conn:
        values = {"paper_id": paper_id, "user_id": user_id, "submitted_on": now.date(), "created_at": now}
        conn.execute(submissions.insert().values(comment="The ablations are worth it", **values))
        conn.execute(update(papers).where(papers.c.id == paper_id).values(submitted_on=now.date()))
    return paper_id


def test_paper_page_shows_submitter_comment_links_cite_and_meta(settings: Settings, engine: Engine) -> None:
    grace = make_user(engine, name="Grace Hopper")
    paper_id = _submitted_paper(engine, grace["id"], title="Sparse $O(n)$ attention")
    client = client_for(make_app(settings)[0])
    soup = BeautifulSoup(client.get(f"/papers/{paper_id}").text, "html.parser")
    assert "Grace Hopper" in soup.select_one(".submitted-by").text
    assert soup.select_one(".submitted-by time")["datetime"] == "2025-01-03T09:30:00.000Z"
    assert soup.select_one(".submission-comment").text == "The ablations are worth it"
    comment_links = [a["href"] for a in soup.select(".arxiv-comment a")]
    assert comment_links == ["https://sparse.github.io/demo", "https://github.com/acme/sparse"]
    assert soup.select_one("a.project-page")["href"] == "https://sparse.github.io/demo"
    assert "@misc{lovelace2025sparse," in soup.select_one(".cite pre").text
    assert soup.find("meta", attrs={"property": "og:title"})["content"] == "Sparse $O(n)$ attention"
    assert soup.find("meta", attrs={"name": "description"})["content"] == PLAIN
    assert soup.find("meta", attrs={"property": "og:image"})["content"].endswith(f"/papers/{paper_id}/thumbnail.svg")
    assert not soup.select("[style]")  # styles live in CSS files (a strict CSP is coming)
    bib = client.get(f"/papers/{paper_id}.bib")
    assert bib.headers["content-type"].startswith("application/x-bibtex")
    assert "title = {{Sparse $O(n)$ attention}}" in bib.text
    assert f"eprint = {{{paper_id}}}" in bib.text
    assert client.get(f"/papers/{paper_id}/thumbnail.svg").headers["content-type"] == "image/svg+xml"


def test_markdown_keeps_math_and_accept_header_selects_it(settings: Settings, engine: Engine) -> None:
    abstract = r"Let $f(x)\in\mathbb{F}_q(x)$ and $a<b$; *stars* stay escaped."
    paper_id = make_paper(engine, abstract=abstract)
    client = client_for(make_app(settings)[0])
    text = client.get(f"/papers/{paper_id}.md").text
    assert r"$f(x)\in\mathbb{F}_q(x)$" in text
    assert "$a&lt;b$" in text
    assert r"\*stars\*" in text
    negotiated = client.get(f"/papers/{paper_id}", headers={"Accept": "text/markdown, text/html;q=0.5"})
    assert negotiated.headers["content-type"].startswith("text/markdown")
    assert negotiated.text == text
    assert "Accept" in negotiated.headers["vary"]
    browser = client.get(f"/papers/{paper_id}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.headers["content-type"].startswith("text/html")


def test_github_stars_are_fetched_politely_cached_and_shown(
    settings: Settings, engine: Engine, server: ScriptedServer
) -> None:
    make_paper(engine, abstract=PLAIN, comment=COMMENT, announced=datetime.now(UTC).date())
    server.add("/repos/acme/sparse", [(200, {"ETag": '"v1"'}, '{"stargazers_count": 1234}'), (304, {}, "")])
    local = _local(settings, github_api_url=server.url, github_token="t0ken", github_refresh_hours=1)
    now = datetime.now(UTC)
    with GitHubClient(local) as client:
        first = refresh_stars(engine, local, client, now)
        again = refresh_stars(engine, local, client, now)  # fetched just now: not due
        second = refresh_stars(engine, local, client, now + timedelta(hours=2))
    assert (first["fetched"], again["due"], second["unchanged"]) == (1, 0, 1)
    assert server.requests[0].headers["Authorization"] == "Bearer t0ken"
    assert server.requests[0].headers["User-Agent"].startswith("paperwire/")
    assert server.requests[1].headers["If-None-Match"] == '"v1"'  # a 304 keeps the count
    with engine.connect() as conn:
        assert stars_of(conn, ["acme/sparse"]) == {"acme/sparse": 1234}
    paper_id = make_paper(engine, abstract=PLAIN, comment=COMMENT)
    soup = BeautifulSoup(client_for(make_app(local)[0]).get(f"/papers/{paper_id}").text, "html.parser")
    assert soup.select_one("a.github-repo .stars").text == "★ 1234"


def test_github_rate_limit_stops_the_run(settings: Settings, engine: Engine, server: ScriptedServer) -> None:
    make_paper(engine, abstract=PLAIN, comment=COMMENT, announced=datetime.now(UTC).date())
    make_paper(engine, abstract="https://github.com/acme/other", announced=datetime.now(UTC).date())
    server.add("/repos/acme/sparse", [(403, {"Retry-After": "60"}, "{}")])
    server.add("/repos/acme/other", [(403, {"Retry-After": "60"}, "{}")])
    local = _local(settings, github_api_url=server.url)
    with GitHubClient(local) as client:
        counts = refresh_stars(engine, local, client, datetime.now(UTC))
    assert counts["rate_limited"] == 1
    assert len(server.requests) == 1


def test_submitter_or_admin_edits_links_others_may_not(settings: Settings, engine: Engine) -> None:
    grace = make_user(engine)
    paper_id = _submitted_paper(engine, grace["id"])
    app = make_app(settings)[0]
    owner = client_for(app)
    csrf = login(owner, grace["email"])
    links = {"github_repo": "https://github.com/acme/better", "project_page": "https://acme.org/p", "csrf_token": csrf}
    assert owner.post(f"/papers/{paper_id}/links", data=links).status_code == 303
    body = owner.get(f"/api/papers/{paper_id}").json()
    assert (body["githubRepo"], body["projectPage"]) == ("https://github.com/acme/better", "https://acme.org/p")
    bad = {**links, "github_repo": "https://gitlab.com/not/github"}
    assert owner.post(f"/papers/{paper_id}/links", data=bad).status_code == 400
    stranger = client_for(app)
    other = {**links, "csrf_token": login(stranger, make_user(engine)["email"])}
    assert stranger.post(f"/papers/{paper_id}/links", data=other).status_code == 403
    admin = client_for(app)
    cleared = {
        "github_repo": "",
        "project_page": "",
        "csrf_token": login(admin, make_user(engine, admin=True)["email"]),
    }
    assert admin.post(f"/papers/{paper_id}/links", data=cleared).status_code == 303
    body = admin.get(f"/api/papers/{paper_id}").json()  # cleared: detection from the comment applies again
    assert (body["githubRepo"], body["projectPage"]) == (
        "https://github.com/acme/sparse",
        "https://sparse.github.io/demo",
    )


def test_unknown_arxiv_id_offers_index_this_paper(settings: Settings, engine: Engine, server: ScriptedServer) -> None:
    server.add("/api/query", [(200, {}, (DATA / "api_search_page1.xml").read_text())])
    client = client_for(make_app(_local(settings, arxiv_api_url=server.url + "/api/query"))[0])
    page = client.get("/papers/2401.12345")
    assert page.status_code == 404
    form = BeautifulSoup(page.text, "html.parser").select_one("form.index-paper")
    assert form["action"] == "/papers/index"
    assert client.get("/papers/not-an-id").status_code == 404
    data = {"paper": "2401.12345", "csrf_token": form.select_one("input[name=csrf_token]")["value"]}
    assert client.post("/papers/index", data={"paper": "2401.12345"}).status_code == 403  # no CSRF token
    response = client.post("/papers/index", data=data)
    assert (response.status_code, response.headers["location"]) == (303, "/papers/2401.12345")
    assert [r.params.get("id_list") for r in server.requests] == ["2401.12345"]
    assert "Tokenizer-Free" in client.get("/papers/2401.12345").text
    search = BeautifulSoup(client.get("/search?q=2401.99999").text, "html.parser")
    assert search.select_one(".index-offer a")["href"] == "/papers/2401.99999"  # its page has the button


def test_index_when_arxiv_is_unreachable_says_so_within_5_seconds(settings: Settings) -> None:
    local = _local(settings, arxiv_api_url=f"http://127.0.0.1:{free_port()}/api/query")
    client = client_for(make_app(local)[0])
    csrf = BeautifulSoup(client.get("/papers/2401.12345").text, "html.parser").select_one("input[name=csrf_token]")
    started = time.monotonic()
    response = client.post("/papers/index", data={"paper": "2401.12345", "csrf_token": csrf["value"]})
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    reason = BeautifulSoup(response.text, "html.parser").select_one(".reason").text
    assert reason == (
        "arXiv did not answer just now, so 2401.12345 could not be fetched; please try again in a few minutes."
    )
    assert "Errno" not in response.text


def test_index_is_rate_limited(settings: Settings, engine: Engine) -> None:
    local = _local(settings, arxiv_api_url=f"http://127.0.0.1:{free_port()}/api/query", papers_indexed_per_hour=1)
    client = client_for(make_app(local)[0])
    csrf = BeautifulSoup(client.get("/papers/2401.12345").text, "html.parser").select_one("input[name=csrf_token]")
    data = {"paper": "2401.12345", "csrf_token": csrf["value"]}
    assert client.post("/papers/index", data=data).status_code == 503
    assert client.post("/papers/index", data=data).status_code == 429


def test_claim_authorship_approved_by_an_admin_shows_badges(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine, authors=("Ada Lovelace", "Alan Turing"))
    app = make_app(settings)[0]
    ada = make_user(engine, name="Ada L.")
    claimer = client_for(app)
    csrf = login(claimer, ada["email"])
    assert (
        claimer.post(f"/papers/{paper_id}/claim", data={"author": "Ada Lovelace", "csrf_token": csrf}).status_code
        == 303
    )
    assert claimer.post(f"/papers/{paper_id}/claim", data={"author": "Nobody", "csrf_token": csrf}).status_code == 400
    assert "waiting for an admin" in claimer.get(f"/users/{ada['id']}").text
    assert claimer.get(f"/api/papers/{paper_id}").json()["authors"][0].get("status") is None
    admin = client_for(app)
    admin_csrf = login(admin, make_user(engine, admin=True)["email"])
    claim_form = BeautifulSoup(admin.get("/admin").text, "html.parser").select_one("form[action$='/approve']")
    assert admin.post(claim_form["action"], data={"csrf_token": admin_csrf}).status_code == 303
    authors = admin.get(f"/api/papers/{paper_id}").json()["authors"]
    assert (authors[0]["status"], authors[0]["user"]["fullname"]) == ("claimed_verified", "Ada L.")
    assert "status" not in authors[1]
    author_page = BeautifulSoup(admin.get("/authors/Ada%20Lovelace").text, "html.parser")
    assert "Ada L." in author_page.select_one(".author-badge").text
    assert admin.get("/api/authors/Ada%20Lovelace").json()["claimed_by"][0]["display_name"] == "Ada L."
    profile = BeautifulSoup(admin.get(f"/users/{ada['id']}").text, "html.parser")
    assert profile.select_one(".claims .author-badge") is not None


def test_keywords_and_tldr_are_computed_shown_exported_and_searchable(
    settings: Settings, engine: Engine, build_index
) -> None:
    abstract = (
        "Sparse attention reduces the cost of long documents. We propose a sparse attention kernel for long "
        "documents. Experiments on long documents show that the kernel matches dense attention."
    )
    paper_id = make_paper(engine, title="Sparse attention for long documents", abstract=abstract)
    other = make_paper(engine, title="Graph neural networks", abstract="Message passing on graphs is studied here.")
    build_index()
    from paperwire.search.service import SearchService

    search = SearchService.from_settings(settings, engine)
    assert search.compute_keywords()["computed"] == 2
    assert search.compute_keywords() == {"computed": 0, "pending": 0}  # nothing stale: nothing redone
    client = client_for(make_app(settings)[0])
    body = client.get(f"/api/papers/{paper_id}").json()
    assert body["ai_keywords"]
    assert body["ai_summary"] in abstract
    assert body["ai_summary_model"].startswith("paperwire-local")
    soup = BeautifulSoup(client.get(f"/papers/{paper_id}").text, "html.parser")
    assert [a.text for a in soup.select(".keywords .keyword")] == body["ai_keywords"]
    assert body["ai_summary"] in soup.select_one(".tldr").text
    keyword = body["ai_keywords"][0]
    found = client.get("/api/papers/search", params={"q": f'keyword:"{keyword}"'}).json()
    assert [item["paper"]["id"] for item in found] == [paper_id]
    assert other not in [item["paper"]["id"] for item in found]
    assert client.get("/api/papers/search", params={"q": "keyword:nonexistentphrase"}).json() == []


def test_daily_page_shows_the_submissions_above_every_new_paper(settings: Settings, engine: Engine) -> None:
    grace = make_user(engine)
    submitted = _submitted_paper(engine, grace["id"], announced=JAN_3)
    listed = make_paper(engine, announced=JAN_3)
    client = client_for(make_app(settings)[0])
    soup = BeautifulSoup(client.get("/papers?date=2025-01-03").text, "html.parser")
    on_top = [a["data-paper-id"] for a in soup.select(".submitted-list .paper-card")]
    everything = {a["data-paper-id"] for a in soup.select(".paper-card")}
    assert on_top == [submitted]
    assert {submitted, listed} <= everything
    assert [i["paper"]["id"] for i in client.get("/api/daily_papers?date=2025-01-03").json()] == [submitted]
