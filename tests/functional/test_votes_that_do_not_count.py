"""Votes that must not move the order: fresh accounts, unverified accounts, a submitter's own paper,
and the votes of a deleted account (issue 16, items 3 and 4)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bs4 import BeautifulSoup
from sqlalchemy import Engine, select

from paperwire.community.votes import UNVERIFIED
from paperwire.config import Settings
from paperwire.services import build_services
from paperwire.storage import users as users_repo
from paperwire.storage.community_tables import submissions
from paperwire.storage.papers import upsert_papers
from paperwire.storage.tables import papers
from paperwire.web.app import create_app
from tests.factories import make_record
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

__all__ = ["dispose_apps"]

DAY = date(2025, 1, 7)
NOW = datetime(2025, 1, 8, 12, tzinfo=UTC)


def _upvotes(engine: Engine, paper_id: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(papers.c.upvotes).where(papers.c.id == paper_id)).scalar_one())


def _hundred_papers(engine: Engine) -> str:
    """99 submitted papers (the daily API lists submissions) with 2..10 imported upvotes and, last of 100,
    the target with 1."""
    records = [make_record(title=f"Rival {n}", announced=DAY, submitted_on=DAY, upvotes=2 + n % 9) for n in range(99)]
    target = make_record(title="Target", announced=DAY, submitted_on=DAY, upvotes=1)
    with engine.begin() as conn:
        upsert_papers(conn, [*records, target])
    return target.id


def _vote(settings: Settings, engine: Engine, paper_id: str, **user: object) -> None:
    services = build_services(settings, engine=engine)
    with engine.connect() as conn:
        voter = users_repo.get_user(conn, make_user(engine, **user)["id"])  # type: ignore[arg-type]
    assert voter is not None
    services.community.votes.upvote(voter, paper_id)


def _ranks(settings: Settings, engine: Engine) -> dict[str, int]:
    """The target's 1-based position on the daily list and in Trending, page and API."""
    client = client_for(create_app(settings, build_services(settings, engine=engine, clock=lambda: NOW)))
    daily = {"date": DAY.isoformat(), "limit": 100, "sort": "trending"}
    daily_api = client.get("/api/daily_papers", params=daily).json()
    trending_api = client.get("/api/trending", params={"window": "week", "limit": 100}).json()
    daily_page = BeautifulSoup(client.get("/papers", params={"date": DAY.isoformat()}).text, "html.parser")
    trending_page = BeautifulSoup(client.get("/trending", params={"window": "week"}).text, "html.parser")

    def position(titles: list[str]) -> int:
        return titles.index("Target") + 1 if "Target" in titles else 10_000

    return {
        "daily api": position([item["title"] for item in daily_api]),
        "trending api": position([item["title"] for item in trending_api]),
        "daily page": position([a.get_text() for a in daily_page.select(".paper-title a")]),
        "trending page": position([a.get_text() for a in trending_page.select(".paper-title a")]),
    }


def test_ten_fresh_accounts_cannot_lift_a_paper_from_rank_100_to_1(settings: Settings, engine: Engine) -> None:
    target = _hundred_papers(engine)
    before = _ranks(settings, engine)
    assert before["daily api"] == before["trending api"] == 100
    for _ in range(10):
        _vote(settings, engine, target, age_hours=0.02)  # verified, created a minute ago
    assert _upvotes(engine, target) == 11  # the votes are recorded and shown ...
    assert _ranks(settings, engine) == before  # ... but carry no weight anywhere
    for _ in range(10):
        _vote(settings, engine, target, age_hours=72)  # the same votes from established accounts
    after = _ranks(settings, engine)
    assert after["daily api"] == after["trending api"] == after["daily page"] == after["trending page"] == 1


def test_an_unverified_account_cannot_vote(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    user = make_user(engine, verified=False)
    client = client_for(make_app(settings)[0])
    csrf = login(client, user["email"])
    response = client.post(f"/papers/{paper_id}/vote", data={"csrf_token": csrf})
    assert response.status_code == 403
    assert UNVERIFIED in BeautifulSoup(response.text, "html.parser").get_text()
    assert _upvotes(engine, paper_id) == 0


def test_unverified_accounts_may_vote_when_the_setting_is_off(settings: Settings, engine: Engine) -> None:
    import dataclasses

    paper_id = make_paper(engine)
    user = make_user(engine, verified=False)
    client = client_for(make_app(dataclasses.replace(settings, votes_require_verified_email=False))[0])
    assert client.post(f"/papers/{paper_id}/vote", data={"csrf_token": login(client, user["email"])}).status_code == 303
    assert _upvotes(engine, paper_id) == 1


def test_a_vote_on_ones_own_submission_does_not_count(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine, upvotes=3)
    submitter = make_user(engine)
    with engine.begin() as conn:
        conn.execute(
            submissions.insert().values(paper_id=paper_id, user_id=submitter["id"], submitted_on=DAY, created_at=NOW)
        )
    services = build_services(settings, engine=engine)
    with engine.connect() as conn:
        user = users_repo.get_user(conn, submitter["id"])
    assert user is not None
    result = services.community.votes.upvote(user, paper_id)
    assert result.changed  # recorded (the button shows "Unvote") ...
    assert _upvotes(engine, paper_id) == 3  # ... but not counted
    from paperwire.storage.votes import weighted_votes

    with engine.connect() as conn:
        assert weighted_votes(conn, [paper_id]) == {}
    services.community.moderation.set_banned(_admin(engine), submitter["id"], True)
    services.community.moderation.set_banned(_admin(engine), submitter["id"], False)
    assert _upvotes(engine, paper_id) == 3  # unbanning does not start counting it
    services.community.votes.unvote(user, paper_id)
    assert _upvotes(engine, paper_id) == 3


def _admin(engine: Engine) -> users_repo.User:
    with engine.connect() as conn:
        admin = users_repo.get_user(conn, make_user(engine, admin=True)["id"])
    assert admin is not None
    return admin
