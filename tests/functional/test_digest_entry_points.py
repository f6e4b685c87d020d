"""One edition, whoever makes it: `paperwire digest send`, the worker, `paperwire digest preview` and the
web preview compose the same e-mail for the same subscriber and day (saved searches through the hybrid
search in all four). Also the two preview bugs the old wiring hid: a 500 for subscribers with a saved
search, and a 403 for site admins.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import Message

import pytest
from sqlalchemy import Engine, delete
from typer.testing import CliRunner

from paperwire.cli import _common, app
from paperwire.config import Settings
from paperwire.digest.compose import body_of
from paperwire.digest.preferences import Preferences, Sections
from paperwire.services import Services, build_services
from paperwire.storage.digest_tables import digest_editions, digest_sends, digest_sent_papers
from paperwire.storage.papers import upsert_papers
from paperwire.web.app import create_app
from paperwire.worker import JOBS, Worker
from tests.factories import make_record
from tests.smtpserver import smtp_server
from tests.unit.community.support import client_for, dispose_apps, login, make_user

__all__ = ["dispose_apps"]
READER = "reader@example.org"
ADMIN_TOKEN = "preview-token-for-tests"


@pytest.fixture
def smtp() -> Iterator[tuple[str, object]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def digest_settings(settings: Settings, smtp: tuple[str, object]) -> Settings:
    return dataclasses.replace(
        settings,
        mail_backend="smtp",
        smtp_url=smtp[0],
        digest_weekdays=("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
        digest_send_hour_utc=0,
        digest_rate_per_minute=0,
        digest_admin_token=ADMIN_TOKEN,
    )


@pytest.fixture
def services(digest_settings: Settings, engine: Engine) -> Services:
    services = build_services(digest_settings, engine=engine)
    today = datetime.now(UTC).date()
    papers = [
        make_record(title="Diffusion models for video generation", announced=today, upvotes=5),
        make_record(title="Sparse attention for long documents", announced=today, upvotes=2),
        make_record(title="Graph neural networks on molecules", announced=today - timedelta(days=1), upvotes=9),
        make_record(title="A quiet paper nobody voted for", announced=today),
    ]
    with engine.begin() as conn:
        upsert_papers(conn, papers)
    services.search.update_index()
    subscriber = services.subscriptions.add_confirmed(READER)
    sections = Sections(trending=2, searches=("diffusion video",), categories=("cs.LG",))
    services.subscriptions.update_preferences(subscriber.id, Preferences(sections=sections))
    return services


def _forget_editions(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in (digest_sent_papers, digest_sends, digest_editions):
            conn.execute(delete(table))


def _cli(settings: Settings, *args: str) -> str:
    env = {
        "PAPERWIRE_DATABASE_URL": settings.database_url,
        "PAPERWIRE_INDEX_DIR": settings.index_dir,
        "PAPERWIRE_EMBEDDER": settings.embedder,
        "PAPERWIRE_MAIL_BACKEND": settings.mail_backend,
        "PAPERWIRE_SMTP_URL": settings.smtp_url,
        "PAPERWIRE_BASE_URL": settings.base_url,
        "PAPERWIRE_DIGEST_WEEKDAYS": " ".join(settings.digest_weekdays),
        "PAPERWIRE_DIGEST_RATE_PER_MINUTE": "0",
    }
    _common.settings.cache_clear()
    _common.services.cache_clear()
    try:
        result = CliRunner().invoke(app, list(args), env=env)
    finally:
        _common.services().engine.dispose()
        _common.settings.cache_clear()
        _common.services.cache_clear()
    assert result.exit_code == 0, result.output
    return result.output


def _sent(smtp: tuple[str, object]) -> Message:
    handler = smtp[1]
    [received] = handler.received  # type: ignore[attr-defined]
    handler.received.clear()  # type: ignore[attr-defined]
    return received.message  # type: ignore[no-any-return]


def _html_of_cli_preview(output: str) -> str:
    _, _, body = output.partition("\n\n")
    return body.removesuffix("\n")  # the newline the command ends its output with


def test_an_edition_is_the_same_from_every_entry_point(
    services: Services, digest_settings: Settings, engine: Engine, smtp: tuple[str, object]
) -> None:
    _cli(digest_settings, "digest", "send", "--json")
    by_cli_send = _sent(smtp)
    _forget_editions(engine)
    worker = Worker(services, tuple(job for job in JOBS if job.name == "digest"))
    [run] = worker.run_once()
    worker.release()
    assert run["status"] == "succeeded", run
    by_worker = _sent(smtp)
    _forget_editions(engine)
    by_cli_preview = _html_of_cli_preview(_cli(digest_settings, "digest", "preview", "--html", READER))
    plain_preview = _html_of_cli_preview(_cli(digest_settings, "digest", "preview", READER))
    web = client_for(create_app(digest_settings, services))
    by_web = web.get("/digest/preview", params={"email": READER, "token": ADMIN_TOKEN})
    assert by_web.status_code == 200, by_web.text

    html = body_of(by_cli_send, "html")
    assert "Diffusion models for video generation" in html  # the saved search matched through search
    assert "A quiet paper nobody voted for" not in html.split("Your saved searches")[0]  # not "trending"
    assert body_of(by_worker, "html") == html
    assert by_cli_preview == html
    assert by_web.text == html
    assert body_of(by_worker, "plain") == body_of(by_cli_send, "plain") == plain_preview
    assert by_worker["Subject"] == by_cli_send["Subject"]


def test_preview_of_a_subscriber_with_a_saved_search_answers_200(services: Services, digest_settings: Settings) -> None:
    client = client_for(create_app(digest_settings, services))
    response = client.get("/digest/preview", params={"email": READER, "token": ADMIN_TOKEN})
    assert response.status_code == 200
    assert "matches your search" in response.text


def test_site_admins_see_the_preview_and_other_users_do_not(
    services: Services, digest_settings: Settings, engine: Engine
) -> None:
    admin, reader = make_user(engine, admin=True), make_user(engine)
    for user, status in ((admin, 200), (reader, 403)):
        client = client_for(create_app(digest_settings, services))
        login(client, user["email"])
        assert client.get("/digest/preview", params={"email": READER}).status_code == status
    assert client_for(create_app(digest_settings, services)).get("/digest/preview?email=x").status_code == 403


def test_a_preview_with_nothing_new_says_the_edition_would_be_skipped(
    services: Services, digest_settings: Settings
) -> None:
    services.subscriptions.add_confirmed("nobody-reads@example.org")
    client = client_for(create_app(digest_settings, services))
    response = client.get(
        "/digest/preview", params={"email": "nobody-reads@example.org", "token": ADMIN_TOKEN, "day": "2020-01-01"}
    )
    assert response.status_code == 404
    assert "that edition would be skipped" in response.text
