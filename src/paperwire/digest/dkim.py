"""Optional DKIM signing (dkimpy). The signature covers List-Unsubscribe and List-Unsubscribe-Post (RFC 8058)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import dkim

from paperwire.config import Settings
from paperwire.errors import InvalidInput

SIGNED_HEADERS = (
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"list-id",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
    b"mime-version",
    b"content-type",
)


def is_enabled(settings: Settings) -> bool:
    return bool(settings.dkim_selector and settings.dkim_domain and settings.dkim_private_key_path)


@cache
def _key(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise InvalidInput(f"PAPERWIRE_DKIM_PRIVATE_KEY_PATH: {error}") from error


def sign(settings: Settings, raw: bytes) -> bytes:
    """Prepends a DKIM-Signature header (relaxed/relaxed, rsa-sha256) to the exact bytes that go to SMTP,
    when DKIM is configured."""
    if not is_enabled(settings):
        return raw
    signature: bytes = dkim.sign(
        raw,
        settings.dkim_selector.encode(),
        settings.dkim_domain.encode(),
        _key(settings.dkim_private_key_path),
        include_headers=list(SIGNED_HEADERS),
        canonicalize=(b"relaxed", b"relaxed"),
        linesep=b"\r\n",
    )
    return signature + raw
