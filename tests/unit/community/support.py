"""Helpers for the community tests: users straight into the database, an in-process client, CSRF tokens."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperwire.community import passwords
from paperwire.config import Settings
from paperwire.mail import MemoryMailer
from paperwire.services import build_services
from paperwire.storage import users as users_repo
from paperwire.storage.papers import upsert_papers
from paperwire.web.app import create_app
from paperwire.web.deps import PaperwireApp
from tests.factories import make_record

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)
_hash_cache: dict[str, str] = {}


def password_hash(password: str = PASSWORD) -> str:
    if password not in _hash_cache:
        _hash_cache[password] = passwords.hash_password(password)
    return _hash_cache[password]


def make_user(
    engine: Engine,
    *,
    email: str | None = None,
    verified: bool = True,
    admin: bool = False,
    age_hours: float = 72,
    name: str | None = None,
) -> dict[str, Any]:
    number = next(_numbers)
    email = email or f"user{number}@example.org"
    with engine.begin() as conn:
        user_id = users_repo.insert_user(
            conn,
            email=email,
            password_hash=password_hash(),
            display_name=name or f"User {number}",
            bio="",
            email_verified=verified,
            is_admin=admin,
            is_banned=False,
            created_at=datetime.now(UTC) - timedelta(hours=age_hours),
        )
    return {"id": user_id, "email": email, "password": PASSWORD}


def make_paper(engine: Engine, **overrides: Any) -> str:
    record = make_record(**overrides)
    with engine.begin() as conn:
        upsert_papers(conn, [record])
    return record.id


_open_apps: list[PaperwireApp] = []


@pytest.fixture(autouse=True)
def dispose_apps() -> Iterator[None]:
    """Import this into a test module: closes the database pools of the apps the test made."""
    yield
    while _open_apps:
        _open_apps.pop().services.engine.dispose()


def make_app(settings: Settings) -> tuple[PaperwireApp, MemoryMailer]:
    mailer = MemoryMailer()
    app = create_app(settings, build_services(settings, mailer=mailer))
    _open_apps.append(app)
    return app, mailer


def client_for(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


def csrf_from(html: str) -> str:
    field = BeautifulSoup(html, "html.parser").find("input", attrs={"name": "csrf_token"})
    assert field is not None, "no csrf_token field on the page"
    return str(field["value"])


def page_csrf(client: TestClient, path: str = "/login") -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return csrf_from(response.text)


def login(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the CSRF token of the new session."""
    token = page_csrf(client, "/login")
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.text
    return page_csrf(client, "/account")


def link_in(message: Any) -> str:
    body = message.get_body(("plain",)).get_content()
    return next(word for word in body.split() if word.startswith("http"))


def app_from_environment() -> FastAPI:
    """uvicorn --factory target for the multi-process tests: settings from PAPERWIRE_* variables."""
    from paperwire.config import load_settings

    return create_app(load_settings())


REPO = Path(__file__).resolve().parents[3]


@contextmanager
def uvicorn_server(env: dict[str, str], port: int | None = None) -> Iterator[str]:
    """Run the app in its own uvicorn process on 127.0.0.1; yields the base URL."""
    from tests.smtpserver import free_port

    port = port or free_port()
    factory = "paperwire.web.asgi:app" if _has_module("paperwire.web.asgi") else f"{__name__}:app_from_environment"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        factory,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=REPO, env={**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {process.returncode}")
        try:
            if httpx.get(url + "/login", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("uvicorn did not start in 30 s")
