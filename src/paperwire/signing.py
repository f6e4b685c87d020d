"""Signed values for links (e-mails, forms): the one place that signs and checks them (itsdangerous).

`salt` names the purpose, so a value signed for one purpose never passes for another. Timed values
carry their signing time and expire after `max_age_s`; plain ones last until the secret (or a key
inside the value) changes.
"""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer


class BadLink(Exception):
    """Tampered with, signed for another purpose or with another secret."""


class ExpiredLink(BadLink):
    """Signed correctly, but older than allowed."""


def sign(secret: str, salt: str, value: Any, *, timed: bool = True) -> str:
    serializer = URLSafeTimedSerializer(secret, salt=salt) if timed else URLSafeSerializer(secret, salt=salt)
    return str(serializer.dumps(value))


def unsign(secret: str, salt: str, token: str, *, max_age_s: int | None = None) -> Any:
    """The signed value; ExpiredLink or BadLink otherwise. `max_age_s` None: a plain (untimed) value."""
    try:
        if max_age_s is None:
            return URLSafeSerializer(secret, salt=salt).loads(token)
        return URLSafeTimedSerializer(secret, salt=salt).loads(token, max_age=max_age_s)
    except SignatureExpired:
        raise ExpiredLink from None
    except BadSignature:
        raise BadLink from None
