"""Mail backends behind one Protocol. SMTP from PAPERWIRE_SMTP_URL:
smtp://[user:password@]host[:port][?starttls=true] or smtps://... for implicit TLS.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import email.utils
import logging
import re
import smtplib
import ssl
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from email.message import EmailMessage
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from paperwire.config import Settings
from paperwire.errors import InvalidInput, UpstreamUnavailable
from paperwire.mail.replies import is_recipient_refusal

log = logging.getLogger(__name__)


class MailTemporaryError(UpstreamUnavailable):
    """A 4xx answer or a dropped connection: try again later.

    `after_data`: the whole message was handed over and the connection dropped before the server
    answered, so the server may have accepted it (the outcome is uncertain, not a failure)."""

    def __init__(self, message: str, code: int | None = None, after_data: bool = False, reply: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.after_data = after_data
        self.reply = reply  # the server's text after the code ("" when there was no answer)


BOUNCE, SENDER, POLICY = "bounce", "sender", "policy"


class MailPermanentError(UpstreamUnavailable):
    """A 5xx answer. `kind` says whom it is about (paperwire.mail.replies has the rule):

    - "bounce": the relay refused this recipient after RCPT (a hard bounce: the only kind that suppresses);
    - "sender": the session or the sender was refused (greeting, EHLO, authentication, MAIL FROM):
      nothing can be sent until an operator looks, whoever the recipient;
    - "policy": any other refusal (a policy 5xx after RCPT, DATA refused, a feature missing): this
      message was not sent, and nobody's address is at fault.
    """

    def __init__(self, message: str, code: int | None = None, kind: str = POLICY, reply: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.kind = kind
        self.reply = reply


def failure_fields(error: Exception) -> dict[str, object]:
    """Log fields of a failed message: the server's reply code and text when it answered."""
    return {
        "error": str(error)[:300],
        "smtp_code": getattr(error, "code", None),
        "smtp_reply": str(getattr(error, "reply", ""))[:300],
    }


class MailSession(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def send_raw(self, sender: str, recipient: str, data: bytes) -> None:
        """Send bytes already in wire form (CRLF, ASCII) as they are: no parsing, no re-serialising."""


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

    def send_raw(self, sender: str, recipient: str, data: bytes) -> None:
        message = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.send(message)

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
            raise InvalidInput(f"PAPERWIRE_SMTP_URL must look like smtp://host:port, got {parts.scheme}://...")
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
        except smtplib.SMTPResponseException as error:
            where = f"SMTP {self.host}:{self.port} refused the session"
            raise _classify(error.smtp_code, error.smtp_error, stage="session", prefix=where) from error
        except smtplib.SMTPNotSupportedError as error:  # STARTTLS or AUTH asked for but not offered
            raise MailPermanentError(f"SMTP {self.host}:{self.port}: {error}", kind=SENDER) from error
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

    def send_reporting(self, message: EmailMessage) -> tuple[int, str]:
        """Send one message and return the server's final answer (`paperwire mail test`)."""
        with self.session() as session:
            return session.send_reporting(message)


def _address(header: str | None) -> str:
    return email.utils.parseaddr(header or "")[1]


class SMTPSession:
    """One open SMTP connection; send() maps smtplib's errors to temporary/permanent ones."""

    def __init__(self, smtp: smtplib.SMTP) -> None:
        self.smtp = smtp

    def send(self, message: EmailMessage) -> None:
        self._mapped(self.smtp.send_message, message)

    def send_raw(self, sender: str, recipient: str, data: bytes) -> None:
        self._mapped(self._sendmail, sender, recipient, data)

    def send_reporting(self, message: EmailMessage) -> tuple[int, str]:
        """Send one message step by step and return the server's answer to its content (code, text)."""
        answer: list[tuple[int, str]] = []
        self._mapped(self._stepwise, message, answer)
        return answer[0]

    def _stepwise(self, message: EmailMessage, answer: list[tuple[int, str]]) -> dict[str, tuple[int, bytes]]:
        sender, recipient = _address(message["From"]), _address(message["To"])
        self.smtp.ehlo_or_helo_if_needed()
        code, reply = self.smtp.mail(sender)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        code, reply = self.smtp.rcpt(recipient)
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
        code, reply = self.smtp.data(message.as_bytes(policy=email.policy.SMTP))  # raises on non-250
        answer.append((code, _text(reply)))
        return {}

    def _sendmail(self, sender: str, recipient: str, data: bytes) -> dict[str, tuple[int, bytes]]:
        self.smtp.ehlo_or_helo_if_needed()
        if sender.isascii() and recipient.isascii():
            if self.smtp.has_extn("pipelining"):
                return _pipelined(self.smtp, sender, recipient, data)
            return _stepwise(self.smtp, sender, recipient, data, [])
        if not self.smtp.has_extn("smtputf8"):  # as SMTP.send_message does
            raise smtplib.SMTPNotSupportedError(
                "One or more source or delivery addresses require internationalized"
                " email support, but the server does not advertise SMTPUTF8"
            )
        return _stepwise(self.smtp, sender, recipient, data, ["SMTPUTF8", "BODY=8BITMIME"])

    def _mapped(self, send: Callable[..., dict[str, tuple[int, bytes]]], *args: Any) -> None:
        try:
            refused = send(*args)
        except smtplib.SMTPRecipientsRefused as error:
            code, reason = next(iter(error.recipients.values()))
            raise _classify(code, reason, stage="rcpt") from error
        except smtplib.SMTPSenderRefused as error:
            raise _classify(error.smtp_code, error.smtp_error, stage="session") from error
        except smtplib.SMTPResponseException as error:  # DATA refused, or the content refused at the end
            raise _classify(error.smtp_code, error.smtp_error, stage="data") from error
        except smtplib.SMTPNotSupportedError as error:
            raise MailPermanentError(f"SMTP: {error}", kind=POLICY) from error
        except smtplib.SMTPServerDisconnected as error:  # before the content went out: nothing was accepted
            raise MailTemporaryError(f"SMTP connection dropped: {error}") from error
        except OSError as error:
            raise MailTemporaryError(f"SMTP connection failed: {error}") from error
        if refused:
            code, reason = next(iter(refused.values()))
            raise _classify(code, reason, stage="rcpt")


def _pipelined(smtp: smtplib.SMTP, sender: str, recipient: str, data: bytes) -> dict[str, tuple[int, bytes]]:
    """MAIL, RCPT and DATA in one write, then the content (RFC 2920): two round trips instead of four.
    Raises what SMTP.sendmail raises for the same answers; content goes out only after all three succeed."""
    smtp.send(f"MAIL FROM:{smtplib.quoteaddr(sender)}\r\nRCPT TO:{smtplib.quoteaddr(recipient)}\r\nDATA\r\n")
    mail, rcpt, start = smtp.getreply(), smtp.getreply(), smtp.getreply()
    if mail[0] != 250 or rcpt[0] not in (250, 251) or start[0] != 354:
        _abort(smtp, start[0] == 354 or 421 in (mail[0], rcpt[0], start[0]))
        if mail[0] != 250:
            raise smtplib.SMTPSenderRefused(mail[0], mail[1], sender)
        if rcpt[0] not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({recipient: rcpt})
        raise smtplib.SMTPDataError(*start)
    return _content(smtp, data)


def _stepwise(
    smtp: smtplib.SMTP, sender: str, recipient: str, data: bytes, options: list[str]
) -> dict[str, tuple[int, bytes]]:
    """MAIL, RCPT, DATA one at a time (SMTP.sendmail's steps), so that a dropped connection is known to
    have happened before or after the content went out."""
    code, reply = smtp.mail(sender, options)
    if code != 250:
        _abort(smtp, code == 421)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = smtp.rcpt(recipient)
    if code not in (250, 251):
        _abort(smtp, code == 421)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        _abort(smtp, code == 421)
        raise smtplib.SMTPDataError(code, reply)
    return _content(smtp, data)


def _content(smtp: smtplib.SMTP, data: bytes) -> dict[str, tuple[int, bytes]]:
    """Send the message after a 354 and read the final answer. No answer once the last byte went out
    is uncertain (the server may have queued the message): MailTemporaryError(after_data=True)."""
    if data.startswith(b".") or b"\n." in data:
        data = re.sub(rb"(?m)^\.", b"..", data)  # dot-stuffing (RFC 5321 4.5.2)
    smtp.send(data + (b"" if data.endswith(b"\r\n") else b"\r\n") + b".\r\n")
    try:
        code, reply = smtp.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as error:
        smtp.close()
        raise MailTemporaryError(f"SMTP connection dropped after DATA: {error}", after_data=True) from error
    if code != 250:
        _abort(smtp, code == 421)
        raise smtplib.SMTPDataError(code, reply)
    return {}


def _abort(smtp: smtplib.SMTP, close: bool) -> None:
    """After a refusal: RSET like SMTP.sendmail, or close (421, or a server waiting for content we withhold)."""
    if close:
        smtp.close()
        return
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        smtp.rset()


def _classify(code: int, reason: bytes | str, *, stage: str, prefix: str = "SMTP") -> UpstreamUnavailable:
    """4xx: temporary. 5xx: a bounce only after RCPT and only when it names the recipient (replies.py);
    5xx to the session or MAIL FROM is about the sender; anything else is a policy refusal."""
    text = _text(reason)
    message = f"{prefix} {code}: {text}"
    if not 500 <= code < 600:
        return MailTemporaryError(message, code, reply=text)
    if stage == "session":
        return MailPermanentError(message, code, kind=SENDER, reply=text)
    if stage == "rcpt" and is_recipient_refusal(code, text):
        return MailPermanentError(message, code, kind=BOUNCE, reply=text)
    return MailPermanentError(message, code, kind=POLICY, reply=text)


def _text(reason: bytes | str) -> str:
    return " ".join((reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)).split())


def build_mailer(settings: Settings) -> MemoryMailer | SMTPMailer:
    if settings.mail_backend == "smtp":
        return SMTPMailer(settings.smtp_url, timeout_s=settings.http_timeout_s)
    if settings.mail_backend == "memory":
        return MemoryMailer()
    if settings.mail_backend == "console":
        return ConsoleMailer()
    raise InvalidInput(f"PAPERWIRE_MAIL_BACKEND must be smtp, console or memory, got {settings.mail_backend!r}")
