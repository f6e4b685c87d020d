"""Absolute URLs that go into e-mails: confirm, preferences, unsubscribe, paper pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from paperwire.config import Settings
from paperwire.digest.tokens import confirm_token, manage_token
from paperwire.domain.papers import paper_path
from paperwire.storage.subscribers import Subscriber


def _base(settings: Settings) -> str:
    return settings.base_url.rstrip("/")


def confirm_url(settings: Settings, subscriber: Subscriber) -> str:
    token = confirm_token(settings, subscriber.id, subscriber.token_key, subscriber.confirm_nonce or "")
    return f"{_base(settings)}/subscribe/confirm/{token}"


def manage_url(settings: Settings, subscriber: Subscriber) -> str:
    return f"{_base(settings)}/subscribe/manage/{manage_token(settings, subscriber.id, subscriber.token_key)}"


def unsubscribe_url(settings: Settings, subscriber: Subscriber) -> str:
    return f"{_base(settings)}/unsubscribe/{manage_token(settings, subscriber.id, subscriber.token_key)}"


def paper_url(settings: Settings, paper_id: str) -> str:
    return _base(settings) + paper_path(paper_id)


def site_host(settings: Settings) -> str:
    return urlsplit(settings.base_url).hostname or "localhost"


def mail_domain(settings: Settings) -> str:
    return settings.mail_from.rsplit("@", 1)[-1].strip("> ") or "localhost"


def unsubscribe_mailto(settings: Settings, subscriber: Subscriber) -> str:
    address = settings.digest_unsubscribe_mailto or f"unsubscribe@{mail_domain(settings)}"
    token = manage_token(settings, subscriber.id, subscriber.token_key)
    return f"mailto:{address}?subject=unsubscribe%20{token}"


def list_id(settings: Settings) -> str:
    return settings.digest_list_id or f"paperwire digest <digest.{site_host(settings)}>"
