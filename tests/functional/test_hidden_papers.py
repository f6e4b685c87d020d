"""A paper a moderator hid is 404 for everyone but moderators, and appears in no list, feed or search
(issue 16, item 13)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import feedparser
import pytest
from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.storage import submissions as submissions_repo
from paperwire.storage.db import read_only
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

__all__ = ["dispose_apps"]

DAY = date(2025, 1, 3)
PATHS = ("/papers/{id}", "/papers/{id}.md", "/api/papers/{id}", "/papers/{id}/similar", "/api/papers/{id}/similar")


@pytest.fixture
def hidden(engine: Engine, build_index: Callable[[], None]) -> dict[str, str]:
    shown = make_paper(engine, title="Shown quokka paper", announced=DAY)
    hidden = make_paper(engine, title="Hidden quokka paper", announced=DAY, upvotes=50)
    admin = make_user(engine, admin=True)
    build_index()
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    with engine.begin() as conn:
        for paper_id in (shown, hidden):  # both on the day's community list (/api/daily_papers)
            submissions_repo.insert_submission(conn, paper_id, admin["id"], DAY, now)
            submissions_repo.mark_submitted(conn, paper_id, DAY, now)
        submissions_repo.hide_paper(conn, hidden, admin["id"], now)
    return {"shown": shown, "hidden": hidden, "admin": admin["email"]}


@pytest.mark.parametrize("path", PATHS)
def test_a_hidden_paper_is_404_for_visitors_and_members(
    settings: Settings, engine: Engine, hidden: dict[str, str], path: str
) -> None:
    app = make_app(settings)[0]
    anonymous, member = client_for(app), client_for(app)
    login(member, make_user(engine)["email"])
    for client in (anonymous, member):
        assert client.get(path.format(id=hidden["shown"])).status_code == 200
        response = client.get(path.format(id=hidden["hidden"]))
        assert response.status_code == 404, (path, response.text[:200])
        if path.startswith("/api") or path.endswith(".md"):
            assert response.json() == {"ok": False, "error": f"no paper with id {hidden['hidden']!r}", "status": 404}


@pytest.mark.parametrize("path", PATHS[:3])
def test_a_moderator_still_sees_a_hidden_paper(
    settings: Settings, engine: Engine, hidden: dict[str, str], path: str
) -> None:
    moderator = client_for(make_app(settings)[0])
    login(moderator, hidden["admin"])
    assert moderator.get(path.format(id=hidden["hidden"])).status_code == 200
    anonymous = client_for(make_app(settings)[0])  # and the moderator's view is not cached for others
    assert anonymous.get(path.format(id=hidden["hidden"])).status_code == 404


def test_a_hidden_paper_is_in_no_list_feed_or_search(
    settings: Settings, engine: Engine, hidden: dict[str, str]
) -> None:
    client = client_for(make_app(settings)[0])
    pages = {
        "daily": client.get("/papers", params={"date": DAY.isoformat()}).text,
        "daily api": client.get("/api/daily_papers", params={"date": DAY.isoformat()}).text,
        "new": client.get("/new").text,
        "search": client.get("/search", params={"q": "quokka"}).text,
        "search api": client.get("/api/papers/search", params={"q": "quokka"}).text,
        "author": client.get("/authors/Ada Lovelace").text,
        "similar of the shown one": client.get(f"/api/papers/{hidden['shown']}/similar").text,
    }
    pages["search feed"] = client.get("/feeds/search.atom", params={"q": "quokka"}).text
    pages["author feed"] = client.get("/feeds/authors/Ada Lovelace.atom").text
    for name in ("daily", "new"):
        feed = feedparser.parse(client.get(f"/feeds/{name}.atom").content)
        pages[f"{name} feed"] = " ".join(f"{entry.title} {entry.link}" for entry in feed.entries)
    missing = [name for name, text in pages.items() if "similar" not in name and hidden["shown"] not in text]
    assert missing == []  # the lists work: the visible paper is on each
    assert [name for name, text in pages.items() if "Hidden quokka paper" in text or hidden["hidden"] in text] == []


def test_hiding_a_paper_in_storage_is_what_the_pages_read(engine: Engine, hidden: dict[str, str]) -> None:
    from paperwire.storage import reader

    with read_only(engine) as conn:
        assert not reader.is_visible(conn, hidden["hidden"])
        assert reader.is_visible(conn, hidden["shown"])
