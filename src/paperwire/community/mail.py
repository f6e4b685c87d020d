"""Transactional e-mail: compose from template folders, send after the transaction commits."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from email.message import EmailMessage
from urllib.parse import urlencode

from paperwire.config import Settings
from paperwire.errors import UpstreamUnavailable
from paperwire.mail import Mailer, failure_fields, render_email

log = logging.getLogger(__name__)


def link(settings: Settings, path: str, token: str) -> str:
    return f"{settings.base_url.rstrip('/')}{path}?{urlencode({'token': token})}"


def compose(settings: Settings, name: str, to: str, **context: object) -> EmailMessage:
    context = {"site_name": "paperwire", "base_url": settings.base_url, **context}
    return render_email(name, context, to=to, sender=settings.mail_from)


def send_all(mailer: Mailer, messages: Iterable[EmailMessage]) -> None:
    """Send each message; failures are logged, never shown (that would reveal which accounts exist)."""
    for message in messages:
        try:
            mailer.send(message)
        except UpstreamUnavailable as error:
            log.warning("community.mail_failed", extra={"template": message["Subject"], **failure_fields(error)})
