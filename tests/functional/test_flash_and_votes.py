"""Flash messages after writes (a signed one-time cookie) and the upvote toggle's state, through HTTP.

The browser side (site.js toggling without a reload, the same without JS) is tests/browser/test_look_flows.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine
from starlette.testclient import TestClient

from paperwire.config import Settings
from paperwire.web.flash import FLASH_COOKIE
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

__all__ = ["dispose_apps"]  # an autouse fixture
TODAY = datetime.now(UTC).date()


def soup(client: TestClient, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def flash_text(page: BeautifulSoup) -> str | None:
    message = page.select_one("#flash .flash")
    return message.get_text(strip=True) if message else None


def upvote_button(page: BeautifulSoup, paper_id: str) -> tuple[str, str, str]:
    form = page.select_one(f"form.upvote-form[data-paper-id='{paper_id}']")
    assert form is not None, "no upvote form for a logged-in viewer"
    button = form.select_one("button.upvote")
    return form["action"], button["aria-pressed"], button.select_one(".upvote-count").get_text(strip=True)


@pytest.fixture
def reader(settings: Settings, engine: Engine) -> tuple[TestClient, str]:
    client = client_for(make_app(settings)[0])
    return client, login(client, make_user(engine)["email"])


def test_paper_page_shows_the_viewers_upvote_and_a_second_post_unvotes(
    engine: Engine, reader: tuple[TestClient, str]
) -> None:
    client, csrf = reader
    paper_id = make_paper(engine)
    assert upvote_button(soup(client, f"/papers/{paper_id}"), paper_id) == (f"/papers/{paper_id}/vote", "false", "0")
    assert client.post(f"/papers/{paper_id}/vote", data={"csrf_token": csrf}).status_code == 303
    page = soup(client, f"/papers/{paper_id}")
    assert upvote_button(page, paper_id) == (f"/papers/{paper_id}/unvote", "true", "1")
    assert flash_text(page) == "Upvoted."
    assert client.post(f"/papers/{paper_id}/unvote", data={"csrf_token": csrf}).status_code == 303
    page = soup(client, f"/papers/{paper_id}")
    assert upvote_button(page, paper_id) == (f"/papers/{paper_id}/vote", "false", "0")
    assert flash_text(page) == "Upvote removed."


def test_list_cards_are_vote_buttons_showing_the_viewers_votes(engine: Engine, reader: tuple[TestClient, str]) -> None:
    client, csrf = reader
    voted, other = make_paper(engine, announced=TODAY), make_paper(engine, announced=TODAY)
    client.post(f"/papers/{voted}/vote", data={"csrf_token": csrf})
    page = soup(client, "/")
    assert upvote_button(page, voted)[1:] == ("true", "1")
    assert upvote_button(page, other)[1:] == ("false", "0")
    assert not page.select(".paper-card a.upvote")  # a button, not a link to the discussion


def test_vote_endpoint_answers_json_to_site_js_with_the_csrf_header(
    engine: Engine, reader: tuple[TestClient, str]
) -> None:
    client, csrf = reader
    paper_id = make_paper(engine)
    headers = {"Accept": "application/json", "X-CSRF-Token": csrf}
    response = client.post(f"/papers/{paper_id}/vote", headers=headers)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "paper_id": paper_id, "voted": True, "upvotes": 1, "changed": True}
    assert FLASH_COOKIE not in response.headers.get("set-cookie", "")  # the page says it itself
    assert client.post(f"/papers/{paper_id}/unvote", headers=headers).json()["upvotes"] == 0
    forged = {"Accept": "application/json", "X-CSRF-Token": "forged"}
    assert client.post(f"/papers/{paper_id}/vote", headers=forged).status_code == 403


def test_a_flash_is_shown_once_then_cleared(engine: Engine, reader: tuple[TestClient, str]) -> None:
    client, csrf = reader
    paper_id = make_paper(engine)
    response = client.post(f"/papers/{paper_id}/comments", data={"csrf_token": csrf, "body": "Nice"})
    assert response.status_code == 303
    assert FLASH_COOKIE in response.headers["set-cookie"]
    shown = client.get(response.headers["location"])
    assert flash_text(BeautifulSoup(shown.text, "html.parser")) == "Comment posted."
    assert f"{FLASH_COOKIE}=; Max-Age=0" in shown.headers["set-cookie"]
    assert flash_text(soup(client, f"/discuss/{paper_id}")) is None


def test_a_forged_flash_cookie_shows_nothing(settings: Settings) -> None:
    client = client_for(make_app(settings)[0])
    client.cookies.set(FLASH_COOKIE, "I am not signed")
    page = soup(client, "/login")
    assert flash_text(page) is None


def test_every_write_says_what_happened(settings: Settings, engine: Engine, reader: tuple[TestClient, str]) -> None:
    client, csrf = reader
    paper_id = make_paper(engine, published=TODAY - timedelta(days=1), announced=TODAY)
    writes = [
        ("/submit", {"paper": paper_id}, f"Submitted: {paper_id} is on today's list."),
        (f"/papers/{paper_id}/report", {"reason": "spam"}, "Thank you: your report was sent to the moderators."),
        ("/account/profile", {"display_name": "Renamed", "bio": ""}, "Profile saved."),
        ("/account/digest", {}, "Subscribed: the digest goes to your confirmed address."),
    ]
    for path, data, text in writes:
        response = client.post(path, data={"csrf_token": csrf, **data})
        assert response.status_code == 303, (path, response.text)
        location = response.headers["location"].removeprefix("http://testserver")
        assert flash_text(soup(client, location)) == text, path
    preferences = location
    response = client.post(preferences, data={"frequency": "daily", "trending_on": "1", "trending": "5"})
    assert flash_text(BeautifulSoup(response.text, "html.parser")) == "Preferences saved."
    anonymous = client_for(client.app)
    response = anonymous.post("/subscribe", data={"email": "someone@example.org"})
    assert "check your inbox" in (flash_text(BeautifulSoup(response.text, "html.parser")) or "")


def test_a_vote_without_js_returns_to_the_same_day(engine: Engine, reader: tuple[TestClient, str]) -> None:
    client, csrf = reader
    paper_id = make_paper(engine, announced=TODAY)
    here = f"/papers?date={TODAY}"
    form = soup(client, here).select_one(f"form.upvote-form[data-paper-id='{paper_id}']")
    next_value = form.find("input", {"name": "next"})["value"]
    assert next_value == here
    response = client.post(form["action"], data={"csrf_token": csrf, "next": next_value})
    assert response.headers["location"] == here
