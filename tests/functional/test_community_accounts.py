"""Accounts through HTTP: sign-up, verification, log-in, sessions, reset, changes, deletion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from paperwire.config import Settings
from paperwire.storage.community_tables import account_tokens, user_sessions, users
from tests.unit.community.support import (
    PASSWORD,
    client_for,
    csrf_from,
    dispose_apps,
    link_in,
    login,
    make_app,
    make_user,
    page_csrf,
)

__all__ = ["dispose_apps"]  # an autouse fixture


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_signup_verify_login_logout(settings: Settings, engine: Engine) -> None:
    app, mailer = make_app(settings)
    client = client_for(app)
    token = page_csrf(client, "/signup")
    form = {"email": "Ada@Example.org", "password": PASSWORD, "display_name": "Ada", "csrf_token": token}
    assert client.post("/signup", data=form).status_code == 200
    [message] = mailer.outbox
    assert message["To"] == "ada@example.org"
    assert client.get(_path(link_in(message))).status_code == 200
    with engine.connect() as conn:
        assert conn.execute(select(users.c.email_verified)).scalar_one() is True
    assert client.get(_path(link_in(message))).status_code == 400  # single use
    csrf = login(client, "ada@example.org")
    cookie = client.cookies["paperwire_session"]
    with engine.connect() as conn:
        stored = conn.execute(select(user_sessions.c.id_hash)).scalar_one()
    assert stored != cookie
    assert len(stored) == 64
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert client.get("/account").status_code == 303  # back to the login page


def test_signup_answer_is_the_same_for_known_addresses(settings: Settings, engine: Engine) -> None:
    make_user(engine, email="taken@example.org")
    app, mailer = make_app(settings)
    client = client_for(app)
    answers = []
    for email in ("taken@example.org", "fresh@example.org"):
        form = {"email": email, "password": PASSWORD, "csrf_token": page_csrf(client, "/signup")}
        response = client.post("/signup", data=form)
        answers.append((response.status_code, response.text.replace(email, "")))
    assert answers[0] == answers[1]
    assert [m["To"] for m in mailer.outbox] == ["fresh@example.org"]


@pytest.mark.parametrize("password", ["short", "password123", "qwertyuiop", "x" * 1025])
def test_weak_passwords_are_refused(settings: Settings, password: str) -> None:
    client = client_for(make_app(settings)[0])
    form = {"email": "a@example.org", "password": password, "csrf_token": page_csrf(client, "/signup")}
    assert client.post("/signup", data=form).status_code == 400


def test_long_passwords_are_not_truncated(settings: Settings, engine: Engine) -> None:
    long = "a-long-pass-" * 10
    app, _mailer = make_app(settings)
    client = client_for(app)
    form = {"email": "long@example.org", "password": long, "csrf_token": page_csrf(client, "/signup")}
    client.post("/signup", data=form)
    token = page_csrf(client, "/login")
    wrong = {"email": "long@example.org", "password": long[:-1] + "X", "csrf_token": token}
    assert client.post("/login", data=wrong).status_code == 403
    right = {"email": "long@example.org", "password": long, "csrf_token": token}
    assert client.post("/login", data=right).status_code == 303


def test_session_fixation_is_prevented(settings: Settings, engine: Engine) -> None:
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    client.cookies.set("paperwire_session", "attacker-chosen-value", domain="testserver.local")
    login(client, user["email"])
    assert client.cookies["paperwire_session"] != "attacker-chosen-value"
    first = client.cookies["paperwire_session"]
    login(client, user["email"])  # logging in again also rotates the id and ends the old session
    assert client.cookies["paperwire_session"] != first
    other = client_for(client.app)  # type: ignore[arg-type]
    other.cookies.set("paperwire_session", first, domain="testserver.local")
    assert other.get("/account").status_code == 303


def test_session_cookie_is_host_prefixed_and_secure_under_https(settings: Settings, engine: Engine) -> None:
    user = make_user(engine)
    https = Settings(**{**settings.__dict__, "base_url": "https://papers.example.org"})
    client = TestClient(make_app(https)[0], base_url="https://testserver", follow_redirects=False)
    token = page_csrf(client, "/login")
    response = client.post("/login", data={"email": user["email"], "password": PASSWORD, "csrf_token": token})
    cookies = response.headers.get_list("set-cookie")
    assert not any(h.startswith("paperwire_session=") for h in cookies)
    header = next(h for h in cookies if h.startswith("__Host-paperwire_session="))
    assert "HttpOnly" in header
    assert "SameSite=lax" in header
    assert "Secure" in header
    assert "Path=/" in header
    assert "Domain" not in header
    assert client.get("/account").status_code == 200  # the prefixed cookie is the one read back


def test_password_reset_link_is_single_use(settings: Settings, engine: Engine) -> None:
    user = make_user(engine)
    app, mailer = make_app(settings)
    client = client_for(app)
    client.post("/forgot", data={"email": user["email"], "csrf_token": page_csrf(client, "/forgot")})
    client.post("/forgot", data={"email": "nobody@example.org", "csrf_token": page_csrf(client, "/forgot")})
    [message] = mailer.outbox
    path = _path(link_in(message))
    token = csrf_from(client.get(path).text)
    signed = parse_qs(urlsplit(path).query)["token"][0]
    form = {"token": signed, "password": "a brand new secret", "csrf_token": token}
    assert client.post("/reset", data=form).status_code == 200
    assert client.post("/reset", data=form).status_code == 400
    login(client, user["email"], "a brand new secret")


def test_reset_link_dies_at_login_and_expires(settings: Settings, engine: Engine) -> None:
    user = make_user(engine)
    app, mailer = make_app(settings)
    client = client_for(app)
    for _ in range(2):
        client.post("/forgot", data={"email": user["email"], "csrf_token": page_csrf(client, "/forgot")})
    first, second = (_path(link_in(m)) for m in mailer.outbox)
    with engine.begin() as conn:  # the second link: expired in the database
        conn.execute(update(account_tokens).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert client.get(second).status_code == 200  # the signature is fine; the token is checked at use
    login(client, user["email"])
    with engine.connect() as conn:
        assert conn.execute(select(account_tokens)).first() is None
    token = page_csrf(client, "/account")
    signed = parse_qs(urlsplit(first).query)["token"][0]
    response = client.post("/reset", data={"token": signed, "password": "another new secret", "csrf_token": token})
    assert response.status_code == 400


def test_tampered_link_is_refused(settings: Settings) -> None:
    client = client_for(make_app(settings)[0])
    assert client.get("/verify?token=abc.def.ghi").status_code == 400


def test_password_change_ends_all_sessions(settings: Settings, engine: Engine) -> None:
    user = make_user(engine)
    app = make_app(settings)[0]
    laptop, phone = client_for(app), client_for(app)
    csrf = login(laptop, user["email"])
    login(phone, user["email"])
    form = {"current_password": PASSWORD, "new_password": "a different secret", "csrf_token": csrf}
    assert laptop.post("/account/password", data=form).status_code == 303
    assert phone.get("/account").status_code == 303
    assert laptop.get("/account").status_code == 200  # a fresh session for the one who changed it
    form = {
        "current_password": "wrong one!",
        "new_password": "yet another secret",
        "csrf_token": page_csrf(laptop, "/account"),
    }
    assert laptop.post("/account/password", data=form).status_code == 403


def test_change_email_needs_password_and_confirmation(settings: Settings, engine: Engine) -> None:
    user = make_user(engine)
    app, mailer = make_app(settings)
    client = client_for(app)
    csrf = login(client, user["email"])
    bad = {"password": "not my password", "new_email": "new@example.org", "csrf_token": csrf}
    assert client.post("/account/email", data=bad).status_code == 403
    good = {**bad, "password": PASSWORD}
    assert client.post("/account/email", data=good).status_code == 200
    [message] = mailer.outbox
    assert message["To"] == "new@example.org"
    assert client.get(_path(link_in(message))).status_code == 200
    with engine.connect() as conn:
        assert conn.execute(select(users.c.email)).scalar_one() == "new@example.org"


def test_delete_account(settings: Settings, engine: Engine) -> None:
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    csrf = login(client, user["email"])
    assert client.post("/account/delete", data={"password": PASSWORD, "csrf_token": csrf}).status_code == 303
    with engine.connect() as conn:
        assert conn.execute(select(users)).first() is None


def test_login_is_rate_limited(settings: Settings, engine: Engine) -> None:
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    token = page_csrf(client, "/login")
    statuses = [
        client.post(
            "/login", data={"email": user["email"], "password": "wrong guess!", "csrf_token": token}
        ).status_code
        for _ in range(settings.login_attempts_per_15min + 1)
    ]
    assert statuses[:-1] == [403] * settings.login_attempts_per_15min
    last = client.post("/login", data={"email": user["email"], "password": PASSWORD, "csrf_token": token})
    assert last.status_code == 429
    assert int(last.headers["Retry-After"]) > 0


def test_signup_and_reset_are_rate_limited(settings: Settings, engine: Engine) -> None:
    strict = Settings(**{**settings.__dict__, "signups_per_hour": 2, "resets_per_hour": 2})
    client = client_for(make_app(strict)[0])
    statuses = []
    for number in range(3):
        form = {"email": f"new{number}@example.org", "password": PASSWORD, "csrf_token": page_csrf(client, "/signup")}
        statuses.append(client.post("/signup", data=form).status_code)
    assert statuses == [200, 200, 429]
    resets = [
        client.post("/forgot", data={"email": "x@example.org", "csrf_token": page_csrf(client, "/forgot")}).status_code
        for _ in range(3)
    ]
    assert resets == [200, 200, 429]
