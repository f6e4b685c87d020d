"""Signed, expiring, single-use links for e-mail: a random token, signed with the secret key.

The signature and its timestamp reject tampered and stale links before the database is asked; the
token's hash in `account_tokens` makes the link single-use (it is deleted when used).
"""

from __future__ import annotations

import secrets

from paperwire import signing
from paperwire.errors import InvalidInput

INVALID = "This link is invalid, expired or already used."


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def sign(secret_key: str, purpose: str, raw: str) -> str:
    return signing.sign(secret_key, f"paperwire.{purpose}", raw)


def unsign(secret_key: str, purpose: str, signed: str, max_age_s: int) -> str:
    """The raw token inside `signed`; InvalidInput when tampered with, for another purpose or too old."""
    try:
        raw = signing.unsign(secret_key, f"paperwire.{purpose}", signed, max_age_s=max_age_s)
    except signing.BadLink:
        raise InvalidInput(INVALID) from None
    if not isinstance(raw, str):
        raise InvalidInput(INVALID)
    return raw
