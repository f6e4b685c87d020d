"""Mail backends behind one Protocol. SMTP from PAPERWIRE_SMTP_URL:
smtp://[user:password@]host[:port][?starttls=true] or smtps://... for implicit TLS.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import sys
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from paperwire.config import Settings
from paperwire.errors import InvalidInput, UpstreamUnavailable

log = logging.getLogger(__name__)


class MailTemporaryError(UpstreamUnavailable):
    """A 4xx answer or a dropped connection: try again later."""

    def __init__(self, message: str, code: int | None = None, after_data: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.after_data = after_data  # the server may have accepted the message: ambiguous


class MailPermanentError(UpstreamUnavailable):
    """A 5xx answer for the recipient: a hard bounce."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class MailSession(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Send one message on a connection of its own."""

    def session(self) -> AbstractContextManager[MailSession]:
        """A context manager that reuses one connection for many messages."""


class MemoryMailer:
    """Keeps messages in a list: for development tools and unit tests of composition."""

    def __init__(self) -> None:
        self.outbox: list[EmailMessage] = []
        self._lock = threading.Lock()

    def send(self, message: EmailMessage) -> None:
        with self._lock:
            self.outbox.append(message)

    @contextmanager
    def session(self) -> Iterator[MemoryMailer]:
        yield self


class ConsoleMailer(MemoryMailer):
    """Prints each message to stderr (development default)."""

    def send(self, message: EmailMessage) -> None:
        super().send(message)
        sys.stderr.write(f"--- mail to {message['To']}: {message['Subject']}\n")
        body = message.get_body(("plain",))
        sys.stderr.write((body.get_content() if body else "") + "\n---\n")


class SMTPMailer:
    def __init__(self, url: str, timeout_s: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise InvalidInput(
                f"PAPERWIRE_SMTP_URL must look like smtp://host:port, got {parts.scheme}://..."
            )
        self.host = parts.hostname
        self.implicit_tls = parts.scheme == "smtps"
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        query = parse_qs(parts.query)
        self.starttls = query.get("starttls", ["false"])[0].lower() in ("1", "true", "yes")
        self.timeout_s = timeout_s

    def _connect(self) -> smtplib.SMTP:
        try:
            if self.implicit_tls:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout_s, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
        except (OSError, smtplib.SMTPException) as error:
            raise MailTemporaryError(f"SMTP {self.host}:{self.port} unreachable: {error}") from error
        return smtp

    @contextmanager
    def session(self) -> Iterator[SMTPSession]:
        smtp = self._connect()
        try:
            yield SMTPSession(smtp)
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()

    def send(self, message: EmailMessage) -> None:
        with self.session() as session:
            session.send(message)


class SMTPSession:
    """One open SMTP connection; send() maps smtplib's errors to temporary/permanent ones."""

    def __init__(self, smtp: smtplib.SMTP) -> None:
        self.smtp = smtp

    def send(self, message: EmailMessage) -> None:
        try:
            refused = self.smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            code, reason = next(iter(error.recipients.values()))
            raise _classify(code, reason) from error
        except smtplib.SMTPResponseException as error:
            raise _classify(error.smtp_code, error.smtp_error, after_data=True) from error
        except smtplib.SMTPServerDisconnected as error:
            raise MailTemporaryError(f"SMTP connection dropped: {error}", after_data=True) from error
        except OSError as error:
            raise MailTemporaryError(f"SMTP connection failed: {error}", after_data=True) from error
        if refused:
            code, reason = next(iter(refused.values()))
            raise _classify(code, reason)


def _classify(code: int, reason: bytes | str, after_data: bool = False) -> UpstreamUnavailable:
    text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    if 500 <= code < 600:
        return MailPermanentError(f"SMTP {code}: {text}", code)
    return MailTemporaryError(f"SMTP {code}: {text}", code, after_data=after_data)


def build_mailer(settings: Settings) -> MemoryMailer | SMTPMailer:
    if settings.mail_backend == "smtp":
        return SMTPMailer(settings.smtp_url, timeout_s=settings.http_timeout_s)
    if settings.mail_backend == "memory":
        return MemoryMailer()
    if settings.mail_backend == "console":
        return ConsoleMailer()
    raise InvalidInput(
        f"PAPERWIRE_MAIL_BACKEND must be smtp, console or memory, got {settings.mail_backend!r}"
    )
