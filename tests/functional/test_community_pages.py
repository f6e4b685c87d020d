"""The community fragments on the paper page of the web views: links without wiring, forms with it."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import Engine

from paperwire.config import Settings
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

__all__ = ["dispose_apps"]  # an autouse fixture


def test_anonymous_visitors_get_an_upvote_link_to_the_discussion(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    client = client_for(make_app(settings)[0])
    page = BeautifulSoup(client.get(f"/papers/{paper_id}").text, "html.parser")
    assert page.select_one(f"a.upvote[href='/discuss/{paper_id}']") is not None
    assert page.select_one("form.upvote-form") is None


def test_paper_page_has_working_upvote_and_comment_forms(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    app = make_app(settings)[0]
    client = client_for(app)
    login(client, make_user(engine)["email"])
    page = BeautifulSoup(client.get(f"/papers/{paper_id}").text, "html.parser")
    upvote = page.select_one("form.upvote-form")
    comment = page.select_one("form.comment-form")
    assert upvote is not None
    assert comment is not None
    token = upvote.find("input", {"name": "csrf_token"})["value"]
    assert client.post(upvote["action"], data={"csrf_token": token}).status_code == 303
    assert client.post(comment["action"], data={"csrf_token": token, "body": "hello"}).status_code == 303
    page = BeautifulSoup(client.get(f"/papers/{paper_id}").text, "html.parser")
    assert page.select_one(".comment-body").text.strip() == "hello"
    anonymous = client_for(app)
    page = BeautifulSoup(anonymous.get(f"/papers/{paper_id}").text, "html.parser")
    assert page.select_one("form.upvote-form") is None  # no account: a link to the discussion instead
