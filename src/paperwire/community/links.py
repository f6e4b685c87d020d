"""Signed, expiring, single-use links for e-mail: a random token, signed with the secret key.

The signature and its timestamp reject tampered and stale links before the database is asked; the
token's hash in `account_tokens` makes the link single-use (it is deleted when used).
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

from paperwire.errors import InvalidInput

INVALID = "This link is invalid, expired or already used."


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def sign(secret_key: str, purpose: str, raw: str) -> str:
    return URLSafeTimedSerializer(secret_key, salt=f"paperwire.{purpose}").dumps(raw)


def unsign(secret_key: str, purpose: str, signed: str, max_age_s: int) -> str:
    """The raw token inside `signed`; InvalidInput when tampered with, for another purpose or too old."""
    try:
        raw = URLSafeTimedSerializer(secret_key, salt=f"paperwire.{purpose}").loads(signed, max_age=max_age_s)
    except BadSignature:
        raise InvalidInput(INVALID) from None
    if not isinstance(raw, str):
        raise InvalidInput(INVALID)
    return raw
