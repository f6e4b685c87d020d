"""The digest's followed sections have one source: for an address linked to an account, the account's
follows (what the Follow buttons and /following edit); the preferences page shows them instead of
text boxes. An address without an account has no follows, so its typed lists stay its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.digest import links
from paperwire.digest.preferences import Preferences, Sections
from paperwire.digest.prepare import build_pool, choose_for_page
from paperwire.storage import subscribers as subscribers_repo
from paperwire.storage.subscribers import Subscriber
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

__all__ = ["dispose_apps"]  # an autouse fixture
DAY = date(2025, 1, 3)
TYPED = Sections(authors=("Grace Hopper",), categories=("math.CO",), searches=("compilers",))
FORM = {"frequency": "daily", "weekly_day": "mon", "authors": "Grace Hopper", "categories": "math.CO"}


def _subscriber(engine: Engine, email: str) -> Subscriber:
    with engine.connect() as conn:
        found = subscribers_repo.get_by_email(conn, email)
    assert found is not None
    return found


def _sections_chosen(engine: Engine, settings: Settings, app, email: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    pool = build_pool(engine, settings, DAY, datetime(2025, 1, 3, 20, tzinfo=UTC), app.services.digest.matcher)
    with engine.connect() as conn:
        [(_, items)] = choose_for_page(conn, settings, [_subscriber(engine, email)], pool, DAY)
    chosen: dict[str, list[str]] = {}
    for item in items:
        chosen.setdefault(item.section, []).append(item.id)
    return chosen


def test_a_linked_subscriber_gets_its_follows_and_not_what_was_typed_before(
    settings: Settings, engine: Engine, build_index: Callable[[], None]
) -> None:
    followed = make_paper(engine, title="Suzuki on sparse attention", authors=("Jun Suzuki",), announced=DAY)
    make_paper(  # by the typed author, in the typed category, matching the typed search
        engine, title="Hopper on compilers", authors=("Grace Hopper",), categories=("math.CO",), announced=DAY
    )
    build_index()
    user = make_user(engine)
    app, _ = make_app(settings)
    client = client_for(app)
    csrf = login(client, user["email"])
    assert client.post("/account/digest", data={"csrf_token": csrf}).status_code == 303
    subscriber = _subscriber(engine, user["email"])
    app.services.subscriptions.update_preferences(subscriber.id, Preferences(sections=TYPED))  # typed earlier
    client.post("/follow", data={"csrf_token": csrf, "kind": "author", "target": "jun suzuki"})

    chosen = _sections_chosen(engine, settings, app, user["email"])
    assert chosen["authors"] == [followed]  # not Grace Hopper's paper, though she was typed in
    assert "categories" not in chosen
    assert "searches" not in chosen

    manage = urlsplit(links.manage_url(settings, subscriber)).path
    page = BeautifulSoup(client.get(manage).text, "html.parser")
    assert page.select('[name="authors"], [name="categories"], [name="searches"]') == []
    assert "author Jun Suzuki" in " ".join(page.select_one(".followed-sections p").text.split())
    assert page.select_one(".followed-sections a")["href"] == "/following"
    assert page.select_one("#unread-lists").text.count("Grace Hopper, math.CO, compilers") == 1

    saved = BeautifulSoup(client.post(manage, data=FORM).text, "html.parser")  # a hand-made post with lists
    stored = Sections.from_json(_subscriber(engine, user["email"]).sections)
    assert (stored.authors, stored.categories, stored.searches) == ((), (), ())
    assert saved.select_one("#unread-lists") is None


def test_an_address_without_an_account_keeps_its_typed_lists(settings: Settings, engine: Engine) -> None:
    app, _ = make_app(settings)
    subscriber = app.services.subscriptions.add_confirmed("reader@example.org")
    client = client_for(app)
    manage = urlsplit(links.manage_url(settings, subscriber)).path
    page = BeautifulSoup(client.get(manage).text, "html.parser")
    assert [field["name"] for field in page.select('[name="authors"], [name="categories"], [name="searches"]')] == [
        "categories",
        "searches",
        "authors",
    ]
    assert page.select_one(".followed-sections") is None
    assert client.post(manage, data=FORM).status_code == 200
    stored = Sections.from_json(_subscriber(engine, "reader@example.org").sections)
    assert (stored.authors, stored.categories) == (("Grace Hopper",), ("math.CO",))
