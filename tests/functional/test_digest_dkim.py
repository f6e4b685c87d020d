"""DKIM (dkimpy): a digest signed by the sender verifies against the public key record, as received over SMTP,
and the signature covers List-Unsubscribe and List-Unsubscribe-Post (RFC 8058 asks for both)."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import dkim
import pytest
from dkim import dknewkey
from sqlalchemy import Engine

from paperwire.config import Settings
from paperwire.digest.service import DigestService
from paperwire.digest.subscriptions import SubscriptionService
from paperwire.mail import SMTPMailer
from paperwire.storage.papers import upsert_papers
from tests.factories import make_record
from tests.smtpserver import RecordingHandler, smtp_server

TUESDAY = date(2026, 11, 24)
pytestmark = pytest.mark.skipif(not shutil.which(dknewkey.OPENSSL_BINARY), reason="dkimpy's key helpers need openssl")


@dataclasses.dataclass
class RawHandler(RecordingHandler):
    """Also keeps the bytes as received, before any parsing."""

    raw: list[bytes] = dataclasses.field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.raw.append(envelope.content)
        return await super().handle_DATA(server, session, envelope)


def make_key(folder: Path) -> tuple[Path, bytes]:
    """(private key file, DNS TXT record) from dkimpy's own helpers (openssl genrsa, 2048 bits)."""
    key, record = folder / "dkim.pem", folder / "dkim.txt"
    dknewkey.GenRSAKeys(str(key), verbose=False)
    dknewkey.ExtractRSADnsPublicKey(str(key), str(record), verbose=False)
    return key, record.read_bytes()


def tags(signature: bytes) -> dict[str, str]:
    value = b"".join(signature.split(b":", 1)[1].split()).decode()
    return dict(part.split("=", 1) for part in value.split(";") if part)


def test_a_sent_digest_carries_a_valid_signature_over_the_unsubscribe_headers(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    key, record = make_key(tmp_path)
    settings = dataclasses.replace(
        settings,
        dkim_selector="pw2026",
        dkim_domain="papers.example",
        dkim_private_key_path=str(key),
        digest_rate_per_minute=0,
    )
    with engine.begin() as conn:
        titles = "Ünïcode & <b>bold</b> titles"
        upsert_papers(conn, [make_record(upvotes=3, announced=TUESDAY, title=titles) for _ in range(3)])
    SubscriptionService(engine, settings).add_confirmed("reader@example.org")
    handler = RawHandler()
    with smtp_server(handler) as (url, _):
        clock = lambda: datetime(2026, 11, 24, 14, tzinfo=UTC)  # noqa: E731
        [report] = DigestService(engine, settings, SMTPMailer(url), clock=clock).send(TUESDAY)
    assert report.sent == 1
    [raw] = handler.raw
    lookups: list[bytes] = []

    def dnsfunc(name: bytes, timeout: int = 5) -> bytes:
        lookups.append(name)
        return record if name == b"pw2026._domainkey.papers.example." else b""

    assert dkim.verify(raw, dnsfunc=dnsfunc)
    assert lookups == [b"pw2026._domainkey.papers.example."]
    signature = next(line for line in dkim.DKIM(raw).headers if line[0].lower() == b"dkim-signature")[1]
    signed = tags(b"DKIM-Signature:" + signature)
    assert signed["d"] == "papers.example"
    assert signed["s"] == "pw2026"
    assert signed["a"] == "rsa-sha256"
    assert {"list-unsubscribe", "list-unsubscribe-post", "from", "subject", "message-id"} <= set(
        signed["h"].lower().split(":")
    )
    tampered = raw.replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click", b"List-Unsubscribe-Post: x")
    assert tampered != raw
    assert not dkim.verify(tampered, dnsfunc=dnsfunc)
