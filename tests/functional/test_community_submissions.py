"""Submissions: ids and URLs, metadata from the DB or the configured arXiv host only, limits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from paperwire.config import Settings
from paperwire.storage.community_tables import submissions
from paperwire.storage.tables import papers
from tests.httpserver import ScriptedServer, serve
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

__all__ = ["dispose_apps"]  # an autouse fixture
DATA = Path(__file__).resolve().parents[1] / "data" / "arxiv"
TODAY = datetime.now(UTC).date()


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    yield from serve()


def _submit(client, csrf: str, paper: str):  # type: ignore[no-untyped-def]
    return client.post("/submit", data={"csrf_token": csrf, "paper": paper})


def test_submit_known_paper_by_url(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine, published=TODAY - timedelta(days=2), announced=TODAY - timedelta(days=1))
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    csrf = login(client, user["email"])
    page = client.get("/submit")
    assert f"Up to {settings.submissions_per_user_per_day} papers" in page.text
    response = _submit(client, csrf, f"https://arxiv.org/abs/{paper_id}v2")
    assert response.status_code == 303
    assert response.headers["location"] == f"/papers/{paper_id}"
    with engine.connect() as conn:
        assert conn.execute(select(papers.c.submitted_on).where(papers.c.id == paper_id)).scalar_one() == TODAY
        row = conn.execute(select(submissions)).one()
    assert row.user_id == user["id"]
    assert _submit(client, csrf, paper_id).status_code == 409  # no duplicates


@pytest.mark.parametrize(
    "text",
    [
        "http://169.254.169.254/latest/meta-data",
        "https://evil.example/abs/2401.12345",
        "2401.1234567",
        "../etc/passwd",
        "file:///etc/passwd",
    ],
)
def test_non_canonical_input_is_refused_without_any_request(
    settings: Settings, engine: Engine, server: ScriptedServer, text: str
) -> None:
    local = Settings(**{**settings.__dict__, "arxiv_api_url": server.url + "/api/query"})
    client = client_for(make_app(local)[0])
    assert _submit(client, login(client, make_user(engine)["email"]), text).status_code == 400
    assert server.requests == []


def test_unknown_paper_is_fetched_from_the_configured_api_only(
    settings: Settings, engine: Engine, server: ScriptedServer
) -> None:
    body = (DATA / "api_search_page1.xml").read_text()
    server.add("/api/query", [(200, {}, body)])
    overrides = {"arxiv_api_url": server.url + "/api/query", "submission_max_paper_age_days": 100000}
    client = client_for(make_app(Settings(**{**settings.__dict__, **overrides}))[0])
    csrf = login(client, make_user(engine)["email"])
    assert _submit(client, csrf, "arXiv:2401.12345").status_code == 303
    assert [r.params.get("id_list") for r in server.requests] == ["2401.12345"]
    with engine.connect() as conn:
        assert "Tokenizer-Free" in conn.execute(select(papers.c.title).where(papers.c.id == "2401.12345")).scalar_one()


def test_limits(settings: Settings, engine: Engine) -> None:
    strict = Settings(**{**settings.__dict__, "submissions_per_user_per_day": 1, "submission_max_paper_age_days": 10})
    old = make_paper(engine, published=TODAY - timedelta(days=11), announced=TODAY - timedelta(days=10))
    fresh = [make_paper(engine, published=TODAY, announced=TODAY) for _ in range(2)]
    app = make_app(strict)[0]
    client = client_for(app)
    csrf = login(client, make_user(engine)["email"])
    assert _submit(client, csrf, old).status_code == 400
    assert _submit(client, csrf, fresh[0]).status_code == 303
    assert _submit(client, csrf, fresh[1]).status_code == 403
    unverified = client_for(app)
    csrf = login(unverified, make_user(engine, verified=False)["email"])
    assert _submit(unverified, csrf, fresh[1]).status_code == 403


def test_api_submission(settings: Settings, engine: Engine) -> None:
    from bs4 import BeautifulSoup

    paper_id = make_paper(engine, published=TODAY, announced=TODAY)
    client = client_for(make_app(settings)[0])
    csrf = login(client, make_user(engine)["email"])
    token = (
        BeautifulSoup(client.post("/account/tokens", data={"csrf_token": csrf}).text, "html.parser")
        .find(id="new-token")
        .text
    )
    response = client.post("/api/submissions", json={"paper": paper_id}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json() == {"ok": True, "paper_id": paper_id, "url": f"/papers/{paper_id}"}


@pytest.mark.parametrize(
    "dates",
    [
        {"published": None, "announced": TODAY - timedelta(days=173)},  # no first-version date: the announcement
        {"published": TODAY - timedelta(days=2), "announced": TODAY - timedelta(days=90)},  # the earlier one
    ],
    ids=["announced-only", "earliest-date"],
)
def test_the_age_rule_applies_to_every_paper(settings: Settings, engine: Engine, dates: dict[str, object]) -> None:
    paper_id = make_paper(engine, **dates)
    client = client_for(make_app(settings)[0])
    response = _submit(client, login(client, make_user(engine)["email"]), paper_id)
    assert response.status_code == 400
    assert f"Only papers from the last {settings.submission_max_paper_age_days} days" in response.text
    with engine.connect() as conn:
        assert conn.execute(select(submissions)).first() is None


def test_a_paper_without_any_known_date_is_refused(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine, published=None, announced=None)
    client = client_for(make_app(settings)[0])
    response = _submit(client, login(client, make_user(engine)["email"]), paper_id)
    assert response.status_code == 400
    assert "no known first-version or announcement date" in response.text


def test_the_rules_are_shown_logged_out_and_login_is_asked_at_the_button(settings: Settings) -> None:
    from bs4 import BeautifulSoup

    page = client_for(make_app(settings)[0]).get("/submit")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    rules = [li.get_text(" ", strip=True) for li in soup.select("ul.rules li")]
    assert rules[0] == f"Up to {settings.submissions_per_user_per_day} papers per person per day."
    assert f"in the last {settings.submission_max_paper_age_days} days" in rules[1]
    assert soup.select("form[action='/submit']") == []
    assert soup.select_one(".login-to-submit a")["href"] == "/login?next=/submit"
