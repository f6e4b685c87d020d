"""Signed links: confirmation (expiring), manage/unsubscribe (revocable by rotating token_key), admin preview."""

from __future__ import annotations

import hmac
from functools import lru_cache
from hashlib import sha256

from paperwire import signing
from paperwire.config import Settings, effective_secret
from paperwire.errors import NotFound

CONFIRM = "paperwire.digest.confirm"
MANAGE = "paperwire.digest.manage"


def confirm_token(settings: Settings, subscriber_id: int, token_key: str, nonce: str) -> str:
    """Expiring and single use: `nonce` is the subscriber's confirm_nonce, cleared when the link is used."""
    return signing.sign(effective_secret(settings), CONFIRM, [subscriber_id, token_key, nonce])


def manage_token(settings: Settings, subscriber_id: int, token_key: str) -> str:
    """One token for preferences and unsubscribe links; it does not expire (old e-mails keep working)."""
    return _manage_token(effective_secret(settings), subscriber_id, token_key)


@lru_cache(maxsize=16)  # a digest has three links with the same token
def _manage_token(secret: str, subscriber_id: int, token_key: str) -> str:
    return signing.sign(secret, MANAGE, [subscriber_id, token_key], timed=False)


def read_confirm_token(settings: Settings, token: str) -> tuple[int, str, str]:
    max_age_s = settings.digest_confirm_max_age_hours * 3600
    try:
        value = signing.unsign(effective_secret(settings), CONFIRM, token, max_age_s=max_age_s)
    except signing.ExpiredLink:
        raise NotFound("this confirmation link has expired: subscribe again to get a new one") from None
    except signing.BadLink:
        raise NotFound("this confirmation link is not valid") from None
    if len(value) != 3:  # a link from before links were single use
        raise NotFound("this confirmation link is no longer valid: subscribe again to get a new one")
    return int(value[0]), str(value[1]), str(value[2])


def read_manage_token(settings: Settings, token: str) -> tuple[int, str]:
    try:
        value = signing.unsign(effective_secret(settings), MANAGE, token)
    except signing.BadLink:
        raise NotFound("this link is not valid") from None
    return int(value[0]), str(value[1])


def is_admin_token(settings: Settings, token: str | None) -> bool:
    expected = settings.digest_admin_token
    return bool(expected and token) and hmac.compare_digest(
        sha256(expected.encode()).digest(), sha256(str(token).encode()).digest()
    )


def message_id(settings: Settings, edition_id: int, subscriber_id: int, domain: str) -> str:
    """Stable per (edition, subscriber), unguessable across installations."""
    tag = hmac.new(effective_secret(settings).encode(), f"{edition_id}:{subscriber_id}".encode(), sha256)
    return f"<digest.{edition_id}.{subscriber_id}.{tag.hexdigest()[:12]}@{domain}>"
