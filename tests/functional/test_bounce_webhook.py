"""POST /api/hooks/bounces: HMAC-signed bounce and complaint events; unsigned, forged, stale and replayed
calls are refused and change nothing."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from paperwire.config import Settings
from paperwire.digest.bounce_hook import HEADER, signature
from paperwire.digest.subscriptions import SubscriptionService
from paperwire.storage import subscribers as repo
from paperwire.web.app import create_app
from tests.conftest import TEST_DATA

SECRET = "webhook-secret-for-tests-0123456789abcdef"
URL = "/api/hooks/bounces"
READERS = ("gone@example.org", "annoyed@example.com", "full@example.net")


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    for email in READERS:
        SubscriptionService(engine, settings).add_confirmed(email)
    app = create_app(dataclasses.replace(settings, bounce_webhook_secret=SECRET, digest_soft_bounce_limit=2))
    with TestClient(app) as client:
        yield client
    app.services.engine.dispose()


def statuses(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {email: repo.get_by_email(conn, email).status for email in READERS}  # type: ignore[union-attr]


def post(client: TestClient, body: bytes, *, secret: str = SECRET, at: float | None = None, **headers: str):  # type: ignore[no-untyped-def]
    stamp = int(time.time() if at is None else at)
    headers = {"content-type": "application/json", HEADER: signature(secret, body, stamp), **headers}
    return client.post(URL, content=body, headers=headers)


EVENTS = json.dumps(
    {
        "events": [
            {"type": "bounce", "email": "Gone@Example.org", "status": "5.1.1", "diagnostic": "550 5.1.1 unknown"},
            {"type": "complaint", "email": "annoyed@example.com", "feedback_type": "abuse"},
            {"type": "bounce", "email": "full@example.net", "status": "4.2.2"},
            {"type": "bounce", "email": "stranger@example.org", "status": "5.1.1"},
        ]
    }
).encode()


def test_signed_webhook_suppresses_hard_bounces_and_complaints_and_scores_soft_ones(
    client: TestClient, engine: Engine
) -> None:
    response = post(client, EVENTS)
    assert response.status_code == 200, response.text
    assert response.json() | {"dry_run": None} == {
        "ok": True,
        "messages": 1,
        "ignored": 0,
        "hard": 1,
        "soft": 1,
        "complaints": 1,
        "suppressed": 2,
        "unknown": 1,
        "repeated": 0,
        "dry_run": None,
    }
    assert statuses(engine) == {
        "gone@example.org": "bounced",
        "annoyed@example.com": "complained",
        "full@example.net": "active",  # one soft bounce of the two allowed
    }
    second = json.dumps({"events": [{"type": "bounce", "email": "full@example.net", "status": "4.4.7"}]}).encode()
    assert post(client, second).json()["suppressed"] == 1
    assert statuses(engine)["full@example.net"] == "bounced"


def test_signed_webhook_accepts_a_raw_delivery_status_notification(client: TestClient, engine: Engine) -> None:
    body = (TEST_DATA / "bounces" / "dsn-hard.eml").read_bytes()
    response = post(client, body, **{"content-type": "message/rfc822"})
    assert response.status_code == 200, response.text
    assert (response.json()["hard"], response.json()["suppressed"]) == (1, 1)
    assert statuses(engine)["gone@example.org"] == "bounced"


def test_unsigned_webhook_call_is_refused_with_401_and_changes_nothing(client: TestClient, engine: Engine) -> None:
    response = client.post(URL, content=EVENTS, headers={"content-type": "application/json"})
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error": response.json()["error"], "status": 401}
    assert HEADER in response.json()["error"]
    assert set(statuses(engine).values()) == {"active"}


@pytest.mark.parametrize("forgery", ["other secret", "body changed after signing", "signature re-dated"])
def test_forged_webhook_call_is_refused_with_403_and_changes_nothing(
    client: TestClient, engine: Engine, forgery: str
) -> None:
    stamp = int(time.time())
    header = signature("not-the-secret" if forgery == "other secret" else SECRET, EVENTS, stamp)
    body = EVENTS.replace(b"5.1.1", b"5.1.2") if forgery == "body changed after signing" else EVENTS
    if forgery == "signature re-dated":
        header = header.replace(f"t={stamp}", f"t={stamp + 1}")
    response = client.post(URL, content=body, headers={"content-type": "application/json", HEADER: header})
    assert response.status_code == 403
    assert set(statuses(engine).values()) == {"active"}


def test_stale_webhook_signature_is_refused(client: TestClient, engine: Engine) -> None:
    response = post(client, EVENTS, at=time.time() - 301)  # PAPERWIRE_BOUNCE_WEBHOOK_MAX_AGE_S is 300
    assert response.status_code == 403
    assert "replay protection" in response.json()["error"]
    assert set(statuses(engine).values()) == {"active"}


def test_replayed_webhook_call_is_refused(client: TestClient) -> None:
    body = json.dumps({"events": [{"type": "bounce", "email": "full@example.net", "status": "4.2.2"}]}).encode()
    headers = {"content-type": "application/json", HEADER: signature(SECRET, body, int(time.time()))}
    assert client.post(URL, content=body, headers=headers).status_code == 200
    replay = client.post(URL, content=body, headers=headers)  # a soft bounce counted twice would suppress
    assert replay.status_code == 403
    assert "already received" in replay.json()["error"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"{not json", "not JSON"),
        (b'{"events": [{"type": "bounce", "email": "a@example.org"}]}', "event 1: a bounce needs 'status'"),
        (b'{"events": [{"type": "hug", "email": "a@example.org"}]}', "event 1: 'type' must be"),
        (b'{"events": 3}', 'expected {"events": [...]}'),
    ],
)
def test_signed_webhook_with_a_bad_body_is_400_with_the_error_shape(
    client: TestClient, body: bytes, problem: str
) -> None:
    response = post(client, body)
    assert response.status_code == 400
    assert response.json()["status"] == 400
    assert problem in response.json()["error"]


def test_bounce_webhook_is_off_without_a_secret(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app) as client:
        response = client.post(URL, content=EVENTS, headers={HEADER: signature("", EVENTS, int(time.time()))})
    app.services.engine.dispose()
    assert response.status_code == 404
