"""The community fragments on the paper page of the web views: links without wiring, forms with it."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import Engine

from paperwire.config import Settings
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

__all__ = ["dispose_apps"]  # an autouse fixture


def test_anonymous_visitors_get_an_upvote_button_that_leads_to_log_in(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    client = client_for(make_app(settings)[0])
    page = BeautifulSoup(client.get(f"/papers/{paper_id}").text, "html.parser")
    form = page.select_one("form.upvote-form")
    assert (form["method"], form["action"]) == ("get", "/login")
    assert form.find("input", {"name": "next"})["value"] == f"/papers/{paper_id}"
    assert form.select_one("button.upvote .upvote-count").text.strip() == "0"
    assert form.find("input", {"name": "csrf_token"}) is None  # the same cached page for every visitor


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
    assert page.select_one("form.upvote-form")["action"] == "/login"  # no account: the button asks to log in
