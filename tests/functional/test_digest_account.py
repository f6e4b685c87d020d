"""Logged-in users manage the same digest subscription from their account page."""

from __future__ import annotations

from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from sqlalchemy import Engine, select

from paperwire.config import Settings
from paperwire.storage.digest_tables import subscribers
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_user

__all__ = ["dispose_apps"]  # an autouse fixture


def test_a_confirmed_user_subscribes_from_the_account_page_and_gets_the_manage_link(
    settings: Settings, engine: Engine
) -> None:
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    csrf = login(client, user["email"])
    page = BeautifulSoup(client.get("/account").text, "html.parser")
    assert page.select_one("#subscribe-digest") is not None

    response = client.post("/account/digest", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    manage_path = urlsplit(response.headers["location"]).path
    assert manage_path.startswith("/subscribe/manage/")
    assert client.get(manage_path).status_code == 200
    with engine.connect() as conn:
        row = conn.execute(select(subscribers).where(subscribers.c.email == user["email"])).mappings().one()
    assert (row["user_id"], row["status"]) == (user["id"], "active")
    page = BeautifulSoup(client.get("/account").text, "html.parser")
    assert urlsplit(page.select_one("#manage-digest")["href"]).path == manage_path


def test_an_unconfirmed_address_cannot_subscribe_from_the_account(settings: Settings, engine: Engine) -> None:
    user = make_user(engine, verified=False)
    client = client_for(make_app(settings)[0])
    csrf = login(client, user["email"])
    assert client.post("/account/digest", data={"csrf_token": csrf}, follow_redirects=False).status_code == 403


def test_subscribing_from_the_account_needs_the_csrf_token(settings: Settings, engine: Engine) -> None:
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    login(client, user["email"])
    assert client.post("/account/digest", data={}, follow_redirects=False).status_code == 403
