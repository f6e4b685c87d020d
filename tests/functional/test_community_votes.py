"""Upvotes through HTML forms and the Bearer API: exact counts under concurrency, trending weight."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

from sqlalchemy import Engine, func, select

from paperwire.community.trending import trending_window
from paperwire.config import Settings
from paperwire.storage.community_tables import votes
from paperwire.storage.tables import papers
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

__all__ = ["dispose_apps"]  # an autouse fixture


def _upvotes(engine: Engine, paper_id: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(papers.c.upvotes).where(papers.c.id == paper_id)).scalar_one())


def _token(client, csrf: str) -> str:  # type: ignore[no-untyped-def]
    from bs4 import BeautifulSoup

    page = client.post("/account/tokens", data={"name": "cli", "csrf_token": csrf})
    return BeautifulSoup(page.text, "html.parser").find(id="new-token").text


def test_upvote_and_unvote_through_forms(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    csrf = login(client, user["email"])
    assert client.post(f"/papers/{paper_id}/vote", data={"csrf_token": csrf}).status_code == 303
    assert client.post(f"/papers/{paper_id}/vote", data={"csrf_token": csrf}).status_code == 303
    assert _upvotes(engine, paper_id) == 1
    page = client.get(f"/discuss/{paper_id}")
    assert 'aria-pressed="true"' in page.text
    assert client.post(f"/papers/{paper_id}/unvote", data={"csrf_token": csrf}).status_code == 303
    assert _upvotes(engine, paper_id) == 0


def test_imported_upvotes_are_kept(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine, upvotes=7)
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    client.post(f"/papers/{paper_id}/vote", data={"csrf_token": login(client, user["email"])})
    assert _upvotes(engine, paper_id) == 8


def test_twenty_parallel_upvotes_by_one_user_count_once(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    token = _token(client, login(client, user["email"]))
    headers = {"Authorization": f"Bearer {token}"}
    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(lambda _: client.post(f"/api/papers/{paper_id}/vote", headers=headers), range(20)))
    assert {r.status_code for r in responses} == {200}
    assert sum(r.json()["changed"] for r in responses) == 1
    assert _upvotes(engine, paper_id) == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(votes)).scalar_one() == 1


def test_api_needs_a_bearer_token(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    login(client, user["email"])  # a session cookie is not enough for /api writes
    response = client.post(f"/api/papers/{paper_id}/vote")
    assert response.status_code == 403
    assert response.json()["ok"] is False
    bad = client.post(f"/api/papers/{paper_id}/vote", headers={"Authorization": "Bearer pw_nope"})
    assert bad.status_code == 403


def test_api_vote_unvote_and_unknown_paper(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    headers = {"Authorization": f"Bearer {_token(client, login(client, user['email']))}"}
    assert client.post(f"/api/papers/{paper_id}/vote", headers=headers).json()["upvotes"] == 1
    assert client.delete(f"/api/papers/{paper_id}/vote", headers=headers).json()["upvotes"] == 0
    assert client.post("/api/papers/2501.99999/vote", headers=headers).status_code == 404


def test_votes_are_rate_limited(settings: Settings, engine: Engine) -> None:
    strict = Settings(**{**settings.__dict__, "votes_per_minute": 3})
    paper_id = make_paper(engine)
    user = make_user(engine)
    client = client_for(make_app(strict)[0])
    csrf = login(client, user["email"])
    statuses = [client.post(f"/papers/{paper_id}/vote", data={"csrf_token": csrf}).status_code for _ in range(4)]
    assert statuses == [303, 303, 303, 429]


def test_young_accounts_count_but_carry_no_trending_weight(settings: Settings, engine: Engine) -> None:
    today = datetime.now(UTC).date()
    old_paper = make_paper(engine, announced=today)
    young_paper = make_paper(engine, announced=today)
    app = make_app(settings)[0]
    for paper_id, age in ((old_paper, 72), (young_paper, 1)):
        client = client_for(app)
        client.post(
            f"/papers/{paper_id}/vote",
            data={"csrf_token": login(client, make_user(engine, age_hours=age)["email"])},
        )
    assert _upvotes(engine, young_paper) == 1
    with engine.connect() as conn:
        ranked = trending_window(conn, settings, "day", datetime.now(UTC)).ranked
    assert [r.paper_id for r in ranked] == [old_paper]
    assert ranked[0].why["votes"] == 1


def test_trending_orders_by_score_and_respects_window(engine: Engine, settings: Settings) -> None:
    now = datetime(2025, 3, 10, 12, tzinfo=UTC)
    fresh = make_paper(engine, announced=date(2025, 3, 10), upvotes=5)
    older = make_paper(engine, announced=date(2025, 3, 8), upvotes=20)
    ancient = make_paper(engine, announced=date(2025, 1, 1), upvotes=500)
    with engine.connect() as conn:
        week = trending_window(conn, settings, "week", now).ranked
        day = trending_window(conn, settings, "day", now).ranked
    assert [r.paper_id for r in week] == [fresh, older]
    assert [r.paper_id for r in day] == [fresh]
    assert ancient not in {r.paper_id for r in week}
    assert week[0].why["age_hours"] == 12
    assert week[0].score > week[1].score > 0
