"""Subscribe -> confirm (POST) -> digest over real SMTP -> parse; one-click unsubscribe; second edition."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.digest import links
from paperwire.digest.service import DigestService
from paperwire.digest.subscriptions import SubscriptionService
from paperwire.mail import MemoryMailer, SMTPMailer
from paperwire.storage import subscribers
from paperwire.storage.papers import upsert_papers
from paperwire.web.app import create_app
from tests.factories import make_record
from tests.smtpserver import smtp_server

MONDAY = date(2026, 11, 23)
TUESDAY = MONDAY + timedelta(days=1)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 14, tzinfo=UTC)


def add_papers(engine: Engine, day: date, count: int, **overrides: object) -> list[str]:
    # upvoted, so that they trend (papers without votes or comments are not in Trending)
    records = [make_record(announced=day, **{"upvotes": 3, **overrides}) for _ in range(count)]
    with engine.begin() as conn:
        upsert_papers(conn, records)
    return [r.id for r in records]


def link_in(message: EmailMessage, pattern: str) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    match = re.search(pattern, body.get_content())
    assert match, body.get_content()
    return match.group(0)


def subscribe_and_confirm(client: TestClient, outbox: list[EmailMessage], email: str) -> None:
    response = client.post("/subscribe", data={"email": email})
    assert response.status_code == 200
    url = link_in(outbox[-1], r"http://testserver/subscribe/confirm/\S+")
    page = client.get(url)
    assert page.status_code == 200
    form = BeautifulSoup(page.text, "html.parser").find(
        "form", attrs={"method": "post", "action": re.compile("confirm")}
    )
    assert form is not None
    assert client.post(url).status_code == 200


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    yield TestClient(app)
    app.services.engine.dispose()


def test_subscribe_confirm_send_unsubscribe_and_second_edition(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    outbox = client.app.services.mailer.outbox  # type: ignore[attr-defined]
    subscribe_and_confirm(client, outbox, "Reader@Example.org")
    first = add_papers(engine, MONDAY, 3)
    with smtp_server() as (url, handler):
        smtp_settings = dataclasses.replace(settings, mail_backend="smtp", smtp_url=url, digest_rate_per_minute=0)
        service = DigestService(engine, smtp_settings, SMTPMailer(url), clock=lambda: at(MONDAY))
        [report] = service.send()
        assert report.sent == 1
        assert report.status == "finished"
        [received] = handler.received
        message = received.message
        assert received.rcpt_tos == ["reader@example.org"]
        assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
        for header in ("Message-ID", "Date", "From", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post"):
            assert message[header], header
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "mailto:" in message["List-Unsubscribe"]
        html = message.get_body(("html",)).get_content()
        links = [a["href"] for a in BeautifulSoup(html, "html.parser").find_all("a")]
        assert {f"http://testserver/papers/{pid}" for pid in first} <= set(links)

        more = add_papers(engine, TUESDAY, 2)
        service.clock = lambda: at(TUESDAY)
        [second] = service.send()
        assert second.sent == 1
        body = handler.received[-1].message.get_body(("plain",)).get_content()
        assert all(pid in body for pid in more)
        assert not any(pid in body for pid in first)
        assert handler.received[-1].message["Message-ID"] != message["Message-ID"]

    unsubscribe = re.search(r"<(https?://[^>]+)>", message["List-Unsubscribe"]).group(1)
    assert client.get(unsubscribe).status_code == 200  # a GET changes nothing
    status = DigestService(engine, settings, MemoryMailer()).status()
    assert status["subscribers"] == {"active": 1}
    for _ in range(2):  # RFC 8058 one-click, idempotent, no cookies, no redirect
        response = client.post(
            unsubscribe,
            content=b"List-Unsubscribe=One-Click",
            follow_redirects=False,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == 200
    assert DigestService(engine, settings, MemoryMailer()).status()["subscribers"] == {"unsubscribed": 1}


def test_subscribe_answers_the_same_for_known_and_unknown_addresses(client: TestClient) -> None:
    first = client.post("/subscribe", data={"email": "a@example.org"})
    again = client.post("/subscribe", data={"email": "a@example.org"})
    other = client.post("/subscribe", data={"email": "b@example.org"})
    assert first.status_code == again.status_code == other.status_code == 200
    strip = lambda text: BeautifulSoup(text, "html.parser").find("main").get_text()  # noqa: E731
    assert strip(first.text) == strip(again.text) == strip(other.text)
    outbox = client.app.services.mailer.outbox  # type: ignore[attr-defined]
    assert len(outbox) == 2  # the resend within the interval was rate-limited


def test_confirm_link_get_does_not_confirm_and_bad_token_is_404(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    client.post("/subscribe", data={"email": "c@example.org"})
    outbox = client.app.services.mailer.outbox  # type: ignore[attr-defined]
    url = link_in(outbox[-1], r"http://testserver/subscribe/confirm/\S+")
    client.get(url)
    assert DigestService(engine, settings, MemoryMailer()).status()["subscribers"] == {"pending": 1}
    assert client.post(url + "x").status_code == 404


def test_confirmation_link_is_single_use(client: TestClient, engine: Engine, settings: Settings) -> None:
    outbox = client.app.services.mailer.outbox  # type: ignore[attr-defined]
    subscribe_and_confirm(client, outbox, "once@example.org")
    url = link_in(outbox[-1], r"http://testserver/subscribe/confirm/\S+")
    replay = client.post(url)
    assert replay.status_code == 404
    assert "already been used" in BeautifulSoup(replay.text, "html.parser").get_text()
    assert DigestService(engine, settings, MemoryMailer()).status()["subscribers"] == {"active": 1}


def test_used_confirmation_link_does_not_reactivate_an_unsubscribed_address(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    outbox = client.app.services.mailer.outbox  # type: ignore[attr-defined]
    subscribe_and_confirm(client, outbox, "left@example.org")
    confirm = link_in(outbox[-1], r"http://testserver/subscribe/confirm/\S+")
    with engine.connect() as conn:
        subscriber = subscribers.get_by_email(conn, "left@example.org")
    unsubscribe = links.unsubscribe_url(settings, subscriber)
    assert client.post(unsubscribe).status_code == 200
    assert client.post(confirm).status_code == 404  # within the link's 72 hours
    assert DigestService(engine, settings, MemoryMailer()).status()["subscribers"] == {"unsubscribed": 1}


def test_a_new_confirmation_link_replaces_the_previous_one(engine: Engine, settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, digest_confirm_resend_interval_s=0))
    with TestClient(app) as client:
        outbox = app.services.mailer.outbox  # type: ignore[attr-defined]
        client.post("/subscribe", data={"email": "twice@example.org"})
        client.post("/subscribe", data={"email": "twice@example.org"})
        first, second = (link_in(m, r"http://testserver/subscribe/confirm/\S+") for m in outbox)
        assert client.post(first).status_code == 404
        assert client.post(second).status_code == 200
    app.services.engine.dispose()


def test_preview_requires_admin(client: TestClient) -> None:
    assert client.get("/digest/preview", params={"email": "x@example.org"}).status_code == 403


def test_subscribe_is_rate_limited_per_client_ip_with_the_same_answer(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, digest_subscribe_per_ip_per_hour=3))
    with TestClient(app) as one, TestClient(app, client=("203.0.113.9", 50000)) as other:
        outbox = app.services.mailer.outbox
        answers = [one.post("/subscribe", data={"email": f"r{n}@example.org"}) for n in range(5)]
        late = other.post("/subscribe", data={"email": "late@example.org"})
    strip = lambda text: BeautifulSoup(text, "html.parser").find("main").get_text()  # noqa: E731
    assert {a.status_code for a in [*answers, late]} == {200}
    assert len({strip(a.text) for a in answers}) == 1
    assert sorted(m["To"] for m in outbox) == ["late@example.org", "r0@example.org", "r1@example.org", "r2@example.org"]
    assert DigestService(app.services.engine, settings, MemoryMailer()).status()["subscribers"] == {"pending": 4}
    app.services.engine.dispose()


def test_dry_run_counts_only_what_would_really_be_sent(engine: Engine, settings: Settings) -> None:
    settings = dataclasses.replace(
        settings, digest_weekdays=("mon", "tue", "wed", "thu", "fri", "sat", "sun"), digest_rate_per_minute=0
    )
    tuesday = date(2026, 11, 24)
    add_papers(engine, tuesday, 3)
    for email in ("a@example.org", "b@example.org"):
        SubscriptionService(engine, settings).add_confirmed(email)
    mailer = MemoryMailer()
    service = DigestService(engine, settings, mailer, clock=lambda: at(tuesday))
    assert service.dry_run(tuesday)["would_send"] == 2
    assert mailer.outbox == []
    service.send(tuesday)
    assert len(mailer.outbox) == 2
    wednesday = tuesday + timedelta(days=1)
    service.clock = lambda: at(wednesday)
    dry = service.dry_run(wednesday)  # Tuesday's papers are still in the window but were sent
    assert (dry["would_send"], dry["would_skip"]) == (0, 2)
    [report] = service.send(wednesday)
    assert len(mailer.outbox) == 2
    assert report.sent == 0
