"""Accounts under attack (issue 16, items 4, 9, 10 and 13): deletion keeps others' replies and recounts
votes, lock-outs by a third party, idle sessions, tokens after a password change, display names."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, select, update

from paperwire.config import Settings
from paperwire.domain.names import name_key
from paperwire.storage.community_tables import comments, user_sessions
from paperwire.storage.db import make_engine
from paperwire.storage.tables import papers
from tests.unit.community.support import (
    PASSWORD,
    client_for,
    dispose_apps,
    login,
    make_app,
    make_paper,
    make_user,
    page_csrf,
)

__all__ = ["dispose_apps"]


def _upvotes(engine: Engine, paper_id: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(papers.c.upvotes).where(papers.c.id == paper_id)).scalar_one())


def _post_login(client, email: str, password: str):  # type: ignore[no-untyped-def]
    token = page_csrf(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


# item 4: deleting an account


def test_deleting_an_account_recounts_upvotes_and_keeps_replies_to_its_comments(
    settings: Settings, engine: Engine
) -> None:
    paper_id = make_paper(engine, upvotes=2)
    leaver, replier = make_user(engine), make_user(engine)
    app = make_app(settings)[0]
    leaving, replying = client_for(app), client_for(app)
    csrf = login(leaving, leaver["email"])
    leaving.post(f"/papers/{paper_id}/vote", data={"csrf_token": csrf})
    leaving.post(f"/papers/{paper_id}/comments", data={"csrf_token": csrf, "body": "Parent by the leaver"})
    with engine.connect() as conn:
        parent_id = conn.execute(select(comments.c.id)).scalar_one()
    reply_csrf = login(replying, replier["email"])
    replying.post(
        f"/papers/{paper_id}/comments",
        data={"csrf_token": reply_csrf, "body": "A reply that must stay", "parent_id": str(parent_id)},
    )
    assert _upvotes(engine, paper_id) == 3
    response = leaving.post("/account/delete", data={"csrf_token": csrf, "password": PASSWORD})
    assert response.status_code == 303
    assert _upvotes(engine, paper_id) == 2
    page = BeautifulSoup(client_for(app).get(f"/discuss/{paper_id}").text, "html.parser")
    text = page.get_text(" ")
    assert "A reply that must stay" in text
    assert "[deleted]" in text
    assert "Parent by the leaver" not in text
    with engine.connect() as conn:
        rows = conn.execute(select(comments.c.id, comments.c.user_id, comments.c.parent_id)).all()
    assert sorted(rows) == [(parent_id, None, None), (parent_id + 1, replier["id"], parent_id)]


# item 9: lock-outs


def test_a_successful_login_clears_the_addresses_failure_bucket(settings: Settings, engine: Engine) -> None:
    limited = dataclasses.replace(settings, login_attempts_per_15min=3)
    user = make_user(engine)
    client = client_for(make_app(limited)[0])
    for _ in range(2):
        assert _post_login(client, user["email"], "wrong password").status_code == 403
    assert _post_login(client, user["email"], PASSWORD).status_code == 303
    for _ in range(3):  # a fresh allowance: without the clearing, the second of these would be refused
        assert _post_login(client, user["email"], "wrong password").status_code == 403
    assert _post_login(client, user["email"], "wrong password").status_code == 429  # and the limit still holds


def test_a_third_party_lockout_does_not_stop_the_owner_on_a_known_device(settings: Settings, engine: Engine) -> None:
    limited = dataclasses.replace(settings, login_attempts_per_15min=3)
    user = make_user(engine)
    app = make_app(limited)[0]
    owner = client_for(app)
    assert _post_login(owner, user["email"], PASSWORD).status_code == 303  # the owner's browser is now known
    owner.post("/logout", data={"csrf_token": page_csrf(owner, "/account")})
    attacker = client_for(app)
    for _ in range(4):
        _post_login(attacker, user["email"], "guessing")
    locked = _post_login(attacker, user["email"], PASSWORD)
    assert locked.status_code == 429  # the address is locked for unknown browsers, right password or not
    assert _post_login(owner, user["email"], PASSWORD).status_code == 303  # but not for the owner's
    stranger = client_for(app)  # and the owner's success cleared the address's bucket for everyone
    assert _post_login(stranger, user["email"], PASSWORD).status_code == 303


def test_a_forged_known_device_cookie_does_not_bypass_the_lockout(settings: Settings, engine: Engine) -> None:
    limited = dataclasses.replace(settings, login_attempts_per_15min=3)
    user = make_user(engine)
    attacker = client_for(make_app(limited)[0])
    attacker.cookies.set("paperwire_device", f"{user['id']}:forged", domain="testserver.local")
    for _ in range(4):
        _post_login(attacker, user["email"], "guessing")
    assert _post_login(attacker, user["email"], PASSWORD).status_code == 429


# item 10: sessions and tokens


def test_an_idle_session_ends_after_the_idle_timeout(settings: Settings, engine: Engine) -> None:
    user = make_user(engine)
    client = client_for(make_app(dataclasses.replace(settings, session_idle_timeout_hours=2))[0])
    login(client, user["email"])
    assert client.get("/account").status_code == 200
    with engine.begin() as conn:
        expires = conn.execute(select(user_sessions.c.expires_at)).scalar_one()
        # the idle expiry, not the 336 h lifetime
        assert abs((expires.replace(tzinfo=UTC) - datetime.now(UTC)) - timedelta(hours=2)) < timedelta(minutes=5)
        conn.execute(update(user_sessions).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert client.get("/account").status_code == 303  # to the login page


def test_using_a_session_pushes_its_idle_expiry_forward(settings: Settings, engine: Engine) -> None:
    user = make_user(engine)
    client = client_for(make_app(dataclasses.replace(settings, session_idle_timeout_hours=2))[0])
    login(client, user["email"])
    soon = datetime.now(UTC) + timedelta(minutes=10)
    with engine.begin() as conn:
        conn.execute(update(user_sessions).values(expires_at=soon))
    assert client.get("/account").status_code == 200
    with engine.connect() as conn:
        expires = conn.execute(select(user_sessions.c.expires_at)).scalar_one().replace(tzinfo=UTC)
    assert expires > soon + timedelta(minutes=90)


def test_a_password_change_revokes_api_tokens(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    csrf = login(client, user["email"])
    page = client.post("/account/tokens", data={"name": "cli", "csrf_token": csrf})
    token = BeautifulSoup(page.text, "html.parser").find(id="new-token").text
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post(f"/api/papers/{paper_id}/vote", headers=headers).status_code == 200
    new_password = "another horse battery staple"
    changed = client.post(
        "/account/password",
        data={"csrf_token": csrf, "current_password": PASSWORD, "new_password": new_password},
    )
    assert changed.status_code == 303
    assert client.delete(f"/api/papers/{paper_id}/vote", headers=headers).status_code == 403


# item 13: display names


@pytest.mark.parametrize(
    "lookalike",
    ["ada lovelace", "ADA  LOVELACE", "\u0410da Lovelace", "Ada_Lovelace", "\uff21da Lovelace", "Ada Lovelac\u0435"],
    ids=["case", "spaces", "cyrillic-A", "underscore", "fullwidth", "cyrillic-e"],
)
def test_display_names_are_unique_after_folding_and_confusables(
    settings: Settings, engine: Engine, lookalike: str
) -> None:
    make_user(engine, name="Ada Lovelace")
    other = make_user(engine)
    client = client_for(make_app(settings)[0])
    csrf = login(client, other["email"])
    response = client.post("/account/profile", data={"csrf_token": csrf, "display_name": lookalike, "bio": ""})
    assert response.status_code == 409
    assert "taken" in BeautifulSoup(response.text, "html.parser").get_text()
    signup = client_for(make_app(settings)[0])
    form = {"email": "new@example.org", "password": PASSWORD, "display_name": lookalike}
    answer = signup.post("/signup", data={**form, "csrf_token": page_csrf(signup, "/signup")})
    assert answer.status_code == 409


@pytest.mark.parametrize("control", ["\u202e", "\u2067", "\u200f", "\u061c"])
def test_display_names_refuse_bidi_control_characters(settings: Settings, engine: Engine, control: str) -> None:
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    csrf = login(client, user["email"])
    response = client.post(
        "/account/profile", data={"csrf_token": csrf, "display_name": f"admin{control}txt.exe", "bio": ""}
    )
    assert response.status_code == 400
    assert "bidirectional" in BeautifulSoup(response.text, "html.parser").get_text()


def test_a_name_from_the_address_gets_a_number_when_taken(settings: Settings, engine: Engine) -> None:
    make_user(engine, name="ada")
    client = client_for(make_app(settings)[0])
    form = {"email": "ada@example.org", "password": PASSWORD, "display_name": ""}
    assert client.post("/signup", data={**form, "csrf_token": page_csrf(client, "/signup")}).status_code == 200
    from paperwire.storage.community_tables import users

    with engine.connect() as conn:
        names = set(conn.execute(select(users.c.display_name)).scalars())
    assert names == {"ada", "ada 2"}


@pytest.mark.parametrize(
    "lookalike",
    ["\u13aada Lovelace", "Ada Love\u217cace", "\U0001d5a0da Lovelace", "Ada Lovelac\u0435\u200b"],
    ids=["cherokee-A", "roman-numeral-l", "math-sans-A", "zero-width-space"],
)
def test_names_that_read_alike_anywhere_in_unicodes_confusables_are_one_name(lookalike: str) -> None:
    assert name_key(lookalike) == name_key("Ada Lovelace")
    assert name_key("Ada Lovelace") != name_key("Ada Lovelock")


def test_upgrading_recomputes_every_name_key_and_the_older_account_keeps_the_plain_one(tmp_path: Path) -> None:
    """Migration 0008: keys made by the older look-alike table are recomputed with the confusables table;
    the older of two accounts that now read alike keeps the plain key, the later one gets its id in it."""
    from paperwire.storage import migrate
    from paperwire.storage.community_tables import users

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate.upgrade(engine, "0007")
    now = datetime(2026, 12, 1, tzinfo=UTC)
    account = {"password_hash": "x", "bio": "", "email_verified": True, "is_admin": False, "is_banned": False}
    with engine.begin() as conn:  # the keys the 0007 rule gave them: it did not know Cherokee letters
        for email, name, key in [
            ("ada@example.org", "Ada Lovelace", "ada lovelace"),
            ("imitator@example.org", "\u13aada Lovelace", "\uab7ada lovelace"),
            ("grace@example.org", "Grace Hopper", "grace hopper"),
        ]:
            conn.execute(
                users.insert().values(email=email, display_name=name, display_name_key=key, created_at=now, **account)
            )
    migrate.upgrade(engine)
    with engine.connect() as conn:
        keys = dict(conn.execute(select(users.c.email, users.c.display_name_key)).all())
    engine.dispose()
    assert keys == {
        "ada@example.org": "ada lovelace",
        "imitator@example.org": "ada lovelace #2",
        "grace@example.org": "grace hopper",
    }
