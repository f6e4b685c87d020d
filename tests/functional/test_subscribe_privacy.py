"""/subscribe must not tell whether an address is subscribed: the confirmation e-mail goes out after the
response (through the same background sending as account mail), so the status, the body and the time
taken are the same for a new, a pending and a subscribed address, and with SMTP down or slow."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time
from pathlib import Path
from typing import Any

import httpx
from bs4 import BeautifulSoup
from sqlalchemy import Engine
from starlette.testclient import TestClient

from paperwire.config import Settings
from paperwire.digest.subscriptions import SubscriptionService
from paperwire.storage import subscribers as repo
from paperwire.web.app import create_app
from tests.smtpserver import RecordingHandler, free_port, smtp_server
from tests.unit.community.support import uvicorn_server

RELAY_DELAY_S = 1.5


def known_addresses(engine: Engine, settings: Settings) -> None:
    subscriptions = SubscriptionService(engine, settings)
    subscriptions.add_confirmed("subscribed@example.org")
    assert subscriptions.request("pending@example.org")  # its confirmation went out a moment ago


def answer(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.text


def test_subscribe_answers_the_same_for_new_pending_subscribed_and_smtp_down(
    engine: Engine, settings: Settings
) -> None:
    known_addresses(engine, settings)
    down = dataclasses.replace(settings, mail_backend="smtp", smtp_url=f"smtp://127.0.0.1:{free_port()}")
    app = create_app(down)
    with TestClient(app) as client:
        answers = {
            email: answer(client.post("/subscribe", data={"email": email}))
            for email in ("new@example.org", "pending@example.org", "subscribed@example.org")
        }
    app.services.engine.dispose()
    with smtp_server() as (url, handler):
        app = create_app(dataclasses.replace(down, smtp_url=url))
        with TestClient(app) as client:
            answers["smtp-up@example.org"] = answer(client.post("/subscribe", data={"email": "smtp-up@example.org"}))
        app.services.engine.dispose()
    assert [r.rcpt_tos for r in handler.received] == [["smtp-up@example.org"]]
    assert len(set(answers.values())) == 1, answers
    status, body = answers["new@example.org"]
    assert status == 200
    assert BeautifulSoup(body, "html.parser").h1.get_text() == "Check your inbox"


class SlowRelay(RecordingHandler):
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(RELAY_DELAY_S)
        return await super().handle_DATA(server, session, envelope)


def wait_for(handler: RecordingHandler, count: int, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while len(handler.received) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def test_subscribe_answers_in_the_same_time_with_a_slow_relay_then_the_mail_arrives(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    known_addresses(engine, settings)
    port = free_port()
    with smtp_server(SlowRelay()) as (url, handler):
        env = {
            "PAPERWIRE_DATABASE_URL": settings.database_url,
            "PAPERWIRE_BASE_URL": f"http://127.0.0.1:{port}",
            "PAPERWIRE_MAIL_BACKEND": "smtp",
            "PAPERWIRE_SMTP_URL": url,
            "PAPERWIRE_EMBEDDER": "hashing",
            "PAPERWIRE_INDEX_DIR": str(tmp_path / "index"),
        }
        with uvicorn_server(env, port=port) as base, httpx.Client(base_url=base, timeout=30) as http:
            http.post("/subscribe", data={"email": "warm-up@example.org"})  # first-request costs
            wait_for(handler, 1)
            answers, seconds = {}, {}
            for email in ("new@example.org", "pending@example.org", "subscribed@example.org", "other@example.org"):
                start = time.perf_counter()
                answers[email] = answer(http.post("/subscribe", data={"email": email}))
                seconds[email] = time.perf_counter() - start
            wait_for(handler, 3)
            delivered = {r.rcpt_tos[0]: r.message for r in handler.received}
            body = delivered["new@example.org"].get_body(("plain",)).get_content()
            link = re.search(r"http://127\.0\.0\.1:\d+/subscribe/confirm/\S+", body)
            assert link is not None
            confirmed = http.post(link[0])
    assert len(set(answers.values())) == 1, answers
    assert max(seconds.values()) < RELAY_DELAY_S * 0.6, seconds  # nobody waits for the relay
    assert max(seconds.values()) - min(seconds.values()) < 0.3, seconds
    assert sorted(delivered) == ["new@example.org", "other@example.org", "warm-up@example.org"]
    assert confirmed.status_code == 200
    with engine.connect() as conn:
        assert repo.get_by_email(conn, "new@example.org").status == "active"
