"""One trending order: /trending, /api/trending, /api/daily_papers?sort=trending, the trending feed and the
digest's trending section agree, follow every PAPERWIRE_TRENDING_* setting, and leave out papers without
counted activity. Comment counts leave out hidden and deleted comments everywhere.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import feedparser
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.digest.compose import body_of
from paperwire.digest.preferences import Preferences, Sections
from paperwire.services import build_services
from paperwire.storage import comments as comments_repo
from paperwire.storage.papers import upsert_papers
from paperwire.web.app import create_app
from tests.factories import make_record
from tests.unit.community.support import client_for, dispose_apps, make_user

__all__ = ["dispose_apps"]
WEDNESDAY = date(2025, 1, 8)
NOW = datetime(2025, 1, 8, 12, tzinfo=UTC)


def _comment(engine: Engine, paper_id: str, user_id: int, *, hidden: bool = False, deleted: bool = False) -> None:
    with engine.begin() as conn:
        comments_repo.insert_comment(
            conn,
            paper_id=paper_id,
            user_id=user_id,
            body_md="A comment",
            body_html="<p>A comment</p>",
            created_at=NOW,
            hidden_at=NOW if hidden else None,
            deleted_at=NOW if deleted else None,
        )


@pytest.fixture
def papers(engine: Engine) -> dict[str, str]:
    """Voted: 10 votes, listed yesterday (36 h at NOW). Discussed: no votes, 4 comments, listed today (12 h).
    With the default weights Discussed leads; each change of a weight or the gravity below flips the two."""
    # Submitted on their listing day too, so that /api/daily_papers (the community's list) has them.
    voted = make_record(title="Voted", announced=date(2025, 1, 7), submitted_on=date(2025, 1, 7), upvotes=10)
    discussed = make_record(title="Discussed", announced=WEDNESDAY, submitted_on=WEDNESDAY)
    quiet = make_record(title="Quiet", announced=WEDNESDAY, submitted_on=WEDNESDAY)
    with engine.begin() as conn:
        upsert_papers(conn, [voted, discussed, quiet])
    commenter = make_user(engine)["id"]
    for _ in range(4):
        _comment(engine, discussed.id, commenter)
    _comment(engine, discussed.id, commenter, hidden=True)
    _comment(engine, discussed.id, commenter, deleted=True)
    return {"Voted": voted.id, "Discussed": discussed.id, "Quiet": quiet.id}


def _orders(settings: Settings, engine: Engine) -> dict[str, list[str]]:
    services = build_services(settings, engine=engine, clock=lambda: NOW)
    client = client_for(create_app(settings, services))
    html = BeautifulSoup(client.get("/trending?window=week").text, "html.parser")
    feed = feedparser.parse(client.get("/feeds/trending.atom?window=week").content)
    daily = client.get("/api/daily_papers", params={"week": "2025-W02", "sort": "trending"}).json()
    subscriber = services.subscriptions.add_confirmed("reader@example.org")
    services.subscriptions.update_preferences(subscriber.id, Preferences(sections=Sections(trending=5)))
    digest = body_of(services.digest.preview("reader@example.org", WEDNESDAY), "plain")
    return {
        "page": [a.get_text() for a in html.select(".paper-title a")],
        "api": [item["title"] for item in client.get("/api/trending?window=week").json()],
        "feed": [entry.title for entry in feed.entries],
        "daily": [item["title"] for item in daily],
        "digest": sorted(("Voted", "Discussed"), key=lambda title: digest.find(title)),
    }


def _agree(orders: dict[str, list[str]]) -> list[str]:
    first = orders["page"]
    assert first in (["Discussed", "Voted"], ["Voted", "Discussed"]), orders  # Quiet never trends
    assert orders["api"] == orders["feed"] == orders["digest"] == first, orders
    assert orders["daily"] == [*first, "Quiet"], orders  # the daily list keeps inactive papers, last
    return first


@pytest.mark.parametrize(
    "change",
    [{"trending_vote_weight": 2.0}, {"trending_comment_weight": 0.2}, {"trending_gravity": 1.0}],
    ids=lambda change: next(iter(change)),
)
def test_each_trending_setting_changes_the_order_everywhere(
    settings: Settings, engine: Engine, papers: dict[str, str], change: dict[str, float]
) -> None:
    assert _agree(_orders(settings, engine)) == ["Discussed", "Voted"]
    assert _agree(_orders(dataclasses.replace(settings, **change), engine)) == ["Voted", "Discussed"]


def test_trending_explains_each_paper_and_counts_only_visible_comments(
    settings: Settings, engine: Engine, papers: dict[str, str]
) -> None:
    client = client_for(create_app(settings, build_services(settings, engine=engine, clock=lambda: NOW)))
    [discussed, voted] = client.get("/api/trending?window=week").json()
    assert (discussed["trending"]["comments"], discussed["trending"]["votes"]) == (4, 0)
    assert discussed["trending"]["age_hours"] == 12
    assert (voted["trending"]["votes"], voted["trending"]["age_hours"]) == (10, 36)
    card = BeautifulSoup(client.get("/trending?window=week").text, "html.parser").select_one(".why-trending")
    assert card is not None
    assert "0 counted votes, 4 comments, 12.0 h" in card.get_text()


def test_an_empty_trending_window_says_why(settings: Settings, engine: Engine) -> None:
    with engine.begin() as conn:
        upsert_papers(conn, [make_record(title="Unvoted", announced=WEDNESDAY)])
    client = client_for(create_app(settings, build_services(settings, engine=engine, clock=lambda: NOW)))
    page = BeautifulSoup(client.get("/trending?window=day").text, "html.parser")
    assert page.select(".paper-title") == []
    assert "no paper listed from 2025-01-08 to 2025-01-08 has a counted vote or comment" in page.get_text()


def test_hidden_and_deleted_comments_are_not_counted_anywhere(
    settings: Settings, engine: Engine, papers: dict[str, str]
) -> None:
    paper_id = papers["Discussed"]
    client = client_for(create_app(settings, build_services(settings, engine=engine, clock=lambda: NOW)))
    daily = {i["paper"]["id"]: i for i in client.get("/api/daily_papers", params={"date": "2025-01-08"}).json()}
    search = client.get("/api/papers/search", params={"q": "Discussed", "mode": "lexical"})
    counts = {
        "daily": daily[paper_id]["numComments"],
        "paper": client.get(f"/api/papers/{paper_id}").json()["numComments"],
        "trending": client.get("/api/trending?window=week").json()[0]["numComments"],
    }
    assert counts == {"daily": 4, "paper": 4, "trending": 4}
    assert search.status_code == 200
    card = BeautifulSoup(client.get("/papers?date=2025-01-08").text, "html.parser")
    assert "4 comments" in card.select_one(f'[data-paper-id="{paper_id}"]').get_text()
    discussion = BeautifulSoup(client.get(f"/discuss/{paper_id}").text, "html.parser")
    assert discussion.select_one("#comments-heading").get_text() == "Discussion (4)"
